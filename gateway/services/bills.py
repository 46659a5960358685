"""The bill lifecycle and its transfers, over the bill registry and the index."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Select, select

from chain.errors import ChainError
from chain.model import BillKind, BillStatus, Operation, day_date, day_number
from chain.problem_codes import ProblemCode
from chain.tx import TxResult
from gateway.core.db import BillRow, HistoryRow, RangeRow, ViewerRow
from gateway.core.money import format_amount, parse_amount, parse_rate
from gateway.core.problems import Problem
from gateway.core.schemas import (
    BillIssue,
    BillOut,
    BillPage,
    BillTx,
    Discount,
    DiscountQuote,
    Dishonor,
    Endorse,
    Freeze,
    Guarantee,
    HistoryPage,
    Pledge,
    Recourse,
    Seize,
    TransferTx,
)
from gateway.ledger.outbox import Answer
from gateway.services import views
from gateway.services.base import Service
from gateway.services.caller import Caller
from gateway.services.documents import require_holds, require_uploaded


def _doc(value: str | None) -> bytes | None:
    return bytes.fromhex(value[2:]) if value else None


class Bills(Service):
    # --- reading
    def _visible(self, caller: Caller, query: Select[Any]) -> Select[Any]:
        if caller.sees_everything:
            return query
        viewers = select(ViewerRow.bill_id).where(ViewerRow.participant == caller.id)
        return query.where(BillRow.id.in_(viewers))

    def load(self, caller: Caller, bill_id: int) -> BillRow:
        """The bill, if the caller may see it; 404 alike for missing and invisible bills."""
        with self.rt.db.session() as s:
            row = s.scalar(self._visible(caller, select(BillRow).where(BillRow.id == bill_id)))
        if row is None:
            raise Problem(ProblemCode.NOT_FOUND, f"no bill {bill_id}")
        return row

    def ranges(self, bill_id: int) -> list[RangeRow]:
        with self.rt.db.session() as s:
            return list(s.scalars(select(RangeRow).where(RangeRow.bill_id == bill_id).order_by(RangeRow.start)))

    def get(self, caller: Caller, bill_id: int) -> BillOut:
        self.load(caller, bill_id)
        with self.rt.db.session() as s:
            return views.bill_out(s, bill_id)

    def list(
        self,
        caller: Caller,
        *,
        holder: str | None,
        status: BillStatus | None,
        kind: BillKind | None,
        acceptor: str | None,
        matures_before: date | None,
        limit: int,
        cursor: str | None,
    ) -> BillPage:
        query = self._visible(caller, select(BillRow))
        if cursor:
            query = query.where(BillRow.id > int(cursor))
        if holder:
            query = query.where(BillRow.id.in_(select(RangeRow.bill_id).where(RangeRow.holder == holder)))
        named = (status.name if status else None, kind.name if kind else None)
        for column, value in ((BillRow.status, named[0]), (BillRow.kind, named[1]), (BillRow.acceptor, acceptor)):
            if value:
                query = query.where(column == value)
        if matures_before:
            query = query.where(BillRow.maturity_date < matures_before)
        with self.rt.db.session() as s:
            ids = list(s.scalars(query.with_only_columns(BillRow.id).order_by(BillRow.id).limit(limit + 1)))
            shown, next_cursor = views.page(ids, limit, lambda i: i)
            return BillPage(items=views.bills_out(s, shown), next_cursor=next_cursor)

    def history(self, caller: Caller, bill_id: int, limit: int, cursor: str | None) -> HistoryPage:
        self.load(caller, bill_id)
        after = int(cursor) if cursor else 0
        with self.rt.db.session() as s:
            rows = list(
                s.scalars(
                    select(HistoryRow)
                    .where(HistoryRow.bill_id == bill_id, HistoryRow.seq > after)
                    .order_by(HistoryRow.seq)
                    .limit(limit + 1)
                )
            )
        shown, next_cursor = views.page(rows, limit, lambda r: r.seq)
        return HistoryPage(items=[views.history(r) for r in shown], next_cursor=next_cursor)

    # --- writing
    def _act(self, caller: Caller, bill_id: int, operation: Operation) -> BillRow:
        """API.md's order of checks up to the role: 404, then 403 FORBIDDEN."""
        bill = self.load(caller, bill_id)
        self.require_may(caller, operation)
        return bill

    def issue(self, caller: Caller, body: BillIssue) -> BillTx:
        self.require_may(caller, Operation.ISSUE)
        acceptor = self.counterparty(body.acceptor, "acceptor")
        payee = self.counterparty(body.payee, "payee")
        amount = parse_amount(body.amount)
        require_holds(self.rt.db, caller, body.document_hash)
        if not 0 < amount <= self.rt.rules.max_bill_amount:
            raise Problem(
                ProblemCode.VALIDATION_ERROR,
                f"amount: more than 0 and at most {format_amount(self.rt.rules.max_bill_amount)}",
            )
        signer = self.signer(caller)
        return self.write(
            "issue",
            lambda: self.rt.system.bills.issue(
                signer.account,
                kind=body.kind,
                acceptor=acceptor.address,
                payee=payee.address,
                amount=amount,
                maturity_day=day_number(body.maturity_date),
                transferable=body.transferable,
                document_hash=_doc(body.document_hash),
            ),
            Answer("bill"),
            BillTx,
        )

    def step(self, caller: Caller, bill_id: int, operation: Operation) -> BillTx:
        """accept, reject, receive, cancel: the contract knows who may and when."""
        self._act(caller, bill_id, operation)
        signer, bills = self.signer(caller), self.rt.system.bills
        steps = {
            Operation.ACCEPT: bills.accept,
            Operation.REJECT: bills.reject,
            Operation.RECEIVE: bills.receive,
            Operation.CANCEL: bills.cancel,
        }
        send, answer = steps[operation], Answer("bill", {"bill_id": bill_id})
        return self.write(operation.label, lambda: send(signer.account, bill_id), answer, BillTx)

    def _pick(
        self,
        bill: BillRow,
        range_start: int | None,
        mine: Callable[[RangeRow], bool],
        eligible: Callable[[RangeRow], bool],
    ) -> RangeRow:
        """The range an operation acts on: named, or the caller's only eligible one."""
        ranges = self.ranges(bill.id)
        if not ranges:
            raise Problem(ProblemCode.INVALID_STATE, f"bill {bill.id} is {bill.status}: it has no ranges yet")
        own = [r for r in ranges if mine(r)]
        if not own:
            raise Problem(ProblemCode.NOT_PARTY, f"you hold no range of bill {bill.id} this operation applies to")
        if range_start is not None:
            named = next((r for r in ranges if r.start == range_start), None)
            if named is None:
                raise Problem(
                    ProblemCode.VALIDATION_ERROR, f"range_start: no range of bill {bill.id} starts at {range_start}"
                )
            return named
        fit = [r for r in own if eligible(r)]
        if len(fit) > 1:
            starts = ", ".join(str(r.start) for r in fit)
            raise Problem(
                ProblemCode.VALIDATION_ERROR, f"range_start: you hold {len(fit)} eligible ranges ({starts}); name one"
            )
        return fit[0] if fit else own[0]  # none fits: the chain says why the first does not

    @staticmethod
    def _part(rng: RangeRow, amount: str | None) -> int:
        fen = rng.end - rng.start + 1 if amount is None else parse_amount(amount)
        if fen == 0 or fen > rng.end - rng.start + 1:
            raise Problem(
                ProblemCode.VALIDATION_ERROR,
                f"amount: more than 0 and at most the range's {format_amount(rng.end - rng.start + 1)}",
            )
        return fen

    def request(
        self, caller: Caller, bill_id: int, operation: Operation, body: Endorse | Discount | Pledge
    ) -> TransferTx:
        """endorse, discount, pledge: split off a part of a held range and lock it under a pending transfer."""
        bill = self._act(caller, bill_id, operation)
        rng = self._pick(
            bill, body.range_start, lambda r: r.holder == caller.id, lambda r: r.state == "HELD" and not r.frozen
        )
        amount = self._part(rng, body.amount)
        require_holds(self.rt.db, caller, None if isinstance(body, Pledge) else body.document_hash)
        bills, account = self.rt.system.bills, self.signer(caller).account

        def send() -> tuple[int, TxResult]:
            if isinstance(body, Endorse):
                to = self.counterparty(body.to, "to")
                document = _doc(body.document_hash)
                return bills.endorse(account, bill_id, rng.start, amount, to.address, document, body.restrictive)
            bank = self.counterparty(body.bank, "bank")
            if isinstance(body, Discount):
                rate, document = parse_rate(body.annual_rate), _doc(body.document_hash)
                return bills.discount(
                    account, bill_id, rng.start, amount, bank.address, rate, body.adjust_days, document
                )
            return bills.pledge(account, bill_id, rng.start, amount, bank.address)

        return self.write(operation.label, send, Answer("bill", {"bill_id": bill_id, "transfer": True}), TransferTx)

    def quote(self, caller: Caller, bill_id: int, body: Discount) -> DiscountQuote:
        """The price of `body` were it sent now: the holder sees it before signing, and the bank in the
        transfer it is asked to sign. The bill registry computes it (`discountPrice`), as the request will."""
        bill = self._act(caller, bill_id, Operation.DISCOUNT)
        rng = self._pick(
            bill, body.range_start, lambda r: r.holder == caller.id, lambda r: r.state == "HELD" and not r.frozen
        )
        amount = self._part(rng, body.amount)
        self.counterparty(body.bank, "bank")
        registry = self.rt.system.bills
        try:
            price = registry.discount_price(bill_id, amount, parse_rate(body.annual_rate), body.adjust_days)
            today = registry.today()
        except ChainError as error:
            raise Problem.from_chain(error) from None
        return DiscountQuote(
            bill_id=bill_id,
            range=views.range_ref(rng.start, rng.start + amount - 1),
            bank=body.bank,
            annual_rate=body.annual_rate,
            adjust_days=body.adjust_days,
            as_of=day_date(today).isoformat(),
            price=format_amount(price),
            interest=format_amount(amount - price),
        )

    def release(self, caller: Caller, bill_id: int, range_start: int | None) -> BillTx:
        bill = self._act(caller, bill_id, Operation.RELEASE)
        rng = self._pick(bill, range_start, lambda r: r.pledgee == caller.id, lambda r: r.state == "PLEDGED")
        account = self.signer(caller).account
        send = lambda: self.rt.system.bills.release(account, bill_id, rng.start)  # noqa: E731
        return self.write(Operation.RELEASE.label, send, Answer("bill", {"bill_id": bill_id}), BillTx)

    def present(self, caller: Caller, bill_id: int, range_start: int | None) -> BillTx:
        """Without a range, every range the caller may present (the contract picks them)."""
        bill = self._act(caller, bill_id, Operation.PRESENT)
        ranges = self.ranges(bill_id)
        if not ranges:
            raise Problem(ProblemCode.INVALID_STATE, f"bill {bill_id} is {bill.status}: it has no ranges yet")
        if not any(caller.id in (r.holder, r.pledgee) for r in ranges):
            raise Problem(ProblemCode.NOT_PARTY, f"you neither hold nor have a pledge on a range of bill {bill_id}")
        start, account = self._named(bill, range_start), self.signer(caller).account
        send = lambda: self.rt.system.bills.present(account, bill_id, start)  # noqa: E731
        return self.write(Operation.PRESENT.label, send, Answer("bill", {"bill_id": bill_id}), BillTx)

    def _named(self, bill: BillRow, range_start: int | None) -> int | None:
        if range_start is not None and not any(r.start == range_start for r in self.ranges(bill.id)):
            raise Problem(
                ProblemCode.VALIDATION_ERROR, f"range_start: no range of bill {bill.id} starts at {range_start}"
            )
        return range_start

    def pay(self, caller: Caller, bill_id: int, range_start: int | None) -> BillTx:
        bill = self._act(caller, bill_id, Operation.PAY)
        if caller.id != bill.acceptor:
            raise Problem(ProblemCode.NOT_PARTY, f"only the acceptor {bill.acceptor!r} pays bill {bill_id}")
        start, account = self._named(bill, range_start), self.signer(caller).account
        send = lambda: self.rt.system.bills.pay(account, bill_id, start)  # noqa: E731
        return self.write(Operation.PAY.label, send, Answer("bill", {"bill_id": bill_id}), BillTx)

    def dishonor(self, caller: Caller, bill_id: int, body: Dishonor) -> BillTx:
        bill = self._act(caller, bill_id, Operation.DISHONOR)
        if caller.id != bill.acceptor:
            raise Problem(ProblemCode.NOT_PARTY, f"only the acceptor {bill.acceptor!r} dishonours bill {bill_id}")
        start, account = self._named(bill, body.range_start), self.signer(caller).account
        send = lambda: self.rt.system.bills.dishonor(account, bill_id, body.reason, start)  # noqa: E731
        return self.write(Operation.DISHONOR.label, send, Answer("bill", {"bill_id": bill_id}), BillTx)

    def recourse(self, caller: Caller, bill_id: int, body: Recourse) -> TransferTx:
        bill = self._act(caller, bill_id, Operation.RECOURSE)
        rng = self._pick(
            bill,
            body.range_start,
            lambda r: (r.pledgee or r.holder) == caller.id,  # while pledged, only the pledgee claims (DOMAIN.md)
            lambda r: r.state in ("DISHONORED", "PRESENTED") and not r.frozen,
        )
        against, account = self.counterparty(body.against, "against"), self.signer(caller).account
        send = lambda: self.rt.system.bills.recourse(account, bill_id, rng.start, against.address)  # noqa: E731
        answer = Answer("bill", {"bill_id": bill_id, "transfer": True})
        return self.write(Operation.RECOURSE.label, send, answer, TransferTx)

    def freeze(self, caller: Caller, bill_id: int, body: Freeze, frozen: bool) -> BillTx:
        """A REGULATOR's freeze or unfreeze of the bill or a range; a freeze naming `order_hash` is a judicial
        one (DOMAIN.md, "Court orders"), whose order the REGULATOR uploaded. Unfreezing lifts either."""
        operation = Operation.FREEZE if frozen else Operation.UNFREEZE
        bill = self._act(caller, bill_id, operation)
        start = self._named(bill, body.range_start)
        if body.order_hash is not None:
            if not frozen:
                raise Problem(ProblemCode.VALIDATION_ERROR, "order_hash: a court's order freezes; unfreeze names none")
            require_uploaded(self.rt.db, caller, body.order_hash, "order_hash")
        account, bills, answer = self.signer(caller).account, self.rt.system.bills, Answer("bill", {"bill_id": bill_id})
        if body.order_hash is not None:
            order = _doc(body.order_hash)
            assert order is not None
            send = lambda: bills.freeze_under_order(account, bill_id, order, start)  # noqa: E731
            return self.write("freeze_under_order", send, answer, BillTx)
        act = bills.freeze if frozen else bills.unfreeze
        return self.write(operation.label, lambda: act(account, bill_id, start), answer, BillTx)

    def guarantee(self, caller: Caller, bill_id: int, body: Guarantee) -> TransferTx:
        """The drawer or the acceptor asks a guarantor to guarantee it on the whole bill (naming no range), or a
        holder for a part of its HELD range (DOMAIN.md, "Guarantees"); the guarantor signs or rejects it."""
        bill = self._act(caller, bill_id, Operation.GUARANTEE)
        whole = body.range_start is None and caller.id in (bill.drawer, bill.acceptor)
        if whole and body.amount is not None:
            raise Problem(
                ProblemCode.VALIDATION_ERROR,
                "amount: the drawer's and the acceptor's guarantees are of the whole bill; a holder names its range",
            )
        start, amount = 0, 0
        if not whole:
            if not any(r.holder == caller.id for r in self.ranges(bill_id)):
                raise Problem(
                    ProblemCode.NOT_PARTY,
                    f"the drawer, the acceptor or a holder of bill {bill_id} asks for a guarantee; {caller.id} is none",
                )
            rng = self._pick(
                bill, body.range_start, lambda r: r.holder == caller.id, lambda r: r.state == "HELD" and not r.frozen
            )
            start, amount = rng.start, self._part(rng, body.amount)
        guarantor, account = self.counterparty(body.guarantor, "guarantor"), self.signer(caller).account
        send = lambda: self.rt.system.bills.guarantee(account, bill_id, guarantor.address, start, amount)  # noqa: E731
        answer = Answer("bill", {"bill_id": bill_id, "transfer": True})
        return self.write(Operation.GUARANTEE.label, send, answer, TransferTx)

    def seize(self, caller: Caller, bill_id: int, body: Seize) -> TransferTx:
        """A REGULATOR asks that a range frozen under a court's order move to the order's beneficiary; another
        REGULATOR or the OPERATOR signs it (POST /v1/transfers/{id}/sign)."""
        bill = self._act(caller, bill_id, Operation.SEIZE)
        start = self._named(bill, body.range_start)
        assert start is not None
        to, account = self.counterparty(body.to, "to"), self.signer(caller).account
        order = _doc(body.order_hash)
        assert order is not None
        send = lambda: self.rt.system.bills.seize(account, bill_id, start, to.address, order)  # noqa: E731
        answer = Answer("bill", {"bill_id": bill_id, "transfer": True})
        return self.write(Operation.SEIZE.label, send, answer, TransferTx)
