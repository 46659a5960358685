"""Operations a participant signs itself (EIP-712), run for it by the OperationRelay.

The typed data of an operation is read from the relay (`operationType`), never written
a second time here: its fields are the call's own arguments (a reason string hashed,
as EIP-712 does), or for an answer to a transfer the transfer's id and its terms from
the bill registry. `typed_data` builds what a signer signs, `sign_typed` signs it with
a local key, and `RelayClient.execute` submits it from the relayer's account, which
pays for the transaction and can do nothing else with it (docs/SIGNING.md).

An operation of a batch is signed as an item of that batch (`batch_item_typed_data`:
`BatchItem(bytes32 batch,<Operation> operation)`, the batch being `batch_of` its items), so
that no item of a batch can be lifted out of it and run alone or in another batch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, cast

from eth_abi import decode, encode
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_utils import event_abi_to_log_topic, function_abi_to_4byte_selector, keccak, to_checksum_address
from web3.contract import Contract
from web3.datastructures import AttributeDict
from web3.logs import DISCARD
from web3.types import TxReceipt

from chain.errors import ChainError, OutOfGas, TransactionFailed
from chain.tx import EncodedCall, Transactor, TxResult

SHAPE_ARGUMENTS, SHAPE_REASON, SHAPE_TERMS = 0, 1, 2
DOMAIN_NAME, DOMAIN_VERSION = "billchain", "1"
#: the EIP-712 domain's fields (OpenZeppelin EIP712: no salt)
DOMAIN_TYPE = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]
_TYPE = re.compile(r"^([A-Za-z]+)\((.*)\)$")


@dataclass(frozen=True)
class SignedBy:
    """A self-custody participant's signature over one operation: the relayer sends it, cannot alter it."""

    address: str
    nonce: int
    deadline: int
    signature: bytes
    relayer: LocalAccount


@dataclass(frozen=True)
class Unsigned:
    """A self-custody participant's operation being prepared: sending it raises `Prepared` instead."""

    address: str


class Prepared(Exception):  # not an error: the answer of a preparation
    """What the operation would have sent: the call its signer is to sign."""

    def __init__(self, call: EncodedCall, signer: str) -> None:
        super().__init__(f"prepared {call.data[:4].hex()} for {signer}")
        self.call = call
        self.signer = signer
        #: (operation, answer) the gateway's write path names before sending (it adds them on the way out)
        self.write: tuple[str, Any] | None = None


@dataclass(frozen=True)
class OperationType:
    name: str
    fields: list[tuple[str, str]]  # (type, name), signer, nonce and deadline last
    target: str
    shape: int

    @classmethod
    def parse(cls, type_string: str, target: str, shape: int) -> OperationType:
        match = _TYPE.match(type_string)
        assert match, type_string
        fields = [tuple(part.split(" ")) for part in match.group(2).split(",")]
        return cls(match.group(1), [(t, n) for t, n in fields], target, shape)

    @property
    def own_fields(self) -> list[tuple[str, str]]:
        return self.fields[:-3]


