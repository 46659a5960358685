"""The gateway's HTTP API in Python, with self-custody signing (docs/SIGNING.md).

A participant whose key the gateway holds (hosted) just calls. One that holds its own key gives the
client a `Signer`: every write is then prepared (`<path>/prepare`), checked, signed here and sent
with its signature; the key never leaves the signer. What the client checks before signing: the
typed data is for this signer, this operation and, when told, this chain and relay; and the values
a person gave (amounts, counterparties) are the ones in the message. A gateway can still refuse or
delay a write; it cannot make this client sign something else.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import httpx
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount

from billchain_client.models import Balance, Bill, BillTx, Cash, Participant, TransferTx

#: typed data (eth_signTypedData_v4's JSON) -> the signature (65 bytes from an account)
SignFn = Callable[[dict[str, Any]], bytes]


@dataclass(frozen=True)
class Signer:
    """Who signs: its address, and a function that signs typed data (locally, or in an HSM or a KMS)."""

    address: str
    sign: SignFn


def local_signer(account: LocalAccount) -> Signer:
    """A signer over a key in this process's memory."""

    def sign(typed_data: dict[str, Any]) -> bytes:
        return bytes(account.sign_message(encode_typed_data(full_message=typed_data)).signature)

    return Signer(account.address, sign)


def key_file_signer(path: Path, passphrase: str) -> Signer:
    """A signer over a Web3 Secret Storage key file (`billchain key create`)."""
    encrypted = json.loads(path.read_text(encoding="utf-8"))
    return local_signer(Account.from_key(Account.decrypt(encrypted, passphrase)))


def submit_headers(prepared: dict[str, Any], signature: bytes) -> dict[str, str]:
    """The headers that send a prepared operation with its signature (docs/SIGNING.md)."""
    return {**prepared["submit"]["headers"], "Billchain-Signature": "0x" + signature.hex()}


