"""`billchain zk-bench --throughput-clients`: cash transfers sent at once, confidential against transparent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from billchain_tools.zk_bench import run_zk_throughput
from chain.backends.anvil import AnvilBackend
from chain.zk.circuits import Keys

pytestmark = pytest.mark.slow  # proofs and 1 s blocks: make test, not the inner loop


def test_a_level_sends_its_transfers_at_once_both_ways_and_states_its_proving_bound(
    tmp_path: Path, dev_keys: Keys
) -> None:
    """Each send waits for its receipt and raises if its transaction reverted: a rate is of mined transfers."""
    backend = AnvilBackend(tmp_path / "node")
    try:
        (row,) = run_zk_throughput(backend, dev_keys, [2])
    finally:
        backend.close()
    assert (row.clients, row.block_time) == (2, 1)
    assert row.confidential_ops_per_s > 0 and row.transparent_ops_per_s > 0
    assert row.prove_cpu_s > 0.1 and row.proving_bound == pytest.approx((os.cpu_count() or 1) / row.prove_cpu_s)
