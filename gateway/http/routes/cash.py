from __future__ import annotations

from fastapi import APIRouter

from gateway.core.schemas import BalanceOut, CashMove, CashMovementPage, CashOut
from gateway.http.deps import Services
from gateway.http.middleware.auth import CurrentCaller
from gateway.http.routes.common import Cursor, Limit, problems, writes

router = APIRouter(prefix="/v1/cash", tags=["cash"])


@router.post("/mint", responses=problems(403, 409), response_model=CashOut)
@writes
def mint(body: CashMove, caller: CurrentCaller, svc: Services) -> CashOut:
    """A BANK mints digital cash to a BANK or ENTERPRISE; `balance` is the receiver's new balance."""
    return svc.cash.mint(caller, body)


@router.post("/transfer", responses=problems(403, 409), response_model=CashOut)
@writes
def transfer(body: CashMove, caller: CurrentCaller, svc: Services) -> CashOut:
    """Move cash to another BANK or ENTERPRISE; `balance` is the caller's new balance."""
    return svc.cash.transfer(caller, body)


@router.get("/balances/{participant_id}", responses=problems(403, 404), response_model=BalanceOut)
def balance(participant_id: str, caller: CurrentCaller, svc: Services) -> BalanceOut:
    return svc.cash.read(caller, participant_id)


@router.get("/movements/{participant_id}", responses=problems(403, 404, 409), response_model=CashMovementPage)
def movements(
    participant_id: str, caller: CurrentCaller, svc: Services, limit: Limit = 100, cursor: Cursor = None
) -> CashMovementPage:
    """Mints, payments, and the cash legs of discounts (DvP), payments at maturity and recourse, oldest
    first: the participant's own, or anyone's for a REGULATOR or the OPERATOR."""
    return svc.cash.movements(caller, participant_id, limit, cursor)
