"""Court orders (司法冻结、扣划): a judicial freeze names its order; a seizure of a range frozen under it takes a
REGULATOR's request and a second party's signature (DOMAIN.md, "Court orders", invariant 10)."""

from __future__ import annotations

import pytest

from chain.deploy import create_address
from chain.errors import (
    BillInvalidCounterparty,
    BillNotParty,
    BillRoleForbidden,
    CourtOrderRequired,
    ExtensionCalledDirectly,
    FreezeUnchanged,
    RangeFrozen,
    RangeNotUnderOrder,
    SeizureTermsDiffer,
    TransferInvalidState,
)
from chain.model import ZERO_HASH, RangeState, Role, TransferKind, TransferStatus
from tests.conftest import World, doc, key_for, reverts

ORDER = doc("(2026)沪0101执1234号")
OTHER_ORDER = doc("(2026)沪0101执9999号")


@pytest.fixture
def reg2(world: World) -> str:
    """A second REGULATOR, admitted by the operator and approved by the first."""
    account = key_for("reg2")
    world.backend.fund(account.address)
    world.system.registry.register(world.operator, account.address, Role.REGULATOR)
    world.system.registry.approve(world["reg"], account.address)
    world.accounts["reg2"] = account
    return "reg2"


def _under_order(world: World, amount: int = 1_000) -> int:
    bill = world.circulating(amount=amount)
    world.endorse_signed(bill, 1, 400, "t1", "t2")
    world.bills.freeze_under_order(world["reg"], bill, ORDER, start=1)
    return bill


def test_a_judicial_freeze_names_its_order_and_only_a_regulator_lifts_it(world: World) -> None:
    bill = _under_order(world)
    rng = world.bills.range(bill, 1)
    assert rng.frozen and rng.order_hash == ORDER
    with reverts(RangeFrozen, start=1):
        world.bills.endorse(world["t2"], bill, 1, 10, world.addr("t3"))
    with reverts(FreezeUnchanged):
        world.bills.freeze_under_order(world["reg"], bill, OTHER_ORDER, start=1)  # one order at a time
    with reverts(CourtOrderRequired):
        world.bills.freeze_under_order(world["reg"], bill, ZERO_HASH, start=401)
    with reverts(BillRoleForbidden):
        world.bills.unfreeze(world.operator, bill, 1)
    world.bills.unfreeze(world["reg"], bill, 1)
    assert world.bills.order_of(bill, 1) is None and not world.bills.range(bill, 1).frozen
    # a plain freeze may become a judicial one; the whole bill too
    world.bills.freeze(world["reg"], bill, 401)
    world.bills.freeze_under_order(world["reg"], bill, ORDER, start=401)
    world.bills.freeze_under_order(world["reg"], bill, OTHER_ORDER)
    assert world.bills.bill(bill).order_hash == OTHER_ORDER


def test_a_seizure_takes_a_second_regulator_and_moves_the_range_to_the_beneficiary(world: World, reg2: str) -> None:
    bill = _under_order(world)
    transfer_id, _ = world.bills.seize(world["reg"], bill, 1, world.addr("t3"), ORDER)
    record = world.bills.transfer(transfer_id)
    assert (record.kind, record.from_, record.to, record.order_hash) == (
        TransferKind.SEIZURE,
        world.addr("reg"),
        world.addr("t3"),
        ORDER,
    )
    assert world.bills.range(bill, 1).state == RangeState.LOCKED
    # the requester alone, the beneficiary, a holder: no
    with reverts(BillNotParty, account=world.addr("reg")):
        world.bills.confirm_seizure(world["reg"], transfer_id, world.addr("t3"), ORDER)
    with reverts(BillRoleForbidden, account=world.addr("t3")):
        world.bills.confirm_seizure(world["t3"], transfer_id, world.addr("t3"), ORDER)
    with reverts(BillNotParty):
        world.bills.sign(world["t3"], transfer_id)  # the generic signature is nobody's for a seizure
    with reverts(SeizureTermsDiffer, beneficiary=world.addr("t3"), order_hash=ORDER):
        world.bills.confirm_seizure(world[reg2], transfer_id, world.addr("t1"), ORDER)
    world.bills.confirm_seizure(world[reg2], transfer_id, world.addr("t3"), ORDER)
    rng = world.bills.range(bill, 1)
    assert (rng.holder, rng.state, rng.frozen, rng.order_hash) == (world.addr("t3"), RangeState.HELD, False, None)
    assert world.bills.endorsement_chain(bill, 1) == [world.addr("t1"), world.addr("t2"), world.addr("t3")]
    assert world.bills.transfer(transfer_id).status == TransferStatus.SIGNED
    # the holder it was taken from did not endorse it: it is not liable to the beneficiary; t1 is
    assert not world.bills.liable_to(bill, 1, world.addr("t2"))
    assert world.bills.liable_to(bill, 1, world.addr("t1"))


