"""A real multi-node network (issue 15): four geth v1.13.15 signers sealing Clique blocks on loopback
(billchain_tools/clique.py), gateways on different nodes through the URL chain path, nodes killed.

- the scenario library through `billchain replay` against a gateway on node 1, its transactions in
  blocks sealed by all four signers;
- two institutions' gateways on nodes 1 and 3 (PostgreSQL and SQLite), the cross-institution story
  across them, both indexes equal to the chain;
- a signer killed under keyed writes (3 of 4 seal on; the gateway on the killed node answers 503 and
  recovers), then two killed (no blocks: 503 within the promise; all settled once a signer is back).

A real network has no time travel: a scenario's `advance_time` step needs a dev chain (SCENARIOS.md),
so the scenarios that wait for maturity run here up to that step, which is refused, and the rest of
the story is the anvil runs' (tests/e2e/test_network_mode.py).

BILLCHAIN_NETWORK_URLS="http://node1:8545,http://node2:8545,..." runs the first two against a running
network instead (a Besu QBFT one, docs/DEPLOY.md); the fault tests need nodes they can kill and run
only on the local one.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from billchain_tools.clique import CliqueNetwork, NetworkError, rpc
from billchain_tools.faults import FaultReport, Write, check_writes, plan_writes
from billchain_tools.harness import Gateway
from billchain_tools.replay import LIBRARY, scenario
from chain.backends.rpc import RpcBackend
from chain.deploy import contracts_at
from gateway.core.db import Database
from gateway.ledger.indexer import Indexer
from tests.indexes import index_rows
from tests.postgres import cluster, new_database
from tests.stories import story_across

pytestmark = [pytest.mark.network, pytest.mark.slow, pytest.mark.xdist_group("clique")]
EXTERNAL = [url for url in os.environ.get("BILLCHAIN_NETWORK_URLS", "").split(",") if url]
local_only = pytest.mark.skipif(bool(EXTERNAL), reason="kills nodes: only on the local network")


@pytest.fixture(scope="module")
def local() -> Iterator[CliqueNetwork | None]:
    """Four local signers for the whole module (None with BILLCHAIN_NETWORK_URLS): the fault tests kill and
    restart some, and leave all four sealing again."""
    if EXTERNAL:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="billchain-clique-") as folder:
        network = CliqueNetwork.create(Path(folder), nodes=4, period=1)
        try:
            network.up()
            yield network
        finally:
            network.down()


@pytest.fixture(scope="module")
def urls(local: CliqueNetwork | None) -> list[str]:
    """The RPC URLs of a running network: BILLCHAIN_NETWORK_URLS, else the module's four local signers."""
    return EXTERNAL or (local.urls if local is not None else [])


@pytest.fixture
def network(local: CliqueNetwork | None) -> Iterator[CliqueNetwork]:
    """The module's local network, for a test that kills signers: each killed one is started again after."""
    assert local is not None
    yield local
    local.up()  # the killed ones started again, all four peered and sealing


def _head(url: str) -> int:
    return int(rpc(url, "eth_blockNumber"), 16)


def _sealer(url: str, number: int) -> str:
    """Who sealed block `number`: Clique's signer, else (QBFT) the block's proposer."""
    try:
        return str(rpc(url, "clique_getSigner", [hex(number)])).lower()
    except NetworkError:
        return str(rpc(url, "eth_getBlockByNumber", [hex(number), False])["miner"]).lower()


def _signers(url: str) -> set[str]:
    try:
        return {str(s).lower() for s in rpc(url, "clique_getSigners", ["latest"])}
    except NetworkError:
        return {str(s).lower() for s in rpc(url, "qbft_getValidatorsByBlockNumber", ["latest"])}


def _sealers_of_transactions(url: str, first: int, last: int) -> Counter[str]:
    """Blocks first..last that carry transactions, counted by who sealed them."""
    found: Counter[str] = Counter()
    for number in range(first, last + 1):
        if rpc(url, "eth_getBlockTransactionCountByNumber", [hex(number)]) != "0x0":
            found[_sealer(url, number)] += 1
    return found


