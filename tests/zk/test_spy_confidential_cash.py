"""The spy (billchain_tools/spy.py) on confidential cash: a member's node, read with nothing but JSON-RPC
(every transaction's sender and input, every log, anvil's whole storage), learns neither the amount nor
the change nor any party of a confidential transfer. The same spy finds a transparent transfer's
(tests/e2e/test_spy.py keeps it known to see on the whole story)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from billchain_tools.spy import Secret, spy
from chain.backends.anvil import AnvilBackend
from chain.tx import Transactor
from chain.zk.ledger import decoder, deploy_confidential
from chain.zk.prover import Prover
from tests.conftest import World, build_world, key_for

pytestmark = [pytest.mark.anvil, pytest.mark.xdist_group("anvil")]

MINTED, PAID, TRANSPARENT = 2_000_000_00, 1_234_567_89, 765_432_10


@pytest.fixture(scope="module")
def anvil_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    node = AnvilBackend(Path(tmp_path_factory.mktemp("spied-zk")) / "node")
    try:
        yield build_world(node)
    finally:
        node.close()


def test_a_member_s_node_learns_nothing_of_a_confidential_transfer(anvil_world: World, prover: Prover) -> None:
    world = anvil_world
    tx = Transactor(world.backend, decoder())
    regulator, alice, bob = prover.keypair(), prover.keypair(), prover.keypair()
    relayer = key_for("shared submitter")
    world.backend.fund(relayer.address)
    cash = deploy_confidential(tx, world.operator, world.system.registry.contract.address, prover.keys, regulator.pk)
    cash.set_mint_limit(world["reg"], world.addr("bank"), MINTED)
    minted = prover.mint(MINTED, alice.pk, cash.viewing_key)
    cash.mint(world["bank"], minted)  # a mint's value is public (allowance notes are not built)
    first_block = world.backend.block_number() + 1

    paid = prover.transfer(alice, [minted.notes[0].at(0)], cash.leaves(), PAID, bob.pk, cash.viewing_key)
    cash.transfer(relayer, paid)
    world.mint("t1", TRANSPARENT)  # a transparent payment beside it: the spy must find this one
    world.cash.transfer(world["t1"], world.addr("t2"), TRANSPARENT)

    secrets = [
        Secret.word("paid", PAID),
        Secret.word("change", MINTED - PAID),
        *(Secret.word(f"alice's key {i}", v) for i, v in enumerate(alice.pk)),
        *(Secret.word(f"bob's key {i}", v) for i, v in enumerate(bob.pk)),
        Secret.word("bob's salt", paid.notes[0].salt),
        Secret.word("transparent amount", TRANSPARENT),
        Secret.address("t1", world.addr("t1")),
    ]
    url = world.backend.url  # type: ignore[attr-defined]
    directory = {world.system.registry.contract.address.lower()}
    found = {s.secret for s in spy(url, first_block, secrets, set(), directory)}
    assert found == {"transparent amount", "t1"}, found
