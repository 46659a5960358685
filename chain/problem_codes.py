"""Every stable problem code of the product, with the HTTP status API.md gives it and its title: the one table.

The codes are part of the contracts' interface (each custom error's `@dev` line names the code it stands for,
chain/errors.py reads them from the compiled contracts), of the gateway's answers (gateway/core/problems.py
renders a code as RFC 9457), of the console's words (its message catalogues) and of docs/SIGNING.md; a test
holds each of those lists equal to this one (tests/chain/test_errors_sync.py, tests/api/test_conventions.py).
The status is the HTTP answer's, kept here beside the code so that no second map can drift from it.
"""

from __future__ import annotations

from enum import StrEnum, auto
from typing import Any


class ProblemCode(StrEnum):
    """A stable problem code (`code` in every problem answer): its member's name is its value."""

    #: the HTTP status of its answer (API.md)
    status: int
    #: RFC 9457's `title`: a short summary for a person (str's own `title` is a method: hence the name)
    summary: str

    def __new__(cls, value: str, status: int, summary: str) -> ProblemCode:
        member = str.__new__(cls, value)
        member._value_ = value
        member.status = status
        member.summary = summary
        return member

    @staticmethod
    def _generate_next_value_(name: str, start: int, count: int, last_values: list[Any]) -> str:
        return name

    # 400: the body is not JSON
    MALFORMED_REQUEST = auto(), 400, "The body is not valid JSON"
    # 401: the first check
    UNAUTHENTICATED = auto(), 401, "Missing or wrong API token"
    # 403: who may
    FORBIDDEN = auto(), 403, "Your role may not do this"
    NOT_PARTY = auto(), 403, "You are not the party this operation requires"
    # 404, 405, 413
    NOT_FOUND = auto(), 404, "No such resource"
    METHOD_NOT_ALLOWED = auto(), 405, "Method not allowed"
    PAYLOAD_TOO_LARGE = auto(), 413, "The body is too large"
    # 422: semantic errors
    VALIDATION_ERROR = auto(), 422, "The request is not valid"
    INVALID_COUNTERPARTY = auto(), 422, "The counterparty may not take part in this operation"
    IDEMPOTENCY_KEY_REUSED = auto(), 422, "This Idempotency-Key was used with another body"
    SIGNATURE_REQUIRED = (
        auto(),
        422,
        "This participant signs its own operations: prepare, sign, then send the signature",
    )
    BAD_SIGNATURE = auto(), 422, "The signature is not the participant's over this operation"
    SIGNATURE_EXPIRED = auto(), 422, "The signature's deadline has passed"
    # 409: state
    INVALID_STATE = auto(), 409, "The operation is not allowed in the current state"
    MATURED = auto(), 409, "The bill has matured"
    NOT_MATURE = auto(), 409, "The bill has not matured yet"
    NOT_TRANSFERABLE = auto(), 409, "The bill is not transferable"
    FROZEN = auto(), 409, "The bill or range is frozen"
    PARTICIPANT_FROZEN = auto(), 409, "A participant of this operation is frozen"
    INSUFFICIENT_CASH = auto(), 409, "The payer does not hold enough cash"
    DOCUMENT_ALREADY_USED = auto(), 409, "The document is already anchored"
    INVALID_RECOURSE_TARGET = auto(), 409, "That party is not liable for this range"
    MINT_LIMIT_EXCEEDED = auto(), 409, "The bank would mint past the limit a regulator set"
    ACCEPTOR_OVERDUE = auto(), 409, "The acceptor is persistently overdue (three overdue events in 180 days)"
    NONCE_USED = auto(), 409, "The signature's nonce is not the signer's next one (already used, or ahead)"
    # 429, 503
    RATE_LIMITED = auto(), 429, "Too many requests"
    CHAIN_UNAVAILABLE = auto(), 503, "The chain does not answer"
