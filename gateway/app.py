"""The FastAPI application: routes, middlewares, problem handlers, metrics."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response

from gateway import problems
from gateway.auth import AuthMiddleware
from gateway.deps import ServiceSet
from gateway.idempotency import IdempotencyMiddleware
from gateway.metrics import LATENCY, REQUESTS
from gateway.routes import bills, cash, misc, participants, transfers
from gateway.runtime import Runtime


class MetricsMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        began = time.perf_counter()
        response = await call_next(request)
        route = getattr(request.scope.get("route"), "path", "unmatched")
        LATENCY.labels(request.method, route).observe(time.perf_counter() - began)
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        return response


def create_app(runtime: Runtime) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
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
    for module in (participants, cash, bills, transfers, misc):
        app.include_router(module.router)
    # Added last runs first: metrics, then authentication (401 before anything), then idempotency.
    app.add_middleware(IdempotencyMiddleware, runtime=runtime)
    app.add_middleware(AuthMiddleware, runtime=runtime)
    app.add_middleware(MetricsMiddleware)
    return app
