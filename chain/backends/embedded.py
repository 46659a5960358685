"""The embedded chain: eth-tester with py-evm in this process. Needs nothing running."""

from __future__ import annotations

import ast
import re
from typing import Any

from eth_account import Account
from eth_tester import EthereumTester, PyEVMBackend
from eth_tester.exceptions import TransactionFailed
from eth_typing import ChecksumAddress
from web3 import Web3
from web3.exceptions import ContractLogicError
from web3.providers.eth_tester import EthereumTesterProvider

from chain.backends.base import DEV_FUNDING_WEI, ChainBackend

_BYTES_LITERAL = re.compile(r"""b(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")$""")


class EmbeddedBackend(ChainBackend):
    name = "embedded"
    is_dev = True
    revert_errors = (ContractLogicError, TransactionFailed)
    fixed_gas_limit = 8_000_000

    def __init__(self) -> None:
        self._pyevm = PyEVMBackend()
        self.tester = EthereumTester(self._pyevm)
        super().__init__(Web3(EthereumTesterProvider(self.tester)))
        self._faucet = Account.from_key(self._pyevm.account_keys[0])
        # Without a default account web3 asks eth_accounts for a `from` on every call.
        self.w3.eth.default_account = self._faucet.address

    def gas_price(self) -> int:
        # eth-tester answers 1 gwei; a block's base fee is what the transaction must cover.
        base = self.w3.eth.get_block("latest").get("baseFeePerGas", 0)
        return max(int(base) * 2, 1)

    def revert_data(self, exc: Exception) -> bytes | str | None:
        # eth-tester wraps py-evm's Revert, whose first argument is the raw revert data; on the
        # eth_call path it hands over only that argument's repr (a Python bytes literal).
        seen: BaseException | None = exc
        while seen is not None:
            first = seen.args[0] if seen.args else None
            if isinstance(first, bytes):
                return first
            if isinstance(first, str) and (literal := _BYTES_LITERAL.search(first)):
                value = ast.literal_eval(literal.group(0))
                if isinstance(value, bytes):
                    return value
            if isinstance(seen, ContractLogicError) and isinstance(seen.data, str):
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
