"""What the confidential ledger costs (issue 26's figures, BENCHMARKS.md): proving time on this machine, and
gas on chain against the transparent contracts' same story, measured in the same run.

Proofs go on chain from the native prover (prover/, driven by circuits/js/cli.mjs --serve, which computes
the witness); each is made a second time by snarkjs alone, the baseline, in the same run. A proof's CPU is
its prover processes' (all their threads) from /proc, whichever core they ran on. Gas comes from receipts,
on the chain given (anvil's precompile pricing is the one production nodes charge).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from chain.artifacts import load_artifact
from chain.backends.base import ChainBackend
from chain.backends.rpc import RpcBackend
from chain.deploy import System, deploy
from chain.model import BillKind, Role
from chain.tx import Transactor
from chain.zk.circuits import Keys
from chain.zk.ledger import KEYED_CIRCUITS, ConfidentialLedger, decoder, deploy_confidential
from chain.zk.prover import Note, Proven, Prover, RangeNote, native_prover

TRANSFER_PROVE_TARGET_S = 3.0
AMOUNT, ENDORSED, RATE_MICROS, TENOR_DAYS = 1_234_567_89, 400_000_00, 18_734, 90
BANK_CASH = 10_000_000_00
VERIFY_GAS_TARGET = 400_000
#: what every transaction pays before its calldata and execution
TX_BASE_GAS = 21_000


@dataclass(frozen=True)
class ProveRow:
    circuit: str
    wall_s: float  # median, the native prover (its proofs go on chain)
    cpu_s: float  # median, the prover's own CPU (Node's witness and the native prover, all threads)
    baseline_wall_s: float  # median, snarkjs on the same requests, the same run
    baseline_cpu_s: float

    @property
    def speedup(self) -> float:
        """snarkjs's CPU over the native prover's, for the same proofs."""
        return self.baseline_cpu_s / self.cpu_s


@dataclass(frozen=True)
class GasRow:
    operation: str
    gas: int  # confidential, median
    baseline_gas: int  # transparent, the same run

    @property
    def ratio(self) -> float:
        return self.gas / self.baseline_gas


@dataclass(frozen=True)
class ZkBench:
    proving: list[ProveRow]
    gas: list[GasRow]
    verify_gas: dict[str, int]  # one proof of each circuit, without the transaction's base cost


def _account(name: str) -> LocalAccount:
    return Account.from_key(keccak(text=f"billchain zk bench {name}"))


class _Timer:
    """Times proofs: wall clock, and each prover process's CPU (all its threads) from /proc. Each request is
    made by `prover` (whose proof is answered) and, when `baseline` is given, made again by `baseline` with
    the same arguments (a proof of the same statement, timed, then dropped)."""

    def __init__(self, prover: Prover, baseline: Prover | None = None) -> None:
        self.provers = [prover] if baseline is None else [prover, baseline]
        self.samples: dict[str, list[list[tuple[float, float]]]] = {}

    def __call__(self, circuit: str, request: str, *args: Any, **kwargs: Any) -> Proven:
        made: list[Proven] = []
        timings = []
        for prover in self.provers:
            before, started = prover.cpu_seconds(), time.monotonic()
            made.append(getattr(prover, request)(*args, **kwargs))
            timings.append((time.monotonic() - started, prover.cpu_seconds() - before))
        self.samples.setdefault(circuit, []).append(timings)
        return made[0]

    def median(self, circuit: str, which: int = 0) -> tuple[float, float]:
        """The median wall and CPU seconds of `circuit`'s proofs by the `which`th prover."""
        got = [timings[which] for timings in self.samples[circuit]]
        return statistics.median(w for w, _ in got), statistics.median(c for _, c in got)

    def rows(self) -> list[ProveRow]:
        last = len(self.provers) - 1
        return [ProveRow(name, *self.median(name), *self.median(name, last)) for name in self.samples]


def _participants(backend: ChainBackend) -> tuple[System, dict[str, LocalAccount]]:
    names = {"bank": Role.BANK, "bank2": Role.BANK, "core": Role.ENTERPRISE, "t1": Role.ENTERPRISE}
    names |= {"t2": Role.ENTERPRISE, "reg": Role.REGULATOR}
    operator = _account("operator")
    system = deploy(backend, operator)
    accounts = {"operator": operator}
    for name, role in names.items():
        accounts[name] = _account(name)
        backend.fund(accounts[name].address)
        system.registry.register(operator, accounts[name].address, role)
    for bank in ("bank", "bank2"):
        system.cash.set_mint_limit(accounts["reg"], accounts[bank].address, 10**15)
    return system, accounts


