"""Artifacts are reproducible: recompiling gives the committed ones, byte for byte."""

from __future__ import annotations

import json

import pytest

from chain.compile import ARTIFACTS_DIR, EVM_VERSION, compile_contracts


@pytest.mark.slow
def test_recompiling_reproduces_the_committed_artifacts() -> None:
    artifacts, build_info = compile_contracts()
    for name, artifact in artifacts.items():
        committed = json.loads((ARTIFACTS_DIR / f"{name}.json").read_text())
        assert artifact.to_json() == committed, f"{name}: run `billchain compile` and commit artifacts/"
    assert build_info["input"]["settings"]["evmVersion"] == EVM_VERSION == "cancun"
    assert set(build_info["output"]["sources"]) == set(build_info["input"]["sources"])
