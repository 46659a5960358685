"""Writes from many threads share transactions (gateway/ledger/group_commit.py): each returns only once
its own row is committed, and one caller's failure is its own."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from gateway.core.db import Database, RefusalRow
from gateway.ledger.group_commit import GroupCommit


def _row(i: int) -> dict[str, object]:
    return {"at": datetime.now(UTC).replace(tzinfo=None), "caller": f"c{i}", "method_path": "POST /x", "code": "X"}


def _count(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(RefusalRow)) or 0)


def test_many_threads_commit_in_fewer_transactions_and_each_row_is_there_when_its_call_returns(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'g.db'}")
    group = GroupCommit(db)
    start = threading.Barrier(32)
    unseen: list[int] = []

    def write(i: int) -> None:
        start.wait()
        group.run(lambda s: s.execute(insert(RefusalRow).values(**_row(i))) and None)
        with db.session() as s:  # committed: another connection reads it
            if s.scalar(select(func.count()).select_from(RefusalRow).where(RefusalRow.caller == f"c{i}")) != 1:
                unseen.append(i)

    with ThreadPoolExecutor(32) as pool:
        list(pool.map(write, range(320)))
    assert not unseen
    assert _count(db) == 320 and group.works == 320
    assert group.commits < 320, "every write had a transaction of its own"


def test_a_failing_work_fails_its_own_caller_only(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'g.db'}")
    group = GroupCommit(db)
    start = threading.Barrier(16)

    def write(i: int) -> str:
        def work(s: Session) -> None:
            s.execute(insert(RefusalRow).values(**_row(i)))
            if i % 5 == 0:
                raise ValueError(f"bad row {i}")

        start.wait()
        try:
            group.run(work)
        except ValueError as error:
            return str(error)
        return "ok"

    with ThreadPoolExecutor(16) as pool:
        outcomes = list(pool.map(write, range(80)))
    assert outcomes == [f"bad row {i}" if i % 5 == 0 else "ok" for i in range(80)]
    assert _count(db) == 64  # the failed ones rolled back, every other one written


def test_a_lone_write_is_committed_at_once(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'g.db'}")
    group = GroupCommit(db)
    group.run(lambda s: s.execute(insert(RefusalRow).values(**_row(1))) and None)
    assert _count(db) == 1 and group.commits == 1
    with pytest.raises(RuntimeError):
        group.run(lambda s: (_ for _ in ()).throw(RuntimeError("x")))
    assert _count(db) == 1