class RelayClient:
    """The OperationRelay: typed data of an operation, nonces, and relayed submission."""

    def __init__(self, contract: Contract, tx: Transactor, bills: Contract | None = None) -> None:
        self.contract = contract
        self.tx = tx
        self.bills = bills
        self._types: dict[bytes, OperationType] = {}
        self._terms_abi: tuple[bytes, list[str]] | None = None

    @property
    def address(self) -> str:
        return str(self.contract.address)

    def operation_type(self, selector: bytes) -> OperationType:
        if selector not in self._types:
            type_string, target, shape = self.contract.functions.operationType(selector).call()
            self._types[selector] = OperationType.parse(type_string, target, shape)
        return self._types[selector]

    def _transfer_terms(self, transfer_id: int) -> tuple[Any, ...]:
        """The bill registry's `transferTerms(transfer_id)`, as one eth_call with its selector and output
        types worked out once (web3.py's `.call()` resolves the ABI and formats every value on each call:
        16 % of a bundling gateway's busy time at 256 clients, BENCHMARKS.md "Bundles (issue 28)")."""
        assert self.bills is not None, "a transfer's terms need the bill registry"
        if self._terms_abi is None:
            abi = self.bills.get_function_by_name("transferTerms").abi
            self._terms_abi = (function_abi_to_4byte_selector(abi), [o["type"] for o in abi["outputs"]])
        selector, types = self._terms_abi
        raw = self.tx.backend.call(self.bills.address, selector + encode(["uint256"], [transfer_id]))
        return tuple(decode(types, raw))

    def nonce(self, signer: str) -> int:
        return int(self.contract.functions.nonces(to_checksum_address(signer)).call())

    def message(
        self, call: EncodedCall, signer: str, nonce: int, deadline: int
    ) -> tuple[OperationType, dict[str, Any]]:
        """The operation's type and its values, field by field, as the relay hashes them."""
        op = self.operation_type(call.data[:4])
        if op.target.lower() != call.to.lower():
            raise ValueError(f"{op.name} goes to {op.target}, not {call.to}")
        own = op.own_fields
        if op.shape == SHAPE_TERMS:
            (transfer_id,) = decode(["uint256"], call.data[4:])
            values = [transfer_id, *self._transfer_terms(transfer_id)]
        else:
            values = list(decode([t for t, _ in own], call.data[4:]))
        message = {name: _json_value(t, v) for (t, name), v in zip(own, values, strict=True)}
        message.update(signer=to_checksum_address(signer), nonce=nonce, deadline=deadline)
        return op, message

    def typed_data(self, call: EncodedCall, signer: str, nonce: int, deadline: int) -> dict[str, Any]:
        """EIP-712 typed data (eth_signTypedData_v4's JSON) of the operation `call` by `signer`."""
        op, message = self.message(call, signer, nonce, deadline)
        return {
            "types": {
                "EIP712Domain": DOMAIN_TYPE,
                op.name: [{"name": n, "type": t} for t, n in op.fields],
            },
            "primaryType": op.name,
            "domain": {
                "name": DOMAIN_NAME,
                "version": DOMAIN_VERSION,
                "chainId": self.tx.backend.chain_id,  # read once by the backend
                "verifyingContract": self.address,
            },
            "message": message,
        }

    def batch_item_typed_data(
        self, batch: bytes, call: EncodedCall, signer: str, nonce: int, deadline: int
    ) -> dict[str, Any]:
        """EIP-712 typed data of the operation `call` signed as an item of `batch` (`batch_of` its items):
        the operation, field by field as alone, inside a BatchItem that names the batch."""
        alone = self.typed_data(call, signer, nonce, deadline)
        operation = alone["primaryType"]
        batch_item = [{"name": "batch", "type": "bytes32"}, {"name": "operation", "type": operation}]
        return {
            "types": {**alone["types"], BATCH_ITEM: batch_item},
            "primaryType": BATCH_ITEM,
            "domain": alone["domain"],
            "message": {"batch": "0x" + batch.hex(), "operation": alone["message"]},
        }

    def batch_item_digest_of(self, batch: bytes, call: EncodedCall, signer: str, nonce: int, deadline: int) -> bytes:
        """The digest as the relay computes it for an item of `batch`."""
        fn = self.contract.functions.batchItemDigestOf(batch, call.data, signer, nonce, deadline)
        return bytes(fn.call())

    def digest_of(self, call: EncodedCall, signer: str, nonce: int, deadline: int) -> bytes:
        """The digest as the relay computes it (to check an off-chain signer against)."""
        return bytes(self.contract.functions.digestOf(call.data, signer, nonce, deadline).call())

    def send(self, signer: SignedBy | Unsigned, call: EncodedCall) -> TxResult:
        """`execute(call, ...)` as `signer` signed it, sent by its relayer; for an operation being prepared,
        raise `Prepared` instead."""
        if isinstance(signer, Unsigned):
            raise Prepared(call, signer.address)
        args = [call.data, to_checksum_address(signer.address), signer.nonce, signer.deadline, signer.signature]
        data = self.contract.encode_abi("execute", args)
        return self.tx.send(signer.relayer, EncodedCall(self.address, bytes.fromhex(data[2:])))

    def send_batch(self, relayer: LocalAccount, operations: list[tuple[SignedBy, EncodedCall]]) -> TxResult:
        """`executeBatch` of signed operations, of one signer or many, in one transaction sent by `relayer`:
        all of them happen, in order, or none (a failure raises `BatchItemFailed` naming the operation)."""
        items = [
            (call.data, to_checksum_address(signed.address), signed.nonce, signed.deadline, signed.signature)
            for signed, call in operations
        ]
        data = self.contract.encode_abi("executeBatch", [items])
        return self.tx.send(relayer, EncodedCall(self.address, bytes.fromhex(data[2:])))

    def send_bundle(
        self, relayer: LocalAccount, operations: list[tuple[SignedBy, EncodedCall]], gas: int | None = None
    ) -> BundleResult:
        """`executeBundle` of signed operations of many callers, in one transaction sent by `relayer`: each
        item happens or fails on its own; the result says which, with each failure's typed error. `gas`: the
        transaction's gas limit (an estimate may find the least gas at which items fail out of gas: the
        bundle itself does not revert), else the node's estimate."""
        items = [
            (call.data, to_checksum_address(signed.address), signed.nonce, signed.deadline, signed.signature)
            for signed, call in operations
        ]
        data = self.contract.encode_abi("executeBundle", [items])
        result = self.tx.send(relayer, EncodedCall(self.address, bytes.fromhex(data[2:])), gas)
        return BundleResult(result, self.outcomes(result.receipt, len(items)))

    def item_results(self, result: TxResult, size: int) -> list[TxResult]:
        """Each item of a mined bundle as a transaction of its own: the bundle's hash, block and gas, and a
        receipt holding only the item's own logs (those emitted after the previous item's outcome event, up
        to and with its own), so that what reads an item's events reads its own alone."""
        outcome_topics = {
            bytes(event_abi_to_log_topic(abi))
            for abi in self.contract.abi
            if abi["type"] == "event" and abi["name"] in ("BundleItemExecuted", "BundleItemFailed")
        }
        groups: list[list[Any]] = [[]]
        for log in result.receipt["logs"]:
            groups[-1].append(log)
            own = log["address"].lower() == self.address.lower() and log["topics"]
            if own and bytes(log["topics"][0]) in outcome_topics:
                groups.append([])
        if len(groups) != size + 1:
            raise TransactionFailed(f"a bundle of {size} items has {len(groups) - 1} outcome events")
        receipt = dict(result.receipt)
        return [
            TxResult(
                result.hash,
                result.block_number,
                result.gas_used,
                cast(TxReceipt, AttributeDict({**receipt, "logs": logs})),
            )
            for logs in groups[:size]
        ]

    def outcomes(self, receipt: Any, size: int) -> list[ChainError | None]:
        """Each item's outcome in a mined bundle, by its index: None when it took effect, else its error."""
        found: dict[int, ChainError | None] = {}
        for event in self.contract.events.BundleItemExecuted().process_receipt(receipt, errors=DISCARD):
            found[int(event["args"]["index"])] = None
        for event in self.contract.events.BundleItemFailed().process_receipt(receipt, errors=DISCARD):
            reason = bytes(event["args"]["reason"])
            index = int(event["args"]["index"])
            found[index] = self.tx.decoder.decode(reason) if reason else OutOfGas(f"bundle item {index}")
        if sorted(found) != list(range(size)):  # every item has exactly one outcome event: the relay's promise
            raise TransactionFailed(f"a bundle of {size} items reported {sorted(found)}")
        return [found[i] for i in range(size)]


