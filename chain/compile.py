"""Compile the Solidity contracts into reproducible artifacts (a source checkout's tool).

Uses a native ``solc`` on PATH through py-solc-x when there is one, else the pinned
npm ``solc`` (solcjs), which runs offline. Writes one artifact per contract into the
`chain` package (chain/artifacts, shipped as package data and read by chain/artifacts.py)
and a hardhat-format build-info so slither can analyse the contracts without a download.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import posixpath
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from chain.artifacts import ARTIFACTS_DIR, ENUMS_FILE, ERRORS_FILE, Artifact, CompileError

log = logging.getLogger("billchain.compile")

ROOT = Path(__file__).resolve().parent.parent  # a source checkout: contracts/ and node_modules/ beside chain/
NODE_MODULES = ROOT / "node_modules"
BUILD_INFO_DIR = ROOT / "artifacts" / "build-info"  # where slither's hardhat reader looks (hardhat.config.js)
#: each compiler output under the hash of what made it (the standard JSON input and the compiler's name and
#: version), outside the clone: `billchain compile` in make lint and the artifacts' test in make test then run
#: solcjs (about a minute of CPU) once between them. The compiler is deterministic on its input, so an output
#: found here is the one a run would give; remove the folder to compile afresh.
COMPILE_CACHE = Path.home() / ".cache" / "billchain" / "solc"
#: how many outputs the cache keeps, the most recently used (each about 9 MB)
COMPILE_CACHE_KEEPS = 8

SOLC_VERSION = "0.8.28"
EVM_VERSION = "paris"
OPTIMIZER_RUNS = 200
DEPLOYED = (
    "AdminTimelock",
    "ParticipantRegistry",
    "DigitalCash",
    "BillRegistry",
    "OperationRelay",
    "OwnedWallet",
    "BaselineERC721",
    "Groth16Verifier",
    "ConfidentialBills",
    "NoteKeyDirectory",
)

# A deployed contract that delegates what it lacks to an extension it creates, sharing its storage
# (contracts/BillRegistry.sol), and the base both derive from: the artifact's ABI is both, both must lay
# storage out alike, and only the base's own functions may be in both.
EXTENSIONS = {"BillRegistry": ("BillRegistryExtension", "BillRegistryBase")}

_IMPORT = re.compile(r'^\s*import\s+(?:[^;]*?\bfrom\s+)?"([^"]+)"\s*;', re.MULTILINE)


def _locate(unit: str, root: Path) -> Path:
    if unit.startswith("@"):
        return NODE_MODULES / unit
    return root / unit


def collect_sources(root: Path = ROOT) -> dict[str, str]:
    """Every source unit under `root`/contracts/ and everything it imports, by unit name."""
    contracts_dir = root / "contracts"
    if not contracts_dir.is_dir():
        raise CompileError(
            f"no {contracts_dir}: compiling needs a source checkout (an installed package has artifacts)"
        )
    pending = sorted(str(p.relative_to(root).as_posix()) for p in contracts_dir.rglob("*.sol"))
    sources: dict[str, str] = {}
    while pending:
        unit = pending.pop()
        if unit in sources:
            continue
        path = _locate(unit, root)
        if not path.is_file():
            raise CompileError(f"import not found: {unit} (run `npm ci`)")
        text = path.read_text(encoding="utf-8")
        sources[unit] = text
        for target in _IMPORT.findall(text):
            if target.startswith("."):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(unit), target))
            pending.append(target)
    return dict(sorted(sources.items()))


def standard_input(sources: dict[str, str]) -> dict[str, Any]:
    return {
        "language": "Solidity",
        "sources": {unit: {"content": text} for unit, text in sources.items()},
        "settings": {
            "evmVersion": EVM_VERSION,
            "viaIR": True,
            "optimizer": {"enabled": True, "runs": OPTIMIZER_RUNS},
            "metadata": {"bytecodeHash": "none"},
            "outputSelection": {
                "*": {
                    "*": ["abi", "evm.bytecode", "evm.deployedBytecode", "evm.methodIdentifiers", "storageLayout"],
                    "": ["ast"],
                }
            },
        },
    }


def _run_native(solc: str, data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    import solcx

    output: dict[str, Any] = solcx.compile_standard(data, solc_binary=solc, allow_empty=True)
    version = str(solcx.get_solc_version_string(solc_binary=solc) if hasattr(solcx, "get_solc_version_string") else "")
    return output, version


def _run_solcjs(data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    solcjs = NODE_MODULES / ".bin" / "solcjs"
    if not solcjs.exists():
        raise CompileError("no native solc on PATH and no node_modules/.bin/solcjs (run `npm ci`)")
    # stdout goes to a file: node exits before flushing a large write to a pipe.
    # stdin comes from a file too: solcjs reads it with a blocking readFileSync(0).
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out, tempfile.TemporaryFile("w+", encoding="utf-8") as src:
        src.write(json.dumps(data))
        src.seek(0)
        proc = subprocess.run(
            [str(solcjs), "--standard-json"], stdin=src, stdout=out, stderr=subprocess.PIPE, text=True, check=False
        )
        out.seek(0)
        stdout = out.read()
    # solcjs prints banner lines (e.g. about SMT solvers) before the JSON document.
    body = "\n".join(line for line in stdout.splitlines() if not line.startswith(">>>"))
    start = body.find("{")
    if proc.returncode != 0 or start < 0:
        raise CompileError(f"solcjs failed: {proc.stderr.strip() or stdout[:500]}")
    version = subprocess.run([str(solcjs), "--version"], capture_output=True, text=True, check=True).stdout.strip()
    return json.loads(body[start:]), version


def _native_solc() -> tuple[str, str] | None:
    """A native solc of SOLC_VERSION on PATH: its path and its version line (commit and platform in it)."""
    solc = shutil.which("solc")
    if solc is None:
        return None
    out = subprocess.run([solc, "--version"], capture_output=True, text=True, check=False).stdout
    line = next((line for line in out.splitlines() if line.startswith("Version:")), "")
    return (solc, line) if f"Version: {SOLC_VERSION}" in line else None


def _compiler() -> tuple[str, str | None]:
    """The compiler that will run, named with its full version (the cache's key), and a native solc's path."""
    native = _native_solc()
    if native:
        return f"solc {native[1]}", native[0]
    package = NODE_MODULES / "solc" / "package.json"
    version = json.loads(package.read_text())["version"] if package.exists() else "missing"
    return f"solcjs {version}", None


def _compile(data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The compiler's output for `data` and its version string: from COMPILE_CACHE when this input and
    compiler made it before, else compiled (and kept there when it has no error)."""
    name, native = _compiler()
    key = hashlib.sha256(json.dumps({"compiler": name, "input": data}, sort_keys=True).encode()).hexdigest()
    cached = COMPILE_CACHE / f"{key}.json"
    try:
        entry = json.loads(cached.read_text())
        output, version = entry["output"], entry["version"]
    except (OSError, ValueError, KeyError):
        pass
    else:
        with contextlib.suppress(OSError):  # pruned meanwhile by another process: it was read whole
            cached.touch()
        return output, version
    output, version = _run_native(native, data) if native else _run_solcjs(data)
    errors = [e for e in output.get("errors", []) if e.get("severity") == "error"]
    if errors:
        raise CompileError("\n".join(e.get("formattedMessage", e.get("message", "")) for e in errors))
    try:
        _keep(cached, {"output": output, "version": version})
    except OSError as exc:  # a cache it cannot write (a read-only home): the compilation stands
        log.warning("compiler output not kept in %s: %s", COMPILE_CACHE, exc)
    return output, version


def _keep(cached: Path, entry: dict[str, Any]) -> None:
    """Write `entry` whole or not at all (whichever process of a test run writes it first), then keep only the
    COMPILE_CACHE_KEEPS most recently used outputs."""
    COMPILE_CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=COMPILE_CACHE, suffix=".part", delete=False) as part:
        try:
            json.dump(entry, part)
        except BaseException:
            Path(part.name).unlink(missing_ok=True)
            raise
    Path(part.name).replace(cached)
    kept = sorted(COMPILE_CACHE.glob("*.json"), key=_last_used, reverse=True)
    for stale in kept[COMPILE_CACHE_KEEPS:]:
        stale.unlink(missing_ok=True)


