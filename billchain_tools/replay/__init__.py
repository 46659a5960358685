"""Scenario replay (SCENARIOS.md): the format, the engine, targets, reports, and the library."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

#: the scenario library, shipped as package data (scripts/scenarios links here in a checkout)
LIBRARY = Path(str(files("billchain_tools.replay") / "scenarios"))
