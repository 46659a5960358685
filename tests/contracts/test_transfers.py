"""Endorse, discount, pledge; sign, reject, revoke; splitting; documents; DvP."""

from __future__ import annotations

import pytest

from chain.errors import (
    BillInvalidCounterparty,
    BillInvalidState,
    BillMatured,
    BillNotParty,
    BillNotTransferable,
    BillRoleForbidden,
    CashInsufficient,
    DiscountInvalidAdjustDays,
    DiscountInvalidRate,
    DocumentAlreadyUsed,
    ParticipantFrozen,
    RangeInvalidAmount,
    RangeInvalidState,
    RangeNotFound,
    TransferInvalidState,
    TransferNotFound,
)
from chain.model import BillStatus, RangeState, Role, TransferKind, TransferStatus
from tests.conftest import World, doc, reverts


def reference_price(amount: int, rate_micros: int, days: int) -> int:
    """DOMAIN.md: interest = round_half_up(amount x rate x days / 360)."""
    numerator, denominator = amount * rate_micros * days, 360 * 1_000_000
    return amount - (2 * numerator + denominator) // (2 * denominator)


def test_endorse_with_split_then_sign(world: World) -> None:
    bill = world.circulating(amount=30_000)
    transfer_id, _ = world.bills.endorse(world["t1"], bill, 1, 10_000, world.addr("t2"))
    first, rest = world.bills.ranges(bill)
    assert (first.start, first.end, first.state) == (1, 10_000, RangeState.LOCKED)
    assert (rest.start, rest.end, rest.state, rest.holder) == (10_001, 30_000, RangeState.HELD, world.addr("t1"))
    t = world.bills.transfer(transfer_id)
    assert (t.kind, t.status, t.start, t.end, t.to) == (
        TransferKind.ENDORSE,
        TransferStatus.PENDING,
        1,
        10_000,
        world.addr("t2"),
    )
    world.bills.sign(world["t2"], transfer_id)
    first = world.bills.range(bill, 1)
    assert (first.holder, first.state) == (world.addr("t2"), RangeState.HELD)
    assert world.bills.transfer(transfer_id).status is TransferStatus.SIGNED
    assert world.bills.endorsement_chain(bill, 1) == [world.addr("t1"), world.addr("t2")]
    assert world.bills.endorsement_chain(bill, 10_001) == [world.addr("t1")]


def test_a_split_range_inherits_its_parents_chain(world: World) -> None:
    bill = world.circulating(amount=100)
    world.endorse_signed(bill, 1, 100, "t1", "t2")
    world.endorse_signed(bill, 1, 40, "t2", "t3")
    assert world.bills.endorsement_chain(bill, 1) == [world.addr(n) for n in ("t1", "t2", "t3")]
    assert world.bills.endorsement_chain(bill, 41) == [world.addr(n) for n in ("t1", "t2")]


def test_endorse_to_a_bank_is_allowed(world: World) -> None:
    bill = world.circulating()
    world.endorse_signed(bill, 1, 10, "t1", "bank2")
    assert world.bills.range(bill, 1).holder == world.addr("bank2")


def test_request_validation(world: World) -> None:
    bill = world.circulating(amount=100)
    with reverts(RangeNotFound, bill_id=bill, start=2):
        world.bills.endorse(world["t1"], bill, 2, 1, world.addr("t2"))
    for amount in (0, 101):
        with reverts(RangeInvalidAmount, bill_id=bill, start=1, amount=amount):
            world.bills.endorse(world["t1"], bill, 1, amount, world.addr("t2"))
    for to in ("t1", "reg"):
        with reverts(BillInvalidCounterparty, account=world.addr(to)):
            world.bills.endorse(world["t1"], bill, 1, 1, world.addr(to))
    with reverts(BillInvalidCounterparty, account=world.addr("t2")):
        world.bills.discount(world["t1"], bill, 1, 1, world.addr("t2"), 10_000)
    with reverts(BillInvalidCounterparty, account=world.addr("t2")):
        world.bills.pledge(world["t1"], bill, 1, 1, world.addr("t2"))
    with reverts(DiscountInvalidRate, rate_micros=1_000_000):
        world.bills.discount(world["t1"], bill, 1, 1, world.addr("bank"), 1_000_000)
    with reverts(DiscountInvalidAdjustDays, adjust_days=4):
        world.bills.discount(world["t1"], bill, 1, 1, world.addr("bank"), 0, 4)


def test_only_the_holder_requests(world: World) -> None:
    bill = world.circulating()
    with reverts(BillNotParty, bill_id=bill, account=world.addr("t2")):
        world.bills.endorse(world["t2"], bill, 1, 1, world.addr("t3"))
    with reverts(BillRoleForbidden, account=world.addr("reg"), role=Role.REGULATOR):
        world.bills.endorse(world["reg"], bill, 1, 1, world.addr("t3"))
    with reverts(BillRoleForbidden, account=world.addr("bank"), role=Role.BANK):
        world.bills.endorse(world["bank"], bill, 1, 1, world.addr("t3"))


