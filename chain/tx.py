"""Sign with a local key, submit, wait for the receipt; reverts become typed errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_account.signers.local import LocalAccount
from web3.contract.contract import ContractConstructor, ContractFunction
from web3.exceptions import TimeExhausted
from web3.types import TxReceipt

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
        w3 = self.backend.w3
        params: dict[str, Any] = {
            "from": signer.address,
            "chainId": self.backend.chain_id,
            "gasPrice": self.backend.gas_price(),
            "nonce": w3.eth.get_transaction_count(signer.address, "pending"),
        }
        try:
            gas = call.estimate_gas(params)
        except self.backend.revert_errors as exc:
            raise self.decoder.decode(self.backend.revert_data(exc)) from None
        except (ConnectionError, OSError) as exc:
            raise ChainUnavailable(str(exc)) from exc
        params["gas"] = gas * GAS_HEADROOM_NUM // GAS_HEADROOM_DEN
        tx = call.build_transaction(params)
        signed = signer.sign_transaction(tx)
        try:
            tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
            receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=self.receipt_timeout, poll_latency=0.05)
        except self.backend.revert_errors as exc:
            raise self.decoder.decode(self.backend.revert_data(exc)) from None
        except TimeExhausted as exc:
            raise ChainUnavailable(f"no receipt for {tx_hash.hex()} in {self.receipt_timeout}s") from exc
        if receipt["status"] != 1:
            raise self._replay_failure(tx, receipt)
        return TxResult(
            hash="0x" + bytes(receipt["transactionHash"]).hex().removeprefix("0x"),
            block_number=int(receipt["blockNumber"]),
            gas_used=int(receipt["gasUsed"]),
            receipt=receipt,
        )

    def _replay_failure(self, tx: dict[str, Any], receipt: TxReceipt) -> Exception:
        """A mined revert (state moved between estimate and inclusion): re-run it for its error."""
        call = {k: tx[k] for k in ("from", "to", "data", "gas") if k in tx}
        try:
            self.backend.w3.eth.call(call, receipt["blockNumber"] - 1)  # type: ignore[arg-type]
        except self.backend.revert_errors as exc:
            return self.decoder.decode(self.backend.revert_data(exc))
        return TransactionFailed(f"transaction {receipt['transactionHash'].hex()} reverted")