def _last_used(entry: Path) -> float:
    try:
        return entry.stat().st_mtime
    except OSError:  # another process removed it meanwhile
        return 0.0


def compile_contracts(root: Path = ROOT) -> tuple[dict[str, Artifact], dict[str, Any]]:
    """Compile everything under `root`/contracts (another revision's, say, for a gas comparison);
    return artifacts of the deployable contracts and the build-info."""
    sources = collect_sources(root)
    data = standard_input(sources)
    output, version = _compile(data)
    long_version = version.split("Version:")[-1].strip() if "Version:" in version else version
    long_version = long_version.removesuffix(".Emscripten.clang")
    artifacts: dict[str, Artifact] = {}
    compiled = {name: out for contracts in output["contracts"].values() for name, out in contracts.items()}
    for unit, contracts in output["contracts"].items():
        for name, out in contracts.items():
            if name not in DEPLOYED:
                continue
            artifacts[name] = Artifact(
                name=name,
                abi=_with_extension(name, compiled),
                bytecode="0x" + out["evm"]["bytecode"]["object"],
                deployed_bytecode="0x" + out["evm"]["deployedBytecode"]["object"],
                compiler=long_version,
                source_unit=unit,
                source_hash="0x" + hashlib.sha256(sources[unit].encode()).hexdigest(),
            )
    build_info = {
        "_format": "hh-sol-build-info-1",
        "id": hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:32],
        "solcVersion": SOLC_VERSION,
        "solcLongVersion": long_version,
        "input": data,
        "output": output,
    }
    return artifacts, build_info


