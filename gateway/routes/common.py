"""What the routes share: pagination parameters and documented problem responses."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, ParamSpec, TypeVar

from fastapi import Query
from sqlalchemy.util import greenlet_spawn

from gateway.schemas import Problem

P = ParamSpec("P")
T = TypeVar("T")

Limit = Annotated[int, Query(ge=1, le=500, description="Page size, 1-500")]
Cursor = Annotated[str | None, Query(max_length=40, description="next_cursor of the previous page")]


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem responses a route can give."""
    every = (401, 422, *statuses, 503)
    return {s: {"model": Problem, "content": {"application/problem+json": {}}} for s in sorted(set(every))}


async def run_write(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run synchronous write code as a greenlet: its chain waits suspend it, not a thread."""
    result: T = await greenlet_spawn(functools.partial(fn, *args, **kwargs))
    return result


def writes(endpoint: Callable[P, T]) -> Callable[P, Awaitable[T]]:
    """A write route: its (synchronous) service code runs as a greenlet on the event loop, so that
    waiting for the transaction's receipt holds no thread (gateway/follower.py)."""

    @functools.wraps(endpoint)
    async def run(*args: P.args, **kwargs: P.kwargs) -> T:
        return await run_write(endpoint, *args, **kwargs)

    # FastAPI reads the parameters from here; resolved, as the endpoint's module sees its names.
    run.__signature__ = inspect.signature(endpoint, eval_str=True)  # type: ignore[attr-defined]
    return run
