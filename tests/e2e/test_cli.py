"""The commands `make run` and `make bench` call, end to end."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from gateway.cli import app

runner = CliRunner()


def test_walkthrough_prints_addresses_and_gas_per_step(tmp_path: Path) -> None:
    result = runner.invoke(app, ["walkthrough", "--data-dir", str(tmp_path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for name in ("ParticipantRegistry", "DigitalCash", "BillRegistry"):
        assert re.search(rf"{name}\s+0x[0-9a-fA-F]{{40}}", result.output)
    for step in ("issue", "accept", "receive", "endorse (split)", "sign (endorse)", "sign (discount, DvP)", "present"):
        assert re.search(rf"│ {re.escape(step)}\s+│.*│\s+[\d,]+ │", result.output), step
    assert "Bill 1 is SETTLED" in result.output
    assert list((tmp_path / "walkthrough" / "keys").glob("*.json"))  # keys stored encrypted in the data dir


def test_gas_bench_compares_with_the_erc721_baseline() -> None:
    result = runner.invoke(app, ["gas-bench"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert re.search(r"ERC-721 transfer\s+│\s+[\d,]+ │\s+1\.00 │", result.output)
    for target in ("issue", "endorse (split)", "sign (endorse)", "sign (discount, DvP)", "pay"):
        assert re.search(rf"│ {re.escape(target)}\s+│.*≤", result.output), target
