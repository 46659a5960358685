"""One process per data dir, on every chain, and a journal that breaks is reported, not a trace."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from billchain_tools.harness import Gateway
from chain.backends import children
from tests.api.conftest import OPERATOR_TOKEN, gateway_on

SERVE = [sys.executable, "-m", "gateway.cli", "serve"]


def _serve_once(data_dir: Path, chain: str, port: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BILLCHAIN_OPERATOR_TOKEN": OPERATOR_TOKEN, "COLUMNS": "200"}
    cmd = [*SERVE, "--chain", chain, "--data-dir", str(data_dir), "--port", str(port)]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.slow
@pytest.mark.parametrize("chain", ["embedded", pytest.param("anvil", marks=pytest.mark.anvil)])
def test_a_second_gateway_on_a_data_dir_is_refused_naming_the_first(tmp_path: Path, chain: str) -> None:
    with Gateway(tmp_path / "data", chain, None) as first:
        nodes_before = children.PidFile(tmp_path / "data" / "anvil.pid").read()
        second = _serve_once(tmp_path / "data", chain, first.port + 1)
        assert second.returncode == 2, second.stdout + second.stderr
        said = " ".join((second.stdout + second.stderr).split())
        assert f"pid {first.pid}" in said and f"port {first.port}" in said, said
        assert "Traceback" not in said
        # the first goes on serving, on the one node it started
        assert httpx.get(f"{first.url}/v1/health").json()["status"] == "ok"
        assert children.PidFile(tmp_path / "data" / "anvil.pid").read() == nodes_before


def test_the_lock_is_released_when_its_holder_closes_and_held_across_opens(tmp_path: Path) -> None:
    from gateway.core.datadir import DataDirBusy, DataDirLock

    first = DataDirLock(tmp_path).acquire("one", port=1234)
    with pytest.raises(DataDirBusy, match=r"pid \d+ serving on port 1234"):
        DataDirLock(tmp_path).acquire("two")
    first.release()
    DataDirLock(tmp_path).acquire("two").release()


def _journal_lines(path: Path) -> list[str]:
    return path.read_text().splitlines(keepends=True)


@pytest.mark.slow
def test_a_journal_that_cannot_be_replayed_is_reported_with_its_block_and_repaired(tmp_path: Path) -> None:
    """Two writers once interleaved one journal: a transaction line with an earlier timestamp than
    its parent block. The start names the line and the block and exits 2; `repair-journal` keeps
    the chain up to there; the gateway then sends again what its outbox holds of the rest."""
    with gateway_on(tmp_path) as (api, _):
        bank, core, t1 = api.onboard("BANK", "bank"), api.onboard("ENTERPRISE", "core"), api.onboard("ENTERPRISE")
        bills = [api.issue(core, bank, t1, f"{100 + i}.00") for i in range(3)]
    journal = tmp_path / "embedded-chain.jsonl"
    lines = _journal_lines(journal)
    txs = [i for i, line in enumerate(lines) if '"tx"' in line]
    cut = txs[-3]  # the three issues after it are journalled
    bad = json.loads(lines[cut])
    bad["ts"] = json.loads(lines[1]).get("ts", 0)  # a block older than its parent: py-evm refuses it
    journal.write_text("".join([*lines[:cut], json.dumps(bad) + "\n", *lines[cut:]]))
    (tmp_path / "embedded-chain.snapshot").unlink()  # written at close; a crash leaves none this late

    refused = _serve_once(tmp_path, "embedded", 1)
    said = " ".join((refused.stdout + refused.stderr).split())
    assert refused.returncode == 2, said
    assert f"line {cut + 1}: block" in said and "cannot be replayed" in said and "repair-journal" in said
    assert "Traceback" not in said

    repair = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "repair-journal", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert repair.returncode == 0, repair.stdout + repair.stderr
    assert len(_journal_lines(journal)) == cut
    assert list(tmp_path.glob("embedded-chain.jsonl.broken-*"))

    with gateway_on(tmp_path) as (api, runtime):
        assert api.get("/v1/health", None).json()["status"] == "ok"  # the outbox sent the rest again
        for bill_id in bills:
            assert runtime.system.bills.bill(bill_id).status.name == "ISSUED"
        body = api.ok(api.get("/v1/bills?limit=10"))
        assert [b["id"] for b in body["items"]] == bills
