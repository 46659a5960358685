"""One platform transaction explained (GET /v1/transactions/{hash}): what the console's history links to.

Who may read it: REGULATOR and OPERATOR, any transaction to a platform contract; a participant, one that
touched a bill it sees (the index's history) or moved its own cash. Anything else is 404, like a bill one
cannot see."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import or_, select

from chain.errors import ChainError
from chain.explain import Call, Explainer
from gateway.core.db import CashMovementRow, HistoryRow, ParticipantRow, ViewerRow
from gateway.core.problems import Problem
from gateway.core.schemas import CallOut, EventOut, TransactionOut
from gateway.ledger.runtime import Runtime
from gateway.services.answers import Answers
from gateway.services.base import Service
from gateway.services.caller import Caller
from gateway.services.views import iso


class Transactions(Service):
    def __init__(self, runtime: Runtime, answers: Answers) -> None:
        super().__init__(runtime, answers)
        self.explainer = Explainer(runtime.backend, runtime.system.contracts)

    def _may_see(self, caller: Caller, tx_hash: str) -> bool:
        with self.rt.db.session() as s:
            bills = select(HistoryRow.bill_id).where(HistoryRow.tx_hash == tx_hash)
            if caller.sees_everything:
                return True
            seen = s.scalar(
                select(ViewerRow.bill_id)
                .where(ViewerRow.participant == caller.id, ViewerRow.bill_id.in_(bills))
                .limit(1)
            )
            moved = s.scalar(
                select(CashMovementRow.id)
                .where(
                    CashMovementRow.tx_hash == tx_hash,
                    or_(CashMovementRow.sender == caller.id, CashMovementRow.receiver == caller.id),
                )
                .limit(1)
            )
        return seen is not None or moved is not None

    def get(self, caller: Caller, tx_hash: str) -> TransactionOut:
        tx_hash = tx_hash.lower()
        missing = Problem("NOT_FOUND", f"no platform transaction {tx_hash} you may see")
        if not self._may_see(caller, tx_hash):
            raise missing
        try:
            explained = self.explainer.explain(tx_hash)
        except ChainError as error:
            raise Problem.from_chain(error) from None
        if explained is None or explained.call is None:  # unknown, pending, or not to a platform contract
            raise missing
        called = explained.call
        with self.rt.db.session() as s:
            names = {p.address.lower(): p.id for p in s.scalars(select(ParticipantRow))}

        def who(address: str | None) -> str | None:
            return None if address is None else names.get(address.lower())

        def call(c: Call | None) -> CallOut | None:
            return None if c is None else CallOut(contract=c.contract, method=c.method, args=c.args)

        return TransactionOut(
            hash=explained.hash,
            status="SUCCESS" if explained.success else "REVERTED",
            block_number=explained.block_number,
            timestamp=iso(datetime.fromtimestamp(explained.timestamp, UTC).replace(tzinfo=None)) or "",
            sender=explained.sender,
            sender_participant=who(explained.sender),
            signer=explained.signer,
            signer_participant=who(explained.signer),
            gas_used=explained.gas_used,
            call=CallOut(contract=called.contract, method=called.method, args=called.args),
            operation=call(explained.relayed),
            events=[EventOut(contract=e.contract, event=e.event, args=e.args) for e in explained.events],
        )
