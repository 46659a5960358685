"""Chain backends behind one interface: embedded py-evm, anvil, any JSON-RPC node."""

from chain.backends.base import ChainBackend, DevChainOnly
from chain.backends.factory import open_backend

__all__ = ["ChainBackend", "DevChainOnly", "open_backend"]
