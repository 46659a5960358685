from __future__ import annotations

from fastapi import APIRouter

from gateway.core.schemas import (
    Empty,
    HostedKeyCreate,
    HostedKeyOut,
    MintLimitOut,
    MintLimitSet,
    OnboardedOut,
    OperatorOut,
    ParticipantCreate,
    ParticipantOut,
    ParticipantPage,
    RecoveryCreate,
    ServeCreate,
    TokenEventPage,
    TokenOut,
)
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
    return await run_write(svc.participants.onboard, caller, body)


@router.post(
    "/participants/{participant_id}/serve",
    status_code=201,
    responses=linked(problems(403, 404, 409), 201, PARTICIPANT_LINKS),
    response_model=OnboardedOut,
)
async def serve(participant_id: str, body: ServeCreate, caller: CurrentCaller, svc: Services) -> OnboardedOut:
    """This gateway serves a member the operator onboarded (at any gateway: the directory is the chain's),
    its OPERATOR says so, on chain (a member another gateway serves: 409); the answer carries the member's
    API token here, shown this once."""
    return await run_write(svc.participants.serve, caller, participant_id, body)


@router.post("/hosted-keys", status_code=201, responses=problems(403, 409), response_model=HostedKeyOut)
def create_hosted_key(body: HostedKeyCreate, caller: CurrentCaller, svc: Services) -> HostedKeyOut:
    """A key this gateway will hold for a participant yet to be onboarded (its OPERATOR): the operator of the
    platform onboards that address with serve=false, then this gateway serves it (docs/GATEWAYS.md)."""
    return svc.participants.create_hosted_key(caller, body)


@router.get("/participants", responses=problems(), response_model=ParticipantPage, name="list")
def list_participants(
    caller: CurrentCaller, svc: Services, limit: Limit = 100, cursor: Cursor = None
) -> ParticipantPage:
    return svc.participants.list(limit, cursor)


@router.get("/participants/{participant_id}", responses=problems(404), response_model=ParticipantOut, name="get")
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


@router.post("/participants/{participant_id}/approve", responses=problems(403, 404, 409), response_model=ParticipantOut)
@writes
def approve(participant_id: str, caller: CurrentCaller, svc: Services, body: Empty | None = None) -> ParticipantOut:
    """An ACTIVE REGULATOR approves a PENDING one (admitted while another was ACTIVE), on chain: until then it
    can do nothing."""
    return svc.participants.approve(caller, participant_id)


@router.post(
    "/participants/{participant_id}/recovery",
    status_code=201,
    responses=problems(403, 404, 409),
    response_model=ParticipantOut,
)
@writes
def request_recovery(participant_id: str, body: RecoveryCreate, caller: CurrentCaller, svc: Services) -> ParticipantOut:
    """The OPERATOR asks that a self-custody participant whose key is lost act from a new address: a REGULATOR
    approves it, and it takes effect 72 hours later unless the participant cancels it with its current key."""
    return svc.participants.request_recovery(caller, participant_id, body)


@router.post(
    "/participants/{participant_id}/recovery/approve", responses=problems(403, 404, 409), response_model=ParticipantOut
)
@writes
def approve_recovery(
    participant_id: str, caller: CurrentCaller, svc: Services, body: Empty | None = None
) -> ParticipantOut:
    """A REGULATOR approves the key recovery requested: it takes effect 72 hours from now."""
    return svc.participants.approve_recovery(caller, participant_id)


@router.post(
    "/participants/{participant_id}/recovery/cancel", responses=problems(403, 404, 409), response_model=ParticipantOut
)
@writes
def cancel_recovery(
    participant_id: str, caller: CurrentCaller, svc: Services, body: Empty | None = None
) -> ParticipantOut:
    """The participant itself, with its current key, cancels a key recovery of it before it takes effect."""
    return svc.participants.cancel_recovery(caller, participant_id)


@router.get("/participants/{participant_id}/token-events", responses=problems(403, 404), response_model=TokenEventPage)
def token_events(
    participant_id: str, caller: CurrentCaller, svc: Services, limit: Limit = 100, cursor: Cursor = None
) -> TokenEventPage:
    """Every API token this gateway issued for the participant (when, by whom, how): the participant itself,
    REGULATORs and the operator read them."""
    return svc.participants.token_events(caller, participant_id, limit, cursor)


@router.post("/me/token", status_code=201, responses=problems(403), response_model=TokenOut)
def rotate_token(caller: CurrentCaller, svc: Services, body: Empty | None = None) -> TokenOut:
    """A new API token for the caller, shown once; the one it called with stops working at once."""
    return svc.participants.rotate_own(caller)


@router.post(
    "/participants/{participant_id}/token", status_code=201, responses=problems(403, 404), response_model=TokenOut
)
def reissue_token(participant_id: str, caller: CurrentCaller, svc: Services, body: Empty | None = None) -> TokenOut:
    """The OPERATOR issues a participant that lost its token a new one; every earlier one stops working."""
    return svc.participants.reissue(caller, participant_id)


@router.post(
    "/participants/{participant_id}/mint-limit", responses=problems(403, 404, 409), response_model=MintLimitOut
)
@writes
def set_mint_limit(participant_id: str, body: MintLimitSet, caller: CurrentCaller, svc: Services) -> MintLimitOut:
    """A REGULATOR sets how much a BANK may mint in all (0 until set), on chain."""
    return svc.participants.set_mint_limit(caller, participant_id, body)


@router.get("/participants/{participant_id}/mint-limit", responses=problems(403, 404), response_model=MintLimitOut)
def mint_limit(participant_id: str, caller: CurrentCaller, svc: Services) -> MintLimitOut:
    """A BANK's mint limit and what it minted, as the chain keeps them (the bank, regulators, the operator)."""
    return svc.participants.mint_limit(caller, participant_id)
