"""What the routes share: pagination parameters and documented problem responses."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, ParamSpec, TypeVar

from fastapi import Query

from gateway.core.schemas import Problem
from gateway.ledger.follower import run_write

P = ParamSpec("P")
T = TypeVar("T")

Limit = Annotated[int, Query(ge=1, le=500, description="Page size, 1-500")]
Cursor = Annotated[
    str | None, Query(pattern=r"^[0-9]{1,18}$", description="next_cursor of the previous page (else 422)")
]


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem responses a route can give."""
    every = (401, 422, *statuses, 503)
    return {s: {"model": Problem, "content": {"application/problem+json": {}}} for s in sorted(set(every))}


def _operation(method: str, path: str) -> str:
    """An OpenAPI operationRef to one of this API's own operations (JSON pointer escapes)."""
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method


def _links(source: str, param: str, targets: dict[str, tuple[str, str]]) -> dict[str, Any]:
    return {
        name: {"operationRef": _operation(method, path), "parameters": {param: f"$response.body#{source}"}}
        for name, (method, path) in targets.items()
    }


_BILL, _TRANSFER = "/v1/bills/{bill_id}", "/v1/transfers/{transfer_id}"
_BILL_OPS = (
    *("accept", "reject", "receive", "cancel", "endorse", "discount", "pledge", "release", "present", "pay"),
    *("dishonor", "recourse", "freeze", "unfreeze"),
)
BILL_LINKS = _links(
    "/bill/id",
    "bill_id",
    {
        "GetBill": ("get", _BILL),
        "GetBillHistory": ("get", _BILL + "/history"),
        **{f"{op.title()}Bill": ("post", f"{_BILL}/{op}") for op in _BILL_OPS},
    },
)
TRANSFER_LINKS = _links(
    "/transfer/id",
    "transfer_id",
    {
        "GetTransfer": ("get", _TRANSFER),
        **{f"{op.title()}Transfer": ("post", f"{_TRANSFER}/{op}") for op in ("sign", "reject", "revoke")},
    },
)
PARTICIPANT_LINKS = _links(
    "/id",
    "participant_id",
    {
        "GetParticipant": ("get", "/v1/participants/{participant_id}"),
        "FreezeParticipant": ("post", "/v1/participants/{participant_id}/freeze"),
        "UnfreezeParticipant": ("post", "/v1/participants/{participant_id}/unfreeze"),
        "GetBalance": ("get", "/v1/cash/balances/{participant_id}"),
    },
)


Responses = dict[int | str, dict[str, Any]]


def linked(responses: Responses, status: int, *links: dict[str, Any]) -> Responses:
    """`responses` with OpenAPI links from the `status` answer: where its ids lead (stateful clients
    and schemathesis follow them)."""
    return {**responses, status: {"links": {k: v for group in links for k, v in group.items()}}}


def writes(endpoint: Callable[P, T]) -> Callable[P, Awaitable[T]]:
    """A write route: its (synchronous) service code runs as a greenlet on the event loop, so that
    waiting for the transaction's receipt holds no thread (gateway/ledger/follower.py)."""

    @functools.wraps(endpoint)
    async def run(*args: P.args, **kwargs: P.kwargs) -> T:
        return await run_write(endpoint, *args, **kwargs)

    # FastAPI reads the parameters from here; resolved, as the endpoint's module sees its names.
    run.__signature__ = inspect.signature(endpoint, eval_str=True)  # type: ignore[attr-defined]
    return run
