"""Sealing again under a new key: after a rotation, every document and recorded answer the gateway
keeps is opened with the key that sealed it and sealed under the current one, so that the old keys
can be deleted (a key that leaked, with a copy of the database, then opens nothing still kept).

Invariants: one database transaction (all rows move to the new key, or none does); a blob that
does not open with any key here is left as it is and reported, never dropped or rewritten, and
then no key is deleted (`Resealed.unopened`).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from sqlalchemy import select

from gateway.core.db import Database, DocumentRow, IdempotencyRow
from gateway.core.security import DocumentCipher
from gateway.ledger.answer_store import answer_bound


@dataclass
class Resealed:
    documents: int = 0
    answers: int = 0
    #: rows that opened with no key here: (table, id)
    unopened: list[tuple[str, str]] = field(default_factory=list)


def reseal(db: Database, cipher: DocumentCipher) -> Resealed:
    """Every sealed row under `cipher.current`; rows already under it are left alone."""
    done = Resealed()
    with db.session() as s:
        for document in s.scalars(select(DocumentRow)):
            if cipher.sealed_by_current(document.ciphertext):
                continue
            try:
                plain = cipher.open(document.ciphertext, document.hash)
            except (ValueError, InvalidTag):
                done.unopened.append(("documents", document.hash))
                continue
            document.ciphertext = cipher.seal(plain, document.hash)
            done.documents += 1
        for answer in s.scalars(select(IdempotencyRow)):
            bound = answer_bound(answer.caller, answer.key)
            try:
                blob = base64.b64decode(answer.body, validate=True)
                if cipher.sealed_by_current(blob):
                    continue
                plain = cipher.open(blob, bound)
            except (ValueError, InvalidTag, binascii.Error):
                done.unopened.append(("idempotency", f"{answer.caller}/{answer.key}"))
                continue
            answer.body = base64.b64encode(cipher.seal(plain, bound)).decode()
            done.answers += 1
    return done
