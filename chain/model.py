"""The contracts' enumerations and view records, as Python types.

The enums mirror contracts/types/BillTypes.sol, value for value (its NONE = 0 left out);
tests/chain/test_vocabulary.py checks them against the compiled contracts (chain/artifacts/enums.json).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from enum import IntEnum

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
EPOCH = date(1970, 1, 1)
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
ZERO_HASH = b"\x00" * 32


class Role(IntEnum):
    BANK = 1
    ENTERPRISE = 2
    REGULATOR = 3


class MemberStatus(IntEnum):
    ACTIVE = 1
    FROZEN = 2
    PENDING = 3


class BillKind(IntEnum):
    BANK_ACCEPTANCE = 1
    COMMERCIAL_ACCEPTANCE = 2
    SUPPLY_CHAIN = 3


class BillStatus(IntEnum):
    ISSUED = 1
    ACCEPTED = 2
    CIRCULATING = 3
    SETTLED = 4
    REJECTED = 5
    CANCELLED = 6


class RangeState(IntEnum):
    HELD = 1
    LOCKED = 2
    PLEDGED = 3
    PRESENTED = 4
    PAID = 5
    DISHONORED = 6


class TransferKind(IntEnum):
    ENDORSE = 1
    DISCOUNT = 2
    PLEDGE = 3
    RECOURSE = 4
    GUARANTEE = 5
    SEIZURE = 6


class Freeze(IntEnum):
    """How a bill or range is frozen: by a REGULATOR, or under a court's order (the views answer `frozen` and the
    order's hash; the contracts keep it as this enum)."""

    FROZEN = 1
    UNDER_ORDER = 2


class TransferStatus(IntEnum):
    PENDING = 1
    SIGNED = 2
    REJECTED = 3
    REVOKED = 4


class Operation(IntEnum):
    """What a participant may do; `Rules.roles_for` says who (read from the bill registry). The one list of the
    product's operations: the API's write routes, the replay's actions, the relay's typed operations and the
    console's actions are checked against it (tests/chain/test_operations.py)."""

    ISSUE = 0
    ACCEPT = 1
    REJECT = 2
    RECEIVE = 3
    CANCEL = 4
    ENDORSE = 5
    DISCOUNT = 6
    PLEDGE = 7
    RELEASE = 8
    PRESENT = 9
    PAY = 10
    DISHONOR = 11
    RECOURSE = 12
    SIGN = 13
    REJECT_TRANSFER = 14
    REVOKE = 15
    FREEZE = 16
    UNFREEZE = 17
    MINT = 18
    TRANSFER_CASH = 19
    GUARANTEE = 20
    SEIZE = 21

    @property
    def label(self) -> str:
        """Its name as the API and the scenario files write it: `accept`, `reject_transfer`."""
        return self.name.lower()


#: the operations on one bill: POST /v1/bills/{id}/<label>
BILL_OPERATIONS = (
    Operation.ACCEPT,
    Operation.REJECT,
    Operation.RECEIVE,
    Operation.CANCEL,
    Operation.ENDORSE,
    Operation.DISCOUNT,
    Operation.PLEDGE,
    Operation.RELEASE,
    Operation.PRESENT,
    Operation.PAY,
    Operation.DISHONOR,
    Operation.RECOURSE,
    Operation.FREEZE,
    Operation.UNFREEZE,
    Operation.GUARANTEE,
    Operation.SEIZE,
)
#: the answers to a transfer: POST /v1/transfers/{id}/<path> (a transfer's reject is `reject` there)
TRANSFER_OPERATIONS = (Operation.SIGN, Operation.REJECT_TRANSFER, Operation.REVOKE)


def transfer_path(operation: Operation) -> str:
    """The last part of a transfer operation's path: sign, reject, revoke."""
    return operation.label.removesuffix("_transfer")


#: every enum of this module, by the name the contracts give it
ENUMS: dict[str, type[IntEnum]] = {
    e.__name__: e
    for e in (Role, MemberStatus, BillKind, BillStatus, RangeState, TransferKind, TransferStatus, Operation, Freeze)
}


@dataclass(frozen=True)
class Rules:
    """The rules the bill registry checks, as it states them (`rules()`): who may do what, and the bounds."""

    role_table: int
    max_bill_amount: int
    max_tenor_days: int
    max_adjust_days: int
    max_reason_bytes: int
    max_ranges_per_bill: int
    overdue_events: int
    overdue_window_days: int

    def roles_for(self, operation: Operation) -> frozenset[Role]:
        roles = (self.role_table >> (8 * int(operation))) & 0xFF
        return frozenset(role for role in Role if roles >> int(role) & 1)


def day_number(d: date) -> int:
    """The contracts' day number: days since 1970-01-01 (Asia/Shanghai calendar days)."""
    return (d - EPOCH).days


def day_date(n: int) -> date:
    return EPOCH + timedelta(days=n)


def shanghai_date(timestamp: int) -> date:
    return datetime.fromtimestamp(timestamp, UTC).astimezone(SHANGHAI).date()


@dataclass(frozen=True)
class Member:
    code: int
    role: Role | None
    status: MemberStatus | None


@dataclass(frozen=True)
class BillRecord:
    bill_id: int
    kind: BillKind
    status: BillStatus
    transferable: bool
    frozen: bool
    order_hash: bytes | None
    drawer: str
    acceptor: str
    payee: str
    amount: int
    paid_amount: int
    issue_day: int
    maturity_day: int
    document_hash: bytes | None


@dataclass(frozen=True)
class RangeRecord:
    start: int
    end: int
    holder: str
    state: RangeState
    frozen: bool
    order_hash: bytes | None
    late: bool
    pledgee: str | None
    presented_at: int | None

    @property
    def amount(self) -> int:
        return self.end - self.start + 1


@dataclass(frozen=True)
class TransferRecord:
    transfer_id: int
    bill_id: int
    start: int
    end: int
    kind: TransferKind
    status: TransferStatus
    prior_state: RangeState | None  # None for a guarantee of the whole bill (it locks no range)
    from_: str
    to: str
    price: int
    document_hash: bytes | None
    restrictive: bool
    order_hash: bytes | None


@dataclass(frozen=True)
class OverdueRecord:
    """An acceptor's last three overdue events (day numbers, newest first; 0: none) and the chain's verdict."""

    latest: int
    second: int
    third: int
    overdue_until: int
    persistently: bool


@dataclass(frozen=True)
class RecoveryRecord:
    """A key recovery requested and not yet cancelled or completed."""

    new_account: str
    effective_at: int | None  # unix seconds; None until a REGULATOR approves it
