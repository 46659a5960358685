"""Rows of the index and of the gateway's tables, as API.md's objects (the `*Out` models)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from chain.tx import TxResult
from gateway.core.db import BalanceRow, BillRow, GuaranteeRow, HistoryRow, ParticipantRow, RangeRow, TransferRow
from gateway.core.money import format_amount
from gateway.core.schemas import (
    BillOut,
    GuaranteeOut,
    HistoryOut,
    ParticipantOut,
    RangeOut,
    RangeRef,
    RecoveryOut,
    TransferOut,
    Tx,
)
from gateway.services.standing import GOOD, Standing

T = TypeVar("T")


def label(start: int, end: int) -> str:
    return f"{start:012d}-{end:012d}"


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def range_ref(start: int, end: int) -> RangeRef:
    return RangeRef(start=start, end=end, label=label(start, end), amount=format_amount(end - start + 1))


def participant(row: ParticipantRow, standing: Standing = GOOD) -> ParticipantOut:
    recovery = None
    if row.recovery_address is not None:
        recovery = RecoveryOut(
            address=row.recovery_address,
            approved_by=row.recovery_approved_by,
            effective_at=iso(row.recovery_effective_at),
        )
    return ParticipantOut(
        id=row.id,
        name=row.name,
        role=row.role,
        member_code=row.member_code,
        address=row.address,
        status=row.status,  # type: ignore[arg-type]
        credit_code=row.credit_code,
        overdue_events_180d=standing.events_in_window,
        persistently_overdue=standing.persistently_overdue,
        recovery=recovery,
        custody=row.custody,  # type: ignore[arg-type]
    )


def range_(row: RangeRow) -> RangeOut:
    return RangeOut(
        **range_ref(row.start, row.end).model_dump(),
        holder=row.holder,
        state=row.state,  # type: ignore[arg-type]
        frozen=row.frozen,
        order_hash=row.order_hash,
        pledgee=row.pledgee,
        pending_transfer=row.pending_transfer,
        presented_at=iso(row.presented_at),
        late=row.late,
    )


def guarantee(row: GuaranteeRow) -> GuaranteeOut:
    rng = None if row.range_start is None or row.range_end is None else label(row.range_start, row.range_end)
    # "for" is a Python keyword: the field is `for_` with the alias the API names
    return GuaranteeOut.model_validate(
        {"guarantor": row.guarantor, "for": row.party, "range": rng, "transfer_id": row.transfer_id}
    )


def bill(row: BillRow, ranges: Sequence[RangeRow], guarantees: Sequence[GuaranteeRow] = ()) -> BillOut:
    return BillOut(
        id=row.id,
        bill_no=row.bill_no,
        kind=row.kind,  # type: ignore[arg-type]
        status=row.status,  # type: ignore[arg-type]
        drawer=row.drawer,
        acceptor=row.acceptor,
        payee=row.payee,
        amount=format_amount(row.amount),
        issue_date=row.issue_date.isoformat(),
        maturity_date=row.maturity_date.isoformat(),
        transferable=row.transferable,
        document_hash=row.document_hash,
        frozen=row.frozen,
        order_hash=row.order_hash,
        guarantees=[guarantee(g) for g in sorted(guarantees, key=lambda g: g.transfer_id)],
        ranges=[range_(r) for r in sorted(ranges, key=lambda r: r.start)],
    )


def transfer(row: TransferRow) -> TransferOut:
    return TransferOut(
        id=row.id,
        kind=row.kind,  # type: ignore[arg-type]
        bill_id=row.bill_id,
        range=range_ref(row.start, row.end) if row.names_range else None,
        **{"from": row.sender},
        to=row.receiver,
        price=None if row.price is None else format_amount(row.price),
        annual_rate=row.annual_rate,
        document_hash=row.document_hash,
        restrictive=row.restrictive,
        order_hash=row.order_hash,
        status=row.status,  # type: ignore[arg-type]
        created_at=iso(row.created_at) or "",
        updated_at=iso(row.updated_at) or "",
    )


def history(row: HistoryRow) -> HistoryOut:
    rng = None
    if row.range_start is not None and row.range_end is not None:
        rng = range_ref(row.range_start, row.range_end)
    return HistoryOut(
        seq=row.seq,
        event=row.event,
        block_number=row.block_number,
        tx_hash=row.tx_hash,
        timestamp=iso(row.timestamp) or "",
        actor=row.actor,
        range=rng,
        counterparty=row.counterparty,
        amount=None if row.amount is None else format_amount(row.amount),
        transfer_id=row.transfer_id,
    )


def tx(result: TxResult) -> Tx:
    return Tx(hash=result.hash, block_number=result.block_number, gas_used=result.gas_used)


def page(rows: Sequence[T], limit: int, cursor_of: Callable[[T], int]) -> tuple[list[T], str | None]:
    """`rows` holds up to limit + 1 rows: the extra one only says there is a next page."""
    kept = list(rows[:limit])
    more = len(rows) > limit
    return kept, str(cursor_of(kept[-1])) if more and kept else None


# --- reads the answers of writes share


def bills_out(s: Session, bill_ids: Sequence[int]) -> list[BillOut]:
    """The bills, in the order given, with their ranges and guarantees: three queries, however many bills."""
    rows = {b.id: b for b in s.scalars(select(BillRow).where(BillRow.id.in_(bill_ids)))}
    ranges: dict[int, list[RangeRow]] = {i: [] for i in bill_ids}
    for r in s.scalars(select(RangeRow).where(RangeRow.bill_id.in_(bill_ids)).order_by(RangeRow.start)):
        ranges[r.bill_id].append(r)
    guarantees: dict[int, list[GuaranteeRow]] = {i: [] for i in bill_ids}
    for g in s.scalars(select(GuaranteeRow).where(GuaranteeRow.bill_id.in_(bill_ids))):
        guarantees[g.bill_id].append(g)
    missing = set(bill_ids) - set(rows)
    assert not missing, f"bills {sorted(missing)} are not indexed"
    return [bill(rows[i], ranges[i], guarantees[i]) for i in bill_ids]


def bill_out(s: Session, bill_id: int) -> BillOut:
    return bills_out(s, [bill_id])[0]


def balance(s: Session, participant_id: str) -> int:
    row = s.get(BalanceRow, participant_id)
    return row.balance if row else 0
