"""Random operation sequences against the contracts and the reference model of DOMAIN.md.

Every step (every call inside a rule, not only a rule's last): the model predicts success or
a problem code, the chain must agree, and the ten invariants of DOMAIN.md are checked on
chain state: ranges, holders, cash (every actor's, and their sum against the total supply),
mint limits, settlement, documents, endorsement chains, a pledged range's proceeds reaching its
pledgee, recourse liability (the chain's answer for every party on every dishonoured or presented
range against the model's: guarantors, restrictive endorsers, seizures, a guarantor that paid),
guarantees of whole bills, acceptors' overdue events and their shut-out, and seizures by two parties.
Failures hypothesis finds are kept in its example database
(.hypothesis/), so a failure comes back on the next run instead of passing for a flake.

A check reads only what may have changed: a refused call mines no block (nothing changed); the cash of an
actor is read again when the step's transactions emitted a cash event naming it (every balance change emits
ERC-20's Transfer) or the model says its cash moved, the supply after a mint, a bank's limit and mints when one
was set or the model's changed; the documents the step's anchoring events name or whose anchoring the model
changed; the bill count after an issue; the bills the step touched, and of their ranges the endorsement chain
when the model's chain, guarantees or end changed or a transfer of the range was signed, the liability when what
it depends on changed; the transfers the step's events name or the model moved; the overdue records an event
names or the model changed. The rest is as the last check left it, and the model agrees.

Each example starts from a snapshot of one shared world: the members, a second REGULATOR, and some cash.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from typing import Any

import pytest
from eth_utils import keccak, to_checksum_address
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from chain.artifacts import load_artifact
from chain.backends.embedded import EmbeddedBackend
from chain.errors import ContractError
from chain.model import BillStatus, RangeState, Role, TransferStatus, day_number, shanghai_date
from tests.conftest import DAY, MEMBERS, WORLD_MINT_LIMIT, World, build_world, doc, key_for
from tests.contracts.reference import TERMINAL, Model

#: the world's members, and a second REGULATOR (a seizure's second party), admitted and approved by the first
SECOND_REGULATOR = "reg2"
ROLES = {**{name: role.name for name, role in MEMBERS}, SECOND_REGULATOR: "REGULATOR"}
NAMES = list(ROLES)
#: who may be liable on a range: recourse names a BANK or an ENTERPRISE
PARTIES = [name for name, role in ROLES.items() if role in ("BANK", "ENTERPRISE")]


def _topics(*events: str, contract: str = "BillRegistry") -> set[bytes]:
    """A contract's events' topics, by name, from its ABI."""
    abi = [e for e in load_artifact(contract).abi if e["type"] == "event" and e["name"] in events]
    return {keccak(text=f"{e['name']}({','.join(i['type'] for i in e['inputs'])})") for e in abi}


#: the bill registry's events that change what is anchored (the document first), those that change a transfer (its
#: id first), an acceptor's overdue event (its acceptor first), a bill's issue; the cash's limits (the bank first)
DOCUMENT_TOPICS = _topics("DocumentAnchored", "DocumentReleased")
TRANSFER_TOPICS = _topics("TransferRequested", "TransferSigned", "TransferRejected", "TransferRevoked")
SIGNED_TOPICS = _topics("TransferSigned")
OVERDUE_TOPICS = _topics("AcceptorOverdue")
ISSUE_TOPICS = _topics("BillIssued")
LIMIT_TOPICS = _topics("MintLimitSet", contract="DigitalCash")
ZERO_ADDRESS = "0x" + "0" * 40
#: the transfers no one signs on a bill a persistently overdue acceptor accepted (invariant 9)
GUARDED = ("DISCOUNT", "PLEDGE", "GUARANTEE")


@dataclass
class Emitted:
    """What a step's blocks emitted that the checks read (DOMAIN.md's invariants on what may have changed)."""

    cash: bool = False
    #: the accounts a cash Transfer names (the zero address for a mint), the banks whose mint limit was set
    accounts: set[str] = field(default_factory=set)
    limits: set[str] = field(default_factory=set)
    documents: set[bytes] = field(default_factory=set)
    transfers: set[int] = field(default_factory=set)
    #: of those, the transfers signed (what may move a range's endorsement chain)
    signed: set[int] = field(default_factory=set)
    overdue: set[str] = field(default_factory=set)
    issued: bool = False


DOCS = [doc(f"doc-{i}") for i in range(4)]
#: courts' orders (the SHA-256 of each), which REGULATORs execute
ORDERS = [doc("(2026)沪0101执1号"), doc("(2026)沪0101执2号")]
ENTERPRISES = ["core", "t1", "t2", "t3"]
#: what befalls a range before it is presented, dishonoured and claimed on (pass_on_and_claim)
HISTORIES = [
    ("endorse", "endorse"),
    ("guarantee", "endorse"),
    ("seize", "endorse"),
    ("endorse", "guarantee", "endorse"),
    ("endorse", "seize"),
    ("guarantee", "endorse", "endorse"),
    ("endorse", "endorse", "endorse"),
    ("guarantee", "seize"),
]
#: the cash every example starts with, minted by "bank" once, before the snapshot each example starts from
START_CASH = {"bank": 2_000, "bank2": 2_000, "core": 2_000, "t1": 2_000, "t2": 2_000}

actors = st.sampled_from(NAMES)
maybe_doc = st.none() | st.sampled_from(DOCS)


@cache
def shared_world() -> World:
    world = build_world(EmbeddedBackend())
    account = key_for(SECOND_REGULATOR)
    world.backend.fund(account.address)
    world.system.registry.register(world.operator, account.address, Role.REGULATOR)
    world.system.registry.approve(world["reg"], account.address)
    world.accounts[SECOND_REGULATOR] = account
    for who, fen in START_CASH.items():
        world.mint(who, fen)
    return world


class BillLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.world = shared_world()
        self.snapshot = self.world.backend.snapshot()
        self.model = Model(roles=dict(ROLES), balances=dict(START_CASH), minted=sum(START_CASH.values()))
        self.model.mint_limits = {name: WORLD_MINT_LIMIT for name, role in MEMBERS if role.name == "BANK"}
        self.model.minted_by = {"bank": self.model.minted}
        self.terminal: dict[int, str] = {}
        self.touched: set[int] = set()
        self.checked_block = -1
        self.documents = 0
        #: what the model held at the last check of cash and of documents (a change means: read the chain)
        self.cash_seen: Any = None
        self.anchors_seen: frozenset[bytes] = frozenset()
        #: how many bills the model had at the last check of the chain's count
        self.bills_seen = -1
        self.balances_seen: dict[str, int] = {}
        #: whether an acceptor was made persistently overdue in this example (overdue_acceptor: once an example)
        self.shut_out = False
        #: each transfer's status at the last check (the model's, which the chain's then was)
        self.transfers_seen: dict[int, str] = {}
        #: what each range's liability and each bill's guarantees depended on when last compared with the chain's
        self.liability_seen: dict[tuple[int, int], Any] = {}
        #: each range's end, chain and guarantees when its endorsement chain was last read
        self.chains_seen: dict[tuple[int, int], Any] = {}
        self.guarantors_seen: dict[int, dict[str, int]] = {}
        self.overdue_seen: dict[str, list[int]] = {}

    def teardown(self) -> None:
        self.world.backend.revert(self.snapshot)

    # --- plumbing
    def pending_day(self) -> int:
        backend = self.world.backend
        assert isinstance(backend, EmbeddedBackend)
        return day_number(shanghai_date(int(backend.tester.get_block_by_number("pending")["timestamp"])))

    def act(
        self,
        op: str,
        bill_id: int | None,
        predict: Callable[[Model], str | None],
        call: Callable[[], Any],
        guarded: str | None = None,
    ) -> bool:
        """One call, on the model and on chain: they must agree. True when it succeeded. `guarded`: an acceptor
        that must not be persistently overdue when the call succeeds (an acceptance, a discount, pledge or
        guarantee of a bill it accepted: invariant 9), read on chain."""
        self.model.today = self.pending_day()
        trial = self.model.clone()
        expected = predict(trial)
        proceeds = trial.pledge_proceeds[len(self.model.pledge_proceeds) :]
        pledgees = {who for who, _ in proceeds}
        before = {who: self.world.cash.balance_of(self.a(who)) for who in pledgees}
        try:
            call()
            outcome = None
        except ContractError as exc:
            outcome = exc.code
        assert outcome == expected, f"chain said {outcome}, model said {expected}"
        event(f"{op} -> {outcome or 'ok'}")
        if expected is None:
            # 7. a pledged range's proceeds reach its pledgee (its balance on chain moved as the model says)
            for who in pledgees:
                moved = self.world.cash.balance_of(self.a(who)) - before[who]
                assert moved == trial.balances.get(who, 0) - self.model.balances.get(who, 0), f"{op}: {who}"
                assert moved >= sum(amount for w, amount in proceeds if w == who) > 0
            self.model = trial
            if guarded is not None:
                # 9. a persistently overdue acceptor accepts nothing, and nothing it accepted is discounted,
                #    pledged or guaranteed: its record on chain, on the day of the call
                record = self.world.bills.overdue_of(self.a(guarded))
                assert not (record.overdue_until and self.model.today <= record.overdue_until), f"{op}: {record}"
        if bill_id is not None:
            self.touched.add(bill_id)
        self.chain_matches_model()  # after every call, not only at a rule's end
        return expected is None

    def bill_ids(self, data: st.DataObject) -> int:
        if self.model.bills and self.likely(data, "existing bill"):
            return data.draw(st.sampled_from(sorted(self.model.bills, reverse=True)), label="bill")
        return len(self.model.bills) + 1

    @staticmethod
    def likely(data: st.DataObject, label: str, sure: bool = False) -> bool:
        """True four times in five: sequences mostly go on, sometimes stray (`sure`: always true, nothing drawn)."""
        return sure or data.draw(st.integers(0, 4), label=label) < 4  # 0, the value hypothesis favours, means yes

    def range_start(self, data: st.DataObject, bill_id: int) -> int:
        starts = sorted(self.model.ranges.get(bill_id, {})) or [1]
        if not self.likely(data, "existing range"):
            return starts[-1] + 1
        return data.draw(st.sampled_from(starts), label="start")

    def held_ranges(self) -> list[tuple[int, int]]:
        """The HELD ranges of circulating bills (what moves, is guaranteed or seized), unfrozen."""
        return [
            (b, start)
            for b, ranges in sorted(self.model.ranges.items())
            if self.model.bills[b].status == "CIRCULATING"
            for start, r in sorted(ranges.items())
            if r.state == "HELD" and not r.frozen
        ]

    def some_range(self, data: st.DataObject) -> tuple[int, int]:
        """Mostly a HELD range of a circulating bill, else any."""
        held = self.held_ranges()
        if held and self.likely(data, "a held range"):
            return data.draw(st.sampled_from(held), label="held range")
        bill_id = self.live_bill(data)
        return bill_id, self.range_start(data, bill_id)

    def live_bill(self, data: st.DataObject) -> int:
        live = [b for b, bill in self.model.bills.items() if bill.status == "CIRCULATING" and b in self.model.ranges]
        pool = live if live and self.likely(data, "live bill") else sorted(self.model.ranges)
        return data.draw(st.sampled_from(pool), label="bill")

    def a(self, name: str) -> str:
        return self.world.addr(name)

    # --- rules
    @initialize(amount=st.integers(1, 5_000), to=st.sampled_from(["t3", "t2", "bank2"]), limit=st.integers(0, 100_000))
    def mint_some(self, amount: int, to: str, limit: int) -> None:
        """bank2's mint limit, and some cash more (START_CASH was minted in the shared world)."""
        self.set_mint_limit("reg", "bank2", limit)
        self.act("mint", None, lambda m: m.mint("bank", to, amount), lambda: self.world.mint(to, amount))

    @rule(
        drawer=st.sampled_from(["core", "t1", "t2", "bank"]),
        kind=st.integers(1, 3),
        acceptor=actors,
        payee=st.sampled_from(ENTERPRISES),
        amount=st.integers(1, 60),
        days=st.sampled_from([0, 1, 5, 20, 184, 185]),
        transferable=st.booleans() | st.just(True),
        document=maybe_doc,
    )
    def issue(
        self,
        drawer: str,
        kind: int,
        acceptor: str,
        payee: str,
        amount: int,
        days: int,
        transferable: bool,
        document: bytes | None,
    ) -> None:
        maturity = self.pending_day() + days
        self.act(
            "issue",
            None,
            lambda m: m.issue(drawer, kind, acceptor, payee, amount, maturity, transferable, document),
            lambda: self.world.bills.issue(
                self.world[drawer],
                kind=kind,
                acceptor=self.a(acceptor),
                payee=self.a(payee),
                amount=amount,
                maturity_day=maturity,
                transferable=transferable,
                document_hash=document,
            ),
            guarded=acceptor if acceptor == drawer else None,
        )

    @rule(
        data=st.data(),
        drawer=st.sampled_from(ENTERPRISES),
        kind=st.integers(1, 3),
        acceptor=st.sampled_from(["bank", "bank2", "core", "t1"]),
        payee=st.sampled_from(ENTERPRISES),
        amount=st.integers(1, 60),
        days=st.sampled_from([1, 5, 20, 60]),
    )
    def circulating_bill(
        self, data: st.DataObject, drawer: str, kind: int, acceptor: str, payee: str, amount: int, days: int
    ) -> None:
        """A valid bill brought into circulation, so that sequences reach the later lifecycle."""
        for who in sorted(self.model.frozen):  # as the one who may: a regulator's freeze by the regulator
            decides = who in self.model.frozen_by_regulator or self.model.role(who) == "REGULATOR"
            self._freeze_participant(who, False, "reg" if decides else "operator")
        if kind == 1 and acceptor not in ("bank", "bank2"):
            acceptor = "bank"
        if kind == 2 and acceptor in ("bank", "bank2"):
            acceptor = drawer
        payee = payee if payee != drawer else next(e for e in ENTERPRISES if e != drawer)
        self.documents += 1
        document = doc(f"trade-{self.documents}") if kind == 3 else None
        before = len(self.model.bills)
        self.issue(drawer, kind, acceptor, payee, amount, days, True, document)
        bill_id = len(self.model.bills)
        if bill_id == before:
            return
        for op, who in (("accept", acceptor), ("receive", payee)):
            if self.model.bills[bill_id].status != "CIRCULATING":
                self.bill_step(data, op, who, bill_id)

    @rule(data=st.data(), op=st.sampled_from(["accept", "reject", "receive", "cancel"]), caller=actors)
    def random_bill_step(self, data: st.DataObject, op: str, caller: str) -> None:
        bill_id = self.bill_ids(data)
        bill = self.model.bills.get(bill_id)
        if bill and self.likely(data, "as party"):
            caller = {
                "accept": bill.acceptor,
                "reject": bill.acceptor if bill.status == "ISSUED" else bill.payee,
                "receive": bill.payee,
                "cancel": bill.drawer,
            }[op]
        self.bill_step(data, op, caller, bill_id)

    def bill_step(self, data: st.DataObject, op: str, caller: str, bill_id: int) -> None:
        bill = self.model.bills.get(bill_id)
        self.act(
            op,
            bill_id,
            lambda m: getattr(m, op)(bill_id, caller),
            lambda: getattr(self.world.bills, op)(self.world[caller], bill_id),
            guarded=bill.acceptor if bill and op == "accept" else None,
        )

    @precondition(lambda self: self.model.ranges)
    @rule(
        data=st.data(),
        kind=st.sampled_from(["ENDORSE", "DISCOUNT", "PLEDGE"]),
        to=actors,
        rate=st.sampled_from([0, 18_500, 999_999, 1_000_000]),
        adjust=st.integers(0, 4),
        document=maybe_doc,
    )
    def request(
        self,
        data: st.DataObject,
        kind: str,
        to: str,
        rate: int,
        adjust: int,
        document: bytes | None,
        at: tuple[int, int] | None = None,
    ) -> None:
        """Endorse (restrictively, now and then), discount or pledge a range (the one `at` names, if any)."""
        bill_id, start = at or self.some_range(data)
        rng = self.model.ranges[bill_id].get(start)
        sure = at is not None  # a history's step: as it fits (an endorsee that may endorse on)
        caller = rng.holder if rng and self.likely(data, "as holder", sure) else data.draw(actors)
        if self.likely(data, "fitting counterparty", sure):
            fitting = ["bank", "bank2"] if kind != "ENDORSE" else ["t1", "t2", "t3", "core" if sure else "bank2"]
            to = data.draw(st.sampled_from([n for n in fitting if n != caller]), label="to")
        size = rng.end - start + 1 if rng else 1
        amount = (
            data.draw(st.integers(1, size), label="amount")
            if self.likely(data, "fitting amount", sure)
            else (data.draw(st.sampled_from([0, size + 1]), label="bad amount"))
        )
        bills, signer = self.world.bills, self.world[caller]
        restrictive = kind == "ENDORSE" and data.draw(st.booleans(), label="restrictive")
        if kind == "ENDORSE":
            call = lambda: bills.endorse(signer, bill_id, start, amount, self.a(to), document, restrictive)  # noqa: E731
        elif kind == "DISCOUNT":
            call = lambda: bills.discount(signer, bill_id, start, amount, self.a(to), rate, adjust, document)  # noqa: E731
        else:
            document = None
            call = lambda: bills.pledge(signer, bill_id, start, amount, self.a(to))  # noqa: E731
        self.act(
            kind.lower(),
            bill_id,
            lambda m: m.request(kind, bill_id, caller, start, amount, to, rate, adjust, document, restrictive),
            call,
            guarded=self.model.bills[bill_id].acceptor if kind != "ENDORSE" else None,
        )

    @precondition(lambda self: self.model.ranges)
    @rule(data=st.data(), kind=st.sampled_from(["ENDORSE", "DISCOUNT", "PLEDGE"]))
    def request_and_sign(self, data: st.DataObject, kind: str) -> None:
        """A fitting request its counterparty signs at once: ranges move, split and gather chains; an endorsee
        now and then endorses its part onward at once (a restrictive endorser's endorsee's endorsee, and the like)."""
        at = None
        for _ in range(3 if kind == "ENDORSE" else 1):
            before = len(self.model.transfers)
            self.request(data, kind, "t2", 18_500, 0, None, at)
            if len(self.model.transfers) == before:
                return
            transfer_id = len(self.model.transfers)
            t = self.model.transfers[transfer_id]
            if not self.sign(transfer_id, t.to) or data.draw(st.integers(0, 1), label="onward") == 0:
                return
            at = (t.bill, t.start)

    def sign(self, transfer_id: int, caller: str) -> bool:
        """The generic signature of a transfer (a seizure's is nobody's). A RECOURSE signed: its payer was
        liable on the range as it stood (invariant 8, by the model: a guarantor only where its party is
        liable, a restrictive endorser only to its endorsee)."""
        t = self.model.transfers.get(transfer_id)
        bill = self.model.bills[t.bill] if t else None
        rng = self.model.ranges.get(t.bill, {}).get(t.start) if t else None
        why = None
        if t and bill and rng and t.kind == "RECOURSE" and t.status == "PENDING":
            direct, liable = self.model.directly_liable(bill, rng), self.model.liable_set(bill, rng)
            guaranteed = self.model.guaranteed_by(bill, rng, caller) & (direct - {rng.holder})
            why = (caller in liable, caller in direct or bool(guaranteed), rng.holder, rng.links, rng.paid_for)
        signed = self.act(
            "sign",
            t.bill if t else None,
            lambda m: m.sign(transfer_id, caller),
            lambda: self.world.bills.sign(self.world[caller], transfer_id),
            guarded=bill.acceptor if bill and t and t.kind in GUARDED and bill.status != "ISSUED" else None,
        )
        if signed and why is not None:
            assert why[0] and why[1], f"{caller} paid recourse on {t}: {why}"
        return signed

    @precondition(lambda self: self.model.transfers)
    @rule(
        data=st.data(),
        op=st.sampled_from(["sign", "reject_transfer", "revoke", "confirm_seizure", "reject_seizure"]),
    )
    def transfer_step(self, data: st.DataObject, op: str) -> None:
        pending = [i for i, t in self.model.transfers.items() if t.status == "PENDING"]
        pool = pending if pending and self.likely(data, "pending transfer") else sorted(self.model.transfers)
        transfer_id = data.draw(st.sampled_from(pool), label="transfer")
        t = self.model.transfers[transfer_id]
        second = [n for n in ("reg2", "operator", "reg") if n != t.frm]
        party = {"revoke": self.model.initiator(t), "sign": t.to, "reject_transfer": t.to}.get(op) or second[0]
        caller = party if self.likely(data, "as party") else data.draw(st.sampled_from([*NAMES, "operator"]))
        if op == "sign":
            self.sign(transfer_id, caller)
            return
        if op in ("confirm_seizure", "reject_seizure"):
            self.second_party(transfer_id, caller, op, t.to, t.order or ORDERS[0])
            return
        as_counterparty = op == "reject_transfer"
        self.act(
            op,
            t.bill,
            lambda m: m.unwind(transfer_id, caller, as_counterparty),
            lambda: getattr(self.world.bills, op)(self.world[caller], transfer_id),
        )

    def second_party(self, transfer_id: int, caller: str, op: str, to: str, order: bytes) -> None:
        """A seizure's second party confirms or rejects it: confirmed, its requester was another party
        (invariant 10: no single party seizes a range), on chain."""
        t = self.model.transfers[transfer_id]
        if op == "reject_seizure":
            self.act(
                op,
                t.bill,
                lambda m: m.reject_seizure(transfer_id, caller),
                lambda: self.world.bills.reject_seizure(self.world[caller], transfer_id),
            )
            return
        confirmed = self.act(
            op,
            t.bill,
            lambda m: m.confirm_seizure(transfer_id, caller, to, order),
            lambda: self.world.bills.confirm_seizure(self.world[caller], transfer_id, self.a(to), order),
        )
        if confirmed:
            record = self.world.bills.transfer(transfer_id)
            assert record.kind.name == "SEIZURE" and record.from_ not in (self.a(caller), self.a(to)), record
            assert ROLES.get(next(n for n in NAMES if self.a(n) == record.from_)) == "REGULATOR", record

    @precondition(lambda self: self.model.ranges)
    @rule(data=st.data(), op=st.sampled_from(["present", "pay", "dishonor", "release"]), whole_bill=st.booleans())
    def maturity_step(self, data: st.DataObject, op: str, whole_bill: bool) -> None:
        bill_id = self.live_bill(data)
        start = None if whole_bill and op != "release" else self.range_start(data, bill_id)
        bill = self.model.bills[bill_id]
        rng = self.model.ranges[bill_id].get(start) if start else None
        some = rng or data.draw(st.sampled_from(list(self.model.ranges[bill_id].values())), label="some range")
        likely = {
            "pay": bill.acceptor,
            "dishonor": bill.acceptor,
            "release": rng.pledgee if rng else None,
            "present": some.pledgee or some.holder,
        }[op]
        caller = likely if likely and self.likely(data, "as party") else data.draw(actors)
        signer, bills = self.world[caller], self.world.bills
        if op == "present":
            self.act(
                op, bill_id, lambda m: m.present(bill_id, caller, start), lambda: bills.present(signer, bill_id, start)
            )
        elif op == "release":
            assert start is not None
            self.act(
                op, bill_id, lambda m: m.release(bill_id, caller, start), lambda: bills.release(signer, bill_id, start)
            )
        elif op == "pay":
            self.act(
                op,
                bill_id,
                lambda m: m.pay_or_dishonor(bill_id, caller, start, True),
                lambda: bills.pay(signer, bill_id, start),
            )
        else:
            reason = data.draw(st.sampled_from(["insufficient funds", ""]), label="reason")
            self.act(
                op,
                bill_id,
                lambda m: m.pay_or_dishonor(bill_id, caller, start, False, reason),
                lambda: bills.dishonor(signer, bill_id, reason, start),
            )

    @precondition(lambda self: self.model.ranges)
    @rule(data=st.data(), answer=st.sampled_from(["pay", "dishonor"]))
    def present_and_answer(self, data: st.DataObject, answer: str) -> None:
        """Holders present a matured bill and the acceptor pays or dishonours it."""
        self.maturity_step(data, "present", True)
        self.maturity_step(data, answer, self.likely(data, "whole bill"))

    def dishonored(self) -> list[tuple[int, int]]:
        return [
            (b, start)
            for b, ranges in self.model.ranges.items()
            for start, r in ranges.items()
            if r.state == "DISHONORED" and not r.frozen
        ]

    @precondition(lambda self: self.dishonored())
    @rule(data=st.data())
    def claim(self, data: st.DataObject) -> None:
        """The holder of a dishonoured range claims from a liable party, who pays: recourse runs down the chain."""
        self.claim_on(data, *data.draw(st.sampled_from(self.dishonored()), label="dishonoured range"))

    def claim_on(self, data: st.DataObject, bill_id: int, start: int) -> None:
        """A claim on the range, from one of its parties (half the time a guarantor, when it has one: one that pays
        claims as its party would, invariant 8), who pays."""
        rng, bill = self.model.ranges[bill_id][start], self.model.bills[bill_id]
        guarantors = sorted({g.guarantor for g in rng.guarantees} | set(bill.guarantors))
        a_guarantor = bool(guarantors) and data.draw(st.booleans(), label="a guarantor")
        against = data.draw(st.sampled_from(guarantors if a_guarantor else self.targets(bill_id, rng)), label="against")
        claimant = Model.claimant(rng)  # its pledgee while pledged (DOMAIN.md)
        before = len(self.model.transfers)
        self.act(
            "recourse",
            bill_id,
            lambda m: m.recourse(bill_id, claimant, start, against),
            lambda: self.world.bills.recourse(self.world[claimant], bill_id, start, self.a(against)),
        )
        if len(self.model.transfers) > before:
            transfer_id = len(self.model.transfers)
            if self.model.balances.get(against, 0) < self.model.transfers[transfer_id].price:
                if self.model.minted_by.get("bank", 0) + 100_000 > self.model.mint_limits.get("bank", 0):
                    self.set_mint_limit("reg", "bank", self.model.minted_by.get("bank", 0) + 100_000)
                self.act(
                    "mint",
                    None,
                    lambda m: m.mint("bank", against, 100_000),
                    lambda: self.world.cash.mint(self.world["bank"], self.a(against), 100_000),
                )
            self.sign(transfer_id, against)

    def targets(self, bill_id: int, rng: Any) -> list[str]:
        """Whom a recourse claim on the range may name: drawer, acceptor, the chain's members, the guarantors of
        the range and of the whole bill (liable or not: the model and the chain say)."""
        bill = self.model.bills[bill_id]
        guarantors = [g.guarantor for g in rng.guarantees] if rng else []
        return [bill.drawer, bill.acceptor, *(rng.chain if rng else ()), *guarantors, *sorted(bill.guarantors)]

    @precondition(lambda self: self.held_ranges())
    @rule(data=st.data(), plan=st.sampled_from(HISTORIES), late=st.integers(0, 5))
    def pass_on_and_claim(self, data: st.DataObject, plan: tuple[str, ...], late: int) -> None:
        """A range passes on as the plan says (endorsed, restrictively half the time; its holder guaranteed; seized
        under a court's order), then its holder presents it at maturity (now and then late), the acceptor
        dishonours it, and recourse runs down its chain: the histories whose liability invariant 8 compares, in
        one rule (drawn apart, the other rules rarely line them up). Mostly a range of a bill not yet mature (of a
        new bill, when every bill has matured: a matured range is endorsed no more, and presented late it tells
        only of drawers and acceptors)."""
        held = self.held_ranges()
        if self.likely(data, "not yet mature"):
            today = self.pending_day()
            held = [(b, start) for b, start in held if self.model.bills[b].maturity_day > today]
            if not held:
                kind, acceptor = data.draw(st.sampled_from([(1, "bank2"), (2, "t1"), (3, "bank"), (2, "core")]))
                self.circulating_bill(data, "core", kind, acceptor, "t2", data.draw(st.integers(1, 60)), 20)
                held = [(b, start) for b, start in self.held_ranges() if self.model.bills[b].maturity_day > today]
                if not held:
                    return
        bill_id, start = data.draw(st.sampled_from(held), label="held range")
        for step in plan:
            rng = self.model.ranges[bill_id].get(start)
            if rng is None or rng.state != "HELD" or rng.frozen:
                return
            if step == "endorse":
                before = len(self.model.transfers)
                self.request(data, "ENDORSE", "t2", 0, 0, None, (bill_id, start))
                if len(self.model.transfers) > before:
                    self.sign(len(self.model.transfers), self.model.transfers[len(self.model.transfers)].to)
            elif step == "guarantee":
                self.guarantee(data, False, "bank2", (bill_id, start))
            else:
                self.court_order(data, ORDERS[0], "t3", (bill_id, start))
        bill, rng = self.model.bills[bill_id], self.model.ranges[bill_id].get(start)
        if bill.status != "CIRCULATING" or rng is None or rng.state != "HELD" or rng.frozen:
            return
        days = bill.maturity_day - self.pending_day() + (10 if late == 5 else 0)
        if days > 0:
            self.world.backend.advance_time(days * DAY)
        holder, acceptor, bills = rng.holder, bill.acceptor, self.world.bills
        self.act(
            "present",
            bill_id,
            lambda m: m.present(bill_id, holder, start),
            lambda: bills.present(self.world[holder], bill_id, start),
        )
        self.act(
            "dishonor",
            bill_id,
            lambda m: m.pay_or_dishonor(bill_id, acceptor, start, False, "no funds"),
            lambda: bills.dishonor(self.world[acceptor], bill_id, "no funds", start),
        )
        for _ in range(2):  # the payer claims on, now and then
            if self.model.ranges[bill_id][start].state != "DISHONORED":
                return
            self.claim_on(data, bill_id, start)
            if data.draw(st.booleans(), label="claims on"):
                return

    @precondition(lambda self: self.model.ranges)
    @rule(data=st.data(), against=actors)
    def recourse(self, data: st.DataObject, against: str) -> None:
        bill_id = self.live_bill(data)
        start = self.range_start(data, bill_id)
        rng = self.model.ranges[bill_id].get(start)
        caller = Model.claimant(rng) if rng and self.likely(data, "as claimant") else data.draw(actors)
        if self.likely(data, "liable target"):
            against = data.draw(st.sampled_from(self.targets(bill_id, rng)), label="a")
        self.act(
            "recourse",
            bill_id,
            lambda m: m.recourse(bill_id, caller, start, against),
            lambda: self.world.bills.recourse(self.world[caller], bill_id, start, self.a(against)),
        )

    @rule(
        data=st.data(), frozen=st.booleans(), caller=st.sampled_from(["reg", "reg", "bank"]), whole_bill=st.booleans()
    )
    def freeze(self, data: st.DataObject, frozen: bool, caller: str, whole_bill: bool) -> None:
        if data.draw(st.integers(0, 2), label="participant") == 2:
            who = data.draw(st.sampled_from(["t1", "t2", "bank", "reg"]), label="who")
            by = data.draw(st.sampled_from(["operator", "reg", "bank"]), label="by")
            self._freeze_participant(who, frozen, by)
            return
        bill_id = self.bill_ids(data)
        start = None if whole_bill else self.range_start(data, bill_id)
        call = self.world.bills.freeze if frozen else self.world.bills.unfreeze
        self.act(
            "freeze" if frozen else "unfreeze",
            bill_id,
            lambda m: m.freeze(bill_id, caller, start, frozen),
            lambda: call(self.world[caller], bill_id, start),
        )

    def _freeze_participant(self, who: str, frozen: bool, by: str = "operator") -> None:
        registry = self.world.system.registry
        call = registry.freeze if frozen else registry.unfreeze
        self.act(
            "freeze_participant",
            None,
            lambda m: m.freeze_participant(who, frozen, by),
            lambda: call(self.world[by], self.a(who)),
        )

    @rule(regulator=st.sampled_from(["reg", "reg", "bank", "operator"]), bank=actors, limit=st.integers(0, 200_000))
    def set_mint_limit(self, regulator: str, bank: str, limit: int) -> None:
        self.act(
            "set_mint_limit",
            None,
            lambda m: m.set_mint_limit(regulator, bank, limit),
            lambda: self.world.cash.set_mint_limit(self.world[regulator], self.a(bank), limit),
        )

    @rule(bank=actors, to=actors, amount=st.integers(0, 3_000))
    def mint(self, bank: str, to: str, amount: int) -> None:
        self.act(
            "mint",
            None,
            lambda m: m.mint(bank, to, amount),
            lambda: self.world.cash.mint(self.world[bank], self.a(to), amount),
        )

    @rule(data=st.data(), days=st.sampled_from([0, 1, 3, 9, 10, 30, 181]))
    def advance(self, data: st.DataObject, days: int) -> None:
        """Move chain time, mostly to a live bill's maturity date (plus `days`)."""
        live = [b.maturity_day for b in self.model.bills.values() if b.status == "CIRCULATING"]
        today = self.pending_day()
        if live and self.likely(data, "to a maturity"):
            days += max(data.draw(st.sampled_from(sorted(live)), label="maturity") - today, 0)
        self.world.backend.advance_time(max(days, 1) * DAY)

    @precondition(lambda self: self.model.bills)
    @rule(data=st.data(), whole_bill=st.booleans(), guarantor=actors)
    def guarantee(
        self, data: st.DataObject, whole_bill: bool, guarantor: str, at: tuple[int, int] | None = None
    ) -> None:
        """The drawer or the acceptor asks a guarantor to guarantee it on the whole bill, or a holder on a part
        of its range (the one `at` names, if any); the guarantor mostly signs at once (always, on `at`)."""
        start = amount = 0
        if not at and (whole_bill or not self.model.ranges):
            bill_id = self.bill_ids(data)
            bill = self.model.bills.get(bill_id)
            parties = [bill.drawer, bill.acceptor] if bill and self.likely(data, "as party") else []
            caller = data.draw(st.sampled_from(parties), label="party") if parties else None
        else:
            bill_id, start = at or self.some_range(data)
            rng = self.model.ranges[bill_id].get(start)
            caller = rng.holder if rng and self.likely(data, "as holder", bool(at)) else None
            size = rng.end - start + 1 if rng else 1
            fits = self.likely(data, "fitting amount", bool(at))
            amount = data.draw(st.integers(1, size), label="amount") if fits else 0
        caller = caller or data.draw(actors, label="caller")
        if self.likely(data, "fitting guarantor", bool(at)):
            fitting = [n for n in ("bank2", "bank", "t3", "t2") if n != caller]
            guarantor = data.draw(st.sampled_from(fitting), label="guarantor")
        bill = self.model.bills.get(bill_id)
        acceptor = bill.acceptor if bill and bill.status != "ISSUED" else None  # invariant 9: a bill it accepted
        before = len(self.model.transfers)
        self.act(
            "guarantee",
            bill_id,
            lambda m: m.guarantee(bill_id, caller, start, amount, guarantor),
            lambda: self.world.bills.guarantee(self.world[caller], bill_id, self.a(guarantor), start, amount),
            guarded=acceptor,
        )
        if len(self.model.transfers) > before and (at or self.likely(data, "signed")):
            self.sign(len(self.model.transfers), guarantor)

    @precondition(lambda self: self.model.ranges)
    @rule(data=st.data(), order=st.sampled_from(ORDERS), beneficiary=actors)
    def court_order(
        self, data: st.DataObject, order: bytes, beneficiary: str, at: tuple[int, int] | None = None
    ) -> None:
        """A REGULATOR freezes a range (the one `at` names, if any) under a court's order and asks for its seizure;
        a second party (another REGULATOR, the OPERATOR; now and then the requester itself, which must fail)
        confirms (always, on `at`), or it is rejected or revoked, or left pending."""
        bill_id, start = at or self.some_range(data)
        rng = self.model.ranges[bill_id].get(start)
        regulator = "reg"
        if not self.likely(data, "a regulator", bool(at)):
            regulator = data.draw(st.sampled_from(["reg2", "bank", "operator"]), label="regulator")
        if not (rng and rng.order == order) and self.likely(data, "frozen first", bool(at)):
            whole_bill = not at and data.draw(st.integers(0, 5), label="whole bill") == 5
            self.act(
                "freeze_under_order",
                bill_id,
                lambda m: m.freeze_under_order(bill_id, regulator, None if whole_bill else start, order),
                lambda: self.world.bills.freeze_under_order(
                    self.world[regulator], bill_id, order, None if whole_bill else start
                ),
            )
        if self.likely(data, "fitting beneficiary", bool(at)):
            fitting = [n for n in ("t3", "core" if at else "bank2", "t1", "t2") if not rng or n != rng.holder]
            beneficiary = data.draw(st.sampled_from(fitting), label="beneficiary")
        before = len(self.model.transfers)
        self.act(
            "seize",
            bill_id,
            lambda m: m.seize(bill_id, regulator, start, beneficiary, order),
            lambda: self.world.bills.seize(self.world[regulator], bill_id, start, self.a(beneficiary), order),
        )
        if len(self.model.transfers) == before:
            return
        transfer_id = len(self.model.transfers)
        answer = (
            "confirm"
            if at
            else data.draw(st.sampled_from(["confirm", "confirm", "alone", "reject", "revoke", "pending"]))
        )
        second = data.draw(st.sampled_from([n for n in ("reg2", "operator", "reg") if n != regulator]))
        if answer in ("confirm", "alone"):
            confirmer = regulator if answer == "alone" else second  # alone: invariant 10 says it fails
            self.second_party(transfer_id, confirmer, "confirm_seizure", beneficiary, order)
        elif answer == "reject":
            self.second_party(transfer_id, second, "reject_seizure", beneficiary, order)
        elif answer == "revoke":
            self.act(
                "revoke",
                bill_id,
                lambda m: m.unwind(transfer_id, regulator, False),
                lambda: self.world.bills.revoke(self.world[regulator], transfer_id),
            )

    @precondition(lambda self: not self.shut_out)
    @rule(data=st.data(), acceptor=st.sampled_from(["bank2", "core", "t1"]))
    def overdue_acceptor(self, data: st.DataObject, acceptor: str) -> None:
        """An acceptor dishonours three bills on three days: persistently overdue for 180 days, it accepts
        nothing, and no bill it accepted is discounted, pledged or guaranteed (invariant 9; the other rules find
        it shut out). At most once an example, in about one in three: it costs twelve to fifteen calls (an
        ENTERPRISE draws on itself: its bills are accepted at issue)."""
        self.shut_out = True
        if data.draw(st.integers(0, 2), label="shut out an acceptor") != 2:
            return
        kind, drawer = (1, "core") if acceptor == "bank2" else (2, acceptor)
        for _ in range(3):
            before = len(self.model.bills)
            self.circulating_bill(data, drawer, kind, acceptor, "t2", 10, 1)
            bill_id = len(self.model.bills)
            if bill_id == before or self.model.bills[bill_id].status != "CIRCULATING":
                return
            self.world.backend.advance_time(DAY)
            self.present_and_dishonor(bill_id, "t2", acceptor)

    def present_and_dishonor(self, bill_id: int, holder: str, acceptor: str) -> None:
        self.act(
            "present",
            bill_id,
            lambda m: m.present(bill_id, holder, None),
            lambda: self.world.bills.present(self.world[holder], bill_id),
        )
        self.act(
            "dishonor",
            bill_id,
            lambda m: m.pay_or_dishonor(bill_id, acceptor, None, False, "overdue"),
            lambda: self.world.bills.dishonor(self.world[acceptor], bill_id, "overdue"),
        )

    # --- the ten invariants of DOMAIN.md, on chain state
    def _emitted(self, first: int, last: int) -> Emitted:
        """What blocks first..last emitted that the checks read: the accounts whose cash a cash event names and the
        banks whose mint limit was set, the documents anchored or released, the transfers a bill event names, the
        acceptors of overdue events, and whether a bill was issued."""
        cash_address, bills_address = self.world.cash.address, self.world.bills.address
        found = Emitted()
        for number in range(first, last + 1):
            for receipt in self.world.backend.block_receipts(number):
                for log in receipt["logs"]:
                    topics = [bytes(t) for t in log["topics"]]
                    if log["address"] == cash_address and topics:
                        found.cash = True  # every balance change emits Transfer (a mint, from the zero address)
                        named = {to_checksum_address(t[12:]) for t in topics[1:]}
                        (found.limits if topics[0] in LIMIT_TOPICS else found.accounts).update(named)
                    elif log["address"] == bills_address and topics:
                        if topics[0] in DOCUMENT_TOPICS:
                            found.documents.add(topics[1])
                        elif topics[0] in TRANSFER_TOPICS:
                            found.transfers.add(int.from_bytes(topics[1], "big"))
                            if topics[0] in SIGNED_TOPICS:
                                found.signed.add(int.from_bytes(topics[1], "big"))
                        elif topics[0] in OVERDUE_TOPICS:
                            found.overdue.add(to_checksum_address(topics[1][12:]))
                        elif topics[0] in ISSUE_TOPICS:
                            found.issued = True
        return found

    @invariant()
    def chain_matches_model(self) -> None:
        # A refused call is a dry run only: no block, so no state changed since the last check.
        block = self.world.backend.block_number()
        if block == self.checked_block:
            return
        first_check = self.checked_block < 0
        emitted = self._emitted(self.checked_block + 1, block) if not first_check else Emitted()
        self.checked_block = block
        model = self.model
        model_cash = (dict(model.balances), model.minted, dict(model.mint_limits), dict(model.minted_by))
        if first_check or emitted.cash or model_cash != self.cash_seen:
            seen: tuple[Any, ...] = self.cash_seen or (None, None, {}, {})
            supply = first_check or ZERO_ADDRESS in emitted.accounts or model.minted != seen[1]
            # the limits of the banks a limit was set for, or whose limit or mints the model changed (a mint the
            # chain credited to another bank leaves the minter's short: it is read, and differs)
            limits = {
                bank
                for bank in ("bank", "bank2")
                if first_check
                or self.a(bank) in emitted.limits
                or (model.mint_limits.get(bank), model.minted_by.get(bank)) != (seen[2].get(bank), seen[3].get(bank))
            }
            self.cash_is_conserved(None if first_check else emitted.accounts, supply, limits)
            self.cash_seen = model_cash
        # 6. documents: those the step's events name, and those whose anchoring the model changed
        anchors = frozenset(model.anchored)
        if first_check or emitted.documents or anchors != self.anchors_seen:
            changed = None if first_check else emitted.documents | (anchors ^ self.anchors_seen)
            self.documents_anchor_once(changed)
            self.anchors_seen = anchors
        bills = self.world.bills
        if first_check or emitted.issued or len(model.bills) != self.bills_seen:
            assert bills.bill_count() == len(model.bills)
            self.bills_seen = len(model.bills)
        statuses = {i: t.status for i, t in model.transfers.items()}
        moved = {i for i, status in statuses.items() if self.transfers_seen.get(i) != status}
        named = moved | emitted.transfers  # the transfers the step's events name, or the model moved
        signed = emitted.signed | {i for i in moved if statuses[i] == "SIGNED"}
        moving = {(model.transfers[i].bill, model.transfers[i].start) for i in signed if i in model.transfers}
        for bill_id in sorted(self.touched):
            mbill, bill = self.model.bills.get(bill_id), None
            if mbill is None:
                continue
            bill = bills.bill(bill_id)
            assert bill.status.name == mbill.status and bill.frozen == mbill.frozen and bill.paid_amount == mbill.paid
            assert bill.order_hash == mbill.order
            ranges = bills.ranges(bill_id)
            if bill.status in (BillStatus.CIRCULATING, BillStatus.SETTLED):
                # 1. ranges are disjoint and cover 1..amount
                assert ranges[0].start == 1 and ranges[-1].end == bill.amount
                assert all(a.end + 1 == b.start for a, b in pairwise(ranges))
            else:
                assert ranges == []
            for r in ranges:
                m = self.model.ranges[bill_id][r.start]
                # the range's endorsement chain, payee first, as the model built it: read again when the model's
                # chain, guarantees or end changed, or a transfer of the range was signed
                chain_key = (m.end, m.links, m.guarantees)
                if (bill_id, r.start) in moving or self.chains_seen.get((bill_id, r.start)) != chain_key:
                    assert bills.endorsement_chain(bill_id, r.start) == [self.a(n) for n in m.chain]
                    self.chains_seen[(bill_id, r.start)] = chain_key
                # 2. exactly one holder, the model's
                assert (r.end, r.holder, r.state.name, r.frozen, r.late) == (
                    m.end,
                    self.a(m.holder),
                    m.state,
                    m.frozen,
                    m.late,
                )
                assert r.pledgee == (self.a(m.pledgee) if m.pledgee else None)
                assert r.order_hash == m.order  # a judicial freeze names its order
            self.liability_matches(bill_id)
            # 5. SETTLED exactly when every range is PAID; terminal states never change
            assert (bill.status is BillStatus.SETTLED) == (
                bool(ranges) and all(r.state is RangeState.PAID for r in ranges)
            )
            if bill_id in self.terminal:
                assert bill.status.name == self.terminal[bill_id]
            elif bill.status.name in TERMINAL:
                self.terminal[bill_id] = bill.status.name
        # 2. at most one pending transfer per range, and its range is LOCKED (a guarantee of the whole bill, start 0,
        #    locks none: its drawer and acceptor may have one pending with each guarantor)
        pending = [(t.bill, t.start) for t in self.model.transfers.values() if t.status == "PENDING" and t.start]
        assert len(pending) == len(set(pending))
        for transfer_id in sorted(named):
            record, t = bills.transfer(transfer_id), self.model.transfers[transfer_id]
            assert record.status is TransferStatus[statuses[transfer_id]]
            assert (record.kind.name, record.to, record.start) == (t.kind, self.a(t.to), t.start)
            assert (record.restrictive, record.order_hash) == (t.restrictive, t.order)
            initiator = self.model.initiator(t)
            if t.status == "PENDING" and initiator is not None:
                assert record.from_ == self.a(initiator)
            if t.kind == "GUARANTEE" and t.start == 0:
                self.guarantees_match(t.bill)
        self.transfers_seen = statuses
        self.overdue_matches(emitted.overdue)
        self.touched.clear()

    def liability_matches(self, bill_id: int) -> None:
        """8. Recourse liability: on every range DISHONORED or PRESENTED, whom the chain lets a claim name is
        whom the model says is liable (DOMAIN.md: drawer, acceptor, earlier members of the chain, guarantors of
        each where their party is liable; a restrictive endorser to its endorsee alone; after a late presentment
        drawer, acceptor and theirs; a guarantor that paid claims from its party and those liable to it), for
        every BANK and ENTERPRISE but the holder, the drawer and the acceptor (liable to every holder, in the model
        as on chain, where a claim on them checks it). Compared again when what it depends on changed."""
        mbill = self.model.bills[bill_id]
        for start, m in self.model.ranges.get(bill_id, {}).items():
            if m.state not in ("DISHONORED", "PRESENTED"):
                continue
            key = (m.holder, m.links, m.guarantees, m.late, m.paid_for, tuple(sorted(mbill.guarantors.items())))
            if self.liability_seen.get((bill_id, start)) == key:
                continue
            liable = self.model.liable_set(mbill, m)
            for name in PARTIES:
                if name in (m.holder, mbill.drawer, mbill.acceptor):
                    continue
                on_chain = self.world.bills.liable_to(bill_id, start, self.a(name))
                assert on_chain == (name in liable), (
                    f"bill {bill_id} range {start}: chain says {name} liable={on_chain}, model {name in liable} "
                    f"(holder {m.holder}, late {m.late}, chain {m.links}, guarantees {m.guarantees}, "
                    f"paid for {set(m.paid_for)}, drawer {mbill.drawer}, acceptor {mbill.acceptor}, "
                    f"bill guarantors {mbill.guarantors})"
                )
            self.liability_seen[(bill_id, start)] = key

    def guarantees_match(self, bill_id: int) -> None:
        """The guarantors of the whole bill, and whom each guarantees (bit 0 the drawer, bit 1 the acceptor)."""
        guarantors = self.model.bills[bill_id].guarantors
        if self.guarantors_seen.get(bill_id) == guarantors:
            return
        for name in PARTIES:
            assert self.world.bills.bill_guarantees_of(bill_id, self.a(name)) == guarantors.get(name, 0), name
        self.guarantors_seen[bill_id] = dict(guarantors)

    def overdue_matches(self, named: set[str]) -> None:
        """Each acceptor's last three overdue events (one a bill: a dishonour, or recourse on a presentment
        unanswered 3 days), newest first, and the last day it is persistently overdue: those an event named, or
        whose events the model changed."""
        for name in PARTIES:
            days = self.model.overdue.get(name, [])
            if self.a(name) not in named and self.overdue_seen.get(name, []) == days:
                continue
            record = self.world.bills.overdue_of(self.a(name))
            latest = [*reversed(days[-3:]), 0, 0, 0][:3]
            assert [record.latest, record.second, record.third] == latest, name
            assert record.overdue_until == self.model.overdue_until(name), name
            self.overdue_seen[name] = list(days)

    def cash_is_conserved(self, accounts: set[str] | None, supply: bool, limits: set[str]) -> None:
        # 3. total supply equals the sum of mints; every settlement moves exactly its amount: every
        #    actor's balance is the model's, and they add up to the supply. The balances read are those of the
        #    accounts the step's cash events name (all of them, with `accounts` None); the others are as read
        #    at the last check, when they were the model's. The supply is read again when a mint may have moved
        #    it (a Transfer from the zero address, or the model's mints), and the `limits` that may have changed.
        cash = self.world.cash
        if supply:
            assert cash.total_supply() == cash.total_minted() == self.model.minted
        for name in NAMES:
            if accounts is None or self.a(name) in accounts:
                self.balances_seen[name] = cash.balance_of(self.a(name))
        balances = dict(self.balances_seen)
        assert balances == {name: self.model.balances.get(name, 0) for name in NAMES}
        assert sum(balances.values()) == self.model.minted
        # 7. a bank's total minted is at most its limit (and both are the model's)
        for bank in sorted(limits):
            limit, minted = cash.mint_limit_of(self.a(bank))
            assert (limit, minted) == (self.model.mint_limits.get(bank, 0), self.model.minted_by.get(bank, 0))
            assert minted <= limit or self.model.mint_limits.get(bank, 0) < minted  # lowered after minting

    def documents_anchor_once(self, changed: set[bytes] | None) -> None:
        # 6. a document hash is anchored at most once (and released by reject/revoke): those `changed` names (all
        #    of them, with None); the others are as the last check read them, the model's
        every = (*DOCS, *(doc(f"trade-{i}") for i in range(1, self.documents + 1)))
        for document in every if changed is None else sorted(changed):
            assert self.world.bills.is_document_anchored(document) == (document in self.model.anchored)


# Invariant 4 (no state change without the required party's signature) is the model's
# NOT_PARTY/FORBIDDEN predictions: callers are drawn at random, and every call the
# model refuses must revert on chain with that code and change nothing.

#: examples in all (make test: 24, what its 12 minutes leave; make fuzz: 5,000), split over SHARDS tests that
#: xdist runs in parallel, each from its own random seed; steps per example (Hypothesis's rule calls)
EXAMPLES = int(os.environ.get("STATEFUL_EXAMPLES", "24"))
STEPS = int(os.environ.get("STATEFUL_STEPS", "30"))
SHARDS = 4


@pytest.mark.parametrize("shard", range(SHARDS))
def test_bill_lifecycle(shard: int) -> None:
    budget = settings(
        max_examples=-(-EXAMPLES // SHARDS),
        stateful_step_count=STEPS,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    run_state_machine_as_test(BillLifecycle, settings=budget)


pytestmark = pytest.mark.slow
