"""Finding 6, the smaller points: forged recorded answers, keys without ids, cheap key files, open
node RPC. (Documents served as pages are in test_documents.py.)"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

from eth_account import Account
from fastapi import Response
from pytest import MonkeyPatch

from chain.errors import ParticipantInvalidProfile
from chain.keys import PASSPHRASE_ENV, SCRYPT_N_CHOSEN, SCRYPT_N_GENERATED, Keystore
from chain.model import Role
from gateway.core.db import DocumentRow, IdempotencyRow
from gateway.core.schemas import FrozenOut, FrozenRow
from gateway.core.security import BLOB_MAGIC, DocumentCipher
from gateway.http.routes.reports import _answer
from tests.api.conftest import Api, problem
from tests.conftest import World, reverts

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


def test_a_frozen_participant_uploads_nothing(api: Api, cast: dict[str, str]) -> None:
    """Issue 24, finding 8: a FROZEN participant still uploaded documents (201)."""
    api.ok(api.post(f"/v1/participants/{cast['t1']}/freeze", cast["reg"]))
    refused = api.post("/v1/documents", cast["t1"], content=b"an invoice", headers={"Content-Type": "text/plain"})
    problem(refused, 409, "PARTICIPANT_FROZEN")
    digest = "0x" + hashlib.sha256(b"an invoice").hexdigest()
    with api.runtime.db.session() as s:
        assert s.get(DocumentRow, digest) is None  # nothing stored


def test_the_registry_takes_only_slug_ids_so_no_id_reads_as_a_formula(world: World) -> None:
    """Issue 24, finding 8: the registry accepted any 1-64-byte id, so an id registered straight on chain
    (`=HYPERLINK(...)`) reached the regulator's spreadsheet as a formula. The chain takes API.md's slugs."""
    registry = world.system.registry
    for bad in ('=HYPERLINK("http://e.vil","x")', "+cmd", "-1+1", "@SUM(A1)", "ab", "Upper", "a" * 41, "9lives"):
        with reverts(ParticipantInvalidProfile):
            registry.register(world.operator, Account.create().address, Role.ENTERPRISE, bad, "n")
    registry.register(world.operator, Account.create().address, Role.ENTERPRISE, "t9-supplier", "=HYPERLINK()")


def test_report_csv_cells_that_start_like_a_formula_are_text(api: Api, cast: dict[str, str]) -> None:
    """OWASP's CSV-injection rule, for any text a report carries (a name, a reason, a request line): a cell
    starting with = + - @, a tab or a carriage return gets a leading apostrophe."""
    rows = FrozenOut(
        items=[
            FrozenRow(kind="PARTICIPANT", participant=p, bill_id=None, range=None)
            for p in ('=HYPERLINK("http://e.vil")', "+1", "-1", "@A1", "\tx", "\rx", "plain")
        ]
    )
    response = _answer(rows, "csv", "frozen")
    assert isinstance(response, Response)
    cells = [line.split(",")[1] for line in bytes(response.body).decode().split("\r\n")[1:-1]]
    assert cells == ['"\'=HYPERLINK(""http://e.vil"")"', "'+1", "'-1", "'@A1", "'\tx", '"\'\rx"', "plain"]
    served = api.get("/v1/reports/frozen?format=csv", cast["reg"])
    assert served.status_code == 200 and served.headers["content-type"].startswith("text/csv")
