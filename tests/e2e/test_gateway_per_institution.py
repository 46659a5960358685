"""A gateway per institution (issue 14, docs/GATEWAYS.md): two `billchain serve` processes on one anvil,
each with its own data dir and database, each holding only its own keys.

Gateway A deployed the platform and is the operator's: it serves the regulator, the bank and the core
enterprise (their keys hosted there). Gateway B joined A's platform from A's /v1/health answer: it serves
supplier 1 (its key hosted at B, made there before the onboarding) and supplier 2 (self-custody: it signs
here, B relays). The operator onboards everyone once, at A. The headline story runs across them: a bill
drawn through A to supplier 1 appears at B and is received there; the discount supplier 2 asks through B
appears at A, where the bank signs it; the bank pays through A. Then both indexes equal an index read
from the chain afresh, and neither gateway can act for the other's participants.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from billchain_client import BillchainClient
from billchain_tools.harness import Gateway
from billchain_tools.replay import LIBRARY
from chain.backends.anvil import AnvilBackend
from chain.deploy import contracts_at
from gateway.core.db import Database
from gateway.ledger.indexer import Indexer
from tests.indexes import index_rows
from tests.stories import story_across

pytestmark = [pytest.mark.anvil, pytest.mark.slow]
HEADLINE = "01-three-tier-supply-chain.yaml"


def test_two_gateways_share_one_platform_and_the_headline_story_runs_across_them(tmp_path: Path) -> None:
    node = AnvilBackend(tmp_path / "node")
    try:
        with Gateway(tmp_path / "a" / "data", node.url, None) as a:
            health = httpx.get(f"{a.url}/v1/health").json()
            book = tmp_path / "platform.json"
            book.write_text(json.dumps(health))
            with Gateway(tmp_path / "b" / "data", node.url, None, contracts=book) as b:
                assert httpx.get(f"{b.url}/v1/health").json()["contracts"] == health["contracts"]  # joined
                story_across(a, b)
                indexes = {g.url: index_rows(_database(g), directory=True) for g in (a, b)}
            fresh = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
            Indexer(node, contracts_at(node, health["contracts"]), fresh).catch_up()
            from_chain = index_rows(fresh, directory=True)
        assert from_chain["bills"] and from_chain["transfers"] and len(from_chain["participants"]) == 5
        assert list(indexes.values()) == [from_chain, from_chain]
        # each holds its own keys, and only those
        assert _keys(tmp_path / "a") == {"operator", "relayer", "regulator", "bank", "core"}
        assert _keys(tmp_path / "b") == {"operator", "relayer", "supplier1"}
    finally:
        node.close()


def _database(gateway: Gateway) -> Database:
    return Database(f"sqlite:///{gateway.data_dir / 'gateway.db'}")


def _keys(data_dir: Path) -> set[str]:
    return {path.stem for path in data_dir.rglob("keys/*.json")}


def test_the_headline_scenario_replays_across_two_gateways(tmp_path: Path) -> None:
    """SCENARIOS.md's headline story with its suppliers at bank B's gateway (tier 1 hosted there, tier 2
    signing for itself) and the core enterprise in self-custody at the operator's gateway."""
    node = AnvilBackend(tmp_path / "node")
    try:
        with Gateway(tmp_path / "a" / "data", node.url, None) as a:
            book = tmp_path / "platform.json"
            book.write_text(httpx.get(f"{a.url}/v1/health").text)
            with Gateway(tmp_path / "b" / "data", node.url, None, contracts=book) as b:
                placement = tmp_path / "gateways.yaml"
                placement.write_text(
                    "gateways:\n"
                    f"  bank-b: {{url: '{b.url}', operator_token_env: BANK_B_TOKEN}}\n"
                    "participants:\n"
                    "  t1: {gateway: bank-b}\n"
                    "  t2: {gateway: bank-b, custody: self}\n"
                    "  core: {custody: self}\n"
                )
                report = tmp_path / "replay.json"
                replay = [sys.executable, "-m", "gateway.cli", "replay", str(LIBRARY / HEADLINE)]
                replay += ["--target", a.url, "--operator-token", a.token, "--gateways", str(placement)]
                replay += ["--regulator-token", a.first_regulator()]
                env = {**os.environ, "BANK_B_TOKEN": b.token}
                done = subprocess.run(
                    [*replay, "--json", str(report)], capture_output=True, text=True, env=env, timeout=600
                )
                assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
                served_at_b = BillchainClient(b.url, b.token).get("/v1/participants", limit=500)["items"]
        (result,) = json.loads(report.read_text())["scenarios"]
        assert result["passed"] and len(result["steps"]) > 10
        custody = {p["id"].rsplit("-", 1)[0]: p["custody"] for p in served_at_b}
        assert custody == {
            "core": "elsewhere",
            "t1": "hosted",
            "t2": "self",
            "bank": "elsewhere",
            "watch": "elsewhere",
            "watchdog": "elsewhere",  # the platform's first regulator: it approves the scenario's
        }
        assert _keys(tmp_path / "b") == {
            "operator",
            "relayer",
            next(p["id"] for p in served_at_b if p["custody"] == "hosted"),
        }
    finally:
        node.close()
