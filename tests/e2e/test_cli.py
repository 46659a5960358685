"""The commands `make run` and `make bench` call, end to end."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from gateway.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tools' console is made when their module is first imported, at whatever width the worker had then
    (80 with no terminal): wide enough here that a table's rows stay on one line, whichever test came first."""
    import billchain_tools.commands as commands

    monkeypatch.setattr(commands, "console", Console(width=200))


def test_walkthrough_prints_addresses_and_gas_per_step(tmp_path: Path) -> None:
    result = runner.invoke(app, ["walkthrough", "--data-dir", str(tmp_path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for name in ("ParticipantRegistry", "DigitalCash", "BillRegistry"):
        assert re.search(rf"{name}\s+0x[0-9a-fA-F]{{40}}", result.output)
    for step in ("issue", "accept", "receive", "endorse (split)", "sign (endorse)", "sign (discount, DvP)", "present"):
        assert re.search(rf"│ {re.escape(step)}\s+│.*│\s+[\d,]+ │", result.output), step
    assert "Bill 1 is SETTLED" in result.output
    assert list((tmp_path / "walkthrough" / "keys").glob("*.json"))  # keys stored encrypted in the data dir


@pytest.mark.slow  # a whole bench run: make test, not the inner loop
def test_gas_bench_compares_with_the_erc721_baseline() -> None:
    result = runner.invoke(app, ["gas-bench"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert re.search(r"ERC-721 transfer\s+│\s+[\d,]+ │\s+1\.00 │", result.output)
    for target in ("issue", "endorse (split)", "sign (endorse)", "sign (discount, DvP)", "pay"):
        assert re.search(rf"│ {re.escape(target)}\s+│.*≤", result.output), target


@pytest.mark.slow  # a whole bench run: make test, not the inner loop
def test_bench_writes_the_issue_json_and_prints_ratios_to_raw(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    args = ["bench", "--chain", "embedded", "--clients", "1", "--clients", "2", "--ops", "40", "--json", str(out)]
    result = runner.invoke(app, [*args, "--batch-size", "4"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    figures = json.loads(out.read_text())
    assert set(figures) == {
        "chain",
        "block_time",
        "gas_limit",
        "raw_ops_per_s",
        "gateway",
        "gas",
        "batch",
        "bundle_writes",
        "waiting",
    }
    assert figures["chain"] == "embedded" and figures["raw_ops_per_s"] > 0 and figures["gas_limit"] is None
    assert figures["waiting"] is None  # measured with --waiting only
    assert [level["clients"] for level in figures["gateway"]] == [1, 2]
    for level in figures["gateway"]:
        keys = {"clients", "ops_per_s", "p50_ms", "p95_ms", "p99_ms", "errors", "error_kinds", "cpu_ms_per_op"}
        assert set(level) == keys
        assert level["errors"] == 0 and level["error_kinds"] == {} and level["ops_per_s"] > 0
        assert level["p50_ms"] <= level["p95_ms"] <= level["p99_ms"] and level["cpu_ms_per_op"] > 0
    assert 90_000 < figures["gas"]["endorse"] < 110_000 and 40_000 < figures["gas"]["sign"] < 70_000
    batch = figures["batch"]
    assert batch["size"] == 4 and batch["operations"] == 40 and batch["ops_per_s"] > 0
    # inside a batch an operation shares the transaction's 21,000 base cost, and pays for its signature
    assert batch["gas_per_op"]["endorse"] < figures["gas"]["endorse"] + 15_000
    assert re.search(r"│ raw, \d+ ops\s+│\s+[\d.]+ │ 1\.000 │", result.output)
    assert "batches" in result.output  # a row of the table (wrapped to the width of this worker's console)
    assert "gas per operation in a batch of 4: endorse" in result.output


@pytest.mark.slow  # a whole bench run: make test, not the inner loop
def test_bench_without_the_gateway_measures_the_raw_batch_and_waiting_runs_only(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    args = ["bench", "--chain", "embedded", "--clients", "2", "--ops", "16", "--batch-size", "4", "--no-gateway"]
    result = runner.invoke(app, [*args, "--waiting", "--json", str(out)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    figures = json.loads(out.read_text())
    assert figures["gateway"] == [] and figures["raw_ops_per_s"] > 0 and figures["batch"]["ops_per_s"] > 0
    waiting = figures["waiting"]  # 2 clients, each 4 endorse requests and their signs, one at a time
    assert (waiting["clients"], waiting["operations"]) == (2, 16) and waiting["ops_per_s"] > 0
    assert "raw, 2 clients waiting, 16 ops" in result.output
    assert "gateway," not in result.output


@pytest.mark.anvil
def test_rpc_bench_prints_each_calls_cpu_over_requests_and_kept_alive() -> None:
    result = runner.invoke(app, ["rpc-bench", "--calls", "50"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    rows = re.findall(r"(eth_\w+)\s.*?([\d.]+) / [\d.]+\s.*?([\d.]+) / [\d.]+\s.*?([\d.]+) x", result.output)
    assert [r[0] for r in rows] == ["eth_blockNumber", "eth_getBlockReceipts", "eth_getBlockByNumber"], result.output
    for _, over_requests, kept_alive, ratio in rows:
        assert float(over_requests) > 0 and float(kept_alive) > 0
        assert abs(float(ratio) - float(over_requests) / float(kept_alive)) < 0.02 * float(ratio) + 0.01


def test_bench_and_serve_refuse_impossible_settings() -> None:
    for args in (["bench", "--clients", "0"], ["bench", "--ops", "1"], ["serve", "--gas-price", "-1"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