def _with_extension(name: str, compiled: dict[str, Any]) -> list[dict[str, Any]]:
    """The ABI a contract's address answers: its own, and its extension's functions (EXTENSIONS), after
    checking that the two share their storage layout and no function selector."""
    abi: list[dict[str, Any]] = compiled[name]["abi"]
    if name not in EXTENSIONS or EXTENSIONS[name][0] not in compiled:  # an older revision: no extension yet
        return abi
    extension, base = EXTENSIONS[name]
    own, other = compiled[name], compiled[extension]

    def layout(out: dict[str, Any]) -> list[tuple[str, str, int, int]]:
        types = out["storageLayout"].get("types") or {}
        return [
            (s["label"], types.get(s["type"], {}).get("label", s["type"]), int(s["slot"]), s["offset"])
            for s in out["storageLayout"]["storage"]
        ]

    if layout(own) != layout(other):
        raise CompileError(f"{name} and {extension} lay their storage out differently: they share it")
    shared = set(own["evm"]["methodIdentifiers"].values()) & set(other["evm"]["methodIdentifiers"].values())
    shared -= set(compiled[base]["evm"]["methodIdentifiers"].values())
    if shared:
        raise CompileError(f"{name} and {extension} both define selectors {sorted(shared)}")
    known = {json.dumps(entry, sort_keys=True) for entry in abi}
    added = [
        e for e in other["abi"] if e["type"] in ("function", "error") and json.dumps(e, sort_keys=True) not in known
    ]
    return abi + added


def _definitions(build_info: dict[str, Any], node_type: str) -> list[dict[str, Any]]:
    """Every AST node of `node_type` the contracts declare (not their dependencies)."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("nodeType") == node_type:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for unit, source in build_info["output"]["sources"].items():
        if unit.startswith("contracts/"):
            walk(source["ast"])
    return found


def enums_of(build_info: dict[str, Any]) -> dict[str, list[str]]:
    """Every enum the contracts declare, by name: its members in order."""
    found = {node["name"]: [m["name"] for m in node["members"]] for node in _definitions(build_info, "EnumDefinition")}
    return dict(sorted(found.items()))


_DEV_CODE = re.compile(r"@dev\s+([A-Z][A-Z_]+)\b")


def error_codes_of(build_info: dict[str, Any]) -> dict[str, str]:
    """Every custom error the contracts declare, by name: the problem code its `@dev` line names (the one
    place a contract error's code is written; chain/errors.py reads it). An error without one fails here."""
    found: dict[str, str] = {}
    for node in _definitions(build_info, "ErrorDefinition"):
        text = (node.get("documentation") or {}).get("text", "")
        code = _DEV_CODE.search(text)
        if code is None:
            raise CompileError(f"error {node['name']}: its NatSpec names no problem code (`@dev CODE: ...`)")
        found[node["name"]] = code.group(1)
    return dict(sorted(found.items()))


def write_artifacts(artifacts: dict[str, Artifact], build_info: dict[str, Any], keep_build_info: bool) -> None:
    """The artifacts, the contracts' enums (chain/artifacts/enums.json: the vocabulary the Python enums are
    checked against) and their errors' problem codes (errors.json: what chain/errors.py reads); with
    `keep_build_info`, the build-info slither reads."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    for name, artifact in artifacts.items():
        (ARTIFACTS_DIR / f"{name}.json").write_text(json.dumps(artifact.to_json(), indent=2, sort_keys=True) + "\n")
    (ARTIFACTS_DIR / ENUMS_FILE).write_text(json.dumps(enums_of(build_info), indent=2) + "\n")
    (ARTIFACTS_DIR / ERRORS_FILE).write_text(json.dumps(error_codes_of(build_info), indent=2) + "\n")
    if keep_build_info:
        shutil.rmtree(BUILD_INFO_DIR, ignore_errors=True)
        BUILD_INFO_DIR.mkdir(parents=True)
        (BUILD_INFO_DIR / f"{build_info['id']}.json").write_text(json.dumps(build_info))
