"""`billchain serve` upgrades the gateway's database in place (Alembic, gateway/core/migrations): the
database opens (`Database`, as every start does) at the newest revision.

The fixtures are the databases of earlier gateways, with the document key that sealed their documents
and answers (a test key, for this data only): 3922ae2, the first wave's last commit, and 40963e1, the
commit before migrations. Each is opened on a copy: every row is found, the sealed ones open.
(The chains those gateways ran are not part of it: the contracts changed since, so a gateway of today
runs on a new deployment, and its index is rebuilt from that chain.)
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, select, text

from gateway.core.db import (
    MIGRATIONS,
    BalanceRow,
    Base,
    BillRow,
    CashMovementRow,
    Database,
    DocumentRow,
    IdempotencyRow,
    IndexState,
    ParticipantRow,
)
from gateway.core.security import DocumentCipher
from gateway.core.settings import Settings
from gateway.ledger.answer_store import recorded
from tests.earlier_datadirs import copy_earlier_datadir

HEAD = "0009"
#: the gateway's own data: every row survives; the index (bills, ranges, ...) is the chain's, and 0003
#: empties it for the next start to rebuild from the chain
OWN = {"participants", "idempotency", "outbox", "documents", "document_uploaders", "chain_incidents"}


def _rows(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as connection:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: connection.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


@pytest.mark.parametrize("made_by", ["3922ae2", "40963e1"])
def test_a_database_of_an_earlier_gateway_is_upgraded_in_place_and_every_row_found(
    tmp_path: Path, made_by: str
) -> None:
    copy_earlier_datadir(made_by, tmp_path)
    before = _rows(tmp_path / "gateway.db")
    assert "alembic_version" not in before and before["bills"] == 2 and before["outbox"] > 0
    assert before["participants"] == 4 and before["idempotency"] == 1 and before["documents"] == 1
    db = Database(Settings(data_dir=tmp_path).database)  # the file `billchain serve` opens in that data dir
    cipher = DocumentCipher(tmp_path)
    try:
        with db.session() as s:
            assert s.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
            document = s.scalars(select(DocumentRow)).one()
            key = s.scalars(select(IdempotencyRow)).one()
            participants = [p.role for p in s.scalars(select(ParticipantRow).order_by(ParticipantRow.seq))]
            assert s.get(IndexState, 1) is None and s.scalars(select(BillRow)).first() is None  # to be rebuilt
        assert cipher.open(document.ciphertext, document.hash) == b"invoice 1"
        answer = recorded(db, cipher, key.caller, key.key, key.request_hash)
        assert answer is not None and answer.status == 201 and b'"transfer"' in answer.body
        assert participants == ["BANK", "ENTERPRISE", "ENTERPRISE", "REGULATOR"]
    finally:
        db.engine.dispose()
    after = _rows(tmp_path / "gateway.db")
    for table in OWN & set(before):
        assert after[table] == before[table], table  # every row is still there, none made twice
    assert after["alembic_version"] == 1 and after["chain_incidents"] == 0


def test_a_new_database_is_made_by_the_migrations_alone(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'gateway.db'}")
    with db.session() as s:
        assert s.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
    db.engine.dispose()
    assert set(_rows(tmp_path / "gateway.db")) == {*Base.metadata.tables, "alembic_version"}


def test_the_console_revision_empties_the_index_for_the_next_start_to_rebuild(tmp_path: Path) -> None:
    """0006 adds cash movements to the index: it empties the index, so the next start reads the chain again
    from block 0 and the movements made before the upgrade are there too."""
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    engine = create_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
        connection.execute(text("INSERT INTO index_state (id, last_block, last_hash) VALUES (1, 7, NULL)"))
        connection.execute(text("INSERT INTO balances (participant, balance) VALUES ('bank', '100')"))
    engine.dispose()
    db = Database(url)
    with db.session() as s:
        assert s.get(IndexState, 1) is None and s.scalars(select(BalanceRow)).first() is None
        assert s.scalars(select(CashMovementRow)).first() is None
    db.engine.dispose()
