"""Named fixtures for a deployed system, reused by every test."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from chain.backends import children
from chain.backends.base import ChainBackend
from chain.backends.embedded import EmbeddedBackend
from chain.deploy import System, deploy
from chain.errors import ContractError
from chain.model import BillKind, Role

DAY = 86_400
MEMBERS: tuple[tuple[str, Role], ...] = (
    ("bank", Role.BANK),
    ("bank2", Role.BANK),
    ("core", Role.ENTERPRISE),
    ("t1", Role.ENTERPRISE),
    ("t2", Role.ENTERPRISE),
    ("t3", Role.ENTERPRISE),
    ("reg", Role.REGULATOR),
)


# Every process a test starts carries this run's mark in its environment (children inherit it):
# once every test is done, none of them may be left running.
RUN_MARK = "BILLCHAIN_TEST_RUN"
NODE_PROGRAMS = ("anvil", "geth", "gateway.cli")


#: the native prover's threads in tests: one. make test runs three workers on two cores, some of them timing a
#: network's answers (tests/e2e/test_clique_network.py); a proof on every core at once starves them for its second
PROVER_THREADS = "RAYON_NUM_THREADS"


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault(RUN_MARK, uuid.uuid4().hex)
    os.environ.setdefault(PROVER_THREADS, "1")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The API suite's gateway (`api`, tests/api/conftest.py) on the databases its module needs."""
    if "api" in metafunc.fixturenames:
        from tests.api.conftest import api_databases

        metafunc.parametrize("api", api_databases(metafunc.module.__name__), indirect=True, scope="module")


def leftover_processes(mark: str) -> list[tuple[int, str]]:
    """Nodes and gateways started under `mark` that still run."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            environ = (proc / "environ").read_bytes().split(b"\0")
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        ours = f"{RUN_MARK}={mark}".encode() in environ and any(p in command for p in NODE_PROGRAMS)
        if ours and children.alive(int(proc.name)):
            found.append((int(proc.name), command.strip()))
    return found


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`--dist loadgroup` (Makefile) again: pytest-xdist 3.8 names a test's group by appending it to
    `item._nodeid` ("path::test@group"), which pytest 9 no longer reads (a node's id is its `_id`), so every
    `xdist_group` mark went unheeded and the groups' tests (the timing-sensitive anvil ones, the geth network's,
    the network-mode scenarios) ran on any worker at once. The worker's id takes the suffixed name, as pytest 8's
    did; without an xdist group, nothing changes. To go when pytest-xdist sets a pytest 9 node's id itself."""
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        grouped = getattr(item, "_nodeid", None)
        if isinstance(grouped, str) and "@" in grouped and grouped != item.nodeid:
            item._id = type(item.id).parse(grouped)  # type: ignore[attr-defined]


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if hasattr(session.config, "workerinput"):
        return  # the controller looks, once every worker is done
    left = leftover_processes(os.environ[RUN_MARK])
    for pid, command in left:
        print(f"\nleft running after the tests: pid {pid}: {command[:200]}")
        children.stop(pid, timeout=5)
    if left:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def key_for(name: str) -> LocalAccount:
    return Account.from_key(keccak(text=f"billchain test key {name}"))


def doc(name: str) -> bytes:
    """The hash of a document whose bytes are `name`."""
    return hashlib.sha256(name.encode()).digest()


@dataclass
class World:
    """A deployed platform with named participants; every test gets it freshly reverted."""

    backend: ChainBackend
    system: System
    operator: LocalAccount
    accounts: dict[str, LocalAccount] = field(default_factory=dict)

    def __getitem__(self, name: str) -> LocalAccount:
        return self.operator if name == "operator" else self.accounts[name]

    def addr(self, name: str) -> str:
        return self[name].address

    @property
    def bills(self) -> Any:
        return self.system.bills

    @property
    def cash(self) -> Any:
        return self.system.cash

    def today(self) -> int:
        return int(self.bills.today())

    def advance_days(self, days: int) -> None:
        self.backend.advance_time(days * DAY)

    def issue(
        self,
        drawer: str = "core",
        *,
        kind: BillKind = BillKind.BANK_ACCEPTANCE,
        acceptor: str = "bank",
        payee: str = "t1",
        amount: int = 1_000_000,
        days: int = 90,
        transferable: bool = True,
        document: bytes | None = None,
    ) -> int:
        bill_id, _ = self.bills.issue(
            self[drawer],
            kind=kind,
            acceptor=self.addr(acceptor),
            payee=self.addr(payee),
            amount=amount,
            maturity_day=self.today() + days,
            transferable=transferable,
            document_hash=document,
        )
        return int(bill_id)

    def circulating(self, *, acceptor: str = "bank", payee: str = "t1", **kwargs: Any) -> int:
        """A bill issued by core, accepted, and received by its payee (one range 1..amount)."""
        bill_id = self.issue(acceptor=acceptor, payee=payee, **kwargs)
        if self.bills.bill(bill_id).status.name == "ISSUED":
            self.bills.accept(self[acceptor], bill_id)
        self.bills.receive(self[payee], bill_id)
        return bill_id

    def endorse_signed(self, bill_id: int, start: int, amount: int, frm: str, to: str) -> int:
        transfer_id, _ = self.bills.endorse(self[frm], bill_id, start, amount, self.addr(to))
        self.bills.sign(self[to], transfer_id)
        return int(transfer_id)

    def mint(self, to: str, amount: int, bank: str = "bank") -> None:
        self.cash.mint(self[bank], self.addr(to), amount)


#: what the world's banks may mint, set by its regulator (a test of limits sets its own)
WORLD_MINT_LIMIT = 10**15


def build_world(backend: ChainBackend) -> World:
    operator = key_for("operator")
    system = deploy(backend, operator)
    world = World(backend, system, operator)
    for name, role in MEMBERS:
        account = key_for(name)
        backend.fund(account.address)
        system.registry.register(operator, account.address, role)
        world.accounts[name] = account
    for name, role in MEMBERS:
        if role is Role.BANK:
            system.cash.set_mint_limit(world["reg"], world.addr(name), WORLD_MINT_LIMIT)
    return world


@pytest.fixture(scope="session")
def embedded_world() -> World:
    return build_world(EmbeddedBackend())


@pytest.fixture
def world(embedded_world: World) -> Iterator[World]:
    snapshot = embedded_world.backend.snapshot()
    yield embedded_world
    embedded_world.backend.revert(snapshot)


@contextmanager
def reverts(error: type[ContractError], **fields: Any) -> Iterator[None]:
    """Assert the block reverts with `error` and, for each named field, that argument."""
    with pytest.raises(error) as info:
        yield
    for name, expected in fields.items():
        assert getattr(info.value, name) == expected, f"{error.__name__}.{name}"
