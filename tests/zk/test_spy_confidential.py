"""The spy (billchain_tools/spy.py) on the confidential ledger: a member's node, read with nothing but JSON-RPC (every
transaction's sender and input, every log, anvil's whole storage), learns none of the story's amounts, price, rate or
parties: a bill issued, endorsed with a split, discounted with delivery versus payment, a cash transfer, and at
maturity the rest of the bill presented and paid. The same spy finds a transparent transfer's, beside it
(tests/e2e/test_spy.py keeps it known to see on the whole transparent story).

What it may find, and the test leaves out as known (docs/PRIVACY.md §8): a mint's value and bank, and the
issuing acceptor (the issue's sender), which allowance notes and a shared submitter are to hide.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from billchain_tools.spy import Secret, spy
from chain.backends.anvil import AnvilBackend
from chain.zk.prover import Prover
from tests.conftest import World, build_world, key_for
from tests.zk.conftest import confidential_ledger

pytestmark = [pytest.mark.anvil, pytest.mark.xdist_group("anvil")]

MINTED, AMOUNT, ENDORSED, RATE_MICROS, PAID = 20_000_000_00, 1_234_567_89, 400_000_00, 18_734, 123_456_78
TRANSPARENT = 765_432_10


@pytest.fixture(scope="module")
def anvil_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    node = AnvilBackend(Path(tmp_path_factory.mktemp("spied-zk")) / "node")
    try:
        yield build_world(node)
    finally:
        node.close()


def test_a_member_s_node_learns_nothing_of_the_confidential_story(anvil_world: World, prover: Prover) -> None:
    world = anvil_world
    regulator, t1, t2, bank2 = (prover.keypair() for _ in range(4))
    relayer = key_for("shared submitter")  # who sends the parties' proofs: not the parties
    world.backend.fund(relayer.address)
    ledger = confidential_ledger(world, prover, regulator.pk, MINTED)
    vk, today = ledger.viewing_key, ledger.today()
    minted = prover.mint(MINTED, bank2.pk, vk)
    ledger.mint(world["bank"], minted)  # a mint's value is public (allowance notes are not built)
    first_block = world.backend.block_number() + 1

    code = world.system.registry.member(world.addr("bank")).code
    issued = prover.issue(code, 42, today + 90, AMOUNT, t1.pk, today, vk)
    ledger.issue(world["bank"], issued)  # the acceptor sends it: its address is public (no shared submitter)
    leaves = ledger.leaves()
    moved = prover.endorse(
        t1, issued.ranges[0].at(leaves.index(issued.ranges[0].commitment)), leaves, ENDORSED, t2.pk, today, vk
    )
    ledger.endorse(relayer, moved)
    leaves = ledger.leaves()
    held = moved.ranges[0].at(leaves.index(moved.ranges[0].commitment))
    asked = prover.discount(t2, held, leaves, ENDORSED, bank2.pk, today, RATE_MICROS, 0, vk)
    discount, _ = ledger.request_discount(relayer, asked)
    price = asked.notes[0]
    paid = prover.transfer(bank2, [minted.notes[0].at(0)], leaves, price.value, t2.pk, vk, salt=price.salt)
    ledger.sign_discount(relayer, discount, paid)
    leaves = ledger.leaves()
    onward = prover.transfer(t2, [paid.notes[0].at(leaves.index(price.commitment))], leaves, PAID, t1.pk, vk)
    ledger.transfer(relayer, onward)
    world.advance_days(90)  # at maturity t1 presents the range it kept; bank2 pays it (any payer may)
    leaves = ledger.leaves()
    kept = moved.ranges[1].at(leaves.index(moved.ranges[1].commitment))
    presented = prover.present(t1, kept, leaves, bank2.pk, ledger.today(), vk)
    presentment, _ = ledger.present(relayer, presented)
    change = paid.notes[1].at(leaves.index(paid.notes[1].commitment))
    due = presented.notes[0]
    settled = prover.transfer(bank2, [change], leaves, due.value, t1.pk, vk, salt=due.salt)
    ledger.pay(relayer, presentment, settled)
    world.mint("t1", TRANSPARENT)  # a transparent payment beside it: the spy must find this one
    world.cash.transfer(world["t1"], world.addr("t3"), TRANSPARENT)

    secrets = [
        Secret.word("bill amount", AMOUNT),
        Secret.word("endorsed", ENDORSED),
        Secret.word("remainder", AMOUNT - ENDORSED),
        Secret.word("price", price.value),
        Secret.word("rate", RATE_MICROS),
        Secret.word("paid", PAID),
        Secret.word("bank's change", MINTED - price.value),
        Secret.word("bank's change after the presentment", MINTED - price.value - (AMOUNT - ENDORSED)),
        Secret.word("the presented payment's salt", due.salt),
        *(
            Secret.word(f"{who}'s key {i}", v)
            for who, key in (("t1", t1), ("t2", t2), ("bank2", bank2))
            for i, v in enumerate(key.pk)
        ),
        Secret.word("the price's salt", price.salt),
        Secret.address("t2", world.addr("t2")),
        Secret.address("bank2", world.addr("bank2")),
        Secret.word("transparent amount", TRANSPARENT),
        Secret.address("t1", world.addr("t1")),
    ]
    url = world.backend.url  # type: ignore[attr-defined]
    directory = {world.system.registry.contract.address.lower()}
    found = {s.secret for s in spy(url, first_block, secrets, set(), directory)}
    assert found == {"transparent amount", "t1"}, found  # the transparent payment's amount and payer only
