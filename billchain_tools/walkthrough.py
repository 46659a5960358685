"""One bill's whole life on a fresh deployment, step by step, with the gas of each step.

`make run` prints it (until the gateway serves) and `make bench` builds its gas table on it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from eth_account.signers.local import LocalAccount

from chain.backends.base import ChainBackend
from chain.deploy import System, deploy
from chain.keys import Keystore
from chain.model import BillKind, Role
from chain.tx import TxResult

DAY = 86_400


@dataclass(frozen=True)
class Step:
    operation: str
    actor: str
    detail: str
    gas: int
    tx: str


@dataclass
class Cast:
    """The walk-through's participants, by name."""

    operator: LocalAccount
    accounts: dict[str, LocalAccount] = field(default_factory=dict)

    def __getitem__(self, name: str) -> LocalAccount:
        return self.accounts[name]


#: what a typed client's write returns: the receipt, with the id it created when it creates one
TxOut = TxResult | tuple[int, TxResult]


def log_step(steps: list[Step], operation: str, actor: str, detail: str, out: TxOut) -> int:
    """Record one write and its gas; return the bill or transfer id it created (0 when none)."""
    created, result = out if isinstance(out, tuple) else (0, out)
    steps.append(Step(operation, actor, detail, result.gas_used, result.hash))
    return int(created)


PEOPLE: tuple[tuple[str, Role], ...] = (
    ("core", Role.ENTERPRISE),  # the buyer who draws the bill
    ("t1", Role.ENTERPRISE),  # tier-1 supplier, the payee
    ("t2", Role.ENTERPRISE),  # tier-2 supplier
    ("icbc", Role.BANK),  # the accepting bank
    ("cmb", Role.BANK),  # the discounting bank
    ("pboc", Role.REGULATOR),  # the regulator: sets the banks' mint limits, freezes
)
#: what each bank of the walk-through may mint, set by the regulator after onboarding
MINT_LIMIT_FEN = 1_000_000_000_00


def onboard(system: System, backend: ChainBackend, keystore: Keystore, operator: LocalAccount) -> Cast:
    """The people, admitted by the operator; the banks' mint limits set by the regulator."""
    cast = Cast(operator)
    for name, role in PEOPLE:
        account = keystore.get_or_create(name)
        backend.fund(account.address)
        system.registry.register(operator, account.address, role)
        cast.accounts[name] = account
    for name, role in PEOPLE:
        if role is Role.BANK:
            system.cash.set_mint_limit(cast["pboc"], cast[name].address, MINT_LIMIT_FEN)
    return cast


def run_walkthrough(backend: ChainBackend, keystore: Keystore) -> tuple[System, list[Step]]:
    operator = keystore.get_or_create("operator")
    system = deploy(backend, operator)
    cast = onboard(system, backend, keystore, operator)
    bills = system.bills
    steps: list[Step] = []

    def record(operation: str, actor: str, detail: str, action: Callable[[], TxOut]) -> int:
        return log_step(steps, operation, actor, detail, action())

    addr = {name: account.address for name, account in cast.accounts.items()}
    record(
        "mint",
        "cmb",
        "cmb mints 1,000,000.00 to itself",
        lambda: system.cash.mint(cast["cmb"], addr["cmb"], 100_000_000),
    )
    record(
        "mint",
        "icbc",
        "icbc mints 1,000,000.00 to itself",
        lambda: system.cash.mint(cast["icbc"], addr["icbc"], 100_000_000),
    )
    today = bills.today()
    document = hashlib.sha256(b"purchase order PO-7731").digest()
    bill_id = record(
        "issue",
        "core",
        "supply-chain bill of 1,000,000.00, icbc to accept, t1 paid, 120 days, with its PO",
        lambda: bills.issue(
            cast["core"],
            kind=BillKind.SUPPLY_CHAIN,
            acceptor=addr["icbc"],
            payee=addr["t1"],
            amount=100_000_000,
            maturity_day=today + 120,
            document_hash=document,
        ),
    )
    record("accept", "icbc", "icbc accepts", lambda: bills.accept(cast["icbc"], bill_id))
    record("receive", "t1", "t1 receives: range 1..100000000", lambda: bills.receive(cast["t1"], bill_id))
    endorsement = record(
        "endorse (split)",
        "t1",
        "t1 endorses 300,000.00 to t2: the range splits",
        lambda: bills.endorse(cast["t1"], bill_id, 1, 30_000_000, addr["t2"]),
    )
    record("sign (endorse)", "t2", "t2 signs: holds 1..30000000", lambda: bills.sign(cast["t2"], endorsement))
    discount = record(
        "discount",
        "t2",
        "t2 asks cmb to discount its range at 1.85%",
        lambda: bills.discount(cast["t2"], bill_id, 1, 30_000_000, addr["cmb"], 18_500),
    )
    price = bills.transfer(discount).price
    record(
        "sign (discount, DvP)",
        "cmb",
        f"cmb signs: pays {price / 100:,.2f} to t2, takes the range",
        lambda: bills.sign(cast["cmb"], discount),
    )
    backend.advance_time(120 * DAY)
    record("present", "cmb", "at maturity cmb presents 1..30000000", lambda: bills.present(cast["cmb"], bill_id, 1))
    record("pay", "icbc", "icbc pays cmb 300,000.00", lambda: bills.pay(cast["icbc"], bill_id, 1))
    record("present", "t1", "t1 presents 30000001..100000000", lambda: bills.present(cast["t1"], bill_id, 30_000_001))
    record(
        "pay (settles)",
        "icbc",
        "icbc pays t1 700,000.00: every range paid, bill SETTLED",
        lambda: bills.pay(cast["icbc"], bill_id, 30_000_001),
    )
    return system, steps
