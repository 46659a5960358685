"""The regulator's reports (REGULATOR and OPERATOR): JSON, or CSV with `?format=csv` (one row per item)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated, Literal, get_args

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from gateway.core.schemas import (
    ConcentrationOut,
    CourtOrdersOut,
    DailyOut,
    ExposuresOut,
    FrozenOut,
    OverdueAcceptorsOut,
    RefusalsOut,
)
from gateway.http.deps import Services
from gateway.http.middleware.auth import CurrentCaller
from gateway.http.routes.common import problems

router = APIRouter(prefix="/v1/reports", tags=["reports"])
Format = Annotated[Literal["json", "csv"], Query(description="csv: the items as text/csv, one row each")]
CSV = {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "the items, with `format=csv`"}
RESPONSES = {**problems(403), 200: CSV}


#: what a spreadsheet reads as the start of a formula (OWASP, CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: one that starts like a formula gets a leading apostrophe
    (OWASP's rule), so that text a participant chose (a name, a reason) never runs in the regulator's sheet."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _answer(report: BaseModel, fmt: str, name: str) -> BaseModel | Response:
    if fmt != "csv":
        return report
    items = getattr(report, "items")  # noqa: B009
    rows = [{k: cell(v) for k, v in item.model_dump(by_alias=True).items()} for item in items]
    out = io.StringIO()
    (row_model,) = get_args(type(report).model_fields["items"].annotation)  # list[Row]: the header, rows or none
    fields = [field.alias or name for name, field in row_model.model_fields.items()]
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/exposures", response_model=ExposuresOut, responses=RESPONSES)
def exposures(caller: CurrentCaller, svc: Services, format: Format = "json") -> BaseModel | Response:
    """Per acceptor: bills it is bound by, outstanding face value, overdue, dishonoured, open recourse."""
    return _answer(svc.reports.exposures(caller), format, "exposures")


@router.get("/concentration", response_model=ConcentrationOut, responses=RESPONSES)
def concentration(
    caller: CurrentCaller,
    svc: Services,
    top: Annotated[int, Query(ge=1, le=100)] = 10,
    format: Format = "json",
) -> BaseModel | Response:
    """The top acceptors by what they owe and the top holders by unpaid face value, with their shares."""
    return _answer(svc.reports.concentration(caller, top), format, "concentration")


@router.get("/daily", response_model=DailyOut, responses=RESPONSES)
def daily(
    caller: CurrentCaller,
    svc: Services,
    since: Annotated[date | None, Query(alias="from")] = None,
    until: Annotated[date | None, Query(alias="to")] = None,
    format: Format = "json",
) -> BaseModel | Response:
    """Bills issued and discounts completed, per Asia/Shanghai day."""
    return _answer(svc.reports.daily(caller, since, until), format, "daily")


@router.get("/double-financing", response_model=RefusalsOut, responses=RESPONSES)
def double_financing(caller: CurrentCaller, svc: Services, format: Format = "json") -> BaseModel | Response:
    """Writes refused because their trade document was anchored already (DOCUMENT_ALREADY_USED)."""
    return _answer(svc.reports.double_financing(caller), format, "double-financing")


@router.get("/frozen", response_model=FrozenOut, responses=RESPONSES)
def frozen(caller: CurrentCaller, svc: Services, format: Format = "json") -> BaseModel | Response:
    """Frozen participants, bills and ranges."""
    return _answer(svc.reports.frozen(caller), format, "frozen")


@router.get("/overdue-acceptors", response_model=OverdueAcceptorsOut, responses=RESPONSES)
def overdue_acceptors(caller: CurrentCaller, svc: Services, format: Format = "json") -> BaseModel | Response:
    """Acceptors with overdue events in the last 180 days or persistently overdue, one row per event."""
    return _answer(svc.reports.overdue_acceptors(caller), format, "overdue-acceptors")


@router.get("/court-orders", response_model=CourtOrdersOut, responses=RESPONSES)
def court_orders(caller: CurrentCaller, svc: Services, format: Format = "json") -> BaseModel | Response:
    """The court orders in force: bills and ranges frozen under one, and the seizures pending under them."""
    return _answer(svc.reports.court_orders(caller), format, "court-orders")
