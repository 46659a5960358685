"""The gas targets of the foundation issue, asserted (gas is deterministic for a compiler and input: this
is not a timing test). The figures and their baseline are in BENCHMARKS.md (`make bench`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from billchain_tools.gas_bench import ARGUED, TARGETS, measure
from chain.backends.embedded import EmbeddedBackend
from chain.keys import Keystore

pytestmark = pytest.mark.slow


def test_every_operation_with_a_target_meets_it(tmp_path: Path) -> None:
    rows = {row.operation: row for row in measure(EmbeddedBackend(), Keystore(tmp_path, passphrase="gas"))}
    assert set(TARGETS) <= set(rows)
    missed = {op: (rows[op].gas, target) for op, target in TARGETS.items() if rows[op].gas > target}
    unargued = {op: figures for op, figures in missed.items() if op not in ARGUED}
    assert not unargued, unargued
    # a miss argued in BENCHMARKS.md stays under the ceiling its argument sets
    over = {op: (rows[op].gas, ceiling) for op, ceiling in ARGUED.items() if rows[op].gas > ceiling}
    assert not over, over
    # and the baseline it is read against is what BENCHMARKS.md says it is (an OpenZeppelin ERC-721)
    assert 50_000 < rows["ERC-721 transfer"].gas < 60_000
