"""Presentment, payment, dishonour and recourse along the endorsement chain."""

from __future__ import annotations

import pytest

from chain.errors import (
    BillInvalidCounterparty,
    BillNotMature,
    BillNotParty,
    CashInsufficient,
    DishonorInvalidReason,
    ParticipantFrozen,
    RangeFrozen,
    RangeInvalidState,
    RangeNoneEligible,
    RecourseInvalidTarget,
    RecourseTooEarly,
)
from chain.model import BillStatus, RangeState, TransferKind
from tests.conftest import World, reverts


def test_present_before_maturity_fails(world: World) -> None:
    bill = world.circulating(days=30)
    world.advance_days(29)
    with reverts(BillNotMature, bill_id=bill, maturity_day=world.today() + 1, today=world.today()):
        world.bills.present(world["t1"], bill, 1)
    with reverts(BillNotMature):
        world.bills.present(world["t1"], bill)


def test_present_and_pay_one_range_then_settle(world: World) -> None:
    bill = world.circulating(amount=100, days=30)
    world.endorse_signed(bill, 1, 40, "t1", "t2")
    world.mint("bank", 100)
    world.advance_days(30)
    with reverts(BillNotParty, account=world.addr("t3")):
        world.bills.present(world["t3"], bill, 1)
    world.bills.present(world["t2"], bill, 1)
    presented = world.bills.range(bill, 1)
    assert (presented.state, presented.late) == (RangeState.PRESENTED, False) and presented.presented_at
    with reverts(BillNotParty, account=world.addr("t2")):
        world.bills.pay(world["t2"], bill, 1)
    with reverts(RangeInvalidState, start=41, state=RangeState.HELD):
        world.bills.pay(world["bank"], bill, 41)
    world.bills.pay(world["bank"], bill, 1)
    assert world.bills.range(bill, 1).state is RangeState.PAID
    assert world.cash.balance_of(world.addr("t2")) == 40
    assert world.bills.bill(bill).status is BillStatus.CIRCULATING
    world.bills.present(world["t1"], bill, 41)
    world.bills.pay(world["bank"], bill, 41)
    assert world.bills.bill(bill).status is BillStatus.SETTLED
    assert world.cash.balance_of(world.addr("bank")) == 0


def test_present_all_and_pay_all(world: World) -> None:
    bill = world.circulating(amount=100, days=30)
    world.endorse_signed(bill, 1, 10, "t1", "t2")
    world.endorse_signed(bill, 11, 10, "t1", "t3")
    world.endorse_signed(bill, 21, 10, "t1", "t2")
    world.mint("bank", 100)
    world.advance_days(31)
    world.bills.present(world["t2"], bill)  # both of t2's ranges
    states = {r.start: r.state for r in world.bills.ranges(bill)}
    assert states == {1: RangeState.PRESENTED, 11: RangeState.HELD, 21: RangeState.PRESENTED, 31: RangeState.HELD}
    with reverts(RangeNoneEligible, bill_id=bill, account=world.addr("t2")):
        world.bills.present(world["t2"], bill)
    world.bills.pay(world["bank"], bill)
    assert world.cash.balance_of(world.addr("t2")) == 20
    with reverts(RangeNoneEligible):
        world.bills.pay(world["bank"], bill)


def test_pay_all_is_all_or_nothing(world: World) -> None:
    bill = world.circulating(amount=100, days=30)
    world.endorse_signed(bill, 1, 50, "t1", "t2")
    world.mint("bank", 60)
    world.advance_days(30)
    world.bills.present(world["t1"], bill)
    world.bills.present(world["t2"], bill)
    with reverts(CashInsufficient, payer=world.addr("bank"), balance=10, needed=50):
        world.bills.pay(world["bank"], bill)
    assert {r.state for r in world.bills.ranges(bill)} == {RangeState.PRESENTED}
    assert world.cash.balance_of(world.addr("bank")) == 60


def test_late_presentment_after_ten_days(world: World) -> None:
    bill = world.circulating(amount=100, days=30)
    world.endorse_signed(bill, 1, 50, "t1", "t2")
    world.advance_days(39)
    world.bills.present(world["t1"], bill, 51)
    world.advance_days(1)
    world.bills.present(world["t2"], bill, 1)
    assert not world.bills.range(bill, 51).late
    assert world.bills.range(bill, 1).late


