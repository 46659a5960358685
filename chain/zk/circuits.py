"""The circuits in circuits/, compiled by circom2, and the dev chains' keys for them.

Invariants: a circuit's keys are tied to its r1cs by hash (the ceremony's transcript), so a changed
circuit gets new keys and never runs with old ones; each circuit stays within the ceremony's domain
(2^POWER constraints), which `constraints` lets a test hold it to.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from chain.zk.ceremony import run_ceremony
from chain.zk.toolchain import CACHE_ROOT, CIRCOM, CIRCUITS_DIR, NODE_MODULES, package_version, run

#: every circuit, by name; the tiny one is the ceremony's own test
CIRCUITS = ("cash_mint", "cash_transfer", "bill_issue", "range_transfer", "discount", "range_present")
#: the phase-1 file's size: 2^15 constraints, the largest circuit's domain
POWER = 15
#: the dev chains' ceremony: each local member contributes, as the consortium's members would
DEV_MEMBERS = ("operator", "bank", "regulator")
#: the dev beacon: public and fixed, so not unpredictable; a real ceremony takes a block hash announced
#: before its last contribution (docs/PRIVACY.md §6)
DEV_BEACON = hashlib.sha256(b"billchain dev ceremony").hexdigest()
_CONSTRAINTS = re.compile(r"non-linear constraints:\s*(\d+)")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class Built:
    name: str
    r1cs: Path
    wasm: Path
    constraints: int


def source(name: str) -> Path:
    found = CIRCUITS_DIR / f"{name}.circom"
    if not found.exists():
        found = CIRCUITS_DIR / "test" / f"{name}.circom"
    if not found.exists():
        raise FileNotFoundError(f"no circuit {name} in {CIRCUITS_DIR}")
    return found


def build(name: str, out: Path) -> Built:
    """Compile one circuit (r1cs and the witness calculator's wasm) into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    done = run([CIRCOM, source(name), "--r1cs", "--wasm", "--O2", "-l", NODE_MODULES, "-o", out])
    found = _CONSTRAINTS.search(_ANSI.sub("", done.stdout))
    if found is None:
        raise RuntimeError(f"circom printed no constraint count for {name}:\n{done.stdout[-2000:]}")
    return Built(name, out / f"{name}.r1cs", out / f"{name}_js" / f"{name}.wasm", int(found.group(1)))


def source_hash(name: str) -> str:
    """What a circuit's keys depend on: its source, every shared template, and the tools' versions."""
    digest = hashlib.sha256()
    for path in [source(name), *sorted((CIRCUITS_DIR / "lib").glob("*.circom"))]:
        digest.update(path.relative_to(CIRCUITS_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    for package in ("circom2", "circomlib", "snarkjs"):
        digest.update(f"{package}@{package_version(package)}".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Keys:
    """A directory with each circuit's wasm, final zkey and verification key, and the transcript."""

    root: Path

    def wasm(self, name: str) -> Path:
        return self.root / "build" / f"{name}_js" / f"{name}.wasm"

    def r1cs(self, name: str) -> Path:
        return self.root / "build" / f"{name}.r1cs"

    def zkey(self, name: str) -> Path:
        return self.root / "keys" / f"{name}.zkey"

    def vkey(self, name: str) -> Path:
        return self.root / "keys" / f"{name}.vkey.json"

    @property
    def transcript(self) -> Path:
        return self.root / "transcript.json"

    def zkey_sha256(self, name: str) -> str:
        """The SHA-256 the ceremony's transcript records for `name`'s final zkey (the native prover refuses
        a file that hashes otherwise)."""
        return str(json.loads(self.transcript.read_text())["circuits"][name]["zkey_sha256"])

    @property
    def sources(self) -> Path:
        """Each circuit's source_hash when its keys were made."""
        return self.root / "sources.json"

    def stale(self) -> list[str]:
        """The circuits whose keys are missing or were made from other sources."""
        made = json.loads(self.sources.read_text()) if self.sources.exists() else {}
        return [
            name
            for name in CIRCUITS
            if made.get(name) != source_hash(name) or not (self.zkey(name).exists() and self.wasm(name).exists())
        ]


def dev_keys() -> Keys:
    """Where the dev chains' keys are cached: outside any clone, beside the phase-1 file they share."""
    return Keys(CACHE_ROOT / f"zk-dev-{POWER}")


def ensure_dev_keys() -> Keys:
    """Build each circuit whose source changed and run the dev ceremony's phase 2 for it (and phase 1,
    once per machine); a circuit that did not change keeps its keys. One process at a time builds (a lock
    file in the cache): another waits, then finds the keys made."""
    keys = dev_keys()
    if not keys.stale():
        return keys
    keys.root.mkdir(parents=True, exist_ok=True)
    with (keys.root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _build_stale(keys)
    return keys


def _build_stale(keys: Keys) -> None:
    stale = keys.stale()
    if not stale:
        return
    built = {name: build(name, keys.root / "build") for name in stale}
    run_ceremony(keys.root, {n: b.r1cs for n, b in built.items()}, POWER, list(DEV_MEMBERS), DEV_BEACON)
    made = json.loads(keys.sources.read_text()) if keys.sources.exists() else {}
    keys.sources.write_text(json.dumps({**made, **{n: source_hash(n) for n in stale}}, indent=2) + "\n")
