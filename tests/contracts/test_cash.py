"""Digital cash: permissioned mint and transfer, settlement only through the bill registry."""

from __future__ import annotations

from chain.errors import (
    CashHolderFrozen,
    CashHolderNotPermitted,
    CashInsufficient,
    CashInvalidAmount,
    CashRoleForbidden,
)
from tests.conftest import World, reverts


def test_a_bank_mints_to_banks_and_enterprises(world: World) -> None:
    world.mint("t1", 150)
    world.mint("bank2", 50)
    assert world.cash.balance_of(world.addr("t1")) == 150
    assert world.cash.total_supply() == world.cash.total_minted() == 200
    assert world.cash.contract.functions.decimals().call() == 2


def test_only_an_active_bank_mints(world: World) -> None:
    with reverts(CashRoleForbidden, account=world.addr("t1")):
        world.cash.mint(world["t1"], world.addr("t1"), 1)
    with reverts(CashRoleForbidden, account=world.addr("reg")):
        world.cash.mint(world["reg"], world.addr("t1"), 1)
    world.system.registry.freeze(world.operator, world.addr("bank"))
    with reverts(CashHolderFrozen, account=world.addr("bank")):
        world.mint("t1", 1)


def test_mint_checks_amount_and_receiver(world: World) -> None:
    with reverts(CashInvalidAmount, amount=0):
        world.mint("t1", 0)
    with reverts(CashHolderNotPermitted, account=world.addr("reg")):
        world.mint("reg", 1)
    with reverts(CashHolderNotPermitted, account=world.operator.address):
        world.cash.mint(world["bank"], world.operator.address, 1)


def test_transfer_between_holders(world: World) -> None:
    world.mint("t1", 100)
    world.cash.transfer(world["t1"], world.addr("bank2"), 40)
    assert world.cash.balance_of(world.addr("t1")) == 60
    assert world.cash.balance_of(world.addr("bank2")) == 40
    with reverts(CashInsufficient, payer=world.addr("t1"), balance=60, needed=61):
        world.cash.transfer(world["t1"], world.addr("t2"), 61)
    with reverts(CashHolderNotPermitted, account=world.addr("reg")):
        world.cash.transfer(world["t1"], world.addr("reg"), 1)


def test_frozen_cash_cannot_move(world: World) -> None:
    world.mint("t1", 100)
    world.system.registry.freeze(world.operator, world.addr("t1"))
    with reverts(CashHolderFrozen, account=world.addr("t1")):
        world.cash.transfer(world["t1"], world.addr("t2"), 1)
    world.system.registry.unfreeze(world.operator, world.addr("t1"))
    world.system.registry.freeze(world.operator, world.addr("t2"))
    with reverts(CashHolderFrozen, account=world.addr("t2")):
        world.cash.transfer(world["t1"], world.addr("t2"), 1)


def test_nobody_else_moves_cash_on_anothers_behalf(world: World) -> None:
    world.mint("t1", 100)
    functions = world.cash.contract.functions
    with reverts(CashRoleForbidden):
        world.system.tx.send(world["t2"], functions.approve(world.addr("t2"), 100))
    with reverts(CashRoleForbidden):
        world.system.tx.send(world["t2"], functions.transferFrom(world.addr("t1"), world.addr("t2"), 1))
    with reverts(CashRoleForbidden, account=world.addr("t2")):
        world.system.tx.send(world["t2"], functions.settle(world.addr("t1"), world.addr("t2"), 1))
    assert world.cash.balance_of(world.addr("t1")) == 100
