"""The one interface every chain backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from eth_typing import ChecksumAddress
from web3 import Web3
from web3.exceptions import ContractLogicError

from chain.errors import ChainError

DEV_FUNDING_WEI = 10**21  # a thousand ether: gas for a dev-chain participant, never cash


class DevChainOnly(ChainError):
    """Time travel, snapshots and funding exist only on development chains."""

    code = "INVALID_STATE"


class ChainBackend(ABC):
    """A connected chain: a Web3 instance plus what only some chains can do."""

    name: str
    is_dev: bool
    #: a gas limit to send with instead of estimating (py-evm's estimate is a slow binary search)
    fixed_gas_limit: int | None = None
    #: exceptions that mean "the call reverted" on this backend
    revert_errors: tuple[type[Exception], ...] = (ContractLogicError,)

    def __init__(self, w3: Web3) -> None:
        self.w3 = w3
        self._chain_id: int | None = None

    @property
    def chain_id(self) -> int:
        # A chain's id never changes: ask once (every transaction needs it).
        if self._chain_id is None:
            self._chain_id = int(self.w3.eth.chain_id)
        return self._chain_id

    def block_number(self) -> int:
        return int(self.w3.eth.block_number)

    def timestamp(self) -> int:
        """Chain time: the latest block's timestamp."""
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def gas_price(self) -> int:
        return int(self.w3.eth.gas_price)

    def revert_data(self, exc: Exception) -> bytes | str | None:
        """The revert data carried by one of `revert_errors`."""
        return getattr(exc, "data", None)

    def record(self, raw_transaction: bytes, block_timestamp: int) -> None:  # noqa: B027 - a no-op by default
        """Called after every mined transaction; the embedded chain journals it."""

    @abstractmethod
    def fund(self, address: ChecksumAddress) -> None:
        """Give `address` gas money on a dev chain; nothing on a zero-gas-price network."""

    @abstractmethod
    def advance_time(self, seconds: int) -> None:
        """Mine a block `seconds` later than the latest one (dev chains only)."""

    @abstractmethod
    def snapshot(self) -> Any:
        """Remember the chain state (dev chains only)."""

    @abstractmethod
    def revert(self, snapshot: Any) -> None:
        """Return to a remembered state (dev chains only)."""

    def close(self) -> None:  # noqa: B027 - most backends hold nothing to release
        """Release what the backend holds (a node process, a connection)."""
