"""The gateway's answers as typed dictionaries: what `BillchainClient`'s methods return.

They are the API's objects (API.md, "Objects"), field for field: tests/api/test_client.py holds each equal to
the gateway's own OpenAPI schema, so a field the gateway gains or loses fails there, not in an integrator's
code. Dictionaries rather than classes: an answer is still the JSON the gateway sent (`answer["bill"]["id"]`),
and a type checker knows each key.
"""

from __future__ import annotations

from typing import Literal, TypedDict


class Tx(TypedDict):
    hash: str
    block_number: int
    gas_used: int


class Recovery(TypedDict):
    address: str
    approved_by: str | None
    effective_at: str | None


class Participant(TypedDict):
    id: str
    name: str
    role: str
    member_code: str
    address: str
    status: Literal["ACTIVE", "FROZEN", "PENDING"]
    credit_code: str | None
    overdue_events_180d: int
    persistently_overdue: bool
    recovery: Recovery | None
    custody: Literal["hosted", "self", "elsewhere"]


class Onboarded(Participant):
    api_token: str | None


class RangeRef(TypedDict):
    start: int
    end: int
    label: str
    amount: str


class Range(RangeRef):
    holder: str
    state: str
    frozen: bool
    order_hash: str | None
    pledgee: str | None
    pending_transfer: int | None
    presented_at: str | None
    late: bool


#: `for` is a Python keyword: the functional form
Guarantee = TypedDict("Guarantee", {"guarantor": str, "for": str, "range": str | None, "transfer_id": int})


class Bill(TypedDict):
    id: int
    bill_no: str
    kind: str
    status: str
    drawer: str
    acceptor: str
    payee: str
    amount: str
    issue_date: str
    maturity_date: str
    transferable: bool
    document_hash: str | None
    frozen: bool
    order_hash: str | None
    guarantees: list[Guarantee]
    ranges: list[Range]


#: a transfer's `from` is a Python keyword: the functional form
Transfer = TypedDict(
    "Transfer",
    {
        "id": int,
        "kind": str,
        "bill_id": int,
        "range": RangeRef | None,
        "from": str,
        "to": str,
        "price": str | None,
        "annual_rate": str | None,
        "document_hash": str | None,
        "restrictive": bool,
        "order_hash": str | None,
        "status": str,
        "created_at": str,
        "updated_at": str,
    },
)


class BillTx(TypedDict):
    bill: Bill
    tx: Tx


class TransferTx(TypedDict):
    transfer: Transfer
    bill: Bill
    tx: Tx


class Cash(TypedDict):
    to: str
    amount: str
    balance: str
    tx: Tx


class Balance(TypedDict):
    participant: str
    balance: str


#: each typed answer, by the name of the gateway's OpenAPI schema it mirrors
MIRRORS: dict[str, type] = {
    "Tx": Tx,
    "ParticipantOut": Participant,
    "OnboardedOut": Onboarded,
    "RangeRef": RangeRef,
    "RangeOut": Range,
    "GuaranteeOut": Guarantee,
    "RecoveryOut": Recovery,
    "BillOut": Bill,
    "TransferOut": Transfer,
    "BillTx": BillTx,
    "TransferTx": TransferTx,
    "CashOut": Cash,
    "BalanceOut": Balance,
}
