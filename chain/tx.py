"""Sign with a local key, submit, wait for the receipt; reverts become typed errors."""

from __future__ import annotations

from dataclasses import dataclass

from eth_account.signers.local import LocalAccount
from web3.contract.contract import ContractConstructor, ContractFunction
from web3.exceptions import TimeExhausted
from web3.types import TxParams, TxReceipt, Wei

from chain.backends.base import ChainBackend
from chain.errors import ChainUnavailable, ErrorDecoder, TransactionFailed

GAS_HEADROOM_NUM, GAS_HEADROOM_DEN = 6, 5  # estimate x 1.2: storage refunds and warm/cold drift


@dataclass(frozen=True)
class TxResult:
    hash: str
    block_number: int
    gas_used: int
    receipt: TxReceipt


class Transactor:
    def __init__(self, backend: ChainBackend, decoder: ErrorDecoder, receipt_timeout: float = 120.0) -> None:
        self.backend = backend
        self.decoder = decoder
        self.receipt_timeout = receipt_timeout

    def send(self, signer: LocalAccount, call: ContractFunction | ContractConstructor) -> TxResult:
        try:
            return self._send(signer, call)
        except OSError as exc:  # requests' and urllib3's connection errors are OSErrors
            raise ChainUnavailable(f"the chain does not answer: {exc}") from exc

    def _send(self, signer: LocalAccount, call: ContractFunction | ContractConstructor) -> TxResult:
        w3 = self.backend.w3
        params: TxParams = {
            "from": signer.address,
            "chainId": self.backend.chain_id,
            "gasPrice": Wei(self.backend.gas_price()),
            "nonce": w3.eth.get_transaction_count(signer.address, "pending"),
        }
        try:
            if self.backend.fixed_gas_limit is None:
                params["gas"] = call.estimate_gas(params) * GAS_HEADROOM_NUM // GAS_HEADROOM_DEN
            else:
                # One dry run finds a revert before anything is mined; gas on a dev chain is free.
                params["gas"] = self.backend.fixed_gas_limit
                if isinstance(call, ContractFunction):
                    call.call(params, block_identifier="pending")
        except self.backend.revert_errors as exc:
            raise self.decoder.decode(self.backend.revert_data(exc)) from None
        tx = call.build_transaction(params)
        signed = signer.sign_transaction(tx)  # type: ignore[arg-type]
        try:
            tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
            receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=self.receipt_timeout, poll_latency=0.05)
        except self.backend.revert_errors as exc:
            raise self.decoder.decode(self.backend.revert_data(exc)) from None
        except TimeExhausted as exc:
            raise ChainUnavailable(f"no receipt for {tx_hash.hex()} in {self.receipt_timeout}s") from exc
        if receipt["status"] != 1:
            raise self._replay_failure(tx, receipt)
        block = w3.eth.get_block(receipt["blockNumber"])
        self.backend.record(bytes(signed.raw_transaction), int(block["timestamp"]))
        return TxResult(
            hash="0x" + bytes(receipt["transactionHash"]).hex().removeprefix("0x"),
            block_number=int(receipt["blockNumber"]),
            gas_used=int(receipt["gasUsed"]),
            receipt=receipt,
        )

    def _replay_failure(self, tx: TxParams, receipt: TxReceipt) -> Exception:
        """A mined revert (state moved between estimate and inclusion): re-run it for its error."""
        call: TxParams = {k: tx[k] for k in ("from", "to", "data", "gas") if k in tx}  # type: ignore[literal-required,misc,assignment]
        try:
            self.backend.w3.eth.call(call, receipt["blockNumber"] - 1)  # type: ignore[arg-type]
        except self.backend.revert_errors as exc:
            return self.decoder.decode(self.backend.revert_data(exc))
        return TransactionFailed(f"transaction {receipt['transactionHash'].hex()} reverted")