def test_a_pledged_range_is_presented_by_its_pledgee_and_pays_it(world: World) -> None:
    bill = world.circulating(amount=100, days=30)
    transfer_id, _ = world.bills.pledge(world["t1"], bill, 1, 100, world.addr("bank2"))
    world.bills.sign(world["bank2"], transfer_id)
    world.mint("bank", 100)
    world.advance_days(30)
    world.bills.present(world["bank2"], bill, 1)
    world.bills.pay(world["bank"], bill, 1)
    assert world.cash.balance_of(world.addr("bank2")) == 100
    assert world.cash.balance_of(world.addr("t1")) == 0


def test_pay_to_a_frozen_presenter_fails(world: World) -> None:
    bill = world.circulating(amount=100, days=30)
    world.mint("bank", 100)
    world.advance_days(30)
    world.bills.present(world["t1"], bill, 1)
    world.system.registry.freeze(world.operator, world.addr("t1"))
    with reverts(ParticipantFrozen, account=world.addr("t1")):
        world.bills.pay(world["bank"], bill, 1)


def test_dishonor_with_a_reason(world: World) -> None:
    bill = world.circulating(amount=100, days=30)
    world.endorse_signed(bill, 1, 50, "t1", "t2")
    world.advance_days(30)
    world.bills.present(world["t1"], bill)
    world.bills.present(world["t2"], bill)
    for reason in ("", "x" * 801):
        with reverts(DishonorInvalidReason, length=len(reason)):
            world.bills.dishonor(world["bank"], bill, reason, 1)
    with reverts(BillNotParty):
        world.bills.dishonor(world["t1"], bill, "no", 1)
    world.bills.dishonor(world["bank"], bill, "账户余额不足", 1)
    assert world.bills.range(bill, 1).state is RangeState.DISHONORED
    world.bills.dishonor(world["bank"], bill, "insufficient funds")
    assert world.bills.range(bill, 51).state is RangeState.DISHONORED
    with reverts(RangeNoneEligible):
        world.bills.dishonor(world["bank"], bill, "again")


def chain_of_four(world: World) -> int:
    """t1 (payee) -> t2 -> t3 -> bank2 by discount, presented timely and dishonoured."""
    bill = world.circulating(amount=100, days=30, acceptor="bank")
    world.endorse_signed(bill, 1, 100, "t1", "t2")
    world.endorse_signed(bill, 1, 100, "t2", "t3")
    world.mint("bank2", 1_000)
    transfer_id, _ = world.bills.discount(world["t3"], bill, 1, 100, world.addr("bank2"), 0)
    world.bills.sign(world["bank2"], transfer_id)
    world.advance_days(30)
    world.bills.present(world["bank2"], bill, 1)
    world.bills.dishonor(world["bank"], bill, "refused", 1)
    return bill


def test_recourse_along_the_chain_and_onwards(world: World) -> None:
    bill = chain_of_four(world)
    world.mint("t2", 100)
    transfer_id, _ = world.bills.recourse(world["bank2"], bill, 1, world.addr("t2"))
    t = world.bills.transfer(transfer_id)
    assert (t.kind, t.price, t.prior_state) == (TransferKind.RECOURSE, 100, RangeState.DISHONORED)
    assert world.bills.range(bill, 1).state is RangeState.LOCKED
    world.bills.sign(world["t2"], transfer_id)
    assert world.cash.balance_of(world.addr("bank2")) == 1_000  # paid 100 for the discount, got 100 back
    after = world.bills.range(bill, 1)
    assert (after.holder, after.state) == (world.addr("t2"), RangeState.DISHONORED)
    # t2 now holds: only t1 (before t2's first appearance), the drawer and the acceptor are liable
    with reverts(RecourseInvalidTarget, bill_id=bill, start=1, target=world.addr("t3")):
        world.bills.recourse(world["t2"], bill, 1, world.addr("t3"))
    with reverts(RecourseInvalidTarget, target=world.addr("bank2")):
        world.bills.recourse(world["t2"], bill, 1, world.addr("bank2"))
    world.mint("bank", 100)
    transfer_id, _ = world.bills.recourse(world["t2"], bill, 1, world.addr("bank"))
    world.bills.sign(world["bank"], transfer_id)
    assert world.bills.range(bill, 1).state is RangeState.PAID
    assert world.bills.bill(bill).status is BillStatus.SETTLED


@pytest.mark.parametrize("target", ["t1", "t2", "t3", "core", "bank"])
def test_every_earlier_party_is_liable_after_timely_presentment(world: World, target: str) -> None:
    bill = chain_of_four(world)
    transfer_id, _ = world.bills.recourse(world["bank2"], bill, 1, world.addr(target))
    assert world.bills.transfer(transfer_id).to == world.addr(target)


