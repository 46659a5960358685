"""Transfers: who sees them, and the counterparty's or initiator's answer to a pending one."""

from __future__ import annotations

from sqlalchemy import select

from chain.model import Operation, TransferKind, TransferStatus
from chain.problem_codes import ProblemCode
from gateway.core.db import TransferRow
from gateway.core.problems import Problem
from gateway.core.schemas import TransferOut, TransferPage, TransferTx
from gateway.ledger.outbox import Answer
from gateway.services import views
from gateway.services.base import Service
from gateway.services.caller import Caller


class Transfers(Service):
    def load(self, caller: Caller, transfer_id: int) -> TransferRow:
        with self.rt.db.session() as s:
            row = s.get(TransferRow, transfer_id)
        if row is None or not (caller.sees_everything or caller.id in (row.sender, row.receiver)):
            raise Problem(ProblemCode.NOT_FOUND, f"no transfer {transfer_id}")
        return row

    def get(self, caller: Caller, transfer_id: int) -> TransferOut:
        return views.transfer(self.load(caller, transfer_id))

    def list(
        self,
        caller: Caller,
        *,
        direction: str | None,
        status: TransferStatus | None,
        bill_id: int | None,
        limit: int,
        cursor: str | None,
    ) -> TransferPage:
        query = select(TransferRow)
        if not caller.sees_everything or direction:
            mine = {"incoming": TransferRow.receiver == caller.id, "outgoing": TransferRow.sender == caller.id}
            query = query.where(mine[direction] if direction else (mine["incoming"] | mine["outgoing"]))
        if status:
            query = query.where(TransferRow.status == status.name)
        if bill_id is not None:
            query = query.where(TransferRow.bill_id == bill_id)
        if cursor:
            query = query.where(TransferRow.id > int(cursor))
        with self.rt.db.session() as s:
            rows = list(s.scalars(query.order_by(TransferRow.id).limit(limit + 1)))
        shown, next_cursor = views.page(rows, limit, lambda r: r.id)
        return TransferPage(items=[views.transfer(r) for r in shown], next_cursor=next_cursor)

    def act(self, caller: Caller, transfer_id: int, operation: Operation) -> TransferTx:
        """sign, reject_transfer, revoke: the contract checks party and state. A seizure's signature and
        rejection are its second party's: another REGULATOR or the OPERATOR (DOMAIN.md, "Court orders")."""
        row = self.load(caller, transfer_id)
        if row.kind == TransferKind.SEIZURE.name and operation is not Operation.REVOKE:
            return self._second_party(caller, row, operation)
        self.require_may(caller, operation)
        party = row.sender if operation is Operation.REVOKE else row.receiver
        if caller.id != party:
            verb = operation.label.replace("_transfer", "")
            raise Problem(ProblemCode.NOT_PARTY, f"only {party!r} may {verb} transfer {transfer_id}")
        account, bills = self.signer(caller).account, self.rt.system.bills
        acts = {
            Operation.SIGN: bills.sign,
            Operation.REJECT_TRANSFER: bills.reject_transfer,
            Operation.REVOKE: bills.revoke,
        }
        send = acts[operation]
        answer = Answer("bill", {"bill_id": row.bill_id, "transfer_id": transfer_id})
        return self.write(operation.label, lambda: send(account, transfer_id), answer, TransferTx)

    def _second_party(self, caller: Caller, row: TransferRow, operation: Operation) -> TransferTx:
        self.require_role(caller, "REGULATOR", "OPERATOR")
        if caller.id == row.sender:
            raise Problem(
                ProblemCode.NOT_PARTY,
                f"transfer {row.id} is {row.sender}'s seizure: another REGULATOR or the OPERATOR signs or rejects it",
            )
        to, order = self.counterparty(row.receiver, "to"), row.order_hash
        assert order is not None, f"seizure {row.id} is indexed without its order"
        account, bills = self.signer(caller).account, self.rt.system.bills
        if operation is Operation.SIGN:
            send = lambda: bills.confirm_seizure(account, row.id, to.address, bytes.fromhex(order[2:]))  # noqa: E731
        else:
            send = lambda: bills.reject_seizure(account, row.id)  # noqa: E731
        answer = Answer("bill", {"bill_id": row.bill_id, "transfer_id": row.id})
        return self.write(operation.label, send, answer, TransferTx)
