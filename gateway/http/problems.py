"""RFC 9457 problem responses: every failure, from a service, the chain or the framework, rendered one way."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from chain.errors import ChainError
from chain.problem_codes import ProblemCode
from gateway.core.problems import Problem, problem_document

log = logging.getLogger("billchain.gateway")
NOT_FOUND, METHOD_NOT_ALLOWED = ProblemCode.NOT_FOUND, ProblemCode.METHOD_NOT_ALLOWED
UNAUTHENTICATED, PAYLOAD_TOO_LARGE = ProblemCode.UNAUTHENTICATED, ProblemCode.PAYLOAD_TOO_LARGE


def problem_response(code: ProblemCode, detail: str, **extra: Any) -> JSONResponse:
    return JSONResponse(
        problem_document(code, detail, **extra), status_code=code.status, media_type="application/problem+json"
    )


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
        return problem_response(ProblemCode.CHAIN_UNAVAILABLE, f"the chain does not answer: {type(exc).__name__}")

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        if any(e.get("type") == "json_invalid" for e in exc.errors()):
            return problem_response(ProblemCode.MALFORMED_REQUEST, "the body is not valid JSON")
        detail, errors = _validation_detail(exc)
        return problem_response(ProblemCode.VALIDATION_ERROR, detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        by_status = {c.status: c for c in (NOT_FOUND, METHOD_NOT_ALLOWED, UNAUTHENTICATED, PAYLOAD_TOO_LARGE)}
        otherwise = ProblemCode.VALIDATION_ERROR if exc.status_code < 500 else ProblemCode.CHAIN_UNAVAILABLE
        code = by_status.get(exc.status_code, otherwise)
        response = problem_response(code, str(exc.detail))
        if exc.status_code == 405 and exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        # Never a bare 500 page: the chain or the database failed under us.
        log.exception("unexpected failure")
        return problem_response(ProblemCode.CHAIN_UNAVAILABLE, f"internal failure: {type(exc).__name__}")
