from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from gateway.auth import CurrentCaller
from gateway.deps import Services
from gateway.routes.common import PARTICIPANT_LINKS, Cursor, Limit, linked, problems, run_write, writes
from gateway.schemas import OnboardedOut, OperatorOut, ParticipantCreate, ParticipantOut, ParticipantPage

router = APIRouter(prefix="/v1", tags=["participants"])


@router.post(
    "/participants",
    status_code=201,
    responses=linked(problems(403, 409), 201, PARTICIPANT_LINKS),
    response_model=OnboardedOut,
)
async def onboard(body: ParticipantCreate, caller: CurrentCaller, svc: Services) -> dict[str, Any]:
    """Onboard a participant (OPERATOR). The answer carries its API token, shown this once."""
    async with svc.participants.onboarding:
        return await run_write(svc.participants.onboard, caller, body)


@router.get("/participants", responses=problems(), response_model=ParticipantPage)
def list_participants(
    caller: CurrentCaller, svc: Services, limit: Limit = 100, cursor: Cursor = None
) -> dict[str, Any]:
    return svc.participants.list(limit, cursor)


@router.get("/participants/{participant_id}", responses=problems(404), response_model=ParticipantOut)
def get_participant(participant_id: str, caller: CurrentCaller, svc: Services) -> dict[str, Any]:
    return svc.participants.get(participant_id)


@router.get("/me", responses=problems(), response_model=ParticipantOut | OperatorOut)
def me(caller: CurrentCaller, svc: Services) -> dict[str, Any]:
    if caller.is_operator:
        return {"id": "operator", "role": "OPERATOR"}
    return svc.participants.get(caller.id)


@router.post("/participants/{participant_id}/freeze", responses=problems(403, 404, 409), response_model=ParticipantOut)
@writes
def freeze(participant_id: str, caller: CurrentCaller, svc: Services) -> dict[str, Any]:
    return svc.participants.set_frozen(caller, participant_id, True)


@router.post(
    "/participants/{participant_id}/unfreeze", responses=problems(403, 404, 409), response_model=ParticipantOut
)
@writes
def unfreeze(participant_id: str, caller: CurrentCaller, svc: Services) -> dict[str, Any]:
    return svc.participants.set_frozen(caller, participant_id, False)
