"""Finding 6, the smaller points: forged recorded answers, keys without ids, cheap key files, open
node RPC. (Documents served as pages are in test_documents.py.)"""

from __future__ import annotations

import base64
import json
from pathlib import Path

from eth_account import Account
from pytest import MonkeyPatch

from chain.keys import PASSPHRASE_ENV, SCRYPT_N_CHOSEN, SCRYPT_N_GENERATED, Keystore
from gateway.core.db import IdempotencyRow
from gateway.core.security import BLOB_MAGIC, DocumentCipher
from tests.api.conftest import Api, problem

ROOT = Path(__file__).resolve().parents[2]


def test_a_forged_recorded_answer_is_refused_not_replayed(api: Api, cast: dict[str, str]) -> None:
    body = {"to": cast["t1"], "amount": "2.00"}
    first = api.ok(api.post("/v1/cash/mint", cast["bank"], body, headers={"Idempotency-Key": "forge"}))
    forged = json.dumps({**first, "balance": "9999999.00"}).encode()
    with api.runtime.db.session() as s:  # whoever can write the database, with another key or none
        row = s.get(IdempotencyRow, (cast["bank"], "forge"))
        assert row is not None
        row.body = base64.b64encode(BLOB_MAGIC + b"deadbeef:" + bytes(12) + forged).decode()
    problem(
        api.post("/v1/cash/mint", cast["bank"], body, headers={"Idempotency-Key": "forge"}), 503, "CHAIN_UNAVAILABLE"
    )


def test_sealing_keys_have_ids_and_rotate_without_losing_what_they_sealed(tmp_path: Path) -> None:
    cipher = DocumentCipher(tmp_path)
    old_kid = cipher.current
    sealed = cipher.seal(b"invoice", "0xabc")
    assert sealed.startswith(BLOB_MAGIC + old_kid.encode())
    new_kid = cipher.rotate()
    again = DocumentCipher(tmp_path)  # a restart reads the current key's id
    assert again.current == new_kid != old_kid
    assert again.open(sealed, "0xabc") == b"invoice"
    assert again.seal(b"invoice", "0xabc").startswith(BLOB_MAGIC + new_kid.encode())


def test_a_passphrase_a_person_chose_is_stretched_as_owasp_asks(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, "correct horse battery staple")
    Keystore(tmp_path / "chosen").create("bank")
    monkeypatch.delenv(PASSPHRASE_ENV)
    Keystore(tmp_path / "generated").create("bank")
    chosen = json.loads((tmp_path / "chosen" / "keys" / "bank.json").read_text())["crypto"]["kdfparams"]["n"]
    generated = json.loads((tmp_path / "generated" / "keys" / "bank.json").read_text())["crypto"]["kdfparams"]["n"]
    assert (chosen, generated) == (SCRYPT_N_CHOSEN, SCRYPT_N_GENERATED) == (2**17, 2**15)
    assert Account.decrypt(
        json.loads((tmp_path / "chosen" / "keys" / "bank.json").read_text()), "correct horse battery staple"
    )
