"""The FastAPI application: routes, middlewares, problem handlers, metrics."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from gateway.console import pages as console_pages
from gateway.core.schemas import PreparedOut
from gateway.http import problems
from gateway.http.middleware.auth import AuthMiddleware
from gateway.http.middleware.context import RequestContextMiddleware
from gateway.http.middleware.fresh import FreshIndexMiddleware
from gateway.http.middleware.idempotency import IdempotencyMiddleware
from gateway.http.middleware.limits import AddressLimitMiddleware, LimitsMiddleware
from gateway.http.middleware.metrics import MetricsMiddleware
from gateway.http.routes import batch, bills, cash, misc, participants, reports, transfers
from gateway.http.routes.common import prepares
from gateway.http.routes.common import problems as problem_responses
from gateway.ledger.recovery import Recovery
from gateway.ledger.runtime import Runtime
from gateway.services.documents import MAX_DOCUMENT_BYTES
from gateway.services.service_set import ServiceSet

log = logging.getLogger("billchain.gateway")

WORKER_THREADS = 128
PRUNE_EVERY_S = 600.0
RECOVERIES_EVERY_S = 5.0


async def _prune_every(seconds: float, recovery: Recovery) -> None:
    """Expired Idempotency-Keys and settled outbox entries are forgotten here, off every request's path."""
    while True:
        await asyncio.sleep(seconds)
        try:
            await anyio.to_thread.run_sync(recovery.prune)
        except Exception:  # the database away for a moment: the next round prunes
            log.exception("pruning failed")


async def _complete_recoveries_every(seconds: float, services: ServiceSet) -> None:
    """Key recoveries whose 72 hours passed are completed as soon as this gateway sees them (DOMAIN.md)."""
    while True:
        await asyncio.sleep(seconds)
        try:
            await anyio.to_thread.run_sync(services.admin.complete_due_recoveries)
        except Exception:  # the chain away for a moment: the next round completes them
            log.exception("completing key recoveries failed")


def create_app(runtime: Runtime, services: ServiceSet, recovery: Recovery) -> FastAPI:
    """The app over its parts, built by the composition root (gateway/compose.py `build_app`)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Worker threads do the blocking chain I/O of submissions (a few ms each), not the waits:
        # enough of them that a burst of writes after a block is not queued behind 40.
        anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
        await anyio.to_thread.run_sync(recovery.reconcile)  # the outbox, before serving anything
        runtime.follower.start()  # answers writes as their blocks come (gateway/ledger/follower.py)
        await anyio.to_thread.run_sync(services.participants.register_note_keys)  # a confidential platform's
        recoveries = asyncio.create_task(_complete_recoveries_every(RECOVERIES_EVERY_S, services))
        try:
            yield
        finally:
            recoveries.cancel()
            await runtime.follower.stop()

    app = FastAPI(
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        title="billchain gateway",
        version="1",
        description="Digital bills and supply-chain finance on a permissioned chain (API.md, version 1).",
        docs_url=None,  # served from local assets (gateway/console/pages.py): no CDN
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.state.services = services
    problems.install(app)
    routers = [module.router for module in (participants, cash, bills, transfers, reports, misc)]
    for router in routers:
        app.include_router(router)
    app.include_router(prepare_routes(routers))
    app.state.writes = batch.write_routes(routers)  # what POST /v1/batch's operations are matched against
    app.include_router(batch.router)
    app.include_router(console_pages.router)
    # Added last runs first: metrics, the client's address (a trusted proxy's forwarded one), the address's
    # rate, authentication (401 before anything else; failed ones limited per address), the token's rate and
    # body sizes, idempotency, an index as fresh as the chain.
    app.add_middleware(FreshIndexMiddleware, follower=runtime.follower)
    app.add_middleware(IdempotencyMiddleware, runtime=runtime, recovery=recovery)
    settings = runtime.settings
    limits = {"max_json": settings.max_body, "max_document": MAX_DOCUMENT_BYTES}
    app.add_middleware(LimitsMiddleware, rate=settings.rate_limit, burst=settings.rate_burst, **limits)
    app.add_middleware(
        AuthMiddleware,
        runtime=runtime,
        failure_rate=settings.auth_failure_rate,
        failure_burst=settings.auth_failure_burst,
    )
    app.add_middleware(AddressLimitMiddleware, rate=settings.address_rate_limit, burst=settings.address_rate_burst)
    if settings.trusted_proxies:  # their X-Forwarded-For names the client; no one else's (docs/DEPLOY.md)
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(RequestContextMiddleware)  # first of all: every line any of them logs says whose
    return app


def operation_id(route: APIRoute) -> str:
    """Stable OpenAPI operation ids, `<tag>_<route function>` (bills_endorse, transfers_sign): what a
    client generated in Java, TypeScript or Python names its methods after."""
    return f"{route.tags[0]}_{route.name}" if route.tags else route.name


def prepare_routes(routers: list[APIRouter]) -> APIRouter:
    """The `<path>/prepare` twin of every write route (gateway/http/routes/common.py `prepares`)."""
    twins = APIRouter()
    for route in (r for router in routers for r in router.routes):
        write = getattr(getattr(route, "endpoint", None), "__billchain_write__", None)
        if not isinstance(route, APIRoute) or write is None:
            continue
        twins.add_api_route(
            route.path + "/prepare",
            prepares(write),
            methods=["POST"],
            name=f"{route.name}_prepare",
            tags=list(route.tags),
            response_model=PreparedOut,
            responses=problem_responses(403, 404, 409),
            summary=f"Prepare {route.name} for its signer (self-custody)",
        )
    return twins