def test_recourse_target_rules(world: World) -> None:
    bill = chain_of_four(world)
    with reverts(BillInvalidCounterparty, account=world.addr("bank2")):
        world.bills.recourse(world["bank2"], bill, 1, world.addr("bank2"))
    with reverts(BillInvalidCounterparty, account=world.addr("reg")):
        world.bills.recourse(world["bank2"], bill, 1, world.addr("reg"))
    with reverts(BillNotParty, account=world.addr("t3")):
        world.bills.recourse(world["t3"], bill, 1, world.addr("t1"))


def test_a_holder_who_endorsed_before_has_no_recourse_against_those_between(world: World) -> None:
    bill = world.circulating(amount=100, days=30)
    world.endorse_signed(bill, 1, 100, "t1", "t2")
    world.endorse_signed(bill, 1, 100, "t2", "t3")
    world.endorse_signed(bill, 1, 100, "t3", "t1")  # back to the payee
    world.advance_days(30)
    world.bills.present(world["t1"], bill, 1)
    world.bills.dishonor(world["bank"], bill, "refused", 1)
    for between in ("t2", "t3"):
        with reverts(RecourseInvalidTarget, target=world.addr(between)):
            world.bills.recourse(world["t1"], bill, 1, world.addr(between))
    world.bills.recourse(world["t1"], bill, 1, world.addr("core"))


def test_after_late_presentment_only_drawer_and_acceptor_are_liable(world: World) -> None:
    bill = world.circulating(amount=100, days=30)
    world.endorse_signed(bill, 1, 100, "t1", "t2")
    world.advance_days(45)
    world.bills.present(world["t2"], bill, 1)
    world.bills.dishonor(world["bank"], bill, "late", 1)
    with reverts(RecourseInvalidTarget, target=world.addr("t1")):
        world.bills.recourse(world["t2"], bill, 1, world.addr("t1"))
    world.bills.recourse(world["t2"], bill, 1, world.addr("core"))


def test_unanswered_presentment_opens_recourse_after_three_days(world: World) -> None:
    bill = world.circulating(amount=100, days=30)
    world.endorse_signed(bill, 1, 100, "t1", "t2")
    world.advance_days(30)
    world.bills.present(world["t2"], bill, 1)
    presented_day = world.today()
    world.advance_days(2)
    with reverts(RecourseTooEarly, presented_day=presented_day, today=presented_day + 2):
        world.bills.recourse(world["t2"], bill, 1, world.addr("t1"))
    world.advance_days(1)
    transfer_id, _ = world.bills.recourse(world["t2"], bill, 1, world.addr("t1"))
    assert world.bills.transfer(transfer_id).prior_state is RangeState.PRESENTED
    world.bills.revoke(world["t2"], transfer_id)
    assert world.bills.range(bill, 1).state is RangeState.PRESENTED
    world.mint("bank", 100)
    world.bills.pay(world["bank"], bill, 1)  # the acceptor may still pay
    assert world.bills.bill(bill).status is BillStatus.SETTLED


def test_recourse_needs_a_dishonoured_or_presented_range(world: World) -> None:
    bill = world.circulating(amount=100, days=30)
    with reverts(RangeInvalidState, state=RangeState.HELD):
        world.bills.recourse(world["t1"], bill, 1, world.addr("core"))


def test_recourse_payer_without_cash(world: World) -> None:
    bill = chain_of_four(world)
    transfer_id, _ = world.bills.recourse(world["bank2"], bill, 1, world.addr("t1"))
    with reverts(CashInsufficient, payer=world.addr("t1"), balance=0, needed=100):
        world.bills.sign(world["t1"], transfer_id)


def test_a_frozen_range_cannot_be_presented_or_paid(world: World) -> None:
    bill = world.circulating(amount=100, days=30)
    world.advance_days(30)
    world.bills.freeze(world["reg"], bill, 1)
    with reverts(RangeFrozen, bill_id=bill, start=1):
        world.bills.present(world["t1"], bill, 1)
    world.bills.unfreeze(world["reg"], bill, 1)
    world.bills.present(world["t1"], bill, 1)
    world.bills.freeze(world["reg"], bill, 1)
    world.mint("bank", 100)
    with reverts(RangeFrozen):
        world.bills.pay(world["bank"], bill, 1)
    with reverts(RangeFrozen):
        world.bills.pay(world["bank"], bill)
