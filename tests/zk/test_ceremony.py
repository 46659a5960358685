"""`billchain ceremony`'s steps on the tiny circuit: every member contributes, the result verifies, the
transcript names each contribution, and a key made without a contribution is not the ceremony's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chain.zk.ceremony import Transcript, run_ceremony
from chain.zk.circuits import build
from chain.zk.toolchain import ToolError, sha256_file, snarkjs

#: the ceremony runs once for the module, on one worker
pytestmark = [pytest.mark.xdist_group("zk-ceremony"), pytest.mark.slow]  # snarkjs ceremonies, in node processes

BEACON = "11" * 32
MEMBERS = ["operator", "bank-a", "regulator"]


@pytest.fixture(scope="module")
def ceremony(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Transcript]:
    out = tmp_path_factory.mktemp("ceremony")
    tiny = build("tiny", out / "build")
    assert tiny.constraints == 1
    return out, run_ceremony(out, {"tiny": tiny.r1cs}, 4, MEMBERS, BEACON)


def test_every_member_contributes_to_both_phases(ceremony: tuple[Path, Transcript]) -> None:
    out, transcript = ceremony
    assert [c.contributor for c in transcript.phase1] == MEMBERS
    assert [c.contributor for c in transcript.phase2["tiny"]] == MEMBERS
    hashes = [c.contribution_hash for c in transcript.phase1 + transcript.phase2["tiny"]]
    assert len(set(hashes)) == len(hashes) and all(len(h) == 128 for h in hashes)
    assert transcript.beacon == BEACON
    written = json.loads((out / "transcript.json").read_text())
    assert written["circuits"]["tiny"]["zkey_sha256"] == sha256_file(out / "keys" / "tiny.zkey")
    assert written["ptau_sha256"] == sha256_file(out / "pot_final.ptau")


def test_the_final_key_verifies_and_a_tampered_one_does_not(ceremony: tuple[Path, Transcript]) -> None:
    out, _ = ceremony
    zkey = out / "keys" / "tiny.zkey"
    snarkjs("zkey", "verify", out / "build" / "tiny.r1cs", out / "pot_final.ptau", zkey)
    # a key set up from the same phase 1 with no member's contribution is not the ceremony's key
    lone = out / "lone.zkey"
    snarkjs("groth16", "setup", out / "build" / "tiny.r1cs", out / "pot_final.ptau", lone)
    assert sha256_file(lone) != sha256_file(zkey)
    tampered = out / "tampered.zkey"
    data = bytearray(zkey.read_bytes())
    data[-100] ^= 0xFF
    tampered.write_bytes(bytes(data))
    with pytest.raises(ToolError):
        snarkjs("zkey", "verify", out / "build" / "tiny.r1cs", out / "pot_final.ptau", tampered)


def test_a_rerun_keeps_the_keys_of_an_unchanged_circuit(ceremony: tuple[Path, Transcript]) -> None:
    out, transcript = ceremony
    before = sha256_file(out / "keys" / "tiny.zkey")
    again = run_ceremony(out, {"tiny": out / "build" / "tiny.r1cs"}, 4, MEMBERS, BEACON)
    assert sha256_file(out / "keys" / "tiny.zkey") == before
    assert again.phase2["tiny"] == transcript.phase2["tiny"]


def test_a_ceremony_refuses_a_member_named_twice_and_a_bad_beacon(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="each named once"):
        run_ceremony(tmp_path, {}, 4, ["bank", "bank"], BEACON)
    with pytest.raises(ValueError, match="32 bytes"):
        run_ceremony(tmp_path, {}, 4, ["bank"], "not-hex")
