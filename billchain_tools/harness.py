"""A `billchain serve` subprocess on its own data dir and port: started, stopped, killed, restarted."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, TypeVar

import httpx

from chain.backends.anvil import free_port

G = TypeVar("G", bound="Gateway")
MINT_LIMIT = "1000000000000.00"


class Gateway:
    """A `billchain serve` subprocess on a fresh data dir, and clients for it."""

    def __init__(
        self,
        data_dir: Path,
        chain: str,
        gas_price: str | None,
        block_time: float | None = None,
        contracts: Path | None = None,
        database: str | None = None,
        bundle_writes: bool = False,
    ) -> None:
        """`chain`: embedded, anvil (a node the gateway starts, as a user runs it) or a node's URL;
        `contracts`: join the platform of that address book (another gateway's) instead of deploying one;
        `database`: a SQLAlchemy URL (PostgreSQL) instead of the data dir's SQLite file; `bundle_writes`:
        hosted callers' writes in bundles (gateway/ledger/bundler.py)."""
        self.data_dir = data_dir
        self.database = database
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = "bc_bench-" + secrets.token_urlsafe(32)
        self.tokens: dict[str, str] = {"operator": self.token}
        self.cmd = [sys.executable, "-m", "gateway.cli", "serve", "--chain", chain]
        self.cmd += ["--data-dir", str(data_dir), "--port", str(self.port)]
        if gas_price is not None:
            self.cmd += ["--gas-price", gas_price]
        if block_time is not None:
            self.cmd += ["--block-time", str(block_time)]
        if contracts is not None:
            self.cmd += ["--contracts", str(contracts)]
        if bundle_writes:
            self.cmd += ["--bundle-writes"]

    def __enter__(self: G) -> G:
        self.start()
        return self

    def start(self) -> None:
        """Start `billchain serve` (again, on the same data dir and port) and wait until it answers."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "BILLCHAIN_OPERATOR_TOKEN": self.token}
        if self.database is not None:
            env["BILLCHAIN_DATABASE_URL"] = self.database
        self._log = open(self.data_dir.parent / "gateway.log", "ab")  # noqa: SIM115 - open while it runs
        self._process = subprocess.Popen(self.cmd, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError(f"the gateway did not start: see {self.data_dir.parent / 'gateway.log'}")
            time.sleep(0.2)

    @property
    def pid(self) -> int:
        return self._process.pid

    def __exit__(self, *_: object) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
        self._log.close()

    def kill(self) -> None:
        """SIGKILL: no cleanup, no last words (a power cut, an OOM kill)."""
        self._process.send_signal(signal.SIGKILL)
        self._process.wait()
        self._log.close()

    def client(self, connections: int) -> httpx.AsyncClient:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        return httpx.AsyncClient(base_url=self.url, limits=limits, timeout=120)

    async def post(
        self, http: httpx.AsyncClient, who: str, path: str, body: dict[str, Any], key: str | None = None
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        if key is not None:
            headers["Idempotency-Key"] = key
        return await http.post(path, json=body, headers=headers)

    async def ok(self, http: httpx.AsyncClient, who: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.post(http, who, path, body)
        if response.status_code >= 300:
            raise RuntimeError(f"set-up {path}: {response.status_code} {response.text}")
        answer: dict[str, Any] = response.json()
        return answer

    def first_regulator(self, pid: str = "watchdog") -> str:
        """Onboard the platform's first REGULATOR (ACTIVE at once: none is yet) and return its token: what
        approves every later one (`billchain replay --regulator-token`)."""
        body = {"id": pid, "name": pid, "role": "REGULATOR"}
        answer = httpx.post(f"{self.url}/v1/participants", json=body, headers={"Authorization": f"Bearer {self.token}"})
        if answer.status_code != 201 or answer.json()["status"] != "ACTIVE":
            raise RuntimeError(f"the first regulator: {answer.status_code} {answer.text}")
        self.tokens[pid] = str(answer.json()["api_token"])
        return self.tokens[pid]

    async def onboard(self, http: httpx.AsyncClient, pid: str, role: str) -> str:
        """A participant; a BANK with a mint limit from the harness's regulator, large enough for any run."""
        body = await self.ok(http, "operator", "/v1/participants", {"id": pid, "name": pid, "role": role})
        self.tokens[pid] = body["api_token"]
        if role == "BANK":
            if "harness-regulator" not in self.tokens:
                await self.onboard(http, "harness-regulator", "REGULATOR")
            await self.ok(http, "harness-regulator", f"/v1/participants/{pid}/mint-limit", {"limit": MINT_LIMIT})
        return pid
