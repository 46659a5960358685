"""The compiled contracts (ABI, bytecode), shipped inside the `chain` package and read from it.

`billchain compile` (chain/compile.py, in a source checkout) writes them; everything
else reads them here, through importlib.resources, so that an installed package
deploys without the repository.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

ARTIFACTS_DIR = Path(str(files("chain") / "artifacts"))


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


@cache
def load_artifact(name: str) -> Artifact:
    resource = files("chain") / "artifacts" / f"{name}.json"
    if not resource.is_file():
        raise CompileError(f"no artifact {name}.json in the chain package (run `billchain compile`)")
    return Artifact.from_json(json.loads(resource.read_text(encoding="utf-8")))
