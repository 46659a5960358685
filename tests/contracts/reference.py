"""A small Python reference model of DOMAIN.md, for the stateful property test.

Each operation returns the problem code it expects to fail with (in the order of checks
of API.md, as the contracts run them), or None and applies its effect. It is written from
DOMAIN.md's words, not from the contracts' code: where the two differ, the test fails.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import NamedTuple

MAX_AMOUNT = 100_000_000_000
MAX_RANGES = 100
HOLDER_ROLES = {"BANK", "ENTERPRISE"}
TERMINAL = {"SETTLED", "REJECTED", "CANCELLED"}
#: how many parties of one range's chain a guarantor may guarantee (the contract records a paying guarantor's
#: parties one bit each: EndorsementChain.GUARANTEE_BITS; DECISIONS.md)
GUARANTEED_PARTIES_PER_CHAIN = 13
#: the parties of a bill a guarantor of the whole bill guarantees (DOMAIN.md, "Guarantees"), as bits
DRAWER, ACCEPTOR = 1, 2
#: an acceptor with this many overdue events in this many days is persistently overdue (DOMAIN.md)
OVERDUE_EVENTS, OVERDUE_WINDOW = 3, 180


class Link(NamedTuple):
    """One member of a range's endorsement chain: who, how it joined (PAYEE, ENDORSE, DISCOUNT, SEIZURE), whether
    the endorsement that brought it was restrictive, and the transfer that did (0 for the payee): two ranges
    with the same links and guarantees share one history."""

    name: str
    how: str
    restrictive: bool = False
    transfer: int = 0


class Guarantee(NamedTuple):
    """A guarantee of a holder (`party`) signed by `guarantor` on a range, which every range later split
    from it keeps."""

    party: str
    guarantor: str
    transfer: int


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
    #: the court order the bill is frozen under (a judicial freeze), if it is
    order: bytes | None = None
    paid: int = 0
    #: the guarantors of the whole bill: which of its parties each guarantees (DRAWER, ACCEPTOR bits)
    guarantors: dict[str, int] = field(default_factory=dict)
    #: whether the bill gave its acceptor an overdue event already (one a bill)
    overdue_counted: bool = False


@dataclass
class MRange:
    end: int
    holder: str
    state: str = "HELD"
    frozen: bool = False
    order: bytes | None = None
    late: bool = False
    pledgee: str | None = None
    presented_day: int | None = None
    links: tuple[Link, ...] = ()
    guarantees: tuple[Guarantee, ...] = ()
    #: the parties the holder of a DISHONORED range paid recourse for as their guarantor (it was liable as
    #: nothing else): it claims as they would, and from them
    paid_for: frozenset[str] = frozenset()

    @property
    def chain(self) -> tuple[str, ...]:
        """The range's endorsement chain, the payee first (guarantors are no members of it)."""
        return tuple(link.name for link in self.links)


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
    restrictive: bool = False
    #: the court order a SEIZURE executes
    order: bytes | None = None


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
    #: each acceptor's overdue events, as days, oldest first
    overdue: dict[str, list[int]] = field(default_factory=dict)
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
        if acceptor == drawer and self.persistently_overdue(acceptor):
            return "ACCEPTOR_OVERDUE"  # drawn on itself, the drawer accepts at issue: it may not
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
        if self.persistently_overdue(caller):
            return "ACCEPTOR_OVERDUE"
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
        self.ranges[bill_id] = {1: MRange(end=bill.amount, holder=caller, links=(Link(caller, "PAYEE"),))}
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
        restrictive: bool = False,
    ) -> str | None:
        restrictive = restrictive and kind == "ENDORSE"
        caller_roles = {"ENDORSE": {"ENTERPRISE"}, "DISCOUNT": HOLDER_ROLES, "PLEDGE": {"ENTERPRISE"}}[kind]
        to_roles = HOLDER_ROLES if kind == "ENDORSE" else {"BANK"}
        bill, err = self._bill_act(bill_id, caller, caller_roles)
        if bill is None:
            return err
        rng, err = self._held_part(bill_id, start, caller, amount)
        if rng is None:
            return err
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
        if kind != "ENDORSE" and self.persistently_overdue(bill.acceptor):
            return "ACCEPTOR_OVERDUE"
        if doc is not None and doc in self.anchored:
            return "DOCUMENT_ALREADY_USED"
        price = 0
        if kind == "DISCOUNT":
            days = bill.maturity_day - self.today + adjust
            num, den = amount * rate * days, 360 * 1_000_000
            price = amount - (2 * num + den) // (2 * den)
        if err := self._split(bill_id, rng, start, amount):
            return err
        self.transfers[len(self.transfers) + 1] = MTransfer(
            bill_id, start, rng.end, kind, caller, to, price, rng.state, doc=doc, restrictive=restrictive
        )
        rng.state = "LOCKED"
        if doc is not None:
            self.anchored.add(doc)
        return None

    def _split(self, bill_id: int, rng: MRange, start: int, amount: int) -> str | None:
        """The first `amount` fen of the range move; the rest stays, HELD, with the same chain and guarantees."""
        split_at = start + amount
        if split_at <= rng.end:
            if len(self.ranges[bill_id]) >= MAX_RANGES:
                return "INVALID_STATE"
            self.ranges[bill_id][split_at] = MRange(
                end=rng.end, holder=rng.holder, links=rng.links, guarantees=rng.guarantees
            )
            rng.end = split_at - 1
        return None

    def _held_part(self, bill_id: int, start: int, caller: str, amount: int) -> tuple[MRange | None, str | None]:
        """The caller's range at `start`, of which it moves or has guaranteed `amount`: VALIDATION_ERROR for no
        such range or an amount it does not hold, NOT_PARTY for another's range."""
        rng = self.ranges.get(bill_id, {}).get(start)
        if rng is None:
            return None, "VALIDATION_ERROR"
        if rng.holder != caller:
            return None, "NOT_PARTY"
        if amount == 0 or amount > rng.end - start + 1:
            return None, "VALIDATION_ERROR"
        return rng, None

    # --- recourse liability (DOMAIN.md, "Recourse", "Guarantees", "Restrictive endorsement", "Court orders")
    @staticmethod
    def _earlier_members(rng: MRange, claimant: str) -> set[str]:
        """Who is liable to `claimant` through the range's endorsement chain: every member strictly earlier than
        its first appearance (none when it does not appear), each through a step where it passed the range on:
        not one where a court's seizure took it away (it endorsed nothing), and a restrictive endorser only to
        its own endorsee (not to anyone who took the range after it)."""
        chain = rng.chain
        if claimant not in chain:
            return set()
        liable = set()
        for i in range(chain.index(claimant)):
            step = rng.links[i + 1]
            if step.how == "SEIZURE":
                continue
            if step.restrictive and step.name != claimant:
                continue
            liable.add(chain[i])
        return liable

    def guaranteed_by(self, bill: MBill, rng: MRange | None, guarantor: str) -> set[str]:
        """The parties `guarantor` guarantees on the range: a holder it guarantees on it (or on a range it was
        split from), the drawer or the acceptor it guarantees on the whole bill."""
        bits = bill.guarantors.get(guarantor, 0)
        parties = {party for party, who, _ in (rng.guarantees if rng else ()) if who == guarantor}
        return parties | ({bill.drawer} if bits & DRAWER else set()) | ({bill.acceptor} if bits & ACCEPTOR else set())

    def directly_liable(self, bill: MBill, rng: MRange) -> set[str]:
        """The parties liable to the range's holder in their own name: the drawer and the acceptor; unless it
        presented late, every member earlier in the chain than its first appearance, and, when it paid recourse
        as the guarantor of parties, those parties and everyone liable to them."""
        liable = {bill.drawer, bill.acceptor}
        if not rng.late:
            liable |= self._earlier_members(rng, rng.holder)
            for party in rng.paid_for:
                liable |= {party} | self._earlier_members(rng, party)
        return liable

    def liable_set(self, bill: MBill, rng: MRange) -> set[str]:
        """Everyone a recourse claim on the range may name: the parties directly liable and the guarantors of
        each of them (a guarantor is liable wherever its party is), though not a guarantor of the holder itself
        (no one is liable to itself, nor through its own guarantor)."""
        direct = self.directly_liable(bill, rng)
        parties = direct - {rng.holder}
        guarantors = {who for party, who, _ in rng.guarantees if party in parties}
        for who, bits in bill.guarantors.items():
            if (bits & DRAWER and bill.drawer in parties) or (bits & ACCEPTOR and bill.acceptor in parties):
                guarantors.add(who)
        return direct | guarantors

    def liable(self, bill_id: int, start: int, target: str) -> bool:
        return target in self.liable_set(self.bills[bill_id], self.ranges[bill_id][start])

    def _liable(self, bill: MBill, rng: MRange, target: str) -> bool:
        return target in self.liable_set(bill, rng)

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
        if rng.state == "PRESENTED":  # left unanswered 3 days: the acceptor's overdue event, counted now
            self._count_overdue(bill)
        rng.state = "LOCKED"
        return None

    def initiator(self, t: MTransfer) -> str | None:
        """Who asked for a transfer: the REGULATOR of a seizure, the drawer or acceptor of a guarantee of the
        whole bill, the claimant of a recourse, else the holder of the range at its start (None: no range)."""
        if t.kind == "SEIZURE" or t.start == 0:
            return t.frm
        rng = self.ranges.get(t.bill, {}).get(t.start)
        if rng is None:
            return None
        return self.claimant(rng) if t.kind == "RECOURSE" else rng.holder

    def _pending(self, transfer_id: int, caller: str, as_counterparty: bool) -> tuple[MTransfer | None, str | None]:
        """A pending transfer for its counterparty or its initiator (a REGULATOR revokes its seizure; a seizure's
        second party confirms it with `confirm_seizure`, which no counterparty's signature replaces)."""
        t = self.transfers.get(transfer_id)
        if t is None:
            return None, "NOT_FOUND"
        roles = HOLDER_ROLES if as_counterparty else HOLDER_ROLES | {"REGULATOR"}
        if self.role(caller) not in roles:
            return None, "FORBIDDEN"
        bill, rng = self.bills[t.bill], self.ranges.get(t.bill, {}).get(t.start)
        party = (None if t.kind == "SEIZURE" else t.to) if as_counterparty else self.initiator(t)
        if caller != party:
            return None, "NOT_PARTY"
        if t.status != "PENDING":
            return None, "INVALID_STATE"
        # a seizure's range is frozen under its order by design: that does not stop its REGULATOR's revoke
        if t.kind != "SEIZURE" and (bill.frozen or (rng is not None and rng.frozen)):
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
        bill = self.bills[t.bill]
        if t.kind == "GUARANTEE":
            return self._bind_guarantor(transfer_id, t, bill)
        rng = self.ranges[t.bill][t.start]
        if t.kind != "RECOURSE" and self.today >= bill.maturity_day:
            return "MATURED"
        if t.kind in ("DISCOUNT", "PLEDGE") and self.persistently_overdue(bill.acceptor):
            return "ACCEPTOR_OVERDUE"
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
            if caller == bill.acceptor:  # payment by the acceptor discharges everyone, its guarantors too
                rng.state = "PAID"
                self._add_paid(bill, t.end - t.start + 1)
            else:
                # the payer holds the DISHONORED range; one liable as nothing but a guarantor claims as its
                # guaranteed parties would, and from them (DOMAIN.md, "Guarantees")
                direct = self.directly_liable(bill, rng)
                paid_for: frozenset[str] = frozenset()
                if caller not in direct:
                    paid_for = frozenset(self.guaranteed_by(bill, rng, caller) & (direct - {rng.holder}))
                rng.holder, rng.state, rng.paid_for = caller, "DISHONORED", paid_for
            return None
        rng.holder, rng.state = caller, "HELD"
        rng.links = (*rng.links, Link(caller, t.kind, t.restrictive, transfer_id))
        return None

    def _bind_guarantor(self, transfer_id: int, t: MTransfer, bill: MBill) -> str | None:
        """A guarantor's signature (DOMAIN.md, "Guarantees"): of the whole bill, it guarantees the parties its
        initiator still is; of a holder's range, the holder, on that range and every range later split from it."""
        if t.start == 0:
            parties = self._guaranteed_parties(bill, t.frm)
            if not parties:
                return "INVALID_STATE"
            if self._shut_out(bill):
                return "ACCEPTOR_OVERDUE"
            if not self.active(t.frm):  # no operation towards a FROZEN participant
                return "PARTICIPANT_FROZEN"
            t.status = "SIGNED"
            bill.guarantors[t.to] = bill.guarantors.get(t.to, 0) | parties
            return None
        rng = self.ranges[t.bill][t.start]
        if self._shut_out(bill):
            return "ACCEPTOR_OVERDUE"
        if not self.active(rng.holder):
            return "PARTICIPANT_FROZEN"
        t.status = "SIGNED"
        rng.state = t.prior
        rng.guarantees = (*rng.guarantees, Guarantee(rng.holder, t.to, transfer_id))
        return None

    def unwind(self, transfer_id: int, caller: str, as_counterparty: bool) -> str | None:
        t, err = self._pending(transfer_id, caller, as_counterparty)
        if t is None:
            return err
        t.status = "REJECTED" if as_counterparty else "REVOKED"
        if t.start == 0:
            return None  # a guarantee of the whole bill locked no range
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
            and a.links == b.links
            and a.guarantees == b.guarantees
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
        rng = self.ranges.get(bill_id, {}).get(start) if start is not None else None
        if start is not None and rng is None:
            return "VALIDATION_ERROR"
        if not pay and not 1 <= len(reason.encode()) <= 800:
            return "VALIDATION_ERROR"
        if err := self._bill_open(bill, caller, bill.status == "CIRCULATING"):
            return err
        if start is not None and rng is not None:
            if rng.frozen:
                return "FROZEN"
            if rng.state != "PRESENTED":
                return "INVALID_STATE"
            targets = [(start, rng)]
        else:
            targets = [(s, r) for s, r in self.sorted_ranges(bill_id) if r.state == "PRESENTED"]
            if not targets:
                return "INVALID_STATE"
        if err := self._settle_ranges(bill, caller, targets, pay):
            return err
        if not pay:
            self._count_overdue(bill)  # a dishonour is the acceptor's overdue event (one a bill)
        return None

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
        target.frozen, target.order = frozen, None  # an unfreeze lifts a judicial freeze too (a REGULATOR's)
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

    # --- guarantees (DOMAIN.md, "Guarantees")
    @staticmethod
    def _guaranteed_parties(bill: MBill, party: str | None) -> int:
        """The parties of the bill `party` may have guaranteed as a whole now: the drawer while the bill is
        ISSUED, ACCEPTED or CIRCULATING, the acceptor while ACCEPTED or CIRCULATING (DRAWER, ACCEPTOR bits)."""
        accepted = bill.status in ("ACCEPTED", "CIRCULATING")
        bits = DRAWER if party == bill.drawer and (accepted or bill.status == "ISSUED") else 0
        return bits | (ACCEPTOR if party == bill.acceptor and accepted else 0)

    def guarantee(self, bill_id: int, caller: str, start: int, amount: int, guarantor: str) -> str | None:
        """The drawer or the acceptor (`start` 0) asks `guarantor` to guarantee it on the whole bill, or a holder
        for `amount` of its HELD range at `start` (which splits as for endorse and is LOCKED meanwhile)."""
        bill, err = self._bill_act(bill_id, caller, HOLDER_ROLES)
        if bill is None:
            return err
        if start == 0:
            if caller not in (bill.drawer, bill.acceptor):
                return "NOT_PARTY"
            if self.role(guarantor) not in HOLDER_ROLES or guarantor == caller:
                return "INVALID_COUNTERPARTY"
            if bill.frozen:
                return "FROZEN"
            if not (self.active(caller) and self.active(guarantor)):
                return "PARTICIPANT_FROZEN"
            parties = self._guaranteed_parties(bill, caller)
            if not parties or bill.guarantors.get(guarantor, 0) & parties == parties:
                return "INVALID_STATE"  # no party to guarantee, or it guarantees them already
            if self._shut_out(bill):
                return "ACCEPTOR_OVERDUE"
            self.transfers[len(self.transfers) + 1] = MTransfer(bill_id, 0, 0, "GUARANTEE", caller, guarantor, 0, "")
            return None
        rng, err = self._held_part(bill_id, start, caller, amount)
        if rng is None:
            return err
        if self.role(guarantor) not in HOLDER_ROLES or guarantor == caller:
            return "INVALID_COUNTERPARTY"
        if err := self._range_free(bill, rng, caller):
            return err
        if not self.active(guarantor):
            return "PARTICIPANT_FROZEN"
        if rng.state != "HELD":
            return "INVALID_STATE"
        if self._shut_out(bill):
            return "ACCEPTOR_OVERDUE"
        guaranteed = {party for party, who, _ in rng.guarantees if who == guarantor}
        if caller not in guaranteed and len(guaranteed) >= GUARANTEED_PARTIES_PER_CHAIN:
            return "INVALID_STATE"  # the chain records a guarantor's payment for at most that many parties
        if err := self._split(bill_id, rng, start, amount):
            return err
        self.transfers[len(self.transfers) + 1] = MTransfer(
            bill_id, start, rng.end, "GUARANTEE", caller, guarantor, 0, rng.state
        )
        rng.state = "LOCKED"
        return None

    # --- persistently overdue acceptors (DOMAIN.md)
    def _count_overdue(self, bill: MBill) -> None:
        if not bill.overdue_counted:
            bill.overdue_counted = True
            self.overdue.setdefault(bill.acceptor, []).append(self.today)

    def overdue_until(self, acceptor: str) -> int:
        """The last day the acceptor is persistently overdue: its third-latest event's day + 180 (0: fewer than 3)."""
        days = self.overdue.get(acceptor, [])
        return days[-OVERDUE_EVENTS] + OVERDUE_WINDOW if len(days) >= OVERDUE_EVENTS else 0

    def persistently_overdue(self, acceptor: str) -> bool:
        """3 or more overdue events in the last 180 days (chain time)."""
        until = self.overdue_until(acceptor)
        return until != 0 and self.today <= until

    def _shut_out(self, bill: MBill) -> bool:
        """Whether no one may discount, pledge or guarantee a range of the bill: one its acceptor, persistently
        overdue, accepted. A bill still ISSUED it has not accepted (DOMAIN.md: "a range of a bill it accepted")."""
        return bill.status != "ISSUED" and self.persistently_overdue(bill.acceptor)

    # --- court orders (DOMAIN.md, "Court orders")
    def freeze_under_order(self, bill_id: int, caller: str, start: int | None, order: bytes | None) -> str | None:
        """A REGULATOR's judicial freeze of the bill or a range, naming the court's order (one order at a time; a
        plain freeze may become a judicial one)."""
        bill, err = self._bill_act(bill_id, caller, {"REGULATOR"})
        if bill is None:
            return err
        if not order:
            return "VALIDATION_ERROR"
        target: MBill | MRange | None = bill
        if start is not None:
            target = self.ranges.get(bill_id, {}).get(start)
            if target is None:
                return "VALIDATION_ERROR"
        if not self.active(caller):
            return "PARTICIPANT_FROZEN"
        assert target is not None
        if target.order is not None:
            return "INVALID_STATE"
        target.frozen, target.order = True, order
        return None

    def seize(self, bill_id: int, caller: str, start: int, to: str, order: bytes | None) -> str | None:
        """A REGULATOR asks that the range, HELD and frozen under the order, move to the order's beneficiary."""
        bill, err = self._bill_act(bill_id, caller, {"REGULATOR"})
        if bill is None:
            return err
        rng = self.ranges.get(bill_id, {}).get(start)
        if rng is None or not order:
            return "VALIDATION_ERROR"
        if self.role(to) not in HOLDER_ROLES or to == rng.holder:
            return "INVALID_COUNTERPARTY"
        if bill.frozen:
            return "FROZEN"
        if not (self.active(caller) and self.active(to)):
            return "PARTICIPANT_FROZEN"
        if rng.state != "HELD" or not rng.frozen or rng.order != order:
            return "INVALID_STATE"
        self.transfers[len(self.transfers) + 1] = MTransfer(
            bill_id, start, rng.end, "SEIZURE", caller, to, 0, rng.state, order=order
        )
        rng.state = "LOCKED"
        return None

    def _seizure_for_second_party(self, transfer_id: int, caller: str) -> tuple[MTransfer | None, str | None]:
        """A pending seizure for its second party: another REGULATOR, or the OPERATOR; never its requester."""
        t = self.transfers.get(transfer_id)
        if t is None:
            return None, "NOT_FOUND"
        regulator = self.role(caller) == "REGULATOR"
        if not regulator and caller != "operator":
            return None, "FORBIDDEN"
        if t.kind != "SEIZURE" or caller == t.frm:
            return None, "NOT_PARTY"
        if t.status != "PENDING":
            return None, "INVALID_STATE"
        if regulator and not self.active(caller):
            return None, "PARTICIPANT_FROZEN"
        return t, None

    def confirm_seizure(self, transfer_id: int, caller: str, to: str, order: bytes | None) -> str | None:
        t, err = self._seizure_for_second_party(transfer_id, caller)
        if t is None:
            return err
        if to != t.to or order != t.order:
            return "VALIDATION_ERROR"
        bill, rng = self.bills[t.bill], self.ranges[t.bill][t.start]
        if bill.frozen:
            return "FROZEN"
        if not rng.frozen or rng.order != t.order:
            return "INVALID_STATE"  # the freeze was lifted meanwhile
        if not self.active(t.to):
            return "PARTICIPANT_FROZEN"
        t.status = "SIGNED"
        rng.holder, rng.state, rng.frozen, rng.order = t.to, "HELD", False, None
        rng.links = (*rng.links, Link(t.to, "SEIZURE", False, transfer_id))
        return None

    def reject_seizure(self, transfer_id: int, caller: str) -> str | None:
        t, err = self._seizure_for_second_party(transfer_id, caller)
        if t is None:
            return err
        t.status = "REJECTED"
        self.ranges[t.bill][t.start].state = t.prior  # still frozen under its order: it merges with nothing
        return None
