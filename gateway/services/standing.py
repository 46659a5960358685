"""An acceptor's overdue standing, as the chain counted it (DOMAIN.md, "Persistently overdue acceptors").

The chain counts the events and says, with each, until when the acceptor is persistently overdue
(`AcceptorOverdue.overdueUntil`, indexed as `OverdueEventRow.overdue_until`); the gateway only compares that day
with today's, and counts the events of the window the bill registry states (`rules().overdueWindowDays`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from chain.model import SHANGHAI, shanghai_date
from gateway.core.db import IndexState, OverdueEventRow


def chain_today(s: Session) -> date:
    """The chain's date as the index knows it (its last block's time, Asia/Shanghai): read without asking the
    node, so that what the index holds is served while the node is away; the wall clock's before any block."""
    state = s.get(IndexState, 1)
    if state is None or state.last_timestamp is None:
        return datetime.now(UTC).astimezone(SHANGHAI).date()
    return shanghai_date(state.last_timestamp)


@dataclass(frozen=True)
class Standing:
    events_in_window: int = 0
    persistently_overdue: bool = False
    #: the last day it is persistently overdue (None when it is not)
    until: date | None = None


GOOD = Standing()


def standings(s: Session, participant_ids: Sequence[str], today: date, window_days: int) -> dict[str, Standing]:
    """Each participant's standing today (the participants without an event: GOOD)."""
    since = today - timedelta(days=window_days)
    found: dict[str, Standing] = {}
    rows = s.scalars(
        select(OverdueEventRow).where(OverdueEventRow.acceptor.in_(participant_ids)).order_by(OverdueEventRow.id)
    )
    latest: dict[str, OverdueEventRow] = {}
    counts: dict[str, int] = {}
    for row in rows:
        latest[row.acceptor] = row  # the chain's verdict with the newest event is the one in force
        if row.day > since:
            counts[row.acceptor] = counts.get(row.acceptor, 0) + 1
    for participant, row in latest.items():
        until = row.overdue_until
        overdue = until is not None and today <= until
        found[participant] = Standing(counts.get(participant, 0), overdue, until if overdue else None)
    return found


def overdue_acceptors(s: Session, today: date, window_days: int) -> dict[str, Standing]:
    """Every acceptor with an overdue event in the window or persistently overdue today."""
    ids = sorted(set(s.scalars(select(OverdueEventRow.acceptor))))
    return {
        p: st
        for p, st in standings(s, ids, today, window_days).items()
        if st.events_in_window or st.persistently_overdue
    }
