"""The chain as the operator sees it; dev-chain time travel; the key recoveries whose time came."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import select

from chain.errors import ChainError
from chain.model import shanghai_date
from chain.problem_codes import ProblemCode
from gateway.core.db import ParticipantRow
from gateway.core.problems import Problem
from gateway.core.schemas import (
    AccountNonce,
    Advance,
    ChainOut,
    GatewayStatusOut,
    HealthChain,
    HealthOut,
    ParticipantOut,
)
from gateway.ledger.outbox import REQUEST, Answer
from gateway.services.base import Service
from gateway.services.caller import Caller

log = logging.getLogger("billchain.admin")
DAY = 86_400


class Admin(Service):
    def chain(self) -> ChainOut:
        backend = self.rt.backend
        try:
            block, chain_id = backend.block("latest"), backend.chain_id
        except ChainError as error:
            raise Problem.from_chain(error) from None
        timestamp = int(block["timestamp"])
        return ChainOut(
            backend=backend.name,
            chain_id=chain_id,
            block_number=int(block["number"]),
            timestamp=timestamp,
            date=shanghai_date(timestamp).isoformat(),
        )

    def health(self) -> HealthOut:
        info = self.chain()
        degraded = self.rt.guard.blocked
        return HealthOut(
            status="ok" if degraded is None else "degraded",
            reason=degraded,
            chain=HealthChain(**info.model_dump(exclude={"timestamp"})),
            contracts=self._contracts(),
        )

    def _contracts(self) -> dict[str, str]:
        """The platform's address book, with the confidential ledger's on a confidential platform."""
        zk = self.rt.confidential
        return self.rt.system.addresses | ({} if zk is None else {"ConfidentialBills": zk.ledger.contract.address})

    def advance(self, caller: Caller, body: Advance) -> ChainOut:
        self.require_role(caller, "OPERATOR")
        if not self.rt.backend.is_dev:
            raise Problem(ProblemCode.INVALID_STATE, "time moves only on a development chain")
        seconds = (body.seconds or 0) + (body.days or 0) * DAY
        if seconds <= 0:
            raise Problem(ProblemCode.VALIDATION_ERROR, "give seconds or days, more than 0")
        self.rt.backend.advance_time(seconds)
        self.rt.indexer.catch_up()
        self.complete_due_recoveries()  # time came for them: the new keys act from now
        return self.chain()

    def gateway(self, caller: Caller) -> GatewayStatusOut:
        """What the operator watches: the chain's head, how far the index is behind it, the outbox's
        entries by state, the next nonce of each account this gateway sends with, and a hold."""
        self.require_role(caller, "OPERATOR")
        backend = self.rt.backend
        try:
            head = backend.block_number()
            accounts = [
                AccountNonce(name=name, address=a.address, nonce=backend.pending_nonce(a.address))
                for name, a in (("operator", self.rt.operator), ("relayer", self.rt.relayer))
            ]
        except ChainError as error:
            raise Problem.from_chain(error) from None
        with self.rt.db.session() as s:
            indexed = self.rt.indexer.last_block(s)
        return GatewayStatusOut(
            head=head,
            indexed_block=indexed,
            index_lag=max(0, head - indexed),
            outbox=self.rt.outbox.counts(),
            accounts=accounts,
            held=self.rt.guard.blocked,
        )

    def complete_due_recoveries(self) -> list[str]:
        """Complete every approved recovery whose time came (anyone may, on chain: this gateway's operator
        does, as soon as it sees one), so that the new key acts. Returns the participants moved."""
        now = self.rt.backend.timestamp()
        with self.rt.db.session() as s:
            due = list(
                s.scalars(
                    select(ParticipantRow).where(
                        ParticipantRow.recovery_effective_at.is_not(None),
                        ParticipantRow.recovery_effective_at <= datetime.fromtimestamp(now, UTC).replace(tzinfo=None),
                    )
                )
            )
        token = REQUEST.set(None)  # no client's request: none of its Idempotency-Key
        try:
            return self._complete(due)
        finally:
            REQUEST.reset(token)

    def _complete(self, due: list[ParticipantRow]) -> list[str]:
        registry, operator, moved = self.rt.system.registry, self.rt.operator, []
        for row in due:
            address = row.address
            try:
                self.write(
                    "complete_recovery",
                    lambda: registry.complete_recovery(operator, address),  # noqa: B023 (sent at once)
                    Answer("participant", {"id": row.id}),
                    ParticipantOut,
                )
                moved.append(row.id)
            except Problem as problem:  # another gateway completed it first, say: the index will say so
                log.info("key recovery of %s not completed here: %s", row.id, problem.detail)
        return moved
