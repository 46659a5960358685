"""The cross-institution story (issue 14): two gateways on one platform, each serving its own participants,
the headline supply-chain story across them. Run on anvil (tests/e2e/test_gateway_per_institution.py) and
on a four-signer geth network (tests/e2e/test_clique_network.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from eth_account import Account

from billchain_client import BillchainClient, Refused, local_signer
from billchain_tools.harness import Gateway
from gateway.core.money import parse_amount


def refused(call: object, *args: object, **kwargs: object) -> Refused:
    with pytest.raises(Refused) as info:
        call(*args, **kwargs)  # type: ignore[operator]
    return info.value


def eventually(read: Callable[[], list[Any]]) -> list[Any]:
    """What `read` finds once it finds something: another gateway indexes a block when its follower reads it."""
    deadline = time.monotonic() + 30
    while not (found := read()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def story_across(a: Gateway, b: Gateway, mature: bool = True) -> dict[str, Any]:
    """Gateway A is the operator's (regulator, bank, core hosted there); B serves supplier 1 (hosted at B)
    and supplier 2 (self-custody, relayed by B). The headline story runs across them up to the discount
    the bank signs at A (DvP), and with `mature` (a dev chain's time travel) to the bill paid at maturity.
    Returns the bill and the discount's transfer as A answered them."""
    operator_a, operator_b = BillchainClient(a.url, a.token), BillchainClient(b.url, b.token)

    # --- onboarding: once, by the platform's operator at A; B serves its own two
    tokens_a = {
        pid: operator_a.post("/v1/participants", {"id": pid, "name": pid, "role": role})["api_token"]
        for pid, role in (("regulator", "REGULATOR"), ("bank", "BANK"), ("core", "ENTERPRISE"))
    }
    key_at_b = operator_b.post("/v1/hosted-keys", {"id": "supplier1"})
    own_key = Account.create()  # supplier 2's: with supplier 2 alone
    for pid, address in (("supplier1", key_at_b["address"]), ("supplier2", own_key.address)):
        answer = operator_a.post(
            "/v1/participants", {"id": pid, "name": pid, "role": "ENTERPRISE", "address": address, "serve": False}
        )
        assert (answer["custody"], answer["api_token"]) == ("elsewhere", None)
    onboarding_at_b = refused(operator_b.post, "/v1/participants", {"id": "intruder", "name": "x", "role": "BANK"})
    assert onboarding_at_b.status == 403  # B's operator is not the platform's: the chain says so
    # onboarded through A, seen at B once B's node has the block (on one node at once; on a network, a block later)
    suppliers = {"supplier1", "supplier2"}
    eventually(lambda: [p for p in operator_b.get("/v1/participants")["items"] if p["id"] in suppliers][1:])
    s1_served = operator_b.post("/v1/participants/supplier1/serve", {"custody": "hosted"})
    s2_served = operator_b.post("/v1/participants/supplier2/serve", {"custody": "self"})
    assert (s1_served["custody"], s2_served["custody"]) == ("hosted", "self")
    # the directory is the chain's: all five at both, each custody as that gateway sees it
    directory_a = {p["id"]: p for p in operator_a.get("/v1/participants")["items"]}
    directory_b = {p["id"]: p for p in operator_b.get("/v1/participants")["items"]}
    assert [p["member_code"] for p in directory_a.values()] == [p["member_code"] for p in directory_b.values()]
    assert {k: v["custody"] for k, v in directory_b.items()} == {
        "regulator": "elsewhere",
        "bank": "elsewhere",
        "core": "elsewhere",
        "supplier1": "hosted",
        "supplier2": "self",
    }
    assert directory_a["supplier1"]["custody"] == "elsewhere"
    # a token is the serving gateway's to issue: A cannot issue one for B's supplier, nor serve it hosted
    assert refused(operator_a.post, "/v1/participants/supplier1/token").status == 409
    assert refused(operator_a.post, "/v1/participants/supplier1/serve", {"custody": "hosted"}).status == 409
    # nor serve it at all, in either direction: the chain says who serves a member (issue 24, finding 6)
    assert refused(operator_a.post, "/v1/participants/supplier2/serve", {"custody": "self"}).status == 409
    assert refused(operator_b.post, "/v1/participants/core/serve", {"custody": "self"}).status == 409

    regulator, bank, core = (BillchainClient(a.url, tokens_a[p]) for p in ("regulator", "bank", "core"))
    s1 = BillchainClient(b.url, s1_served["api_token"])
    s2 = BillchainClient(b.url, s2_served["api_token"], local_signer(own_key))
    assert refused(BillchainClient(a.url, s1_served["api_token"]).me).status == 401  # B's token, not A's

    # --- the headline story, across the two
    regulator.post("/v1/participants/bank/mint-limit", {"limit": "10000000.00"})
    bank.mint("bank", "2000000.00")
    today = date.fromisoformat(operator_a.get("/v1/health")["chain"]["date"])
    maturity = (today + timedelta(days=30)).isoformat()
    bill_id = core.issue(
        kind="BANK_ACCEPTANCE", acceptor="bank", payee="supplier1", amount="1000000.00", maturity_date=maturity
    )["bill"]["id"]
    bank.bill_action(bill_id, "accept")
    seen_at_b = eventually(lambda: [b for b in s1.get("/v1/bills")["items"] if b["status"] == "ACCEPTED"])
    assert [(bill["id"], bill["status"]) for bill in seen_at_b] == [(bill_id, "ACCEPTED")]
    s1.bill_action(bill_id, "receive")  # signed at B, by the key B holds
    endorsed = s1.bill_action(bill_id, "endorse", to="supplier2", amount="600000.00")
    s2.transfer_action(endorsed["transfer"]["id"], "sign")  # signed by supplier 2 itself, relayed by B
    start = endorsed["transfer"]["range"]["start"]
    discount = s2.bill_action(bill_id, "discount", bank="bank", annual_rate="0.035", range_start=start)
    incoming_at_a = eventually(lambda: bank.get("/v1/transfers", direction="incoming", status="PENDING")["items"])
    assert [t["id"] for t in incoming_at_a] == [discount["transfer"]["id"]]  # asked through B, it is at A
    # neither gateway can act for the other's participant: A's operator holds no key of B's suppliers
    assert refused(operator_a.post, f"/v1/transfers/{discount['transfer']['id']}/sign").status == 403
    bank_before = bank.balance("bank")
    signed = bank.transfer_action(discount["transfer"]["id"], "sign")
    price = discount["transfer"]["price"]
    assert eventually(lambda: [s2.balance("supplier2")] if s2.balance("supplier2") == price else []) == [price]
    assert operator_a.balance("supplier2") == price  # paid on delivery, as each gateway indexes it
    assert parse_amount(bank.balance("bank")) == parse_amount(bank_before) - parse_amount(price)
    if not mature:
        return {"bill": operator_a.bill(bill_id), "transfer": signed["transfer"]}
    operator_a.post("/v1/admin/chain/advance", {"days": 30})
    s1.bill_action(bill_id, "present")
    bank.bill_action(bill_id, "present")
    assert bank.bill_action(bill_id, "pay")["bill"]["status"] == "SETTLED"
    for gateway_view in (operator_a.bill(bill_id), operator_b.bill(bill_id), s1.bill(bill_id)):
        assert gateway_view["status"] == "SETTLED"
    assert s2.balance("supplier2") == operator_a.balance("supplier2") == price
    return {"bill": operator_a.bill(bill_id), "transfer": signed["transfer"]}
