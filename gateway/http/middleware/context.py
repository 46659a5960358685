"""Each request's id, bound for its log lines (gateway/core/log_context.py) and answered as X-Request-Id.

A client's own X-Request-Id (1 to 64 letters, digits, `-` and `_`) is kept, so that its logs and the
gateway's name the same request; anything else gets a fresh id. The Idempotency-Key is bound too."""

from __future__ import annotations

import re
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.core.log_context import IDEMPOTENCY_KEY, REQUEST_ID

REQUEST_ID_HEADER = "x-request-id"
_ACCEPTED = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        given = headers.get(REQUEST_ID_HEADER, "")
        request_id = given if _ACCEPTED.match(given) else uuid.uuid4().hex
        key = headers.get("idempotency-key")
        tokens = (REQUEST_ID.set(request_id), IDEMPOTENCY_KEY.set(key[:255] if key else None))

        async def answering(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, answering)
        finally:
            REQUEST_ID.reset(tokens[0])
            IDEMPOTENCY_KEY.reset(tokens[1])
