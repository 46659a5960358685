"""The installed package is the product: a wheel, installed into a fresh virtualenv outside the repo,
serves, tells the demo and replays a scenario from an empty folder (no source tree, no node_modules).

The fresh virtualenv takes the project's dependencies from the development one (a path line in a
.pth file: no download, and the development install's own hooks are not run), and billchain itself
only from the wheel; the test checks where each package was imported from.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import httpx
import pytest

from billchain_tools.replay import LIBRARY
from chain.backends.anvil import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _run(cmd: list[str], cwd: Path, timeout: float = 300, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False, **kw)  # type: ignore[call-overload, no-any-return]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the wheel installed: its bin/ folder."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"  # what the Dockerfile copies: setuptools builds in its source tree
    source.mkdir()
    for part in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / part, source / part)
    for package in ("chain", "gateway", "billchain_tools", "billchain_client"):
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work / "dist"), str(source)], work)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (work / "dist").glob("billchain-*.whl")
    venv = work / "venv"
    assert _run([sys.executable, "-m", "venv", str(venv)], work).returncode == 0
    site = Path(
        _run(
            [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], work
        ).stdout.strip()
    )
    (site / "zz_billchain_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    done = _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--no-deps", "-q", str(wheel)], work)
    assert done.returncode == 0, done.stderr[-2000:]
    return venv / "bin"


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    return folder


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**env, "BILLCHAIN_OPERATOR_TOKEN": "bc_wheel-test-operator-token-0123456789"}


def test_the_wheel_holds_every_package_and_its_data(installed: Path, empty: Path) -> None:
    probe = (
        "import chain, gateway, billchain_tools, billchain_client, gateway.http.routes, gateway.services,"
        " gateway.core.migrations;"
        "from chain.artifacts import load_artifact, load_enums; from billchain_tools.replay import LIBRARY;"
        "print(chain.__file__); print(gateway.__file__); print(len(load_artifact('BillRegistry').abi) > 0);"
        "print(len(list(LIBRARY.glob('*.yaml'))))"
    )
    out = _run([str(installed / "python"), "-c", probe], empty, env=_env())
    assert out.returncode == 0, out.stderr[-2000:]
    chain_file, gateway_file, has_abi, scenarios = out.stdout.split()
    venv = installed.parent
    assert chain_file.startswith(str(venv)) and gateway_file.startswith(str(venv)), out.stdout  # not the repo
    assert has_abi == "True" and int(scenarios) == len(list(LIBRARY.glob("*.yaml")))


def test_the_installed_command_serves_from_an_empty_folder(installed: Path, empty: Path) -> None:
    port = free_port()
    cmd = [str(installed / "billchain"), "serve", "--data-dir", "data", "--port", str(port)]
    server = subprocess.Popen(cmd, cwd=empty, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=2).json()
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, "billchain serve did not start"
                time.sleep(0.3)
        assert health["status"] == "ok" and set(health["contracts"]) >= {"BillRegistry", "DigitalCash"}
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert (empty / "data" / "embedded-chain.jsonl").exists()


def test_the_installed_command_tells_the_demo_and_replays_a_copied_scenario(installed: Path, empty: Path) -> None:
    demo = _run([str(installed / "billchain"), "demo"], empty, env=_env())
    assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-2000:]
    assert "passed" in demo.stdout or "SETTLED" in demo.stdout
    shutil.copy(LIBRARY / "07-pledge.yaml", empty / "mine.yaml")
    replay = _run([str(installed / "billchain"), "replay", "mine.yaml", "--quiet"], empty, env=_env())
    assert replay.returncode == 0, replay.stdout[-2000:] + replay.stderr[-2000:]
    assert replay.stdout.strip().splitlines()[-1] == "1 passed, 0 failed"
