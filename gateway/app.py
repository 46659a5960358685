"""The FastAPI application: routes, middlewares, problem handlers, metrics."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway import problems
from gateway.auth import AuthMiddleware
from gateway.deps import ServiceSet
from gateway.idempotency import IdempotencyMiddleware
from gateway.limits import LimitsMiddleware
from gateway.metrics import LATENCY, REQUESTS
from gateway.recovery import Recovery, route_renderer
from gateway.routes import bills, cash, misc, participants, transfers
from gateway.runtime import Runtime
from gateway.services.documents import MAX_DOCUMENT_BYTES

WORKER_THREADS = 128


class MetricsMiddleware:
    """Pure ASGI: latency and count per route and status, at the least cost per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began, status = time.perf_counter(), 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            LATENCY.labels(scope["method"], route).observe(time.perf_counter() - began)
            REQUESTS.labels(scope["method"], route, str(status)).inc()


def create_app(runtime: Runtime) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Worker threads do the blocking chain I/O of submissions (a few ms each), not the waits:
        # enough of them that a burst of writes after a block is not queued behind 40.
        anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
        await anyio.to_thread.run_sync(recovery.reconcile)  # the outbox, before serving anything
        runtime.follower.start()  # answers writes as their blocks come (gateway/follower.py)
        try:
            yield
        finally:
            await runtime.follower.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="billchain gateway",
        version="1",
        description="Digital bills and supply-chain finance on a permissioned chain (API.md, version 1).",
    )
    app.state.runtime = runtime
    app.state.services = ServiceSet.build(runtime)
    problems.install(app)
    routers = [module.router for module in (participants, cash, bills, transfers, misc)]
    for router in routers:
        app.include_router(router)
    # Added last runs first: metrics, authentication (401 before anything), limits, idempotency.
    recovery = Recovery(runtime, route_renderer(routers))
    app.add_middleware(IdempotencyMiddleware, runtime=runtime, recovery=recovery)
    settings = runtime.settings
    limits = {"max_json": settings.max_body, "max_document": MAX_DOCUMENT_BYTES}
    app.add_middleware(LimitsMiddleware, rate=settings.rate_limit, burst=settings.rate_burst, **limits)
    app.add_middleware(AuthMiddleware, runtime=runtime)
    app.add_middleware(MetricsMiddleware)
    return app
