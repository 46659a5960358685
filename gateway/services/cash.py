"""Minting, moving and reading digital cash."""

from __future__ import annotations

from sqlalchemy import or_, select

from chain.model import Operation
from chain.problem_codes import ProblemCode
from gateway.core.db import BalanceRow, CashMovementRow
from gateway.core.money import format_amount, parse_amount
from gateway.core.problems import Problem
from gateway.core.schemas import BalanceOut, CashMove, CashMovementOut, CashMovementPage, CashOut
from gateway.ledger.outbox import Answer
from gateway.services import views
from gateway.services.base import Service
from gateway.services.caller import Caller


class Cash(Service):
    def balance(self, participant_id: str) -> int:
        with self.rt.db.session() as s:
            row = s.get(BalanceRow, participant_id)
            return row.balance if row else 0

    def _move(self, caller: Caller, body: CashMove, mint: bool) -> CashOut:
        self.require_may(caller, Operation.MINT if mint else Operation.TRANSFER_CASH)
        to = self.counterparty(body.to, "to")
        amount = parse_amount(body.amount)
        if amount == 0:
            raise Problem(ProblemCode.VALIDATION_ERROR, "amount: must be greater than 0")
        signer = self.signer(caller)
        cash = self.rt.system.cash
        answer = Answer("cash", {"to": to.id, "amount": amount, "balance_of": to.id if mint else caller.id})
        if mint:
            return self.write("mint", lambda: cash.mint(signer.account, to.address, amount), answer, CashOut)
        send = lambda: cash.transfer(signer.account, to.address, amount)  # noqa: E731
        return self.write("transfer_cash", send, answer, CashOut)

    def mint(self, caller: Caller, body: CashMove) -> CashOut:
        return self._move(caller, body, mint=True)

    def transfer(self, caller: Caller, body: CashMove) -> CashOut:
        return self._move(caller, body, mint=False)

    def read(self, caller: Caller, participant_id: str) -> BalanceOut:
        if self.participant(participant_id) is None:
            raise Problem(ProblemCode.NOT_FOUND, f"no participant {participant_id!r}")
        if caller.id != participant_id and caller.role not in ("BANK", "REGULATOR", "OPERATOR"):
            raise Problem(
                ProblemCode.FORBIDDEN, "only the participant, banks, regulators and the operator read a balance"
            )
        return BalanceOut(participant=participant_id, balance=format_amount(self.balance(participant_id)))

    def movements(self, caller: Caller, participant_id: str, limit: int, cursor: str | None) -> CashMovementPage:
        """Every movement into or out of `participant_id`'s cash, oldest first: its own, or anyone's for a
        REGULATOR or the OPERATOR."""
        if self.participant(participant_id) is None:
            raise Problem(ProblemCode.NOT_FOUND, f"no participant {participant_id!r}")
        if caller.id != participant_id and caller.role not in ("REGULATOR", "OPERATOR"):
            raise Problem(ProblemCode.FORBIDDEN, "only the participant, regulators and the operator read its movements")
        query = select(CashMovementRow).where(
            or_(CashMovementRow.sender == participant_id, CashMovementRow.receiver == participant_id),
            CashMovementRow.id > (int(cursor) if cursor else 0),
        )
        with self.rt.db.session() as s:
            rows = list(s.scalars(query.order_by(CashMovementRow.id).limit(limit + 1)))
        shown, next_cursor = views.page(rows, limit, lambda r: r.id)
        items = [
            CashMovementOut(
                id=r.id,
                kind=r.kind,  # type: ignore[arg-type]
                **{"from": r.sender},
                to=r.receiver,
                amount=format_amount(r.amount),
                bill_id=r.bill_id,
                block_number=r.block_number,
                tx_hash=r.tx_hash,
                timestamp=views.iso(r.timestamp) or "",
            )
            for r in shown
        ]
        return CashMovementPage(items=items, next_cursor=next_cursor)
