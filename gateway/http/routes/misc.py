"""Documents, chain administration, health and metrics."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from gateway.core.metrics import REGISTRY
from gateway.core.schemas import Advance, ChainOut, DocumentOut, GatewayStatusOut, HealthOut, TransactionOut
from gateway.http.deps import Services
from gateway.http.middleware.auth import CurrentCaller
from gateway.http.routes.common import problems

router = APIRouter()
DocHash = Annotated[str, Path(pattern=r"^0x[0-9a-fA-F]{64}$")]


@router.get("/v1/health", tags=["operations"], response_model=HealthOut, response_model_exclude_none=True)
def health(svc: Services) -> HealthOut:
    return svc.admin.health()


@router.get("/metrics", tags=["operations"], response_class=Response)
def metrics() -> Response:
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


@router.post(
    "/v1/documents",
    status_code=201,
    tags=["documents"],
    response_model=DocumentOut,
    responses=problems(403),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def upload(request: Request, caller: CurrentCaller, svc: Services) -> DocumentOut:
    """Upload a trade document (raw bytes, any content type, at most 10 MiB); it is stored encrypted."""
    # At most MAX_DOCUMENT_BYTES: gateway/http/middleware/limits.py answers 413 past it, before this runs.
    data = await request.body()
    content_type = request.headers.get("content-type") or "application/octet-stream"
    return svc.documents.upload(caller, data, content_type[:200])


@router.get("/v1/documents/{document_hash}", tags=["documents"], response_class=Response, responses=problems(404))
def download(document_hash: DocHash, caller: CurrentCaller, svc: Services) -> Response:
    data, content_type = svc.documents.read(caller, document_hash)
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'attachment; filename="{document_hash.lower()[2:18]}"',
    }
    return Response(data, media_type=content_type, headers=headers)


@router.get("/v1/admin/chain", tags=["operations"], responses=problems(403), response_model=ChainOut)
def chain(caller: CurrentCaller, svc: Services) -> ChainOut:
    svc.admin.require_role(caller, "OPERATOR")
    return svc.admin.chain()


TxHash = Annotated[str, Path(pattern=r"^0x[0-9a-fA-F]{64}$")]


@router.get("/v1/transactions/{tx_hash}", tags=["operations"], responses=problems(404), response_model=TransactionOut)
def transaction(tx_hash: TxHash, caller: CurrentCaller, svc: Services) -> TransactionOut:
    """A platform transaction as a block explorer shows it: method and arguments decoded (and, relayed, the
    operation its signer signed), status, block, gas and decoded events. REGULATOR and OPERATOR: any;
    a participant: one that touched a bill it sees or moved its cash."""
    return svc.transactions.get(caller, tx_hash)


@router.get("/v1/admin/gateway", tags=["operations"], responses=problems(403), response_model=GatewayStatusOut)
def gateway_status(caller: CurrentCaller, svc: Services) -> GatewayStatusOut:
    """The chain's head, the index's lag behind it, the outbox, the gateway's accounts' next nonces."""
    return svc.admin.gateway(caller)


@router.post("/v1/admin/chain/advance", tags=["operations"], responses=problems(403, 409), response_model=ChainOut)
def advance(body: Advance, caller: CurrentCaller, svc: Services) -> ChainOut:
    return svc.admin.advance(caller, body)