@dataclass(frozen=True)
class BundleResult:
    """A mined bundle: its transaction, and each item's outcome (None: it took effect; else its error)."""

    tx: TxResult
    outcomes: list[ChainError | None]


BATCH_ITEM = "BatchItem"


def batch_of(items: list[tuple[EncodedCall, str, int, int]]) -> bytes:
    """The batch its items' signers sign, as the relay's `batchOf`: keccak256 of the items' ids in order, an
    item (call, signer, nonce, deadline) being keccak256(abi.encode(keccak256(call), signer, nonce, deadline))."""
    ids = [
        keccak(encode(["bytes32", "address", "uint256", "uint256"], [keccak(call.data), signer, nonce, deadline]))
        for call, signer, nonce, deadline in items
    ]
    return keccak(b"".join(ids))


def _json_value(solidity_type: str, value: Any) -> Any:
    if solidity_type == "address":
        return to_checksum_address(value)
    if solidity_type.startswith("bytes"):
        return "0x" + bytes(value).hex()
    return value


def sign_typed(account: LocalAccount, typed_data: dict[str, Any]) -> bytes:
    """Sign EIP-712 typed data with a local key (what a wallet, an HSM or a KMS does for a real signer)."""
    return bytes(account.sign_message(encode_typed_data(full_message=typed_data)).signature)


def typed_digest(typed_data: dict[str, Any]) -> bytes:
    """The digest a signer of `typed_data` signs: 0x1901 ‖ domain separator ‖ struct hash."""
    signable = encode_typed_data(full_message=typed_data)
    return keccak(b"\x19" + signable.version + signable.header + signable.body)


def recover_typed(typed_data: dict[str, Any], signature: bytes) -> str:
    """Who signed `typed_data` (an account; a contract wallet's signature is the relay's to check)."""
    return str(Account.recover_message(encode_typed_data(full_message=typed_data), signature=signature))
