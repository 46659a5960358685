"""Exposures by acceptor computed from the bill registry's own views (not the gateway's index), by the
definitions of gateway/services/reports.py: what the report and its CSV are checked against."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from chain.clients import BillRegistryClient
from chain.model import BillStatus, RangeState, TransferKind, TransferStatus, day_date
from gateway.core.money import parse_amount

COLUMNS = ("bills", "outstanding", "overdue", "dishonored", "recourse_open")


def chain_exposures(bills: BillRegistryClient, ids: dict[str, str]) -> dict[str, dict[str, int]]:
    """{acceptor id: {column: fen (bills: a count)}} for every acceptor with something to report;
    `ids` maps a chain address to its participant id."""
    today = day_date(bills.today())
    totals: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COLUMNS, 0))
    for bill_id in range(1, bills.bill_count() + 1):
        bill = bills.bill(bill_id)
        ranges = bills.ranges(bill_id)
        row = totals[ids[bill.acceptor]]
        if bill.status in (BillStatus.ACCEPTED, BillStatus.CIRCULATING):
            unpaid = (
                bill.amount
                if bill.status == BillStatus.ACCEPTED
                else sum(r.amount for r in ranges if r.state != RangeState.PAID)
            )
            row["bills"] += 1
            row["outstanding"] += unpaid
            row["overdue"] += unpaid if day_date(bill.maturity_day) < today else 0
        row["dishonored"] += sum(r.amount for r in ranges if r.state == RangeState.DISHONORED)
    for transfer_id in range(1, bills.transfer_count() + 1):
        t = bills.transfer(transfer_id)
        if t.kind == TransferKind.RECOURSE and t.status == TransferStatus.PENDING:
            totals[ids[bills.bill(t.bill_id).acceptor]]["recourse_open"] += t.price
    return {a: t for a, t in totals.items() if t["bills"] or t["dishonored"] or t["recourse_open"]}


def report_fen(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """The report's rows (JSON or CSV) in the same shape."""
    return {r["acceptor"]: {"bills": int(r["bills"]), **{c: parse_amount(r[c]) for c in COLUMNS[1:]}} for r in rows}
