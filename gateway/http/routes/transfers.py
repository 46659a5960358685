from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from chain.model import Operation
from gateway.core.schemas import Empty, TransferOut, TransferPage, TransferStatusName, TransferTx
from gateway.http.deps import Services
from gateway.http.middleware.auth import CurrentCaller
from gateway.http.routes.common import BILL_LINKS, TRANSFER_LINKS, Cursor, Limit, linked, problems, writes

router = APIRouter(prefix="/v1/transfers", tags=["transfers"])
TransferId = Annotated[int, Path(ge=1, le=2**32 - 1)]
WRITE = linked(problems(403, 404, 409), 200, BILL_LINKS, TRANSFER_LINKS)


@router.get("", responses=problems(), response_model=TransferPage, name="list")
def list_transfers(
    caller: CurrentCaller,
    svc: Services,
    direction: Literal["incoming", "outgoing"] | None = None,
    status: TransferStatusName | None = None,
    bill_id: Annotated[int | None, Query(ge=1, le=2**32 - 1)] = None,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> TransferPage:
    return svc.transfers.list(caller, direction=direction, status=status, bill_id=bill_id, limit=limit, cursor=cursor)


@router.get("/{transfer_id}", responses=problems(404), response_model=TransferOut, name="get")
def get_transfer(transfer_id: TransferId, caller: CurrentCaller, svc: Services) -> TransferOut:
    return svc.transfers.get(caller, transfer_id)


@router.post("/{transfer_id}/sign", responses=WRITE, response_model=TransferTx)
@writes
def sign(transfer_id: TransferId, caller: CurrentCaller, svc: Services, body: Empty | None = None) -> TransferTx:
    """The counterparty completes the transfer (paying for a DISCOUNT or RECOURSE in the same transaction)."""
    return svc.transfers.act(caller, transfer_id, Operation.SIGN)


@router.post("/{transfer_id}/reject", responses=WRITE, response_model=TransferTx)
@writes
def reject(transfer_id: TransferId, caller: CurrentCaller, svc: Services, body: Empty | None = None) -> TransferTx:
    return svc.transfers.act(caller, transfer_id, Operation.REJECT_TRANSFER)


@router.post("/{transfer_id}/revoke", responses=WRITE, response_model=TransferTx)
@writes
def revoke(transfer_id: TransferId, caller: CurrentCaller, svc: Services, body: Empty | None = None) -> TransferTx:
    return svc.transfers.act(caller, transfer_id, Operation.REVOKE)
