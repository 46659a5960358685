"""The multi-party trusted setup: `billchain ceremony` (docs/PRIVACY.md §6).

Phase 1 (powers of tau, BN254) and phase 2 (one per circuit) each take one contribution per
member, in turn, then a random beacon. Invariants:

- The setup's secret is the product of every contribution's secret: it stays unknown as long as
  one contributor destroyed its entropy. Each member's entropy comes from the OS (plus its own
  text, when it gives one) and reaches snarkjs on its stdin, never a command line or a file.
- Every file the ceremony ends with is verified by snarkjs against the files it came from
  (`powersoftau verify`, `zkey verify` against the circuit's own r1cs) before it is used.
- The transcript records, for each step, who contributed, when, and the contribution hash snarkjs
  printed, plus the r1cs, final zkey and verification-key hashes: anyone holding the files can
  check it, and a client checks the keys it is given against it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from chain.zk.toolchain import ToolError, package_version, sha256_file, snarkjs

#: 2^10 iterations of the beacon's hash, as snarkjs's documentation runs it
BEACON_ITERATIONS_EXP = "10"
#: powersoftau prints "Contribution Response Hash imported:", zkey "Contribution Hash:"
_HASH_BLOCK = re.compile(r"Contribution (?:Response )?Hash(?: imported)?:\s*((?:\s*[0-9a-f]{8}){16})")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_HEX = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Contribution:
    step: str  # "phase1" or the circuit's name
    contributor: str
    at: str
    contribution_hash: str


@dataclass
class Transcript:
    power: int
    snarkjs: str
    phase1: list[Contribution] = field(default_factory=list)
    phase2: dict[str, list[Contribution]] = field(default_factory=dict)
    beacon: str = ""
    ptau_sha256: str = ""
    circuits: dict[str, dict[str, str]] = field(default_factory=dict)

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2, sort_keys=True) + "\n")

    @classmethod
    def read(cls, path: Path) -> Transcript:
        data = json.loads(path.read_text())
        return cls(
            power=data["power"],
            snarkjs=data["snarkjs"],
            phase1=[Contribution(**c) for c in data["phase1"]],
            phase2={k: [Contribution(**c) for c in v] for k, v in data["phase2"].items()},
            beacon=data["beacon"],
            ptau_sha256=data["ptau_sha256"],
            circuits=data["circuits"],
        )


def _contribution_hash(output: str) -> str:
    found = _HASH_BLOCK.search(_ANSI.sub("", output))
    if found is None:
        raise ToolError(f"snarkjs printed no contribution hash:\n{output[-2000:]}")
    return "".join(found.group(1).split())


def _entropy() -> str:
    """A member's entropy, as snarkjs reads it from stdin: 64 random bytes from the OS, in hex."""
    return os.urandom(64).hex() + "\n"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _check_beacon(beacon: str) -> str:
    if not _HEX.match(beacon):
        raise ValueError("the beacon is 32 bytes in hex (64 lower-case digits), e.g. a block hash")
    return beacon


def phase1(work: Path, power: int, members: list[str], beacon: str, transcript: Transcript) -> Path:
    """Powers of tau of 2^power, one contribution per member, a beacon, prepared and verified."""
    _check_beacon(beacon)
    work.mkdir(parents=True, exist_ok=True)
    current = work / "pot_0000.ptau"
    snarkjs("powersoftau", "new", "bn128", str(power), current)
    for turn, member in enumerate(members, start=1):
        following = work / f"pot_{turn:04d}.ptau"
        out = snarkjs("powersoftau", "contribute", current, following, f"--name={member}", stdin=_entropy())
        transcript.phase1.append(Contribution("phase1", member, _now(), _contribution_hash(out.stdout)))
        current.unlink()
        current = following
    beaconed = work / "pot_beacon.ptau"
    snarkjs("powersoftau", "beacon", current, beaconed, beacon, BEACON_ITERATIONS_EXP, "--name=beacon")
    current.unlink()
    final = work / "pot_final.ptau"
    snarkjs("powersoftau", "prepare", "phase2", beaconed, final)
    beaconed.unlink()
    snarkjs("powersoftau", "verify", final)
    transcript.beacon = beacon
    transcript.ptau_sha256 = sha256_file(final)
    return final


def phase2(
    work: Path, name: str, r1cs: Path, ptau: Path, members: list[str], beacon: str, transcript: Transcript
) -> tuple[Path, Path]:
    """One circuit's Groth16 keys: setup, one contribution per member, a beacon, verified."""
    _check_beacon(beacon)
    work.mkdir(parents=True, exist_ok=True)
    current = work / f"{name}_0000.zkey"
    snarkjs("groth16", "setup", r1cs, ptau, current)
    contributions = transcript.phase2.setdefault(name, [])
    for turn, member in enumerate(members, start=1):
        following = work / f"{name}_{turn:04d}.zkey"
        out = snarkjs("zkey", "contribute", current, following, f"--name={member}", stdin=_entropy())
        contributions.append(Contribution(name, member, _now(), _contribution_hash(out.stdout)))
        current.unlink()
        current = following
    final = work / f"{name}.zkey"
    snarkjs("zkey", "beacon", current, final, beacon, BEACON_ITERATIONS_EXP, "--name=beacon")
    current.unlink()
    snarkjs("zkey", "verify", r1cs, ptau, final)
    vkey = work / f"{name}.vkey.json"
    snarkjs("zkey", "export", "verificationkey", final, vkey)
    transcript.circuits[name] = {
        "r1cs_sha256": sha256_file(r1cs),
        "zkey_sha256": sha256_file(final),
        "vkey_sha256": sha256_file(vkey),
    }
    return final, vkey


