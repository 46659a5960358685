"""SIGKILL under load, bounded (`make faults` runs 500 writes and 12 kills per chain)."""

from __future__ import annotations

import pytest

from billchain_tools.faults import run_faults


@pytest.mark.slow
@pytest.mark.parametrize(
    "chain", ["embedded", pytest.param("anvil", marks=[pytest.mark.anvil, pytest.mark.xdist_group("anvil")])]
)
def test_nothing_acknowledged_is_lost_and_nothing_happens_twice(chain: str) -> None:
    report = run_faults(chain, writes=100, kills=3, clients=12, seed=7, log=lambda _: None)
    assert report.kills == 3 and any(report.in_flight_at_kills), report.as_json()
    assert report.answered == 100, report.as_json()
    assert (report.lost, report.duplicates, report.index_mismatches) == (0, 0, 0), report.as_json()
    assert report.client_errors == [] and report.five_xx == 0, report.as_json()
    assert report.outbox.get("PENDING", 0) == 0, report.as_json()
