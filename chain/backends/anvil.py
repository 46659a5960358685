"""anvil, started from node_modules on a free port, its state file in the data dir.

The node is this backend's child (chain/backends/children.py): it dies with the
process that started it, whatever kills that process, and writes its state as it
dies (SIGTERM); while it runs it also writes its state every `STATE_INTERVAL_S`
seconds, so that even a SIGKILL of the node itself loses at most that much (the
gateway's outbox sends again what the node lost). One node per state file: a
start stops a node left running on it (after it wrote its state) before it runs
its own.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import socket
import time
from pathlib import Path

from chain.backends import children
from chain.backends.rpc import RpcBackend
from chain.errors import ChainUnavailable

#: the pinned anvil of a source checkout (npm ci); else BILLCHAIN_ANVIL, else `anvil` on PATH
CHECKOUT_ANVIL = Path(__file__).resolve().parents[2] / "node_modules" / ".bin" / "anvil"


def anvil_binary() -> Path | None:
    configured = os.environ.get("BILLCHAIN_ANVIL")
    if configured:
        return Path(configured)
    if CHECKOUT_ANVIL.exists():
        return CHECKOUT_ANVIL
    found = shutil.which("anvil")
    return Path(found) if found else None


ANVIL_BIN = anvil_binary() or CHECKOUT_ANVIL
ANVIL_CHAIN_ID = 31337
STATE_INTERVAL_S = 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class AnvilStateUnreadable(ChainUnavailable):
    """The state file is not whole (a node killed while writing it): anvil would start empty."""


class AnvilBackend(RpcBackend):
    """An anvil process owned by this backend: started here, stopped (and its state dumped) on close."""

    name = "anvil"

    def __init__(
        self,
        data_dir: Path,
        block_time: float | None = None,
        gas_price: int | None = None,
        startup_timeout: float = 20.0,
        port: int | None = None,
        chain_id: int = ANVIL_CHAIN_ID,
        gas_limit: int | None = None,
    ) -> None:
        """`gas_limit`: a block's gas (anvil's default is 30,000,000; a free-gas Besu network often sets
        its genesis gasLimit far higher)."""
        binary = anvil_binary()
        if binary is None or not binary.exists():
            raise ChainUnavailable(f"no anvil: {CHECKOUT_ANVIL} is missing (run `npm ci`), set BILLCHAIN_ANVIL")
        data_dir.mkdir(parents=True, exist_ok=True)
        self.state_file = data_dir / "anvil-state.json"
        self.pid_file = children.PidFile(data_dir / "anvil.pid")
        self.pid_file.stop_leftover("anvil")  # never two nodes on one state
        _check_state(self.state_file)
        port = port or free_port()  # a given port: the same node again, for whoever knows its URL
        cmd = [
            str(binary),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--chain-id",
            str(chain_id),  # another id: anvil configured like a production network
            "--state",
            str(self.state_file),
            "--state-interval",
            str(STATE_INTERVAL_S),
            "--hardfork",
            "cancun",
            "--silent",
        ]
        if block_time is not None:
            cmd += ["--block-time", str(block_time)]
        if gas_price == 0:  # a free-gas network, as Besu runs one: no base fee either
            cmd += ["--gas-price", "0", "--base-fee", "0"]
        if gas_limit is not None:
            cmd += ["--gas-limit", str(gas_limit)]
        self._log = open(data_dir / "anvil.log", "ab")  # noqa: SIM115 - closed in close()
        self._process = children.spawn(cmd, self._log)
        self.pid = self._process.pid
        url = f"http://127.0.0.1:{port}"
        self.pid_file.write(self.pid, port=port, state=str(self.state_file))
        atexit.register(self.close)  # never leave a node running behind a crashed caller
        deadline = time.monotonic() + startup_timeout
        while True:
            try:
                super().__init__(url, gas_price=gas_price)
                break
            except ChainUnavailable:
                if self._process.poll() is not None or time.monotonic() > deadline:
                    self.close()
                    raise
                time.sleep(0.1)
        self.is_dev = True

    def close(self) -> None:
        atexit.unregister(self.close)
        if self._process.poll() is None:
            children.stop(self._process.pid)  # SIGTERM: anvil writes its state file, then exits
        self._process.wait()
        self.pid_file.clear(self._process.pid)
        self._log.close()


def _check_state(path: Path) -> None:
    """anvil starts from an empty chain when its state file does not parse: refuse that instead."""
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        json.loads(path.read_bytes())
    except ValueError as exc:
        raise AnvilStateUnreadable(
            f"{path} is not whole ({exc}); anvil would start on an empty chain. Move it aside to start "
            "afresh, or restore it from a backup"
        ) from None