def run_ceremony(
    out: Path,
    circuits: dict[str, Path],
    power: int,
    members: list[str],
    beacon: str,
    phase1_dir: Path | None = None,
) -> Transcript:
    """Both phases for `circuits` (name -> r1cs): keys in out/keys, the transcript in out/transcript.json.

    The phase-1 file (`phase1_dir`/pot_final.ptau, `out` by default) and its part of the transcript
    (phase1.json beside it) are kept and reused: they serve any circuit of up to 2^power constraints,
    and are verified again before each use. A circuit whose r1cs the transcript already names with
    the same hash keeps its keys.
    """
    if len(set(members)) != len(members) or not members:
        raise ValueError("a ceremony needs one or more members, each named once")
    phase1_dir = phase1_dir or out
    phase1_dir.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    ptau, phase1_record = phase1_dir / "pot_final.ptau", phase1_dir / "phase1.json"
    transcript_file = out / "transcript.json"
    if ptau.exists() and phase1_record.exists():
        transcript = Transcript.read(phase1_record)
        if transcript.power != power:
            raise ValueError(f"{ptau} is of 2^{transcript.power}, not 2^{power}: use another directory")
        snarkjs("powersoftau", "verify", ptau)
    else:
        transcript = Transcript(power=power, snarkjs=package_version("snarkjs"))
        shutil.move(phase1(phase1_dir / "phase1", power, members, beacon, transcript), ptau)
        transcript.write(phase1_record)
    if transcript_file.exists():
        earlier = Transcript.read(transcript_file)
        transcript.phase2, transcript.circuits = earlier.phase2, earlier.circuits
    for name, r1cs in circuits.items():
        known = transcript.circuits.get(name, {})
        if known.get("r1cs_sha256") == sha256_file(r1cs) and (out / "keys" / f"{name}.zkey").exists():
            continue
        transcript.phase2[name] = []
        phase2(out / "keys", name, r1cs, ptau, members, beacon, transcript)
        transcript.write(transcript_file)
    transcript.write(transcript_file)
    return transcript


def contribute(current: Path, following: Path, member: str, transcript: Path | None = None) -> Contribution:
    """One member's turn on a file passed between institutions: a .ptau (phase 1) or a .zkey (phase 2).

    Run on the member's own machine, so its entropy never leaves it; `transcript` (a JSON list, made
    when missing) gets the contribution appended, to travel with the file.
    """
    if current.suffix == ".ptau":
        out = snarkjs("powersoftau", "contribute", current, following, f"--name={member}", stdin=_entropy())
        step = "phase1"
    elif current.suffix == ".zkey":
        out = snarkjs("zkey", "contribute", current, following, f"--name={member}", stdin=_entropy())
        step = current.stem.split("_")[0]
    else:
        raise ValueError("a contribution is to a .ptau (phase 1) or a .zkey (phase 2) file")
    made = Contribution(step, member, _now(), _contribution_hash(out.stdout))
    if transcript is not None:
        kept = json.loads(transcript.read_text()) if transcript.exists() else []
        transcript.write_text(json.dumps([*kept, asdict(made)], indent=2) + "\n")
    return made


def verify_ceremony(out: Path, r1cs: dict[str, Path], phase1_dir: Path | None = None) -> list[str]:
    """Check a ceremony's files against its transcript and against each other; return what is wrong
    (nothing, when it holds): the phase-1 file verifies, and each circuit's key verifies against the
    circuit's own r1cs and has the hashes the transcript names."""
    phase1_dir = phase1_dir or out
    transcript = Transcript.read(out / "transcript.json")
    ptau = phase1_dir / "pot_final.ptau"
    problems = []
    if sha256_file(ptau) != transcript.ptau_sha256:
        problems.append(f"{ptau} is not the phase-1 file the transcript names")
    snarkjs("powersoftau", "verify", ptau)
    for name, path in r1cs.items():
        named = transcript.circuits.get(name)
        zkey, vkey = out / "keys" / f"{name}.zkey", out / "keys" / f"{name}.vkey.json"
        if named is None:
            problems.append(f"the transcript has no keys for {name}")
            continue
        for what, file in (("r1cs", path), ("zkey", zkey), ("vkey", vkey)):
            if sha256_file(file) != named[f"{what}_sha256"]:
                problems.append(f"{name}'s {what} is not the one the transcript names")
        try:
            snarkjs("zkey", "verify", path, ptau, zkey)
        except ToolError:
            problems.append(f"{name}'s key does not verify against its r1cs and the phase-1 file")
    return problems
