"""Problem codes: the one map from each stable code of API.md to its HTTP status and title.

`Problem` is what services raise; the HTTP layer (gateway/http/problems.py) renders it
as RFC 9457 `application/problem+json`, and so does the ledger when it settles an answer
after a crash (`problem_body`).
"""

from __future__ import annotations

import json
from typing import Any

from chain.errors import ChainError, ContractError

STATUS: dict[str, int] = {
    "MALFORMED_REQUEST": 400,
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "NOT_PARTY": 403,
    "NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405,
    "PAYLOAD_TOO_LARGE": 413,
    "VALIDATION_ERROR": 422,
    "INVALID_COUNTERPARTY": 422,
    "IDEMPOTENCY_KEY_REUSED": 422,
    "SIGNATURE_REQUIRED": 422,
    "BAD_SIGNATURE": 422,
    "SIGNATURE_EXPIRED": 422,
    "INVALID_STATE": 409,
    "MATURED": 409,
    "NOT_MATURE": 409,
    "NOT_TRANSFERABLE": 409,
    "FROZEN": 409,
    "PARTICIPANT_FROZEN": 409,
    "INSUFFICIENT_CASH": 409,
    "DOCUMENT_ALREADY_USED": 409,
    "INVALID_RECOURSE_TARGET": 409,
    "MINT_LIMIT_EXCEEDED": 409,
    "NONCE_USED": 409,
    "RATE_LIMITED": 429,
    "CHAIN_UNAVAILABLE": 503,
}

TITLES: dict[str, str] = {
    "MALFORMED_REQUEST": "The body is not valid JSON",
    "UNAUTHENTICATED": "Missing or wrong API token",
    "FORBIDDEN": "Your role may not do this",
    "NOT_PARTY": "You are not the party this operation requires",
    "NOT_FOUND": "No such resource",
    "METHOD_NOT_ALLOWED": "Method not allowed",
    "PAYLOAD_TOO_LARGE": "The body is too large",
    "VALIDATION_ERROR": "The request is not valid",
    "INVALID_COUNTERPARTY": "The counterparty may not take part in this operation",
    "IDEMPOTENCY_KEY_REUSED": "This Idempotency-Key was used with another body",
    "SIGNATURE_REQUIRED": "This participant signs its own operations: prepare, sign, then send the signature",
    "BAD_SIGNATURE": "The signature is not the participant's over this operation",
    "SIGNATURE_EXPIRED": "The signature's deadline has passed",
    "INVALID_STATE": "The operation is not allowed in the current state",
    "MATURED": "The bill has matured",
    "NOT_MATURE": "The bill has not matured yet",
    "NOT_TRANSFERABLE": "The bill is not transferable",
    "FROZEN": "The bill or range is frozen",
    "PARTICIPANT_FROZEN": "A participant of this operation is frozen",
    "INSUFFICIENT_CASH": "The payer does not hold enough cash",
    "DOCUMENT_ALREADY_USED": "The document is already anchored",
    "INVALID_RECOURSE_TARGET": "That party is not liable for this range",
    "MINT_LIMIT_EXCEEDED": "The bank would mint past the limit a regulator set",
    "NONCE_USED": "The signature's nonce is not the signer's next one (already used, or ahead)",
    "RATE_LIMITED": "Too many requests for this token",
    "CHAIN_UNAVAILABLE": "The chain does not answer",
}


class Problem(Exception):
    """A failed request: its problem code, and a detail for a human."""

    def __init__(self, code: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.extra = extra

    @classmethod
    def from_chain(cls, error: ChainError) -> Problem:
        code = getattr(error, "code", "CHAIN_UNAVAILABLE")
        detail = str(error) if isinstance(error, ContractError) else f"chain error: {error}"
        return cls(code, detail)


def problem_document(code: str, detail: str, **extra: Any) -> dict[str, Any]:
    """The RFC 9457 body of a problem."""
    return {
        "type": f"/problems/{code.lower().replace('_', '-')}",
        "title": TITLES[code],
        "status": STATUS[code],
        "detail": detail,
        "code": code,
        **extra,
    }


def problem_body(code: str, detail: str) -> tuple[int, bytes]:
    """A problem's status and body as the HTTP layer sends it (JSON, compact, UTF-8)."""
    document = problem_document(code, detail)
    return STATUS[code], json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
