"""The one interface every chain backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from eth_typing import ChecksumAddress
from web3 import Web3
from web3.exceptions import BlockNotFound, ContractLogicError, TransactionNotFound, Web3RPCError
from web3.types import BlockData, LogReceipt, TxParams, TxReceipt

from chain.errors import ChainError
from chain.nonces import NonceManager

DEV_FUNDING_WEI = 10**21  # a thousand ether: gas for a dev-chain participant, never cash


class DevChainOnly(ChainError):
    """Time travel, snapshots and funding exist only on development chains."""

    code = "INVALID_STATE"


class SendRefused(Exception):
    """The node would not take a transaction. `reason`: "nonce" (too low, or another transaction
    holds it), "known" (it has this very transaction already), "forbidden" (a permissioned
    network's account allowlist leaves the sender out: Besu) or "other"."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        text = message.lower()
        if "already known" in text or "known transaction" in text or "already imported" in text:
            self.reason = "known"
        elif (
            "nonce too low" in text
            or "nonce_too_low" in text
            or "invalid transaction nonce" in text
            or ("replacement" in text and "underpriced" in text)
        ):
            self.reason = "nonce"
        elif "not authorized to send transactions" in text or "tx_sender_not_authorized" in text:
            self.reason = "forbidden"
        else:
            self.reason = "other"


class ChainBackend(ABC):
    """A connected chain: a Web3 instance plus what only some chains can do."""

    name: str
    is_dev: bool
    #: the node mines a transaction while it is sent (its receipt is there at once)
    mines_on_send: bool = False
    #: only this process writes to the chain (in-process): nothing is on it that this process did not send
    exclusive: bool = False
    #: a gas limit to send with instead of estimating (py-evm's estimate is a slow binary search)
    fixed_gas_limit: int | None = None
    #: send EIP-1559 transactions (maxFeePerGas = maxPriorityFeePerGas = the price) instead of legacy ones
    eip1559: bool = False
    #: exceptions that mean "the call reverted" on this backend
    revert_errors: tuple[type[Exception], ...] = (ContractLogicError,)

    def __init__(self, w3: Web3, gas_price: int | None = None) -> None:
        self.w3 = w3
        # Transactions carry the chain id read once (chain_id below); web3.py's validation
        # middleware would ask the node for it again on every estimate and call.
        w3.middleware_onion.remove("validation")
        self._chain_id: int | None = None
        self._gas_price = gas_price
        #: one nonce counter per signer, shared by every transactor on this connection
        self.nonces = NonceManager(self.pending_nonce)

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

    def block_timestamp(self, number: int) -> int:
        return int(self.w3.eth.get_block(number)["timestamp"])

    def block(self, number: int | str = "latest") -> BlockData:
        """A block's header (its transactions as hashes): a number, or "latest"."""
        return self.w3.eth.get_block(number)  # type: ignore[arg-type]

    def block_receipts(self, number: int) -> list[TxReceipt]:
        """Every receipt of block `number`, in one call (eth_getBlockReceipts)."""
        return list(self.w3.eth.get_block_receipts(number))

    def logs(self, first: int, last: int, addresses: list[ChecksumAddress]) -> list[LogReceipt]:
        """The logs of blocks first..last that `addresses` emitted."""
        return list(self.w3.eth.get_logs({"fromBlock": first, "toBlock": last, "address": addresses}))

    def balance(self, address: str) -> int:
        """`address`'s ether, in wei (gas money; never cash)."""
        return int(self.w3.eth.get_balance(address))  # type: ignore[arg-type]

    def mined_nonce(self, address: str) -> int:
        """How many of `address`'s transactions the latest block includes (its next nonce, ignoring the pool)."""
        return int(self.w3.eth.get_transaction_count(address, "latest"))  # type: ignore[arg-type]

    def block_hash(self, number: int) -> str | None:
        """The hash of block `number` on this chain ("0x…"), None past its head."""
        try:
            return "0x" + bytes(self.w3.eth.get_block(number)["hash"]).hex()
        except BlockNotFound:
            return None

    def call(self, to: str, data: bytes) -> bytes:
        """eth_call of `data` at `to`, at the latest block: the raw answer (a revert raises one of
        `revert_errors`). The typed clients decode it (chain/clients.py `ContractClient.view`)."""
        return bytes(self.w3.eth.call({"to": to, "data": data}))  # type: ignore[typeddict-item]

    def gas_price(self) -> int:
        """The configured price (0 on a free-gas network), else the node's."""
        return int(self.w3.eth.gas_price) if self._gas_price is None else self._gas_price

    def estimate_gas(self, tx: TxParams) -> int:
        """The gas `tx` (from, to, data, value) uses now; a revert raises one of `revert_errors`."""
        return int(self.w3.eth.estimate_gas(tx))

    def pending_nonce(self, address: str) -> int:
        return int(self.w3.eth.get_transaction_count(address, "pending"))  # type: ignore[arg-type]

    def transaction_known(self, tx_hash: bytes) -> bool:
        """Whether the node has the transaction, pending or mined."""
        try:
            self.w3.eth.get_transaction(tx_hash)  # type: ignore[arg-type]
            return True
        except TransactionNotFound:
            return False

    def receipt(self, tx_hash: bytes) -> TxReceipt | None:
        """The transaction's receipt, if it is mined."""
        try:
            return self.w3.eth.get_transaction_receipt(tx_hash)  # type: ignore[arg-type]
        except TransactionNotFound:
            return None

    def send_raw(self, raw: bytes) -> None:
        """Hand a signed transaction to the node; SendRefused says why it would not take it."""
        try:
            self.w3.eth.send_raw_transaction(raw)
        except Web3RPCError as exc:
            raise SendRefused(str(exc.message or exc)) from None

    def allow_account(self, address: ChecksumAddress) -> None:  # noqa: B027 - most chains allow everyone
        """Let `address` send transactions, where the node keeps an account allowlist (Besu)."""

    def revert_data(self, exc: Exception) -> bytes | str | None:
        """The revert data carried by one of `revert_errors`."""
        return getattr(exc, "data", None)

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
