"""Answers recorded under their Idempotency-Key: sealed, kept 48 hours, replayed as first sent.

Recorded in the same database transaction that closes the key's outbox entries, and
before the answer is sent, so a client that got an answer can always get it again.
Sealed with AES-GCM (an onboarding answer holds a token), bound to the caller and key.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography.exceptions import InvalidTag
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from gateway.core.db import Database, IdempotencyRow, OutboxRow
from gateway.core.security import DocumentCipher
from gateway.ledger.outbox import DONE, PENDING

KEEP = timedelta(hours=48)  # API.md: at least 24 h


def _bound(caller: str, key: str) -> str:
    return f"idempotency\n{caller}\n{key}"


@dataclass(frozen=True)
class Recorded:
    """The answer first given under a key; `same_request`: whether this request is the one it answered."""

    status: int
    body: bytes
    same_request: bool


def store_answer(
    s: Session, cipher: DocumentCipher, caller: str, key: str, request_hash: str, status: int, body: bytes
) -> None:
    """Record the answer to (caller, key), sealed, and close the key's outbox entries, in `s`."""
    if s.get(IdempotencyRow, (caller, key)) is None:
        sealed = base64.b64encode(cipher.seal(body, _bound(caller, key))).decode()
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


def recorded(db: Database, cipher: DocumentCipher, caller: str, key: str, fingerprint: str) -> Recorded | None:
    with db.session() as s:
        cutoff = datetime.now(UTC).replace(tzinfo=None) - KEEP
        s.execute(delete(IdempotencyRow).where(IdempotencyRow.created_at < cutoff))
        row = s.get(IdempotencyRow, (caller, key))
    if row is None:
        return None
    if row.request_hash != fingerprint:
        return Recorded(row.status_code, b"", same_request=False)
    try:
        body = cipher.open(base64.b64decode(row.body), _bound(caller, key))
    except (ValueError, InvalidTag):  # recorded in plain by a gateway before answers were sealed
        body = row.body.encode()
    return Recorded(row.status_code, body, same_request=True)
