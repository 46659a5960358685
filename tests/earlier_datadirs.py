"""The data dirs of earlier gateways (tests/fixtures/datadir-<commit>), copied as if that gateway had
stopped a moment ago.

A recorded answer is replayed for 48 hours (gateway/ledger/answer_store.KEEP); the fixtures were
written once, so their answers' clocks are moved to now on the copy, before anything opens it. That is
the case the tests are about (an upgrade or a key rotation right after a stop); an answer's expiry has
its own test.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def copy_earlier_datadir(made_by: str, into: Path) -> Path:
    """Copy the data dir written by the gateway of commit `made_by` into `into`, its answers recorded now."""
    shutil.copytree(FIXTURES / f"datadir-{made_by}", into, dirs_exist_ok=True)
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    with sqlite3.connect(into / "gateway.db") as connection:
        connection.execute("UPDATE idempotency SET created_at = ?", (now,))
    return into