def test_the_scenario_library_through_a_gateway_on_node_1(urls: list[str], tmp_path: Path) -> None:
    first = _head(urls[0])
    with Gateway(tmp_path / "gateway", urls[0], "0") as gateway:
        health = httpx.get(f"{gateway.url}/v1/health").json()
        assert health["chain"]["backend"] == "rpc" and health["chain"]["chain_id"] == int(
            rpc(urls[0], "eth_chainId"), 16
        )
        files = sorted(LIBRARY.glob("*.yaml"))
        waits_for_maturity = {
            f.name for f in files if any(step.action == "advance_time" for step in scenario.load(f).steps)
        }
        assert 0 < len(waits_for_maturity) < len(files)
        # every scenario at once, as banks work (a write waits one to two blocks): those without time travel in
        # one replay side by side; each that waits for maturity in its own (the runner replays those one at a
        # time, for the clock they move; here it is refused, so none moves it)
        groups = [[f for f in files if f.name not in waits_for_maturity]]
        groups += [[f] for f in files if f.name in waits_for_maturity]
        approver = gateway.first_regulator()  # approves each scenario's regulators
        runs = []
        for i, group in enumerate(groups):
            report = tmp_path / f"replay-{i}.json"
            replay = [sys.executable, "-m", "gateway.cli", "replay", *map(str, group), "--target", gateway.url]
            replay += ["--jobs", str(len(group)), "--regulator-token", approver]
            replay += ["--operator-token", gateway.token, "--json", str(report)]
            runs.append((report, subprocess.Popen(replay, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)))
        outputs = [(report, process.communicate(timeout=1500)[0], process.returncode) for report, process in runs]
    last = _head(urls[0])
    results = {Path(s["file"]).name: s for report, _, _ in outputs for s in json.loads(report.read_text())["scenarios"]}
    assert sorted(results) == [f.name for f in files], [out[-3000:] for _, out, _ in outputs]
    for name, result in results.items():
        if name not in waits_for_maturity:
            assert result["passed"], f"{name}: {json.dumps([s for s in result['steps'] if s['outcome'] != 'passed'])}"
            continue
        outcomes = [s["outcome"] for s in result["steps"]]
        refused = outcomes.index("failed")
        step = result["steps"][refused]
        assert step["action"] == "advance_time" and step["status"] == 409, (name, step)
        assert set(outcomes[:refused]) == {"passed"}, (name, result["steps"][:refused])
    # the scenarios refused time travel, as a real network must; the others passed
    assert [code for _, _, code in outputs] == [0] + [1] * len(waits_for_maturity)
    signers = _signers(urls[0])
    sealed = Counter(_sealer(urls[0], n) for n in range(first + 1, last + 1))
    carrying = _sealers_of_transactions(urls[0], first + 1, last)
    print(f"blocks of the run, by signer: {dict(sealed)}; those with transactions: {dict(carrying)}")
    assert set(sealed) == signers, sealed  # all four signers sealed the run's blocks
    # the transactions, all sent to node 1, were sealed by other signers too (a zero price propagates);
    # a write waits two blocks, so writes keep to one parity of slots: two signers of four, or more
    assert len(carrying) >= 2 and set(carrying) <= signers, carrying


def test_two_institutions_gateways_on_nodes_1_and_3_agree_with_the_chain(urls: list[str], tmp_path: Path) -> None:
    at_a, at_b = urls[0], urls[min(2, len(urls) - 1)]
    with cluster() as server, Gateway(tmp_path / "a" / "data", at_a, "0", database=new_database(server)) as a:
        health = httpx.get(f"{a.url}/v1/health").json()
        book = tmp_path / "platform.json"
        book.write_text(json.dumps(health))
        with Gateway(tmp_path / "b" / "data", at_b, "0", contracts=book) as b:
            done = story_across(a, b, mature=False)
            assert done["bill"]["status"] == "CIRCULATING" and done["transfer"]["status"] == "SIGNED"
            _until_both_indexed(a, b, at_a, at_b)
            indexes = [index_rows(Database(a.database or ""), directory=True), index_rows(_sqlite(b), directory=True)]
        node = RpcBackend(at_b)
        fresh = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
        Indexer(node, contracts_at(node, health["contracts"]), fresh).catch_up()
        from_chain = index_rows(fresh, directory=True)
    assert from_chain["bills"] and from_chain["transfers"] and len(from_chain["participants"]) == 5
    assert indexes == [from_chain, from_chain]


