"""`billchain faults`: keyed writes while the gateway is killed with SIGKILL, again and again.

A load of writes (cash mints and bill issues, each under its own Idempotency-Key) runs
against a `billchain serve` subprocess. A killer SIGKILLs the gateway at random moments
and starts it again on the same data dir (it settles its outbox before serving). Each
client retries its unanswered request with the same key until it is answered. Then the
gateway is stopped, its data dir opened, and everything checked against the chain:

- lost: a write never answered 2xx, or answered but not on chain as answered;
- duplicates: bills on chain beyond the issue writes, cash beyond the mints' sum;
- index: the index's bills and balances differ from the chain's;
- 5xx: every 5xx a client saw (a 503 while the chain or a settlement is away counts).

On anvil the gateway runs the node itself, as a user does (`billchain serve --chain
anvil`), with a block every second, so kills find transactions waiting in its pool:
the node dies with each killed gateway (writing its state) and the restarted gateway
starts it again from that state. The check opens the data dir once more (a node from
the same state) and reads the chain itself.
"""

from __future__ import annotations

import asyncio
import json
import random
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from billchain_tools.harness import Gateway
from gateway.compose import open_runtime
from gateway.core.db import BalanceRow, BillRow, ParticipantRow
from gateway.core.money import format_amount
from gateway.core.settings import Settings

PAYEES = 4
GIVE_UP_S = 300.0  # a client retries one write this long (restarts included) before calling it lost


@dataclass(frozen=True)
class Write:
    key: str
    who: str
    path: str
    body: dict[str, Any]


@dataclass
class FaultReport:
    chain: str
    writes: int
    kills: int = 0
    in_flight_at_kills: list[int] = field(default_factory=list)
    retries: int = 0
    answered: int = 0
    lost: int = 0
    duplicates: int = 0
    index_mismatches: int = 0
    client_errors: list[str] = field(default_factory=list)
    five_xx: int = 0
    outbox: dict[str, int] = field(default_factory=dict)
    #: what the restarts found in the outbox and settled before serving (from the gateway's log)
    reconciled: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def clean(self) -> bool:
        return not (self.lost or self.duplicates or self.index_mismatches or self.client_errors or self.five_xx)

    def as_json(self) -> dict[str, Any]:
        return {
            "chain": self.chain,
            "writes": self.writes,
            "kills": self.kills,
            "in_flight_at_kills": self.in_flight_at_kills,
            "retries": self.retries,
            "answered": self.answered,
            "lost": self.lost,
            "duplicates": self.duplicates,
            "index_mismatches": self.index_mismatches,
            "client_errors": self.client_errors,
            "five_xx": self.five_xx,
            "outbox": self.outbox,
            "reconciled": self.reconciled,
            "seconds": round(self.seconds, 1),
        }


def run_faults(chain: str, writes: int, kills: int, clients: int = 16, seed: int = 1, log: Any = print) -> FaultReport:
    rng = random.Random(seed)
    report = FaultReport(chain, writes)
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="billchain-faults-") as tmp:
        work = Path(tmp)
        anvil = chain == "anvil"
        gateway = Gateway(work / "gateway", chain, "0" if anvil else None, block_time=1 if anvil else None)
        with gateway:
            plan = asyncio.run(plan_writes(gateway, writes))
            log(f"{chain}: {writes} writes by {clients} clients, {kills} kills")
            answers = asyncio.run(_load(gateway, plan, kills, clients, rng, report, log))
        report.seconds = time.monotonic() - began
        report.reconciled = _reconciled(work / "gateway.log")
        check_writes(report, work / "gateway", chain, gateway.token, plan, answers)
    return report


async def plan_writes(gateway: Gateway, writes: int) -> list[Write]:
    """Onboard a bank, a drawer and payees at `gateway`; then `writes` keyed writes: mints and bill
    issues, alternating (check_writes finds each on chain)."""
    async with gateway.client(8) as http:
        bank = await gateway.onboard(http, "faults-bank", "BANK")
        drawer = await gateway.onboard(http, "faults-drawer", "ENTERPRISE")
        payees = [await gateway.onboard(http, f"faults-payee-{i}", "ENTERPRISE") for i in range(PAYEES)]
        today = date.fromisoformat((await http.get("/v1/health")).json()["chain"]["date"])
    maturity = (today + timedelta(days=90)).isoformat()
    plan = []
    for i in range(writes):
        payee = payees[i % PAYEES]
        if i % 2:
            body: dict[str, Any] = {"to": payee, "amount": format_amount(100 + i)}
            plan.append(Write(f"fault-mint-{i}", bank, "/v1/cash/mint", body))
        else:
            amount = format_amount(100_000 + i)
            body = {"kind": "BANK_ACCEPTANCE", "acceptor": bank, "payee": payee, "amount": amount}
            plan.append(Write(f"fault-issue-{i}", drawer, "/v1/bills", {**body, "maturity_date": maturity}))
    return plan


