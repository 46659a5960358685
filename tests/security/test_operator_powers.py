"""Finding 1: the operator's key could drain a participant and print money.

The attacks, with the operator's key and token only: grant itself the settler role and settle a
victim's cash to a thief; call settle itself; mint a fortune through a bank it admitted alone; grant
another account the OPERATOR role; undo a regulator's freeze."""

from __future__ import annotations

import pytest
from web3 import Web3

from chain.deploy import OPERATOR_ROLE
from chain.errors import (
    AccessControlUnauthorizedAccount,
    CashMintLimitExceeded,
    CashRoleForbidden,
    ChainError,
    ParticipantRegulatorDecides,
    TimelockUnexpectedOperationState,
)
from tests.api.conftest import Api, problem
from tests.conftest import DAY, World, key_for, reverts

SETTLER_ROLE = Web3.keccak(text="SETTLER")
GRANT_ROLE_ABI = [
    {
        "type": "function",
        "name": "grantRole",
        "stateMutability": "nonpayable",
        "inputs": [{"name": "role", "type": "bytes32"}, {"name": "account", "type": "address"}],
        "outputs": [],
    }
]


def test_no_one_can_grant_the_settler_role_and_settle_a_victims_cash(world: World) -> None:
    world.mint("t1", 5_000)
    cash = world.cash
    # The attack of the review: AccessControl's grantRole on the cash contract. It has no roles any more.
    access = world.backend.w3.eth.contract(address=cash.address, abi=GRANT_ROLE_ABI)
    with pytest.raises(ChainError):
        world.system.tx.send(world.operator, access.functions.grantRole(SETTLER_ROLE, world.operator.address))
    with reverts(CashRoleForbidden, account=world.operator.address):
        cash._send(world.operator, "settle", world.addr("t1"), world.addr("t2"), 5_000)
    with reverts(CashRoleForbidden, account=world.addr("bank")):
        cash._send(world["bank"], "settle", world.addr("t1"), world.addr("bank"), 5_000)
    assert cash.balance_of(world.addr("t1")) == 5_000 and cash.settler() == world.bills.address


def test_a_bank_the_operator_admitted_alone_cannot_create_money(api: Api) -> None:
    sham = api.onboard("BANK", "sham", mint_limit=None)  # admitted by the operator alone: no limit set
    accomplice = api.onboard("ENTERPRISE", "accomplice")
    before = api.runtime.system.cash.total_supply()
    fortune = {"to": accomplice, "amount": "999999999999.99"}
    problem(api.post("/v1/cash/mint", sham, fortune), 409, "MINT_LIMIT_EXCEEDED")
    problem(
        api.post(f"/v1/participants/{sham}/mint-limit", "operator", {"limit": "1000000000000.00"}), 403, "FORBIDDEN"
    )
    problem(api.post(f"/v1/participants/{sham}/mint-limit", sham, {"limit": "1000000000000.00"}), 403, "FORBIDDEN")
    assert api.runtime.system.cash.total_supply() == before
    assert api.ok(api.get(f"/v1/participants/{sham}/mint-limit")) == {
        "participant": sham,
        "mint_limit": "0.00",
        "minted": "0.00",
    }


def test_a_bank_mints_within_its_limit_and_what_it_minted_is_readable(world: World) -> None:
    bank = key_for("limited bank")
    world.backend.fund(bank.address)
    world.system.registry.register(world.operator, bank.address, 1)
    world.cash.set_mint_limit(world["reg"], bank.address, 1_000)
    world.cash.mint(bank, world.addr("t1"), 600)
    with reverts(CashMintLimitExceeded, limit=1_000, minted=600, amount=401):
        world.cash.mint(bank, world.addr("t1"), 401)
    assert world.cash.mint_limit_of(bank.address) == (1_000, 600)
    with reverts(CashRoleForbidden, account=world.operator.address):
        world.cash.set_mint_limit(world.operator, bank.address, 10**12)


def test_the_operator_cannot_make_itself_or_another_an_admin(world: World) -> None:
    registry = world.system.registry.contract
    accomplice = key_for("accomplice").address
    for role in (OPERATOR_ROLE, b"\0" * 32):  # OPERATOR, and DEFAULT_ADMIN
        with reverts(AccessControlUnauthorizedAccount, account=world.operator.address):
            world.system.tx.send(world.operator, registry.functions.grantRole(role, accomplice))
    assert not registry.functions.hasRole(OPERATOR_ROLE, accomplice).call()


def test_adding_an_operator_waits_out_the_timelock_in_public(world: World) -> None:
    timelock, registry = world.system.timelock, world.system.registry.contract
    accomplice = key_for("accomplice").address
    data = registry.functions.grantRole(OPERATOR_ROLE, accomplice).build_transaction({"gas": 0})["data"]
    delay = int(timelock.functions.getMinDelay().call())
    assert delay >= DAY  # deployed with the default: two days
    salt = b"\0" * 32
    world.system.tx.send(world.operator, timelock.functions.schedule(registry.address, 0, data, salt, salt, delay))
    with reverts(TimelockUnexpectedOperationState):  # not before the delay: everyone sees it coming
        world.system.tx.send(world["t1"], timelock.functions.execute(registry.address, 0, data, salt, salt))
    world.backend.advance_time(delay + 1)
    world.system.tx.send(world["t1"], timelock.functions.execute(registry.address, 0, data, salt, salt))
    assert registry.functions.hasRole(OPERATOR_ROLE, accomplice).call()


def test_the_operator_cannot_undo_a_regulators_freeze(world: World, api: Api, cast: dict[str, str]) -> None:
    registry = world.system.registry
    registry.freeze(world["reg"], world.addr("t1"))
    with reverts(ParticipantRegulatorDecides, account=world.addr("t1")):
        registry.unfreeze(world.operator, world.addr("t1"))
    with reverts(ParticipantRegulatorDecides, account=world.addr("reg")):
        registry.freeze(world.operator, world.addr("reg"))  # nor silence a regulator
    api.ok(api.post(f"/v1/participants/{cast['t1']}/freeze", cast["reg"]))
    problem(api.post(f"/v1/participants/{cast['t1']}/unfreeze", "operator"), 403, "FORBIDDEN")
    assert api.ok(api.get(f"/v1/participants/{cast['t1']}"))["status"] == "FROZEN"
