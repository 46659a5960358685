"""Open a backend from its name: `embedded`, `anvil`, or a JSON-RPC URL."""

from __future__ import annotations

from pathlib import Path

from chain.backends.base import ChainBackend


def open_backend(
    chain: str, data_dir: Path, block_time: float | None = None, gas_price: int | None = None
) -> ChainBackend:
    """`gas_price`: what every transaction pays per gas (0: a free-gas network); default the node's."""
    if chain == "embedded":
        from chain.backends.embedded import EmbeddedBackend

        return EmbeddedBackend()
    if chain == "anvil":
        from chain.backends.anvil import AnvilBackend

        return AnvilBackend(data_dir, block_time=block_time, gas_price=gas_price)
    if chain.startswith(("http://", "https://")):
        from chain.backends.rpc import RpcBackend

        return RpcBackend(chain, gas_price=gas_price)
    raise ValueError(f"unknown chain {chain!r}: use embedded, anvil or an http(s) JSON-RPC URL")
