"""What confidential cash costs (issue 26's figures, BENCHMARKS.md): proving time on this machine, and gas
on chain against digital cash's transparent mint and transfer measured in the same run.

Proving runs in Node (snarkjs, circuits/js/cli.mjs); its CPU time is read from the children's rusage, so a
proof's CPU is counted whichever core it ran on. Gas comes from receipts, on the chain given (anvil's
precompile pricing is the one production nodes charge).
"""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from chain.artifacts import load_artifact
from chain.backends.base import ChainBackend
from chain.deploy import deploy
from chain.model import Role
from chain.tx import Transactor
from chain.zk.circuits import Keys
from chain.zk.ledger import ConfidentialLedger, decoder, deploy_confidential
from chain.zk.prover import Proven, Prover

TRANSFER_PROVE_TARGET_S = 3.0
VERIFY_GAS_TARGET = 400_000
#: what every transaction pays before its calldata and execution
TX_BASE_GAS = 21_000


@dataclass(frozen=True)
class ProveRow:
    circuit: str
    wall_s: float  # median
    cpu_s: float  # median, the prover's own CPU (all its threads)


@dataclass(frozen=True)
class GasRow:
    operation: str
    gas: int
    baseline: str
    baseline_gas: int

    @property
    def ratio(self) -> float:
        return self.gas / self.baseline_gas


@dataclass(frozen=True)
class ZkBench:
    proving: list[ProveRow]
    gas: list[GasRow]
    verify_gas: int  # one cash_transfer proof (24 public signals), without the transaction's base cost


def _account(name: str) -> LocalAccount:
    return Account.from_key(keccak(text=f"billchain zk bench {name}"))


def _timed(make: Callable[[], Proven], runs: int) -> tuple[list[Proven], ProveRow]:
    made, walls, cpus = [], [], []
    for _ in range(runs):
        before_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        made.append(make())
        walls.append(time.monotonic() - started)
        after_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after_cpu.ru_utime - before_cpu.ru_utime) + (after_cpu.ru_stime - before_cpu.ru_stime))
    return made, ProveRow("", statistics.median(walls), statistics.median(cpus))


def run_zk_bench(backend: ChainBackend, keys: Keys, runs: int = 3) -> ZkBench:
    """Mint and transfer confidentially `runs` times, and transparently once each, on `backend`."""
    operator, bank, payer, payee, regulator = (_account(n) for n in ("operator", "bank", "payer", "payee", "reg"))
    system = deploy(backend, operator)
    for account, role in (
        (bank, Role.BANK),
        (payer, Role.ENTERPRISE),
        (payee, Role.ENTERPRISE),
        (regulator, Role.REGULATOR),
    ):
        backend.fund(account.address)
        system.registry.register(operator, account.address, role)
    system.cash.set_mint_limit(regulator, bank.address, 10**15)
    transparent_mint = system.cash.mint(bank, payer.address, 1_000_000_00).gas_used
    transparent_transfer = system.cash.transfer(payer, payee.address, 400_000_00).gas_used

    prover = Prover(keys)
    viewing, alice, bob = prover.keypair(), prover.keypair(), prover.keypair()
    cash = deploy_confidential(
        Transactor(backend, decoder()), operator, system.registry.contract.address, keys, viewing.pk
    )
    cash.set_mint_limit(regulator, bank.address, 10**15)
    mints, mint_row = _timed(lambda: prover.mint(1_000_000_00, alice.pk, viewing.pk), runs)
    mint_gas = [cash.mint(bank, m).gas_used for m in mints]
    leaves = cash.leaves()
    notes = [m.notes[0].at(2 * i) for i, m in enumerate(mints)]
    transfers, transfer_row = _timed(
        lambda: prover.transfer(alice, [notes.pop(0)], leaves, 400_000_00, bob.pk, viewing.pk), runs
    )
    transfer_gas = [cash.transfer(payee, t).gas_used for t in transfers]
    return ZkBench(
        proving=[
            ProveRow("cash_mint", mint_row.wall_s, mint_row.cpu_s),
            ProveRow("cash_transfer", transfer_row.wall_s, transfer_row.cpu_s),
        ],
        gas=[
            GasRow("confidential mint", int(statistics.median(mint_gas)), "digital cash mint", transparent_mint),
            GasRow(
                "confidential transfer (2 notes out)",
                int(statistics.median(transfer_gas)),
                "digital cash transfer",
                transparent_transfer,
            ),
        ],
        verify_gas=_verify_gas(cash, transfers[0]),
    )


def _verify_gas(cash: ConfidentialLedger, proven: Proven) -> int:
    """The verifier's own gas for one transfer proof: an estimate of its verify call alone."""
    verifier, _, transfer_key = cash.contract.functions.verifyingKeys().call()
    contract = cash.tx.backend.w3.eth.contract(address=verifier, abi=load_artifact("Groth16Verifier").abi)
    call = contract.functions.verify(transfer_key, proven.proof.for_contract(), proven.signals)
    return int(call.estimate_gas()) - TX_BASE_GAS
