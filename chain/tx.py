"""Sign with a local key, submit, wait for the receipt; reverts become typed errors.

A write is two halves. `submit` takes the signer's next nonce (chain/nonces.py),
prices and signs the transaction and hands it to the node; many submissions,
from one signer or many, can be in flight at once. Waiting for the receipt is the
`Waiter`'s: `PollingWaiter` polls in the calling thread (tools, tests), while the
gateway's block follower answers every waiting request from one task that reads
each new block once (gateway/ledger/follower.py). `recover` puts back what the node lost.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, cast

from eth_account._utils.signing import sign_transaction_dict
from eth_account.signers.local import LocalAccount
from eth_keys.datatypes import PrivateKey
from eth_utils import keccak
from hexbytes import HexBytes
from web3.contract.contract import ContractConstructor, ContractFunction
from web3.exceptions import TimeExhausted
from web3.types import Nonce, TxParams, TxReceipt, Wei

from chain.backends.base import ChainBackend, SendRefused
from chain.errors import AccountNotAllowed, ChainUnavailable, ErrorDecoder, GasUnpaid, OutOfGas, TransactionFailed

GAS_HEADROOM_NUM, GAS_HEADROOM_DEN = 6, 5  # estimate x 1.2: storage refunds and warm/cold drift
NONCE_RETRIES = 3
T = TypeVar("T")


@dataclass(frozen=True)
class EncodedCall:
    """A contract call already ABI-encoded (chain/clients.py encodes with a per-function cache)."""

    to: str
    data: bytes

    def build_transaction(self, params: TxParams) -> TxParams:
        return {**params, "to": self.to, "data": self.data, "value": Wei(0)}  # type: ignore[typeddict-item]


Call = ContractFunction | ContractConstructor | EncodedCall


@dataclass(frozen=True)
class TxResult:
    hash: str
    block_number: int
    gas_used: int
    receipt: TxReceipt


@dataclass(frozen=True)
class Submitted:
    """A transaction the node accepted, with what it takes to send it again or anew."""

    hash: bytes
    signer: LocalAccount
    raw: bytes
    call: Call
    #: the transaction as signed (to, data, gas, price, nonce)
    params: TxParams
    sent_at: float

    @property
    def hex(self) -> str:
        return "0x" + self.hash.hex()

    @property
    def nonce(self) -> int:
        return int(self.params["nonce"])


#: recover(stuck) -> the transaction to wait for from now on (itself, sent again, or a new one)
Recover = Callable[[Submitted], Submitted]


class Waiter(Protocol):
    def blocking(self, fn: Callable[[], T]) -> T:
        """Run `fn`, which does blocking chain I/O."""
        ...

    def receipt(self, tx: Submitted, recover: Recover) -> tuple[Submitted, TxReceipt]:
        """The receipt of `tx` (or of what replaced it) once mined."""
        ...


class PollingWaiter:
    """Waits in the calling thread, polling; a transaction unmined for `stuck_after` s is recovered."""

    def __init__(self, backend: ChainBackend, timeout: float = 120.0, stuck_after: float = 10.0) -> None:
        self.backend = backend
        self.timeout = timeout
        self.stuck_after = stuck_after

    def blocking(self, fn: Callable[[], T]) -> T:
        return fn()

    def receipt(self, tx: Submitted, recover: Recover) -> tuple[Submitted, TxReceipt]:
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                wait = max(0.1, min(self.stuck_after, deadline - time.monotonic()))
                receipt = self.backend.w3.eth.wait_for_transaction_receipt(
                    HexBytes(tx.hash), timeout=wait, poll_latency=0.05
                )
                return tx, receipt
            except TimeExhausted:
                if time.monotonic() >= deadline:
                    raise ChainUnavailable(f"no receipt for {tx.hex} in {self.timeout}s") from None
                tx = recover(tx)


class SendJournal(Protocol):
    """Where a signed transaction is written down before the node sees it (the gateway's outbox)."""

    def before_send(self, tx: Submitted, replaces: bytes | None) -> None:
        """`tx` is about to be sent; `replaces`: the hash of the transaction it is submitted anew for."""
        ...

    def refused(self, tx_hash: bytes) -> None:
        """The node did not take it: it never happened."""
        ...

    def holders(self, signer: str, nonce: int) -> list[bytes]:
        """The hashes of the transactions written down with this signer and nonce."""
        ...


def sign_transaction(key: PrivateKey, tx: TxParams) -> bytes:
    """The signed transaction's bytes: what `Account.sign_transaction` makes, without its first step,
    which derives the key's public key and checksummed address again on every call, and with the
    address it calls as bytes (a tenth of a write's CPU in all, measured: BENCHMARKS.md).
    tests/unit/test_tx_signing.py holds the two equal."""
    fields: dict[str, Any] = {k: v for k, v in tx.items() if k != "from"}  # from: the key's
    if isinstance(fields.get("to"), str):  # as bytes: eth-account checks a text address's checksum (keccak) again
        fields["to"] = bytes.fromhex(str(fields["to"])[2:])
    *_, encoded = sign_transaction_dict(key, fields)
    return bytes(encoded)


class Transactor:
    def __init__(
        self,
        backend: ChainBackend,
        decoder: ErrorDecoder,
        waiter: Waiter | None = None,
        journal: SendJournal | None = None,
    ) -> None:
        """`waiter`: how receipts are awaited (polling by default); `journal`: where each signed
        transaction is written down before it is sent (the gateway's outbox), if anywhere."""
        self.backend = backend
        self.decoder = decoder
        self.waiter: Waiter = waiter or PollingWaiter(backend)
        self.journal = journal
        self._keys: dict[str, PrivateKey] = {}

    def send(self, signer: LocalAccount, call: Call, gas: int | None = None) -> TxResult:
        """Submit and wait for the receipt; a revert raises its typed ContractError. `gas`: the transaction's
        gas limit, instead of the node's estimate (a bundle, whose items' failures an estimate cannot see)."""
        try:
            submitted = self.waiter.blocking(lambda: self.submit(signer, call, gas=gas))
            submitted, receipt = self.waiter.receipt(submitted, self.recover)
            if receipt["status"] != 1:
                raise self.waiter.blocking(lambda: self.failure(submitted, receipt))
        except OSError as exc:  # requests' and urllib3's connection errors are OSErrors
            raise ChainUnavailable(f"the chain does not answer: {exc}") from exc
        self.backend.nonces.mined(signer.address, submitted.nonce)
        return TxResult(
            hash=submitted.hex,
            block_number=int(receipt["blockNumber"]),
            gas_used=int(receipt["gasUsed"]),
            receipt=receipt,
        )

    # --- submitting
    def submit(
        self, signer: LocalAccount, call: Call, replaces: bytes | None = None, gas: int | None = None
    ) -> Submitted:
        """Price, sign and send with the signer's next nonce; a nonce the node refuses is fetched again. A
        sender that cannot pay the gas raises GasUnpaid, which says what to do about it."""
        tx = self.prepare(signer, call, gas)
        nonces = self.backend.nonces
        for _ in range(NONCE_RETRIES):
            try:
                with nonces.reserve(signer.address) as nonce:
                    return self._sign_and_send(signer, call, {**tx, "nonce": Nonce(nonce)}, replaces)
            except SendRefused as refused:
                if refused.reason == "forbidden":
                    raise AccountNotAllowed(f"the network does not let {signer.address} send: {refused}") from None
                if refused.reason != "nonce" and GasUnpaid.said_by(str(refused)):
                    price = int(tx.get("gasPrice", tx.get("maxFeePerGas", 0)))
                    raise GasUnpaid(signer.address, price, str(refused)) from None
                if refused.reason != "nonce":
                    raise ChainUnavailable(f"the node refused the transaction: {refused}") from None
                nonces.resync(signer.address)
        raise ChainUnavailable(f"the node refused {NONCE_RETRIES} nonces in a row for {signer.address}")

    def prepare(self, signer: LocalAccount, call: Call, gas: int | None = None) -> TxParams:
        """The transaction, encoded, priced and with its gas (`gas`, else the node's estimate), all but the
        nonce; a revert the estimate finds raises its typed ContractError."""
        # Encoded once (web3.py resolves the ABI on every estimate and build); gas and nonce come next.
        blank: TxParams = {
            "from": signer.address,
            "chainId": self.backend.chain_id,
            "gas": 0,
            "nonce": Nonce(0),
            "gasPrice": Wei(0),
        }
        tx = call.build_transaction(blank)
        price = Wei(self.backend.gas_price())
        if self.backend.eip1559:  # type 2: at a zero price both caps are 0 (Besu's free-gas network)
            del tx["gasPrice"]
            tx["maxFeePerGas"] = tx["maxPriorityFeePerGas"] = price
        else:
            tx["gasPrice"] = price
        try:
            if self.backend.fixed_gas_limit is None and gas is not None:
                tx["gas"] = gas
            elif self.backend.fixed_gas_limit is None:
                probe = cast(TxParams, {k: v for k, v in tx.items() if k in ("from", "to", "data", "value")})
                tx["gas"] = self.backend.estimate_gas(probe) * GAS_HEADROOM_NUM // GAS_HEADROOM_DEN
            else:
                tx["gas"] = self.backend.fixed_gas_limit  # the backend reverts on send, before mining
        except self.backend.revert_errors as exc:
            raise self.decoder.decode_unsent(self.backend.revert_data(exc)) from None
        return tx

    def _sign_and_send(
        self, signer: LocalAccount, call: Call, tx: TxParams, replaces: bytes | None = None
    ) -> Submitted:
        raw = sign_transaction(self._key(signer), tx)
        submitted = Submitted(keccak(raw), signer, raw, call, tx, time.monotonic())
        if self.journal is not None:  # written down first: a crash after this is reconciled on start
            self.journal.before_send(submitted, replaces)
        try:
            self.backend.send_raw(submitted.raw)
        except self.backend.revert_errors as exc:  # the embedded chain runs it at once
            self._refused(submitted)
            raise self.decoder.decode(self.backend.revert_data(exc)) from None
        except SendRefused as refused:
            if refused.reason != "known":  # the node has exactly this transaction already
                self._refused(submitted)
                raise
        # Any other failure (a timeout, a dropped connection): the node may have it; the journal's
        # entry stays, and is reconciled with the chain.
        self.backend.nonces.sent(signer.address, int(tx["nonce"]), submitted.raw)
        return submitted

    def _refused(self, tx: Submitted) -> None:
        if self.journal is not None:
            self.journal.refused(tx.hash)

    def _key(self, signer: LocalAccount) -> PrivateKey:
        """The signer's key as an object, made once: LocalAccount parses its key bytes on every signature."""
        if signer.address not in self._keys:
            self._keys[signer.address] = PrivateKey(signer.key)
        return self._keys[signer.address]

    # --- what the node lost
    def recover(self, tx: Submitted) -> Submitted:
        """A transaction unmined for long: still pending, sent again, or (its nonce taken) submitted anew."""
        if self.backend.transaction_known(tx.hash):
            return tx  # the node still has it: it waits for room in a block
        if self._send_again(tx):  # dropped (a node restart empties its pool): the same bytes again
            return tx
        if self.backend.receipt(tx.hash) is not None:
            return tx  # mined in the meantime
        if not self.nonce_taken_by_a_known_transaction(tx):
            raise ChainUnavailable(
                f"nonce {tx.nonce} of {tx.signer.address} is used on chain, but by no transaction written down "
                f"here: {tx.hex} is left unsettled rather than done twice"
            )
        # Another transaction took this nonce: this call goes again, anew.
        self.backend.nonces.mined(tx.signer.address, tx.nonce)
        self.backend.nonces.resync(tx.signer.address)
        return self.submit(tx.signer, tx.call, replaces=tx.hash)

    def nonce_taken_by_a_known_transaction(self, tx: Submitted) -> bool:
        """Whether another transaction the journal holds, mined, has `tx`'s nonce: then `tx` never
        happened, and its call may go again. If none does, the key signed elsewhere or the node lost
        blocks it had mined, and `tx` may well have happened. Without a journal (a tool signing
        alone) another transaction is assumed."""
        if self.journal is None:
            return True
        holders = self.journal.holders(tx.signer.address, tx.nonce)
        return any(h != tx.hash and self.backend.receipt(h) is not None for h in holders)

    def _send_again(self, tx: Submitted) -> bool:
        """Send the signer's unmined transactions again, in nonce order (no gap before `tx`); False if
        the node says `tx`'s nonce is used."""
        address = tx.signer.address
        for nonce, raw in self.backend.nonces.in_flight(address).items():
            try:
                self.backend.send_raw(raw)
            except SendRefused as refused:
                if refused.reason == "nonce" and nonce == tx.nonce:
                    return False
                if refused.reason not in ("known", "nonce"):
                    raise ChainUnavailable(f"the node refused a transaction sent again: {refused}") from None
        return True

    def failure(self, tx: Submitted, receipt: TxReceipt) -> Exception:
        """A mined revert (another transaction, maybe earlier in the same block, moved the state
        after the estimate): re-run it on the state after its block for its error (a revert
        changes nothing, so that state is what it met)."""
        sent = tx.params
        if receipt["gasUsed"] >= sent["gas"]:  # every revert of the contracts returns gas; this ran out
            return OutOfGas(f"transaction {tx.hex} ran out of its {sent['gas']:,} gas")
        call: TxParams = {"from": sent["from"], "to": sent["to"], "data": sent["data"], "gas": sent["gas"]}
        try:
            self.backend.w3.eth.call(call, receipt["blockNumber"])
        except self.backend.revert_errors as exc:
            return self.decoder.decode(self.backend.revert_data(exc))
        return TransactionFailed(f"transaction {tx.hex} reverted")
