"""POST /v1/batch: a caller's own writes in one transaction, all or nothing (gateway/services/batches.py)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError

from chain.problem_codes import ProblemCode
from chain.relay import Prepared
from gateway.core.problems import Problem
from gateway.core.schemas import BatchIn, BatchOperation, BatchOut
from gateway.http.deps import Services
from gateway.http.middleware.auth import CurrentCaller
from gateway.http.routes.common import problems
from gateway.ledger.follower import run_write
from gateway.services.caller import OPERATION_SIGNATURE, Batching, Caller
from gateway.services.service_set import ServiceSet

router = APIRouter(tags=["batches"])
Write = tuple[APIRoute, Callable[..., Any], inspect.Signature]


def write_routes(routers: list[APIRouter]) -> list[Write]:
    """The write routes (the ones `writes` wraps), with their service code and its signature: what a
    batch's operations are matched against (kept in the app's state by gateway/http/app.py)."""
    found = []
    for route in (r for router in routers for r in router.routes):
        endpoint = getattr(getattr(route, "endpoint", None), "__billchain_write__", None)
        if isinstance(route, APIRoute) and endpoint is not None:
            found.append((route, endpoint, inspect.signature(endpoint, eval_str=True)))
    return found


def _refused(index: int, problem: Problem) -> Problem:
    return Problem(problem.code, f"operations[{index}]: {problem.detail}", **{**problem.extra, "operation": index})


def _value(index: int, where: str, annotation: Any, value: Any) -> Any:
    try:
        return TypeAdapter(annotation).validate_python(value)
    except ValidationError as invalid:
        first = invalid.errors()[0]
        at = ".".join(str(p) for p in first["loc"])
        detail = f"operations[{index}].{where}{'.' + at if at else ''}: {first['msg']}"
        raise Problem(ProblemCode.VALIDATION_ERROR, detail, operation=index) from None


def _prepare(index: int, op: BatchOperation, caller: Caller, svc: ServiceSet, writes: list[Write]) -> Prepared:
    """Run operation `index` through its write's own checks; what it would send comes back as `Prepared`."""
    found = next(((w, m) for w in writes if (m := w[0].path_regex.match(op.path)) is not None), None)
    if found is None:
        raise Problem(ProblemCode.NOT_FOUND, f"operations[{index}]: no write at POST {op.path}", operation=index)
    (_, endpoint, signature), match = found
    kwargs: dict[str, Any] = {"caller": caller, "svc": svc}
    for name, raw in match.groupdict().items():
        kwargs[name] = _value(index, name, signature.parameters[name].annotation, raw)
    if "body" in signature.parameters:
        kwargs["body"] = _value(index, "body", signature.parameters["body"].annotation, op.body)
    elif op.body:
        raise Problem(
            ProblemCode.VALIDATION_ERROR, f"operations[{index}].body: POST {op.path} takes no body", operation=index
        )
    try:
        endpoint(**kwargs)
    except Prepared as prepared:
        return prepared
    except Problem as problem:
        raise _refused(index, problem) from None
    raise Problem(
        ProblemCode.VALIDATION_ERROR, f"operations[{index}]: POST {op.path} cannot be batched", operation=index
    )


@router.post("/v1/batch", response_model=BatchOut, responses=problems(403, 404, 409))
async def batch(body: BatchIn, caller: CurrentCaller, svc: Services, request: Request) -> BatchOut:
    """Up to 100 of the caller's own writes (`{"path", "body"}` each, as POST takes them alone) in one
    transaction: all happen, in order, or none does. Each is checked as it alone would be, against the
    state before the batch; a failure answers the operation's own problem with `operation`, its index.
    The answer holds each operation's answer (`status`, `body`) as it alone is answered, bills and
    balances as they stand after the whole batch. For participants whose key this gateway holds; one
    Idempotency-Key answers the whole batch once."""
    writes: list[Write] = request.app.state.writes

    def run() -> BatchOut:
        prepared = [_prepare(i, op, caller, svc, writes) for i, op in enumerate(body.operations)]
        return svc.batches.send(caller, prepared)

    token = OPERATION_SIGNATURE.set(Batching())
    try:
        return await run_write(run)
    finally:
        OPERATION_SIGNATURE.reset(token)
