"""The confidential platform's tests: circuits, the ceremony, and confidential cash on chain.

The dev keys are built once per machine and cached outside the clone (chain/zk/circuits.py); `make
setup` builds them, and these fixtures only find them (or build them, on a machine that skipped it).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chain.zk.circuits import Keys, ensure_dev_keys
from chain.zk.prover import Prover


@pytest.fixture(scope="session")
def dev_keys() -> Keys:
    return ensure_dev_keys()


@pytest.fixture(scope="session")
def prover(dev_keys: Keys) -> Iterator[Prover]:
    with Prover(dev_keys) as serving:
        yield serving
