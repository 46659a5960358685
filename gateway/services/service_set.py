"""Every service of the gateway, built once over one runtime and one answer builder."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.ledger.runtime import Runtime
from gateway.services.admin import Admin
from gateway.services.answers import Answers
from gateway.services.batches import Batches
from gateway.services.bills import Bills
from gateway.services.cash import Cash
from gateway.services.documents import Documents
from gateway.services.participants import Participants
from gateway.services.reports import Reports
from gateway.services.signing import Signing
from gateway.services.transactions import Transactions
from gateway.services.transfers import Transfers


@dataclass(frozen=True)
class ServiceSet:
    answers: Answers
    participants: Participants
    cash: Cash
    bills: Bills
    transfers: Transfers
    documents: Documents
    admin: Admin
    signing: Signing
    reports: Reports
    transactions: Transactions
    batches: Batches

    @classmethod
    def build(cls, runtime: Runtime) -> ServiceSet:
        # one builder, for live writes and settled ones
        answers = Answers(
            runtime.db, runtime.system, runtime.rules, runtime.settings.token_ttl_days, runtime.confidential
        )
        return cls(
            answers,
            Participants(runtime, answers),
            Cash(runtime, answers),
            Bills(runtime, answers),
            Transfers(runtime, answers),
            Documents(runtime, answers),
            Admin(runtime, answers),
            Signing(runtime, answers),
            Reports(runtime, answers),
            Transactions(runtime, answers),
            Batches(runtime, answers),
        )
