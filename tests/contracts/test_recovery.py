"""Key recovery: the OPERATOR requests, a REGULATOR approves, 72 hours pass in which the participant may
cancel with its current key; then the new key alone acts, with everything the participant had (DOMAIN.md,
"Key recovery", invariant 10)."""

from __future__ import annotations

from eth_account import Account

from chain.errors import (
    AccessControlUnauthorizedAccount,
    BillRoleForbidden,
    CashHolderNotPermitted,
    ParticipantAlreadyRegistered,
    ParticipantInvalidAccount,
    ParticipantNotRegistered,
    ParticipantRoleForbidden,
    RecoveryInvalidState,
    RecoveryNotParty,
    RecoveryOwnApproval,
)
from chain.model import MemberStatus, RangeState, Role
from tests.conftest import World, reverts

HOURS = 3_600


def _new_key(world: World) -> str:
    account = Account.create()
    world.accounts["new"] = account
    world.backend.fund(account.address)
    return str(account.address)


def test_a_recovery_moves_everything_to_the_new_key_and_the_old_one_does_nothing(world: World) -> None:
    registry = world.system.registry
    bill = world.circulating(amount=1_000)
    pending, _ = world.bills.endorse(world["t1"], bill, 1, 300, world.addr("t2"))
    world.mint("t1", 500)
    old, code = world.addr("t1"), registry.member(world.addr("t1")).code
    new = _new_key(world)
    registry.request_recovery(world.operator, old, new)
    result = registry.approve_recovery(world["reg"], old, new)
    effective_at = registry.recovery_of(old).effective_at
    assert effective_at == world.backend.w3.eth.get_block(result.block_number)["timestamp"] + 72 * HOURS
    with reverts(RecoveryInvalidState, account=old):
        registry.complete_recovery(world.operator, old)  # not before 72 hours
    world.backend.advance_time(72 * HOURS)
    # from its effective time the old key is nobody, before anyone completes it
    assert registry.member(old).code == 0
    with reverts(BillRoleForbidden, account=old):
        world.bills.endorse(world["t1"], bill, 301, 10, world.addr("t3"))
    registry.complete_recovery(world["t3"], old)  # anyone completes it
    assert registry.member(new).code == code and registry.account_of(code) == new
    assert registry.account_of_id(f"member-{old[2:12].lower()}") == new
    assert registry.member(old).code == 0 and registry.recovery_of(old) is None
    # the ranges, the pending transfer and the cash are the participant's, at its new address
    assert world.bills.range(bill, 301).holder == new
    assert world.cash.balance_of(new) == 500 and world.cash.balance_of(old) == 0
    world.bills.revoke(world["new"], pending)
    assert world.bills.range(bill, 1).state == RangeState.HELD
    world.endorse_signed(bill, 1, 100, "new", "t2")
    with reverts(CashHolderNotPermitted, account=old):
        world.cash.transfer(world["t1"], world.addr("t3"), 1)
    with reverts(ParticipantNotRegistered):
        registry.cancel_recovery(world["t1"], old)


def test_a_bank_s_mint_limit_and_minted_total_move_with_it(world: World) -> None:
    registry = world.system.registry
    world.mint("t1", 700, bank="bank2")
    before = world.cash.mint_limit_of(world.addr("bank2"))
    new = _new_key(world)
    registry.request_recovery(world.operator, world.addr("bank2"), new)
    registry.approve_recovery(world["reg"], world.addr("bank2"), new)
    world.backend.advance_time(72 * HOURS)
    registry.complete_recovery(world.operator, world.addr("bank2"))
    assert world.cash.mint_limit_of(new) == before and world.cash.mint_limit_of(world.addr("bank2")) == (0, 0)
    world.cash.mint(world["new"], world.addr("t1"), 1)


def test_the_participant_cancels_with_its_current_key(world: World) -> None:
    registry = world.system.registry
    new = _new_key(world)
    registry.request_recovery(world.operator, world.addr("t1"), new)
    registry.approve_recovery(world["reg"], world.addr("t1"), new)
    with reverts(RecoveryNotParty, caller=world.operator.address):
        registry.cancel_recovery(world.operator, world.addr("t1"))
    registry.cancel_recovery(world["t1"], world.addr("t1"))
    world.backend.advance_time(72 * HOURS)
    with reverts(RecoveryInvalidState):
        registry.complete_recovery(world.operator, world.addr("t1"))
    assert registry.member(world.addr("t1")).code != 0 and registry.member(new).code == 0


