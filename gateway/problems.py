"""RFC 9457 problem responses: one place maps every problem code to its HTTP status."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from chain.errors import ChainError, ContractError

log = logging.getLogger("billchain.gateway")

STATUS: dict[str, int] = {
    "MALFORMED_REQUEST": 400,
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "NOT_PARTY": 403,
    "NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405,
    "PAYLOAD_TOO_LARGE": 413,
    "VALIDATION_ERROR": 422,
    "INVALID_COUNTERPARTY": 422,
    "IDEMPOTENCY_KEY_REUSED": 422,
    "INVALID_STATE": 409,
    "MATURED": 409,
    "NOT_MATURE": 409,
    "NOT_TRANSFERABLE": 409,
    "FROZEN": 409,
    "PARTICIPANT_FROZEN": 409,
    "INSUFFICIENT_CASH": 409,
    "DOCUMENT_ALREADY_USED": 409,
    "INVALID_RECOURSE_TARGET": 409,
    "RATE_LIMITED": 429,
    "CHAIN_UNAVAILABLE": 503,
}

TITLES: dict[str, str] = {
    "MALFORMED_REQUEST": "The body is not valid JSON",
    "UNAUTHENTICATED": "Missing or wrong API token",
    "FORBIDDEN": "Your role may not do this",
    "NOT_PARTY": "You are not the party this operation requires",
    "NOT_FOUND": "No such resource",
    "METHOD_NOT_ALLOWED": "Method not allowed",
    "PAYLOAD_TOO_LARGE": "The body is too large",
    "VALIDATION_ERROR": "The request is not valid",
    "INVALID_COUNTERPARTY": "The counterparty may not take part in this operation",
    "IDEMPOTENCY_KEY_REUSED": "This Idempotency-Key was used with another body",
    "INVALID_STATE": "The operation is not allowed in the current state",
    "MATURED": "The bill has matured",
    "NOT_MATURE": "The bill has not matured yet",
    "NOT_TRANSFERABLE": "The bill is not transferable",
    "FROZEN": "The bill or range is frozen",
    "PARTICIPANT_FROZEN": "A participant of this operation is frozen",
    "INSUFFICIENT_CASH": "The payer does not hold enough cash",
    "DOCUMENT_ALREADY_USED": "The document is already anchored",
    "INVALID_RECOURSE_TARGET": "That party is not liable for this range",
    "RATE_LIMITED": "Too many requests for this token",
    "CHAIN_UNAVAILABLE": "The chain does not answer",
}


class Problem(Exception):
    """A failed request: its problem code, and a detail for a human."""

    def __init__(self, code: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.extra = extra

    @classmethod
    def from_chain(cls, error: ChainError) -> Problem:
        code = getattr(error, "code", "CHAIN_UNAVAILABLE")
        detail = str(error) if isinstance(error, ContractError) else f"chain error: {error}"
        return cls(code, detail)


def problem_response(code: str, detail: str, **extra: Any) -> JSONResponse:
    status = STATUS[code]
    body = {
        "type": f"/problems/{code.lower().replace('_', '-')}",
        "title": TITLES[code],
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def _validation_detail(exc: RequestValidationError) -> tuple[str, list[dict[str, Any]]]:
    errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))} for e in exc.errors()]
    first = errors[0] if errors else {"loc": [], "msg": "invalid"}
    return f"{'.'.join(first['loc'])}: {first['msg']}", errors


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(_: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc.code, exc.detail, **exc.extra)

    @app.exception_handler(ChainError)
    async def _chain(_: Request, exc: ChainError) -> JSONResponse:
        problem = Problem.from_chain(exc)
        return problem_response(problem.code, problem.detail)

    @app.exception_handler(OSError)
    async def _unreachable(_: Request, exc: OSError) -> JSONResponse:
        # requests' and urllib3's connection failures are OSErrors: the node is gone.
        return problem_response("CHAIN_UNAVAILABLE", f"the chain does not answer: {type(exc).__name__}")

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        if any(e.get("type") == "json_invalid" for e in exc.errors()):
            return problem_response("MALFORMED_REQUEST", "the body is not valid JSON")
        detail, errors = _validation_detail(exc)
        return problem_response("VALIDATION_ERROR", detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 401: "UNAUTHENTICATED", 413: "PAYLOAD_TOO_LARGE"}.get(
            exc.status_code, "VALIDATION_ERROR" if exc.status_code < 500 else "CHAIN_UNAVAILABLE"
        )
        response = problem_response(code, str(exc.detail))
        if exc.status_code == 405 and exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        # Never a bare 500 page: the chain or the database failed under us.
        log.exception("unexpected failure")
        return problem_response("CHAIN_UNAVAILABLE", f"internal failure: {type(exc).__name__}")
