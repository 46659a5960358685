"""Rate limits and request size limits, before a request reaches a route.

Pure ASGI, in two places:
- `AddressLimitMiddleware`, before authentication: each client address has a token bucket, so
  that requests without a valid token (each costs a database lookup) are limited too (API.md:
  429 for callers with a token and without one alike);
- `LimitsMiddleware`, after authentication (a 401 comes first, as API.md orders checks): each
  caller (by token) has a token bucket: `rate` requests a second, bursts of `burst`; past it,
  429 RATE_LIMITED with `Retry-After` (whole seconds); and a body may be at most `max_json`
  bytes (documents: `max_document`), by its Content-Length or, without one, as read here
  first: past it, 413 PAYLOAD_TOO_LARGE.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chain.problem_codes import ProblemCode
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
        wait = self.peek(now)
        if wait == 0.0:
            self.tokens -= 1
        return wait

    def peek(self, now: float) -> float:
        """0.0 if a token is there to take, else the seconds until there is one; nothing is taken."""
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


def too_many(rate: float, wait: float, per: str, what: str = "requests") -> Response:
    """429 RATE_LIMITED with Retry-After (whole seconds)."""
    response = problem_response(ProblemCode.RATE_LIMITED, f"at most {rate:g} {what} a second per {per}")
    response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
    return response


class Buckets:
    """Token buckets by key, the least recently used forgotten past `most` (a flood of addresses stays
    bounded in memory)."""

    def __init__(self, rate: float, burst: int, most: int = 100_000) -> None:
        self.rate, self.burst, self.most = rate, burst, most
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    def wait(self, key: str, now: float) -> float:
        """Take a token of `key`'s bucket: 0.0, or the seconds until one is there (none taken)."""
        return self._bucket(key).take(now)

    def empty(self, key: str, now: float) -> float:
        """The seconds until `key`'s bucket has a token (0.0: it has one); nothing is taken."""
        bucket = self._buckets.get(key)
        return 0.0 if bucket is None else bucket.peek(now)

    def _bucket(self, key: str) -> TokenBucket:
        bucket = self._buckets.pop(key, None) or TokenBucket(self.rate, self.burst)
        self._buckets[key] = bucket
        if len(self._buckets) > self.most:
            self._buckets.popitem(last=False)
        return bucket


def client_address(scope: Scope) -> str:
    """The client's address: the peer's, or behind a proxy named in BILLCHAIN_TRUSTED_PROXIES the one that
    proxy forwards (gateway/http/app.py puts uvicorn's ProxyHeadersMiddleware first for those alone)."""
    client = scope.get("client")
    return str(client[0]) if client else "-"


class AddressLimitMiddleware:
    """Before authentication: a bucket per client address (`client_address`). A client's own
    X-Forwarded-For counts for nothing, unless it is a proxy the configuration names (none by default;
    docs/DEPLOY.md)."""

    def __init__(self, app: ASGIApp, rate: float, burst: int) -> None:
        self.app = app
        self.rate = rate
        self.buckets = Buckets(rate, burst)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.rate > 0:
            wait = self.buckets.wait(client_address(scope), time.monotonic())
            if wait > 0:
                await too_many(self.rate, wait, "address")(scope, receive, send)
                return
        await self.app(scope, receive, send)


class LimitsMiddleware:
    def __init__(self, app: ASGIApp, rate: float, burst: int, max_json: int, max_document: int) -> None:
        self.app = app
        self.rate = rate
        self.burst = burst
        self.max_json = max_json
        self.max_document = max_document
        self._buckets = Buckets(rate, burst)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        caller = scope.get("state", {}).get("caller")
        if caller is not None and self.rate > 0:
            wait = self._buckets.wait(caller.id, time.monotonic())
            if wait > 0:
                await too_many(self.rate, wait, "token")(scope, receive, send)
                return
        limit = self.max_document if scope["path"] == DOCUMENTS_PATH else self.max_json
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await problem_response(ProblemCode.PAYLOAD_TOO_LARGE, f"the body is at most {limit} bytes")(
                scope, receive, send
            )
            return
        if declared is not None or scope["method"] in ("GET", "HEAD"):
            await self.app(scope, receive, send)  # the server holds a body to its Content-Length
            return
        body = await _read_at_most(receive, limit)  # no Content-Length: read it here, up to the limit
        if body is None:
            await problem_response(ProblemCode.PAYLOAD_TOO_LARGE, f"the body is at most {limit} bytes")(
                scope, receive, send
            )
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
