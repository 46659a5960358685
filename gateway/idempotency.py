"""Idempotency-Key on every POST: a repeat returns the first answer and sends nothing.

Pure ASGI: a request without a key passes straight through; a keyed one is read
whole, compared with what that caller sent under the key before, and its answer
kept (any non-5xx) for 48 hours. Requests under the same key wait for each other;
requests under different keys do not.
"""

from __future__ import annotations

import asyncio
import hashlib
import weakref
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.db import IdempotencyRow
from gateway.problems import problem_response
from gateway.runtime import Runtime

HEADER = "idempotency-key"
KEEP = timedelta(hours=48)  # API.md: at least 24 h


def _key_valid(key: str) -> bool:
    return 1 <= len(key) <= 255 and all(0x20 <= ord(c) < 0x7F for c in key)


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime
        self._locks: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = weakref.WeakValueDictionary()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = Headers(scope=scope).get(HEADER) if scope["type"] == "http" else None
        caller = scope.get("state", {}).get("caller")
        if scope.get("method") != "POST" or key is None or caller is None:
            await self.app(scope, receive, send)
            return
        if not _key_valid(key):
            await problem_response("VALIDATION_ERROR", "Idempotency-Key: 1-255 printable ASCII characters")(
                scope, receive, send
            )
            return
        body = await _read_body(receive)
        fingerprint = hashlib.sha256(scope["path"].encode() + b"\n" + body).hexdigest()
        lock = self._locks.setdefault((caller.id, key), asyncio.Lock())
        async with lock:  # a concurrent repeat waits for the first, then replays it
            answer = self._recorded(caller.id, key, fingerprint)
            if answer is not None:
                await answer(scope, receive, send)
                return
            await self._run_and_record(scope, body, receive, send, caller.id, key, fingerprint)

    def _recorded(self, caller: str, key: str, fingerprint: str) -> Response | None:
        with self.runtime.db.session() as s:
            cutoff = datetime.now(UTC).replace(tzinfo=None) - KEEP
            s.execute(delete(IdempotencyRow).where(IdempotencyRow.created_at < cutoff))
            row = s.get(IdempotencyRow, (caller, key))
        if row is None:
            return None
        if row.request_hash != fingerprint:
            return problem_response("IDEMPOTENCY_KEY_REUSED", "this Idempotency-Key was sent with another request")
        media = "application/problem+json" if row.status_code >= 400 else "application/json"
        replay = Response(row.body, status_code=row.status_code, media_type=media)
        replay.headers["Idempotent-Replayed"] = "true"
        return replay

    async def _run_and_record(
        self, scope: Scope, body: bytes, receive: Receive, send: Send, caller: str, key: str, fingerprint: str
    ) -> None:
        status, chunks, body_read = 500, [], False

        async def replay_body() -> Message:  # the body read above, once; then the client's own messages
            nonlocal body_read
            if body_read:
                return await receive()
            body_read = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def recording(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, replay_body, recording)
        if status < 500:
            with self.runtime.db.session() as s:
                s.add(
                    IdempotencyRow(
                        caller=caller,
                        key=key,
                        request_hash=fingerprint,
                        status_code=status,
                        body=b"".join(chunks).decode(),
                        created_at=datetime.now(UTC).replace(tzinfo=None),
                    )
                )


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)
