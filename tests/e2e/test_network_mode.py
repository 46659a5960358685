"""The scenario library through the gateway's URL chain path, on anvil configured like the Besu
network of docker-compose.yml: its chain id, a block every 2 s, gas price 0 (issue "Beyond one
machine"; Besu itself does not run here)."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from billchain_tools.harness import Gateway
from billchain_tools.network import BLOCK_PERIOD_S, CHAIN_ID
from billchain_tools.replay import LIBRARY
from chain.backends.anvil import AnvilBackend
from gateway.ledger.follower import BlockFollower, ChainDiverged

# Its own xdist group: it mostly waits for 2 s blocks, beside the timing-sensitive anvil group.
pytestmark = [pytest.mark.anvil, pytest.mark.xdist_group("network"), pytest.mark.slow]


def test_the_scenario_library_passes_on_a_network_like_node(tmp_path: Path) -> None:
    node = AnvilBackend(tmp_path / "node", block_time=BLOCK_PERIOD_S, gas_price=0, chain_id=CHAIN_ID)
    try:
        with Gateway(tmp_path / "gateway", node.url, "0") as gateway:
            health = httpx.get(f"{gateway.url}/v1/health").json()
            assert health["chain"]["chain_id"] == CHAIN_ID and health["chain"]["backend"] == "rpc"
            report = tmp_path / "replay.json"
            replay = [sys.executable, "-m", "gateway.cli", "replay", str(LIBRARY)]
            replay += ["--target", gateway.url, "--operator-token", gateway.token, "--json", str(report)]
            replay += ["--regulator-token", gateway.first_regulator()]  # approves each scenario's regulators
            replay += ["--jobs", "7"]  # side by side; those that move the clock alone, after the others
            done = subprocess.run(replay, capture_output=True, text=True, timeout=1500)
            assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
        results = json.loads(report.read_text())
        scenarios = results["scenarios"]
        assert len(scenarios) == len(list(LIBRARY.glob("*.yaml")))
        assert all(s["passed"] for s in scenarios)
        head = node.block_number()
        stamps = [node.block_timestamp(n) for n in range(head - 10, head + 1)]
        gaps = sorted(b - a for a, b in itertools.pairwise(stamps))
        # Interval blocks, not one per transaction: no two blocks in one second, and the usual gap is
        # the period (a loaded 2-core machine may stretch one now and then).
        assert gaps[0] >= 1 and gaps[len(gaps) // 2] == BLOCK_PERIOD_S, gaps
        latest = node.w3.eth.get_block(head - 1, full_transactions=True)
        assert all(int(tx["gasPrice"]) == 0 for tx in latest["transactions"])  # free gas
    finally:
        node.close()


class _NoIndex:
    def catch_up(self, block: int | None = None) -> int:
        return block or 0


def test_a_block_whose_parent_changed_is_counted_and_logged_as_a_reorg(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """QBFT blocks are final; a reorganised chain (here: anvil reverted to a snapshot) is reported."""
    node = AnvilBackend(tmp_path / "node")
    try:
        follower = BlockFollower(node, _NoIndex())  # type: ignore[arg-type]
        node.advance_time(1)  # block 1
        snapshot = node.snapshot()
        node.advance_time(1)  # block 2
        follower._read_blocks(1, 2)
        assert follower.reorgs == 0
        node.revert(snapshot)
        node.advance_time(5)  # another block 2
        node.advance_time(1)  # block 3, on top of it
        with caplog.at_level(logging.ERROR, logger="billchain.follower"), pytest.raises(ChainDiverged):
            follower._read_blocks(3, 3)  # raised before block 3 is indexed on top of the dropped block 2
        assert follower.reorgs == 1 and "reorganised below block 3" in caplog.text
    finally:
        node.close()


async def _mint(gateway: Gateway) -> httpx.Response:
    async with gateway.client(2) as http:
        bank = await gateway.onboard(http, "eip-bank", "BANK")
        return await gateway.post(http, bank, "/v1/cash/mint", {"to": bank, "amount": "10.00"})


def test_eip1559_transactions_at_zero_price_through_the_url_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Besu takes legacy and type-2 transactions; with --eip1559 (here BILLCHAIN_EIP1559) both caps are 0."""
    node = AnvilBackend(tmp_path / "node", gas_price=0, chain_id=CHAIN_ID)
    monkeypatch.setenv("BILLCHAIN_EIP1559", "true")
    try:
        with Gateway(tmp_path / "gateway", node.url, "0") as gateway:
            answer = asyncio.run(_mint(gateway))
            assert answer.status_code == 200, answer.text
        tx = node.w3.eth.get_transaction(answer.json()["tx"]["hash"])
        assert tx["type"] == 2 and tx["maxFeePerGas"] == 0 and tx["maxPriorityFeePerGas"] == 0
    finally:
        node.close()
