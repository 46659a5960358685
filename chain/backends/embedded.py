"""The embedded chain: eth-tester with py-evm in this process. Needs nothing running."""

from __future__ import annotations

from typing import Any

from eth_account import Account
from eth_tester import EthereumTester, PyEVMBackend
from eth_tester.exceptions import TransactionFailed
from web3.exceptions import ContractLogicError
from eth_typing import ChecksumAddress
from web3 import Web3
from web3.providers.eth_tester import EthereumTesterProvider

from chain.backends.base import DEV_FUNDING_WEI, ChainBackend


class EmbeddedBackend(ChainBackend):
    name = "embedded"
    is_dev = True
    revert_errors = (ContractLogicError, TransactionFailed)

    def __init__(self) -> None:
        self._pyevm = PyEVMBackend()
        self.tester = EthereumTester(self._pyevm)
        super().__init__(Web3(EthereumTesterProvider(self.tester)))
        self._faucet = Account.from_key(self._pyevm.account_keys[0])

    def gas_price(self) -> int:
        # eth-tester answers 1 gwei; a block's base fee is what the transaction must cover.
        base = self.w3.eth.get_block("latest").get("baseFeePerGas", 0)
        return max(int(base) * 2, 1)

    def revert_data(self, exc: Exception) -> bytes | str | None:
        # eth-tester wraps py-evm's Revert, whose first argument is the raw revert data.
        seen: BaseException | None = exc
        while seen is not None:
            if seen.args and isinstance(seen.args[0], bytes):
                return seen.args[0]
            if isinstance(seen, ContractLogicError) and seen.data:
                return seen.data
            seen = seen.__cause__ or seen.__context__
        return None

    def fund(self, address: ChecksumAddress) -> None:
        self.tester.send_transaction(
            {
                "from": self._faucet.address,
                "to": address,
                "value": DEV_FUNDING_WEI,
                "gas": 21000,
                "gas_price": self.gas_price(),
            }
        )

    def advance_time(self, seconds: int) -> None:
        # eth-tester mines the travelling block one second before the target it is given.
        target = self.timestamp() + seconds + 1
        pending = int(self.tester.get_block_by_number("pending")["timestamp"])
        self.tester.time_travel(max(target, pending + 1))

    def snapshot(self) -> Any:
        return self.tester.take_snapshot()

    def revert(self, snapshot: Any) -> None:
        self.tester.revert_to_snapshot(snapshot)
