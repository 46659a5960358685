"""Minting, moving and reading digital cash."""

from __future__ import annotations

from typing import Any

from gateway.db import BalanceRow
from gateway.money import format_amount, parse_amount
from gateway.outbox import Answer
from gateway.problems import Problem
from gateway.schemas import CashMove
from gateway.services.base import Service
from gateway.services.caller import Caller


class Cash(Service):
    def balance(self, participant_id: str) -> int:
        with self.rt.db.session() as s:
            row = s.get(BalanceRow, participant_id)
            return row.balance if row else 0

    def _move(self, caller: Caller, body: CashMove, mint: bool) -> dict[str, Any]:
        self.require_role(caller, *(("BANK",) if mint else ("BANK", "ENTERPRISE")))
        to = self.counterparty(body.to, "to")
        amount = parse_amount(body.amount)
        if amount == 0:
            raise Problem("VALIDATION_ERROR", "amount: must be greater than 0")
        signer = self.signer(caller)
        cash = self.rt.system.cash
        answer = Answer("cash", {"to": to.id, "amount": amount, "balance_of": to.id if mint else caller.id})
        if mint:
            return self.write("mint", lambda: cash.mint(signer.account, to.address, amount), answer)
        return self.write("transfer_cash", lambda: cash.transfer(signer.account, to.address, amount), answer)

    def mint(self, caller: Caller, body: CashMove) -> dict[str, Any]:
        return self._move(caller, body, mint=True)

    def transfer(self, caller: Caller, body: CashMove) -> dict[str, Any]:
        return self._move(caller, body, mint=False)

    def read(self, caller: Caller, participant_id: str) -> dict[str, Any]:
        if self.participant(participant_id) is None:
            raise Problem("NOT_FOUND", f"no participant {participant_id!r}")
        if caller.id != participant_id and caller.role not in ("BANK", "REGULATOR", "OPERATOR"):
            raise Problem("FORBIDDEN", "only the participant, banks, regulators and the operator read a balance")
        return {"participant": participant_id, "balance": format_amount(self.balance(participant_id))}
