"""The gateway never serves an index ahead of its chain (gateway/ledger/chainguard.py).

The node (anvil, given to the gateway by URL) is rolled back under the index with
`evm_revert`, as a node restored from an older state would be."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import delete

from chain.backends.anvil import AnvilBackend
from gateway.core.db import OutboxRow
from tests.api.conftest import Api, gateway_on, problem

pytestmark = [pytest.mark.anvil, pytest.mark.slow]


def _setup(api: Api) -> tuple[str, str, str]:
    return api.onboard("BANK", "bank"), api.onboard("ENTERPRISE", "core"), api.onboard("ENTERPRISE", "t")


def test_a_chain_rolled_back_under_a_stopped_gateway_gets_back_what_the_outbox_holds(tmp_path: Path) -> None:
    node = AnvilBackend(tmp_path / "node", gas_price=0)
    try:
        with gateway_on(tmp_path / "gw", chain=node.url, gas_price=0) as (api, _):
            bank, core, t1 = _setup(api)
            before = node.snapshot()
            bills = [api.issue(core, bank, t1, f"{10 + i}.00") for i in range(3)]
        node.revert(before)  # the three issues are gone from the chain, not from the index
        with gateway_on(tmp_path / "gw", chain=node.url, gas_price=0) as (api, runtime):
            assert api.get("/v1/health", None).json()["status"] == "ok"
            for bill_id in bills:  # sent again, the same signed bytes: on the chain as acknowledged
                assert runtime.system.bills.bill(bill_id).amount == (10 + bill_id - bills[0]) * 100
                assert api.bill(bill_id)["status"] == "ISSUED"
    finally:
        node.close()


def test_what_the_chain_lost_for_good_holds_writes_until_a_person_reindexes(tmp_path: Path) -> None:
    node = AnvilBackend(tmp_path / "node", gas_price=0)
    try:
        with gateway_on(tmp_path / "gw", chain=node.url, gas_price=0) as (api, runtime):
            bank, core, t1 = _setup(api)
            tokens = api.tokens
            kept = api.issue(core, bank, t1, "5.00")
            before = node.snapshot()
            lost = api.issue(core, bank, t1, "6.00")
            with runtime.db.session() as s:  # its outbox entry is gone too (pruned, say): nothing to send
                s.execute(delete(OutboxRow))
        node.revert(before)
        with gateway_on(tmp_path / "gw", chain=node.url, gas_price=0) as (api, _):
            api.tokens = tokens
            health = api.get("/v1/health", None).json()
            assert health["status"] == "degraded", health
            assert "below block" in health["reason"]
            assert "acknowledged transactions not on the chain: 1" in health["reason"]
            problem(api.post(f"/v1/bills/{kept}/accept", bank), 503, "CHAIN_UNAVAILABLE")  # writes held
            problem(api.get(f"/v1/bills/{lost}"), 404, "NOT_FOUND")  # reads: as the chain says
            assert api.bill(kept)["status"] == "ISSUED"
        done = subprocess.run(
            [sys.executable, "-m", "gateway.cli", "reindex", "--chain", node.url, "--data-dir", str(tmp_path / "gw")],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "closed incident" in done.stdout and "not on the chain: 0x" in done.stdout
        with gateway_on(tmp_path / "gw", chain=node.url, gas_price=0) as (api, _):
            api.tokens = tokens
            assert api.get("/v1/health", None).json()["status"] == "ok"
            assert api.ok(api.post(f"/v1/bills/{kept}/accept", bank))["bill"]["status"] == "ACCEPTED"
    finally:
        node.close()


def test_a_chain_that_goes_back_under_a_running_gateway_is_repaired_before_it_is_followed(tmp_path: Path) -> None:
    node = AnvilBackend(tmp_path / "node", gas_price=0)
    try:
        with gateway_on(tmp_path / "gw", chain=node.url, gas_price=0) as (api, runtime):
            bank, core, t1 = _setup(api)
            before = node.snapshot()
            bill_id = api.issue(core, bank, t1, "7.00")
            node.revert(before)  # under the running gateway
            deadline = time.monotonic() + 30
            while runtime.system.bills.bill_count() < bill_id and time.monotonic() < deadline:
                time.sleep(0.1)  # the follower sees the head go back; the outbox sends the issue again
            assert runtime.system.bills.bill(bill_id).amount == 700
            while runtime.guard.blocked is not None and time.monotonic() < deadline:
                time.sleep(0.1)
            assert api.get("/v1/health", None).json()["status"] == "ok"
            assert api.ok(api.post(f"/v1/bills/{bill_id}/accept", bank))["bill"]["status"] == "ACCEPTED"
    finally:
        node.close()
