"""`billchain bench`: the gateway's throughput as a share of the chain's own limit, in one run.

One node serves both measurements. On `network`, a local network of four geth signers sealing a
Clique block every `block_time` seconds (billchain_tools/clique.py): raw sender and gateway both
send to node 1, and every signer seals their transactions. On anvil the node is started with automatic
mining for the set-up, then switched to a block every `block_time` seconds; every
transaction has gas price 0 (a free-gas network, as Besu runs). The gateway is a
`billchain serve` subprocess on that node. On the embedded chain py-evm runs in
this process for the raw figure and in the gateway's process for the gateway's.

1. raw: billchain_tools/throughput.py, over max(clients) lanes of its own.
2. gateway: for each C, C clients over HTTP, each on its own lane (a bill no other level uses), each doing
   endorse request, then sign, one request at a time; a level runs
   ops x C / max(clients) operations (at least 20), so each level takes about as long.
3. gas: the mean gas of the two operations, from the raw run's receipts.
4. batch (`--batch-size N`): the raw run's operations again, as signed operations relayed N to a
   transaction (OperationRelay.executeBatch, one operation of N lanes' signers each), straight to the node.
5. waiting (`--waiting`): max(clients) raw clients, each sending one transaction and waiting for its receipt
   before the next (throughput.py `waiting_rate`): the bound of a gateway level of as many clients, whose
   answers wait for the same receipts. On a chain whose block leaves room, the pipelined raw rate is far
   above what clients that wait can reach; the gateway's level of that many clients is then also given as a
   share of this rate.

Each gateway level also measures the gateway process's CPU time (user + system, from /proc) per
operation, `cpu_ms_per_op`; on the embedded chain that includes py-evm, which runs in that process.
Every error is classified: the answer's status and problem code, or the client-side exception.

With `bundle_writes` the gateway bundles its hosted callers' writes (`billchain serve --bundle-writes`,
gateway/ledger/bundler.py); each level then also reports its bundles from the gateway's /metrics: how
many, their mean and largest size, the gas per operation inside them, and the items that failed.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from eth_account import Account

from billchain_tools.clique import CliqueNetwork
from billchain_tools.harness import Gateway
from billchain_tools.throughput import BatchRate, RawResult, batch_rate, prepare_lanes, raw_rate, waiting_rate
from chain.backends.anvil import AnvilBackend
from chain.backends.base import ChainBackend
from chain.backends.embedded import EmbeddedBackend
from chain.backends.rpc import RpcBackend
from chain.deploy import deploy

LANE_AMOUNT = "100000.00"
STEP_AMOUNT = "0.01"
MIN_LEVEL_OPS = 20


@dataclass(frozen=True)
class Level:
    clients: int
    operations: int
    seconds: float
    latencies_ms: list[float]
    errors: int
    #: what each error was: "409 INVALID_STATE", or the client's exception ("ReadTimeout")
    error_kinds: dict[str, int] = field(default_factory=dict)
    #: the gateway process's CPU seconds (user + system) over the level
    cpu_seconds: float = 0.0
    #: the level's bundles (a gateway bundling its writes), from /metrics: bundles, items, failed, gas, largest
    bundles: dict[str, float] = field(default_factory=dict)

    @property
    def cpu_ms_per_op(self) -> float:
        return self.cpu_seconds * 1000 / self.operations if self.operations else 0.0

    @property
    def ops_per_s(self) -> float:
        return self.operations / self.seconds

    def percentile(self, p: int) -> float:
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else 0.0
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[p - 1]


@dataclass
class BenchReport:
    chain: str
    block_time: int | None
    raw: RawResult
    levels: list[Level] = field(default_factory=list)
    batch: BatchRate | None = None
    #: anvil's block gas limit when set (--gas-limit); None: the node's own
    gas_limit: int | None = None
    #: the gateway bundled its hosted callers' writes (`billchain serve --bundle-writes`)
    bundle_writes: bool = False
    #: the raw rate of max(clients) clients each waiting for its receipt (`--waiting`), and how many
    waiting: RawResult | None = None
    waiting_clients: int = 0

    def ratio_to_waiting(self, level: Level) -> float | None:
        """The level's rate as a share of the waiting clients' rate, when it has as many clients."""
        if self.waiting is None or level.clients != self.waiting_clients:
            return None
        return level.ops_per_s / self.waiting.ops_per_s

    def as_json(self) -> dict[str, Any]:
        return {
            "chain": self.chain,
            "block_time": self.block_time,
            "gas_limit": self.gas_limit,
            "bundle_writes": self.bundle_writes,
            "raw_ops_per_s": round(self.raw.ops_per_s, 2),
            "gateway": [
                {
                    "clients": level.clients,
                    "ops_per_s": round(level.ops_per_s, 2),
                    "p50_ms": round(level.percentile(50), 1),
                    "p95_ms": round(level.percentile(95), 1),
                    "p99_ms": round(level.percentile(99), 1),
                    "errors": level.errors,
                    "error_kinds": level.error_kinds,
                    "cpu_ms_per_op": round(level.cpu_ms_per_op, 2),
                    **({"bundles": bundle_summary(level.bundles)} if level.bundles else {}),
                    **({"ratio_to_waiting": round(r, 3)} if (r := self.ratio_to_waiting(level)) is not None else {}),
                }
                for level in self.levels
            ],
            "gas": self.raw.gas,
            "waiting": None
            if self.waiting is None
            else {
                "clients": self.waiting_clients,
                "operations": self.waiting.operations,
                "ops_per_s": round(self.waiting.ops_per_s, 2),
                "ratio_to_raw": round(self.waiting.ops_per_s / self.raw.ops_per_s, 3),
            },
            "batch": None
            if self.batch is None
            else {
                "size": self.batch.size,
                "operations": self.batch.operations,
                "ops_per_s": round(self.batch.ops_per_s, 2),
                "ratio_to_raw": round(self.batch.ops_per_s / self.raw.ops_per_s, 3),
                "gas_per_op": self.batch.gas_per_op,
            },
        }


def bundle_summary(counts: dict[str, float]) -> dict[str, float]:
    """A level's bundles: how many, their mean and largest size, gas per operation inside them, failed items."""
    bundles, items = counts.get("bundles", 0), counts.get("items", 0)
    return {
        "bundles": int(bundles),
        "items": int(items),
        "mean_size": round(items / bundles, 1) if bundles else 0.0,
        "largest_size_at_most": counts.get("largest", 0),
        "gas_per_op": round(counts.get("gas", 0) / items) if items else 0,
        "failed_items": int(counts.get("failed", 0)),
    }


