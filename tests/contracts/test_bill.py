"""Issue, accept, reject, receive, cancel: the bill before it circulates."""

from __future__ import annotations

import pytest

from chain.errors import (
    BillDocumentRequired,
    BillFrozen,
    BillInvalidAmount,
    BillInvalidCounterparty,
    BillInvalidKind,
    BillInvalidMaturity,
    BillInvalidState,
    BillNotFound,
    BillNotParty,
    BillRoleForbidden,
    DocumentAlreadyUsed,
    ParticipantFrozen,
)
from chain.model import BillKind, BillStatus, RangeState, Role
from tests.conftest import World, doc, reverts

MAX_AMOUNT = 100_000_000_000


def test_issue_records_every_field(world: World) -> None:
    bill_id = world.issue(kind=BillKind.SUPPLY_CHAIN, acceptor="bank", amount=123_456, days=30, document=doc("po-1"))
    bill = world.bills.bill(bill_id)
    assert (bill.kind, bill.status, bill.amount) == (BillKind.SUPPLY_CHAIN, BillStatus.ISSUED, 123_456)
    assert (bill.drawer, bill.acceptor, bill.payee) == (world.addr("core"), world.addr("bank"), world.addr("t1"))
    assert bill.maturity_day == bill.issue_day + 30 == world.today() + 30
    assert bill.document_hash == doc("po-1") and bill.transferable and not bill.frozen
    assert world.bills.ranges(bill_id) == []
    assert world.bills.is_document_anchored(doc("po-1"))


def test_drawer_as_acceptor_is_accepted_at_once(world: World) -> None:
    bill_id = world.issue(kind=BillKind.COMMERCIAL_ACCEPTANCE, acceptor="core")
    assert world.bills.bill(bill_id).status is BillStatus.ACCEPTED


@pytest.mark.parametrize(
    ("kind", "acceptor", "ok"),
    [
        (BillKind.BANK_ACCEPTANCE, "bank", True),
        (BillKind.BANK_ACCEPTANCE, "t2", False),
        (BillKind.COMMERCIAL_ACCEPTANCE, "t2", True),
        (BillKind.COMMERCIAL_ACCEPTANCE, "bank", False),
        (BillKind.SUPPLY_CHAIN, "bank", True),
        (BillKind.SUPPLY_CHAIN, "t2", True),
        (BillKind.SUPPLY_CHAIN, "reg", False),
    ],
)
def test_acceptor_role_must_fit_the_kind(world: World, kind: BillKind, acceptor: str, ok: bool) -> None:
    document = doc(f"{kind}-{acceptor}")
    if ok:
        world.issue(kind=kind, acceptor=acceptor, document=document)
    else:
        with reverts(BillInvalidCounterparty, account=world.addr(acceptor)):
            world.issue(kind=kind, acceptor=acceptor, document=document)


def test_payee_must_be_another_enterprise(world: World) -> None:
    for payee in ("bank", "reg", "core"):
        with reverts(BillInvalidCounterparty, account=world.addr(payee)):
            world.issue(payee=payee)


def test_issue_validation(world: World) -> None:
    today = world.today()
    for amount in (0, MAX_AMOUNT + 1):
        with reverts(BillInvalidAmount, amount=amount):
            world.issue(amount=amount)
    world.issue(amount=MAX_AMOUNT)
    for days in (0, -1, 185):
        with reverts(BillInvalidMaturity, issue_day=today, maturity_day=today + days):
            world.issue(days=days)
    world.issue(days=184)
    with reverts(BillDocumentRequired):
        world.issue(kind=BillKind.SUPPLY_CHAIN)
    with reverts(BillInvalidKind, kind=4):
        world.issue(kind=4)  # type: ignore[arg-type]


def test_only_an_enterprise_draws(world: World) -> None:
    for who, role in (("bank", Role.BANK), ("reg", Role.REGULATOR)):
        with reverts(BillRoleForbidden, account=world.addr(who), role=role):
            world.issue(drawer=who, payee="t1")


def test_a_document_anchors_once(world: World) -> None:
    world.issue(document=doc("invoice"))
    with reverts(DocumentAlreadyUsed, document_hash=doc("invoice")):
        world.issue(document=doc("invoice"))


