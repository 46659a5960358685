"""A chain that does not answer is 503 CHAIN_UNAVAILABLE, never a 500; time moves only on dev chains."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chain.backends.anvil import ANVIL_BIN, AnvilBackend
from gateway.compose import build_app, open_runtime
from gateway.core.settings import Settings
from tests.api.conftest import OPERATOR_TOKEN, problem


@pytest.mark.anvil
@pytest.mark.xdist_group("anvil")
@pytest.mark.skipif(not ANVIL_BIN.exists(), reason="run `npm ci` for anvil")
def test_a_dead_node_answers_503(tmp_path: Path) -> None:
    runtime = open_runtime(Settings(chain="anvil", data_dir=tmp_path, operator_token=OPERATOR_TOKEN))
    try:
        with TestClient(build_app(runtime)) as client:
            op = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
            bank = client.post("/v1/participants", json={"id": "dead-bank", "name": "B", "role": "BANK"}, headers=op)
            assert bank.status_code == 201, bank.text
            assert client.get("/v1/health").json()["chain"]["backend"] == "anvil"
            assert isinstance(runtime.backend, AnvilBackend)
            runtime.backend.is_dev = False  # as a production network: no time travel
            problem(client.post("/v1/admin/chain/advance", json={"days": 1}, headers=op), 409, "INVALID_STATE")
            runtime.backend.close()  # the node goes away under a running gateway
            as_bank = {"Authorization": f"Bearer {bank.json()['api_token']}"}
            problem(
                client.post("/v1/cash/mint", json={"to": "dead-bank", "amount": "1.00"}, headers=as_bank),
                503,
                "CHAIN_UNAVAILABLE",
            )
            problem(client.get("/v1/health"), 503, "CHAIN_UNAVAILABLE")
            assert (
                client.get("/v1/participants/dead-bank", headers=op).status_code == 200
            )  # the gateway's own data still answers
    finally:
        runtime.db.engine.dispose()
