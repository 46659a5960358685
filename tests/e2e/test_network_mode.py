"""The scenario library through the gateway's URL chain path, on anvil configured like the Besu
network of docker-compose.yml: its chain id, a block every 2 s, gas price 0 (issue "Beyond one
machine"; Besu itself does not run here). The scenarios without time travel run on the four-signer
geth network (tests/e2e/test_clique_network.py); those that wait for maturity run here."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from billchain_tools.harness import Gateway
from billchain_tools.network import BLOCK_PERIOD_S, CHAIN_ID
from billchain_tools.replay import LIBRARY, scenario
from chain.backends.anvil import AnvilBackend
from gateway.ledger.follower import BlockFollower, ChainReorganised

# Its own xdist group: it mostly waits for 2 s blocks, beside the timing-sensitive anvil group.
pytestmark = [pytest.mark.anvil, pytest.mark.xdist_group("network"), pytest.mark.slow]


def _waits_for_maturity(path: Path) -> bool:
    return any(step.action == "advance_time" for step in scenario.load(path).steps)


#: nodes (each with its gateway) the scenarios that wait for maturity are shared out over: each replays its
#: share one after another (a gateway's start and deployment cost more CPU than a scenario)
LANES = 4


def _lanes(files: list[Path]) -> list[list[Path]]:
    """`files` in LANES shares of about equal length (by steps), longest first."""
    lanes: list[list[Path]] = [[] for _ in range(LANES)]
    steps = [0] * LANES
    for path in sorted(files, key=lambda f: -len(scenario.load(f).steps)):
        shortest = steps.index(min(steps))
        lanes[shortest].append(path)
        steps[shortest] += len(scenario.load(path).steps)
    return [lane for lane in lanes if lane]


def test_the_scenarios_that_wait_for_maturity_pass_on_network_like_nodes(tmp_path: Path) -> None:
    """Those the four-signer network cannot finish (it has no time travel: tests/e2e/test_clique_network.py
    runs every scenario there, these up to their first `advance_time`), shared out over LANES nodes, each
    with a gateway of its own, the lanes at once and each lane's scenarios one after another: moving the
    clock of a node moves it under every scenario on it."""
    files = [path for path in sorted(LIBRARY.glob("*.yaml")) if _waits_for_maturity(path)]
    assert 0 < len(files) < len(list(LIBRARY.glob("*.yaml")))
    with ExitStack() as stack:
        runs = []
        for i, lane in enumerate(_lanes(files)):
            node = AnvilBackend(tmp_path / f"node-{i}", block_time=BLOCK_PERIOD_S, gas_price=0, chain_id=CHAIN_ID)
            stack.callback(node.close)
            runs.append((lane, node, Gateway(tmp_path / f"gateway-{i}", node.url, "0")))
        with ThreadPoolExecutor(len(runs)) as pool:  # each deploys its platform on 2 s blocks: at once
            list(pool.map(lambda run: stack.enter_context(run[2]), runs))
        replays = []
        for i, (lane, _, gateway) in enumerate(runs):
            report = tmp_path / f"lane-{i}.json"
            replay = [sys.executable, "-m", "gateway.cli", "replay", *map(str, lane), "--target", gateway.url]
            # the target's first REGULATOR, made here, approves each scenario's (they start PENDING)
            replay += ["--operator-token", gateway.token, "--regulator-token", gateway.first_regulator()]
            replay += ["--json", str(report)]
            out = stack.enter_context(open(tmp_path / f"lane-{i}.out", "w+"))
            replays.append((report, out, subprocess.Popen(replay, stdout=out, stderr=subprocess.STDOUT, text=True)))
        passed = []
        for report, out, process in replays:
            assert process.wait(timeout=900) == 0, out.seek(0) or out.read()[-3000:]
            passed += [Path(s["file"]).name for s in json.loads(report.read_text())["scenarios"] if s["passed"]]
        assert sorted(passed) == [f.name for f in files]
        node = runs[0][1]
        health = httpx.get(f"{runs[0][2].url}/v1/health").json()
        assert health["chain"]["chain_id"] == CHAIN_ID and health["chain"]["backend"] == "rpc"
        # interval blocks, not one per transaction: it seals on its own, a period apart (waited for)
        first, deadline = node.block_number(), time.monotonic() + 10 * BLOCK_PERIOD_S
        while node.block_number() < first + 2:
            assert time.monotonic() < deadline, "no blocks without transactions: not interval mining"
            time.sleep(0.2)
        stamps = [node.block_timestamp(n) for n in range(first, first + 3)]
        # a period apart on average (anvil's interval miner, late on a busy machine, may seal two at once)
        assert stamps[-1] - stamps[0] >= BLOCK_PERIOD_S, stamps
        carrying = next(
            block
            for n in range(first, 0, -1)
            if (block := node.w3.eth.get_block(n, full_transactions=True))["transactions"]
        )
        assert all(int(tx["gasPrice"]) == 0 for tx in carrying["transactions"])  # free gas


class _NoIndex:
    def catch_up(self, block: int | None = None) -> int:
        return block or 0


def test_a_block_whose_parent_changed_is_counted_and_logged_as_a_reorg(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """QBFT blocks are final; a reorganised chain (here: anvil reverted to a snapshot) is reported: counted,
    logged with the blocks it replaced, and raised before the new block is indexed on top of a dropped one
    (a shallow fork as ChainReorganised, for the chain guard to settle: tests/api/test_chain_guard.py)."""
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
        with caplog.at_level(logging.WARNING, logger="billchain.follower"), pytest.raises(ChainReorganised) as fork:
            follower._read_blocks(3, 3)  # raised before block 3 is indexed on top of the dropped block 2
        assert follower.reorgs == 1 and "block 3's parent is not the block 2 indexed before" in caplog.text
        assert fork.value.ancestor == 1 and "blocks 2..2 replaced" in caplog.text
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