def test_frozen_parties_cannot_issue_or_be_named(world: World) -> None:
    world.system.registry.freeze(world.operator, world.addr("t1"))
    with reverts(ParticipantFrozen, account=world.addr("t1")):
        world.issue(payee="t1")
    with reverts(ParticipantFrozen, account=world.addr("t1")):
        world.issue(drawer="t1", payee="t2")


def test_accept_then_receive_creates_one_range(world: World) -> None:
    bill_id = world.issue(amount=30_000)
    world.bills.accept(world["bank"], bill_id)
    assert world.bills.bill(bill_id).status is BillStatus.ACCEPTED
    world.bills.receive(world["t1"], bill_id)
    assert world.bills.bill(bill_id).status is BillStatus.CIRCULATING
    [only] = world.bills.ranges(bill_id)
    assert (only.start, only.end, only.holder, only.state) == (1, 30_000, world.addr("t1"), RangeState.HELD)
    assert world.bills.endorsement_chain(bill_id, 1) == [world.addr("t1")]


def test_accept_and_receive_rules(world: World) -> None:
    bill_id = world.issue()
    with reverts(BillNotFound, bill_id=99):
        world.bills.accept(world["bank"], 99)
    with reverts(BillRoleForbidden, account=world.addr("reg")):
        world.bills.accept(world["reg"], bill_id)
    with reverts(BillNotParty, bill_id=bill_id, account=world.addr("bank2")):
        world.bills.accept(world["bank2"], bill_id)
    with reverts(BillInvalidState, bill_id=bill_id, status=BillStatus.ISSUED):
        world.bills.receive(world["t1"], bill_id)
    with reverts(BillNotParty, account=world.addr("t2")):
        world.bills.receive(world["t2"], bill_id)
    world.bills.accept(world["bank"], bill_id)
    with reverts(BillInvalidState, status=BillStatus.ACCEPTED):
        world.bills.accept(world["bank"], bill_id)


def test_acceptor_rejects_when_issued(world: World) -> None:
    bill_id = world.issue()
    with reverts(BillNotParty, account=world.addr("t2")):
        world.bills.reject(world["t2"], bill_id)
    with reverts(BillInvalidState, status=BillStatus.ISSUED):
        world.bills.reject(world["t1"], bill_id)  # the payee, before acceptance
    world.bills.reject(world["bank"], bill_id)
    assert world.bills.bill(bill_id).status is BillStatus.REJECTED


def test_payee_rejects_when_accepted(world: World) -> None:
    bill_id = world.issue()
    world.bills.accept(world["bank"], bill_id)
    with reverts(BillInvalidState, status=BillStatus.ACCEPTED):
        world.bills.reject(world["bank"], bill_id)
    world.bills.reject(world["t1"], bill_id)
    assert world.bills.bill(bill_id).status is BillStatus.REJECTED


@pytest.mark.parametrize("accepted", [False, True])
def test_drawer_cancels_before_circulation(world: World, accepted: bool) -> None:
    bill_id = world.issue()
    if accepted:
        world.bills.accept(world["bank"], bill_id)
    with reverts(BillNotParty, account=world.addr("t1")):
        world.bills.cancel(world["t1"], bill_id)
    world.bills.cancel(world["core"], bill_id)
    assert world.bills.bill(bill_id).status is BillStatus.CANCELLED


def test_terminal_states_never_change(world: World) -> None:
    cancelled = world.issue()
    world.bills.cancel(world["core"], cancelled)
    circulating = world.circulating()
    for bill_id, status in ((cancelled, BillStatus.CANCELLED), (circulating, BillStatus.CIRCULATING)):
        with reverts(BillInvalidState, status=status):
            world.bills.cancel(world["core"], bill_id)
    with reverts(BillInvalidState, status=BillStatus.CANCELLED):
        world.bills.accept(world["bank"], cancelled)
    with reverts(BillInvalidState, status=BillStatus.CANCELLED):
        world.bills.reject(world["bank"], cancelled)


def test_a_frozen_bill_cannot_be_accepted(world: World) -> None:
    bill_id = world.issue()
    world.bills.freeze(world["reg"], bill_id)
    with reverts(BillFrozen, bill_id=bill_id):
        world.bills.accept(world["bank"], bill_id)
    world.bills.unfreeze(world["reg"], bill_id)
    world.bills.accept(world["bank"], bill_id)
