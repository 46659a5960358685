"""Random operation sequences against the contracts and the reference model of DOMAIN.md.

Every step (every call inside a rule, not only a rule's last): the model predicts success or
a problem code, the chain must agree, and the seven invariants of DOMAIN.md are checked on
chain state: ranges, holders, cash (every actor's, and their sum against the total supply),
mint limits, settlement, documents (all of them), endorsement chains, and a pledged range's
proceeds reaching its pledgee. Failures hypothesis finds are kept in its example database
(.hypothesis/), so a failure comes back on the next run instead of passing for a flake.

A check reads only what may have changed: a refused call mines no block (nothing changed); the cash of every
actor is read again when the step's transactions emitted a cash event or the model says cash moved (every
balance change emits ERC-20's Transfer), the documents when they emitted an anchoring event or the model's
anchors changed, the bills the step touched. The rest is as the last check left it, and the model agrees.
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
from chain.model import BillStatus, RangeState, TransferStatus, day_number, shanghai_date
from tests.conftest import DAY, MEMBERS, WORLD_MINT_LIMIT, World, build_world, doc
from tests.contracts.reference import TERMINAL, Model

NAMES = [name for name, _ in MEMBERS]


def _topics(*events: str) -> set[bytes]:
    """The bill registry's events' topics, by name, from its ABI."""
    abi = [e for e in load_artifact("BillRegistry").abi if e["type"] == "event" and e["name"] in events]
    return {keccak(text=f"{e['name']}({','.join(i['type'] for i in e['inputs'])})") for e in abi}


#: the bill registry's events that change what is anchored, and those that change a transfer (its id first)
DOCUMENT_TOPICS = _topics("DocumentAnchored", "DocumentReleased")
TRANSFER_TOPICS = _topics("TransferRequested", "TransferSigned", "TransferRejected", "TransferRevoked")


@dataclass
class Emitted:
    cash: bool = False
    accounts: set[str] = field(default_factory=set)
    documents: bool = False
    transfers: set[int] = field(default_factory=set)


DOCS = [doc(f"doc-{i}") for i in range(4)]
ENTERPRISES = ["core", "t1", "t2", "t3"]

actors = st.sampled_from(NAMES)
maybe_doc = st.none() | st.sampled_from(DOCS)


@cache
def shared_world() -> World:
    return build_world(EmbeddedBackend())


class BillLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.world = shared_world()
        self.snapshot = self.world.backend.snapshot()
        self.model = Model(roles={name: role.name for name, role in MEMBERS})
        self.model.mint_limits = {name: WORLD_MINT_LIMIT for name, role in MEMBERS if role.name == "BANK"}
        self.terminal: dict[int, str] = {}
        self.touched: set[int] = set()
        self.checked_block = -1
        self.documents = 0
        #: what the model held at the last check of cash and of documents (a change means: read the chain)
        self.cash_seen: Any = None
        self.anchors_seen: Any = None
        self.balances_seen: dict[str, int] = {}
        #: each transfer's status at the last check (the model's, which the chain's then was)
        self.transfers_seen: dict[int, str] = {}

    def teardown(self) -> None:
        self.world.backend.revert(self.snapshot)

    # --- plumbing
    def pending_day(self) -> int:
        backend = self.world.backend
        assert isinstance(backend, EmbeddedBackend)
        return day_number(shanghai_date(int(backend.tester.get_block_by_number("pending")["timestamp"])))

    def act(
        self, op: str, bill_id: int | None, predict: Callable[[Model], str | None], call: Callable[[], Any]
    ) -> None:
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
        if bill_id is not None:
            self.touched.add(bill_id)
        self.chain_matches_model()  # after every call, not only at a rule's end

    def bill_ids(self, data: st.DataObject) -> int:
        if self.model.bills and self.likely(data, "existing bill"):
            return data.draw(st.sampled_from(sorted(self.model.bills, reverse=True)), label="bill")
        return len(self.model.bills) + 1

    @staticmethod
    def likely(data: st.DataObject, label: str) -> bool:
        """True four times in five: sequences mostly go on, sometimes stray."""
        return data.draw(st.integers(0, 4), label=label) < 4  # 0, the value hypothesis favours, means yes

    def range_start(self, data: st.DataObject, bill_id: int) -> int:
        starts = sorted(self.model.ranges.get(bill_id, {})) or [1]
        if not self.likely(data, "existing range"):
            return starts[-1] + 1
        return data.draw(st.sampled_from(starts), label="start")

    def live_bill(self, data: st.DataObject) -> int:
        live = [b for b, bill in self.model.bills.items() if bill.status == "CIRCULATING" and b in self.model.ranges]
        pool = live if live and self.likely(data, "live bill") else sorted(self.model.ranges)
        return data.draw(st.sampled_from(pool), label="bill")

    def a(self, name: str) -> str:
        return self.world.addr(name)

    # --- rules
    @initialize(amount=st.integers(1, 5_000), limit=st.integers(0, 100_000))
    def mint_some(self, amount: int, limit: int) -> None:
        for bank, fen in (("bank", 1_000_000), ("bank2", limit)):
            self.set_mint_limit("reg", bank, fen)
        for who in ("bank", "bank2", "core", "t1", "t2"):
            self.act("mint", None, lambda m, w=who: m.mint("bank", w, amount), lambda w=who: self.world.mint(w, amount))

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
        self.act(
            op,
            bill_id,
            lambda m: getattr(m, op)(bill_id, caller),
            lambda: getattr(self.world.bills, op)(self.world[caller], bill_id),
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
    def request(self, data: st.DataObject, kind: str, to: str, rate: int, adjust: int, document: bytes | None) -> None:
        bill_id = self.live_bill(data)
        start = self.range_start(data, bill_id)
        rng = self.model.ranges[bill_id].get(start)
        caller = rng.holder if rng and self.likely(data, "as holder") else data.draw(actors)
        if self.likely(data, "fitting counterparty"):
            fitting = ["bank", "bank2"] if kind != "ENDORSE" else ["t1", "t2", "t3", "bank2"]
            to = data.draw(st.sampled_from([n for n in fitting if n != caller]), label="to")
        size = rng.end - start + 1 if rng else 1
        amount = (
            data.draw(st.integers(1, size), label="amount")
            if self.likely(data, "fitting amount")
            else (data.draw(st.sampled_from([0, size + 1]), label="bad amount"))
        )
        bills, signer = self.world.bills, self.world[caller]
        if kind == "ENDORSE":
            call = lambda: bills.endorse(signer, bill_id, start, amount, self.a(to), document)  # noqa: E731
        elif kind == "DISCOUNT":
            call = lambda: bills.discount(signer, bill_id, start, amount, self.a(to), rate, adjust, document)  # noqa: E731
        else:
            document = None
            call = lambda: bills.pledge(signer, bill_id, start, amount, self.a(to))  # noqa: E731
        self.act(
            kind.lower(),
            bill_id,
            lambda m: m.request(kind, bill_id, caller, start, amount, to, rate, adjust, document),
            call,
        )

    @precondition(lambda self: self.model.ranges)
    @rule(data=st.data(), kind=st.sampled_from(["ENDORSE", "DISCOUNT", "PLEDGE"]))
    def request_and_sign(self, data: st.DataObject, kind: str) -> None:
        """A fitting request its counterparty signs at once: ranges move, split and gather chains."""
        before = len(self.model.transfers)
        self.request(data, kind, "t2", 18_500, 0, None)
        if len(self.model.transfers) > before:
            t = self.model.transfers[len(self.model.transfers)]
            self.act(
                "sign",
                t.bill,
                lambda m: m.sign(len(m.transfers), t.to),
                lambda: self.world.bills.sign(self.world[t.to], len(self.model.transfers)),
            )

    @precondition(lambda self: self.model.transfers)
    @rule(data=st.data(), op=st.sampled_from(["sign", "reject_transfer", "revoke"]))
    def transfer_step(self, data: st.DataObject, op: str) -> None:
        pending = [i for i, t in self.model.transfers.items() if t.status == "PENDING"]
        pool = pending if pending and self.likely(data, "pending transfer") else sorted(self.model.transfers)
        transfer_id = data.draw(st.sampled_from(pool), label="transfer")
        t = self.model.transfers[transfer_id]
        rng = self.model.ranges[t.bill][t.start]
        initiator = Model.claimant(rng) if t.kind == "RECOURSE" else rng.holder
        party = t.to if op != "revoke" else initiator
        caller = party if self.likely(data, "as party") else data.draw(actors)
        predict = {
            "sign": lambda m: m.sign(transfer_id, caller),
            "reject_transfer": lambda m: m.unwind(transfer_id, caller, True),
            "revoke": lambda m: m.unwind(transfer_id, caller, False),
        }[op]
        self.act(op, t.bill, predict, lambda: getattr(self.world.bills, op)(self.world[caller], transfer_id))

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
        bill_id, start = data.draw(st.sampled_from(self.dishonored()), label="dishonoured range")
        bill, rng = self.model.bills[bill_id], self.model.ranges[bill_id][start]
        against = data.draw(st.sampled_from([bill.drawer, bill.acceptor, *rng.chain]), label="against")
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
                self.set_mint_limit("reg", "bank", self.model.minted_by.get("bank", 0) + 100_000)
                self.act(
                    "mint",
                    None,
                    lambda m: m.mint("bank", against, 100_000),
                    lambda: self.world.cash.mint(self.world["bank"], self.a(against), 100_000),
                )
            self.act(
                "sign",
                bill_id,
                lambda m: m.sign(transfer_id, against),
                lambda: self.world.bills.sign(self.world[against], transfer_id),
            )

    @precondition(lambda self: self.model.ranges)
    @rule(data=st.data(), against=actors)
    def recourse(self, data: st.DataObject, against: str) -> None:
        bill_id = self.live_bill(data)
        start = self.range_start(data, bill_id)
        rng = self.model.ranges[bill_id].get(start)
        caller = Model.claimant(rng) if rng and self.likely(data, "as claimant") else data.draw(actors)
        if self.likely(data, "liable target"):
            bill = self.model.bills[bill_id]
            against = data.draw(st.sampled_from([bill.drawer, bill.acceptor, *(rng.chain if rng else ())]), label="a")
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

    @rule(data=st.data(), days=st.sampled_from([0, 1, 3, 9, 10, 30]))
    def advance(self, data: st.DataObject, days: int) -> None:
        """Move chain time, mostly to a live bill's maturity date (plus `days`)."""
        live = [b.maturity_day for b in self.model.bills.values() if b.status == "CIRCULATING"]
        today = self.pending_day()
        if live and self.likely(data, "to a maturity"):
            days += max(data.draw(st.sampled_from(sorted(live)), label="maturity") - today, 0)
        self.world.backend.advance_time(max(days, 1) * DAY)

    # --- the seven invariants of DOMAIN.md, on chain state
    def _emitted(self, first: int, last: int) -> Emitted:
        """What blocks first..last emitted that the checks read: the accounts whose cash a cash event names, an
        anchoring or a release of a document, and the transfers a bill event names."""
        cash_address, bills_address = self.world.cash.address, self.world.bills.address
        found = Emitted()
        for number in range(first, last + 1):
            for receipt in self.world.backend.block_receipts(number):
                for log in receipt["logs"]:
                    topics = [bytes(t) for t in log["topics"]]
                    if log["address"] == cash_address:
                        found.cash = True  # every balance change emits Transfer; a limit, MintLimitSet
                        found.accounts |= {to_checksum_address(t[12:]) for t in topics[1:]}
                    elif log["address"] == bills_address and topics:
                        found.documents = found.documents or topics[0] in DOCUMENT_TOPICS
                        if topics[0] in TRANSFER_TOPICS:
                            found.transfers.add(int.from_bytes(topics[1], "big"))
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
            self.cash_is_conserved(None if first_check else emitted.accounts)
            self.cash_seen = model_cash
        model_anchors = (frozenset(self.model.anchored), self.documents)
        if first_check or emitted.documents or model_anchors != self.anchors_seen:
            self.documents_anchor_once()
            self.anchors_seen = model_anchors
        bills = self.world.bills
        assert bills.bill_count() == len(self.model.bills)
        for bill_id in sorted(self.touched):
            mbill, bill = self.model.bills.get(bill_id), None
            if mbill is None:
                continue
            bill = bills.bill(bill_id)
            assert bill.status.name == mbill.status and bill.frozen == mbill.frozen and bill.paid_amount == mbill.paid
            ranges = bills.ranges(bill_id)
            if bill.status in (BillStatus.CIRCULATING, BillStatus.SETTLED):
                # 1. ranges are disjoint and cover 1..amount
                assert ranges[0].start == 1 and ranges[-1].end == bill.amount
                assert all(a.end + 1 == b.start for a, b in pairwise(ranges))
            else:
                assert ranges == []
            for r in ranges:
                m = self.model.ranges[bill_id][r.start]
                # the range's endorsement chain, payee first, as the model built it
                assert bills.endorsement_chain(bill_id, r.start) == [self.a(n) for n in m.chain]
                # 2. exactly one holder, the model's
                assert (r.end, r.holder, r.state.name, r.frozen, r.late) == (
                    m.end,
                    self.a(m.holder),
                    m.state,
                    m.frozen,
                    m.late,
                )
                assert r.pledgee == (self.a(m.pledgee) if m.pledgee else None)
            # 5. SETTLED exactly when every range is PAID; terminal states never change
            assert (bill.status is BillStatus.SETTLED) == (
                bool(ranges) and all(r.state is RangeState.PAID for r in ranges)
            )
            if bill_id in self.terminal:
                assert bill.status.name == self.terminal[bill_id]
            elif bill.status.name in TERMINAL:
                self.terminal[bill_id] = bill.status.name
        # 2. at most one pending transfer per range, and its range is LOCKED
        pending = [(t.bill, t.start) for t in self.model.transfers.values() if t.status == "PENDING"]
        assert len(pending) == len(set(pending))
        statuses = {i: t.status for i, t in self.model.transfers.items()}
        moved = {i for i, status in statuses.items() if self.transfers_seen.get(i) != status}
        for transfer_id in sorted(moved | emitted.transfers):  # what the step's events name, or the model moved
            assert bills.transfer(transfer_id).status is TransferStatus[statuses[transfer_id]]
        self.transfers_seen = statuses
        self.touched.clear()

    def cash_is_conserved(self, accounts: set[str] | None = None) -> None:
        # 3. total supply equals the sum of mints; every settlement moved exactly its amount: every
        #    actor's balance is the model's, and they add up to the supply. The balances read are those of the
        #    accounts the step's cash events name (all of them, with `accounts` None); the others are as read
        #    at the last check, when they were the model's.
        cash = self.world.cash
        assert cash.total_supply() == cash.total_minted() == self.model.minted
        for name in NAMES:
            if accounts is None or self.a(name) in accounts:
                self.balances_seen[name] = cash.balance_of(self.a(name))
        balances = dict(self.balances_seen)
        assert balances == {name: self.model.balances.get(name, 0) for name in NAMES}
        assert sum(balances.values()) == self.model.minted
        # 7. a bank's total minted is at most its limit (and both are the model's)
        for bank in ("bank", "bank2"):
            limit, minted = cash.mint_limit_of(self.a(bank))
            assert (limit, minted) == (self.model.mint_limits.get(bank, 0), self.model.minted_by.get(bank, 0))
            assert minted <= limit or self.model.mint_limits.get(bank, 0) < minted  # lowered after minting

    def documents_anchor_once(self) -> None:
        # 6. a document hash is anchored at most once (and released by reject/revoke): every one of them
        for document in (*DOCS, *(doc(f"trade-{i}") for i in range(1, self.documents + 1))):
            assert self.world.bills.is_document_anchored(document) == (document in self.model.anchored)


# Invariant 4 (no state change without the required party's signature) is the model's
# NOT_PARTY/FORBIDDEN predictions: callers are drawn at random, and every call the
# model refuses must revert on chain with that code and change nothing.

#: examples in all (make test: 200; make fuzz: 5,000), split over SHARDS tests that xdist runs in
#: parallel, each from its own random seed; steps per example (Hypothesis's rule calls)
EXAMPLES = int(os.environ.get("STATEFUL_EXAMPLES", "200"))
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
