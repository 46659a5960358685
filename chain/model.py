"""The contracts' enumerations and view records, as Python types."""

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


class TransferStatus(IntEnum):
    PENDING = 1
    SIGNED = 2
    REJECTED = 3
    REVOKED = 4


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
    prior_state: RangeState
    to: str
    price: int
    document_hash: bytes | None
