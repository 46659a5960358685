"""One platform transaction explained (GET /v1/transactions/{hash}): what the console's history links to.

What a caller sees of it follows API.md's visibility rules, part by part (a transaction may carry several
operations: a batch, a delivery against payment), never more than the caller would see through the
endpoints the rules govern:
- the operator and REGULATORs see it whole: the call as sent (calldata, signatures), every operation, every event;
- a participant sees the operations it ran itself (signed, or sent with its key), and of the events: the
  directory's (public), a transfer's only as its party (its price and rate included), a bill's as one who
  sees the bill, cash's only as the payer or the payee (a mint limit: the bank); never the raw call.
A participant that may see nothing of it, or that no bill, transfer, cash movement or sending of its own
ties to it, is answered 404, like a bill it cannot see.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from chain.errors import ChainError
from chain.explain import Emitted, Explained, Explainer, Ran
from chain.problem_codes import ProblemCode
from gateway.core.db import CashMovementRow, HistoryRow, OutboxRow, ParticipantRow, TransferRow, ViewerRow
from gateway.core.problems import Problem
from gateway.core.schemas import CallOut, EventOut, OperationOut, TransactionOut
from gateway.ledger.runtime import Runtime
from gateway.services.answers import Answers
from gateway.services.base import Service
from gateway.services.caller import Caller
from gateway.services.views import iso

#: the member directory: every participant reads it (GET /v1/participants)
PUBLIC_EVENTS = frozenset({"ParticipantRegistered", "ParticipantStatusChanged", "ParticipantServed"})
#: a participant's key recovery: its own, the operator's and REGULATORs'
OWN_EVENTS = frozenset({"RecoveryRequested", "RecoveryApproved", "RecoveryCancelled", "ParticipantRecovered"})
#: events whose parties are the addresses among their arguments (cash: payer and payee; a mint limit: its bank)
CASH_CONTRACT = "DigitalCash"


class Transactions(Service):
    def __init__(self, runtime: Runtime, answers: Answers) -> None:
        super().__init__(runtime, answers)
        self.explainer = Explainer(runtime.backend, runtime.system.contracts)

    def _may_ask(self, caller: Caller, tx_hash: str) -> bool:
        """Whether the index ties the transaction to the caller at all (before the chain is asked): a bill
        it sees, a cash movement of its own, or a transaction this gateway sent for it."""
        if caller.sees_everything:
            return True
        with self.rt.db.session() as s:
            bills = select(HistoryRow.bill_id).where(HistoryRow.tx_hash == tx_hash)
            ties = (
                select(ViewerRow.bill_id)
                .where(ViewerRow.participant == caller.id, ViewerRow.bill_id.in_(bills))
                .limit(1),
                select(CashMovementRow.id)
                .where(
                    CashMovementRow.tx_hash == tx_hash,
                    or_(CashMovementRow.sender == caller.id, CashMovementRow.receiver == caller.id),
                )
                .limit(1),
                select(OutboxRow.tx_hash).where(OutboxRow.tx_hash == tx_hash, OutboxRow.caller == caller.id).limit(1),
            )
            return any(s.scalar(tie) is not None for tie in ties)

    def get(self, caller: Caller, tx_hash: str) -> TransactionOut:
        tx_hash = tx_hash.lower()
        missing = Problem(ProblemCode.NOT_FOUND, f"no platform transaction {tx_hash} you may see")
        if not self._may_ask(caller, tx_hash):
            raise missing
        try:
            explained = self.explainer.explain(tx_hash)
        except ChainError as error:
            raise Problem.from_chain(error) from None
        if explained is None or explained.call is None:  # unknown, pending, or not to a platform contract
            raise missing
        with self.rt.db.session() as s:
            names = {p.address.lower(): p.id for p in s.scalars(select(ParticipantRow))}
            shown = self._shown(s, caller, explained, names)
        if shown is None:
            raise missing
        return shown

    def _shown(self, s: Session, caller: Caller, explained: Explained, names: dict[str, str]) -> TransactionOut | None:
        """The transaction as `caller` may see it, or None when it may see nothing of it."""

        def who(address: str | None) -> str | None:
            return None if address is None else names.get(address.lower())

        def operation(ran: Ran) -> OperationOut:
            c = ran.call
            return OperationOut(
                signer=ran.signer, signer_participant=who(ran.signer), contract=c.contract, method=c.method, args=c.args
            )

        whole = caller.sees_everything
        mine = caller.participant.address.lower() if caller.participant is not None else ""
        operations = [o for o in explained.operations if whole or o.signer.lower() == mine]
        events = [e for e in explained.events if whole or self._sees_event(s, caller, mine, e)]
        if not whole and not operations and not events:
            return None
        sender = explained.sender
        shows_sender = whole or sender.lower() == mine or who(sender) is None  # a relayer is nobody's
        call = explained.call
        assert call is not None
        return TransactionOut(
            hash=explained.hash,
            status="SUCCESS" if explained.success else "REVERTED",
            block_number=explained.block_number,
            timestamp=iso(datetime.fromtimestamp(explained.timestamp, UTC).replace(tzinfo=None)) or "",
            sender=sender if shows_sender else None,
            sender_participant=who(sender) if shows_sender else None,
            gas_used=explained.gas_used,
            call=CallOut(contract=call.contract, method=call.method, args=call.args) if whole else None,
            operations=[operation(o) for o in operations],
            events=[EventOut(contract=e.contract, event=e.event, args=e.args) for e in events],
        )

    @staticmethod
    def _sees_event(s: Session, caller: Caller, mine: str, event: Emitted) -> bool:
        """API.md's visibility, event by event: the directory's, a transfer's parties, a bill's viewers, cash's
        payer and payee. Any other event (a role granted, ...) is the operator's and REGULATORs'."""
        args: dict[str, Any] = event.args
        if event.event in PUBLIC_EVENTS:
            return True
        if event.contract == CASH_CONTRACT:
            return any(isinstance(v, str) and v.lower() == mine for v in args.values())
        if event.event in OWN_EVENTS:  # a key recovery of the caller: its own to see
            return mine != "" and str(args.get("account", "")).lower() == mine
        transfer_id = args.get("transferId")
        if transfer_id:
            row = s.get(TransferRow, int(transfer_id))
            return row is not None and caller.id in (row.sender, row.receiver)
        bill_id = args.get("billId")
        if bill_id:
            return s.get(ViewerRow, (int(bill_id), caller.id)) is not None
        return False
