"""`billchain zk-bench --throughput-clients`: cash transfers sent at once, confidential against transparent."""

from __future__ import annotations

import os
from pathlib import Path
from typing import cast

import pytest

from billchain_tools.zk_bench import _Timer, run_zk_throughput
from chain.backends.anvil import AnvilBackend
from chain.zk.circuits import Keys
from chain.zk.prover import Prover

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


class _CountingProver:
    """Stands for a prover: each `mint` costs `cost` seconds of CPU and answers which prover made it."""

    def __init__(self, name: str, cost: float) -> None:
        self.name, self.cost, self.cpu, self.asked = name, cost, 0.0, []

    def cpu_seconds(self) -> float:
        return self.cpu

    def mint(self, value: int) -> str:
        self.cpu += self.cost
        self.asked.append(value)
        return f"{self.name} {value}"


def test_the_proving_table_answers_the_native_proof_and_times_snarkjs_on_the_same_request() -> None:
    native, alone = _CountingProver("native", 0.5), _CountingProver("snarkjs", 1.5)
    timed = _Timer(cast(Prover, native), cast(Prover, alone))
    assert [timed("cash_mint", "mint", v) for v in (1, 2, 3)] == ["native 1", "native 2", "native 3"]
    assert native.asked == alone.asked == [1, 2, 3]
    (row,) = timed.rows()
    assert (row.circuit, row.cpu_s, row.baseline_cpu_s) == ("cash_mint", 0.5, 1.5)
    assert row.speedup == pytest.approx(3.0)
