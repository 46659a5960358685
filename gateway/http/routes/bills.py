from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query

from chain.model import Operation
from gateway.core.schemas import (
    BillIssue,
    BillKindName,
    BillOut,
    BillPage,
    BillStatusName,
    BillTx,
    Discount,
    DiscountQuote,
    Dishonor,
    Empty,
    Endorse,
    Freeze,
    Guarantee,
    HistoryPage,
    Pledge,
    RangeOnly,
    Recourse,
    Seize,
    TransferTx,
)
from gateway.http.deps import Services
from gateway.http.middleware.auth import CurrentCaller
from gateway.http.routes.common import BILL_LINKS, TRANSFER_LINKS, Cursor, Limit, linked, problems, writes

router = APIRouter(prefix="/v1/bills", tags=["bills"])
BillId = Annotated[int, Path(ge=1, le=2**32 - 1)]
WRITE = linked(problems(403, 404, 409), 200, BILL_LINKS)
REQUEST = linked(problems(403, 404, 409), 201, BILL_LINKS, TRANSFER_LINKS)


@router.post("", status_code=201, responses=linked(problems(403, 409), 201, BILL_LINKS), response_model=BillTx)
@writes
def issue(body: BillIssue, caller: CurrentCaller, svc: Services) -> BillTx:
    """The caller (an ENTERPRISE) draws a bill."""
    return svc.bills.issue(caller, body)