def bundle_counts(url: str) -> dict[str, float]:
    """The gateway's bundle counters so far, from its /metrics (gateway/core/metrics.py)."""
    text = httpx.get(f"{url}/metrics", timeout=30).text
    counts: dict[str, float] = {"bundles": 0, "items": 0, "failed": 0, "gas": 0}
    buckets: dict[float, float] = {}
    for line in text.splitlines():
        if line.startswith("#") or " " not in line:
            continue
        name, value = line.rsplit(" ", 1)
        if name == "billchain_bundles_total":
            counts["bundles"] = float(value)
        elif name.startswith("billchain_bundle_items_total"):
            counts["items"] += float(value)
            if 'outcome="failed"' in name:
                counts["failed"] = float(value)
        elif name == "billchain_bundle_gas_used_total":
            counts["gas"] = float(value)
        elif name.startswith("billchain_bundle_size_bucket") and 'le="+Inf"' not in name:
            buckets[float(name.split('le="', 1)[1].split('"', 1)[0])] = float(value)
    counts.update({f"le{bound:g}": n for bound, n in buckets.items()})
    return counts


def bundle_delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """What one level added; `largest`: the smallest histogram bound that holds every bundle of the level."""
    delta = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    bounds = sorted(float(k[2:]) for k in delta if k.startswith("le"))
    delta["largest"] = next((b for b in bounds if delta[f"le{b:g}"] == delta["bundles"]), 0.0)
    return {k: v for k, v in delta.items() if not k.startswith("le")}


