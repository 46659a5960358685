"""Minting, moving and reading digital cash."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import or_, select

from chain.model import Operation
from chain.problem_codes import ProblemCode
from chain.tx import TxResult
from chain.zk.prover import NoteKey, Point, Proven
from chain.zk.wallet import NotEnoughCash
from gateway.core.db import BalanceRow, CashMovementRow, ParticipantRow
from gateway.core.money import format_amount, parse_amount
from gateway.core.problems import Problem
from gateway.core.schemas import BalanceOut, CashMove, CashMovementOut, CashMovementPage, CashOut
from gateway.ledger.confidential import ConfidentialPlatform, ConfidentialRefused
from gateway.ledger.outbox import Answer
from gateway.services import views
from gateway.services.base import Service
from gateway.services.caller import OPERATION_SIGNATURE, Caller, Signer

log = logging.getLogger(__name__)

#: merges one payment may wait for (each a proof and a block): a payer's cash is spread by whoever pays it
MAX_MERGES = 4


@contextmanager
def _refused_as_422() -> Iterator[None]:
    """What a confidential platform does not serve here (ConfidentialRefused), answered as the client's 422."""
    try:
        yield
    except ConfidentialRefused as refused:
        raise Problem(ProblemCode.VALIDATION_ERROR, str(refused)) from None


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
        if (zk := self.rt.confidential) is not None and caller.participant is not None:
            self._note_key(zk, caller.participant)  # a self-custody caller would prove and send from its own client
        signer = self.signer(caller)
        args = {"to": to.id, "amount": amount, "balance_of": to.id if mint else caller.id}
        if zk is not None:  # the caller's own balance: the bank's too, for a mint
            answer = Answer("confidential_cash", args | {"balance_of": caller.id})
            return self._confidential_move(zk, caller, signer, to, answer, mint)
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
        value and the bank are public); a transfer proven from the payer's notes and sent by the relayer. Each
        proof is made off the event loop. What the contract cannot check of parties it does not see (the
        payer's and the receiver's standing and roles), the gateway checks before proving."""
        if OPERATION_SIGNATURE.get() is not None:  # a batch's item: it would be sent at once, not batched
            raise Problem(
                ProblemCode.VALIDATION_ERROR,
                "a confidential write is proven and sent by this gateway on its own: it is not prepared, signed "
                "or batched (docs/PRIVACY.md §8)",
            )
        self._may_hold_cash(to, "to")
        receiver, amount = self._receiver_key(zk, to), int(answer.args["amount"])
        if mint:
            bank = self.hosted_account(signer)
            limit, minted = zk.ledger.mint_limit_of(bank.address)  # before any proof: a refusal costs no CPU
            if minted + amount > limit:
                raise Problem(
                    ProblemCode.MINT_LIMIT_EXCEEDED,
                    f"{caller.id} may mint {format_amount(limit - minted)} more (limit {format_amount(limit)})",
                )

            mint_it = lambda: zk.ledger.mint(bank, self.blocking(lambda: zk.prove_mint(receiver, amount)))  # noqa: E731
            return self.write("mint", mint_it, answer, CashOut)
        assert caller.participant is not None  # require_may: a BANK or an ENTERPRISE
        self._may_hold_cash(caller.participant, "the payer")

        def send() -> TxResult:
            proven = self._proven_payment(zk, caller.id, receiver, amount)
            return zk.send_transfer(self.rt.relayer, caller.id, proven)

        return self.write("transfer_cash", send, answer, CashOut)

    @staticmethod
    def _receiver_key(zk: ConfidentialPlatform, to: ParticipantRow) -> Point:
        """The key the directory names for `to` (422 when none: it registers its own first)."""
        with _refused_as_422():
            return zk.receiver_key(to.id, to.address)

    def _proven_payment(self, zk: ConfidentialPlatform, payer: str, receiver: Point, amount: int) -> Proven:
        """`payer`'s payment of `amount`, proven; when its free notes cover it only three or more together, they
        are merged first, two at a time (a proof spends at most two), each merge its own transaction to itself.
        A merge moves nothing between parties, so a payment that fails after it leaves every balance as it was;
        the merges are written down in the outbox as the gateway's own (no request's answer is built from them)."""
        while True:
            try:
                return self.blocking(lambda: zk.prove_transfer(payer, receiver, amount))
            except NotEnoughCash as short:
                if not short.mergeable:
                    raise
                if short.notes_needed > MAX_MERGES + 2:
                    raise Problem(
                        ProblemCode.INSUFFICIENT_CASH,
                        f"the payer's cash is spread over too many notes for one payment ({short.notes_needed} "
                        f"needed, at most {MAX_MERGES + 2} taken at once): pay less, or in parts",
                    ) from None
            merge = self.blocking(lambda: zk.prove_merge(payer))
            with self.own_step("merge_cash"):
                result = zk.send_transfer(self.rt.relayer, payer, merge)
            log.info("merged two notes before a payment (block %d)", result.block_number)  # no party, no amount

    def _may_hold_cash(self, row: ParticipantRow, who: str) -> None:
        """An ACTIVE participant of a role that holds cash (the cash rules' own roles, read from the chain):
        what the confidential contract cannot check of a party it does not see."""
        if row.status == "FROZEN":
            raise Problem(ProblemCode.PARTICIPANT_FROZEN, f"{who}: {row.id} is frozen")
        holders = {role.name for role in self.rt.rules.roles_for(Operation.TRANSFER_CASH)}
        if row.role not in holders or row.status != "ACTIVE":
            raise Problem(
                ProblemCode.INVALID_COUNTERPARTY,
                f"{who}: {row.id} is a {row.status} {row.role}; cash is held by ACTIVE {' and '.join(sorted(holders))}",
            )

    @staticmethod
    def _note_key(zk: ConfidentialPlatform, row: ParticipantRow) -> NoteKey:
        """A participant's note key, when this gateway holds its key (422 when not: its own client proves)."""
        with _refused_as_422():
            return zk.note_key(row.id, row.self_custody)

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
        if caller.id == row.id:
            self._note_key(zk, row)  # a self-custody participant reads its notes in its own client
            return self.blocking(lambda: zk.balance(row.id))
        if caller.role == "REGULATOR":
            return self.blocking(lambda: zk.regulator_balance(row.id, row.address, row.self_custody))
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
