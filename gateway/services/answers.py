"""Every write's answer, built from its receipt and the index alone.

A write route names its answer (`Answer`) before it sends; the same code below then
answers it live, or after a crash, when gateway/recovery.py settles the transaction
from the outbox. So an answer never depends on what the route computed in memory.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from chain.tx import TxResult
from gateway.db import ParticipantRow, TransferRow
from gateway.money import format_amount
from gateway.outbox import Answer
from gateway.security import hash_token, new_token
from gateway.services import views
from gateway.services.base import Service
from gateway.services.bills import Bills
from gateway.services.cash import Cash


class Answers(Service):
    def build(self, answer: Answer, result: TxResult) -> dict[str, Any]:
        builders = {
            "bill": self._bill,
            "cash": self._cash,
            "participant": self._participant,
            "onboard": self._onboard,
        }
        return builders[answer.kind](answer.args, result)

    def _bill(self, args: dict[str, Any], result: TxResult) -> dict[str, Any]:
        """{bill, tx}, or {transfer, bill, tx}: bill_id absent = the bill this transaction issued;
        transfer=True = the transfer this transaction requested."""
        bills = self.rt.system.bills
        bill_id = args.get("bill_id") or bills.issued_bill_id(result)
        transfer_id = bills.requested_transfer_id(result) if args.get("transfer") else args.get("transfer_id")
        answer: dict[str, Any] = {"bill": Bills(self.rt).view(bill_id), "tx": views.tx(result)}
        if transfer_id is not None:
            with self.rt.db.session() as s:
                row = s.get(TransferRow, transfer_id)
            assert row is not None, f"transfer {transfer_id} is not indexed"
            answer = {"transfer": views.transfer(row), **answer}
        return answer

    def _cash(self, args: dict[str, Any], result: TxResult) -> dict[str, Any]:
        balance = Cash(self.rt).balance(args["balance_of"])
        return {
            "to": args["to"],
            "amount": format_amount(args["amount"]),
            "balance": format_amount(balance),
            "tx": views.tx(result),
        }

    def _participant(self, args: dict[str, Any], _: TxResult) -> dict[str, Any]:
        row = self.participant(args["id"])
        assert row is not None
        return views.participant(row)

    def _onboard(self, args: dict[str, Any], result: TxResult) -> dict[str, Any]:
        """The participant's row and its token, made once its registration is mined. Settled after a
        crash that came after the row was written, the token is made anew: the first was never given."""
        code = self.rt.system.registry.registered_code(result)
        token = new_token()
        with self.rt.db.session() as s:
            row = s.get(ParticipantRow, args["id"])
            if row is None:
                seq = args["seq"]  # taken meanwhile, if this is settled late (after a 503): the next free one
                if s.scalar(select(ParticipantRow.id).where(ParticipantRow.seq == seq)) is not None:
                    seq = (s.scalar(select(func.max(ParticipantRow.seq))) or 0) + 1
                row = ParticipantRow(
                    id=args["id"],
                    seq=seq,
                    name=args["name"],
                    role=args["role"],
                    member_code=f"{code:012d}",
                    address=args["address"],
                    status="ACTIVE",
                    credit_code=args["credit_code"],
                    token_hash=hash_token(token),
                )
                s.add(row)
            else:
                row.token_hash = hash_token(token)
        return {**views.participant(row), "api_token": token}
