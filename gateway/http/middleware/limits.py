"""Per-token rate limits and request size limits, before a request reaches a route.

Pure ASGI, after authentication (a 401 comes first, as API.md orders checks):
- each caller (by token) has a token bucket: `rate` requests a second, bursts of `burst`;
  past it: 429 RATE_LIMITED with `Retry-After` (whole seconds);
- a body may be at most `max_json` bytes (documents: `max_document`), by its
  Content-Length or, without one, as read here first: past it, 413 PAYLOAD_TOO_LARGE.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.http.problems import problem_response

DOCUMENTS_PATH = "/v1/documents"


@dataclass
class TokenBucket:
    rate: float
    burst: int
    tokens: float = field(init=False)
    updated: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = float(self.burst)

    def take(self, now: float) -> float:
        """Take one request's token: 0.0 if there was one, else the seconds until there is."""
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


class LimitsMiddleware:
    def __init__(self, app: ASGIApp, rate: float, burst: int, max_json: int, max_document: int) -> None:
        self.app = app
        self.rate = rate
        self.burst = burst
        self.max_json = max_json
        self.max_document = max_document
        self._buckets: dict[str, TokenBucket] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        caller = scope.get("state", {}).get("caller")
        if caller is not None and self.rate > 0:
            bucket = self._buckets.setdefault(caller.id, TokenBucket(self.rate, self.burst))
            wait = bucket.take(time.monotonic())
            if wait > 0:
                response = problem_response("RATE_LIMITED", f"at most {self.rate:g} requests a second per token")
                response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
                await response(scope, receive, send)
                return
        limit = self.max_document if scope["path"] == DOCUMENTS_PATH else self.max_json
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await problem_response("PAYLOAD_TOO_LARGE", f"the body is at most {limit} bytes")(scope, receive, send)
            return
        if declared is not None or scope["method"] in ("GET", "HEAD"):
            await self.app(scope, receive, send)  # the server holds a body to its Content-Length
            return
        body = await _read_at_most(receive, limit)  # no Content-Length: read it here, up to the limit
        if body is None:
            await problem_response("PAYLOAD_TOO_LARGE", f"the body is at most {limit} bytes")(scope, receive, send)
            return
        read = False

        async def replay() -> Message:
            nonlocal read
            if read:
                return await receive()
            read = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _read_at_most(receive: Receive, limit: int) -> bytes | None:
    chunks, seen = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        seen += len(chunk)
        if seen > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)
