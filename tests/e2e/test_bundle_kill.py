"""A bundle survives a SIGKILL of the gateway (issue 28): the bundle transaction and each request it carries are
written down before it is sent; the restarted gateway settles each item from the bundle's receipt, records each
keyed request's answer, and the retries get them. Nothing is lost and nothing happens twice."""

from __future__ import annotations

import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from billchain_tools.harness import Gateway
from chain.backends.anvil import AnvilBackend
from chain.deploy import contracts_at
from tests.e2e.test_batch_kill import _call, _ok, _pending

pytestmark = [pytest.mark.anvil, pytest.mark.slow]


def _pending_bundles(data_dir: Path) -> list[str]:
    """The bundle transaction of each PENDING item, one entry per item."""
    with sqlite3.connect(f"file:{data_dir / 'gateway.db'}?mode=ro", uri=True) as db:
        return [row[0] for row in db.execute("SELECT tx_hash FROM bundle_items WHERE state = 'PENDING'")]


def test_a_bundle_survives_a_sigkill_and_each_keyed_write_is_answered_once(tmp_path: Path) -> None:
    node = AnvilBackend(tmp_path / "node")
    try:
        gateway = Gateway(tmp_path / "gateway" / "data", node.url, None, bundle_writes=True)
        with gateway:
            holders = ["tier-one", "tier-two", "tier-three"]
            for pid in ("core", "receiver", *holders):
                body = {"id": pid, "name": pid, "role": "ENTERPRISE"}
                gateway.tokens[pid] = _ok(_call(gateway, "operator", "/v1/participants", body))["api_token"]
            maturity = (date.today() + timedelta(days=90)).isoformat()
            bills = []
            for holder in holders:
                issue = {"kind": "COMMERCIAL_ACCEPTANCE", "acceptor": "core", "payee": holder, "amount": "100.00"}
                bill_id = _ok(_call(gateway, "core", "/v1/bills", {**issue, "maturity_date": maturity}))["bill"]["id"]
                _ok(_call(gateway, holder, f"/v1/bills/{bill_id}/receive", {}))
                bills.append(bill_id)
            relay = contracts_at(node, _ok(httpx.get(gateway.url + "/v1/health"))["contracts"])["OperationRelay"]
            addresses = [_ok(_call(gateway, h, "/v1/me"))["address"] for h in holders]
            nonces = [relay.functions.nonces(a).call() for a in addresses]

            def endorse(i: int) -> httpx.Response:
                key = {"Idempotency-Key": f"bundled-before-the-kill-{i}"}
                body = {"to": "receiver"}
                return _call(gateway, holders[i], f"/v1/bills/{bills[i]}/endorse", body, headers=key)

            node.interval_mining(4)  # the bundle waits for its block: the gateway dies meanwhile
            with ThreadPoolExecutor(3) as pool:
                asked = [pool.submit(endorse, i) for i in range(3)]
                deadline = time.monotonic() + 30
                while len(sent := _pending_bundles(gateway.data_dir)) < 3:
                    assert not any(a.done() for a in asked), [a.result().text for a in asked if a.done()]
                    assert time.monotonic() < deadline, "the bundle never reached the outbox"
                    time.sleep(0.02)
                gateway.kill()
                for a in asked:
                    with pytest.raises(httpx.TransportError):
                        a.result()

            gateway.start()  # the same data dir: the bundle is settled, item by item, before anything is served
            answers = [endorse(i) for i in range(3)]
            assert [a.status_code for a in answers] == [201, 201, 201], [a.text for a in answers]
            bodies = [a.json() for a in answers]
            assert [b["bill"]["id"] for b in bodies] == bills
            # answered from the bundles sent before the kill (one, unless a slow machine's three requests missed
            # one bundle's wait), none sent anew
            assert {b["tx"]["hash"] for b in bodies} <= set(sent), (bodies, sent)
            again = [endorse(i) for i in range(3)]
            assert [a.json() for a in again] == bodies and all(
                a.headers["Idempotent-Replayed"] == "true" for a in again
            )
            # it happened once: one nonce each, one transfer each, nothing left open
            assert [relay.functions.nonces(a).call() for a in addresses] == [n + 1 for n in nonces]
            for holder, bill in zip(holders, bills, strict=True):
                pending = _ok(_call(gateway, holder, "/v1/transfers?direction=outgoing&status=PENDING"))["items"]
                assert [t["bill_id"] for t in pending] == [bill]
            assert _pending(gateway.data_dir) == 0 and _pending_bundles(gateway.data_dir) == []
    finally:
        node.close()
