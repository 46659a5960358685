"""Open a backend from its name: `embedded`, `anvil`, or a JSON-RPC URL."""

from __future__ import annotations

from pathlib import Path

from chain.backends.base import ChainBackend


def open_backend(
    chain: str,
    data_dir: Path,
    block_time: float | None = None,
    gas_price: int | None = None,
    eip1559: bool = False,
) -> ChainBackend:
    """The embedded chain journals into `data_dir`; anvil keeps its state there.
    `gas_price`: what every transaction pays per gas (0: a free-gas network); default the node's.
    `eip1559`: type-2 transactions on a URL chain (legacy ones by default, as Besu takes both)."""
    if chain == "embedded":
        from chain.backends.embedded import EmbeddedBackend

        return EmbeddedBackend(journal=data_dir / "embedded-chain.jsonl")
    if chain == "anvil":
        from chain.backends.anvil import AnvilBackend

        return AnvilBackend(data_dir, block_time=block_time, gas_price=gas_price)
    if chain.startswith(("http://", "https://")):
        from chain.backends.rpc import RpcBackend

        return RpcBackend(chain, gas_price=gas_price, eip1559=eip1559)
    raise ValueError(f"unknown chain {chain!r}: use embedded, anvil or an http(s) JSON-RPC URL")