class Refused(Exception):
    """The gateway answered a problem (RFC 9457): its status, code and detail."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        super().__init__(f"{status} {problem.get('code')}: {problem.get('detail')}")
        self.status = status
        self.code = str(problem.get("code"))
        self.problem = problem


#: the EIP-712 operation each write path signs, by its last segment (checked before signing)
OPERATIONS: dict[str, tuple[str, ...]] = {
    "bills": ("Issue",),
    "accept": ("Accept",),
    "reject": ("Reject", "RejectTransfer", "RejectSeizure"),
    "receive": ("Receive",),
    "cancel": ("Cancel", "CancelRecovery"),
    "endorse": ("Endorse",),
    "guarantee": ("Guarantee",),
    "seize": ("Seize",),
    "approve": ("ApproveParticipant", "ApproveRecovery"),
    "discount": ("Discount",),
    "pledge": ("Pledge",),
    "release": ("Release",),
    "present": ("Present", "PresentAll"),
    "pay": ("Pay", "PayAll"),
    "dishonor": ("Dishonor", "DishonorAll"),
    "recourse": ("Recourse",),
    "freeze": ("FreezeBill", "FreezeUnderOrder", "FreezeParticipant"),
    "unfreeze": ("UnfreezeBill", "UnfreezeParticipant"),
    "sign": ("SignTransfer", "ConfirmSeizure"),
    "revoke": ("RevokeTransfer",),
    "mint": ("Mint",),
    "transfer": ("TransferCash",),
    "mint-limit": ("SetMintLimit",),
}


def fen(amount: str) -> int:
    """ "1234.5" -> 123450: the API's amounts in the chain's integer fen."""
    whole, _, cents = amount.partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])


class BillchainClient:
    """One participant's (or the operator's) view of a gateway."""

    def __init__(
        self,
        base_url: str,
        token: str,
        signer: Signer | None = None,
        *,
        chain_id: int | None = None,
        relay: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.http = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {token}"}, transport=transport, timeout=timeout
        )
        self.signer = signer
        self.chain_id = chain_id
        self.relay = relay

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> BillchainClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- plain calls
    def get(self, path: str, **params: Any) -> Any:
        return self._answer(self.http.get(path, params={k: v for k, v in params.items() if v is not None}))

    def post(self, path: str, body: dict[str, Any] | None = None, *, key: str | None = None) -> Any:
        """A write: hosted, sent as it is; self-custody, prepared, checked, signed here and sent.
        `key` is its Idempotency-Key (one is made if none is given: a retry sends the same)."""
        headers = {"Idempotency-Key": key or str(uuid.uuid4())}
        if self.signer is None:
            return self._answer(self.http.post(path, json=body or {}, headers=headers))
        prepared = self._answer(self.http.post(path + "/prepare", json=body or {}))
        headers.update(submit_headers(prepared, self.sign(path, prepared, body or {})))
        return self._answer(self.http.post(prepared["submit"]["path"], json=body or {}, headers=headers))

    def sign(self, path: str, prepared: dict[str, Any], body: dict[str, Any] | None = None) -> bytes:
        """Check what the gateway prepared, then sign it (ValueError if it is not what was asked)."""
        assert self.signer is not None
        typed = prepared["typed_data"]
        message, domain = typed["message"], typed["domain"]
        if message.get("signer", "").lower() != self.signer.address.lower():
            raise ValueError(f"prepared for {message.get('signer')}, not for {self.signer.address}")
        expected = OPERATIONS.get(path.rstrip("/").rsplit("/", 1)[-1], ())
        if typed["primaryType"] not in expected:
            raise ValueError(f"{path} prepared a {typed['primaryType']}, not one of {expected}")
        if self.chain_id is not None and int(domain["chainId"]) != self.chain_id:
            raise ValueError(f"prepared for chain {domain['chainId']}, not {self.chain_id}")
        if self.relay is not None and str(domain["verifyingContract"]).lower() != self.relay.lower():
            raise ValueError(f"prepared for relay {domain['verifyingContract']}, not {self.relay}")
        for field in ("amount", "limit"):
            if body and field in body and field in message and int(message[field]) != fen(str(body[field])):
                raise ValueError(f"{field}: asked {body[field]}, prepared {message[field]} fen")
        return self.signer.sign(typed)

    # --- the API's words, typed (billchain_client/models.py)
    def me(self) -> Participant:
        return cast(Participant, self.get("/v1/me"))

    def participant(self, participant_id: str) -> Participant:
        return cast(Participant, self.get(f"/v1/participants/{participant_id}"))

    def bill(self, bill_id: int) -> Bill:
        return cast(Bill, self.get(f"/v1/bills/{bill_id}"))

    def balance(self, participant_id: str) -> str:
        return cast(Balance, self.get(f"/v1/cash/balances/{participant_id}"))["balance"]

    def issue(self, **body: Any) -> BillTx:
        return cast(BillTx, self.post("/v1/bills", body))

    def bill_action(self, bill_id: int, action: str, **body: Any) -> TransferTx:
        """accept, reject, receive, cancel, endorse, discount, pledge, release, present, pay, dishonor,
        recourse, freeze, unfreeze, guarantee, seize: `{bill, tx}`, and `transfer` for those that request one
        (endorse, discount, pledge, recourse, guarantee, seize; typed as TransferTx, whose `transfer` the others
        lack)."""
        return cast(TransferTx, self.post(f"/v1/bills/{bill_id}/{action}", body))

    def transfer_action(self, transfer_id: int, action: str) -> TransferTx:
        """sign, reject, revoke."""
        return cast(TransferTx, self.post(f"/v1/transfers/{transfer_id}/{action}", {}))

    def participant_action(self, participant_id: str, action: str, **body: Any) -> Participant:
        """freeze, unfreeze, approve, recovery (the OPERATOR's request: `address=`), recovery/approve,
        recovery/cancel: the participant as it stands after."""
        return cast(Participant, self.post(f"/v1/participants/{participant_id}/{action}", body))

    def mint(self, to: str, amount: str) -> Cash:
        return cast(Cash, self.post("/v1/cash/mint", {"to": to, "amount": amount}))

    def pay_cash(self, to: str, amount: str) -> Cash:
        return cast(Cash, self.post("/v1/cash/transfer", {"to": to, "amount": amount}))

    @staticmethod
    def _answer(response: httpx.Response) -> Any:
        if response.status_code >= 400:
            try:
                problem = response.json()
            except ValueError:
                problem = {"code": "HTTP", "detail": response.text}
            raise Refused(response.status_code, problem)
        return response.json()
