"""A gateway per institution (issue 14, docs/GATEWAYS.md): two `billchain serve` processes on one anvil,
each with its own data dir and database, each holding only its own keys.

Gateway A deployed the platform and is the operator's: it serves the regulator, the bank and the core
enterprise (their keys hosted there). Gateway B joined A's platform from A's /v1/health answer: it serves
supplier 1 (its key hosted at B, made there before the onboarding) and supplier 2 (self-custody: it signs
here, B relays). The operator onboards everyone once, at A. The headline story runs across them: a bill
drawn through A to supplier 1 appears at B and is received there; the discount supplier 2 asks through B
appears at A, where the bank signs it; the bank pays through A. Then both indexes equal an index read
from the chain afresh, and neither gateway can act for the other's participants.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from eth_account import Account

from billchain_client import BillchainClient, Refused, local_signer
from billchain_tools.harness import Gateway
from billchain_tools.replay import LIBRARY
from chain.backends.anvil import AnvilBackend
from chain.deploy import contracts_at
from gateway.core.db import Database
from gateway.ledger.indexer import Indexer
from tests.indexes import index_rows

pytestmark = [pytest.mark.anvil, pytest.mark.slow]
HEADLINE = "01-three-tier-supply-chain.yaml"


def _refused(call: object, *args: object, **kwargs: object) -> Refused:
    with pytest.raises(Refused) as info:
        call(*args, **kwargs)  # type: ignore[operator]
    return info.value


def test_two_gateways_share_one_platform_and_the_headline_story_runs_across_them(tmp_path: Path) -> None:
    node = AnvilBackend(tmp_path / "node")
    try:
        with Gateway(tmp_path / "a" / "data", node.url, None) as a:
            health = httpx.get(f"{a.url}/v1/health").json()
            book = tmp_path / "platform.json"
            book.write_text(json.dumps(health))
            with Gateway(tmp_path / "b" / "data", node.url, None, contracts=book) as b:
                assert httpx.get(f"{b.url}/v1/health").json()["contracts"] == health["contracts"]  # joined
                _story_across(a, b)
                indexes = {g.url: index_rows(_database(g), directory=True) for g in (a, b)}
            fresh = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
            Indexer(node, contracts_at(node, health["contracts"]), fresh).catch_up()
            from_chain = index_rows(fresh, directory=True)
        assert from_chain["bills"] and from_chain["transfers"] and len(from_chain["participants"]) == 5
        assert list(indexes.values()) == [from_chain, from_chain]
        # each holds its own keys, and only those
        assert _keys(tmp_path / "a") == {"operator", "relayer", "regulator", "bank", "core"}
        assert _keys(tmp_path / "b") == {"operator", "relayer", "supplier1"}
    finally:
        node.close()


def _eventually(read: Callable[[], list[Any]]) -> list[Any]:
    """What `read` finds once it finds something: another gateway indexes a block when its follower reads it."""
    deadline = time.monotonic() + 30
    while not (found := read()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def _database(gateway: Gateway) -> Database:
    return Database(f"sqlite:///{gateway.data_dir / 'gateway.db'}")


def _keys(data_dir: Path) -> set[str]:
    return {path.stem for path in data_dir.rglob("keys/*.json")}


def _story_across(a: Gateway, b: Gateway) -> None:
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
    onboarding_at_b = _refused(operator_b.post, "/v1/participants", {"id": "intruder", "name": "x", "role": "BANK"})
    assert onboarding_at_b.status == 403  # B's operator is not the platform's: the chain says so
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
    assert _refused(operator_a.post, "/v1/participants/supplier1/token").status == 409
    assert _refused(operator_a.post, "/v1/participants/supplier1/serve", {"custody": "hosted"}).status == 409

    regulator, bank, core = (BillchainClient(a.url, tokens_a[p]) for p in ("regulator", "bank", "core"))
    s1 = BillchainClient(b.url, s1_served["api_token"])
    s2 = BillchainClient(b.url, s2_served["api_token"], local_signer(own_key))
    assert _refused(BillchainClient(a.url, s1_served["api_token"]).me).status == 401  # B's token, not A's

    # --- the headline story, across the two
    regulator.post("/v1/participants/bank/mint-limit", {"limit": "10000000.00"})
    bank.mint("bank", "2000000.00")
    today = date.fromisoformat(operator_a.get("/v1/health")["chain"]["date"])
    maturity = (today + timedelta(days=30)).isoformat()
    bill_id = core.issue(
        kind="BANK_ACCEPTANCE", acceptor="bank", payee="supplier1", amount="1000000.00", maturity_date=maturity
    )["bill"]["id"]
    bank.bill_action(bill_id, "accept")
    seen_at_b = _eventually(lambda: s1.get("/v1/bills")["items"])  # drawn through A, it is at B
    assert [(bill["id"], bill["status"]) for bill in seen_at_b] == [(bill_id, "ACCEPTED")]
    s1.bill_action(bill_id, "receive")  # signed at B, by the key B holds
    endorsed = s1.bill_action(bill_id, "endorse", to="supplier2", amount="600000.00")
    s2.transfer_action(endorsed["transfer"]["id"], "sign")  # signed by supplier 2 itself, relayed by B
    start = endorsed["transfer"]["range"]["start"]
    discount = s2.bill_action(bill_id, "discount", bank="bank", annual_rate="0.035", range_start=start)
    incoming_at_a = _eventually(lambda: bank.get("/v1/transfers", direction="incoming", status="PENDING")["items"])
    assert [t["id"] for t in incoming_at_a] == [discount["transfer"]["id"]]  # asked through B, it is at A
    # neither gateway can act for the other's participant: A's operator holds no key of B's suppliers
    assert _refused(operator_a.post, f"/v1/transfers/{discount['transfer']['id']}/sign").status == 403
    bank.transfer_action(discount["transfer"]["id"], "sign")
    operator_a.post("/v1/admin/chain/advance", {"days": 30})
    s1.bill_action(bill_id, "present")
    bank.bill_action(bill_id, "present")
    assert bank.bill_action(bill_id, "pay")["bill"]["status"] == "SETTLED"
    for gateway_view in (operator_a.bill(bill_id), operator_b.bill(bill_id), s1.bill(bill_id)):
        assert gateway_view["status"] == "SETTLED"
    assert s2.balance("supplier2") == operator_a.balance("supplier2") == discount["transfer"]["price"]


def test_the_headline_scenario_replays_across_two_gateways(tmp_path: Path) -> None:
    """SCENARIOS.md's headline story with its suppliers at bank B's gateway (tier 1 hosted there, tier 2
    signing for itself) and the core enterprise in self-custody at the operator's gateway."""
    node = AnvilBackend(tmp_path / "node")
    try:
        with Gateway(tmp_path / "a" / "data", node.url, None) as a:
            book = tmp_path / "platform.json"
            book.write_text(httpx.get(f"{a.url}/v1/health").text)
            with Gateway(tmp_path / "b" / "data", node.url, None, contracts=book) as b:
                placement = tmp_path / "gateways.yaml"
                placement.write_text(
                    "gateways:\n"
                    f"  bank-b: {{url: '{b.url}', operator_token_env: BANK_B_TOKEN}}\n"
                    "participants:\n"
                    "  t1: {gateway: bank-b}\n"
                    "  t2: {gateway: bank-b, custody: self}\n"
                    "  core: {custody: self}\n"
                )
                report = tmp_path / "replay.json"
                replay = [sys.executable, "-m", "gateway.cli", "replay", str(LIBRARY / HEADLINE)]
                replay += ["--target", a.url, "--operator-token", a.token, "--gateways", str(placement)]
                env = {**os.environ, "BANK_B_TOKEN": b.token}
                done = subprocess.run(
                    [*replay, "--json", str(report)], capture_output=True, text=True, env=env, timeout=600
                )
                assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
                served_at_b = BillchainClient(b.url, b.token).get("/v1/participants", limit=500)["items"]
        (result,) = json.loads(report.read_text())["scenarios"]
        assert result["passed"] and len(result["steps"]) > 10
        custody = {p["id"].rsplit("-", 1)[0]: p["custody"] for p in served_at_b}
        assert custody == {"core": "elsewhere", "t1": "hosted", "t2": "self", "bank": "elsewhere", "watch": "elsewhere"}
        assert _keys(tmp_path / "b") == {
            "operator",
            "relayer",
            next(p["id"] for p in served_at_b if p["custody"] == "hosted"),
        }
    finally:
        node.close()