def test_the_operator_may_be_the_second_party(world: World) -> None:
    bill = _under_order(world)
    transfer_id, _ = world.bills.seize(world["reg"], bill, 1, world.addr("t3"), ORDER)
    world.bills.confirm_seizure(world.operator, transfer_id, world.addr("t3"), ORDER)
    assert world.bills.range(bill, 1).holder == world.addr("t3")


def test_the_operator_cannot_ask_for_a_seizure(world: World) -> None:
    bill = _under_order(world)
    with reverts(BillRoleForbidden):
        world.bills.seize(world.operator, bill, 1, world.addr("t3"), ORDER)


def test_only_a_range_held_and_frozen_under_that_order_is_seized(world: World) -> None:
    bill = _under_order(world)
    with reverts(RangeNotUnderOrder, order_hash=OTHER_ORDER):
        world.bills.seize(world["reg"], bill, 1, world.addr("t3"), OTHER_ORDER)
    with reverts(RangeNotUnderOrder):
        world.bills.seize(world["reg"], bill, 401, world.addr("t3"), ORDER)  # not frozen at all
    with reverts(BillInvalidCounterparty, account=world.addr("t2")):
        world.bills.seize(world["reg"], bill, 1, world.addr("t2"), ORDER)  # to its own holder
    with reverts(BillInvalidCounterparty):
        world.bills.seize(world["reg"], bill, 1, world.addr("reg"), ORDER)
    world.bills.freeze(world["reg"], bill, 401)
    with reverts(RangeNotUnderOrder):
        world.bills.seize(world["reg"], bill, 401, world.addr("t3"), ORDER)  # a plain freeze names no order


def test_a_seizure_lifted_meanwhile_is_not_completed(world: World, reg2: str) -> None:
    bill = _under_order(world)
    transfer_id, _ = world.bills.seize(world["reg"], bill, 1, world.addr("t3"), ORDER)
    world.bills.unfreeze(world[reg2], bill, 1)
    with reverts(RangeNotUnderOrder):
        world.bills.confirm_seizure(world[reg2], transfer_id, world.addr("t3"), ORDER)


def test_a_seizure_is_rejected_by_the_second_party_or_revoked_by_its_requester(world: World, reg2: str) -> None:
    bill = _under_order(world)
    transfer_id, _ = world.bills.seize(world["reg"], bill, 1, world.addr("t3"), ORDER)
    with reverts(BillNotParty):
        world.bills.reject_seizure(world["reg"], transfer_id)
    world.bills.reject_seizure(world[reg2], transfer_id)
    rng = world.bills.range(bill, 1)
    assert (rng.holder, rng.state, rng.order_hash) == (world.addr("t2"), RangeState.HELD, ORDER)
    transfer_id, _ = world.bills.seize(world["reg"], bill, 1, world.addr("t3"), ORDER)
    with reverts(BillNotParty):
        world.bills.revoke(world[reg2], transfer_id)
    world.bills.revoke(world["reg"], transfer_id)
    assert world.bills.range(bill, 1).state == RangeState.HELD
    with reverts(TransferInvalidState):
        world.bills.confirm_seizure(world[reg2], transfer_id, world.addr("t3"), ORDER)


def test_the_extension_runs_only_on_the_registry_s_storage(world: World) -> None:
    """Called directly (its own storage is no registry), a write of the extension is refused."""
    created = world.backend.w3.eth.get_transaction_count(world.bills.address)
    extension = create_address(world.bills.address, created - 1)  # the registry's last creation (after its cash)
    assert world.backend.w3.eth.get_code(extension)
    call = world.bills.encode("freezeUnderOrder", 1, 0, ORDER)
    with pytest.raises(ExtensionCalledDirectly):
        try:
            world.backend.call(extension, call.data)
        except world.backend.revert_errors as exc:
            raise world.bills.tx.decoder.decode(world.backend.revert_data(exc)) from None
