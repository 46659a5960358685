"""FastAPI dependencies: the services, as `Annotated` aliases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from gateway.runtime import Runtime
from gateway.services.admin import Admin
from gateway.services.answers import Answers
from gateway.services.bills import Bills, Transfers
from gateway.services.cash import Cash
from gateway.services.documents import Documents
from gateway.services.participants import Participants


@dataclass
class ServiceSet:
    participants: Participants
    cash: Cash
    bills: Bills
    transfers: Transfers
    documents: Documents
    admin: Admin

    @classmethod
    def build(cls, runtime: Runtime) -> ServiceSet:
        runtime.answer = Answers(runtime).build  # one builder, for live writes and settled ones
        return cls(
            Participants(runtime), Cash(runtime), Bills(runtime), Transfers(runtime), Documents(runtime), Admin(runtime)
        )


def services(request: Request) -> ServiceSet:
    found: ServiceSet = request.app.state.services
    return found


Services = Annotated[ServiceSet, Depends(services)]
