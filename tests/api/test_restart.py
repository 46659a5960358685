"""Stopping `billchain serve` with SIGKILL and starting it again loses nothing acknowledged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from chain.backends.anvil import free_port

TOKEN = "bc_restart-operator-7f3a9c2e5b1d8f4a6c0e"


@contextmanager
def serving(data_dir: Path) -> Iterator[tuple[httpx.Client, subprocess.Popen[bytes]]]:
    port = free_port()
    env = {**os.environ, "BILLCHAIN_OPERATOR_TOKEN": TOKEN}
    cmd = [sys.executable, "-m", "gateway.cli", "serve", "--port", str(port), "--data-dir", str(data_dir)]
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if client.get("/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "the gateway did not start"
            time.sleep(0.2)
        yield client, process
    finally:
        client.close()
        if process.poll() is None:
            process.kill()
        process.wait()


@pytest.mark.slow
def test_sigkill_after_acknowledged_writes_loses_nothing(tmp_path: Path) -> None:
    op = {"Authorization": f"Bearer {TOKEN}"}
    with serving(tmp_path) as (client, process):
        bank = client.post(
            "/v1/participants", json={"id": "bank-a", "name": "Bank A", "role": "BANK"}, headers=op
        ).json()
        corp = client.post(
            "/v1/participants", json={"id": "corp-a", "name": "Corp A", "role": "ENTERPRISE"}, headers=op
        ).json()
        supplier = client.post(
            "/v1/participants", json={"id": "supp-a", "name": "Supp A", "role": "ENTERPRISE"}, headers=op
        ).json()
        regulator = client.post(
            "/v1/participants", json={"id": "reg-a", "name": "Reg A", "role": "REGULATOR"}, headers=op
        ).json()
        as_bank = {"Authorization": f"Bearer {bank['api_token']}"}
        as_corp = {"Authorization": f"Bearer {corp['api_token']}"}
        limit = client.post(
            "/v1/participants/bank-a/mint-limit",
            json={"limit": "1000.00"},
            headers={"Authorization": f"Bearer {regulator['api_token']}"},
        )
        assert limit.status_code == 200, limit.text
        minted = client.post(
            "/v1/cash/mint", json={"to": "bank-a", "amount": "500.00"}, headers={**as_bank, "Idempotency-Key": "k-1"}
        )
        assert minted.status_code == 200
        doc = client.post(
            "/v1/documents", content=b"purchase order 9", headers={**as_corp, "Content-Type": "text/plain"}
        ).json()
        today = date.fromisoformat(client.get("/v1/health").json()["chain"]["date"])
        issued = client.post(
            "/v1/bills",
            headers=as_corp,
            json={
                "kind": "SUPPLY_CHAIN",
                "acceptor": "bank-a",
                "payee": "supp-a",
                "amount": "100.00",
                "maturity_date": (today + timedelta(days=30)).isoformat(),
                "document_hash": doc["hash"],
            },
        )
        assert issued.status_code == 201, issued.text
        advanced = client.post("/v1/admin/chain/advance", json={"days": 3}, headers=op).json()
        bill_before = client.get("/v1/bills/1", headers=as_corp).json()
        process.send_signal(signal.SIGKILL)
        process.wait()

    with serving(tmp_path) as (client, _):
        assert client.get("/v1/me", headers=as_bank).json()["id"] == "bank-a"  # tokens intact
        assert client.get("/v1/me", headers={"Authorization": f"Bearer {supplier['api_token']}"}).status_code == 200
        assert client.get("/v1/bills/1", headers=as_corp).json() == bill_before
        assert client.get("/v1/cash/balances/bank-a", headers=as_bank).json()["balance"] == "500.00"
        assert client.get("/v1/admin/chain", headers=op).json()["date"] == advanced["date"]
        assert client.get(f"/v1/documents/{doc['hash']}", headers=as_corp).content == b"purchase order 9"
        replay = client.post(
            "/v1/cash/mint", json={"to": "bank-a", "amount": "500.00"}, headers={**as_bank, "Idempotency-Key": "k-1"}
        )
        assert replay.headers.get("Idempotent-Replayed") == "true" and replay.json() == minted.json()
        assert client.get("/v1/cash/balances/bank-a", headers=as_bank).json()["balance"] == "500.00"
        # and the chain goes on where it stopped
        accepted = client.post("/v1/bills/1/accept", json={}, headers=as_bank)
        assert accepted.status_code == 200, accepted.text