def test_requests_need_a_held_range_of_a_transferable_unmatured_bill(world: World) -> None:
    bill = world.circulating(amount=100, days=10)
    world.bills.endorse(world["t1"], bill, 1, 50, world.addr("t2"))
    with reverts(RangeInvalidState, bill_id=bill, start=1, state=RangeState.LOCKED):
        world.bills.pledge(world["t1"], bill, 1, 50, world.addr("bank"))
    fixed = world.circulating(amount=100, transferable=False)
    with reverts(BillNotTransferable, bill_id=fixed):
        world.bills.endorse(world["t1"], fixed, 1, 1, world.addr("t2"))
    with reverts(BillNotTransferable, bill_id=fixed):
        world.bills.discount(world["t1"], fixed, 1, 1, world.addr("bank"), 10_000)
    issued = world.issue()
    with reverts(RangeNotFound):
        world.bills.endorse(world["t1"], issued, 1, 1, world.addr("t2"))
    world.advance_days(10)
    with reverts(BillMatured, bill_id=bill, maturity_day=world.today()):
        world.bills.endorse(world["t1"], bill, 51, 1, world.addr("t2"))
    with reverts(BillMatured):
        world.bills.discount(world["t1"], bill, 51, 1, world.addr("bank"), 0)
    with reverts(BillMatured):
        world.bills.pledge(world["t1"], bill, 51, 1, world.addr("bank"))


def test_a_pending_endorsement_cannot_be_signed_after_maturity(world: World) -> None:
    bill = world.circulating(amount=100, days=5)
    transfer_id, _ = world.bills.endorse(world["t1"], bill, 1, 100, world.addr("t2"))
    world.advance_days(5)
    with reverts(BillMatured):
        world.bills.sign(world["t2"], transfer_id)


@pytest.mark.parametrize(("rate", "adjust"), [(18_500, 0), (35_000, 3), (0, 0), (999_999, 1)])
def test_discount_price_is_computed_on_chain(world: World, rate: int, adjust: int) -> None:
    bill = world.circulating(amount=30_000_001, days=120)
    world.advance_days(7)
    transfer_id, _ = world.bills.discount(world["t1"], bill, 1, 30_000_001, world.addr("bank2"), rate, adjust)
    assert world.bills.transfer(transfer_id).price == reference_price(30_000_001, rate, 113 + adjust)


def test_discount_half_fen_rounds_up(world: World) -> None:
    # 1 fen x 0.18 x 1 day / 360 = 0.0005 fen of interest: rounds to 0; 1000 fen at 0.18 over 1 day = 0.5 -> 1.
    bill = world.circulating(amount=1_000, days=1)
    transfer_id, _ = world.bills.discount(world["t1"], bill, 1, 1_000, world.addr("bank2"), 180_000)
    assert world.bills.transfer(transfer_id).price == 999


def test_discount_signing_is_delivery_versus_payment(world: World) -> None:
    bill = world.circulating(amount=30_000_000, days=120)
    transfer_id, _ = world.bills.discount(world["t1"], bill, 1, 30_000_000, world.addr("bank2"), 18_500)
    price = world.bills.transfer(transfer_id).price
    assert price == 30_000_000 - 185_000
    world.mint("bank2", price - 1)
    with reverts(CashInsufficient, payer=world.addr("bank2"), balance=price - 1, needed=price):
        world.bills.sign(world["bank2"], transfer_id)
    assert world.bills.range(bill, 1).state is RangeState.LOCKED
    world.mint("bank2", 1)
    world.bills.sign(world["bank2"], transfer_id)
    assert world.cash.balance_of(world.addr("t1")) == price
    assert world.cash.balance_of(world.addr("bank2")) == 0
    assert world.bills.range(bill, 1).holder == world.addr("bank2")
    assert world.bills.endorsement_chain(bill, 1)[-1] == world.addr("bank2")


def test_rediscount_between_banks(world: World) -> None:
    bill = world.circulating(amount=1_000, days=60)
    world.mint("bank2", 10_000)
    world.mint("bank", 10_000)
    first, _ = world.bills.discount(world["t1"], bill, 1, 1_000, world.addr("bank2"), 20_000)
    world.bills.sign(world["bank2"], first)
    second, _ = world.bills.discount(world["bank2"], bill, 1, 1_000, world.addr("bank"), 15_000)
    world.bills.sign(world["bank"], second)
    assert world.bills.range(bill, 1).holder == world.addr("bank")


def test_pledge_and_release(world: World) -> None:
    bill = world.circulating(amount=100)
    transfer_id, _ = world.bills.pledge(world["t1"], bill, 1, 60, world.addr("bank"))
    world.bills.sign(world["bank"], transfer_id)
    pledged = world.bills.range(bill, 1)
    assert (pledged.state, pledged.holder, pledged.pledgee) == (
        RangeState.PLEDGED,
        world.addr("t1"),
        world.addr("bank"),
    )
    with reverts(RangeInvalidState, state=RangeState.PLEDGED):
        world.bills.endorse(world["t1"], bill, 1, 60, world.addr("t2"))
    with reverts(BillNotParty, account=world.addr("bank2")):
        world.bills.release(world["bank2"], bill, 1)
    world.bills.release(world["bank"], bill, 1)
    released = world.bills.range(bill, 1)
    assert (released.state, released.pledgee) == (RangeState.HELD, None)
    with reverts(BillNotParty):
        world.bills.release(world["bank"], bill, 1)


