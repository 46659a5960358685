"""Trade documents: stored encrypted at rest, read only by those API.md names."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from chain.model import Operation
from gateway.core.db import AnchorRow, DocumentRow, DocumentUploaderRow, ViewerRow
from gateway.core.problems import Problem
from gateway.core.schemas import DocumentOut
from gateway.services.base import Service
from gateway.services.caller import Caller

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


class Documents(Service):
    def upload(self, caller: Caller, data: bytes, content_type: str) -> DocumentOut:
        self.require_may(caller, Operation.TRANSFER_CASH)  # who trades: BANKs and ENTERPRISEs
        if len(data) > MAX_DOCUMENT_BYTES:
            raise Problem("PAYLOAD_TOO_LARGE", "a document is at most 10 MiB")
        digest = "0x" + hashlib.sha256(data).hexdigest()
        with self.rt.db.session() as s:
            if s.get(DocumentRow, digest) is None:
                sealed = self.rt.cipher.seal(data, digest)
                s.add(
                    DocumentRow(
                        hash=digest, size=len(data), content_type=content_type, uploader=caller.id, ciphertext=sealed
                    )
                )
            if s.get(DocumentUploaderRow, (digest, caller.id)) is None:
                s.add(DocumentUploaderRow(hash=digest, uploader=caller.id))
        return DocumentOut(hash=digest, size=len(data), content_type=content_type)

    def read(self, caller: Caller, document_hash: str) -> tuple[bytes, str]:
        with self.rt.db.session() as s:
            row = s.get(DocumentRow, document_hash.lower())
            allowed = row is not None and (
                caller.role == "REGULATOR"
                or s.get(DocumentUploaderRow, (row.hash, caller.id)) is not None
                or s.scalar(
                    select(AnchorRow.bill_id)
                    .join(ViewerRow, ViewerRow.bill_id == AnchorRow.bill_id)
                    .where(AnchorRow.hash == row.hash, ViewerRow.participant == caller.id)
                )
                is not None
            )
        if row is None or not allowed:
            raise Problem("NOT_FOUND", f"no document {document_hash}")
        return self.rt.cipher.open(row.ciphertext, row.hash), row.content_type
