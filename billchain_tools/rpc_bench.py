"""What one JSON-RPC call costs the gateway's process (issue 28's "keep-alive JSON-RPC client", BENCHMARKS.md):
web3.py over `requests` (a shared session with a connection pool, as the gateway had it) against web3.py over
the keep-alive `http.client` transport (chain/backends/keepalive.py), the same calls to the same anvil in the
same run. CPU is this process's (`time.process_time`), the bound a busy gateway meets; wall is beside it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
import requests.adapters
from web3 import Web3

from chain.backends.keepalive import KeepAliveProvider

#: the calls a write and its follower make most: the head, a block's receipts, a view
CALLS: dict[str, Callable[[Web3], Any]] = {
    "eth_blockNumber": lambda w3: w3.eth.block_number,
    "eth_getBlockReceipts": lambda w3: w3.eth.get_block_receipts(0),
    "eth_getBlockByNumber": lambda w3: w3.eth.get_block(0),
}


@dataclass(frozen=True)
class RpcRow:
    call: str
    requests_cpu_ms: float
    keepalive_cpu_ms: float
    requests_wall_ms: float
    keepalive_wall_ms: float

    @property
    def ratio(self) -> float:
        """requests' CPU a call ÷ the keep-alive transport's."""
        return self.requests_cpu_ms / self.keepalive_cpu_ms


def _requests_web3(url: str) -> Web3:
    session = requests.Session()
    session.trust_env = False
    session.mount("http://", requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=64))
    return Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 30}, session=session))


def _per_call(w3: Web3, call: Callable[[Web3], Any], calls: int) -> tuple[float, float]:
    """CPU and wall milliseconds a call, after one to warm the connection."""
    call(w3)
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(calls):
        call(w3)
    return (time.process_time() - cpu) * 1e3 / calls, (time.perf_counter() - wall) * 1e3 / calls


def run_rpc_bench(url: str, calls: int) -> list[RpcRow]:
    over_requests = _requests_web3(url)
    kept_alive = Web3(KeepAliveProvider(url, 30.0))
    rows = []
    for name, call in CALLS.items():
        requests_cpu, requests_wall = _per_call(over_requests, call, calls)
        kept_cpu, kept_wall = _per_call(kept_alive, call, calls)
        rows.append(RpcRow(name, requests_cpu, kept_cpu, requests_wall, kept_wall))
    return rows
