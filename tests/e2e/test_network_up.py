"""`billchain network up` as a newcomer runs it, then the `billchain serve` it prints for each node (issue 24):
node 1's gateway deploys the platform and node 2's joins it, each exactly as printed (but for the port, free
here); the same command without --gas-price 0, as a newcomer typed it before, exits 2 saying what to do."""

from __future__ import annotations

import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from billchain_tools.clique import CliqueNetwork
from chain.backends.anvil import free_port
from gateway.cli import app

pytestmark = [pytest.mark.network, pytest.mark.slow, pytest.mark.xdist_group("clique")]


def _as_run_here(printed: list[str], port: int) -> list[str]:
    """A printed `billchain serve ...` run by this interpreter, on a free port (8000 may be taken here)."""
    args = printed[1:]
    args[args.index("--port") + 1] = str(port)
    return [sys.executable, "-m", "gateway.cli", *args]


@contextmanager
def _serving(command: list[str], port: int, log: Path) -> Iterator[dict[str, Any]]:
    """The gateway `command` starts, until its /v1/health answers: that answer."""
    with open(log, "ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 180
            while True:
                try:
                    answer = httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=2)
                    if answer.status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert process.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(0.3)
            yield dict(answer.json())
        finally:
            process.terminate()
            process.wait(timeout=30)


def test_network_up_prints_each_nodes_serve_command_and_each_serves_as_printed(tmp_path: Path) -> None:
    root = tmp_path / "net"
    up = CliRunner().invoke(app, ["network", "up", "--nodes", "2", "--dir", str(root)])
    try:
        assert up.exit_code == 0, up.output
        nodes = CliqueNetwork(root).nodes
        printed = [shlex.split(line) for line in up.output.splitlines() if line.strip().startswith("billchain serve")]
        assert len(printed) == len(nodes), up.output
        for spec, command in zip(nodes, printed, strict=True):
            assert command[command.index("--chain") + 1] == spec.url
            assert command[command.index("--gas-price") + 1] == "0"  # the network's gas is free
            assert command[command.index("--data-dir") + 1] == str(root / f"gateway-{spec.index}")

        # without --gas-price 0, as a newcomer typed it: the node's price, from an account that holds nothing
        port = free_port()
        newcomer = _as_run_here(printed[0], port)
        at = newcomer.index("--gas-price")
        del newcomer[at : at + 2]
        newcomer[newcomer.index("--data-dir") + 1] = str(tmp_path / "newcomer")
        refused = subprocess.run(newcomer, capture_output=True, text=True, timeout=120)
        assert refused.returncode == 2, refused.stdout + refused.stderr
        [line] = refused.stdout.strip().splitlines()
        assert "has no gas money on this network" in line and "start the gateway with --gas-price 0" in line, line

        # as printed: node 1's gateway deploys the platform, node 2's joins it through node 2
        first_port, second_port = free_port(), free_port()
        with _serving(_as_run_here(printed[0], first_port), first_port, tmp_path / "gateway-1.log") as first:
            second_command = _as_run_here(printed[1], second_port)
            with _serving(second_command, second_port, tmp_path / "gateway-2.log") as second:
                assert first["chain"]["backend"] == second["chain"]["backend"] == "rpc"
                assert len(first["contracts"]) == 5 and second["contracts"] == first["contracts"]  # one platform
    finally:
        CliRunner().invoke(app, ["network", "down", "--dir", str(root)])
