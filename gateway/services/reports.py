"""The regulator's reports (GET /v1/reports/...): exposures, concentration, daily activity, blocked
double financing and what is frozen, computed from the index, which mirrors the chain's events
(tests/api/test_reports.py checks them against the contracts' own views).

Definitions, in the words a bill-desk regulator uses (docs/CONSOLE.md):
- outstanding: face value the acceptor owes and has not paid: an ACCEPTED bill's amount (the acceptor
  is bound before the payee receives), and a CIRCULATING bill's ranges that are not PAID;
- overdue: the part of outstanding whose maturity date is before the chain's date;
- dishonored: ranges in DISHONORED (refused at presentment, or held by a party that paid recourse);
- recourse open: pending RECOURSE transfers (claims awaiting their answer), at their price.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date
from typing import Literal

from sqlalchemy import select

from chain.model import day_date, shanghai_date
from gateway.core.db import BillRow, HistoryRow, OverdueEventRow, ParticipantRow, RangeRow, RefusalRow, TransferRow
from gateway.core.money import format_amount
from gateway.core.schemas import (
    ConcentrationOut,
    ConcentrationRow,
    CourtOrderRow,
    CourtOrdersOut,
    DailyOut,
    DailyRow,
    ExposureRow,
    ExposuresOut,
    FrozenOut,
    FrozenRow,
    OverdueAcceptorsOut,
    OverdueEventOut,
    RefusalOut,
    RefusalsOut,
)
from gateway.services import views
from gateway.services.base import Service
from gateway.services.caller import Caller
from gateway.services.standing import overdue_acceptors

UNPAID_BILL_STATES = ("ACCEPTED", "CIRCULATING")


def share(part: int, whole: int) -> str:
    """A fraction of a total as a decimal string with four places ("0.2500"), rounded half up."""
    if whole == 0:
        return "0.0000"
    tenths_of_bp = (part * 100_000 // whole + 5) // 10
    return f"{tenths_of_bp // 10_000}.{tenths_of_bp % 10_000:04d}"


class Reports(Service):
    def _require(self, caller: Caller) -> None:
        self.require_role(caller, "REGULATOR", "OPERATOR")

    def today(self) -> date:
        return day_date(self.rt.system.bills.today())

    def _owed(self) -> list[tuple[BillRow, int, int]]:
        """(bill, unpaid fen, of which overdue fen) for every bill an acceptor is bound by."""
        today = self.today()
        with self.rt.db.session() as s:
            bills = list(s.scalars(select(BillRow).where(BillRow.status.in_(UNPAID_BILL_STATES))))
            ranges: dict[int, list[RangeRow]] = defaultdict(list)
            for r in s.scalars(select(RangeRow).where(RangeRow.state != "PAID")):
                ranges[r.bill_id].append(r)
        owed = []
        for bill in bills:
            unpaid = bill.amount if bill.status == "ACCEPTED" else sum(r.end - r.start + 1 for r in ranges[bill.id])
            owed.append((bill, unpaid, unpaid if bill.maturity_date < today else 0))
        return owed

    def exposures(self, caller: Caller) -> ExposuresOut:
        self._require(caller)
        totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for bill, unpaid, overdue in self._owed():
            row = totals[bill.acceptor]
            row["bills"] += 1
            row["outstanding"] += unpaid
            row["overdue"] += overdue
        with self.rt.db.session() as s:
            dishonored = s.execute(
                select(BillRow.acceptor, RangeRow.start, RangeRow.end)
                .join(RangeRow, RangeRow.bill_id == BillRow.id)
                .where(RangeRow.state == "DISHONORED")
            ).all()
            recourse = s.execute(
                select(BillRow.acceptor, TransferRow.price)
                .join(TransferRow, TransferRow.bill_id == BillRow.id)
                .where(TransferRow.kind == "RECOURSE", TransferRow.status == "PENDING")
            ).all()
        for acceptor, start, end in dishonored:
            totals[acceptor]["dishonored"] += end - start + 1
        for acceptor, price in recourse:
            totals[acceptor]["recourse_open"] += price or 0
        items = [
            ExposureRow(
                acceptor=acceptor,
                bills=t["bills"],
                outstanding=format_amount(t["outstanding"]),
                overdue=format_amount(t["overdue"]),
                dishonored=format_amount(t["dishonored"]),
                recourse_open=format_amount(t["recourse_open"]),
            )
            for acceptor, t in sorted(totals.items(), key=lambda kv: (-kv[1]["outstanding"], kv[0]))
        ]
        return ExposuresOut(as_of=self.today().isoformat(), items=items)

    def concentration(self, caller: Caller, top: int) -> ConcentrationOut:
        """The largest acceptors by what they owe, and the largest holders by unpaid face value held."""
        self._require(caller)
        by_acceptor: dict[str, int] = defaultdict(int)
        for bill, unpaid, _ in self._owed():
            by_acceptor[bill.acceptor] += unpaid
        by_holder: dict[str, int] = defaultdict(int)
        with self.rt.db.session() as s:
            held = s.execute(
                select(RangeRow.holder, RangeRow.start, RangeRow.end)
                .join(BillRow, BillRow.id == RangeRow.bill_id)
                .where(RangeRow.state != "PAID", BillRow.status == "CIRCULATING")
            ).all()
        for holder, start, end in held:
            by_holder[holder] += end - start + 1

        def ranked(kind: Literal["ACCEPTOR", "HOLDER"], totals: dict[str, int]) -> list[ConcentrationRow]:
            whole = sum(totals.values())
            order = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
            return [
                ConcentrationRow(kind=kind, rank=i, participant=p, amount=format_amount(fen), share=share(fen, whole))
                for i, (p, fen) in enumerate(order, start=1)
            ]

        return ConcentrationOut(
            as_of=self.today().isoformat(),
            items=ranked("ACCEPTOR", by_acceptor) + ranked("HOLDER", by_holder),
        )

    def daily(self, caller: Caller, since: date | None, until: date | None) -> DailyOut:
        """Bills issued (by issue date) and discounts completed (by the Shanghai date of the bank's
        signature) per day."""
        self._require(caller)
        days: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        with self.rt.db.session() as s:
            for issued, amount in s.execute(select(BillRow.issue_date, BillRow.amount)):
                days[issued]["issued_count"] += 1
                days[issued]["issued_amount"] += amount
            signed = select(TransferRow.updated_at, TransferRow.start, TransferRow.end).where(
                TransferRow.kind == "DISCOUNT", TransferRow.status == "SIGNED"
            )
            for at, start, end in s.execute(signed):
                day = shanghai_date(int(at.replace(tzinfo=UTC).timestamp()))
                days[day]["discounted_count"] += 1
                days[day]["discounted_amount"] += end - start + 1
        items = [
            DailyRow(
                date=day.isoformat(),
                issued_count=d["issued_count"],
                issued_amount=format_amount(d["issued_amount"]),
                discounted_count=d["discounted_count"],
                discounted_amount=format_amount(d["discounted_amount"]),
            )
            for day, d in sorted(days.items())
            if (since is None or day >= since) and (until is None or day <= until)
        ]
        return DailyOut(items=items)

    def double_financing(self, caller: Caller) -> RefusalsOut:
        self._require(caller)
        with self.rt.db.session() as s:
            rows = list(s.scalars(select(RefusalRow).order_by(RefusalRow.id)))
        items = [
            RefusalOut(
                at=views.iso(r.at) or "",
                caller=r.caller,
                request=r.method_path,
                code=r.code,
                document_hash=r.document_hash,
            )
            for r in rows
        ]
        return RefusalsOut(items=items)

    def frozen(self, caller: Caller) -> FrozenOut:
        """Frozen participants, bills and ranges."""
        self._require(caller)
        with self.rt.db.session() as s:
            people = list(s.scalars(select(ParticipantRow).where(ParticipantRow.status == "FROZEN")))
            bills = list(s.scalars(select(BillRow).where(BillRow.frozen.is_(True))))
            ranges = list(s.scalars(select(RangeRow).where(RangeRow.frozen.is_(True))))
        items = [FrozenRow(kind="PARTICIPANT", participant=p.id, bill_id=None, range=None) for p in people]
        items += [FrozenRow(kind="BILL", participant=None, bill_id=b.id, range=None) for b in bills]
        items += [
            FrozenRow(kind="RANGE", participant=r.holder, bill_id=r.bill_id, range=views.label(r.start, r.end))
            for r in sorted(ranges, key=lambda r: (r.bill_id, r.start))
        ]
        return FrozenOut(items=items)

    def overdue_acceptors(self, caller: Caller) -> OverdueAcceptorsOut:
        """Every acceptor with an overdue event in the window, or persistently overdue (DOMAIN.md), with its
        events: one row per event, its acceptor's standing on each."""
        self._require(caller)
        today = self.today()
        with self.rt.db.session() as s:
            found = overdue_acceptors(s, today, self.rt.rules.overdue_window_days)
            events = list(
                s.scalars(
                    select(OverdueEventRow)
                    .where(OverdueEventRow.acceptor.in_(list(found)))
                    .order_by(OverdueEventRow.acceptor, OverdueEventRow.id)
                )
            )
        items = [
            OverdueEventOut(
                acceptor=e.acceptor,
                events_180d=found[e.acceptor].events_in_window,
                persistently_overdue=found[e.acceptor].persistently_overdue,
                overdue_until=(until.isoformat() if (until := found[e.acceptor].until) else None),
                bill_id=e.bill_id,
                day=e.day.isoformat(),
            )
            for e in events
        ]
        return OverdueAcceptorsOut(as_of=today.isoformat(), items=items)

    def court_orders(self, caller: Caller) -> CourtOrdersOut:
        """The court orders in force: every bill and range frozen under one, who froze it, and a seizure
        pending under it."""
        self._require(caller)
        with self.rt.db.session() as s:
            bills = list(s.scalars(select(BillRow).where(BillRow.order_hash.is_not(None)).order_by(BillRow.id)))
            ranges = list(
                s.scalars(
                    select(RangeRow).where(RangeRow.order_hash.is_not(None)).order_by(RangeRow.bill_id, RangeRow.start)
                )
            )
            seizures = {
                (t.bill_id, t.start, t.order_hash): t
                for t in s.scalars(
                    select(TransferRow).where(TransferRow.kind == "SEIZURE", TransferRow.status == "PENDING")
                )
            }
            freezers = {
                (h.bill_id, h.range_start or 0): h.actor
                for h in s.scalars(select(HistoryRow).where(HistoryRow.event == "FROZEN").order_by(HistoryRow.seq))
            }
        items = [
            CourtOrderRow(
                order_hash=b.order_hash or "",
                kind="BILL",
                bill_id=b.id,
                range=None,
                holder=None,
                frozen_by=freezers.get((b.id, 0)),
                seizure=None,
                beneficiary=None,
            )
            for b in bills
        ]
        for r in ranges:
            seizure = seizures.get((r.bill_id, r.start, r.order_hash))
            items.append(
                CourtOrderRow(
                    order_hash=r.order_hash or "",
                    kind="RANGE",
                    bill_id=r.bill_id,
                    range=views.label(r.start, r.end),
                    holder=r.holder,
                    frozen_by=freezers.get((r.bill_id, r.start)),
                    seizure=seizure.id if seizure else None,
                    beneficiary=seizure.receiver if seizure else None,
                )
            )
        return CourtOrdersOut(items=items)
