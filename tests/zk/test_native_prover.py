"""The native prover (prover/): its proofs are snarkjs's own kind, checked by snarkjs against the ceremony's
verification key; it proves only with a zkey whose hash is the ceremony transcript's, and it answers every bad
request with its reason and goes on serving.

Every confidential test on chain proves with it too (the `prover` fixture), so the contract's verifier takes
its proofs for all five circuits there.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from chain.zk.circuits import Keys
from chain.zk.prover import Proven, Prover, native_prover
from chain.zk.toolchain import ToolError, sha256_file, snarkjs

pytestmark = pytest.mark.slow  # proofs: make test, not the inner loop


@pytest.fixture(scope="module")
def native() -> Path:
    found = native_prover()
    assert found is not None, "the native prover is not built: `make setup` builds it"
    return found


def _snarkjs_verifies(keys: Keys, circuit: str, proven: Proven, tmp_path: Path) -> bool:
    """snarkjs's own `groth16 verify` of `proven` (turned back into its JSON) against the ceremony's key."""
    (b0, b1) = proven.proof.b
    proof = {
        "pi_a": [str(v) for v in proven.proof.a] + ["1"],
        "pi_b": [[str(b0[1]), str(b0[0])], [str(b1[1]), str(b1[0])], ["1", "0"]],
        "pi_c": [str(v) for v in proven.proof.c] + ["1"],
        "protocol": "groth16",
        "curve": "bn128",
    }
    (tmp_path / "proof.json").write_text(json.dumps(proof))
    (tmp_path / "public.json").write_text(json.dumps([str(s) for s in proven.signals]))
    try:
        snarkjs("groth16", "verify", keys.vkey(circuit), tmp_path / "public.json", tmp_path / "proof.json")
    except ToolError:
        return False
    return True


def test_its_proofs_verify_with_snarkjs_and_not_with_a_changed_signal(
    dev_keys: Keys, native: Path, tmp_path: Path
) -> None:
    with Prover(dev_keys, native) as prover:
        owner, viewing = prover.keypair(), prover.keypair()
        minted = prover.mint(5_00, owner.pk, viewing.pk)
        again = prover.mint(5_00, owner.pk, viewing.pk)
    assert _snarkjs_verifies(dev_keys, "cash_mint", minted, tmp_path)
    # a fresh r and s each proof: two proofs never share their points
    assert minted.proof.a != again.proof.a and minted.proof.c != again.proof.c
    changed = Proven(minted.proof, [minted.signals[0] + 1, *minted.signals[1:]], minted.notes)
    assert not _snarkjs_verifies(dev_keys, "cash_mint", changed, tmp_path)


def test_a_bad_request_is_answered_with_its_reason_and_the_next_one_still_served(dev_keys: Keys, native: Path) -> None:
    zkey, sha = str(dev_keys.zkey("cash_mint")), dev_keys.zkey_sha256("cash_mint")
    wasm = dev_keys.wasm("cash_mint")
    requests = [
        "not json",
        json.dumps({"zkey": "/nonexistent.zkey", "zkey_sha256": sha, "witness": "00"}),
        json.dumps({"zkey": zkey, "zkey_sha256": dev_keys.zkey_sha256("discount"), "witness": "00"}),  # another key
        json.dumps({"zkey": str(wasm), "zkey_sha256": sha256_file(wasm), "witness": "00"}),  # not a zkey
        json.dumps({"zkey": zkey, "zkey_sha256": sha, "witness": "zz"}),
        json.dumps({"zkey": zkey, "zkey_sha256": sha, "witness": b"wtns".hex() + "00" * 40}),  # a header, cut short
    ]
    done = subprocess.run(
        [str(native)], input="\n".join(requests) + "\n", capture_output=True, text=True, timeout=60, check=False
    )
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 0 and len(answers) == len(requests)
    assert all(set(a) == {"error"} for a in answers)
    assert "request" in answers[0]["error"] and "/nonexistent.zkey" in answers[1]["error"]
    assert "not the transcript's" in answers[2]["error"]
    assert "not a BN254 Groth16 zkey" in answers[3]["error"]
    assert all(a["error"].startswith("witness") for a in answers[4:])


def test_a_native_prover_that_cannot_run_fails_the_proof_with_its_reason(dev_keys: Keys) -> None:
    with Prover(dev_keys, Path("/bin/false")) as prover:
        owner = prover.keypair()  # no proof: the native prover is not started
        with pytest.raises(ToolError, match="native prover ended"):
            prover.mint(5_00, owner.pk, owner.pk)


def test_a_native_prover_that_dies_is_started_again_for_the_next_proof(
    dev_keys: Keys, native: Path, tmp_path: Path
) -> None:
    """One crash (an OOM kill, a panic) fails the proof it was making, not every proof after it."""
    crashed_once = tmp_path / "crashed"
    flaky = tmp_path / "flaky-prover"
    flaky.write_text(f"#!/bin/sh\n[ -e {crashed_once} ] && exec {native}\ntouch {crashed_once}\nread line\nexit 3\n")
    flaky.chmod(0o755)
    with Prover(dev_keys, flaky) as prover:
        owner = prover.keypair()
        with pytest.raises(ToolError, match=r"native prover ended \(3\)"):
            prover.mint(5_00, owner.pk, owner.pk)
        assert prover.mint(5_00, owner.pk, owner.pk).notes[0].value == 5_00


def test_a_hung_native_prover_fails_its_proof_in_time_and_is_ended(dev_keys: Keys, tmp_path: Path) -> None:
    """A prover that never answers holds no caller forever: the request fails after the timeout, and the Node
    process and the hung program are both ended (neither left running)."""
    pid_file = tmp_path / "pid"
    hung = tmp_path / "hung-prover"
    hung.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nexec sleep 600\n")
    hung.chmod(0o755)
    with Prover(dev_keys, hung, timeout_s=3) as prover:
        owner = prover.keypair()
        began = time.monotonic()
        with pytest.raises(ToolError, match="no answer in 3 s"):
            prover.mint(5_00, owner.pk, owner.pk)
        assert time.monotonic() - began < 15
        sleeper = int(pid_file.read_text())
        deadline = time.monotonic() + 5
        while Path(f"/proc/{sleeper}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not Path(f"/proc/{sleeper}").exists(), "the hung prover was left running"
        assert prover.keypair().sk > 0  # the next request starts the prover again
