"""A batch survives a SIGKILL of the gateway like a single write: the outbox has it before it is sent, the
restarted gateway settles it from the chain, and the same Idempotency-Key then answers it, once."""

from __future__ import annotations

import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from billchain_tools.harness import Gateway
from chain.backends.anvil import AnvilBackend
from chain.deploy import contracts_at

pytestmark = [pytest.mark.anvil, pytest.mark.slow]


def _call(gateway: Gateway, who: str, path: str, body: dict[str, Any] | None = None, **kw: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {gateway.tokens[who]}", **kw.pop("headers", {})}
    if body is None:
        return httpx.get(gateway.url + path, headers=headers, timeout=60)
    return httpx.post(gateway.url + path, json=body, headers=headers, timeout=60, **kw)


def _ok(response: httpx.Response) -> Any:
    assert response.status_code < 300, response.text
    return response.json()


def _pending(data_dir: Path) -> int:
    with sqlite3.connect(f"file:{data_dir / 'gateway.db'}?mode=ro", uri=True) as db:
        return int(db.execute("SELECT COUNT(*) FROM outbox WHERE state = 'PENDING'").fetchone()[0])


def test_a_batch_survives_a_sigkill_like_a_single_write(tmp_path: Path) -> None:
    node = AnvilBackend(tmp_path / "node")
    try:
        gateway = Gateway(tmp_path / "gateway" / "data", node.url, None)
        with gateway:
            for pid in ("core", "tier-one", "tier-two"):
                body = {"id": pid, "name": pid, "role": "ENTERPRISE"}
                gateway.tokens[pid] = _ok(_call(gateway, "operator", "/v1/participants", body))["api_token"]
            maturity = (date.today() + timedelta(days=90)).isoformat()
            bills = []
            for _ in range(3):
                issue = {"kind": "COMMERCIAL_ACCEPTANCE", "acceptor": "core", "payee": "tier-one", "amount": "100.00"}
                bill_id = _ok(_call(gateway, "core", "/v1/bills", {**issue, "maturity_date": maturity}))["bill"]["id"]
                _ok(_call(gateway, "tier-one", f"/v1/bills/{bill_id}/receive", {}))
                bills.append(bill_id)
            relay = contracts_at(node, _ok(httpx.get(gateway.url + "/v1/health"))["contracts"])["OperationRelay"]
            t1 = _ok(_call(gateway, "tier-one", "/v1/me"))["address"]
            nonce = relay.functions.nonces(t1).call()
            batch = {"operations": [{"path": f"/v1/bills/{b}/endorse", "body": {"to": "tier-two"}} for b in bills]}
            key = {"Idempotency-Key": "batch-before-the-kill"}

            node.interval_mining(4)  # the batch waits for its block: the gateway dies meanwhile
            with ThreadPoolExecutor(1) as pool:
                asked = pool.submit(_call, gateway, "tier-one", "/v1/batch", batch, headers=key)
                deadline = time.monotonic() + 30
                while _pending(gateway.data_dir) == 0:
                    assert not asked.done(), asked.result().text
                    assert time.monotonic() < deadline, "the batch never reached the outbox"
                    time.sleep(0.02)
                gateway.kill()
                with pytest.raises(httpx.TransportError):
                    asked.result()

            gateway.start()  # the same data dir: the outbox is reconciled before anything is served
            answer = _call(gateway, "tier-one", "/v1/batch", batch, headers=key)
            assert answer.status_code == 200, answer.text
            results = answer.json()["operations"]
            assert [r["status"] for r in results] == [201, 201, 201]
            assert [r["body"]["bill"]["id"] for r in results] == bills
            again = _call(gateway, "tier-one", "/v1/batch", batch, headers=key)
            assert again.json() == answer.json() and again.headers["Idempotent-Replayed"] == "true"
            # it happened once: three nonces used, three transfers, nothing left in the outbox
            assert relay.functions.nonces(t1).call() == nonce + 3
            pending = _ok(_call(gateway, "tier-one", "/v1/transfers?direction=outgoing&status=PENDING"))["items"]
            assert sorted(t["bill_id"] for t in pending) == bills
            assert _pending(gateway.data_dir) == 0
    finally:
        node.close()
