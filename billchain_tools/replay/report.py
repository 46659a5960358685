"""The replay's outputs: result tables, JUnit XML, the JSON report."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from billchain_tools.replay.engine import ScenarioResult

STYLE = {"passed": "green", "failed": "bold red", "skipped": "dim"}


def table(result: ScenarioResult) -> Table:
    verdict = "[green]passed[/green]" if result.passed else "[bold red]FAILED[/bold red]"
    out = Table(title=f"{result.name} — {verdict}", title_justify="left")
    for column in ("step", "action", "actor", "outcome", "ms", "gas"):
        out.add_column(column, justify="right" if column in ("step", "ms", "gas") else "left")
    for s in result.steps:
        outcome = f"[{STYLE[s.outcome]}]{s.outcome}[/]" + (f": {s.message}" if s.message else "")
        out.add_row(
            str(s.index),
            s.action,
            s.actor or "",
            outcome,
            "" if s.ms is None else f"{s.ms:.0f}",
            "" if s.gas is None else f"{s.gas:,}",
        )
    return out


def print_results(console: Console, results: list[ScenarioResult], quiet: bool) -> None:
    for result in results:
        if not quiet or not result.passed:
            console.print(table(result))
        if failure := result.failure:
            line = f"FAILED {result.name} ({result.file}): step {failure.index} ({failure.action}): {failure.message}"
            console.print(line, markup=False, highlight=False, soft_wrap=True)


def write_json(path: Path, target: str, results: list[ScenarioResult]) -> None:
    passed = sum(r.passed for r in results)
    report: dict[str, Any] = {
        "target": target,
        "passed": passed,
        "failed": len(results) - passed,
        "scenarios": [r.to_json() for r in results],
    }
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_junit(path: Path, results: list[ScenarioResult]) -> None:
    failures = sum(not r.passed for r in results)
    suite = ET.Element("testsuite", name="billchain scenarios", tests=str(len(results)), failures=str(failures))
    for r in results:
        seconds = sum(s.ms or 0 for s in r.steps) / 1000
        case = ET.SubElement(suite, "testcase", classname=Path(r.file).stem, name=r.name, time=f"{seconds:.3f}")
        if failure := r.failure:
            node = ET.SubElement(case, "failure", message=f"step {failure.index} ({failure.action}): {failure.message}")
            node.text = "\n".join(f"{s.index} {s.action} {s.outcome} {s.message}" for s in r.steps)
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
