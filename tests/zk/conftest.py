"""The confidential platform's tests: circuits, the ceremony, and confidential cash on chain.

The dev keys are built once per machine and cached outside the clone (chain/zk/circuits.py); `make
setup` builds them, and these fixtures only find them (or build them, on a machine that skipped it).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chain.backends.anvil import AnvilBackend
from chain.tx import Transactor
from chain.zk.circuits import Keys, ensure_dev_keys
from chain.zk.ledger import ConfidentialLedger, decoder, deploy_confidential
from chain.zk.prover import Point, Prover, native_prover
from tests.conftest import World, build_world


@pytest.fixture(scope="session")
def dev_keys() -> Keys:
    return ensure_dev_keys()


@pytest.fixture(scope="module")
def zk_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The platform on a module's own anvil: its precompiles check a pairing natively, where py-evm takes
    0.7 s a proof, twice a transaction (the estimate, then the run)."""
    node = AnvilBackend(tmp_path_factory.mktemp("zk") / "node")
    try:
        yield build_world(node)
    finally:
        node.close()


@pytest.fixture(scope="session")
def prover(dev_keys: Keys) -> Iterator[Prover]:
    with Prover(dev_keys, native_prover()) as serving:
        yield serving


def confidential_ledger(world: World, prover: Prover, viewing_key: Point, bank_limit: int) -> ConfidentialLedger:
    """ConfidentialBills on `world`'s chain, deployed by its operator with the dev keys, `viewing_key` pinned; the
    world's regulator gives its bank a mint limit of `bank_limit`."""
    ledger = deploy_confidential(
        Transactor(world.backend, decoder()),
        world.operator,
        world.system.registry.contract.address,
        prover.keys,
        viewing_key,
    )
    ledger.set_mint_limit(world["reg"], world.addr("bank"), bank_limit)
    return ledger
