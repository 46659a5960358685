"""The API's request and response models, one per use: the HTTP layer validates and renders them, the
services take and return them. Amounts are strings at this edge only; kinds, statuses, states and roles
are the contracts' enums (chain/model.py), written by their names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StrictBool,
    StrictInt,
    StrictStr,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from chain.model import BillKind, BillStatus, MemberStatus, RangeState, Role, TransferKind, TransferStatus


@dataclass(frozen=True)
class ByName:
    """A contract enum in JSON by its member's name (`"HELD"`), as API.md writes it; any other value is
    a validation error naming the ones allowed."""

    enum: type[IntEnum]

    def _parse(self, value: Any) -> IntEnum:
        if isinstance(value, self.enum):
            return value
        if isinstance(value, str) and value in self.enum.__members__:
            return self.enum[value]
        raise ValueError(f"one of {', '.join(self.enum.__members__)}")

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(
            self._parse, serialization=core_schema.plain_serializer_function_ser_schema(lambda v: v.name)
        )

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {"type": "string", "enum": list(self.enum.__members__), "title": self.enum.__name__}


RoleName = Annotated[Role, ByName(Role)]
MemberStatusName = Annotated[MemberStatus, ByName(MemberStatus)]
BillKindName = Annotated[BillKind, ByName(BillKind)]
BillStatusName = Annotated[BillStatus, ByName(BillStatus)]
RangeStateName = Annotated[RangeState, ByName(RangeState)]
TransferKindName = Annotated[TransferKind, ByName(TransferKind)]
TransferStatusName = Annotated[TransferStatus, ByName(TransferStatus)]

Amount = Annotated[StrictStr, Field(pattern=r"^(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?$", examples=["300000.00"])]
#: a mint limit: the sum of many mints, so larger than any one amount (SCENARIOS.md's default is 1e12 yuan)
LimitAmount = Annotated[
    StrictStr, Field(pattern=r"^(0|[1-9][0-9]{0,17})(\.[0-9]{1,2})?$", examples=["1000000000000.00"])
]
Rate = Annotated[StrictStr, Field(pattern=r"^0(\.[0-9]{1,6})?$", examples=["0.0185"])]
Slug = Annotated[StrictStr, Field(pattern=r"^[a-z][a-z0-9-]{2,39}$", examples=["t1-supplier"])]
Ref = Annotated[StrictStr, Field(min_length=1, max_length=40, examples=["bank"])]
DocHash = Annotated[StrictStr, Field(pattern=r"^0x[0-9a-f]{64}$")]
RangeStart = Annotated[StrictInt, Field(ge=1, le=100_000_000_000)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Empty(Body):
    pass


class ParticipantCreate(Body):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "id": "t1-supplier",
                    "name": "Tier-1 Supplier Co.",
                    "role": "ENTERPRISE",
                    "credit_code": "91310000MA1FL4JK3N",
                }
            ]
        },
    )

    id: Slug | None = None
    name: Annotated[StrictStr, Field(min_length=1, max_length=200)]
    role: RoleName
    credit_code: Annotated[StrictStr, Field(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$")] | None = None
    address: Annotated[
        StrictStr | None,
        Field(
            pattern=r"^0x[0-9a-fA-F]{40}$",
            description="Self-custody: the participant's own account (an address, or a contract wallet that "
            "answers ERC-1271); the gateway never sees its key and relays what it signs (docs/SIGNING.md). "
            "Absent: the gateway creates and holds the key (hosted).",
        ),
    ] = None
    serve: StrictBool = Field(
        default=True,
        description="Whether this gateway serves it (issues its token). false: another institution's gateway "
        "does (POST /v1/participants/{id}/serve there; docs/GATEWAYS.md); the address is then required.",
    )


class ServeCreate(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"custody": "hosted"}]})

    custody: Literal["hosted", "self"] = Field(
        description="hosted: this gateway holds its key (made with POST /v1/hosted-keys before the onboarding); "
        "self: it signs its own operations, this gateway relays them."
    )


class HostedKeyCreate(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"id": "t2-supplier"}]})

    id: Slug


class CashMove(Body):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"to": "t1-supplier", "amount": "1000000.00"}]}
    )

    to: Ref
    amount: Amount


class BillIssue(Body):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "SUPPLY_CHAIN",
                    "acceptor": "core-auto",
                    "payee": "t1-supplier",
                    "amount": "1000000.00",
                    "maturity_date": "2027-05-30",
                    "document_hash": "0x9f2c4e0a7b6d5c3e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e",
                }
            ]
        },
    )

    kind: BillKindName
    acceptor: Ref
    payee: Ref
    amount: Amount
    maturity_date: date
    transferable: StrictBool = True
    document_hash: DocHash | None = None


class Endorse(Body):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"to": "t2-supplier", "amount": "300000.00"}]}
    )

    to: Ref
    amount: Amount | None = None
    range_start: RangeStart | None = None
    document_hash: DocHash | None = None
    restrictive: StrictBool = Field(
        default=False,
        description="不得转让: the endorser is then liable to `to` alone, not to whoever takes the range after it",
    )


class Guarantee(Body):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"guarantor": "icbc-sh"}, {"guarantor": "icbc-sh", "range_start": 1}]},
    )

    guarantor: Ref
    amount: Amount | None = None
    range_start: RangeStart | None = Field(
        default=None,
        description="A holder names its range (or holds one only); the drawer and the acceptor, naming none, "
        "guarantee the whole bill",
    )


class Seize(Body):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "range_start": 1,
                    "to": "t2-supplier",
                    "order_hash": "0x9f2c4e0a7b6d5c3e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e",
                }
            ]
        },
    )

    range_start: RangeStart
    to: Ref
    order_hash: DocHash


class Freeze(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"range_start": 30000001}]})

    range_start: RangeStart | None = None
    order_hash: DocHash | None = Field(
        default=None,
        description="A judicial freeze: the SHA-256 of the court's order, a document this REGULATOR uploaded",
    )


class RecoveryCreate(Body):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"address": "0x5a35415ACcF0099d141ed334509cE98970e4C683"}]}
    )

    address: Annotated[StrictStr, Field(pattern=r"^0x[0-9a-fA-F]{40}$", description="The participant's new address")]


class Discount(Body):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"bank": "icbc-sh", "annual_rate": "0.0185", "adjust_days": 0}]}
    )

    bank: Ref
    annual_rate: Rate
    adjust_days: Annotated[StrictInt, Field(ge=0, le=3)] = 0
    amount: Amount | None = None
    range_start: RangeStart | None = None
    document_hash: DocHash | None = None


class Pledge(Body):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"bank": "icbc-sh", "amount": "500000.00"}]}
    )

    bank: Ref
    amount: Amount | None = None
    range_start: RangeStart | None = None


class RangeOnly(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"range_start": 30000001}]})

    range_start: RangeStart | None = None


class Dishonor(Body):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "insufficient funds", "range_start": 1}]}
    )

    reason: Annotated[StrictStr, Field(min_length=1, max_length=200)]
    range_start: RangeStart | None = None


class Recourse(Body):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"against": "t1-supplier", "range_start": 1}]}
    )

    against: Ref
    range_start: RangeStart | None = None


class Advance(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"days": 120}]})

    seconds: Annotated[StrictInt, Field(ge=0, le=10 * 366 * 86_400)] | None = None
    days: Annotated[StrictInt, Field(ge=0, le=3660)] | None = None


class Tx(BaseModel):
    hash: str
    block_number: int
    gas_used: int


class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str
    code: str


JSON = dict[str, Any]


# --- responses ------------------------------------------------------------------------


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RecoveryOut(Out):
    address: str = Field(description="The address the participant will act from")
    approved_by: str | None = Field(description="The REGULATOR that approved it (null until one does)")
    effective_at: str | None = Field(
        description="When it takes effect, unless the participant cancels it first (UTC, ISO 8601; null until approved)"
    )


class ParticipantOut(Out):
    id: str
    name: str
    role: str
    member_code: str
    address: str
    status: MemberStatusName
    credit_code: str | None
    overdue_events_180d: int = Field(description="Its overdue events as an acceptor in the last 180 days of chain time")
    persistently_overdue: bool = Field(
        description="Three overdue events in 180 days: it accepts nothing, and its bills are not discounted, "
        "pledged or guaranteed (ACCEPTOR_OVERDUE), until the third-latest is 180 days old"
    )
    recovery: RecoveryOut | None = Field(description="A key recovery requested for it, or null")
    custody: Literal["hosted", "self", "elsewhere"] = Field(
        description="hosted: this gateway holds its key and signs for it; self: it signs each operation itself "
        "and this gateway relays it; elsewhere: another institution's gateway serves it (docs/GATEWAYS.md)"
    )


class OnboardedOut(ParticipantOut):
    api_token: str | None = Field(
        description="Shown once; the gateway keeps only its hash (null in a replay of the same Idempotency-Key)."
    )


class HostedKeyOut(Out):
    id: str = Field(description="The participant id the key is for, once the operator onboards it.")
    address: str = Field(description="The key's address: give it to the operator for the onboarding.")


class TokenOut(Out):
    api_token: str | None = Field(
        description="The new token, shown once (null in a replay); every earlier one stops working at once."
    )
    expires_at: str | None = Field(default=None, description="When it stops working (BILLCHAIN_TOKEN_TTL_DAYS).")


class TokenEventOut(Out):
    at: str = Field(description="When the token was issued (UTC, ISO 8601).")
    by: str = Field(description='Who issued it: "operator" (this gateway\'s operator), or the participant itself.')
    kind: Literal["ISSUED", "ROTATED", "REISSUED"] = Field(
        description="ISSUED: at onboarding or when this gateway began serving it; ROTATED: by the participant "
        "itself (POST /v1/me/token); REISSUED: by the operator (POST /v1/participants/{id}/token)"
    )


class TokenEventPage(Out):
    items: list[TokenEventOut]
    next_cursor: str | None


class MintLimitSet(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"limit": "50000000.00"}]})

    limit: LimitAmount


class MintLimitOut(Out):
    participant: str
    mint_limit: str = Field(description="What the bank may mint in all, set by a REGULATOR (0 until set).")
    minted: str = Field(description="What it minted so far.")


class OperatorOut(Out):
    id: Literal["operator"]
    role: Literal["OPERATOR"]


class RangeRef(Out):
    start: int
    end: int
    label: str
    amount: str


class RangeOut(RangeRef):
    holder: str
    state: RangeStateName
    frozen: bool
    order_hash: str | None = Field(description="The court order it is frozen under (a judicial freeze), or null")
    pledgee: str | None
    pending_transfer: int | None
    presented_at: str | None
    late: bool


class GuaranteeOut(Out):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    guarantor: str
    for_: str = Field(alias="for", serialization_alias="for", description="The party it guarantees")
    range: str | None = Field(
        description="The label of the range guaranteed (as it was: the ranges later split from it are covered "
        "too), or null for the drawer's or the acceptor's guarantee of the whole bill"
    )
    transfer_id: int


class BillOut(Out):
    id: int
    bill_no: str = Field(examples=["700000000000120261201000000017"])
    kind: BillKindName
    status: BillStatusName
    drawer: str
    acceptor: str
    payee: str
    amount: str
    issue_date: str
    maturity_date: str
    transferable: bool
    document_hash: str | None
    frozen: bool
    order_hash: str | None = Field(description="The court order the whole bill is frozen under, or null")
    guarantees: list[GuaranteeOut] = Field(description="The signed guarantees, in the order they were signed")
    ranges: list[RangeOut]


class TransferOut(Out):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: int
    kind: TransferKindName
    bill_id: int
    range: RangeRef | None = Field(description="null for a drawer's or acceptor's guarantee of the whole bill")
    from_: str = Field(alias="from", serialization_alias="from")
    to: str
    price: str | None
    annual_rate: str | None
    document_hash: str | None
    restrictive: bool = Field(description="An endorsement marked 不得转让")
    order_hash: str | None = Field(description="The court order a SEIZURE executes, else null")
    status: TransferStatusName
    created_at: str
    updated_at: str


class HistoryOut(Out):
    seq: int
    event: str
    block_number: int
    tx_hash: str
    timestamp: str
    actor: str | None
    range: RangeRef | None
    counterparty: str | None
    amount: str | None
    transfer_id: int | None


class BillTx(Out):
    bill: BillOut
    tx: Tx


class DiscountQuote(Out):
    """What a discount requested now would cost the bank, as the bill registry computes it (`discountPrice`)."""

    bill_id: int
    range: RangeRef
    bank: str | None
    annual_rate: str
    adjust_days: int
    as_of: str = Field(description="the chain's date (Asia/Shanghai) the price is computed for")
    price: str
    interest: str


class TransferTx(Out):
    transfer: TransferOut
    bill: BillOut
    tx: Tx


class CashOut(Out):
    to: str
    amount: str
    balance: str
    tx: Tx


class BalanceOut(Out):
    participant: str
    balance: str


class DocumentOut(Out):
    hash: str
    size: int
    content_type: str


class ChainOut(Out):
    backend: str
    chain_id: int
    block_number: int
    timestamp: int
    date: str


class HealthChain(Out):
    backend: str
    chain_id: int
    block_number: int
    date: str


class HealthOut(Out):
    status: Literal["ok", "degraded"] = Field(
        description='"degraded": the chain lost what the gateway had acknowledged (`reason`); writes answer 503'
    )
    reason: str | None = Field(default=None, description="Why the gateway is degraded (absent when ok).")
    chain: HealthChain
    contracts: dict[str, str]


class ParticipantPage(Out):
    items: list[ParticipantOut]
    next_cursor: str | None


class BillPage(Out):
    items: list[BillOut]
    next_cursor: str | None


class TransferPage(Out):
    items: list[TransferOut]
    next_cursor: str | None


class HistoryPage(Out):
    items: list[HistoryOut]
    next_cursor: str | None


class SubmitHint(Out):
    method: Literal["POST"]
    path: str
    headers: dict[str, str] = Field(description="Add Billchain-Signature: the signature, 0x-hex")


class PreparedOut(Out):
    """An operation to sign (docs/SIGNING.md): sign `typed_data` (EIP-712, eth_signTypedData_v4), then send
    the same request to `submit.path` with the headers of `submit` and the signature."""

    operation: str = Field(description="The EIP-712 primary type, e.g. Endorse, SignTransfer")
    signer: str
    summary: str = Field(description="What the signature does, in words; check it against typed_data")
    typed_data: dict[str, Any]
    digest: str = Field(description="The EIP-712 digest the relay checks the signature against")
    nonce: int
    deadline: int = Field(description="Unix time: the latest block time at which the operation may run")
    submit: SubmitHint


# --- the regulator's reports (gateway/services/reports.py states what each figure means)


class ExposureRow(Out):
    acceptor: str
    bills: int
    outstanding: str
    overdue: str
    dishonored: str
    recourse_open: str


class ExposuresOut(Out):
    as_of: str
    items: list[ExposureRow]


class ConcentrationRow(Out):
    kind: Literal["ACCEPTOR", "HOLDER"]
    rank: int
    participant: str
    amount: str
    share: str = Field(description="of the total over all acceptors (or holders), four decimals")


class ConcentrationOut(Out):
    as_of: str
    items: list[ConcentrationRow]


class DailyRow(Out):
    date: str
    issued_count: int
    issued_amount: str
    discounted_count: int
    discounted_amount: str


class DailyOut(Out):
    items: list[DailyRow]


class RefusalOut(Out):
    at: str
    caller: str
    request: str
    code: str
    document_hash: str | None


class RefusalsOut(Out):
    items: list[RefusalOut]


class FrozenRow(Out):
    kind: Literal["PARTICIPANT", "BILL", "RANGE"]
    participant: str | None
    bill_id: int | None
    range: str | None


class FrozenOut(Out):
    items: list[FrozenRow]


class OverdueEventOut(Out):
    acceptor: str
    events_180d: int = Field(description="The acceptor's overdue events in the last 180 days of chain time")
    persistently_overdue: bool
    overdue_until: str | None = Field(description="The last day it is persistently overdue (null when it is not)")
    bill_id: int = Field(description="The bill of this event (one event a bill)")
    day: str = Field(description="When the chain counted it (Asia/Shanghai date)")


class OverdueAcceptorsOut(Out):
    as_of: str
    items: list[OverdueEventOut] = Field(
        description="One row per overdue event of each acceptor with an event in the window or persistently overdue"
    )


class CourtOrderRow(Out):
    order_hash: str
    kind: Literal["BILL", "RANGE"]
    bill_id: int
    range: str | None
    holder: str | None = Field(description="Who holds the range frozen (null for a whole bill)")
    frozen_by: str | None = Field(description="The REGULATOR that froze it under the order")
    seizure: int | None = Field(description="A pending seizure under the order: its transfer id")
    beneficiary: str | None = Field(description="That seizure's beneficiary")


class CourtOrdersOut(Out):
    items: list[CourtOrderRow]


class CashMovementOut(Out):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: int
    kind: Literal["MINT", "TRANSFER", "DISCOUNT", "PAY", "RECOURSE"]
    from_: str | None = Field(alias="from", serialization_alias="from")
    to: str
    amount: str
    bill_id: int | None
    block_number: int
    tx_hash: str
    timestamp: str


class CashMovementPage(Out):
    items: list[CashMovementOut]
    next_cursor: str | None


class AccountNonce(Out):
    name: str
    address: str
    nonce: int


class GatewayStatusOut(Out):
    head: int
    indexed_block: int
    index_lag: int
    outbox: dict[str, int]
    accounts: list[AccountNonce]
    held: str | None = Field(description="why writes are held (a chain incident), or null")


# --- one transaction explained (gateway/services/transactions.py)


class CallOut(Out):
    contract: str
    method: str
    args: dict[str, Any]


class EventOut(Out):
    contract: str
    event: str
    args: dict[str, Any]


class OperationOut(Out):
    signer: str = Field(description="whom it ran for: its signer through the relay, else the account that sent it")
    signer_participant: str | None
    contract: str
    method: str
    args: dict[str, Any]


class TransactionOut(Out):
    """A transaction explained, as much as the caller may see of it (API.md, Visibility): the operator and
    REGULATORs see it whole; a participant sees the operations it ran itself and the events of what it is a
    party to (a bill it sees, a transfer it is party to, cash it paid or received), and no calldata."""

    hash: str
    status: Literal["SUCCESS", "REVERTED"]
    block_number: int
    timestamp: str
    sender: str | None = Field(
        description="the account that sent it (a hosted key, or a gateway's relayer): to the operator, REGULATORs, "
        "and a participant that sent it itself or when it is no participant's (a relayer)"
    )
    sender_participant: str | None
    gas_used: int
    call: CallOut | None = Field(
        description="the contract and method called, as sent (a relayed call's operations and signatures "
        "included): the operator and REGULATORs only"
    )
    operations: list[OperationOut] = Field(description="the platform operations it ran that the caller may see")
    events: list[EventOut] = Field(description="the events it emitted that the caller may see")


# --- batches (POST /v1/batch, gateway/services/batches.py)

MAX_BATCH_OPERATIONS = 100


class BatchOperation(Body):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"path": "/v1/bills/7/endorse", "body": {"to": "t2", "amount": "100.00"}}]},
    )

    path: Annotated[StrictStr, Field(pattern=r"^/v1/[a-z0-9/_-]{1,200}$", description="a write's path (POST)")]
    body: dict[str, Any] = Field(default_factory=dict, description="the write's body, as it takes it alone")


class BatchIn(Body):
    model_config = ConfigDict(extra="forbid")

    operations: Annotated[list[BatchOperation], Field(min_length=1, max_length=MAX_BATCH_OPERATIONS)]


class BatchResult(Out):
    status: int = Field(description="the status the operation alone would have been answered with")
    body: dict[str, Any] = Field(description="its answer, as the operation alone is answered")


class BatchOut(Out):
    operations: list[BatchResult]
    tx: Tx
