"""What `billchain replay` does: validate every file, run each scenario, report, pick the exit status."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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


def _target(target: str, operator_token: str | None, regulator_token: str | None = None) -> Target:
    if target == "embedded":
        return EmbeddedTarget()
    if not operator_token:
        raise ScenarioInvalid(Path(target), "a URL target needs --operator-token or BILLCHAIN_OPERATOR_TOKEN")
    return HttpTarget(target, operator_token, regulator_token)


def _moves_the_clock(scenario: Scenario) -> bool:
    return any(step.action == "advance_time" for step in scenario.steps)


def _side_by_side(
    scenarios: list[tuple[Path, Scenario]],
    jobs: int,
    replay_one: Callable[[Path, Scenario], ScenarioResult],
    fail_fast: bool,
) -> list[ScenarioResult]:
    """`jobs` scenarios at a time (their ids are suffixed per replay, so they never meet), results in file
    order. A scenario that advances the chain's clock would mature the bills of those beside it: those run
    one at a time, after the others."""
    together = [(path, s) for path, s in scenarios if not _moves_the_clock(s)]
    alone = [(path, s) for path, s in scenarios if _moves_the_clock(s)]
    done: dict[Path, ScenarioResult] = {}
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="replay") as pool:
        futures = {path: pool.submit(replay_one, path, s) for path, s in together}
        for path, future in futures.items():
            done[path] = future.result()
            if fail_fast and not done[path].passed:
                for rest in futures.values():
                    rest.cancel()
                return [done[p] for p, _ in scenarios if p in done]
    for path, scenario in alone:
        done[path] = replay_one(path, scenario)
        if fail_fast and not done[path].passed:
            break
    return [done[p] for p, _ in scenarios if p in done]


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
    jobs: int = 1,
    regulator_token: str | None = None,
) -> int:
    """Replay `paths`; `jobs` scenarios at a time against a URL target (a real network's blocks are
    seconds apart: one scenario at a time would wait for each)."""
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
        if jobs > 1 and target == "embedded":
            raise ScenarioInvalid(
                Path(target), "--jobs is for running gateways: each embedded scenario has its own chain"
            )
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

        def replay_one(path: Path, scenario: Scenario) -> ScenarioResult:
            progress.update(task, description=scenario.name[:40])
            runner = _target(target, operator_token, regulator_token)
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
                return replayer.run(lambda: progress.advance(task))
            finally:
                runner.close()
                for other in others.values():
                    other.close()

        try:
            if jobs == 1:
                for path, scenario in scenarios:
                    results.append(replay_one(path, scenario))
                    if fail_fast and not results[-1].passed:
                        break
            else:
                results.extend(_side_by_side(scenarios, jobs, replay_one, fail_fast))
        except ScenarioInvalid as exc:
            print(f"invalid target: {exc}", file=sys.stderr)
            return EXIT_INVALID
    print_results(console, results, quiet)
    if junit:
        write_junit(junit, results)
    if json_report:
        write_json(json_report, target, results)
    passed = sum(r.passed for r in results)
    console.print(f"{passed} passed, {len(results) - passed} failed", markup=False, highlight=False)
    return EXIT_PASSED if passed == len(results) else EXIT_FAILED
