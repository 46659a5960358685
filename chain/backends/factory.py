"""Open a backend from its name: `embedded`, `anvil`, or a JSON-RPC URL."""

from __future__ import annotations

from pathlib import Path

from chain.backends.base import ChainBackend


def open_backend(chain: str, data_dir: Path, block_time: float | None = None) -> ChainBackend:
    if chain == "embedded":
        from chain.backends.embedded import EmbeddedBackend

        return EmbeddedBackend()
    if chain == "anvil":
        from chain.backends.anvil import AnvilBackend

        return AnvilBackend(data_dir, block_time=block_time)
    if chain.startswith(("http://", "https://")):
        from chain.backends.rpc import RpcBackend

        return RpcBackend(chain)
    raise ValueError(f"unknown chain {chain!r}: use embedded, anvil or an http(s) JSON-RPC URL")
