"""What `billchain replay` does: validate every file, run each scenario, report, pick the exit status."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from billchain_tools.replay.engine import Replayer, ScenarioResult
from billchain_tools.replay.placement import PlacementInvalid, load_placement
from billchain_tools.replay.report import print_results, write_json, write_junit
from billchain_tools.replay.scenario import Scenario, ScenarioInvalid, json_schema, load
from billchain_tools.replay.targets import EmbeddedTarget, HttpTarget, Target

EXIT_PASSED, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


def scenario_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")) if path.is_dir() else [path])
    return files


def _target(target: str, operator_token: str | None) -> Target:
    if target == "embedded":
        return EmbeddedTarget()
    if not operator_token:
        raise ScenarioInvalid(Path(target), "a URL target needs --operator-token or BILLCHAIN_OPERATOR_TOKEN")
    return HttpTarget(target, operator_token)


def run_replay(
    paths: list[Path],
    target: str,
    operator_token: str | None,
    junit: Path | None,
    json_report: Path | None,
    fail_fast: bool,
    quiet: bool,
    schema: bool,
    console: Console,
    self_custody: bool = False,
    placement_file: Path | None = None,
) -> int:
    if schema:
        print(json.dumps(json_schema(), indent=2))
        return EXIT_PASSED
    errors = Console(stderr=True)
    files = scenario_files(paths)
    if not files:
        print("no scenario files found", file=sys.stderr)
        return EXIT_INVALID
    scenarios: list[tuple[Path, Scenario]] = []
    try:
        for path in files:
            scenarios.append((path, load(path)))
        if target != "embedded" and not target.startswith(("http://", "https://")):
            raise ScenarioInvalid(Path(target), "the target is `embedded` or an http(s) URL")
    except ScenarioInvalid as exc:
        print(f"invalid scenario: {exc}", file=sys.stderr)
        return EXIT_INVALID
    placement = None
    if placement_file is not None:
        try:
            placement = load_placement(placement_file)
            if target == "embedded" and placement.gateways:
                raise PlacementInvalid("other gateways join a shared chain: the target is then the operator's URL")
        except PlacementInvalid as exc:
            print(f"invalid placement: {exc}", file=sys.stderr)
            return EXIT_INVALID
    results: list[ScenarioResult] = []
    total = sum(len(s.steps) for _, s in scenarios)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
        disable=quiet or not sys.stderr.isatty(),
    ) as progress:
        task = progress.add_task("replaying", total=total)
        for path, scenario in scenarios:
            progress.update(task, description=scenario.name[:40])
            try:
                runner = _target(target, operator_token)
            except ScenarioInvalid as exc:
                print(f"invalid target: {exc}", file=sys.stderr)
                return EXIT_INVALID
            others = (
                {
                    name: HttpTarget(spec.url, placement.operator_token(name))
                    for name, spec in placement.gateways.items()
                }
                if placement is not None
                else {}
            )
            try:
                replayer = Replayer(scenario, path, runner, self_custody, placement, dict(others))
                results.append(replayer.run(lambda: progress.advance(task)))
            finally:
                runner.close()
                for other in others.values():
                    other.close()
            if fail_fast and not results[-1].passed:
                break
    print_results(console, results, quiet)
    if junit:
        write_junit(junit, results)
    if json_report:
        write_json(json_report, target, results)
    passed = sum(r.passed for r in results)
    console.print(f"{passed} passed, {len(results) - passed} failed", markup=False, highlight=False)
    return EXIT_PASSED if passed == len(results) else EXIT_FAILED