async def _load(
    gateway: Gateway, plan: list[Write], kills: int, clients: int, rng: random.Random, report: FaultReport, log: Any
) -> dict[str, dict[str, Any]]:
    queue = list(reversed(plan))
    answers: dict[str, dict[str, Any]] = {}
    up = asyncio.Event()
    up.set()
    in_flight = 0

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal in_flight
        while queue:
            write, tries = queue.pop(), 0
            give_up = time.monotonic() + GIVE_UP_S
            while time.monotonic() < give_up:  # past it, the write counts as lost
                await up.wait()
                tries += 1
                in_flight += 1
                try:
                    response = await gateway.post(http, write.who, write.path, write.body, key=write.key)
                except httpx.TransportError:  # killed under us: retry, same key, once it is back
                    await asyncio.sleep(0.05)
                    continue
                finally:
                    in_flight -= 1
                if response.status_code == 429:  # past the token's rate: as told, later
                    await asyncio.sleep(float(response.headers.get("Retry-After", "1")))
                    continue
                if response.status_code >= 500:
                    report.five_xx += 1
                    await asyncio.sleep(0.2)
                    continue
                if response.status_code >= 300:
                    report.client_errors.append(f"{write.key}: {response.status_code} {response.text[:200]}")
                else:
                    answers[write.key] = response.json()
                report.retries += tries - 1
                break

    async def killer() -> None:
        for _ in range(kills):
            await asyncio.sleep(rng.uniform(0.3, 1.5))
            if not queue and in_flight == 0:
                return
            up.clear()
            report.in_flight_at_kills.append(in_flight)
            await asyncio.to_thread(gateway.kill)
            report.kills += 1
            log(f"  kill {report.kills}: {in_flight} requests in flight, {len(answers)} answered")
            await asyncio.to_thread(gateway.start)
            up.set()

    async with gateway.client(clients) as http:
        await asyncio.gather(killer(), *(client(http) for _ in range(clients)))
    report.answered = len(answers)
    return answers


def _reconciled(log_file: Path) -> dict[str, int]:
    """The sum of the gateway's "outbox reconciled" lines (gateway/ledger/recovery.py)."""
    total: Counter[str] = Counter()
    for line in log_file.read_text(errors="replace").splitlines():
        if "outbox reconciled: " in line:
            total.update(json.loads(line.split("outbox reconciled: ", 1)[1]))
    return dict(total)


def check_writes(
    report: FaultReport,
    data_dir: Path,
    target: str,
    token: str,
    plan: list[Write],
    answers: dict[str, dict[str, Any]],
) -> None:
    """With the gateway stopped: the chain, the index and the answers agree, write by write."""
    settings = Settings(data_dir=data_dir, chain=target, operator_token=token, gas_price=0)
    runtime = open_runtime(settings, "billchain faults (check)")
    try:
        bills, cash = runtime.system.bills, runtime.system.cash
        with runtime.db.session() as s:
            address = {p.id: p.address for p in s.scalars(select(ParticipantRow))}
            indexed_bills = {b.id: b for b in s.scalars(select(BillRow))}
            indexed_cash = {b.participant: b.balance for b in s.scalars(select(BalanceRow))}
        issues = [w for w in plan if w.path == "/v1/bills"]
        report.lost += len(plan) - len(answers)
        answered_ids = Counter(int(answers[w.key]["bill"]["id"]) for w in issues if w.key in answers)
        report.duplicates += sum(n - 1 for n in answered_ids.values())  # two writes answered with one bill
        for w in issues:
            if w.key not in answers:
                continue
            on_chain = bills.bill(int(answers[w.key]["bill"]["id"]))
            if (format_amount(on_chain.amount), on_chain.payee) != (w.body["amount"], address[w.body["payee"]]):
                report.lost += 1
        on_chain_count = int(bills.contract.functions.billCount().call())
        report.duplicates += max(0, on_chain_count - len(issues))
        report.index_mismatches += abs(len(indexed_bills) - on_chain_count)
        for bill_id, row in indexed_bills.items():
            report.index_mismatches += int(row.amount != bills.bill(bill_id).amount)
        minted = Counter[str]()
        for w in plan:
            if w.path == "/v1/cash/mint":
                minted[w.body["to"]] += int(w.body["amount"].replace(".", ""))
        for payee, expected in minted.items():
            chain_balance = cash.balance_of(address[payee])
            report.duplicates += int(chain_balance > expected)
            report.lost += int(chain_balance < expected)
            report.index_mismatches += int(indexed_cash.get(payee, 0) != chain_balance)
        report.outbox = runtime.outbox.counts()
    finally:
        runtime.close()
