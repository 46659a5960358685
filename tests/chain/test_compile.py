"""Artifacts are reproducible: recompiling gives the committed ones, byte for byte; and they run on every
chain a consortium runs (Paris rules: no PUSH0, MCOPY, transient storage or blob opcodes)."""

from __future__ import annotations

import json

import pytest

from chain.artifacts import ARTIFACTS_DIR, load_artifact
from chain.compile import EVM_VERSION, compile_contracts

#: opcodes of Shanghai (PUSH0) and Cancun (TLOAD, TSTORE, MCOPY, BLOBHASH, BLOBBASEFEE): geth's Clique,
#: GoQuorum and London/Paris networks refuse them
AFTER_PARIS = {0x5F: "PUSH0", 0x5C: "TLOAD", 0x5D: "TSTORE", 0x5E: "MCOPY", 0x49: "BLOBHASH", 0x4A: "BLOBBASEFEE"}


def without_metadata(code: bytes) -> bytes:
    """The code before solc's CBOR metadata (its length is in the last two bytes)."""
    return code[: len(code) - 2 - int.from_bytes(code[-2:], "big")]


def opcodes(code: bytes) -> list[int]:
    """The opcodes of `code`, PUSH data skipped."""
    found, i = [], 0
    while i < len(code):
        op = code[i]
        found.append(op)
        i += 1 + (op - 0x5F if 0x60 <= op <= 0x7F else 0)
    return found


@pytest.mark.slow
def test_recompiling_reproduces_the_committed_artifacts() -> None:
    artifacts, build_info = compile_contracts()
    for name, artifact in artifacts.items():
        committed = json.loads((ARTIFACTS_DIR / f"{name}.json").read_text())
        assert artifact.to_json() == committed, f"{name}: run `billchain compile` and commit chain/artifacts/"
    assert build_info["input"]["settings"]["evmVersion"] == EVM_VERSION == "paris"
    assert set(build_info["output"]["sources"]) == set(build_info["input"]["sources"])


@pytest.mark.parametrize("name", ["ParticipantRegistry", "DigitalCash", "BillRegistry", "BaselineERC721"])
def test_no_opcode_newer_than_paris(name: str) -> None:
    artifact = load_artifact(name)
    for code in (artifact.bytecode, artifact.deployed_bytecode):
        newer = {AFTER_PARIS[op] for op in opcodes(without_metadata(bytes.fromhex(code[2:]))) if op in AFTER_PARIS}
        assert not newer, f"{name} uses {sorted(newer)}"


def test_the_opcode_scan_sees_push0() -> None:
    assert 0x5F in opcodes(bytes([0x60, 0x5F, 0x5F, 0x00])) and opcodes(bytes([0x60, 0x5F])) == [0x60]
