"""What the routes share: pagination parameters and documented problem responses."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, ParamSpec, TypeVar

from fastapi import Header, Query, Request

from chain.model import BILL_OPERATIONS, TRANSFER_OPERATIONS, transfer_path
from chain.problem_codes import ProblemCode
from chain.relay import Prepared
from gateway.core.problems import Problem as Refused
from gateway.core.schemas import PreparedOut, Problem
from gateway.ledger.follower import run_write
from gateway.services.caller import OPERATION_SIGNATURE, Caller, Preparing, Signature
from gateway.services.service_set import ServiceSet

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
BILL_LINKS = _links(
    "/bill/id",
    "bill_id",
    {
        "GetBill": ("get", _BILL),
        "GetBillHistory": ("get", _BILL + "/history"),
        **{f"{op.label.title()}Bill": ("post", f"{_BILL}/{op.label}") for op in BILL_OPERATIONS},
    },
)
TRANSFER_LINKS = _links(
    "/transfer/id",
    "transfer_id",
    {
        "GetTransfer": ("get", _TRANSFER),
        **{
            f"{transfer_path(op).title()}Transfer": ("post", f"{_TRANSFER}/{transfer_path(op)}")
            for op in TRANSFER_OPERATIONS
        },
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


SignatureHeader = Annotated[
    str | None,
    Header(
        pattern=r"^0x([0-9a-fA-F]{2}){65,2048}$",
        description="Self-custody: the participant's EIP-712 signature over the prepared operation "
        "(POST <this path>/prepare; docs/SIGNING.md), 0x-hex",
    ),
]
NonceHeader = Annotated[
    int | None, Header(ge=0, le=2**64 - 1, description="Self-custody: the prepared operation's nonce")
]
DeadlineHeader = Annotated[
    int | None, Header(ge=0, le=2**64 - 1, description="Self-custody: the prepared operation's deadline")
]
_SIGNED = (
    inspect.Parameter("billchain_signature", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=SignatureHeader),
    inspect.Parameter("billchain_nonce", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=NonceHeader),
    inspect.Parameter("billchain_deadline", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=DeadlineHeader),
)


def _signature(value: str | None, nonce: int | None, deadline: int | None) -> Signature | None:
    given = (value is not None, nonce is not None, deadline is not None)
    if not any(given):
        return None
    if value is None or nonce is None or deadline is None:
        raise Refused(
            ProblemCode.VALIDATION_ERROR, "Billchain-Signature, -Nonce and -Deadline go together: send all three"
        )
    return Signature(bytes.fromhex(value[2:]), nonce, deadline)


def writes(endpoint: Callable[P, T]) -> Callable[..., Awaitable[T]]:
    """A write route: its (synchronous) service code runs as a greenlet on the event loop, so that
    waiting for the transaction's receipt holds no thread (gateway/ledger/follower.py). A self-custody
    participant sends its signature with it (the Billchain-Signature headers, docs/SIGNING.md); its twin
    `<path>/prepare` (`prepares`) answers what to sign."""

    @functools.wraps(endpoint)
    async def run(
        *args: Any,
        billchain_signature: str | None = None,
        billchain_nonce: int | None = None,
        billchain_deadline: int | None = None,
        **kwargs: Any,
    ) -> T:
        token = OPERATION_SIGNATURE.set(_signature(billchain_signature, billchain_nonce, billchain_deadline))
        try:
            return await run_write(endpoint, *args, **kwargs)
        finally:
            OPERATION_SIGNATURE.reset(token)

    # FastAPI reads the parameters from here; resolved, as the endpoint's module sees its names.
    signature = inspect.signature(endpoint, eval_str=True)
    run.__signature__ = signature.replace(parameters=[*signature.parameters.values(), *_SIGNED])  # type: ignore[attr-defined]
    run.__billchain_write__ = endpoint  # type: ignore[attr-defined]
    return run


def prepares(endpoint: Callable[..., Any]) -> Callable[..., Awaitable[PreparedOut]]:
    """The `<path>/prepare` twin of a write route: the same body and checks, and instead of sending, the
    typed data its self-custody signer signs (gateway/services/signing.py). Nothing is sent or stored."""

    async def prepare(*args: Any, billchain_request: Request, **kwargs: Any) -> PreparedOut:
        caller: Caller = kwargs["caller"]
        svc: ServiceSet = kwargs["svc"]
        path = billchain_request.url.path.removesuffix("/prepare")

        def run() -> PreparedOut:
            try:
                endpoint(*args, **kwargs)
            except Prepared as prepared:
                operation = prepared
            else:  # not reached: Service.signer refuses anyone whose writes the gateway signs
                raise Refused(ProblemCode.VALIDATION_ERROR, "this request has nothing to sign")
            return svc.signing.blocking(lambda: svc.signing.prepared(caller, operation, path))

        token = OPERATION_SIGNATURE.set(Preparing())
        try:
            return await run_write(run)
        finally:
            OPERATION_SIGNATURE.reset(token)

    signature = inspect.signature(endpoint, eval_str=True)
    request = inspect.Parameter("billchain_request", inspect.Parameter.KEYWORD_ONLY, annotation=Request)
    prepare.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*signature.parameters.values(), request], return_annotation=PreparedOut
    )
    prepare.__doc__ = f"What a self-custody participant signs for `{endpoint.__name__}` (docs/SIGNING.md)."
    return prepare
