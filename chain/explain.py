"""A platform transaction in words, as a block explorer's transaction page shows it: who sent it, the
contract and method it called with decoded arguments, the platform operations it ran and for whom (a call
to a platform contract is one operation, by its sender; through the OperationRelay, each signed operation,
by its signer: one for `execute`, each item of `executeBatch`, each item of `executeBundle` that took
effect), its status, block and gas, and the events it emitted, decoded from the contracts' ABIs. Who may
read which part is the gateway's to decide (gateway/services/transactions.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_utils import to_checksum_address
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractEvent
from web3.exceptions import TransactionNotFound
from web3.logs import DISCARD
from web3.types import TxReceipt

from chain.backends.base import ChainBackend

RELAY = "OperationRelay"


@dataclass(frozen=True)
class Call:
    contract: str
    method: str
    args: dict[str, Any]


@dataclass(frozen=True)
class Ran:
    """One platform operation a transaction ran, and the account it ran for (its signer, or the sender)."""

    signer: str
    call: Call


@dataclass(frozen=True)
class Emitted:
    contract: str
    event: str
    args: dict[str, Any]


@dataclass(frozen=True)
class Explained:
    hash: str
    success: bool
    block_number: int
    timestamp: int
    sender: str
    gas_used: int
    call: Call | None
    #: the platform operations it ran, in order, each with whom it ran for
    operations: list[Ran]
    events: list[Emitted]


def plain(value: Any) -> Any:
    """JSON-safe: bytes as 0x-hex, integers past 2^53 as strings, tuples as lists."""
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    if isinstance(value, bool) or value is None or isinstance(value, str | float):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**53 else str(value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return str(value)


class Explainer:
    def __init__(self, backend: ChainBackend, contracts: dict[str, Contract]) -> None:
        self.backend = backend
        self.contracts = contracts
        self._by_address = {to_checksum_address(c.address): (name, c) for name, c in contracts.items()}
        #: (address, topic 0) -> the event that decodes such a log
        self._events: dict[tuple[str, bytes], ContractEvent] = {}
        for contract in contracts.values():
            for abi in contract.abi:
                if abi["type"] == "event":
                    types = ",".join(i["type"] for i in abi["inputs"])
                    topic = bytes(Web3.keccak(text=f"{abi['name']}({types})"))
                    self._events[(to_checksum_address(contract.address), topic)] = contract.events[abi["name"]]()

    def _decode(self, name: str, contract: Contract, data: bytes) -> Call | None:
        try:
            fn, args = contract.decode_function_input(data)
        except ValueError:
            return None
        return Call(name, fn.fn_name, plain(dict(args)))

    def _relayed(self, call: bytes) -> Call | None:
        """The operation inside a relayed call: the first target whose ABI has its selector."""
        for name, contract in self.contracts.items():
            if name == RELAY:
                continue
            decoded = self._decode(name, contract, call)
            if decoded is not None:
                return decoded
        return None

    def _operations(
        self, contract: Contract, call: Call | None, data: bytes, sender: str, receipt: TxReceipt
    ) -> list[Ran]:
        """What ran for whom: the relay's signed operations (each by its signer; of a bundle, the items that took
        effect), else the call (by its sender)."""
        if call is None:
            return []
        if call.contract != RELAY:
            return [Ran(sender, call)]
        _, raw = contract.decode_function_input(data)
        if call.method == "execute":
            items = [(raw["call"], raw["signer"])]
        elif call.method == "executeBatch":
            items = [(item["call"], item["signer"]) for item in raw["operations"]]
        elif call.method == "executeBundle":
            executed = contract.events.BundleItemExecuted().process_receipt(receipt, errors=DISCARD)
            took = {int(event["args"]["index"]) for event in executed}
            items = [(item["call"], item["signer"]) for i, item in enumerate(raw["operations"]) if i in took]
        else:
            return []
        ran = [(self._relayed(bytes(operation)), str(signer)) for operation, signer in items]
        return [Ran(signer, relayed) for relayed, signer in ran if relayed is not None]

    def explain(self, tx_hash: str) -> Explained | None:
        """None when the node knows no such transaction, or it is not mined yet."""
        w3 = self.backend.w3
        try:
            tx = w3.eth.get_transaction(tx_hash)  # type: ignore[arg-type]
            receipt = w3.eth.get_transaction_receipt(tx_hash)  # type: ignore[arg-type]
        except TransactionNotFound:
            return None
        target = tx.get("to")
        known = self._by_address.get(to_checksum_address(target)) if target else None
        call, operations = None, []
        if known is not None:
            data = bytes(tx["input"])
            call = self._decode(known[0], known[1], data)
            operations = self._operations(known[1], call, data, str(tx["from"]), receipt)
        events = []
        for log in receipt["logs"]:
            address = to_checksum_address(log["address"])
            event = self._events.get((address, bytes(log["topics"][0]))) if log["topics"] else None
            if event is not None:
                decoded = event.process_log(log)
                events.append(Emitted(self._by_address[address][0], decoded["event"], plain(dict(decoded["args"]))))
        number = int(receipt["blockNumber"])
        return Explained(
            hash="0x" + bytes(receipt["transactionHash"]).hex(),
            success=receipt["status"] == 1,
            block_number=number,
            timestamp=self.backend.block_timestamp(number),
            sender=str(tx["from"]),
            gas_used=int(receipt["gasUsed"]),
            call=call,
            operations=operations,
            events=events,
        )