def _sqlite(gateway: Gateway) -> Database:
    return Database(f"sqlite:///{gateway.data_dir / 'gateway.db'}")


def _until_both_indexed(a: Gateway, b: Gateway, *urls: str) -> None:
    """Until every node has the blocks any of them has now, then a request to each gateway (each indexes
    its own node's head before answering a /v1 request)."""
    target = max(_head(url) for url in urls)
    deadline = time.monotonic() + 60
    while min(_head(url) for url in urls) < target:
        assert time.monotonic() < deadline, f"the nodes did not all reach block {target}"
        time.sleep(0.2)
    for gateway in (a, b):
        httpx.get(f"{gateway.url}/v1/health").raise_for_status()


# --- nodes killed under keyed writes


@dataclass
class Load:
    """Keyed writes against one gateway, each retried with its key until answered."""

    gateway: Gateway
    plan: list[Write]
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: every answer that was not a success: (status, problem code); each 503's (sent, answered), monotonic
    refusals: Counter[tuple[int, str]] = field(default_factory=Counter)
    unavailable: list[tuple[float, float]] = field(default_factory=list)

    async def drive(self, clients: int) -> None:
        queue = list(reversed(self.plan))

        async def client(http: httpx.AsyncClient) -> None:
            while queue:
                write = queue.pop()
                while True:
                    began = time.monotonic()
                    try:
                        response = await self.gateway.post(http, write.who, write.path, write.body, key=write.key)
                    except httpx.TransportError as exc:
                        self.refusals[(0, type(exc).__name__)] += 1
                        await asyncio.sleep(0.2)
                        continue
                    if response.status_code < 300:
                        self.answers[write.key] = response.json()
                        break
                    code = response.json().get("code", "") if response.content else ""
                    self.refusals[(response.status_code, code)] += 1
                    if response.status_code == 503:
                        self.unavailable.append((began, time.monotonic()))
                        await asyncio.sleep(0.5)
                        continue
                    raise AssertionError(f"{write.key}: {response.status_code} {response.text}")

        async with self.gateway.client(clients) as http:
            await asyncio.gather(*(client(http) for _ in range(clients)))

    def checked(self, chain: str) -> FaultReport:
        """With the gateway stopped: lost, twice, index and outbox, from the chain (billchain faults)."""
        report = FaultReport(chain, len(self.plan), answered=len(self.answers))
        check_writes(report, self.gateway.data_dir, chain, self.gateway.token, self.plan, self.answers)
        return report