def level_operations(ops: int, clients: int, most: int) -> int:
    share = max(MIN_LEVEL_OPS, ops * clients // most)
    return share + share % 2  # whole endorse-and-sign pairs


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process `pid` so far (Linux /proc; its threads included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_bench(
    chain: str,
    block_time: int | None,
    clients: list[int],
    ops: int,
    log: Any = print,
    batch_size: int = 0,
    gas_limit: int | None = None,
    gateway: bool = True,
    bundle_writes: bool = False,
    waiting: bool = False,
) -> BenchReport:
    with tempfile.TemporaryDirectory(prefix="billchain-bench-") as tmp:
        work = Path(tmp)
        backend: ChainBackend
        network: CliqueNetwork | None = None
        if chain == "network":  # four geth signers (billchain_tools/clique.py); both sides on node 1
            network = CliqueNetwork.create(work / "network", nodes=4, period=block_time or 1)
            network.up()
            backend = RpcBackend(network.node(1).url, gas_price=0)
            gateway_chain, gas_price = backend.url, "0"
        elif chain == "anvil":
            backend = AnvilBackend(work / "node", gas_price=0, gas_limit=gas_limit)  # automining while setting up
            gateway_chain, gas_price = backend.url, "0"
        elif chain == "embedded":
            backend, gateway_chain, gas_price = EmbeddedBackend(), "embedded", None
        else:
            raise ValueError(f"bench runs on embedded, anvil or network, not {chain!r}")
        try:
            served_gateway = BenchGateway(work / "gateway", gateway_chain, gas_price, bundle_writes=bundle_writes)
            with served_gateway as served:
                log(f"setting up {max(clients)} lanes on the node and through the gateway")
                operator = Account.create()
                backend.fund(operator.address)
                system = deploy(backend, operator)
                lanes = prepare_lanes(system, operator, max(clients))
                # bills of their own for the batches: a bill takes at most 100 ranges, and each 0.01 splits one
                batch_lanes = prepare_lanes(system, operator, max(clients)) if batch_size else []
                # each level on bills of its own: a bill takes at most 100 ranges (each 0.01 endorsed splits one)
                http_lanes = asyncio.run(served.prepare_lanes(sum(clients))) if gateway else []
                if isinstance(backend, AnvilBackend) and block_time:
                    backend.interval_mining(block_time)
                log(f"raw: {ops} operations over {len(lanes)} lanes, eth_sendRawTransaction")
                raw = raw_rate(system, lanes, ops)
                report = BenchReport(chain, block_time, raw, gas_limit=gas_limit, bundle_writes=bundle_writes)
                log(f"raw: {report.raw.ops_per_s:.1f} ops/s")
                if waiting:
                    log(f"waiting: {len(lanes)} clients, each waiting for its receipt, {ops} operations")
                    report.waiting, report.waiting_clients = waiting_rate(system, lanes, ops), len(lanes)
                    log(f"waiting: {report.waiting.ops_per_s:.1f} ops/s")
                if batch_size:
                    log(f"batches: {ops} operations, {batch_size} signed operations per transaction")
                    report.batch = batch_rate(system, batch_lanes, ops, batch_size)
                    log(f"batches: {report.batch.ops_per_s:.1f} ops/s")
                for i, count in enumerate(clients if gateway else []):
                    n = level_operations(ops, count, max(clients))
                    level_lanes = http_lanes[sum(clients[:i]) : sum(clients[: i + 1])]
                    log(f"gateway: {count} clients, {n} operations")
                    cpu, bundled = process_cpu_seconds(served.pid), bundle_counts(served.url) if bundle_writes else {}
                    level = asyncio.run(served.load(level_lanes, n))
                    level = replace(level, cpu_seconds=process_cpu_seconds(served.pid) - cpu)
                    if bundle_writes:
                        level = replace(level, bundles=bundle_delta(bundled, bundle_counts(served.url)))
                    p99 = level.percentile(99)
                    log(
                        f"gateway: {level.ops_per_s:.1f} ops/s, p99 {p99:.0f} ms, {level.errors} errors "
                        f"{level.error_kinds or ''}, {level.cpu_ms_per_op:.1f} ms CPU per operation"
                    )
                    if level.bundles:
                        log(f"gateway: bundles {bundle_summary(level.bundles)}")
                    report.levels.append(level)
                return report
        finally:
            backend.close()
            if network is not None:
                network.down()


@dataclass
class HttpLane:
    holder: str
    receiver: str
    bill_id: int


class BenchGateway(Gateway):
    """The gateway under load: lanes set up through it, then timed."""

    async def prepare_lanes(self, count: int) -> list[HttpLane]:
        async with self.client(64) as http:
            bank = await self.onboard(http, "bench-bank", "BANK")
            drawer = await self.onboard(http, "bench-drawer", "ENTERPRISE")
            people = await asyncio.gather(
                *(self.onboard(http, f"bench-{kind}-{i}", "ENTERPRISE") for i in range(count) for kind in ("h", "r"))
            )
            health = (await http.get("/v1/health")).json()
            maturity = (date.fromisoformat(health["chain"]["date"]) + timedelta(days=180)).isoformat()

            async def lane(holder: str, receiver: str) -> HttpLane:
                issued = await self.ok(
                    http,
                    drawer,
                    "/v1/bills",
                    {
                        "kind": "BANK_ACCEPTANCE",
                        "acceptor": bank,
                        "payee": holder,
                        "amount": LANE_AMOUNT,
                        "maturity_date": maturity,
                    },
                )
                bill_id = int(issued["bill"]["id"])
                await self.ok(http, bank, f"/v1/bills/{bill_id}/accept", {})
                await self.ok(http, holder, f"/v1/bills/{bill_id}/receive", {})
                return HttpLane(holder, receiver, bill_id)

            return list(await asyncio.gather(*(lane(people[2 * i], people[2 * i + 1]) for i in range(count))))

    async def load(self, lanes: list[HttpLane], operations: int) -> Level:
        """Each lane's client: endorse 0.01 to its receiver, the receiver signs; until `operations` are done."""
        pairs_left = operations // 2
        latencies: list[float] = []
        kinds: Counter[str] = Counter()
        done = 0

        async def timed(who: str, path: str, body: dict[str, Any]) -> httpx.Response | None:
            nonlocal done
            began = time.perf_counter()
            try:
                response = await self.post(http, who, path, body)
            except httpx.HTTPError as error:
                kinds[type(error).__name__] += 1
                return None
            latencies.append((time.perf_counter() - began) * 1000)
            if response.status_code >= 300:
                kinds[_problem_kind(response)] += 1
                return None
            done += 1
            return response

        async def client(lane: HttpLane) -> None:
            nonlocal pairs_left
            while pairs_left > 0:
                pairs_left -= 1
                body = {"to": lane.receiver, "amount": STEP_AMOUNT}
                requested = await timed(lane.holder, f"/v1/bills/{lane.bill_id}/endorse", body)
                if requested is not None:
                    transfer_id = requested.json()["transfer"]["id"]
                    await timed(lane.receiver, f"/v1/transfers/{transfer_id}/sign", {})

        async with self.client(len(lanes)) as http:
            began = time.perf_counter()
            await asyncio.gather(*(client(lane) for lane in lanes))
            seconds = time.perf_counter() - began
        return Level(len(lanes), done, seconds, latencies, sum(kinds.values()), dict(kinds))


def _problem_kind(response: httpx.Response) -> str:
    try:
        code = response.json().get("code", "")
    except ValueError:
        code = "not JSON"
    return f"{response.status_code} {code}".strip()
