"""API tokens: one at a time per participant, shown once, kept as a hash, and every issue recorded.

A participant's token is made in one place, here: at onboarding or when a gateway begins to serve it
(ISSUED, by the operator), by the participant itself (ROTATED), or by the operator for a participant that
lost its own (REISSUED). Each new token replaces the earlier one at once, and each is written down in the
same database transaction as its hash, so no token is ever issued unrecorded: an operator, who can act for
a hosted participant by giving itself a token, cannot do so unseen (GET /v1/participants/{id}/token-events).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from sqlalchemy.orm import Session

from gateway.core.db import ParticipantRow, TokenEventRow
from gateway.core.security import hash_token, new_token, token_expiry

TokenEvent = Literal["ISSUED", "ROTATED", "REISSUED"]


def issue(
    session: Session, row: ParticipantRow, by: str, kind: TokenEvent, ttl_days: int | None
) -> tuple[str, datetime | None]:
    """A new token for `row` (the earlier one stops working), recorded; returns it and when it expires."""
    token, expires = new_token(), token_expiry(ttl_days)
    row.token_hash, row.token_expires_at = hash_token(token), expires
    session.add(TokenEventRow(participant=row.id, at=datetime.now(UTC).replace(tzinfo=None), by=by, kind=kind))
    return token, expires