async def _until(condition: Callable[[], bool], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def _stalled(url: str, quiet_s: float = 4.0, timeout: float = 60) -> tuple[int, float]:
    """The head once it has not moved for `quiet_s` (four Clique periods: no signer left may seal), and when
    it was seen to arrive (monotonic)."""
    deadline, head, since = time.monotonic() + timeout, _head(url), time.monotonic()
    while time.monotonic() - since < quiet_s:
        assert time.monotonic() < deadline, "the chain went on sealing"
        await asyncio.sleep(0.2)
        now = _head(url)
        if now != head:
            head, since = now, time.monotonic()
    return head, since


def _planned(gateway: Gateway, writes: int) -> Load:
    return Load(gateway, asyncio.run(plan_writes(gateway, writes)))


def _assert_clean(report: FaultReport) -> None:
    assert report.answered == report.writes, report.as_json()
    assert (report.lost, report.duplicates, report.index_mismatches) == (0, 0, 0), report.as_json()
    assert report.outbox.get("PENDING", 0) == 0, report.as_json()


@local_only
def test_a_signer_killed_under_load_the_others_seal_on_and_its_gateway_recovers(
    network: CliqueNetwork, tmp_path: Path
) -> None:
    node1, node2 = network.node(1), network.node(2)
    with (
        Gateway(tmp_path / "g1" / "data", node1.url, "0") as g1,
        Gateway(tmp_path / "g2" / "data", node2.url, "0") as g2,
    ):
        loads = [_planned(g1, 120), _planned(g2, 120)]
        seen: dict[str, Any] = {}

        async def kill_node_2() -> None:
            await _until(lambda: len(loads[1].answers) >= 20)
            network.kill(2)
            seen["killed_at"] = _head(node1.url)
            await _until(lambda: _head(node1.url) >= seen["killed_at"] + 4, timeout=60)  # 3 of 4 seal on
            seen["while_down"] = _head(node1.url)
            network.start(2)
            seen["caught_up"] = await asyncio.to_thread(network.wait_synced, 2, 1)

        async def run() -> None:
            await asyncio.gather(kill_node_2(), loads[0].drive(6), loads[1].drive(6))

        asyncio.run(run())
    reports = [load.checked(url) for load, url in zip(loads, (node1.url, node2.url), strict=True)]
    for report in reports:
        _assert_clean(report)
    # blocks went on without node 2, sealed by the three others
    assert seen["while_down"] >= seen["killed_at"] + 4, seen
    down = {_sealer(node1.url, n) for n in range(seen["killed_at"] + 2, seen["while_down"] + 1)}
    assert down and node2.signer.lower() not in down, (down, seen)
    # node 2 is back on the one chain
    assert (
        rpc(node2.url, "eth_getBlockByNumber", [hex(seen["caught_up"]), False])["hash"]
        == rpc(node1.url, "eth_getBlockByNumber", [hex(seen["caught_up"]), False])["hash"]
    )
    # gateway 1 saw nothing; gateway 2 answered 503 CHAIN_UNAVAILABLE while its node was away
    assert not loads[0].refusals, loads[0].refusals
    assert loads[1].refusals[(503, "CHAIN_UNAVAILABLE")] >= 1, loads[1].refusals
    assert set(loads[1].refusals) <= {(503, "CHAIN_UNAVAILABLE"), (0, "ConnectError")}, loads[1].refusals


STALLED_AFTER_S = 8.0


@local_only
def test_two_signers_killed_no_blocks_writes_answer_503_in_time_and_all_settle_when_one_is_back(
    network: CliqueNetwork, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BILLCHAIN_STALLED_AFTER", str(STALLED_AFTER_S))
    node1 = network.node(1)
    with Gateway(tmp_path / "g1" / "data", node1.url, "0") as g1:
        load = _planned(g1, 60)
        seen: dict[str, Any] = {}

        async def kill_two() -> None:
            await _until(lambda: len(load.answers) >= 10)
            network.kill(3)
            network.kill(4)
            # at most two more blocks, each of the two left sealing once, out of turn (up to 1.5 s late each)
            seen["stalled_at"], seen["last_block_at"] = await _stalled(node1.url)
            await _until(lambda: len(load.unavailable) >= 3, timeout=STALLED_AFTER_S * 6)
            seen["still"] = _head(node1.url)
            network.start(3)

        async def run() -> None:
            await asyncio.gather(kill_two(), load.drive(4))

        asyncio.run(run())
    _assert_clean(load.checked(node1.url))
    assert seen["still"] == seen["stalled_at"], seen  # no block with 2 of 4
    assert _head(node1.url) > seen["still"]  # sealing again with 3 of 4
    assert set(load.refusals) == {(503, "CHAIN_UNAVAILABLE")}, load.refusals
    # each answered within the promise: no block for STALLED_AFTER_S since its transaction was sent or, sent
    # before the last block came, since that block; found at the follower's next once-a-second check
    waited = [answered - max(sent, seen["last_block_at"]) for sent, answered in load.unavailable]
    assert max(waited) <= STALLED_AFTER_S + 3, (waited, [answered - sent for sent, answered in load.unavailable])
