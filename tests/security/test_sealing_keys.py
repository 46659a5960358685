"""A sealing key that leaked with a copy of the database stops opening anything once rotated:
`billchain rotate-sealing-key` seals every document and recorded answer again under a new key and
deletes the old ones; what does not open is left alone, and then no key is deleted.

Run on the data dir of an earlier gateway (tests/fixtures/datadir-40963e1: a document and a recorded
answer sealed with the legacy documents.key), which is also the upgrade path of a bank's data dir."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select, update
from typer.testing import CliRunner

from gateway.cli import app
from gateway.core.datadir import DataDirLock
from gateway.core.db import Database, DocumentRow, IdempotencyRow
from gateway.core.security import BLOB_MAGIC, DocumentCipher
from gateway.core.settings import Settings
from gateway.ledger.answer_store import recorded
from tests.earlier_datadirs import copy_earlier_datadir

FIXTURE = "40963e1"  # tests/fixtures/datadir-40963e1
runner = CliRunner()


def _rows(data_dir: Path) -> tuple[DocumentRow, IdempotencyRow]:
    db = Database(Settings(data_dir=data_dir).database)
    try:
        with db.session() as s:
            return s.scalars(select(DocumentRow)).one(), s.scalars(select(IdempotencyRow)).one()
    finally:
        db.engine.dispose()


def _all_open(data_dir: Path) -> None:
    document, answer = _rows(data_dir)
    cipher = DocumentCipher(data_dir)
    assert cipher.open(document.ciphertext, document.hash) == b"invoice 1"
    db = Database(Settings(data_dir=data_dir).database)
    try:
        again = recorded(db, cipher, answer.caller, answer.key, answer.request_hash)
    finally:
        db.engine.dispose()
    assert again is not None and again.status == 201 and b'"transfer"' in again.body


def _rotate(data_dir: Path, *args: str) -> tuple[int, str]:
    done = runner.invoke(app, ["rotate-sealing-key", "--data-dir", str(data_dir), *args])
    return done.exit_code, done.output


def test_after_a_rotation_the_old_keys_are_gone_and_open_nothing_kept(tmp_path: Path) -> None:
    copy_earlier_datadir(FIXTURE, tmp_path)
    leaked_legacy = AESGCM(bytes.fromhex((tmp_path / "documents.key").read_text().strip()))

    code, out = _rotate(tmp_path)
    assert code == 0, out
    assert "1 documents, 1 answers sealed again" in out and "documents.key" in out
    assert not (tmp_path / "documents.key").exists()
    _all_open(tmp_path)
    document, _ = _rows(tmp_path)
    with pytest.raises(InvalidTag):  # the key that leaked no longer opens the document kept
        body = document.ciphertext[len(BLOB_MAGIC) + 9 :]
        leaked_legacy.decrypt(body[:12], body[12:], document.hash.encode())

    first = DocumentCipher(tmp_path).current
    leaked_first = (tmp_path / "sealing-keys" / f"{first}.key").read_text()
    code, out = _rotate(tmp_path)
    assert code == 0, out
    second = DocumentCipher(tmp_path).current
    assert second != first and not (tmp_path / "sealing-keys" / f"{first}.key").exists()
    assert sorted(p.name for p in (tmp_path / "sealing-keys").iterdir()) == sorted([f"{second}.key", "current"])
    _all_open(tmp_path)
    document, _ = _rows(tmp_path)
    assert document.ciphertext.startswith(BLOB_MAGIC + second.encode())
    # Put the leaked key back: it still opens nothing kept, as everything names (and needs) the new one.
    (tmp_path / "sealing-keys" / f"{first}.key").write_text(leaked_first)
    with pytest.raises(InvalidTag):
        body = document.ciphertext[len(BLOB_MAGIC) + 9 :]
        AESGCM(bytes.fromhex(leaked_first)).decrypt(body[:12], body[12:], document.hash.encode())


def test_a_row_that_opens_with_no_key_is_left_as_it_is_and_no_key_is_deleted(tmp_path: Path) -> None:
    copy_earlier_datadir(FIXTURE, tmp_path)
    db = Database(Settings(data_dir=tmp_path).database)
    forged = base64.b64encode(b"BK1:deadbeef:" + bytes(40)).decode()
    with db.session() as s:
        s.execute(update(IdempotencyRow).values(body=forged))
    db.engine.dispose()

    code, out = _rotate(tmp_path)
    assert code == 1 and "does not open with any key here: idempotency" in out, out
    assert (tmp_path / "documents.key").exists()  # kept: it may be the one that opens what did not
    assert _rows(tmp_path)[1].body == forged
    document, _ = _rows(tmp_path)
    assert DocumentCipher(tmp_path).open(document.ciphertext, document.hash) == b"invoice 1"


def test_keep_old_keys_keeps_them_and_a_running_gateway_holds_the_data_dir(tmp_path: Path) -> None:
    copy_earlier_datadir(FIXTURE, tmp_path)
    code, out = _rotate(tmp_path, "--keep-old-keys")
    assert code == 0 and "old keys kept" in out, out
    assert (tmp_path / "documents.key").exists()
    _all_open(tmp_path)

    lock = DataDirLock(tmp_path).acquire("billchain serve", port=8000)
    try:
        before = DocumentCipher(tmp_path).current
        code, out = _rotate(tmp_path)
        assert code == 2 and "8000" in out, out
        assert DocumentCipher(tmp_path).current == before  # nothing rotated under a running gateway
    finally:
        lock.release()
