"""Participant registry: onboarding, member codes, roles, freeze."""

from __future__ import annotations

from eth_account import Account

from chain.errors import (
    AccessControlUnauthorizedAccount,
    BillRoleForbidden,
    ParticipantAlreadyRegistered,
    ParticipantFrozen,
    ParticipantIdTaken,
    ParticipantInvalidProfile,
    ParticipantInvalidRole,
    ParticipantInvalidStatus,
    ParticipantNotRegistered,
    ParticipantRegulatorDecides,
    ParticipantRoleForbidden,
)
from chain.model import MemberStatus, Role
from tests.conftest import World, key_for, reverts


def test_member_codes_follow_onboarding_order(world: World) -> None:
    codes = [world.system.registry.member(world.addr(n)).code for n in ("bank", "bank2", "core", "t1")]
    assert codes == [1, 2, 3, 4]
    newcomer = Account.create()
    code, _ = world.system.registry.register(world.operator, newcomer.address, Role.ENTERPRISE)
    assert code == world.system.registry.member_count() == 8
    assert world.system.registry.account_of(code) == newcomer.address


def test_only_the_operator_onboards(world: World) -> None:
    with reverts(AccessControlUnauthorizedAccount, account=world.addr("bank")):
        world.system.registry.register(world["bank"], Account.create().address, Role.BANK)


def test_onboarding_twice_or_with_a_bad_role_fails(world: World) -> None:
    with reverts(ParticipantAlreadyRegistered, account=world.addr("t1")):
        world.system.registry.register(world.operator, world.addr("t1"), Role.BANK)
    with reverts(ParticipantInvalidRole, role=4):
        world.system.registry.register(world.operator, Account.create().address, 4)  # type: ignore[arg-type]


def test_the_directory_is_on_the_chain_with_ids_unique(world: World) -> None:
    """Every gateway's directory comes from the registration event: id, name and credit code, as onboarded;
    an id is one account's for good."""
    registry = world.system.registry
    newcomer = Account.create().address
    _, result = registry.register(
        world.operator, newcomer, Role.ENTERPRISE, "t9-supplier", "第九级供应商有限公司", "91310000MA1FL4JK3N"
    )
    (event,) = registry.events(result, "ParticipantRegistered")
    assert (event.args.account, event.args.id, event.args.name, event.args.creditCode) == (
        newcomer,
        "t9-supplier",
        "第九级供应商有限公司",
        "91310000MA1FL4JK3N",
    )
    assert registry.account_of_id("t9-supplier") == newcomer and registry.account_of_id("t10") is None
    with reverts(ParticipantIdTaken, id="t9-supplier", account=newcomer):
        registry.register(world.operator, Account.create().address, Role.BANK, "t9-supplier")
    for bad in ("", "x" * 65):
        with reverts(ParticipantInvalidProfile, id=bad):
            registry.register(world.operator, Account.create().address, Role.BANK, bad, "n")
    with reverts(ParticipantInvalidProfile, id="long-name"):
        registry.register(world.operator, Account.create().address, Role.BANK, "long-name", "名" * 267)
    with reverts(ParticipantInvalidProfile, id="long-code"):
        registry.register(world.operator, Account.create().address, Role.BANK, "long-code", "n", "9" * 19)


def test_operator_and_regulator_freeze_and_unfreeze(world: World) -> None:
    registry = world.system.registry
    registry.freeze(world.operator, world.addr("t1"))
    assert registry.member(world.addr("t1")).status is MemberStatus.FROZEN
    registry.unfreeze(world["reg"], world.addr("t1"))
    assert registry.member(world.addr("t1")).status is MemberStatus.ACTIVE


def test_freeze_rules(world: World) -> None:
    registry = world.system.registry
    with reverts(ParticipantRoleForbidden, account=world.addr("bank"), role=Role.BANK):
        registry.freeze(world["bank"], world.addr("t1"))
    with reverts(ParticipantNotRegistered):
        registry.freeze(world.operator, Account.create().address)
    with reverts(ParticipantInvalidStatus, status=MemberStatus.ACTIVE):
        registry.unfreeze(world.operator, world.addr("t1"))
    registry.freeze(world.operator, world.addr("t1"))
    with reverts(ParticipantInvalidStatus, status=MemberStatus.FROZEN):
        registry.freeze(world.operator, world.addr("t1"))
    other = key_for("another regulator")  # a regulator is frozen by a regulator, never by the operator
    world.backend.fund(other.address)
    registry.register(world.operator, other.address, Role.REGULATOR)
    registry.approve(world["reg"], other.address)  # a second regulator acts once approved
    with reverts(ParticipantRegulatorDecides, account=world.addr("reg")):
        registry.freeze(world.operator, world.addr("reg"))
    registry.freeze(other, world.addr("reg"))
    with reverts(ParticipantFrozen, account=world.addr("reg")):
        registry.unfreeze(world["reg"], world.addr("t1"))


def test_a_frozen_participant_can_neither_act_nor_receive(world: World) -> None:
    bill = world.circulating()
    world.system.registry.freeze(world.operator, world.addr("t2"))
    with reverts(ParticipantFrozen, account=world.addr("t2")):
        world.bills.endorse(world["t1"], bill, 1, 10, world.addr("t2"), None)
    world.system.registry.freeze(world.operator, world.addr("t1"))
    with reverts(ParticipantFrozen, account=world.addr("t1")):
        world.bills.endorse(world["t1"], bill, 1, 10, world.addr("t3"), None)


def test_the_operator_is_not_a_member_and_cannot_trade(world: World) -> None:
    with reverts(BillRoleForbidden, account=world.operator.address, role=0):
        world.bills.issue(
            world.operator,
            kind=1,
            acceptor=world.addr("bank"),
            payee=world.addr("t1"),
            amount=1,
            maturity_day=world.today() + 5,
        )
