from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from gateway.auth import CurrentCaller
from gateway.deps import Services
from gateway.routes.common import problems, writes
from gateway.schemas import BalanceOut, CashMove, CashOut

router = APIRouter(prefix="/v1/cash", tags=["cash"])


@router.post("/mint", responses=problems(403, 409), response_model=CashOut)
@writes
def mint(body: CashMove, caller: CurrentCaller, svc: Services) -> dict[str, Any]:
    """A BANK mints digital cash to a BANK or ENTERPRISE; `balance` is the receiver's new balance."""
    return svc.cash.mint(caller, body)


@router.post("/transfer", responses=problems(403, 409), response_model=CashOut)
@writes
def transfer(body: CashMove, caller: CurrentCaller, svc: Services) -> dict[str, Any]:
    """Move cash to another BANK or ENTERPRISE; `balance` is the caller's new balance."""
    return svc.cash.transfer(caller, body)


@router.get("/balances/{participant_id}", responses=problems(403, 404), response_model=BalanceOut)
def balance(participant_id: str, caller: CurrentCaller, svc: Services) -> dict[str, Any]:
    return svc.cash.read(caller, participant_id)
