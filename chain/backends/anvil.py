"""anvil, started from node_modules on a free port, its state file in the data dir."""

from __future__ import annotations

import atexit
import socket
import subprocess
import time
from pathlib import Path

from chain.backends.rpc import RpcBackend
from chain.compile import NODE_MODULES
from chain.errors import ChainUnavailable

ANVIL_BIN = NODE_MODULES / ".bin" / "anvil"
ANVIL_CHAIN_ID = 31337


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
    ) -> None:
        if not ANVIL_BIN.exists():
            raise ChainUnavailable(f"{ANVIL_BIN} is missing (run `npm ci`)")
        data_dir.mkdir(parents=True, exist_ok=True)
        self.state_file = data_dir / "anvil-state.json"
        port = port or free_port()  # a given port: the same node again, for whoever knows its URL
        cmd = [
            str(ANVIL_BIN),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--chain-id",
            str(chain_id),  # another id: anvil configured like a production network
            "--state",
            str(self.state_file),
            "--hardfork",
            "cancun",
            "--silent",
        ]
        if block_time is not None:
            cmd += ["--block-time", str(block_time)]
        if gas_price == 0:  # a free-gas network, as Besu runs one: no base fee either
            cmd += ["--gas-price", "0", "--base-fee", "0"]
        self._log = open(data_dir / "anvil.log", "ab")  # noqa: SIM115 - closed in close()
        self._process = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT)
        atexit.register(self.close)  # never leave a node running behind a crashed caller
        url = f"http://127.0.0.1:{port}"
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
            self._process.terminate()  # SIGTERM: anvil writes its state file, then exits
            try:
                self._process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._log.close()
