"""Answers recorded under their Idempotency-Key: sealed, kept 48 hours, replayed as first sent.

Recorded in the same database transaction that closes the key's outbox entries, and
before the answer is sent, so a client that got an answer can always get it again.
Sealed with AES-GCM, bound to the caller and key: an answer that does not open is refused,
never replayed from the raw database text (whoever can write the database cannot forge one).
An API token in an answer (onboarding, a new token) is shown once: what is recorded has it
as null, so a replay never shows it again.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography.exceptions import InvalidTag
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from gateway.core.db import BundleItemRow, Database, IdempotencyRow, OutboxRow
from gateway.core.security import DocumentCipher
from gateway.ledger.outbox import DONE, PENDING

KEEP = timedelta(hours=48)  # API.md: at least 24 h


def answer_bound(caller: str, key: str) -> str:
    """What a recorded answer is sealed for: the caller and its key (the AAD)."""
    return f"idempotency\n{caller}\n{key}"


class AnswerUnverified(Exception):
    """A recorded answer that does not open with the sealing keys: tampered with, or from elsewhere."""


def without_tokens(body: bytes) -> bytes:
    """The answer as it may be replayed: an `api_token` it shows is recorded as null."""
    try:
        document = json.loads(body)
    except ValueError:
        return body
    if not isinstance(document, dict) or document.get("api_token") is None:
        return body
    return json.dumps({**document, "api_token": None}, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Recorded:
    """The answer first given under a key; `same_request`: whether this request is the one it answered."""

    status: int
    body: bytes
    same_request: bool


def store_answer(
    s: Session, cipher: DocumentCipher, caller: str, key: str, request_hash: str, status: int, body: bytes
) -> None:
    """Record the answer to (caller, key), sealed and without its token, and close the key's outbox
    entries and bundle items, in `s`."""
    if s.get(IdempotencyRow, (caller, key)) is None:
        sealed = base64.b64encode(cipher.seal(without_tokens(body), answer_bound(caller, key))).decode()
        s.add(
            IdempotencyRow(
                caller=caller,
                key=key,
                request_hash=request_hash,
                status_code=status,
                body=sealed,
                created_at=datetime.now(UTC).replace(tzinfo=None),
            )
        )
    s.execute(
        update(OutboxRow)
        .where(OutboxRow.caller == caller, OutboxRow.key == key, OutboxRow.state == PENDING)
        .values(state=DONE)
    )
    s.execute(
        update(BundleItemRow)
        .where(BundleItemRow.caller == caller, BundleItemRow.key == key, BundleItemRow.state == PENDING)
        .values(state=DONE)
    )


def recorded(db: Database, cipher: DocumentCipher, caller: str, key: str, fingerprint: str) -> Recorded | None:
    """The answer recorded under (caller, key) within KEEP, or None; AnswerUnverified if it does not open."""
    with db.session() as s:
        row = s.get(IdempotencyRow, (caller, key))
    if row is None or row.created_at < datetime.now(UTC).replace(tzinfo=None) - KEEP:
        return None
    if row.request_hash != fingerprint:
        return Recorded(row.status_code, b"", same_request=False)
    try:
        body = cipher.open(base64.b64decode(row.body, validate=True), answer_bound(caller, key))
    except (ValueError, InvalidTag, binascii.Error):
        raise AnswerUnverified(
            f"the answer recorded under {caller}'s key does not open with the sealing keys"
        ) from None
    return Recorded(row.status_code, body, same_request=True)


def prune(db: Database) -> int:
    """Forget keys older than KEEP (off the request path: the app runs it every few minutes)."""
    with db.session() as s:
        result = s.execute(
            delete(IdempotencyRow).where(IdempotencyRow.created_at < datetime.now(UTC).replace(tzinfo=None) - KEEP)
        )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
