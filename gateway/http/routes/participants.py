from __future__ import annotations

from fastapi import APIRouter

from gateway.core.schemas import OnboardedOut, OperatorOut, ParticipantCreate, ParticipantOut, ParticipantPage
from gateway.http.deps import Services
from gateway.http.middleware.auth import CurrentCaller
from gateway.http.routes.common import PARTICIPANT_LINKS, Cursor, Limit, linked, problems, run_write, writes

router = APIRouter(prefix="/v1", tags=["participants"])


@router.post(
    "/participants",
    status_code=201,
    responses=linked(problems(403, 409), 201, PARTICIPANT_LINKS),
    response_model=OnboardedOut,
)
async def onboard(body: ParticipantCreate, caller: CurrentCaller, svc: Services) -> OnboardedOut:
    """Onboard a participant (OPERATOR). The answer carries its API token, shown this once."""
    async with svc.participants.onboarding:
        return await run_write(svc.participants.onboard, caller, body)


@router.get("/participants", responses=problems(), response_model=ParticipantPage)
def list_participants(
    caller: CurrentCaller, svc: Services, limit: Limit = 100, cursor: Cursor = None
) -> ParticipantPage:
    return svc.participants.list(limit, cursor)


@router.get("/participants/{participant_id}", responses=problems(404), response_model=ParticipantOut)
def get_participant(participant_id: str, caller: CurrentCaller, svc: Services) -> ParticipantOut:
    return svc.participants.get(participant_id)


@router.get("/me", responses=problems(), response_model=ParticipantOut | OperatorOut)
def me(caller: CurrentCaller, svc: Services) -> ParticipantOut | OperatorOut:
    if caller.is_operator:
        return OperatorOut(id="operator", role="OPERATOR")
    return svc.participants.get(caller.id)


@router.post("/participants/{participant_id}/freeze", responses=problems(403, 404, 409), response_model=ParticipantOut)
@writes
def freeze(participant_id: str, caller: CurrentCaller, svc: Services) -> ParticipantOut:
    return svc.participants.set_frozen(caller, participant_id, True)


@router.post(
    "/participants/{participant_id}/unfreeze", responses=problems(403, 404, 409), response_model=ParticipantOut
)
@writes
def unfreeze(participant_id: str, caller: CurrentCaller, svc: Services) -> ParticipantOut:
    return svc.participants.set_frozen(caller, participant_id, False)
