"""Idempotency-Key on every POST: a repeat returns the first answer and sends nothing.

Pure ASGI: a request without a key passes straight through; a keyed one is read
whole, compared with what that caller sent under the key before, and its answer
kept (any non-5xx) for 48 hours, encrypted (an onboarding answer holds a token).
The answer is recorded before it is sent: a client that got it can always get it
again. Requests under the same key wait for each other; under different keys, not.
A key whose transaction is still in the outbox (the gateway crashed, or answered
503 while the node held it) is settled first (gateway/ledger/recovery.py); answers are
kept by gateway/ledger/answer_store.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import weakref

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chain.errors import ChainError
from chain.problem_codes import ProblemCode
from gateway.http.problems import problem_response
from gateway.ledger.answer_store import AnswerUnverified, recorded, store_answer
from gateway.ledger.follower import run_write
from gateway.ledger.outbox import REQUEST, RequestRef
from gateway.ledger.recovery import Recovery
from gateway.ledger.runtime import Runtime

log = logging.getLogger("billchain.idempotency")
HEADER = "idempotency-key"


def _key_valid(key: str) -> bool:
    return 1 <= len(key) <= 255 and all(0x20 <= ord(c) < 0x7F for c in key)


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, runtime: Runtime, recovery: Recovery) -> None:
        self.app = app
        self.runtime = runtime
        self.recovery = recovery
        self._locks: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = weakref.WeakValueDictionary()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = Headers(scope=scope).get(HEADER) if scope["type"] == "http" else None
        caller = scope.get("state", {}).get("caller")
        if scope.get("method") != "POST" or caller is None:
            await self.app(scope, receive, send)
            return
        method_path = f"POST {scope['path']}"
        if key is None:  # the outbox still writes down who sent what
            token = REQUEST.set(RequestRef(caller.id, method_path))
            try:
                await self.app(scope, receive, send)
            finally:
                REQUEST.reset(token)
            return
        if not _key_valid(key):
            await problem_response(ProblemCode.VALIDATION_ERROR, "Idempotency-Key: 1-255 printable ASCII characters")(
                scope, receive, send
            )
            return
        body = await _read_body(receive)
        fingerprint = hashlib.sha256(scope["path"].encode() + b"\n" + body).hexdigest()
        lock = self._locks.setdefault((caller.id, key), asyncio.Lock())
        token = REQUEST.set(RequestRef(caller.id, method_path, key, fingerprint, body.decode(errors="replace")))
        try:
            async with lock:  # a concurrent repeat waits for the first, then replays it
                answer = await self._answer_so_far(caller.id, key, fingerprint)
                if answer is not None:
                    await answer(scope, receive, send)
                    return
                await self._run_and_record(scope, body, receive, send, caller.id, key, fingerprint)
        finally:
            REQUEST.reset(token)

    async def _answer_so_far(self, caller: str, key: str, fingerprint: str) -> Response | None:
        """The recorded answer; a transaction of this key still in the outbox is settled first, and its
        answer given to this retry as it is made (a token in it shown this once)."""
        answer = self._recorded(caller, key, fingerprint)
        outbox = self.runtime.outbox
        if answer is None and (outbox.pending(caller, key) or outbox.pending_items(caller, key)):
            try:
                settled = await run_write(self.recovery.settle_key, caller, key)
            except (ChainError, OSError) as exc:
                return problem_response(
                    ProblemCode.CHAIN_UNAVAILABLE, f"an earlier request under this key is unsettled: {exc}"
                )
            except Exception:  # never a bare 500: the entry stays PENDING for the next try
                log.exception("outbox: settling %s's key failed", caller)
                return problem_response(ProblemCode.CHAIN_UNAVAILABLE, "an earlier request under this key is unsettled")
            if settled is not None and self._recorded(caller, key, fingerprint) is not None:
                return _replayed(*settled)
            answer = self._recorded(caller, key, fingerprint)
        return answer

    def _recorded(self, caller: str, key: str, fingerprint: str) -> Response | None:
        try:
            found = recorded(self.runtime.db, self.runtime.cipher, caller, key, fingerprint)
        except AnswerUnverified as refused:
            log.error("idempotency: %s: refused", refused)
            return problem_response(
                ProblemCode.CHAIN_UNAVAILABLE, "the answer recorded under this Idempotency-Key does not verify: refused"
            )
        if found is None:
            return None
        if not found.same_request:
            return problem_response(
                ProblemCode.IDEMPOTENCY_KEY_REUSED, "this Idempotency-Key was sent with another request"
            )
        return _replayed(found.status, found.body)

    async def _run_and_record(
        self, scope: Scope, body: bytes, receive: Receive, send: Send, caller: str, key: str, fingerprint: str
    ) -> None:
        """Run the request; record its answer (any non-5xx), then send it."""
        body_read, messages = False, []

        async def replay_body() -> Message:  # the body read above, once; then the client's own messages
            nonlocal body_read
            if body_read:
                return await receive()
            body_read = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def holding(message: Message) -> None:
            messages.append(message)

        await self.app(scope, replay_body, holding)
        start = next(m for m in messages if m["type"] == "http.response.start")
        if start["status"] < 500:
            answer = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
            with self.runtime.db.session() as s:
                store_answer(s, self.runtime.cipher, caller, key, fingerprint, start["status"], answer)
        for message in messages:
            await send(message)


def _replayed(status: int, body: bytes) -> Response:
    media = "application/problem+json" if status >= 400 else "application/json"
    replay = Response(body, status_code=status, media_type=media)
    replay.headers["Idempotent-Replayed"] = "true"
    return replay


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)
