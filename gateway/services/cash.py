"""Minting, moving and reading digital cash."""

from __future__ import annotations

from sqlalchemy import or_, select

from chain.model import Operation
from chain.problem_codes import ProblemCode
from chain.zk.prover import NoteKey
from gateway.core.db import BalanceRow, CashMovementRow, ParticipantRow
from gateway.core.money import format_amount, parse_amount
from gateway.core.problems import Problem
from gateway.core.schemas import BalanceOut, CashMove, CashMovementOut, CashMovementPage, CashOut
from gateway.ledger.confidential import ConfidentialPlatform, ConfidentialRefused
from gateway.ledger.outbox import Answer
from gateway.services import views
from gateway.services.base import Service
from gateway.services.caller import Caller, Signer


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
        args = {"to": to.id, "amount": amount, "balance_of": to.id if mint else caller.id}
        if (zk := self.rt.confidential) is not None:
            return self._confidential_move(zk, caller, signer, to, Answer("confidential_cash", args), mint)
        cash = self.rt.system.cash
        answer = Answer("cash", args)
        if mint:
            return self.write("mint", lambda: cash.mint(signer.account, to.address, amount), answer, CashOut)
        send = lambda: cash.transfer(signer.account, to.address, amount)  # noqa: E731
        return self.write("transfer_cash", send, answer, CashOut)

    def _confidential_move(
        self, zk: ConfidentialPlatform, caller: Caller, signer: Signer, to: ParticipantRow, answer: Answer, mint: bool
    ) -> CashOut:
        """Confidential cash (docs/PRIVACY.md §3.12): the mint's proof made for the bank, which sends it (its
        value and the bank are public); a transfer proven from the payer's notes and sent by the relayer."""
        receiver, amount = self._note_key(zk, to), int(answer.args["amount"])
        if mint:
            bank = self.hosted_account(signer)
            return self.write("mint", lambda: zk.mint(bank, receiver, amount), answer, CashOut)
        assert caller.participant is not None  # require_may: a BANK or an ENTERPRISE
        self._note_key(zk, caller.participant)
        send = lambda: zk.transfer(self.rt.relayer, caller.id, receiver, amount)  # noqa: E731
        return self.write("transfer_cash", send, answer, CashOut)

    @staticmethod
    def _note_key(zk: ConfidentialPlatform, row: ParticipantRow) -> NoteKey:
        try:
            return zk.note_key(row.id, row.self_custody)
        except ConfidentialRefused as refused:
            raise Problem(ProblemCode.VALIDATION_ERROR, str(refused)) from None

    def mint(self, caller: Caller, body: CashMove) -> CashOut:
        return self._move(caller, body, mint=True)

    def transfer(self, caller: Caller, body: CashMove) -> CashOut:
        return self._move(caller, body, mint=False)

    def read(self, caller: Caller, participant_id: str) -> BalanceOut:
        row = self.participant(participant_id)
        if row is None:
            raise Problem(ProblemCode.NOT_FOUND, f"no participant {participant_id!r}")
        if (zk := self.rt.confidential) is not None:
            return BalanceOut(
                participant=participant_id, balance=format_amount(self._confidential_balance(zk, caller, row))
            )
        if caller.id != participant_id and caller.role not in ("BANK", "REGULATOR", "OPERATOR"):
            raise Problem(
                ProblemCode.FORBIDDEN, "only the participant, banks, regulators and the operator read a balance"
            )
        return BalanceOut(participant=participant_id, balance=format_amount(self.balance(participant_id)))

    def _confidential_balance(self, zk: ConfidentialPlatform, caller: Caller, row: ParticipantRow) -> int:
        """The participant reads its notes; a REGULATOR reads them with the viewing key. No one else can: a bank
        or the operator holds no key that opens them (docs/PRIVACY.md §3.12)."""
        self._note_key(zk, row)
        if caller.id == row.id:
            return self.blocking(lambda: zk.balance(row.id))
        if caller.role == "REGULATOR":
            return self.blocking(lambda: zk.regulator_balance(row.id, row.self_custody))
        raise Problem(
            ProblemCode.FORBIDDEN,
            "on a confidential platform only the participant and regulators read a balance: no one else holds a key "
            "that opens its notes (docs/PRIVACY.md §3.12)",
        )

    def movements(self, caller: Caller, participant_id: str, limit: int, cursor: str | None) -> CashMovementPage:
        """Every movement into or out of `participant_id`'s cash, oldest first: its own, or anyone's for a
        REGULATOR or the OPERATOR."""
        if self.participant(participant_id) is None:
            raise Problem(ProblemCode.NOT_FOUND, f"no participant {participant_id!r}")
        if caller.id != participant_id and caller.role not in ("REGULATOR", "OPERATOR"):
            raise Problem(ProblemCode.FORBIDDEN, "only the participant, regulators and the operator read its movements")
        if self.rt.confidential is not None:
            raise Problem(
                ProblemCode.INVALID_STATE,
                "cash movements are not served on a confidential platform yet: balances are (docs/PRIVACY.md §8)",
            )
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