def _transparent(system: System, a: dict[str, LocalAccount]) -> dict[str, int]:
    """The same story on digital cash and the bill registry: gas of each step (requests and signatures summed
    where the confidential ledger folds them into one transaction)."""
    bills = system.bills
    gas = {"mint": system.cash.mint(a["bank"], a["bank2"].address, BANK_CASH).gas_used}
    bill, issued = bills.issue(
        a["core"],
        kind=BillKind.BANK_ACCEPTANCE,
        acceptor=a["bank"].address,
        payee=a["t1"].address,
        amount=AMOUNT,
        maturity_day=int(bills.today()) + TENOR_DAYS,
    )
    gas["issue (issue, accept, receive)"] = (
        issued.gas_used + bills.accept(a["bank"], bill).gas_used + bills.receive(a["t1"], bill).gas_used
    )
    moved, endorsed = bills.endorse(a["t1"], bill, 1, ENDORSED, a["t2"].address)
    gas["endorse with a split (request, sign)"] = endorsed.gas_used + bills.sign(a["t2"], moved).gas_used
    asked, requested = bills.discount(a["t2"], bill, 1, ENDORSED, a["bank2"].address, RATE_MICROS)
    gas["discount request"] = requested.gas_used
    gas["discount sign (DvP)"] = bills.sign(a["bank2"], asked).gas_used
    gas["cash transfer"] = system.cash.transfer(a["t2"], a["t1"].address, 1_00).gas_used
    return gas


def _at(note: RangeNote | Note, leaves: list[int]) -> Any:
    return note.at(leaves.index(note.commitment))


def run_zk_bench(backend: ChainBackend, keys: Keys, runs: int = 3) -> ZkBench:
    """The README's story (mint, issue, endorse with a split, discount with DvP, a cash transfer) `runs`
    times confidentially, each proof timed, and once transparently, on `backend`; then, at maturity, one
    presentment proven (its proving time and verification gas)."""
    system, a = _participants(backend)
    baseline = _transparent(system, a)
    gas: dict[str, list[int]] = {name: [] for name in baseline}
    with Prover(keys, native_prover()) as prover, Prover(keys) as snarkjs_alone:
        timed = _Timer(prover, snarkjs_alone)
        viewing, t1, t2, bank2 = (prover.keypair() for _ in range(4))
        tx = Transactor(backend, decoder())
        ledger = deploy_confidential(tx, a["operator"], system.registry.contract.address, keys, viewing.pk)
        ledger.set_mint_limit(a["reg"], a["bank"].address, 10**15)
        vk, today = ledger.viewing_key, ledger.today()
        code = system.registry.member(a["bank"].address).code
        for story in range(runs):
            minted = timed("cash_mint", "mint", BANK_CASH, bank2.pk, vk)
            gas["mint"].append(ledger.mint(a["bank"], minted).gas_used)
            issued = timed("bill_issue", "issue", code, story + 1, today + TENOR_DAYS, AMOUNT, t1.pk, today, vk)
            gas["issue (issue, accept, receive)"].append(ledger.issue(a["bank"], issued).gas_used)
            leaves = ledger.leaves()
            whole = _at(issued.ranges[0], leaves)
            moved = timed("range_transfer", "endorse", t1, whole, leaves, ENDORSED, t2.pk, today, vk)
            gas["endorse with a split (request, sign)"].append(ledger.endorse(a["t1"], moved).gas_used)
            leaves = ledger.leaves()
            held = _at(moved.ranges[0], leaves)
            asked = timed("discount", "discount", t2, held, leaves, ENDORSED, bank2.pk, today, RATE_MICROS, 0, vk)
            discount, requested = ledger.request_discount(a["t2"], asked)
            gas["discount request"].append(requested.gas_used)
            price, cash = asked.notes[0], _at(minted.notes[0], leaves)
            paid = timed("cash_transfer", "transfer", bank2, [cash], leaves, price.value, t2.pk, vk, salt=price.salt)
            gas["discount sign (DvP)"].append(ledger.sign_discount(a["bank2"], discount, paid).gas_used)
            leaves = ledger.leaves()
            onward = timed("cash_transfer", "transfer", t2, [_at(paid.notes[0], leaves)], leaves, 1_00, t1.pk, vk)
            gas["cash transfer"].append(ledger.transfer(a["t1"], onward).gas_used)
        # at maturity t1 presents the range it kept (no transparent twin: the story's figures stop at the DvP)
        backend.advance_time(TENOR_DAYS * 86_400)
        leaves = ledger.leaves()
        kept = _at(moved.ranges[1], leaves)
        presented = timed("range_present", "present", t1, kept, leaves, bank2.pk, ledger.today(), vk)
        proofs = {"cash_mint": minted, "cash_transfer": onward, "bill_issue": issued, "range_transfer": moved}
        proofs |= {"discount": asked, "range_present": presented}
        verify = {name: _verify_gas(ledger, name, proven) for name, proven in proofs.items()}
        proving = timed.rows()
    return ZkBench(
        proving=proving,
        gas=[GasRow(name, int(statistics.median(gas[name])), base) for name, base in baseline.items()],
        verify_gas=verify,
    )


