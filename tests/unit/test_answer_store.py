"""A recorded answer is replayed for KEEP (48 h; API.md: at least 24 h), then forgotten."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from gateway.core.db import Database, IdempotencyRow
from gateway.core.security import DocumentCipher
from gateway.core.settings import Settings
from gateway.ledger.answer_store import KEEP, prune, recorded
from tests.earlier_datadirs import copy_earlier_datadir


def _recorded_ago(data_dir: Path, age: timedelta) -> None:
    then = (datetime.now(UTC).replace(tzinfo=None) - age).isoformat(sep=" ")
    with sqlite3.connect(data_dir / "gateway.db") as connection:
        connection.execute("UPDATE idempotency SET created_at = ?", (then,))


def test_an_answer_is_replayed_within_keep_and_forgotten_after(tmp_path: Path) -> None:
    copy_earlier_datadir("40963e1", tmp_path)
    db, cipher = Database(Settings(data_dir=tmp_path).database), DocumentCipher(tmp_path)
    try:
        with db.session() as s:
            row = s.scalars(select(IdempotencyRow)).one()
        replay = (row.caller, row.key, row.request_hash)
        _recorded_ago(tmp_path, KEEP * 0.99)
        assert recorded(db, cipher, *replay) is not None and prune(db) == 0
        _recorded_ago(tmp_path, KEEP * 1.01)
        assert recorded(db, cipher, *replay) is None
        assert prune(db) == 1
        with db.session() as s:
            assert s.scalars(select(IdempotencyRow)).first() is None
    finally:
        db.engine.dispose()
