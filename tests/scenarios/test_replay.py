"""`billchain replay`: the library passes, wrong expectations fail naming the step, invalid files exit 2."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from billchain_tools.replay import LIBRARY
from billchain_tools.replay.scenario import ACTIONS
from gateway.cli import app
from tests.api.test_restart import TOKEN, serving

DOMAIN_CODES = {
    "NOT_PARTY",
    "INVALID_STATE",
    "NOT_TRANSFERABLE",
    "MATURED",
    "NOT_MATURE",
    "FROZEN",
    "PARTICIPANT_FROZEN",
    "INSUFFICIENT_CASH",
    "DOCUMENT_ALREADY_USED",
    "INVALID_RECOURSE_TARGET",
    "INVALID_COUNTERPARTY",
    "VALIDATION_ERROR",
    "ACCEPTOR_OVERDUE",
}
runner = CliRunner()


def replay(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["replay", *args], env={"COLUMNS": "200"})
    return result.exit_code, result.output


def scenario_file(tmp_path: Path, steps: list[dict[str, object]], name: str = "story.yaml") -> Path:
    path = tmp_path / name
    path.write_text(
        yaml.safe_dump(
            {
                "name": "a small story",
                "participants": {
                    "core": {"role": "ENTERPRISE"},
                    "sup": {"role": "ENTERPRISE"},
                    "bank": {"role": "BANK"},
                },
                "steps": steps,
            }
        )
    )
    return path


BASE = [
    {
        "action": "issue",
        "as": "core",
        "save": "B",
        "with": {
            "kind": "BANK_ACCEPTANCE",
            "acceptor": "bank",
            "payee": "sup",
            "amount": "100.00",
            "maturity_date": "+30d",
        },
    },
    {"action": "accept", "as": "bank", "bill": "B"},
    {"action": "receive", "as": "sup", "bill": "B"},
]


def test_the_library_uses_every_action_and_every_problem_code() -> None:
    actions, codes = set(), set()
    for path in LIBRARY.glob("*.yaml"):
        for step in yaml.safe_load(path.read_text())["steps"]:
            actions.add(step.get("action"))
            codes.add((step.get("expect") or {}).get("error"))
    assert set(ACTIONS) <= actions
    assert codes >= DOMAIN_CODES
    assert len(list(LIBRARY.glob("*.yaml"))) >= 12


@pytest.mark.slow
def test_the_library_passes_on_the_embedded_target(tmp_path: Path) -> None:
    code, output = replay(
        str(LIBRARY), "--quiet", "--json", str(tmp_path / "r.json"), "--junit", str(tmp_path / "r.xml")
    )
    assert code == 0, output
    count = len(list(LIBRARY.glob("*.yaml")))
    assert output.strip().splitlines()[-1] == f"{count} passed, 0 failed"
    report = json.loads((tmp_path / "r.json").read_text())
    writes = [s for sc in report["scenarios"] for s in sc["steps"] if s["gas"]]
    assert writes and all(s["tx_hash"].startswith("0x") and s["ms"] > 0 and s["gas"] > 21_000 for s in writes)
    suite = ET.parse(tmp_path / "r.xml").getroot()
    assert suite.get("tests") == str(count) and suite.get("failures") == "0" and len(suite.findall("testcase")) == count


@pytest.mark.slow
def test_the_library_passes_with_every_participant_in_self_custody(tmp_path: Path) -> None:
    """Every participant's key is made by the replayer; the gateway relays what it signs (docs/SIGNING.md):
    the same answers, the same problems, for every scenario of the library."""
    code, output = replay(str(LIBRARY), "--self-custody", "--quiet", "--json", str(tmp_path / "r.json"))
    assert code == 0, output
    assert output.strip().splitlines()[-1] == f"{len(list(LIBRARY.glob('*.yaml')))} passed, 0 failed"
    report = json.loads((tmp_path / "r.json").read_text())
    writes = [s for sc in report["scenarios"] for s in sc["steps"] if s["gas"]]
    assert writes and all(s["gas"] > 21_000 for s in writes)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            [
                {
                    "action": "discount",
                    "as": "sup",
                    "bill": "B",
                    "save": "D",
                    "with": {"bank": "bank", "annual_rate": "0.02"},
                },
                {"check": {"transfer": {"D": {"price": "100.00"}}}},
            ],
            "price '99.83', expected '100.00'",
        ),
        (
            [{"action": "endorse", "as": "sup", "bill": "B", "with": {"to": "core"}, "expect": {"error": "NOT_PARTY"}}],
            "expected error NOT_PARTY, got 201 (success)",
        ),
        ([{"check": {"range": {"B": {"holder": "core"}}}}], "holder"),
        ([{"action": "pay", "as": "bank", "bill": "B"}], "expected success, got 409 INVALID_STATE"),
        ([{"check": {"guarantees": {"B": 1}}}], "bill B: 0 signed guarantees, expected 1"),
        (
            [{"check": {"participant": {"bank": {"persistently_overdue": True}}}}],
            "bank: persistently_overdue False (0 overdue events in 180 days), expected True",
        ),
        ([{"check": {"participant": {"sup": {"recovery": "approved"}}}}], "sup: key recovery none, expected approved"),
        (
            [{"action": "endorse", "as": "sup", "key": "old", "bill": "B", "with": {"to": "core"}}],
            "key: old, but no key recovery of sup took effect",
        ),
    ],
    ids=[
        "wrong price",
        "error expected but succeeds",
        "wrong holder",
        "unexpected error",
        "wrong guarantees",
        "not overdue",
        "no recovery",
        "no old key",
    ],
)
def test_a_wrong_expectation_fails_with_exit_1_naming_the_step(
    tmp_path: Path, extra: list[dict[str, object]], message: str
) -> None:
    code, output = replay(
        str(scenario_file(tmp_path, [*BASE, *extra, {"action": "cancel", "as": "core", "bill": "B"}])), "--quiet"
    )
    assert code == 1, output
    failing = len(BASE) + len(extra)
    assert f"step {failing} (" in output and message in output
    assert output.strip().splitlines()[-1] == "0 passed, 1 failed"


def test_a_following_step_is_skipped_and_the_next_scenario_still_runs(tmp_path: Path) -> None:
    bad = scenario_file(
        tmp_path,
        [*BASE, {"action": "pay", "as": "bank", "bill": "B"}, {"action": "cancel", "as": "core", "bill": "B"}],
        "a.yaml",
    )
    good = scenario_file(tmp_path, BASE, "b.yaml")
    code, output = replay(str(bad), str(good), "--json", str(tmp_path / "r.json"))
    assert code == 1
    report = json.loads((tmp_path / "r.json").read_text())
    assert [s["outcome"] for s in report["scenarios"][0]["steps"]][-2:] == ["failed", "skipped"]
    assert report["scenarios"][1]["passed"] is True and output.strip().endswith("1 passed, 1 failed")
    code, output = replay(str(bad), str(good), "--fail-fast", "--quiet")
    assert code == 1 and output.strip().endswith("0 passed, 1 failed")


@pytest.mark.parametrize(
    ("steps", "where"),
    [
        ([{"action": "fly", "as": "core"}], "step 1, field action"),
        ([{"action": "issue", "with": {}}], "step 1"),
        ([*BASE, {"action": "accept", "as": "bank"}], "step 4"),
        ([{"action": "issue", "as": "core", "colour": "red"}], "step 1, field colour"),
        ([{"action": "issue", "as": "nobody"}], "unknown participant"),
        ([{"action": "approve_recovery", "as": "bank", "with": {}}], "needs with: {participant: ALIAS}"),
        ([{"action": "advance_time", "key": "old", "with": {"days": 1}}], "'key' picks a participant's key"),
        ([{"action": "seize", "as": "bank", "bill": "B", "save": "S", "key": "new"}], "step 1, field key"),
    ],
)
def test_an_invalid_file_exits_2_naming_file_step_and_field(
    tmp_path: Path, steps: list[dict[str, object]], where: str
) -> None:
    path = scenario_file(tmp_path, steps)
    result = runner.invoke(app, ["replay", str(path)])
    assert result.exit_code == 2
    assert str(path) in result.output and where in result.output


def test_not_yaml_and_no_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [unclosed")
    assert runner.invoke(app, ["replay", str(broken)]).exit_code == 2
    assert runner.invoke(app, ["replay", str(tmp_path / "empty-dir-that-does-not-exist")]).exit_code == 2


def test_the_published_schema_is_the_models() -> None:
    published = json.loads((LIBRARY / "scenario.schema.json").read_text())
    result = runner.invoke(app, ["replay", "--schema", "."])
    assert json.loads(result.output) == published


@pytest.mark.slow
def test_replay_against_a_running_gateway_with_unique_ids(tmp_path: Path) -> None:
    # 19: two regulators approved with --regulator-token, a court order's document unique to each run;
    # 20: a participant in self-custody recovered to a new key the replayer made, on the gateway's dev chain
    names = ("01-three-tier-supply-chain.yaml", "08-freeze.yaml", "19-court-order-seizure.yaml", "20-key-recovery.yaml")
    files = [str(LIBRARY / name) for name in names]
    with serving(tmp_path / "served") as (client, _):
        url = str(client.base_url)
        env = {**os.environ, "BILLCHAIN_OPERATOR_TOKEN": TOKEN}
        first = {"id": "watchdog", "name": "watchdog", "role": "REGULATOR"}
        watchdog = client.post("/v1/participants", json=first, headers={"Authorization": f"Bearer {TOKEN}"}).json()
        assert watchdog["status"] == "ACTIVE"  # the platform's first regulator; each scenario's starts PENDING
        result = runner.invoke(app, ["replay", files[1], "--target", url, "--quiet"], env=env)
        assert result.exit_code == 1 and "--regulator-token" in result.output, result.output
        env["BILLCHAIN_REGULATOR_TOKEN"] = watchdog["api_token"]
        for jobs in ("1", "2"):  # twice on the same gateway: ids never collide; then side by side, too
            result = runner.invoke(app, ["replay", *files, "--target", url, "--quiet", "--jobs", jobs], env=env)
            assert result.exit_code == 0, result.output
            assert result.output.strip().splitlines()[-1] == f"{len(files)} passed, 0 failed"


def test_jobs_are_for_running_gateways() -> None:
    code, out = replay(str(LIBRARY / "08-freeze.yaml"), "--jobs", "2")
    assert code == 2 and "--jobs is for running gateways" in out, out
