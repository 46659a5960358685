"""Writes from many threads at once, committed together: one database transaction (one fsync) for all
that arrived while the one before was committing.

A caller's `run(work)` returns only once the transaction holding its `work` is committed (so the
outbox's promise, written down before the node sees the transaction, holds for each). The first
caller to find no commit under way leads: it takes every work waiting, runs them in one session and
commits, then wakes the others. A batch that fails is run again one work per transaction, so one
caller's failure (say, a row that breaks a constraint) is raised to that caller alone.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from gateway.core.db import Database

Work = Callable[[Session], None]


@dataclass
class _Waiting:
    work: Work
    done: bool = False
    error: BaseException | None = None


class GroupCommit:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._turn = threading.Condition()
        self._queue: list[_Waiting] = []
        self._leading = False
        #: transactions committed, and works committed in them (tests read these)
        self.commits = 0
        self.works = 0

    def run(self, work: Work) -> None:
        mine = _Waiting(work)
        with self._turn:
            self._queue.append(mine)
            while not mine.done:
                if self._leading:
                    self._turn.wait()
                    continue
                self._leading, batch, self._queue = True, self._queue, []
                self._turn.release()
                try:
                    self._commit(batch)
                finally:
                    self._turn.acquire()
                    self._leading = False
                    self._turn.notify_all()
        if mine.error is not None:
            raise mine.error

    def _commit(self, batch: list[_Waiting]) -> None:
        settled = False
        try:
            try:
                self._in_one(batch)
            except Exception:  # each work again, alone: an error is its own caller's
                for waiting in batch:
                    try:
                        self._in_one([waiting])
                    except Exception as error:  # raised to its caller by `run`
                        waiting.error = error
            settled = True
        finally:
            for waiting in batch:
                if not settled and waiting.error is None:  # the leader was interrupted: nothing is known written
                    waiting.error = RuntimeError("not written down: the commit was interrupted")
                waiting.done = True

    def _in_one(self, batch: list[_Waiting]) -> None:
        with self.db.session() as session:
            for waiting in batch:
                waiting.work(session)
        self.commits += 1
        self.works += len(batch)
