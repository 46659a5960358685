"""FastAPI dependencies: the services, as `Annotated` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from gateway.services.service_set import ServiceSet


def services(request: Request) -> ServiceSet:
    found: ServiceSet = request.app.state.services
    return found


Services = Annotated[ServiceSet, Depends(services)]
