"""Trade documents: stored encrypted at rest, read only by those API.md names, anchored only by those
who hold them.

Who may read a document: whoever uploaded it, a REGULATOR, and the parties of where it is anchored:
everyone who may see the bill, for a bill's own document (issue); the two parties of the transfer, for
a transfer's (endorse, discount). Who may anchor it (name it in a body): whoever may read it. So knowing
a hash is never enough: it neither opens the document nor lets anyone block its owner's financing.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import exists, select

from chain.model import Operation
from chain.problem_codes import ProblemCode
from gateway.core.db import AnchorRow, Database, DocumentRow, DocumentUploaderRow, TransferRow, ViewerRow
from gateway.core.problems import Problem
from gateway.core.schemas import DocumentOut
from gateway.services.base import Service
from gateway.services.caller import Caller

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
#: types a browser shows without running anything; any other is served as application/octet-stream
SAFE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "text/plain", "text/csv"})


def served_type(content_type: str) -> str:
    """The Content-Type a document is served with: its own only when plainly safe."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media if media in SAFE_TYPES else "application/octet-stream"


def may_read(db: Database, caller: Caller, document_hash: str) -> bool:
    if caller.role == "REGULATOR":
        return True
    digest = document_hash.lower()
    uploaded = exists().where(DocumentUploaderRow.hash == digest, DocumentUploaderRow.uploader == caller.id)
    of_a_bill_seen = exists().where(
        AnchorRow.hash == digest,
        AnchorRow.transfer_id == 0,
        ViewerRow.bill_id == AnchorRow.bill_id,
        ViewerRow.participant == caller.id,
    )
    of_a_transfer_party = exists().where(
        AnchorRow.hash == digest,
        AnchorRow.transfer_id != 0,
        TransferRow.id == AnchorRow.transfer_id,
        (TransferRow.sender == caller.id) | (TransferRow.receiver == caller.id),
    )
    with db.session() as s:
        return bool(s.scalar(select(uploaded | of_a_bill_seen | of_a_transfer_party)))


def require_holds(db: Database, caller: Caller, document_hash: str | None) -> None:
    """422 unless the caller may anchor `document_hash`: it uploaded the document, or may read it."""
    if document_hash is None:
        return
    with db.session() as s:
        stored = s.get(DocumentRow, document_hash.lower()) is not None
    if not stored or not may_read(db, caller, document_hash):
        raise Problem(
            ProblemCode.VALIDATION_ERROR,
            "document_hash: upload the document first (POST /v1/documents); only its holder anchors it",
        )


def require_uploaded(db: Database, caller: Caller, document_hash: str, field: str) -> None:
    """422 unless the caller uploaded `document_hash` itself (a court order its REGULATOR names)."""
    with db.session() as s:
        found = s.get(DocumentUploaderRow, (document_hash.lower(), caller.id)) is not None
    if not found:
        raise Problem(
            ProblemCode.VALIDATION_ERROR,
            f"{field}: upload the court's order first (POST /v1/documents); a REGULATOR names an order it uploaded",
        )


class Documents(Service):
    def upload(self, caller: Caller, data: bytes, content_type: str) -> DocumentOut:
        # who trades (BANKs and ENTERPRISEs), and a REGULATOR for the court orders it executes
        if caller.role != "REGULATOR":
            self.require_may(caller, Operation.TRANSFER_CASH)
        if caller.participant is not None and caller.participant.status == "FROZEN":  # it neither acts nor stores
            raise Problem(ProblemCode.PARTICIPANT_FROZEN, f"{caller.id} is frozen: it uploads nothing until unfrozen")
        if len(data) > MAX_DOCUMENT_BYTES:
            raise Problem(ProblemCode.PAYLOAD_TOO_LARGE, "a document is at most 10 MiB")
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
        if row is None or not may_read(self.rt.db, caller, row.hash):
            raise Problem(ProblemCode.NOT_FOUND, f"no document {document_hash}")
        return self.rt.cipher.open(row.ciphertext, row.hash), served_type(row.content_type)
