"""What the routes share: pagination parameters and documented problem responses."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from gateway.schemas import Problem

Limit = Annotated[int, Query(ge=1, le=500, description="Page size, 1-500")]
Cursor = Annotated[str | None, Query(max_length=40, description="next_cursor of the previous page")]


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem responses a route can give."""
    every = (401, 422, *statuses, 503)
    return {s: {"model": Problem, "content": {"application/problem+json": {}}} for s in sorted(set(every))}