@router.get("", responses=problems(), response_model=BillPage, name="list")
def list_bills(
    caller: CurrentCaller,
    svc: Services,
    holder: Annotated[str | None, Query(max_length=40)] = None,
    status: BillStatusName | None = None,
    kind: BillKindName | None = None,
    acceptor: Annotated[str | None, Query(max_length=40)] = None,
    matures_before: date | None = None,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> BillPage:
    return svc.bills.list(
        caller,
        holder=holder,
        status=status,
        kind=kind,
        acceptor=acceptor,
        matures_before=matures_before,
        limit=limit,
        cursor=cursor,
    )


@router.get("/{bill_id}", responses=problems(404), response_model=BillOut, name="get")
def get_bill(bill_id: BillId, caller: CurrentCaller, svc: Services) -> BillOut:
    return svc.bills.get(caller, bill_id)


@router.get("/{bill_id}/history", responses=problems(404), response_model=HistoryPage)
def history(
    bill_id: BillId, caller: CurrentCaller, svc: Services, limit: Limit = 100, cursor: Cursor = None
) -> HistoryPage:
    return svc.bills.history(caller, bill_id, limit, cursor)


@router.post("/{bill_id}/accept", responses=WRITE, response_model=BillTx)
@writes
def accept(bill_id: BillId, caller: CurrentCaller, svc: Services, body: Empty | None = None) -> BillTx:
    return svc.bills.step(caller, bill_id, Operation.ACCEPT)


@router.post("/{bill_id}/reject", responses=WRITE, response_model=BillTx)
@writes
def reject(bill_id: BillId, caller: CurrentCaller, svc: Services, body: Empty | None = None) -> BillTx:
    return svc.bills.step(caller, bill_id, Operation.REJECT)


@router.post("/{bill_id}/receive", responses=WRITE, response_model=BillTx)
@writes
def receive(bill_id: BillId, caller: CurrentCaller, svc: Services, body: Empty | None = None) -> BillTx:
    return svc.bills.step(caller, bill_id, Operation.RECEIVE)


@router.post("/{bill_id}/cancel", responses=WRITE, response_model=BillTx)
@writes
def cancel(bill_id: BillId, caller: CurrentCaller, svc: Services, body: Empty | None = None) -> BillTx:
    return svc.bills.step(caller, bill_id, Operation.CANCEL)


@router.post("/{bill_id}/endorse", status_code=201, responses=REQUEST, response_model=TransferTx)
@writes
def endorse(bill_id: BillId, body: Endorse, caller: CurrentCaller, svc: Services) -> TransferTx:
    return svc.bills.request(caller, bill_id, Operation.ENDORSE, body)


@router.post("/{bill_id}/discount", status_code=201, responses=REQUEST, response_model=TransferTx)
@writes
def discount(bill_id: BillId, body: Discount, caller: CurrentCaller, svc: Services) -> TransferTx:
    return svc.bills.request(caller, bill_id, Operation.DISCOUNT, body)


@router.post("/{bill_id}/discount/quote", responses=problems(403, 404, 409), response_model=DiscountQuote)
def discount_quote(bill_id: BillId, body: Discount, caller: CurrentCaller, svc: Services) -> DiscountQuote:
    """The price the discount in `body` would carry if it were requested now, computed by the bill registry
    (the same function the request runs): the holder's quote before it signs. Nothing is sent or kept."""
    return svc.bills.quote(caller, bill_id, body)


@router.post("/{bill_id}/pledge", status_code=201, responses=REQUEST, response_model=TransferTx)
@writes
def pledge(bill_id: BillId, body: Pledge, caller: CurrentCaller, svc: Services) -> TransferTx:
    return svc.bills.request(caller, bill_id, Operation.PLEDGE, body)


@router.post("/{bill_id}/release", responses=WRITE, response_model=BillTx)
@writes
def release(bill_id: BillId, caller: CurrentCaller, svc: Services, body: RangeOnly | None = None) -> BillTx:
    return svc.bills.release(caller, bill_id, (body or RangeOnly()).range_start)


@router.post("/{bill_id}/present", responses=WRITE, response_model=BillTx)
@writes
def present(bill_id: BillId, caller: CurrentCaller, svc: Services, body: RangeOnly | None = None) -> BillTx:
    return svc.bills.present(caller, bill_id, (body or RangeOnly()).range_start)


@router.post("/{bill_id}/pay", responses=WRITE, response_model=BillTx)
@writes
def pay(bill_id: BillId, caller: CurrentCaller, svc: Services, body: RangeOnly | None = None) -> BillTx:
    return svc.bills.pay(caller, bill_id, (body or RangeOnly()).range_start)


@router.post("/{bill_id}/dishonor", responses=WRITE, response_model=BillTx)
@writes
def dishonor(bill_id: BillId, body: Dishonor, caller: CurrentCaller, svc: Services) -> BillTx:
    return svc.bills.dishonor(caller, bill_id, body)


@router.post("/{bill_id}/recourse", status_code=201, responses=REQUEST, response_model=TransferTx)
@writes
def recourse(bill_id: BillId, body: Recourse, caller: CurrentCaller, svc: Services) -> TransferTx:
    return svc.bills.recourse(caller, bill_id, body)


@router.post("/{bill_id}/freeze", responses=WRITE, response_model=BillTx)
@writes
def freeze(bill_id: BillId, caller: CurrentCaller, svc: Services, body: Freeze | None = None) -> BillTx:
    """A REGULATOR freezes the bill, or one range; naming a court's order (`order_hash`), a judicial freeze."""
    return svc.bills.freeze(caller, bill_id, body or Freeze(), True)


@router.post("/{bill_id}/unfreeze", responses=WRITE, response_model=BillTx)
@writes
def unfreeze(bill_id: BillId, caller: CurrentCaller, svc: Services, body: Freeze | None = None) -> BillTx:
    """A REGULATOR lifts a freeze of the bill or a range (a judicial one's order with it)."""
    return svc.bills.freeze(caller, bill_id, body or Freeze(), False)


@router.post("/{bill_id}/guarantee", status_code=201, responses=REQUEST, response_model=TransferTx)
@writes
def guarantee(bill_id: BillId, body: Guarantee, caller: CurrentCaller, svc: Services) -> TransferTx:
    """The drawer, the acceptor (of the whole bill) or a holder (of its range) asks a guarantor, who signs."""
    return svc.bills.guarantee(caller, bill_id, body)


@router.post("/{bill_id}/seize", status_code=201, responses=REQUEST, response_model=TransferTx)
@writes
def seize(bill_id: BillId, body: Seize, caller: CurrentCaller, svc: Services) -> TransferTx:
    """A REGULATOR asks that a range frozen under a court's order move to its beneficiary; another REGULATOR
    or the OPERATOR signs it."""
    return svc.bills.seize(caller, bill_id, body)