def test_the_operator_alone_cannot_move_a_participant(world: World) -> None:
    registry = world.system.registry
    new = _new_key(world)
    with reverts(AccessControlUnauthorizedAccount):
        registry.request_recovery(world["reg"], world.addr("t1"), new)  # a regulator does not request
    registry.request_recovery(world.operator, world.addr("t1"), new)
    world.backend.advance_time(72 * HOURS)
    with reverts(RecoveryInvalidState):
        registry.complete_recovery(world.operator, world.addr("t1"))  # never approved
    with reverts(ParticipantRoleForbidden):
        registry.approve_recovery(world.operator, world.addr("t1"), new)


def test_an_approval_covers_the_address_it_names_alone(world: World) -> None:
    registry = world.system.registry
    new = _new_key(world)
    registry.request_recovery(world.operator, world.addr("t1"), new)
    other = Account.create().address
    registry.request_recovery(world.operator, world.addr("t1"), other)  # replaces the unapproved one
    with reverts(RecoveryInvalidState):
        registry.approve_recovery(world["reg"], world.addr("t1"), new)
    registry.approve_recovery(world["reg"], world.addr("t1"), other)
    with reverts(RecoveryInvalidState):
        registry.request_recovery(world.operator, world.addr("t1"), new)  # approved: cancel first


def test_a_regulator_does_not_approve_its_own_recovery_and_a_member_is_no_new_key(world: World) -> None:
    registry = world.system.registry
    new = _new_key(world)
    registry.request_recovery(world.operator, world.addr("reg"), new)
    with reverts(RecoveryOwnApproval):
        registry.approve_recovery(world["reg"], world.addr("reg"), new)
    with reverts(ParticipantAlreadyRegistered):
        registry.request_recovery(world.operator, world.addr("t1"), world.addr("t2"))


def test_a_frozen_participant_still_cancels_a_recovery_it_did_not_ask_for(world: World) -> None:
    """DOMAIN.md: a recovery takes effect unless the participant cancels it with its current key. A freeze, by
    the OPERATOR or by a REGULATOR, must not take that answer away: else the OPERATOR's freeze and one
    REGULATOR's approval (two keys one stolen data dir may hold) would move a key that was never lost."""
    registry = world.system.registry
    t1 = world.addr("t1")
    for freezer in (world.operator, world["reg"]):
        new = _new_key(world)
        registry.freeze(freezer, t1)
        registry.request_recovery(world.operator, t1, new)
        registry.approve_recovery(world["reg"], t1, new)
        registry.cancel_recovery(world["t1"], t1)
        world.backend.advance_time(72 * HOURS)
        with reverts(RecoveryInvalidState):
            registry.complete_recovery(world.operator, t1)
        assert registry.member(t1).code != 0 and registry.member(new).code == 0
        registry.unfreeze(world["reg"], t1)
    # once frozen, a thief holding the key does nothing but cancel: the freeze stays until a REGULATOR lifts it
    assert registry.member(t1).status == MemberStatus.ACTIVE


def test_an_approved_recovery_holds_its_new_address(world: World) -> None:
    """Approved, the new address is the recovery's: the OPERATOR cannot register it (which would strand the
    participant: its old key ends at the effective time and the recovery could never complete), and no other
    recovery names it; a cancellation frees it."""
    registry = world.system.registry
    t1, t2, new = world.addr("t1"), world.addr("t2"), _new_key(world)
    registry.request_recovery(world.operator, t1, new)
    registry.approve_recovery(world["reg"], t1, new)
    with reverts(ParticipantAlreadyRegistered):
        registry.register(world.operator, new, Role.ENTERPRISE)
    with reverts(ParticipantAlreadyRegistered):
        registry.request_recovery(world.operator, t2, new)
    world.backend.advance_time(72 * HOURS)
    registry.complete_recovery(world.operator, t1)
    assert registry.member(new).role == Role.ENTERPRISE and registry.member(t1).code == 0
    other = _new_key(world)
    registry.request_recovery(world.operator, t2, other)
    registry.approve_recovery(world["reg"], t2, other)
    registry.cancel_recovery(world["t2"], t2)
    registry.register(world.operator, other, Role.ENTERPRISE)  # freed by the cancellation
    assert registry.member(other).role == Role.ENTERPRISE


def test_the_operator_s_own_address_is_no_member(world: World) -> None:
    with reverts(ParticipantInvalidAccount):
        world.system.registry.register(world.operator, world.operator.address, Role.ENTERPRISE)
