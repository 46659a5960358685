"""An index as rows, to compare one gateway's index with another's, or with one rebuilt from the chain."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from gateway.core.db import BalanceRow, BillRow, Database, HistoryRow, ParticipantRow, RangeRow, TransferRow, ViewerRow

#: what each gateway keeps of its own (tokens, custody) and numbering local to one database
LOCAL = {"seq", "token_hash", "token_expires_at", "custody"}


def index_rows(db: Database, directory: bool = False) -> dict[str, Any]:
    """Every read model the chain determines, sorted; with `directory`, the participant directory too."""

    def rows(model: Any, *exclude: str) -> list[dict[str, Any]]:
        with db.session() as s:
            found = s.scalars(select(model)).all()
            names = [col.name for col in model.__table__.columns if col.name not in exclude]
            return sorted(({c: getattr(r, c) for c in names} for r in found), key=repr)

    tables = {
        "bills": rows(BillRow),
        "ranges": rows(RangeRow),
        "transfers": rows(TransferRow),
        "history": rows(HistoryRow, "seq"),
        "balances": rows(BalanceRow),
    }
    if directory:
        tables["viewers"] = rows(ViewerRow)
        tables["participants"] = rows(ParticipantRow, *LOCAL)
    return tables
