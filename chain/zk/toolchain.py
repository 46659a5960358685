"""Where the zero-knowledge tools live and how they are run (a source checkout's node_modules).

Invariant: every tool runs as a separate program from the npm packages pinned in package.json
(circom2, snarkjs: GPL-3.0, docs/PRIVACY.md §9); nothing of theirs is linked into this package.
Secrets (ceremony entropy, proving inputs) go to a tool's stdin or a private file, never its
command line, which any local user can read.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
NODE_MODULES = ROOT / "node_modules"
CIRCUITS_DIR = ROOT / "circuits"
SNARKJS = NODE_MODULES / "snarkjs" / "build" / "cli.cjs"
CIRCOM = NODE_MODULES / "circom2" / "cli.js"
#: where built circuits and ceremony results are cached, outside any clone (as geth is)
CACHE_ROOT = Path.home() / ".cache" / "billchain"
#: the native Groth16 prover (prover/), as `make setup` builds it
NATIVE_PROVER = CACHE_ROOT / "prover-target" / "release" / "billchain-prover"


class ToolError(RuntimeError):
    """A zero-knowledge tool failed; the message carries its own output."""


@dataclass(frozen=True)
class Run:
    stdout: str
    seconds: float


def node() -> str:
    found = shutil.which("node")
    if found is None:
        raise ToolError("node is not on PATH: run `make setup`")
    return found


def run(args: list[str | Path], *, stdin: str | None = None, cwd: Path | None = None) -> Run:
    """Run a node tool to completion; raise ToolError with its output when it fails."""
    import time

    started = time.monotonic()
    done = subprocess.run(
        [node(), *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )
    out = done.stdout + done.stderr
    if done.returncode != 0 or "[ERROR]" in out:
        raise ToolError(f"{' '.join(map(str, args[:3]))} failed:\n{out[-4000:]}")
    return Run(stdout=out, seconds=time.monotonic() - started)


def snarkjs(*args: str | Path, stdin: str | None = None) -> Run:
    return run([SNARKJS, *args], stdin=stdin)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def package_version(name: str) -> str:
    return str(json.loads((NODE_MODULES / name / "package.json").read_text())["version"])