def _verify_gas(ledger: ConfidentialLedger, circuit: str, proven: Proven) -> int:
    """The gas one proof's verification takes: the least gas at which a call of the verifier answers true,
    without the transaction's base cost (its calldata in). An estimate would be lower: with too little gas a
    precompile fails and the verifier answers false, which is no revert."""
    verifier, keys = ledger.contract.functions.verifyingKeys().call()
    key = keys[KEYED_CIRCUITS.index(circuit)]
    contract = ledger.tx.backend.w3.eth.contract(address=verifier, abi=load_artifact("Groth16Verifier").abi)
    call = contract.functions.verify(key, proven.proof.for_contract(), proven.signals)
    low, high = TX_BASE_GAS, 2_000_000
    if not call.call({"gas": high}):
        raise RuntimeError("the verifier refuses the bench's own proof")
    while high - low > 100:
        middle = (low + high) // 2
        try:
            holds = bool(call.call({"gas": middle}))
        except Exception:  # out of gas before the answer: too little
            holds = False
        low, high = (low, middle) if holds else (middle, high)
    return high - TX_BASE_GAS


@dataclass(frozen=True)
class ThroughputRow:
    """`clients` cash transfers sent at once, each by its own client, on a block every `block_time` seconds."""

    clients: int
    block_time: int
    confidential_ops_per_s: float  # transfers proven in advance: the chain's share of the cost
    transparent_ops_per_s: float  # digital cash's transfers, the same node and run
    prove_cpu_s: float  # median CPU of one transfer's proof: what a client spends before it can send

    @property
    def ratio(self) -> float:
        return self.confidential_ops_per_s / self.transparent_ops_per_s

    @property
    def proving_bound(self) -> float:
        """Transfers a second this machine's cores can prove: the rate with proving in each client's loop."""
        return (os.cpu_count() or 1) / self.prove_cpu_s


def _all_at_once(send: Callable[[int], object], count: int) -> float:
    """`count` sends at once, one thread each, each waiting for its receipt: transfers per second."""
    with ThreadPoolExecutor(count) as pool:
        began = time.monotonic()
        list(pool.map(send, range(count)))
        return count / (time.monotonic() - began)


def _pay(system: System, holders: list[LocalAccount], to: str, i: int) -> object:
    return system.cash.transfer(holders[i], to, 1_00)


def _move(ledger: ConfidentialLedger, submitters: list[LocalAccount], moves: list[Proven], i: int) -> object:
    return ledger.transfer(submitters[i], moves[i])


def run_zk_throughput(backend: RpcBackend, keys: Keys, clients: list[int], block_time: int = 1) -> list[ThroughputRow]:
    """For each level of `clients`: as many cash transfers, each from its own client, sent at once on a block
    every `block_time` seconds, confidential (proven beforehand, every proof against the same tree) and
    transparent (digital cash), on the same anvil. Everything is set up with a block per transaction first."""
    system, a = _participants(backend)
    with Prover(keys, native_prover()) as prover:
        timed = _Timer(prover)
        tx = Transactor(backend, decoder())
        viewing, receiver = prover.keypair(), prover.keypair()
        ledger = deploy_confidential(tx, a["operator"], system.registry.contract.address, keys, viewing.pk)
        ledger.set_mint_limit(a["reg"], a["bank"].address, 10**15)
        vk = ledger.viewing_key
        levels = []
        for count in clients:
            owners = [prover.keypair() for _ in range(count)]
            minted = [prover.mint(BANK_CASH, owner.pk, vk) for owner in owners]
            for proven in minted:
                ledger.mint(a["bank"], proven)
            leaves = ledger.leaves()
            moves = [
                timed("cash_transfer", "transfer", o, [_at(m.notes[0], leaves)], leaves, 1_00, receiver.pk, vk)
                for o, m in zip(owners, minted, strict=True)
            ]
            senders = [Account.create() for _ in range(2 * count)]  # confidential submitters, then cash holders
            for sender in senders:
                backend.fund(sender.address)
            for holder in senders[count:]:
                system.registry.register(a["operator"], holder.address, Role.ENTERPRISE)
                system.cash.mint(a["bank"], holder.address, BANK_CASH)
            levels.append((count, moves, senders[:count], senders[count:]))
        backend.interval_mining(block_time)
        rows = []
        for count, moves, submitters, holders in levels:
            transparent = _all_at_once(partial(_pay, system, holders, a["t1"].address), count)
            confidential = _all_at_once(partial(_move, ledger, submitters, moves), count)
            cpu = timed.median("cash_transfer")[1]
            rows.append(ThroughputRow(count, block_time, confidential, transparent, cpu))
    return rows
