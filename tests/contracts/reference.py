"""A small Python reference model of DOMAIN.md, for the stateful property test.

Each operation returns the problem code it expects to fail with (in the order of checks
of API.md, as the contracts run them), or None and applies its effect. It is written from
DOMAIN.md's words, not from the contracts' code: where the two differ, the test fails.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

MAX_AMOUNT = 100_000_000_000
MAX_RANGES = 100
HOLDER_ROLES = {"BANK", "ENTERPRISE"}
TERMINAL = {"SETTLED", "REJECTED", "CANCELLED"}


@dataclass
class MBill:
    kind: int
    drawer: str
    acceptor: str
    payee: str
    amount: int
    issue_day: int
    maturity_day: int
    transferable: bool
    status: str
    frozen: bool = False
    paid: int = 0


@dataclass
class MRange:
    end: int
    holder: str
    state: str = "HELD"
    frozen: bool = False
    late: bool = False
    pledgee: str | None = None
    presented_day: int | None = None
    chain: tuple[str, ...] = ()


@dataclass
class MTransfer:
    bill: int
    start: int
    end: int
    kind: str
    frm: str
    to: str
    price: int
    prior: str
    status: str = "PENDING"
    doc: bytes | None = None


@dataclass
class Model:
    roles: dict[str, str]
    frozen: set[str] = field(default_factory=set)
    #: participants a REGULATOR froze: only a REGULATOR unfreezes them
    frozen_by_regulator: set[str] = field(default_factory=set)
    balances: dict[str, int] = field(default_factory=dict)
    minted: int = 0
    #: a bank's mint limit, set by a REGULATOR (0 until set), and what it minted in all
    mint_limits: dict[str, int] = field(default_factory=dict)
    minted_by: dict[str, int] = field(default_factory=dict)
    #: (pledgee, amount) of every payment a pledged range made: invariant 7 checks they reached the pledgee
    pledge_proceeds: list[tuple[str, int]] = field(default_factory=list)
    bills: dict[int, MBill] = field(default_factory=dict)
    ranges: dict[int, dict[int, MRange]] = field(default_factory=dict)
    transfers: dict[int, MTransfer] = field(default_factory=dict)
    anchored: set[bytes] = field(default_factory=set)
    today: int = 0

    def clone(self) -> Model:
        return copy.deepcopy(self)

    # --- helpers
    def role(self, who: str) -> str | None:
        return self.roles.get(who)

    def active(self, who: str) -> bool:
        return who not in self.frozen

    def sorted_ranges(self, bill_id: int) -> list[tuple[int, MRange]]:
        return sorted(self.ranges.get(bill_id, {}).items())

    def _bill_open(self, bill: MBill, caller: str, ok: bool) -> str | None:
        if bill.frozen:
            return "FROZEN"
        if not self.active(caller):
            return "PARTICIPANT_FROZEN"
        return None if ok else "INVALID_STATE"

    # --- bills
    def issue(
        self,
        drawer: str,
        kind: int,
        acceptor: str,
        payee: str,
        amount: int,
        maturity: int,
        transferable: bool,
        doc: bytes | None,
    ) -> str | None:
        if self.role(drawer) != "ENTERPRISE":
            return "FORBIDDEN"
        if amount == 0 or amount > MAX_AMOUNT or maturity <= self.today or maturity - self.today > 184:
            return "VALIDATION_ERROR"
        if kind == 3 and doc is None:
            return "VALIDATION_ERROR"
        fits = {1: {"BANK"}, 2: {"ENTERPRISE"}, 3: HOLDER_ROLES}[kind]
        if self.role(acceptor) not in fits:
            return "INVALID_COUNTERPARTY"
        if self.role(payee) != "ENTERPRISE" or payee == drawer:
            return "INVALID_COUNTERPARTY"
        if not (self.active(drawer) and self.active(acceptor) and self.active(payee)):
            return "PARTICIPANT_FROZEN"
        if doc is not None and doc in self.anchored:
            return "DOCUMENT_ALREADY_USED"
        if doc is not None:
            self.anchored.add(doc)
        status = "ACCEPTED" if acceptor == drawer else "ISSUED"
        self.bills[len(self.bills) + 1] = MBill(
            kind, drawer, acceptor, payee, amount, self.today, maturity, transferable, status
        )
        return None

    def _bill_act(self, bill_id: int, caller: str, roles: set[str]) -> tuple[MBill | None, str | None]:
        bill = self.bills.get(bill_id)
        if bill is None:
            return None, "NOT_FOUND"
        if self.role(caller) not in roles:
            return None, "FORBIDDEN"
        return bill, None

    def accept(self, bill_id: int, caller: str) -> str | None:
        bill, err = self._bill_act(bill_id, caller, HOLDER_ROLES)
        if bill is None:
            return err
        if caller != bill.acceptor:
            return "NOT_PARTY"
        if err := self._bill_open(bill, caller, bill.status == "ISSUED"):
            return err
        bill.status = "ACCEPTED"
        return None

    def reject(self, bill_id: int, caller: str) -> str | None:
        bill, err = self._bill_act(bill_id, caller, HOLDER_ROLES)
        if bill is None:
            return err
        if caller not in (bill.acceptor, bill.payee):
            return "NOT_PARTY"
        ok = (caller == bill.acceptor and bill.status == "ISSUED") or (
            caller == bill.payee and bill.status == "ACCEPTED"
        )
        if err := self._bill_open(bill, caller, ok):
            return err
        bill.status = "REJECTED"
        return None

    def receive(self, bill_id: int, caller: str) -> str | None:
        bill, err = self._bill_act(bill_id, caller, {"ENTERPRISE"})
        if bill is None:
            return err
        if caller != bill.payee:
            return "NOT_PARTY"
        if err := self._bill_open(bill, caller, bill.status == "ACCEPTED"):
            return err
        bill.status = "CIRCULATING"
        self.ranges[bill_id] = {1: MRange(end=bill.amount, holder=caller, chain=(caller,))}
        return None

    def cancel(self, bill_id: int, caller: str) -> str | None:
        bill, err = self._bill_act(bill_id, caller, {"ENTERPRISE"})
        if bill is None:
            return err
        if caller != bill.drawer:
            return "NOT_PARTY"
        if err := self._bill_open(bill, caller, bill.status in ("ISSUED", "ACCEPTED")):
            return err
        bill.status = "CANCELLED"
        return None

    # --- transfers
    def _range_free(self, bill: MBill, rng: MRange, caller: str) -> str | None:
        if err := self._bill_open(bill, caller, bill.status == "CIRCULATING"):
            return err
        return "FROZEN" if rng.frozen else None

    def request(
        self,
        kind: str,
        bill_id: int,
        caller: str,
        start: int,
        amount: int,
        to: str,
        rate: int = 0,
        adjust: int = 0,
        doc: bytes | None = None,
    ) -> str | None:
        caller_roles = {"ENDORSE": {"ENTERPRISE"}, "DISCOUNT": HOLDER_ROLES, "PLEDGE": {"ENTERPRISE"}}[kind]
        to_roles = HOLDER_ROLES if kind == "ENDORSE" else {"BANK"}
        bill, err = self._bill_act(bill_id, caller, caller_roles)
        if bill is None:
            return err
        rng = self.ranges.get(bill_id, {}).get(start)
        if rng is None:
            return "VALIDATION_ERROR"
        if rng.holder != caller:
            return "NOT_PARTY"
        if amount == 0 or amount > rng.end - start + 1:
            return "VALIDATION_ERROR"
        if kind == "DISCOUNT" and (rate >= 1_000_000 or adjust > 3):
            return "VALIDATION_ERROR"
        if self.role(to) not in to_roles or to == caller:
            return "INVALID_COUNTERPARTY"
        if err := self._range_free(bill, rng, caller):
            return err
        if not self.active(to):
            return "PARTICIPANT_FROZEN"
        if not bill.transferable:
            return "NOT_TRANSFERABLE"
        if rng.state != "HELD":
            return "INVALID_STATE"
        if self.today >= bill.maturity_day:
            return "MATURED"
        if doc is not None and doc in self.anchored:
            return "DOCUMENT_ALREADY_USED"
        price = 0
        if kind == "DISCOUNT":
            days = bill.maturity_day - self.today + adjust
            num, den = amount * rate * days, 360 * 1_000_000
            price = amount - (2 * num + den) // (2 * den)
        split_at = start + amount
        if split_at <= rng.end:
            if len(self.ranges[bill_id]) >= MAX_RANGES:
                return "INVALID_STATE"
            self.ranges[bill_id][split_at] = MRange(end=rng.end, holder=rng.holder, chain=rng.chain)
            rng.end = split_at - 1
        self.transfers[len(self.transfers) + 1] = MTransfer(
            bill_id, start, rng.end, kind, caller, to, price, rng.state, doc=doc
        )
        rng.state = "LOCKED"
        if doc is not None:
            self.anchored.add(doc)
        return None

    def _liable(self, bill: MBill, rng: MRange, target: str) -> bool:
        if target in (bill.drawer, bill.acceptor):
            return True
        if rng.late or rng.holder not in rng.chain:
            return False
        first = rng.chain.index(rng.holder)
        return target in rng.chain[:first]

    @staticmethod
    def claimant(rng: MRange) -> str:
        """DOMAIN.md: while a range is pledged, only its pledgee may claim recourse; else its holder."""
        return rng.pledgee or rng.holder

    def recourse(self, bill_id: int, caller: str, start: int, against: str) -> str | None:
        bill, err = self._bill_act(bill_id, caller, HOLDER_ROLES)
        if bill is None:
            return err
        rng = self.ranges.get(bill_id, {}).get(start)
        if rng is None:
            return "VALIDATION_ERROR"
        if self.claimant(rng) != caller:
            return "NOT_PARTY"
        if self.role(against) not in HOLDER_ROLES or against == caller:
            return "INVALID_COUNTERPARTY"
        if err := self._range_free(bill, rng, caller):
            return err
        if not self.active(against):
            return "PARTICIPANT_FROZEN"
        if rng.state == "PRESENTED":
            assert rng.presented_day is not None
            if self.today < rng.presented_day + 3:
                return "INVALID_STATE"
        elif rng.state != "DISHONORED":
            return "INVALID_STATE"
        if not self._liable(bill, rng, against):
            return "INVALID_RECOURSE_TARGET"
        amount = rng.end - start + 1
        self.transfers[len(self.transfers) + 1] = MTransfer(
            bill_id, start, rng.end, "RECOURSE", caller, against, amount, rng.state
        )
        rng.state = "LOCKED"
        return None

    def _pending(self, transfer_id: int, caller: str, as_counterparty: bool) -> tuple[MTransfer | None, str | None]:
        t = self.transfers.get(transfer_id)
        if t is None:
            return None, "NOT_FOUND"
        if self.role(caller) not in HOLDER_ROLES:
            return None, "FORBIDDEN"
        bill, rng = self.bills[t.bill], self.ranges[t.bill][t.start]
        initiator = self.claimant(rng) if t.kind == "RECOURSE" else rng.holder
        if caller != (t.to if as_counterparty else initiator):
            return None, "NOT_PARTY"
        if t.status != "PENDING":
            return None, "INVALID_STATE"
        if bill.frozen or rng.frozen:
            return None, "FROZEN"
        if not self.active(caller):
            return None, "PARTICIPANT_FROZEN"
        return t, None

    def _add_paid(self, bill: MBill, amount: int) -> None:
        bill.paid += amount
        if bill.paid == bill.amount:
            bill.status = "SETTLED"

    def sign(self, transfer_id: int, caller: str) -> str | None:
        t, err = self._pending(transfer_id, caller, True)
        if t is None:
            return err
        bill, rng = self.bills[t.bill], self.ranges[t.bill][t.start]
        if t.kind != "RECOURSE" and self.today >= bill.maturity_day:
            return "MATURED"
        if not self.active(rng.holder):
            return "PARTICIPANT_FROZEN"
        # DOMAIN.md: the counterparty pays the holder, or the pledgee while the range is pledged
        payee = rng.pledgee if t.kind == "RECOURSE" and rng.pledgee else rng.holder
        if not self.active(payee):
            return "PARTICIPANT_FROZEN"
        if t.kind in ("DISCOUNT", "RECOURSE") and self.balances.get(caller, 0) < t.price:
            return "INSUFFICIENT_CASH"
        t.status = "SIGNED"
        if t.kind == "PLEDGE":
            rng.state, rng.pledgee = "PLEDGED", caller
            return None
        if t.kind in ("DISCOUNT", "RECOURSE"):
            self.balances[caller] -= t.price
            self.balances[payee] = self.balances.get(payee, 0) + t.price
        if t.kind == "RECOURSE":
            if rng.pledgee:
                self.pledge_proceeds.append((rng.pledgee, t.price))
            rng.pledgee = None
            if caller == bill.acceptor:
                rng.state = "PAID"
                self._add_paid(bill, t.end - t.start + 1)
            else:
                rng.holder, rng.state = caller, "DISHONORED"
            return None
        rng.holder, rng.state, rng.chain = caller, "HELD", (*rng.chain, caller)
        return None

    def unwind(self, transfer_id: int, caller: str, as_counterparty: bool) -> str | None:
        t, err = self._pending(transfer_id, caller, as_counterparty)
        if t is None:
            return err
        t.status = "REJECTED" if as_counterparty else "REVOKED"
        rng = self.ranges[t.bill][t.start]
        rng.state = t.prior
        if t.doc is not None:
            self.anchored.discard(t.doc)
        # a range back to HELD takes back the rest of its split when that is still alike (DOMAIN.md: the
        # split is withdrawn with the request; a bill does not fragment by requests withdrawn)
        following = self.ranges[t.bill].get(rng.end + 1)
        if rng.state == "HELD" and following is not None and self._alike(rng, following):
            del self.ranges[t.bill][rng.end + 1]
            rng.end = following.end
        return None

    @staticmethod
    def _alike(a: MRange, b: MRange) -> bool:
        held = a.state == b.state == "HELD"
        return (
            held
            and a.holder == b.holder
            and a.chain == b.chain
            and not (a.frozen or b.frozen or a.pledgee or b.pledgee)
        )

    # --- pledge, maturity
    def release(self, bill_id: int, caller: str, start: int) -> str | None:
        bill, err = self._bill_act(bill_id, caller, {"BANK"})
        if bill is None:
            return err
        rng = self.ranges.get(bill_id, {}).get(start)
        if rng is None:
            return "VALIDATION_ERROR"
        if rng.pledgee != caller:
            return "NOT_PARTY"
        if err := self._range_free(bill, rng, caller):
            return err
        if rng.state != "PLEDGED":
            return "INVALID_STATE"
        rng.state, rng.pledgee = "HELD", None
        return None

    def _present(self, bill: MBill, rng: MRange) -> None:
        rng.state, rng.late, rng.presented_day = "PRESENTED", self.today >= bill.maturity_day + 10, self.today

    def present(self, bill_id: int, caller: str, start: int | None) -> str | None:
        bill, err = self._bill_act(bill_id, caller, HOLDER_ROLES)
        if bill is None:
            return err
        ranges = self.sorted_ranges(bill_id)
        if start is None:
            if not any(r.holder == caller or r.pledgee == caller for _, r in ranges):
                return "NOT_PARTY"
            if err := self._bill_open(bill, caller, bill.status == "CIRCULATING"):
                return err
            if self.today < bill.maturity_day:
                return "NOT_MATURE"
            mine = [
                r
                for _, r in ranges
                if (r.holder == caller or (r.pledgee == caller and r.state == "PLEDGED"))
                and not r.frozen
                and r.state in ("HELD", "PLEDGED")
            ]
            if not mine:
                return "INVALID_STATE"
            for r in mine:
                self._present(bill, r)
            return None
        rng = self.ranges.get(bill_id, {}).get(start)
        if rng is None:
            return "VALIDATION_ERROR"
        if rng.holder != caller and not (rng.pledgee == caller and rng.state == "PLEDGED"):
            return "NOT_PARTY"
        if err := self._range_free(bill, rng, caller):
            return err
        if rng.state not in ("HELD", "PLEDGED"):
            return "INVALID_STATE"
        if self.today < bill.maturity_day:
            return "NOT_MATURE"
        self._present(bill, rng)
        return None

    def _settle_ranges(self, bill: MBill, caller: str, targets: list[tuple[int, MRange]], pay: bool) -> str | None:
        cash = self.balances.get(caller, 0)
        for _, r in targets:
            if r.frozen:
                return "FROZEN"
            if pay:
                payee = r.pledgee or r.holder
                if not self.active(payee):
                    return "PARTICIPANT_FROZEN"
                amount = r.end - _ + 1
                if cash < amount:
                    return "INSUFFICIENT_CASH"
                cash -= amount
        for start, r in targets:
            if pay:
                payee, amount = r.pledgee or r.holder, r.end - start + 1
                self.balances[caller] -= amount
                self.balances[payee] = self.balances.get(payee, 0) + amount
                if r.pledgee:
                    self.pledge_proceeds.append((r.pledgee, amount))
                r.state = "PAID"
                self._add_paid(bill, amount)
            else:
                r.state = "DISHONORED"
        return None

    def pay_or_dishonor(self, bill_id: int, caller: str, start: int | None, pay: bool, reason: str = "x") -> str | None:
        bill, err = self._bill_act(bill_id, caller, HOLDER_ROLES)
        if bill is None:
            return err
        if caller != bill.acceptor:
            return "NOT_PARTY"
        if start is not None:
            rng = self.ranges.get(bill_id, {}).get(start)
            if rng is None:
                return "VALIDATION_ERROR"
        if not pay and not 1 <= len(reason.encode()) <= 800:
            return "VALIDATION_ERROR"
        if err := self._bill_open(bill, caller, bill.status == "CIRCULATING"):
            return err
        if start is not None:
            if rng.frozen:
                return "FROZEN"
            if rng.state != "PRESENTED":
                return "INVALID_STATE"
            return self._settle_ranges(bill, caller, [(start, rng)], pay)
        targets = [(s, r) for s, r in self.sorted_ranges(bill_id) if r.state == "PRESENTED"]
        if not targets:
            return "INVALID_STATE"
        return self._settle_ranges(bill, caller, targets, pay)

    # --- freeze, cash
    def freeze(self, bill_id: int, caller: str, start: int | None, frozen: bool) -> str | None:
        bill, err = self._bill_act(bill_id, caller, {"REGULATOR"})
        if bill is None:
            return err
        target: MBill | MRange | None = bill
        if start is not None:
            target = self.ranges.get(bill_id, {}).get(start)
            if target is None:
                return "VALIDATION_ERROR"
        if not self.active(caller):
            return "PARTICIPANT_FROZEN"
        assert target is not None
        if target.frozen == frozen:
            return "INVALID_STATE"
        target.frozen = frozen
        return None

    def freeze_participant(self, who: str, frozen: bool, by: str = "operator") -> str | None:
        """By the operator or a REGULATOR (DOMAIN.md): a freeze a REGULATOR made is a REGULATOR's to undo,
        and a REGULATOR is frozen or unfrozen by a REGULATOR only."""
        regulator = self.role(by) == "REGULATOR"
        if by != "operator" and not regulator:
            return "FORBIDDEN"
        if regulator and not self.active(by):
            return "PARTICIPANT_FROZEN"
        if not regulator and (self.role(who) == "REGULATOR" or who in self.frozen_by_regulator):
            return "FORBIDDEN"
        if (who in self.frozen) == frozen:
            return "INVALID_STATE"
        (self.frozen.add if frozen else self.frozen.discard)(who)
        (self.frozen_by_regulator.add if frozen and regulator else self.frozen_by_regulator.discard)(who)
        return None

    def set_mint_limit(self, regulator: str, bank: str, limit: int) -> str | None:
        """DOMAIN.md: a REGULATOR sets each BANK's mint limit."""
        if self.role(regulator) != "REGULATOR":
            return "FORBIDDEN"
        if not self.active(regulator):
            return "PARTICIPANT_FROZEN"
        if self.role(bank) != "BANK":
            return "INVALID_COUNTERPARTY"
        self.mint_limits[bank] = limit
        return None

    def mint(self, bank: str, to: str, amount: int) -> str | None:
        if self.role(bank) != "BANK":
            return "FORBIDDEN"
        if amount == 0:
            return "VALIDATION_ERROR"
        if not self.active(bank):
            return "PARTICIPANT_FROZEN"
        if self.minted_by.get(bank, 0) + amount > self.mint_limits.get(bank, 0):
            return "MINT_LIMIT_EXCEEDED"
        if self.role(to) not in HOLDER_ROLES:
            return "INVALID_COUNTERPARTY"
        if not self.active(to):
            return "PARTICIPANT_FROZEN"
        self.balances[to] = self.balances.get(to, 0) + amount
        self.minted += amount
        self.minted_by[bank] = self.minted_by.get(bank, 0) + amount
        return None
