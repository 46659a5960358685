"""Rows of the index and of the gateway's tables, as API.md's objects."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chain.tx import TxResult
from gateway.db import BillRow, HistoryRow, ParticipantRow, RangeRow, TransferRow
from gateway.money import format_amount

PAGE_MAX = 500


def label(start: int, end: int) -> str:
    return f"{start:012d}-{end:012d}"


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def participant(row: ParticipantRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "role": row.role,
        "member_code": row.member_code,
        "address": row.address,
        "status": row.status,
        "credit_code": row.credit_code,
    }


def range_(row: RangeRow) -> dict[str, Any]:
    return {
        "start": row.start,
        "end": row.end,
        "label": label(row.start, row.end),
        "amount": format_amount(row.end - row.start + 1),
        "holder": row.holder,
        "state": row.state,
        "frozen": row.frozen,
        "pledgee": row.pledgee,
        "pending_transfer": row.pending_transfer,
        "presented_at": iso(row.presented_at),
        "late": row.late,
    }


def bill(row: BillRow, ranges: list[RangeRow]) -> dict[str, Any]:
    return {
        "id": row.id,
        "bill_no": row.bill_no,
        "kind": row.kind,
        "status": row.status,
        "drawer": row.drawer,
        "acceptor": row.acceptor,
        "payee": row.payee,
        "amount": format_amount(row.amount),
        "issue_date": row.issue_date.isoformat(),
        "maturity_date": row.maturity_date.isoformat(),
        "transferable": row.transferable,
        "document_hash": row.document_hash,
        "frozen": row.frozen,
        "ranges": [range_(r) for r in sorted(ranges, key=lambda r: r.start)],
    }


def transfer(row: TransferRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "bill_id": row.bill_id,
        "range": {
            "start": row.start,
            "end": row.end,
            "label": label(row.start, row.end),
            "amount": format_amount(row.end - row.start + 1),
        },
        "from": row.sender,
        "to": row.receiver,
        "price": None if row.price is None else format_amount(row.price),
        "annual_rate": row.annual_rate,
        "document_hash": row.document_hash,
        "status": row.status,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
    }


def history(row: HistoryRow) -> dict[str, Any]:
    rng = None
    if row.range_start is not None and row.range_end is not None:
        rng = {
            "start": row.range_start,
            "end": row.range_end,
            "label": label(row.range_start, row.range_end),
            "amount": format_amount(row.range_end - row.range_start + 1),
        }
    return {
        "seq": row.seq,
        "event": row.event,
        "block_number": row.block_number,
        "tx_hash": row.tx_hash,
        "timestamp": iso(row.timestamp),
        "actor": row.actor,
        "range": rng,
        "counterparty": row.counterparty,
        "amount": None if row.amount is None else format_amount(row.amount),
        "transfer_id": row.transfer_id,
    }


def tx(result: TxResult) -> dict[str, Any]:
    return {"hash": result.hash, "block_number": result.block_number, "gas_used": result.gas_used}


def page(items: list[dict[str, Any]], limit: int, cursor_of: Any) -> dict[str, Any]:
    """`items` holds up to limit + 1 rows: the extra one only says there is a next page."""
    more = len(items) > limit
    items = items[:limit]
    return {"items": items, "next_cursor": str(cursor_of(items[-1])) if more and items else None}
