"""Every authenticated request is answered from an index as fresh as the chain (gateway/ledger/follower.py,
`BlockFollower.fresh`): where several gateways share one chain, what another gateway's caller did is
seen here by the next request, not a poll later."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.ledger.follower import BlockFollower


class FreshIndexMiddleware:
    """Pure ASGI, after authentication and idempotency (a replayed answer needs no index)."""

    def __init__(self, app: ASGIApp, follower: BlockFollower) -> None:
        self.app = app
        self.follower = follower

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/v1/"):
            await self.follower.fresh()
        await self.app(scope, receive, send)
