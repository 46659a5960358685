"""Bearer-token authentication, before anything else is looked at (API.md's first check).

Failed authentications have a budget of their own per client address (API.md: 10 a second after a burst
of 20): once an address has spent it, its requests are answered 429 before any token is looked up, so
guessing tokens costs the database nothing and goes nowhere. A PENDING participant (a REGULATOR awaiting
approval) may read itself (GET /v1/me) and nothing else: 403 FORBIDDEN.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from chain.problem_codes import ProblemCode
from gateway.core.db import ParticipantRow
from gateway.core.log_context import PARTICIPANT
from gateway.core.security import hash_token, same
from gateway.http.middleware.limits import Buckets, client_address, too_many
from gateway.http.problems import problem_response
from gateway.ledger.runtime import Runtime
from gateway.services.caller import Caller

OPEN_PATHS = ("/v1/health", "/metrics", "/docs", "/docs/oauth2-redirect", "/openapi.json", "/redoc")
#: what a PENDING participant may ask (API.md, the added section)
PENDING_MAY = ("GET", "/v1/me")


def identify(runtime: Runtime, header: str | None) -> Caller | None:
    if not header or not header.startswith("Bearer "):
        return None
    digest = hash_token(header[len("Bearer ") :].strip())
    if same(digest, runtime.operator_token_hash):
        return Caller(id="operator", role="OPERATOR")
    with runtime.db.session() as s:
        row = s.scalar(select(ParticipantRow).where(ParticipantRow.token_hash == digest))
    if row is None or row.token_hash is None or not same(row.token_hash, digest):
        return None
    if row.token_expires_at is not None and row.token_expires_at <= datetime.now(UTC).replace(tzinfo=None):
        return None  # expired: a 401 like any unknown token
    return Caller(id=row.id, role=row.role, participant=row)


class AuthMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware task group and streams per request): it runs on every call."""

    def __init__(self, app: ASGIApp, runtime: Runtime, failure_rate: float = 10.0, failure_burst: int = 20) -> None:
        self.app = app
        self.runtime = runtime
        self.failure_rate = failure_rate
        self.failures = Buckets(failure_rate, failure_burst)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path in OPEN_PATHS or not path.startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        address = client_address(scope)
        if self.failure_rate > 0:
            wait = self.failures.empty(address, time.monotonic())
            if wait > 0:  # this address spent its failed authentications: no token is even looked up
                await too_many(self.failure_rate, wait, "address", "failed authentications")(scope, receive, send)
                return
        caller = identify(self.runtime, Headers(scope=scope).get("authorization"))
        if caller is None:
            if self.failure_rate > 0:
                self.failures.wait(address, time.monotonic())
            response = problem_response(ProblemCode.UNAUTHENTICATED, "send Authorization: Bearer <api_token>")
            response.headers["WWW-Authenticate"] = "Bearer"
            await response(scope, receive, send)
            return
        if caller.pending and (scope["method"], path) != PENDING_MAY:
            detail = f"{caller.id} awaits a REGULATOR's approval: until then it may read itself (GET /v1/me) only"
            await problem_response(ProblemCode.FORBIDDEN, detail)(scope, receive, send)
            return
        scope.setdefault("state", {})["caller"] = caller  # what request.state.caller reads
        bound = PARTICIPANT.set(caller.id)  # on the request's log lines (gateway/core/log_context.py)
        try:
            await self.app(scope, receive, send)
        finally:
            PARTICIPANT.reset(bound)


def current_caller(request: Request) -> Caller:
    caller: Caller = request.state.caller
    return caller


CurrentCaller = Annotated[Caller, Depends(current_caller)]
