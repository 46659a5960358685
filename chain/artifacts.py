"""The compiled contracts (ABI, bytecode), shipped inside the `chain` package and read from it.

`billchain compile` (chain/compile.py, in a source checkout) writes them; everything
else reads them here, through importlib.resources, so that an installed package
deploys without the repository.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

ARTIFACTS_DIR = Path(str(files("chain") / "artifacts"))
ENUMS_FILE = "enums.json"
#: each custom error of the contracts, by name: the problem code its `@dev` NatSpec names
ERRORS_FILE = "errors.json"


class CompileError(RuntimeError):
    """The compiler rejected the sources or could not run, or an artifact is missing."""


@dataclass(frozen=True)
class Artifact:
    name: str
    abi: list[dict[str, Any]]
    bytecode: str
    deployed_bytecode: str
    compiler: str
    source_unit: str
    source_hash: str

    def to_json(self) -> dict[str, Any]:
        return {
            "contractName": self.name,
            "sourceName": self.source_unit,
            "sourceHash": self.source_hash,
            "compiler": self.compiler,
            "abi": self.abi,
            "bytecode": self.bytecode,
            "deployedBytecode": self.deployed_bytecode,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Artifact:
        return cls(
            name=data["contractName"],
            abi=data["abi"],
            bytecode=data["bytecode"],
            deployed_bytecode=data["deployedBytecode"],
            compiler=data["compiler"],
            source_unit=data["sourceName"],
            source_hash=data["sourceHash"],
        )


#: another build's artifacts, for what runs inside `using_artifacts` (a gas comparison of two revisions)
_OVERRIDE: ContextVar[Mapping[str, Artifact] | None] = ContextVar("billchain_artifacts", default=None)


@contextmanager
def using_artifacts(artifacts: Mapping[str, Artifact]) -> Iterator[None]:
    """Deploy and attach with these artifacts, not the package's, inside the block."""
    token = _OVERRIDE.set(artifacts)
    try:
        yield
    finally:
        _OVERRIDE.reset(token)


def load_artifact(name: str) -> Artifact:
    override = _OVERRIDE.get()
    return override[name] if override is not None else _packaged(name)


@cache
def _packaged(name: str) -> Artifact:
    resource = files("chain") / "artifacts" / f"{name}.json"
    if not resource.is_file():
        raise CompileError(f"no artifact {name}.json in the chain package (run `billchain compile`)")
    return Artifact.from_json(json.loads(resource.read_text(encoding="utf-8")))


@cache
def load_enums() -> dict[str, list[str]]:
    """The contracts' enums, as compiled: name -> members in order (0 first)."""
    found: dict[str, list[str]] = json.loads((files("chain") / "artifacts" / ENUMS_FILE).read_text(encoding="utf-8"))
    return found


@cache
def load_error_codes() -> dict[str, str]:
    """The contracts' custom errors, as compiled: name -> the problem code its `@dev` line names."""
    found: dict[str, str] = json.loads((files("chain") / "artifacts" / ERRORS_FILE).read_text(encoding="utf-8"))
    return found
