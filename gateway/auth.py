"""Bearer-token authentication, before anything else is looked at (API.md's first check)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response

from gateway.db import ParticipantRow
from gateway.problems import problem_response
from gateway.runtime import Runtime
from gateway.security import hash_token, same
from gateway.services.caller import Caller

OPEN_PATHS = ("/v1/health", "/metrics", "/docs", "/docs/oauth2-redirect", "/openapi.json", "/redoc")


def identify(runtime: Runtime, header: str | None) -> Caller | None:
    if not header or not header.startswith("Bearer "):
        return None
    digest = hash_token(header[len("Bearer ") :].strip())
    if same(digest, runtime.operator_token_hash):
        return Caller(id="operator", role="OPERATOR")
    with runtime.db.session() as s:
        row = s.scalar(select(ParticipantRow).where(ParticipantRow.token_hash == digest))
    if row is None or not same(row.token_hash, digest):
        return None
    return Caller(id=row.id, role=row.role, participant=row)


class AuthMiddleware(BaseHTTPMiddleware):
    def __init__(self, app: object, runtime: Runtime) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.runtime = runtime

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        if request.url.path in OPEN_PATHS or not request.url.path.startswith("/v1/"):
            return await call_next(request)
        caller = identify(self.runtime, request.headers.get("authorization"))
        if caller is None:
            response = problem_response("UNAUTHENTICATED", "send Authorization: Bearer <api_token>")
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
        request.state.caller = caller
        return await call_next(request)


def current_caller(request: Request) -> Caller:
    caller: Caller = request.state.caller
    return caller


CurrentCaller = Annotated[Caller, Depends(current_caller)]
