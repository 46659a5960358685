"""Regulator freezes of bills and ranges: nothing happens to a frozen one but unfreezing."""

from __future__ import annotations

from chain.errors import (
    BillFrozen,
    BillNotFound,
    BillRoleForbidden,
    FreezeUnchanged,
    ParticipantFrozen,
    RangeFrozen,
    RangeNotFound,
)
from chain.model import Role
from tests.conftest import World, key_for, reverts


def test_only_an_active_regulator_freezes(world: World) -> None:
    bill = world.circulating()
    for who, role in (("bank", Role.BANK), ("t1", Role.ENTERPRISE)):
        with reverts(BillRoleForbidden, account=world.addr(who), role=role):
            world.bills.freeze(world[who], bill)
    with reverts(BillRoleForbidden, role=0):
        world.bills.freeze(world.operator, bill)
    other = key_for("another regulator")  # a regulator is frozen by a regulator, not by the operator
    world.backend.fund(other.address)
    world.system.registry.register(world.operator, other.address, Role.REGULATOR)
    world.system.registry.approve(world["reg"], other.address)  # a second regulator acts once approved
    world.system.registry.freeze(other, world.addr("reg"))
    with reverts(ParticipantFrozen, account=world.addr("reg")):
        world.bills.freeze(world["reg"], bill)


def test_freeze_targets_must_exist_and_change(world: World) -> None:
    bill = world.circulating(amount=100)
    with reverts(BillNotFound, bill_id=42):
        world.bills.freeze(world["reg"], 42)
    with reverts(RangeNotFound, bill_id=bill, start=5):
        world.bills.freeze(world["reg"], bill, 5)
    with reverts(FreezeUnchanged, bill_id=bill, start=0, frozen=False):
        world.bills.unfreeze(world["reg"], bill)
    world.bills.freeze(world["reg"], bill, 1)
    with reverts(FreezeUnchanged, bill_id=bill, start=1, frozen=True):
        world.bills.freeze(world["reg"], bill, 1)


def test_a_frozen_bill_blocks_every_operation(world: World) -> None:
    bill = world.circulating(amount=100)
    pending, _ = world.bills.endorse(world["t1"], bill, 1, 50, world.addr("t2"))
    world.bills.freeze(world["reg"], bill)
    assert world.bills.bill(bill).frozen
    with reverts(BillFrozen, bill_id=bill):
        world.bills.endorse(world["t1"], bill, 51, 10, world.addr("t2"))
    with reverts(BillFrozen):
        world.bills.sign(world["t2"], pending)
    with reverts(BillFrozen):
        world.bills.reject_transfer(world["t2"], pending)
    with reverts(BillFrozen):
        world.bills.revoke(world["t1"], pending)
    world.bills.unfreeze(world["reg"], bill)
    world.bills.sign(world["t2"], pending)


def test_a_frozen_range_blocks_only_itself(world: World) -> None:
    bill = world.circulating(amount=100)
    world.endorse_signed(bill, 1, 50, "t1", "t2")
    world.bills.freeze(world["reg"], bill, 1)
    assert world.bills.range(bill, 1).frozen and not world.bills.range(bill, 51).frozen
    with reverts(RangeFrozen, bill_id=bill, start=1):
        world.bills.endorse(world["t2"], bill, 1, 10, world.addr("t3"))
    world.endorse_signed(bill, 51, 10, "t1", "t3")
    world.bills.unfreeze(world["reg"], bill, 1)
    world.endorse_signed(bill, 1, 10, "t2", "t3")
