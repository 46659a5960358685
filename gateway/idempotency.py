"""Idempotency-Key on every POST: a repeat returns the first answer and sends nothing."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta

from fastapi import Request
from sqlalchemy import delete
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response

from gateway.db import IdempotencyRow
from gateway.problems import problem_response
from gateway.runtime import Runtime

HEADER = "idempotency-key"
KEEP = timedelta(hours=48)  # API.md: at least 24 h


def _key_valid(key: str) -> bool:
    return 1 <= len(key) <= 255 and all(0x20 <= ord(c) < 0x7F for c in key)


class IdempotencyMiddleware(BaseHTTPMiddleware):
    def __init__(self, app: object, runtime: Runtime) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.runtime = runtime
        self._lock = asyncio.Lock()

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        key = request.headers.get(HEADER)
        caller = getattr(request.state, "caller", None)
        if request.method != "POST" or key is None or caller is None:
            return await call_next(request)
        if not _key_valid(key):
            return problem_response("VALIDATION_ERROR", "Idempotency-Key: 1-255 printable ASCII characters")
        body = await request.body()
        fingerprint = hashlib.sha256(request.url.path.encode() + b"\n" + body).hexdigest()
        db = self.runtime.db
        async with self._lock:  # one keyed request at a time: a concurrent repeat waits, then replays
            with db.session() as s:
                s.execute(
                    delete(IdempotencyRow).where(
                        IdempotencyRow.created_at < datetime.now(UTC).replace(tzinfo=None) - KEEP
                    )
                )
                row = s.get(IdempotencyRow, (caller.id, key))
            if row is not None:
                if row.request_hash != fingerprint:
                    return problem_response(
                        "IDEMPOTENCY_KEY_REUSED", "this Idempotency-Key was sent with another request"
                    )
                media = "application/problem+json" if row.status_code >= 400 else "application/json"
                replay = Response(row.body, status_code=row.status_code, media_type=media)
                replay.headers["Idempotent-Replayed"] = "true"
                return replay
            response = await call_next(request)
            content = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
            if response.status_code < 500:
                with db.session() as s:
                    s.add(
                        IdempotencyRow(
                            caller=caller.id,
                            key=key,
                            request_hash=fingerprint,
                            status_code=response.status_code,
                            body=content.decode(),
                            created_at=datetime.now(UTC).replace(tzinfo=None),
                        )
                    )
            return Response(content, status_code=response.status_code, headers=dict(response.headers))
