"""The security review's attacks, as they succeeded on e12aaca (the commit issue 13 started from).

Each test here asserts that an attack WORKS: it runs against e12aaca's code and fixtures only, not
against main (where tests/security/ holds the same attacks, asserting that they fail). To run it:

    git worktree add /tmp/pre13 e12aaca && ln -s "$PWD/node_modules" /tmp/pre13/node_modules
    cp docs/review/attacks_at_e12aaca.py /tmp/pre13/tests/api/test_attacks_at_e12aaca.py
    cd /tmp/pre13 && PYTHONPATH=. /path/to/main/.venv/bin/pytest -q -p no:cacheprovider \
        -m "not postgres" tests/api/test_attacks_at_e12aaca.py

Every test passing there is every attack succeeding there.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from eth_utils import keccak
from sqlalchemy import select, update

from chain.keys import Keystore
from gateway.core.db import BalanceRow, Database, IdempotencyRow
from tests.api.conftest import Api
from tests.conftest import World

SETTLER = keccak(text="SETTLER")
GRANT = [
    {
        "type": "function",
        "name": "grantRole",
        "stateMutability": "nonpayable",
        "inputs": [{"name": "role", "type": "bytes32"}, {"name": "account", "type": "address"}],
        "outputs": [],
    }
]


# Finding 1: the operator's key drains a participant and prints money; it undoes a regulator's freeze.
def test_1_the_operator_grants_itself_the_settler_role_and_drains_a_victim(world: World) -> None:
    world.mint("t1", 5_000)
    cash = world.backend.w3.eth.contract(address=world.cash.address, abi=GRANT)
    world.system.tx.send(world.operator, cash.functions.grantRole(SETTLER, world.operator.address))
    world.cash._send(world.operator, "settle", world.addr("t1"), world.addr("t2"), 5_000)
    assert world.cash.balance_of(world.addr("t1")) == 0 and world.cash.balance_of(world.addr("t2")) == 5_000


def test_1_a_bank_the_operator_admitted_alone_prints_money(api: Api) -> None:
    sham, accomplice = api.onboard("BANK", "sham"), api.onboard("ENTERPRISE", "accomplice")
    api.ok(api.post("/v1/cash/mint", sham, {"to": accomplice, "amount": "999999999999.99"}))
    assert api.balance(accomplice) == "999999999999.99"


def test_1_the_operator_undoes_a_regulators_freeze(api: Api, cast: dict[str, str]) -> None:
    api.ok(api.post(f"/v1/participants/{cast['t1']}/freeze", cast["reg"]))
    api.ok(api.post(f"/v1/participants/{cast['t1']}/unfreeze", "operator"))
    assert api.ok(api.get(f"/v1/participants/{cast['t1']}"))["status"] == "ACTIVE"


# Finding 2: a hash one never uploaded is anchored; then read; and the owner's financing is blocked.
def test_2_anchoring_a_hash_one_never_uploaded_reads_it_and_blocks_its_owner(api: Api, cast: dict[str, str]) -> None:
    invoice = b"invoice INV-77 of " + cast["t1"].encode()
    digest = "0x" + hashlib.sha256(invoice).hexdigest()
    bill = api.circulating(cast["core"], cast["bank"], cast["t2"], amount="100.00")
    body = {"bank": cast["bank"], "annual_rate": "0.02", "document_hash": digest}
    api.ok(api.post(f"/v1/bills/{bill}/discount", cast["t2"], body), 201)  # anchored by the attacker
    api.ok(api.client.post("/v1/documents", content=invoice, headers=api.headers(cast["t1"])), 201)
    assert api.client.get(f"/v1/documents/{digest}", headers=api.headers(cast["t2"])).content == invoice
    own = api.circulating(cast["core"], cast["bank"], cast["t1"], amount="100.00")
    refused = api.post(f"/v1/bills/{own}/discount", cast["t1"], {**body, "bank": cast["bank2"]})
    assert refused.status_code == 409 and refused.json()["code"] == "DOCUMENT_ALREADY_USED"


def test_2_a_viewer_of_the_bill_reads_a_transfers_invoice(api: Api, cast: dict[str, str]) -> None:
    bill = api.circulating(cast["core"], cast["bank"], cast["t1"], amount="100.00")
    invoice = b"invoice for the t2 endorsement " + cast["t1"].encode()
    digest = api.ok(api.client.post("/v1/documents", content=invoice, headers=api.headers(cast["t1"])), 201)["hash"]
    api.ok(
        api.post(
            f"/v1/bills/{bill}/endorse", cast["t1"], {"to": cast["t2"], "amount": "10.00", "document_hash": digest}
        ),
        201,
    )
    # core (the drawer) sees the bill, is no party to that endorsement, and reads its invoice
    assert api.client.get(f"/v1/documents/{digest}", headers=api.headers(cast["core"])).content == invoice


def test_2_an_uploaded_page_is_served_as_a_page(api: Api, cast: dict[str, str]) -> None:
    page = b"<script>alert(document.cookie)</script>"
    headers = api.headers(cast["t1"], **{"Content-Type": "text/html"})
    digest = api.ok(api.client.post("/v1/documents", content=page, headers=headers), 201)["hash"]
    served = api.client.get(f"/v1/documents/{digest}", headers=api.headers(cast["t1"]))
    assert served.headers["content-type"].startswith("text/html") and "attachment" not in served.headers.get(
        "content-disposition", ""
    )


# Finding 3: a pledged range is paid around the lending bank.
def test_3_the_pledgor_claims_recourse_around_its_pledgee(world: World) -> None:
    bills = world.bills
    bill = world.circulating(payee="t1", amount=1_000, days=3)
    transfer, _ = bills.pledge(world["t1"], bill, 1, 1_000, world.addr("bank2"))
    bills.sign(world["bank2"], transfer)
    world.mint("bank", 1_000)
    world.advance_days(3)
    bills.present(world["bank2"], bill, 1)  # the pledgee presents
    world.advance_days(3)  # the acceptor stays silent
    claim, _ = bills.recourse(world["t1"], bill, 1, world.addr("bank"))  # the pledgor claims
    before = world.cash.balance_of(world.addr("t1")), world.cash.balance_of(world.addr("bank2"))
    bills.sign(world["bank"], claim)
    after = world.cash.balance_of(world.addr("t1")), world.cash.balance_of(world.addr("bank2"))
    assert after[0] - before[0] == 1_000 and after[1] == before[1]  # the pledgor got it, the pledgee nothing


# Finding 4: tokens live for ever; a replay shows a new participant's token; any operator token goes.
def test_4_a_token_cannot_be_rotated_or_revoked(api: Api) -> None:
    who = api.onboard("ENTERPRISE", "leaky")
    assert api.post("/v1/me/token", who).status_code in (404, 405)
    assert api.post(f"/v1/participants/{who}/token", "operator").status_code in (404, 405)


def test_4_replaying_the_onboarding_key_shows_the_token_again(api: Api) -> None:
    key = {"Idempotency-Key": "onboard-once"}
    payload = {"id": "shown-twice", "name": "x", "role": "ENTERPRISE"}
    first = api.ok(api.post("/v1/participants", "operator", payload, headers=key), 201)
    again = api.post("/v1/participants", "operator", payload, headers=key)
    assert again.json()["api_token"] == first["api_token"]


def test_4_a_guessable_operator_token_is_taken(tmp_path: Path) -> None:
    from gateway.compose import open_runtime
    from gateway.core.settings import Settings

    open_runtime(Settings(data_dir=tmp_path, operator_token="hunter2")).close()


# Finding 5: denial of service.
def test_5_a_bad_cursor_was_already_a_422_there(api: Api) -> None:
    """The one attack of the review that no longer worked at e12aaca: issue 18 (40963e1) had made a
    bad cursor a 422 (the review was done on an earlier main, where `cursor=²` answered 503)."""
    assert {api.get("/v1/bills", params={"cursor": c}).status_code for c in ("²", "1" * 40)} == {422}


def test_5_unauthenticated_requests_are_never_limited(api: Api) -> None:
    codes = {api.get("/v1/bills", None, headers={"Authorization": "Bearer bc_guess"}).status_code for _ in range(600)}
    assert codes == {401}


def test_5_a_bill_fragments_without_bound(world: World) -> None:
    bill = world.circulating(payee="t1", amount=400)
    for start in range(1, 301):
        transfer, _ = world.bills.endorse(world["t1"], bill, start, 1, world.addr("t2"))
        world.bills.revoke(world["t1"], transfer)  # revoked: and the split stays
    assert len(world.bills.ranges(bill)) == 301


def test_5_a_balance_past_64_bits_does_not_fit(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'g.db'}")
    try:
        with db.session() as s:
            s.add(BalanceRow(participant="rich", balance=2**64))
    except OverflowError:
        return
    raise AssertionError("stored")


# Finding 6: forged answers replayed, keys without ids, cheap key files.
def test_6_a_forged_recorded_answer_is_replayed(api: Api, cast: dict[str, str]) -> None:
    body, key = {"to": cast["t1"], "amount": "1.00"}, {"Idempotency-Key": "forge-me"}
    api.ok(api.post("/v1/cash/mint", cast["bank"], body, headers=key))
    forged = '{"forged": "by whoever can write the database"}'
    with api.runtime.db.session() as s:
        s.execute(update(IdempotencyRow).where(IdempotencyRow.key == "forge-me").values(body=forged))
    assert api.post("/v1/cash/mint", cast["bank"], body, headers=key).text == forged


def test_6_a_chosen_passphrase_gets_n_2_15(tmp_path: Path) -> None:
    import json

    Keystore(tmp_path, "my passphrase").create("bank")
    assert json.loads((tmp_path / "keys" / "bank.json").read_text())["crypto"]["kdfparams"]["n"] == 2**15


def test_6_one_key_seals_everything_without_an_id(tmp_path: Path) -> None:
    from gateway.core.security import DocumentCipher

    blob = DocumentCipher(tmp_path).seal(b"x", "bound")
    assert not blob.startswith(b"BK1:") and (tmp_path / "documents.key").exists()
    assert base64.b64encode(blob) and select  # (the same key for documents and answers, no rotation)