def test_release_needs_a_pledged_range(world: World) -> None:
    bill = world.circulating(amount=100)
    transfer_id, _ = world.bills.pledge(world["t1"], bill, 1, 100, world.addr("bank"))
    world.bills.sign(world["bank"], transfer_id)
    world.advance_days(90)
    world.bills.present(world["bank"], bill, 1)
    with reverts(RangeInvalidState, state=RangeState.PRESENTED):
        world.bills.release(world["bank"], bill, 1)


@pytest.mark.parametrize("how", ["reject", "revoke"])
def test_reject_or_revoke_restores_the_range_and_releases_the_document(world: World, how: str) -> None:
    bill = world.circulating(amount=100)
    transfer_id, _ = world.bills.discount(world["t1"], bill, 1, 40, world.addr("bank"), 10_000, 0, doc("inv-9"))
    with reverts(DocumentAlreadyUsed, document_hash=doc("inv-9")):
        world.bills.discount(world["t1"], bill, 41, 10, world.addr("bank2"), 10_000, 0, doc("inv-9"))
    if how == "reject":
        with reverts(BillNotParty, account=world.addr("t1")):
            world.bills.reject_transfer(world["t1"], transfer_id)
        world.bills.reject_transfer(world["bank"], transfer_id)
        expected = TransferStatus.REJECTED
    else:
        with reverts(BillNotParty, account=world.addr("bank")):
            world.bills.revoke(world["bank"], transfer_id)
        world.bills.revoke(world["t1"], transfer_id)
        expected = TransferStatus.REVOKED
    assert world.bills.transfer(transfer_id).status is expected
    assert world.bills.range(bill, 1).state is RangeState.HELD
    assert not world.bills.is_document_anchored(doc("inv-9"))
    # the holder takes the same invoice to another bank
    world.bills.discount(world["t1"], bill, 1, 40, world.addr("bank2"), 10_000, 0, doc("inv-9"))


def test_a_signed_transfer_keeps_its_document(world: World) -> None:
    bill = world.circulating(amount=100)
    transfer_id, _ = world.bills.endorse(world["t1"], bill, 1, 100, world.addr("t2"), doc("contract-3"))
    world.bills.sign(world["t2"], transfer_id)
    assert world.bills.transfer(transfer_id).document_hash == doc("contract-3")
    with reverts(DocumentAlreadyUsed):
        world.issue(document=doc("contract-3"))


def test_sign_reject_revoke_need_a_pending_transfer(world: World) -> None:
    bill = world.circulating(amount=100)
    with reverts(TransferNotFound, transfer_id=7):
        world.bills.sign(world["t2"], 7)
    transfer_id, _ = world.bills.endorse(world["t1"], bill, 1, 100, world.addr("t2"))
    with reverts(BillNotParty, account=world.addr("t3")):
        world.bills.sign(world["t3"], transfer_id)
    world.bills.sign(world["t2"], transfer_id)
    with reverts(TransferInvalidState, transfer_id=transfer_id, status=TransferStatus.SIGNED):
        world.bills.sign(world["t2"], transfer_id)
    with reverts(TransferInvalidState):
        world.bills.reject_transfer(world["t2"], transfer_id)
    # the initiator is now t1 no longer: t2 holds the range
    with reverts(TransferInvalidState):
        world.bills.revoke(world["t2"], transfer_id)


def test_a_frozen_counterparty_cannot_sign(world: World) -> None:
    bill = world.circulating(amount=100)
    transfer_id, _ = world.bills.endorse(world["t1"], bill, 1, 100, world.addr("t2"))
    world.system.registry.freeze(world.operator, world.addr("t2"))
    with reverts(ParticipantFrozen, account=world.addr("t2")):
        world.bills.sign(world["t2"], transfer_id)
    world.system.registry.unfreeze(world.operator, world.addr("t2"))
    world.system.registry.freeze(world.operator, world.addr("t1"))
    with reverts(ParticipantFrozen, account=world.addr("t1")):
        world.bills.sign(world["t2"], transfer_id)


def test_requests_on_a_settled_bill_fail(world: World) -> None:
    bill = world.circulating(amount=10, days=1)
    world.mint("bank", 10)
    world.advance_days(1)
    world.bills.present(world["t1"], bill, 1)
    world.bills.pay(world["bank"], bill, 1)
    assert world.bills.bill(bill).status is BillStatus.SETTLED
    with reverts(BillInvalidState, status=BillStatus.SETTLED):
        world.bills.endorse(world["t1"], bill, 1, 10, world.addr("t2"))
