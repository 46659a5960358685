"""Artifacts are reproducible: recompiling gives the committed ones, byte for byte; and they run on every
chain a consortium runs (Paris rules: no PUSH0, MCOPY, transient storage or blob opcodes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import chain.compile as compile_module
from chain.artifacts import ARTIFACTS_DIR, ENUMS_FILE, ERRORS_FILE, CompileError, load_artifact
from chain.compile import EVM_VERSION, compile_contracts, enums_of, error_codes_of

# one xdist worker for the module: its tests share one compilation (about 40-85 s of solcjs; found in
# chain/compile.py COMPILE_CACHE when make lint compiled the same sources with the same compiler)
pytestmark = pytest.mark.xdist_group("compile")

#: opcodes of Shanghai (PUSH0) and Cancun (TLOAD, TSTORE, MCOPY, BLOBHASH, BLOBBASEFEE): geth's Clique,
#: GoQuorum and London/Paris networks refuse them
AFTER_PARIS = {0x5F: "PUSH0", 0x5C: "TLOAD", 0x5D: "TSTORE", 0x5E: "MCOPY", 0x49: "BLOBHASH", 0x4A: "BLOBBASEFEE"}


INVALID = 0xFE


def opcodes(code: bytes) -> list[int]:
    """The opcodes of `code`'s code section, PUSH data skipped. The section ends at the INVALID solc (via IR)
    puts after it: what follows is data, never run (the runtime code inside a creation code, constants the
    optimizer moved out of the code, such as an event's topic used in several places, and the metadata)."""
    found, i = [], 0
    while i < len(code) and code[i] != INVALID:
        op = code[i]
        found.append(op)
        i += 1 + (op - 0x5F if 0x60 <= op <= 0x7F else 0)
    return found


@pytest.fixture(scope="module")
def compiled() -> tuple[dict[str, Any], dict[str, Any]]:
    return compile_contracts()


@pytest.mark.slow
def test_recompiling_reproduces_the_committed_artifacts(compiled: tuple[dict[str, Any], dict[str, Any]]) -> None:
    artifacts, build_info = compiled
    for name, artifact in artifacts.items():
        committed = json.loads((ARTIFACTS_DIR / f"{name}.json").read_text())
        assert artifact.to_json() == committed, f"{name}: run `billchain compile` and commit chain/artifacts/"
    assert build_info["input"]["settings"]["evmVersion"] == EVM_VERSION == "paris"
    assert set(build_info["output"]["sources"]) == set(build_info["input"]["sources"])
    assert json.loads((ARTIFACTS_DIR / ENUMS_FILE).read_text()) == enums_of(build_info)
    assert json.loads((ARTIFACTS_DIR / ERRORS_FILE).read_text()) == error_codes_of(build_info)  # the @dev codes


def _functions(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        found = [node] if node.get("nodeType") == "FunctionDefinition" else []
        return found + [f for value in node.values() for f in _functions(value)]
    if isinstance(node, list):
        return [f for value in node for f in _functions(value)]
    return []


@pytest.mark.slow
def test_every_external_function_says_what_its_parameters_and_results_are(
    compiled: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    """NatSpec @param for every named parameter and @return for every result, or @inheritdoc."""
    _, build_info = compiled
    missing = []
    for unit, source in build_info["output"]["sources"].items():
        if not unit.startswith("contracts/") or "/baseline/" in unit:
            continue
        for fn in _functions(source["ast"]):
            if fn.get("visibility") not in ("external", "public") or fn.get("kind") != "function":
                continue
            doc = (fn.get("documentation") or {}).get("text", "")
            if "@inheritdoc" in doc:
                continue
            params = [p["name"] for p in fn["parameters"]["parameters"] if p["name"]]
            lacks = [p for p in params if f"@param {p}" not in doc]
            if doc.count("@return") < len(fn["returnParameters"]["parameters"]):
                lacks.append("@return")
            if lacks or "@notice" not in doc:
                missing.append(f"{unit}: {fn['name']} {lacks or ['@notice']}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize(
    "name", ["ParticipantRegistry", "DigitalCash", "BillRegistry", "OperationRelay", "OwnedWallet", "BaselineERC721"]
)
def test_no_opcode_newer_than_paris(name: str) -> None:
    artifact = load_artifact(name)
    for code in (artifact.bytecode, artifact.deployed_bytecode):
        newer = {AFTER_PARIS[op] for op in opcodes(bytes.fromhex(code[2:])) if op in AFTER_PARIS}
        assert not newer, f"{name} uses {sorted(newer)}"


def test_the_opcode_scan_sees_push0() -> None:
    assert 0x5F in opcodes(bytes([0x60, 0x5F, 0x5F, 0x00])) and opcodes(bytes([0x60, 0x5F])) == [0x60]
    assert opcodes(bytes([0x60, 0xFE, 0x5F, 0xFE, 0x5F])) == [0x60, 0x5F]  # a PUSH's 0xFE is data


def test_a_compiler_output_is_kept_under_its_input_and_compiler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """make lint's `billchain compile` and this module's compilation run solcjs once between them: the second
    finds the first's output under the hash of its input and compiler; another input, or a failed compilation's
    retry, runs the compiler."""
    monkeypatch.setattr(compile_module, "COMPILE_CACHE", tmp_path / "solc")
    monkeypatch.setattr(compile_module, "_native_solc", lambda: None)
    runs: list[dict[str, Any]] = []
    failing = {"errors": [{"severity": "error", "message": "boom"}]}

    def solcjs(data: dict[str, Any]) -> tuple[dict[str, Any], str]:
        runs.append(data)
        return (failing if data.get("fail") else {"contracts": {}, "run": len(runs)}), "0.8.28+commit"

    monkeypatch.setattr(compile_module, "_run_solcjs", solcjs)
    first = compile_module._compile({"sources": 1})
    assert compile_module._compile({"sources": 1}) == first and len(runs) == 1
    assert compile_module._compile({"sources": 2})[0]["run"] == 2
    for _ in range(2):
        with pytest.raises(CompileError, match="boom"):
            compile_module._compile({"fail": True})
    assert len(runs) == 4  # a failure is not kept
    monkeypatch.setattr(compile_module, "_compiler", lambda: ("solcjs 0.8.29", None))
    assert compile_module._compile({"sources": 1})[0]["run"] == 5  # another compiler: compiled again
    monkeypatch.setattr(compile_module, "COMPILE_CACHE_KEEPS", 2)
    compile_module._compile({"sources": 3})
    assert len(list((tmp_path / "solc").glob("*.json"))) == 2  # the most recently used kept
    (tmp_path / "a file").write_text("")
    monkeypatch.setattr(compile_module, "COMPILE_CACHE", tmp_path / "a file" / "solc")  # cannot be made
    assert compile_module._compile({"sources": 4})[0]["run"] == 7  # compiled all the same, not kept
