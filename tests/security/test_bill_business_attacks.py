"""Issue 27's business, attacked: no single party seizes a range, moves a participant to a new key, forces a
guarantee, makes a restrictive endorser or a guarantor pay where it is not liable, or lifts a persistently
overdue acceptor's shut-out (DOMAIN.md, "Guarantees" to "Key recovery", invariants 8-10; API.md, "Added").

Each attack is made on chain, with raw transactions and with operations relayed in another's name, and through
the gateway; each must be refused with its own error, and leave the chain as it was."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import to_checksum_address

from chain.clients import BillRegistryClient
from chain.deploy import create_address
from chain.errors import (
    BillAcceptorOverdue,
    BillFrozen,
    BillNotParty,
    BillRoleForbidden,
    CashHolderFrozen,
    CashHolderNotPermitted,
    ContractError,
    ExtensionCalledDirectly,
    ParticipantAlreadyRegistered,
    ParticipantFrozen,
    ParticipantInvalidAccount,
    ParticipantNotRegistered,
    ParticipantPending,
    ParticipantRegulatorDecides,
    ParticipantRoleForbidden,
    RangeNotUnderOrder,
    RecourseInvalidTarget,
    RecoveryInvalidState,
    RecoveryNotParty,
    RecoveryOwnApproval,
    RelayBadSignature,
    SeizureTermsDiffer,
)
from chain.keys import Keystore
from chain.model import BillKind, MemberStatus, RangeState, Role, TransferKind, TransferStatus
from chain.relay import SignedBy, sign_typed
from chain.tx import EncodedCall
from tests.api.conftest import Api, problem
from tests.conftest import World, doc, key_for, reverts

ORDER = doc("(2026)沪0101执0027号")
OTHER_ORDER = doc("(2026)沪0101执0028号")
HOURS = 3_600
RECOVERY_DELAY = 72 * HOURS


# ------------------------------------------------------------------------------------------------- helpers


@pytest.fixture
def world(world: World) -> Iterator[World]:
    """The contracts' world; the keys a test names in it (a second regulator, a new member) are forgotten after."""
    names = dict(world.accounts)
    yield world
    world.accounts.clear()
    world.accounts.update(names)


def _member(world: World, name: str, role: Role = Role.ENTERPRISE) -> str:
    """One more participant, admitted by the operator."""
    account = key_for(name)
    world.backend.fund(account.address)
    world.system.registry.register(world.operator, account.address, role, name)
    world.accounts[name] = account
    return name


def _regulator(world: World, name: str, *, approve: bool = True) -> str:
    """A later REGULATOR: admitted by the operator (PENDING), approved by the world's regulator unless told not."""
    _member(world, name, Role.REGULATOR)
    if approve:
        world.system.registry.approve(world["reg"], world.addr(name))
    return name


def _outsider(world: World, name: str) -> LocalAccount:
    """A funded key that is no member and no operator: a joined gateway's own key, a relayer, a thief."""
    account = key_for(name)
    world.backend.fund(account.address)
    return account


def _forged(world: World, call: EncodedCall, who: str, key: LocalAccount) -> SignedBy:
    """`call` relayed as the operation of `who` (a name, the operator's too, or an address), signed with `key`:
    whoever holds it."""
    relay, address = world.system.relay, who if who.startswith("0x") else world.addr(who)
    nonce, deadline = relay.nonce(address), world.backend.timestamp() + HOURS
    signature = sign_typed(key, relay.typed_data(call, address, nonce, deadline))
    return SignedBy(address, nonce, deadline, signature, _outsider(world, "relayer"))


def _relayed(world: World, call: EncodedCall, who: str, key: LocalAccount) -> None:
    world.system.relay.send(_forged(world, call, who, key), call)


def _bill_state(world: World, bill: int) -> tuple[Any, ...]:
    """Everything the chain says of a bill and its transfers: compared before and after an attack."""
    bills = world.bills
    every = (bills.transfer(t) for t in range(1, bills.transfer_count() + 1))
    return bills.bill(bill), tuple(bills.ranges(bill)), tuple(t for t in every if t.bill_id == bill)


def _under_order(world: World) -> int:
    """t1 received 1..1000 and endorsed 1..400 to t2; a REGULATOR froze t2's range under ORDER."""
    bill = world.circulating(amount=1_000, days=60)
    world.endorse_signed(bill, 1, 400, "t1", "t2")
    world.bills.freeze_under_order(world["reg"], bill, ORDER, start=1)
    return bill


def _seizure(world: World) -> tuple[int, int]:
    """A seizure of t2's range 1..400 for t3 under ORDER, asked by `reg`, not confirmed."""
    bill = _under_order(world)
    transfer_id, _ = world.bills.seize(world["reg"], bill, 1, world.addr("t3"), ORDER)
    return bill, int(transfer_id)


def _still_pending(world: World, bill: int, transfer_id: int) -> None:
    rng = world.bills.range(bill, 1)
    assert (rng.holder, rng.state, rng.frozen, rng.order_hash) == (world.addr("t2"), RangeState.LOCKED, True, ORDER)
    assert world.bills.transfer(transfer_id).status == TransferStatus.PENDING


# -------------------------------------------------------------------------------- court orders, on chain


def test_the_requesting_regulator_cannot_be_its_own_second_party_by_any_path(world: World) -> None:
    bill, seizure = _seizure(world)
    reg = world.addr("reg")
    before = _bill_state(world, bill)
    with reverts(BillNotParty, bill_id=bill, account=reg):
        world.bills.confirm_seizure(world["reg"], seizure, world.addr("t3"), ORDER)
    with reverts(BillNotParty, bill_id=bill, account=reg):
        world.bills.reject_seizure(world["reg"], seizure)
    with reverts(BillRoleForbidden, account=reg, role=Role.REGULATOR):
        world.bills.sign(world["reg"], seizure)  # a transfer's generic signature is no regulator's
    # its own signature, relayed: the relay runs it as the regulator's, which is the requester's still
    with reverts(BillNotParty, bill_id=bill, account=reg):
        _relayed(world, world.bills.encode("confirmSeizure", seizure, world.addr("t3"), ORDER), "reg", world["reg"])
    assert _bill_state(world, bill) == before
    # a new key (recovered with the operator and another regulator) is the same regulator: still the requester
    reg2, new = _regulator(world, "reg2"), _outsider(world, "reg's new key")
    world.system.registry.request_recovery(world.operator, reg, new.address)
    world.system.registry.approve_recovery(world[reg2], reg, new.address)
    world.backend.advance_time(RECOVERY_DELAY)
    world.system.registry.complete_recovery(world.operator, reg)
    with reverts(BillNotParty, bill_id=bill, account=new.address):
        world.bills.confirm_seizure(new, seizure, world.addr("t3"), ORDER)
    _still_pending(world, bill, seizure)


def test_only_a_held_range_frozen_under_the_order_named_is_seized(world: World) -> None:
    bill = _under_order(world)  # 1..400 (t2) under ORDER; 401..1000 t1's, not frozen
    seize = world.bills.seize
    t3 = world.addr("t3")
    with reverts(RangeNotUnderOrder, bill_id=bill, start=401, order_hash=ORDER):
        seize(world["reg"], bill, 401, t3, ORDER)  # not frozen at all
    with reverts(RangeNotUnderOrder, bill_id=bill, start=1, order_hash=OTHER_ORDER):
        seize(world["reg"], bill, 1, t3, OTHER_ORDER)  # frozen, under another order
    world.bills.freeze(world["reg"], bill, 401)
    with reverts(RangeNotUnderOrder, bill_id=bill, start=401, order_hash=ORDER):
        seize(world["reg"], bill, 401, t3, ORDER)  # a plain freeze names no order
    # not HELD: a range locked under a pending endorsement, a pledged one, then frozen under the order
    other = world.circulating(amount=1_000, days=60)
    world.bills.endorse(world["t1"], other, 1, 300, world.addr("t2"))
    pledge, _ = world.bills.pledge(world["t1"], other, 301, 300, world.addr("bank"))
    world.bills.sign(world["bank"], pledge)
    for start in (1, 301):
        world.bills.freeze_under_order(world["reg"], other, ORDER, start=start)
        with reverts(RangeNotUnderOrder, bill_id=other, start=start, order_hash=ORDER):
            seize(world["reg"], other, start, t3, ORDER)
    # a whole bill frozen under the order: its ranges are not "frozen under that order" one by one
    whole = world.circulating(amount=1_000, days=60)
    world.bills.freeze_under_order(world["reg"], whole, ORDER)
    with reverts(BillFrozen, bill_id=whole):
        seize(world["reg"], whole, 1, t3, ORDER)
    kinds = [world.bills.transfer(t).kind for t in range(1, world.bills.transfer_count() + 1)]
    assert TransferKind.SEIZURE not in kinds
    assert world.bills.range(bill, 1).holder == world.addr("t2")
    assert world.bills.range(whole, 1).holder == world.addr("t1")


def test_the_confirmation_names_the_order_and_beneficiary_of_the_request_and_the_order_still_holds(
    world: World,
) -> None:
    reg2 = _regulator(world, "reg2")
    bill, seizure = _seizure(world)
    t3 = world.addr("t3")
    with reverts(SeizureTermsDiffer, transfer_id=seizure, beneficiary=t3, order_hash=ORDER):
        world.bills.confirm_seizure(world[reg2], seizure, t3, OTHER_ORDER)
    with reverts(SeizureTermsDiffer, transfer_id=seizure, beneficiary=t3, order_hash=ORDER):
        world.bills.confirm_seizure(world[reg2], seizure, world.addr("t1"), ORDER)
    # the order is swapped under the pending seizure: lifted, and another laid on the range
    world.bills.unfreeze(world[reg2], bill, 1)
    world.bills.freeze_under_order(world["reg"], bill, OTHER_ORDER, start=1)
    with reverts(SeizureTermsDiffer, transfer_id=seizure, beneficiary=t3, order_hash=ORDER):
        world.bills.confirm_seizure(world[reg2], seizure, t3, OTHER_ORDER)
    with reverts(RangeNotUnderOrder, bill_id=bill, start=1, order_hash=ORDER):
        world.bills.confirm_seizure(world[reg2], seizure, t3, ORDER)
    with reverts(RangeNotUnderOrder, bill_id=bill, start=1, order_hash=ORDER):
        world.bills.confirm_seizure(world.operator, seizure, t3, ORDER)
    rng = world.bills.range(bill, 1)
    assert (rng.holder, rng.state, rng.order_hash) == (world.addr("t2"), RangeState.LOCKED, OTHER_ORDER)


def test_a_pending_or_frozen_regulator_is_no_second_party(world: World) -> None:
    pending, frozen = _regulator(world, "reg-pending", approve=False), _regulator(world, "reg-frozen")
    world.system.registry.freeze(world["reg"], world.addr(frozen))
    bill, seizure = _seizure(world)
    before = _bill_state(world, bill)
    t3 = world.addr("t3")
    with reverts(ParticipantPending, account=world.addr(pending)):
        world.bills.confirm_seizure(world[pending], seizure, t3, ORDER)
    with reverts(ParticipantPending, account=world.addr(pending)):
        world.bills.reject_seizure(world[pending], seizure)
    with reverts(ParticipantFrozen, account=world.addr(frozen)):
        world.bills.confirm_seizure(world[frozen], seizure, t3, ORDER)
    # the pending one relayed, with its own signature: the chain refuses it all the same
    with reverts(ParticipantPending, account=world.addr(pending)):
        _relayed(world, world.bills.encode("confirmSeizure", seizure, t3, ORDER), pending, world[pending])
    assert _bill_state(world, bill) == before


def test_no_other_key_is_a_second_party(world: World) -> None:
    """The beneficiary, the holder, a bank, a joined gateway's own key and a relayer are none; nobody signs in
    the operator's or another regulator's name."""
    reg2 = _regulator(world, "reg2")
    bill, seizure = _seizure(world)
    before = _bill_state(world, bill)
    t3 = world.addr("t3")
    for name in ("t3", "t2", "t1", "bank"):  # the beneficiary, the holder, an endorser, a bank
        with reverts(BillRoleForbidden, account=world.addr(name)):
            world.bills.confirm_seizure(world[name], seizure, t3, ORDER)
        with reverts(BillRoleForbidden, account=world.addr(name)):
            world.bills.reject_seizure(world[name], seizure)
    with reverts(BillNotParty, bill_id=bill, account=t3):
        world.bills.sign(world["t3"], seizure)
    gateway = _outsider(world, "a joined gateway's operator key")
    with reverts(BillRoleForbidden, account=gateway.address, role=0):
        world.bills.confirm_seizure(gateway, seizure, t3, ORDER)
    call = world.bills.encode("confirmSeizure", seizure, t3, ORDER)
    for name in ("operator", reg2):  # the two that may; signed by someone else
        for thief in (gateway, world["reg"], world["t3"]):
            with reverts(RelayBadSignature, signer=world.addr(name)):
                _relayed(world, call, name, thief)
    assert _bill_state(world, bill) == before


def test_the_operator_is_no_beneficiary_that_confirms_its_own_seizure(world: World) -> None:
    """DOMAIN.md: a SEIZURE is signed by another REGULATOR or the OPERATOR, "not by `to`". The operator admits
    members alone; admitting its own address as an ENTERPRISE must not make it a beneficiary that confirms."""
    operator = world.operator.address
    try:
        world.system.registry.register(world.operator, operator, Role.ENTERPRISE, "operator-itself")
    except (ParticipantInvalidAccount, ParticipantAlreadyRegistered):
        return  # the operator is no member: never a beneficiary
    bill = _under_order(world)
    seizure, _ = world.bills.seize(world["reg"], bill, 1, operator, ORDER)
    before = _bill_state(world, bill)
    with reverts(BillNotParty, bill_id=bill, account=operator):
        world.bills.confirm_seizure(world.operator, seizure, operator, ORDER)
    assert _bill_state(world, bill) == before


# ------------------------------------------------------------------------------------ the extension, alone


def test_the_extension_called_directly_refuses_every_write_and_changes_nothing(world: World) -> None:
    reg2 = _regulator(world, "reg2")
    bill, seizure = _seizure(world)
    issued = world.issue(amount=500)
    created = world.backend.w3.eth.get_transaction_count(world.bills.address)
    address = to_checksum_address(create_address(world.bills.address, created - 1))  # its last creation
    extension = BillRegistryClient(
        world.backend.w3.eth.contract(address=address, abi=world.bills.contract.abi), world.system.tx
    )
    assert world.backend.w3.eth.get_code(address)
    before = (_bill_state(world, bill), _bill_state(world, issued), world.bills.transfer_count())
    # each write, sent by the party that may make it through the registry
    writes: list[Callable[[], object]] = [
        lambda: extension.reject(world["bank"], issued),
        lambda: extension.cancel(world["core"], issued),
        lambda: extension.guarantee(world["t1"], bill, world.addr("bank2"), 401, 100),
        lambda: extension.guarantee(world["core"], bill, world.addr("bank2")),
        lambda: extension.freeze_under_order(world["reg"], bill, OTHER_ORDER, start=401),
        lambda: extension.seize(world["reg"], bill, 1, world.addr("t3"), ORDER),
        lambda: extension.confirm_seizure(world[reg2], seizure, world.addr("t3"), ORDER),
        lambda: extension.confirm_seizure(world.operator, seizure, world.addr("t3"), ORDER),
        lambda: extension.reject_seizure(world.operator, seizure),
    ]
    for write in writes:
        with reverts(ExtensionCalledDirectly):
            write()
    assert (_bill_state(world, bill), _bill_state(world, issued), world.bills.transfer_count()) == before
    # its own storage holds nothing either
    assert (extension.bill_count(), extension.transfer_count(), extension.order_of(bill, 401)) == (0, 0, None)


# ------------------------------------------------------------------------------------ key recovery, on chain


def test_the_operator_alone_cannot_move_a_participant(world: World) -> None:
    registry, t1 = world.system.registry, world.addr("t1")
    new = _outsider(world, "the operator's choice")
    registry.request_recovery(world.operator, t1, new.address)
    with reverts(RecoveryInvalidState, account=t1):
        registry.complete_recovery(world.operator, t1)
    with reverts(ParticipantRoleForbidden, account=world.operator.address):
        registry.approve_recovery(world.operator, t1, new.address)
    call = registry.encode("approveRecovery", t1, new.address)
    for thief in (world.operator, new, world["t2"]):  # a regulator's approval, signed by someone else
        with reverts(RelayBadSignature, signer=world.addr("reg")):
            _relayed(world, call, "reg", thief)
    with reverts(ParticipantRoleForbidden, account=world.addr("bank")):
        registry.approve_recovery(world["bank"], t1, new.address)
    world.backend.advance_time(30 * 24 * HOURS)  # never approved: it never takes effect
    with reverts(RecoveryInvalidState, account=t1):
        registry.complete_recovery(world.operator, t1)
    with reverts(RecoveryInvalidState, account=t1):
        registry.complete_recovery(new, t1)
    assert registry.member(t1).code != 0 and registry.member(new.address).code == 0
    world.endorse_signed(world.circulating(amount=100), 1, 10, "t1", "t2")  # the old key still acts


def test_an_approved_recovery_waits_72_hours_and_the_new_key_does_nothing_until_then(world: World) -> None:
    registry, t1 = world.system.registry, world.addr("t1")
    bill = world.circulating(amount=1_000)
    world.mint("t1", 500)
    new = _outsider(world, "t1's new key")
    registry.request_recovery(world.operator, t1, new.address)
    registry.approve_recovery(world["reg"], t1, new.address)
    recovery = registry.recovery_of(t1)
    assert recovery is not None and recovery.effective_at is not None
    effective_at = recovery.effective_at
    world.backend.advance_time(effective_at - world.backend.timestamp() - 3)  # the next block: 2 s before
    with reverts(RecoveryInvalidState, account=t1):
        registry.complete_recovery(world.operator, t1)
    with reverts(BillRoleForbidden, account=new.address):
        world.bills.endorse(new, bill, 1, 10, world.addr("t2"))
    with reverts(CashHolderNotPermitted, account=new.address):
        world.cash.transfer(new, world.addr("t2"), 1)
    assert world.backend.timestamp() < effective_at and registry.member(new.address).code == 0
    world.backend.advance_time(3)
    registry.complete_recovery(world["t3"], t1)  # anyone, once it took effect
    world.bills.endorse(new, bill, 1, 10, world.addr("t2"))
    assert world.cash.balance_of(new.address) == 500


def test_a_cancelled_recovery_is_neither_completed_nor_approved_again(world: World) -> None:
    registry, t1 = world.system.registry, world.addr("t1")
    new = _outsider(world, "t1's new key")
    registry.request_recovery(world.operator, t1, new.address)
    registry.approve_recovery(world["reg"], t1, new.address)
    with reverts(RecoveryNotParty, account=t1, caller=world.addr("reg")):
        registry.cancel_recovery(world["reg"], t1)
    with reverts(RecoveryNotParty, account=t1, caller=new.address):
        registry.cancel_recovery(new, t1)  # the new key is nobody's yet
    registry.cancel_recovery(world["t1"], t1)
    assert registry.recovery_of(t1) is None
    with reverts(RecoveryInvalidState, account=t1):
        registry.approve_recovery(world["reg"], t1, new.address)  # nothing left to approve
    world.backend.advance_time(RECOVERY_DELAY)
    with reverts(RecoveryInvalidState, account=t1):
        registry.complete_recovery(world.operator, t1)
    assert registry.member(t1).code != 0 and registry.member(new.address).code == 0


def test_a_regulator_does_not_approve_its_own_recovery_by_any_path(world: World) -> None:
    registry, reg = world.system.registry, world.addr("reg")
    new = _outsider(world, "reg's new key")
    registry.request_recovery(world.operator, reg, new.address)
    with reverts(RecoveryOwnApproval, account=reg):
        registry.approve_recovery(world["reg"], reg, new.address)
    with reverts(RecoveryOwnApproval, account=reg):
        _relayed(world, registry.encode("approveRecovery", reg, new.address), "reg", world["reg"])
    world.backend.advance_time(RECOVERY_DELAY)
    with reverts(RecoveryInvalidState, account=reg):
        registry.complete_recovery(world.operator, reg)
    assert registry.member(reg).role == Role.REGULATOR and registry.member(new.address).code == 0


def test_after_a_recovery_the_old_key_does_nothing(world: World) -> None:
    """From the recovery's effective time, before anyone completes it and after: the old key signs, endorses,
    revokes, claims, moves cash and cancels nothing, in its own transactions or relayed; the new key does."""
    registry, bills, t1 = world.system.registry, world.bills, world.addr("t1")
    bill = world.circulating(amount=1_000, days=30)
    mine, _ = bills.endorse(world["t1"], bill, 1, 100, world.addr("t2"))  # t1 asked; t1 may revoke it
    inbound_bill = world.circulating(payee="t2", amount=1_000, days=30)
    inbound, _ = bills.endorse(world["t2"], inbound_bill, 1, 100, t1)  # t1 is asked to sign
    world.mint("t1", 500)
    new = _outsider(world, "t1's new key")
    registry.request_recovery(world.operator, t1, new.address)
    registry.approve_recovery(world["reg"], t1, new.address)
    world.backend.advance_time(RECOVERY_DELAY)
    old = world["t1"]

    def attempts() -> None:
        before = (_bill_state(world, bill), _bill_state(world, inbound_bill))
        balances = (world.cash.balance_of(t1), world.cash.balance_of(new.address))
        with reverts(BillRoleForbidden, account=t1):
            bills.sign(old, inbound)
        with reverts(BillRoleForbidden, account=t1):
            bills.reject_transfer(old, inbound)
        with reverts(BillRoleForbidden, account=t1):
            bills.revoke(old, mine)
        with reverts(BillRoleForbidden, account=t1):
            bills.endorse(old, bill, 101, 10, world.addr("t3"))
        with reverts(BillRoleForbidden, account=t1):
            bills.guarantee(old, bill, world.addr("bank2"), 101, 10)
        with reverts(CashHolderNotPermitted, account=t1):
            world.cash.transfer(old, world.addr("t3"), 1)
        with reverts(ParticipantNotRegistered, account=t1):
            registry.cancel_recovery(old, t1)
        for call in (bills.encode("sign", inbound), world.cash.encode("transfer", world.addr("t3"), 1)):
            with reverts(ParticipantNotRegistered, account=t1):  # its signature: no nonce of a member's
                _relayed(world, call, "t1", old)
        assert (_bill_state(world, bill), _bill_state(world, inbound_bill)) == before
        assert (world.cash.balance_of(t1), world.cash.balance_of(new.address)) == balances

    attempts()  # effective, not completed yet
    assert registry.member(new.address).code == 0  # and the new key acts only once it is completed
    registry.complete_recovery(world["t3"], t1)
    attempts()
    assert world.cash.balance_of(new.address) == 500 and world.cash.balance_of(t1) == 0
    bills.sign(new, inbound)  # the new key answers for t1: what it had is its own
    bills.revoke(new, mine)
    assert bills.range(inbound_bill, 1).holder == new.address


def test_a_stolen_key_is_stopped_by_a_regulators_freeze_and_the_owner_still_cancels(world: World) -> None:
    """DOMAIN.md: the participant cancels a recovery with its current key, and a thief holding that key can too;
    a freeze does not take the cancellation away (else the OPERATOR's freeze and one REGULATOR's approval, two
    keys one stolen data dir may hold, would move a key that was never lost: the review's attack). What stops a
    thief is a REGULATOR's freeze: frozen, the key moves nothing, and only a REGULATOR unfreezes it."""
    registry, t1, thief = world.system.registry, world.addr("t1"), world["t1"]
    new = _outsider(world, "t1's new key")
    registry.freeze(world["reg"], t1)
    with reverts(CashHolderFrozen, account=t1):
        world.cash.transfer(thief, world.addr("t2"), 1)
    with reverts(ParticipantRegulatorDecides, account=t1):
        registry.unfreeze(world.operator, t1)  # nor may the operator unfreeze it for the thief
    registry.request_recovery(world.operator, t1, new.address)
    registry.approve_recovery(world["reg"], t1, new.address)
    registry.cancel_recovery(thief, t1)  # frozen, the key still answers a recovery of itself
    world.backend.advance_time(RECOVERY_DELAY)
    with reverts(RecoveryInvalidState, account=t1):
        registry.complete_recovery(world.operator, t1)
    assert registry.member(t1).status == MemberStatus.FROZEN and registry.member(new.address).code == 0
    # the OPERATOR's freeze alone: the owner cancels just the same
    registry.unfreeze(world["reg"], t1)
    registry.freeze(world.operator, t1)
    registry.request_recovery(world.operator, t1, new.address)
    registry.approve_recovery(world["reg"], t1, new.address)
    _relayed(world, registry.encode("cancelRecovery", t1), "t1", thief)
    assert registry.recovery_of(t1) is None and registry.member(t1).status == MemberStatus.FROZEN


def test_admitting_an_approved_recoverys_new_address_does_not_strand_the_participant(world: World) -> None:
    """DOMAIN.md: an approved recovery takes effect 72 hours later unless the participant cancels it. The
    operator alone admits members: admitting the new address as another participant meanwhile must not leave
    the participant with no key at all (its old key dead from the effective time, no completion possible)."""
    registry, t2 = world.system.registry, world.addr("t2")
    code = registry.member(t2).code
    new = _outsider(world, "t2's new key")
    registry.request_recovery(world.operator, t2, new.address)
    registry.approve_recovery(world["reg"], t2, new.address)
    with contextlib.suppress(ParticipantAlreadyRegistered, ParticipantInvalidAccount):  # spoken for: refused
        registry.register(world.operator, new.address, Role.ENTERPRISE, "squatter")
    world.backend.advance_time(RECOVERY_DELAY)
    registry.complete_recovery(world.operator, t2)
    assert registry.member(new.address).code == code


# --------------------------------------------------------------------------- overdue acceptors, on chain


def _shut_out(world: World, acceptor: LocalAccount, kept: int | None) -> None:
    """The acceptor accepts nothing; nothing it accepted (`kept`, before its maturity) is discounted, pledged or
    guaranteed (invariant 9)."""
    fresh, _ = world.bills.issue(
        world["core"],
        kind=BillKind.BANK_ACCEPTANCE,
        acceptor=acceptor.address,
        payee=world.addr("t1"),
        amount=10,
        maturity_day=world.today() + 30,
    )
    with reverts(BillAcceptorOverdue, bill_id=fresh):
        world.bills.accept(acceptor, fresh)
    with reverts(BillAcceptorOverdue, bill_id=fresh):
        _relayed(world, world.bills.encode("accept", fresh), acceptor.address, acceptor)
    if kept is None:
        return
    assert world.bills.range(kept, 1).holder == world.addr("t1")
    for attempt in (
        lambda: world.bills.discount(world["t1"], kept, 1, 10, world.addr("bank"), 10_000),
        lambda: world.bills.pledge(world["t1"], kept, 1, 10, world.addr("bank")),
        lambda: world.bills.guarantee(world["t1"], kept, world.addr("bank"), 1, 10),
        lambda: world.bills.guarantee(world["core"], kept, world.addr("bank")),
        lambda: world.bills.guarantee(acceptor, kept, world.addr("bank")),
    ):
        with reverts(BillAcceptorOverdue, bill_id=kept):
            attempt()


def test_no_one_lifts_a_persistently_overdue_acceptors_shut_out_before_its_time(world: World) -> None:
    """bank2 dishonoured three bills. There is no call that clears it: every privileged call there is (a
    participant's freeze, by a regulator or the operator, its mint limit, a bill's freeze, the acceptor paying
    every claim, a new key) leaves it shut out until its third-latest event is more than 180 days old."""
    kept = world.circulating(acceptor="bank2", amount=1_000, days=180)
    refused: list[int] = []
    for _ in range(3):
        bill = world.circulating(acceptor="bank2", amount=100, days=1)
        world.advance_days(1)
        world.bills.present(world["t1"], bill)
        world.bills.dishonor(world["bank2"], bill, "no funds")
        refused.append(bill)
    bank2 = world["bank2"]
    record = world.bills.overdue_of(bank2.address)
    assert record.persistently
    registry, cash, reg, op = world.system.registry, world.cash, world["reg"], world.operator
    for undo in (
        [lambda: registry.freeze(reg, bank2.address), lambda: registry.unfreeze(reg, bank2.address)],
        [lambda: registry.freeze(op, bank2.address), lambda: registry.unfreeze(op, bank2.address)],
        [lambda: cash.set_mint_limit(reg, bank2.address, 0), lambda: cash.set_mint_limit(reg, bank2.address, 10**12)],
        [lambda: world.bills.freeze(reg, kept), lambda: world.bills.unfreeze(reg, kept)],
    ):
        for step in undo:
            step()
        assert world.bills.overdue_of(bank2.address) == record
        _shut_out(world, bank2, kept)
    # the acceptor pays every claim of the bills it dishonoured: the events stand (the chain counts)
    world.mint("bank2", 1_000)
    for bill in refused:
        claim, _ = world.bills.recourse(world["t1"], bill, 1, bank2.address)
        world.bills.sign(bank2, claim)
    assert world.bills.overdue_of(bank2.address) == record
    _shut_out(world, bank2, kept)
    # a new key is the same acceptor: the record is its member code's
    new = _outsider(world, "bank2's new key")
    registry.request_recovery(op, bank2.address, new.address)
    registry.approve_recovery(reg, bank2.address, new.address)
    world.backend.advance_time(RECOVERY_DELAY)
    registry.complete_recovery(op, bank2.address)
    assert world.bills.overdue_of(new.address) == record
    _shut_out(world, new, kept)
    # still on the last day of the window (the bill it kept has matured by then)
    world.advance_days(record.overdue_until - world.today())
    _shut_out(world, new, None)


# ----------------------------------------------------------------- restrictive endorsement and guarantees


def _present_and_dishonor(world: World, bill: int, holders: list[str], days: int = 30) -> None:
    world.advance_days(days)
    for holder in holders:
        world.bills.present(world[holder], bill)
    world.bills.dishonor(world["bank"], bill, "no funds")


def _guaranteed(world: World, party: str, guarantor: str, bill: int, start: int = 0, amount: int = 0) -> int:
    transfer_id, _ = world.bills.guarantee(world[party], bill, world.addr(guarantor), start, amount)
    world.bills.sign(world[guarantor], transfer_id)
    return int(transfer_id)


def test_a_restrictive_endorser_pays_no_later_holder_however_it_came_to_hold(world: World) -> None:
    """t1 endorsed restrictively to t2; t2 passed parts on: 1..400 to t3 (whose guarantor is g3), then on to t4;
    401..700 to bank2 by discount. Neither the discounting bank nor t3's guarantor, which paid t4 and holds the
    part, claims from t1; t2, its endorsee, does (DOMAIN.md, invariant 8)."""
    g3, t4 = _member(world, "guarantor-of-t3"), _member(world, "fourth-holder")
    bill = world.circulating(amount=1_000, days=30)
    restrictive, _ = world.bills.endorse(world["t1"], bill, 1, 1_000, world.addr("t2"), restrictive=True)
    world.bills.sign(world["t2"], restrictive)
    world.endorse_signed(bill, 1, 400, "t2", "t3")
    world.mint("bank2", 10_000)
    discount, _ = world.bills.discount(world["t2"], bill, 401, 300, world.addr("bank2"), 10_000)
    world.bills.sign(world["bank2"], discount)
    _guaranteed(world, "t3", g3, bill, start=1, amount=400)
    world.endorse_signed(bill, 1, 400, "t3", t4)
    world.advance_days(30)
    for holder in (t4, "bank2", "t2"):
        world.bills.present(world[holder], bill)
    world.bills.dishonor(world["bank"], bill, "no funds")
    t1 = world.addr("t1")
    with reverts(RecourseInvalidTarget, bill_id=bill, start=401, target=t1):
        world.bills.recourse(world["bank2"], bill, 401, t1)  # the discounting bank
    with reverts(RecourseInvalidTarget, bill_id=bill, start=1, target=t1):
        world.bills.recourse(world[t4], bill, 1, t1)
    # t4 claims from t3's guarantor, which pays and holds the part: it claims as t3 would, and t3 came after t2
    world.mint(g3, 400)
    claim, _ = world.bills.recourse(world[t4], bill, 1, world.addr(g3))
    world.bills.sign(world[g3], claim)
    assert world.bills.range(bill, 1).holder == world.addr(g3)
    before = _bill_state(world, bill)
    with reverts(RecourseInvalidTarget, bill_id=bill, start=1, target=t1):
        world.bills.recourse(world[g3], bill, 1, t1)
    assert _bill_state(world, bill) == before
    assert world.bills.liable_to(bill, 1, world.addr("t2"))  # t2 is liable to t3: to its guarantor too
    # the endorsee's own recourse stands
    world.bills.recourse(world["t2"], bill, 701, t1)


def test_a_guarantor_of_an_endorser_is_not_liable_to_an_earlier_holder(world: World) -> None:
    """t1 -> t2 (guaranteed by bank2) -> t3. t3 claims from t1, which pays and holds the range: t1 came before t2,
    so neither t2 nor its guarantor owes t1 anything."""
    bill = world.circulating(amount=1_000, days=30)
    world.endorse_signed(bill, 1, 1_000, "t1", "t2")
    _guaranteed(world, "t2", "bank2", bill, start=1, amount=1_000)
    world.endorse_signed(bill, 1, 1_000, "t2", "t3")
    _present_and_dishonor(world, bill, ["t3"])
    assert world.bills.liable_to(bill, 1, world.addr("bank2"))  # to t3, it is
    world.mint("t1", 1_000)
    claim, _ = world.bills.recourse(world["t3"], bill, 1, world.addr("t1"))
    world.bills.sign(world["t1"], claim)
    before = _bill_state(world, bill)
    for target in ("bank2", "t2"):
        with reverts(RecourseInvalidTarget, bill_id=bill, start=1, target=world.addr(target)):
            world.bills.recourse(world["t1"], bill, 1, world.addr(target))
    assert _bill_state(world, bill) == before


def test_a_guarantor_of_the_holder_is_not_liable_to_the_holder(world: World) -> None:
    """The drawer's guarantor, once the drawer holds the range (it paid a claim), owes the drawer nothing; the
    guarantor of a holder's range owes that holder nothing; the acceptor's guarantor owes both."""
    bill = world.circulating(amount=1_000, days=30)
    _guaranteed(world, "core", "bank2", bill)  # the drawer's guarantor
    _guaranteed(world, "t1", "t3", bill, start=1, amount=1_000)  # the payee's
    _guaranteed(world, "bank", "t2", bill)  # the acceptor's
    _present_and_dishonor(world, bill, ["t1"])
    with reverts(RecourseInvalidTarget, bill_id=bill, start=1, target=world.addr("t3")):
        world.bills.recourse(world["t1"], bill, 1, world.addr("t3"))
    world.mint("core", 1_000)
    claim, _ = world.bills.recourse(world["t1"], bill, 1, world.addr("core"))
    world.bills.sign(world["core"], claim)
    with reverts(RecourseInvalidTarget, bill_id=bill, start=1, target=world.addr("bank2")):
        world.bills.recourse(world["core"], bill, 1, world.addr("bank2"))
    assert world.bills.liable_to(bill, 1, world.addr("t2"))


def test_a_guarantee_binds_only_by_the_guarantors_own_signature(world: World) -> None:
    """The requester, the operator, a regulator, or anyone relaying in the guarantor's name with another key:
    none binds bank2. Its requests pending or refused, bank2 is liable to nobody."""
    bill = world.circulating(amount=1_000, days=30)
    world.endorse_signed(bill, 1, 1_000, "t1", "t2")
    whole, _ = world.bills.guarantee(world["core"], bill, world.addr("bank2"))  # the drawer's, of the bill
    ranged, _ = world.bills.guarantee(world["t2"], bill, world.addr("bank2"), 1, 1_000)  # the holder's
    before = _bill_state(world, bill)
    for transfer, requester in ((whole, "core"), (ranged, "t2")):
        with reverts(BillNotParty, bill_id=bill, account=world.addr(requester)):
            world.bills.sign(world[requester], transfer)
        with reverts(BillNotParty, bill_id=bill, account=world.addr(requester)):
            _relayed(world, world.bills.encode("sign", transfer), requester, world[requester])
        with reverts(BillRoleForbidden, account=world.operator.address):
            world.bills.sign(world.operator, transfer)
        with reverts(BillRoleForbidden, account=world.addr("reg")):
            world.bills.sign(world["reg"], transfer)
        call = world.bills.encode("sign", transfer)
        for thief in (world[requester], world.operator, _outsider(world, "relayer")):
            with reverts(RelayBadSignature, signer=world.addr("bank2")):
                _relayed(world, call, "bank2", thief)
    assert _bill_state(world, bill) == before
    assert world.bills.bill_guarantees_of(bill, world.addr("bank2")) == 0
    world.bills.reject_transfer(world["bank2"], ranged)
    _present_and_dishonor(world, bill, ["t2"])
    with reverts(RecourseInvalidTarget, bill_id=bill, start=1, target=world.addr("bank2")):
        world.bills.recourse(world["t2"], bill, 1, world.addr("bank2"))  # the drawer's request is still pending
    assert world.bills.transfer(whole).status == TransferStatus.PENDING


# ----------------------------------------------------------------------------------------- through HTTP


def _order(api: Api, regulator: str, text: str) -> str:
    body = api.ok(api.client.post("/v1/documents", content=text.encode(), headers=api.headers(regulator)), 201)
    assert body["hash"] == "0x" + hashlib.sha256(text.encode()).hexdigest()
    return str(body["hash"])


def _stolen_keys(api: Api) -> list[LocalAccount]:
    """Every key the gateway's data dir holds, decrypted as the gateway itself would."""
    data_dir = api.runtime.settings.data_dir
    keystore = Keystore(data_dir)
    return [keystore.load(path.stem) for path in sorted((data_dir / "keys").glob("*.json"))]


def _attempt(api: Api, path: str, who: str, key: LocalAccount, json: Any = None) -> Any:
    """A self-custody write as whoever holds `key` and `who`'s token makes it: prepared, signed, sent. The
    gateway's answer to whichever step refused it."""
    prepared = api.post(path + "/prepare", who, json)
    if prepared.status_code != 200:
        return prepared
    return api.signed(path, who, json, key=key)


def test_through_the_gateway_one_regulator_cannot_seize_alone(api: Api, cast: dict[str, str]) -> None:
    reg, second = cast["reg"], api.onboard("REGULATOR", "court-desk")
    pending = api.onboard("REGULATOR", "court-pending", approve=False)
    frozen = api.onboard("REGULATOR", "court-frozen")
    api.ok(api.post(f"/v1/participants/{frozen}/freeze", reg))
    order, other = _order(api, reg, "(2026)沪0101执7001号"), _order(api, reg, "(2026)沪0101执7002号")
    bill = api.circulating(cast["core"], cast["bank"], cast["t1"], "100.00")
    endorsed = api.ok(api.write(f"/v1/bills/{bill}/endorse", cast["t1"], {"to": cast["t2"], "amount": "40.00"}), 201)
    api.ok(api.write(f"/v1/transfers/{endorsed['transfer']['id']}/sign", cast["t2"]))
    api.ok(api.write(f"/v1/bills/{bill}/freeze", reg, {"range_start": 1, "order_hash": order}))
    seize = {"range_start": 1, "to": cast["t3"], "order_hash": order}
    problem(api.post(f"/v1/bills/{bill}/seize", reg, {**seize, "order_hash": other}), 409, "INVALID_STATE")
    problem(api.post(f"/v1/bills/{bill}/seize", reg, {**seize, "range_start": 4001}), 409, "INVALID_STATE")
    problem(api.post(f"/v1/bills/{bill}/seize", "operator", seize), 403, "FORBIDDEN")
    problem(api.post(f"/v1/bills/{bill}/seize", pending, seize), 403, "FORBIDDEN")
    problem(api.post(f"/v1/bills/{bill}/seize", cast["t3"], seize), 404, "NOT_FOUND")  # no party of it yet
    transfer = api.ok(api.post(f"/v1/bills/{bill}/seize", reg, seize), 201)["transfer"]["id"]
    before = api.bill(bill)
    for verb in ("sign", "reject"):
        path = f"/v1/transfers/{transfer}/{verb}"
        problem(api.post(path, reg), 403, "NOT_PARTY")
        problem(api.post(path, pending), 403, "FORBIDDEN")
        problem(api.post(path, frozen), 409, "PARTICIPANT_FROZEN")
        problem(api.post(path, cast["t3"]), 403, "FORBIDDEN")  # the beneficiary
        for party in (cast["t2"], cast["bank"]):  # the holder, the acceptor: no party of the seizure
            problem(api.post(path, party), 404, "NOT_FOUND")
    assert api.bill(bill) == before
    assert api.ok(api.get(f"/v1/transfers/{transfer}"))["status"] == "PENDING"
    api.ok(api.post(f"/v1/transfers/{transfer}/sign", second))
    rng = next(r for r in api.bill(bill)["ranges"] if r["start"] == 1)
    assert (rng["holder"], rng["state"], rng["frozen"], rng["order_hash"]) == (cast["t3"], "HELD", False, None)


def test_the_operator_gateways_data_dir_cannot_move_a_self_custody_participant_to_a_new_key(
    api: Api, cast: dict[str, str]
) -> None:
    """With every key the operator's gateway holds (its operator key, and the keys of the regulators it hosts,
    as POST /v1/participants hosts them by default), an attacker freezes a self-custody participant that lost
    nothing, has a recovery of it to the attacker's address requested and approved, and waits 72 hours. The
    participant, which sees it coming (GET /v1/participants/{id}), cancels with its own key: it keeps its key,
    its range and its cash (DOMAIN.md, "Key recovery", invariant 10; docs/SECURITY.md: self-custody closes the
    hosted keys' hole)."""
    victim = api.onboard("ENTERPRISE", "victim", self_custody=True)
    bill = api.circulating(cast["core"], cast["bank"], victim, "100.00")
    api.mint(cast["bank"], victim, "500.00")
    system, address, thief = api.runtime.system, api.keys[victim].address, Account.create()
    registry = system.registry
    keys = _stolen_keys(api)
    operator = next(k for k in keys if registry.is_operator(k.address))
    regulators = [k for k in keys if registry.member(k.address).role == Role.REGULATOR]
    assert regulators, "the gateway hosts no regulator here: nothing to show"
    with contextlib.suppress(ContractError):
        registry.freeze(operator, address)
    with contextlib.suppress(ContractError):
        registry.request_recovery(operator, address, thief.address)
    for regulator in regulators:
        with contextlib.suppress(ContractError):
            registry.approve_recovery(regulator, address, thief.address)
    api.runtime.indexer.catch_up()  # what the gateway's block follower does within 50 ms
    shown = api.ok(api.get(f"/v1/participants/{victim}", victim))
    assert shown["recovery"]["address"] == thief.address  # the participant sees it coming
    cancel = f"/v1/participants/{victim}/recovery/cancel"
    cancelled = _attempt(api, cancel, victim, api.keys[victim])  # with its own key
    api.advance(3)
    with contextlib.suppress(ContractError):
        registry.complete_recovery(operator, address)
    assert registry.member(address).code != 0, cancelled.text
    assert registry.member(thief.address).code == 0
    assert system.bills.range(bill, 1).holder == address and system.cash.balance_of(address) == 50_000


def test_through_the_gateway_only_a_regulator_approves_a_recovery_and_only_its_participant_cancels(
    api: Api, cast: dict[str, str]
) -> None:
    owner = api.onboard("ENTERPRISE", "owner", self_custody=True)
    pending = api.onboard("REGULATOR", "pending", approve=False)
    new = Account.create()
    api.ok(api.post(f"/v1/participants/{owner}/recovery", "operator", {"address": new.address}), 201)
    for who in ("operator", cast["bank"], cast["t1"], owner, pending):
        problem(api.post(f"/v1/participants/{owner}/recovery/approve", who), 403, "FORBIDDEN")
    problem(api.post(f"/v1/participants/{owner}/recovery", cast["reg"], {"address": new.address}), 403, "FORBIDDEN")
    approved = api.ok(api.write(f"/v1/participants/{owner}/recovery/approve", cast["reg"]))
    cancel = f"/v1/participants/{owner}/recovery/cancel"
    for who in ("operator", cast["reg"], cast["t1"]):
        problem(api.post(cancel, who), 403, "NOT_PARTY")
    # the owner's token with a key that is not its current one: the new key (nobody's yet), or anyone's
    for key in (new, Account.create()):
        problem(_attempt(api, cancel, owner, key), 422, "BAD_SIGNATURE")
    # frozen by a REGULATOR, the owner still cancels with its current key (a freeze takes no answer away), and
    # the operator cannot unfreeze it
    assert approved["recovery"]["approved_by"] is not None
    api.ok(api.post(f"/v1/participants/{owner}/freeze", cast["reg"]))
    problem(api.post(f"/v1/participants/{owner}/unfreeze", "operator"), 403, "FORBIDDEN")
    api.ok(_attempt(api, cancel, owner, api.keys[owner]))
    shown = api.ok(api.get(f"/v1/participants/{owner}"))
    assert shown["recovery"] is None and shown["status"] == "FROZEN"
    # a self-custody regulator's own recovery: another regulator approves it, never itself
    desk = api.onboard("REGULATOR", "desk", self_custody=True)
    api.ok(api.post(f"/v1/participants/{desk}/recovery", "operator", {"address": Account.create().address}), 201)
    problem(api.post(f"/v1/participants/{desk}/recovery/approve", desk), 403, "FORBIDDEN")
    assert api.ok(api.get(f"/v1/participants/{desk}"))["recovery"]["approved_by"] is None


def test_through_the_gateway_a_guarantee_needs_the_guarantors_own_signature(api: Api, cast: dict[str, str]) -> None:
    guarantor = api.onboard("BANK", "surety", self_custody=True)
    bill = api.circulating(cast["core"], cast["bank"], cast["t1"], "100.00")
    asked = api.ok(api.write(f"/v1/bills/{bill}/guarantee", cast["t1"], {"guarantor": guarantor}), 201)
    path = f"/v1/transfers/{asked['transfer']['id']}/sign"
    before = api.bill(bill)
    problem(api.post(path, cast["t1"]), 403, "NOT_PARTY")  # the requester
    problem(api.post(path, "operator"), 403, "FORBIDDEN")
    problem(api.post(path, guarantor), 422, "SIGNATURE_REQUIRED")  # its token: the gateway holds no key of its
    # its token with the requester's key, the operator's, anyone's
    for key in (api.runtime.keystore.load(cast["t1"]), api.runtime.operator, Account.create()):
        problem(_attempt(api, path, guarantor, key), 422, "BAD_SIGNATURE")
    assert api.bill(bill) == before and before["guarantees"] == []
    assert api.ok(api.get(f"/v1/transfers/{asked['transfer']['id']}"))["status"] == "PENDING"
    signed = api.ok(api.write(path, guarantor))
    assert [g["guarantor"] for g in signed["bill"]["guarantees"]] == [guarantor]


def test_through_the_gateway_a_stranger_sees_no_guarantee_or_court_order_and_a_guarantor_sees_the_bill(
    api: Api, cast: dict[str, str]
) -> None:
    stranger, reg = api.onboard("BANK", "stranger"), cast["reg"]
    bill = api.circulating(cast["core"], cast["bank"], cast["t1"], "100.00")
    whole = api.ok(api.post(f"/v1/bills/{bill}/guarantee", cast["core"], {"guarantor": cast["bank2"]}), 201)
    api.ok(api.post(f"/v1/transfers/{whole['transfer']['id']}/sign", cast["bank2"]))
    ranged = api.ok(api.post(f"/v1/bills/{bill}/guarantee", cast["t1"], {"guarantor": cast["t2"]}), 201)
    api.ok(api.post(f"/v1/transfers/{ranged['transfer']['id']}/sign", cast["t2"]))
    order = _order(api, reg, "(2026)沪0101执7003号")
    api.ok(api.post(f"/v1/bills/{bill}/freeze", reg, {"range_start": 1, "order_hash": order}))
    seize = {"range_start": 1, "to": cast["t3"], "order_hash": order}
    seizure = api.ok(api.post(f"/v1/bills/{bill}/seize", reg, seize), 201)["transfer"]["id"]
    # the guarantors see the bill, its guarantees and the order on its range (API.md's visibility)
    for guarantor in (cast["bank2"], cast["t2"]):
        seen = api.bill(bill, guarantor)
        assert {(g["guarantor"], g["for"]) for g in seen["guarantees"]} == {
            (cast["bank2"], cast["core"]),
            (cast["t2"], cast["t1"]),
        }
        assert seen["ranges"][0]["order_hash"] == order
    # a bank party to nothing: 404 on the bill, its history, its transfers, the order; nothing listed
    for path in (
        f"/v1/bills/{bill}",
        f"/v1/bills/{bill}/history",
        f"/v1/transfers/{whole['transfer']['id']}",
        f"/v1/transfers/{ranged['transfer']['id']}",
        f"/v1/transfers/{seizure}",
        f"/v1/documents/{order}",
    ):
        problem(api.get(path, stranger), 404, "NOT_FOUND")
    problem(api.post(f"/v1/bills/{bill}/guarantee", stranger, {"guarantor": cast["bank"]}), 404, "NOT_FOUND")
    problem(api.post(f"/v1/transfers/{seizure}/sign", stranger), 404, "NOT_FOUND")
    listed = api.ok(api.get("/v1/bills", stranger, params={"limit": 500}))["items"]
    assert bill not in [b["id"] for b in listed]
    assert not [t for t in api.ok(api.get("/v1/transfers", stranger))["items"] if t["bill_id"] == bill]


def test_the_overdue_and_court_order_reports_are_the_regulators_and_the_operators(
    api: Api, cast: dict[str, str]
) -> None:
    pending = api.onboard("REGULATOR", "report-pending", approve=False)
    for report in ("/v1/reports/overdue-acceptors", "/v1/reports/court-orders"):
        for who in (cast["bank"], cast["core"], cast["t1"], pending):
            problem(api.get(report, who), 403, "FORBIDDEN")
            problem(api.get(report, who, params={"format": "csv"}), 403, "FORBIDDEN")
        problem(api.get(report, None), 401, "UNAUTHENTICATED")
        for who in ("operator", cast["reg"]):
            api.ok(api.get(report, who))


def test_through_the_gateway_no_call_lifts_an_overdue_acceptors_shut_out(api: Api, cast: dict[str, str]) -> None:
    acceptor, reg = api.onboard("BANK", "late-bank"), cast["reg"]
    kept = api.circulating(cast["core"], acceptor, cast["t2"], "50.00", days=150)
    for _ in range(3):
        bill = api.circulating(cast["core"], acceptor, cast["t1"], "10.00", days=1)
        api.advance(1)
        api.ok(api.write(f"/v1/bills/{bill}/present", cast["t1"]))
        api.ok(api.write(f"/v1/bills/{bill}/dishonor", acceptor, {"reason": "no funds"}))
    calls = [
        (f"/v1/participants/{acceptor}/freeze", reg, {}),
        (f"/v1/participants/{acceptor}/unfreeze", reg, {}),
        (f"/v1/participants/{acceptor}/freeze", "operator", {}),
        (f"/v1/participants/{acceptor}/unfreeze", "operator", {}),
        (f"/v1/participants/{acceptor}/mint-limit", reg, {"limit": "0.00"}),
        (f"/v1/participants/{acceptor}/mint-limit", reg, {"limit": "1000000.00"}),
        (f"/v1/bills/{kept}/freeze", reg, {}),
        (f"/v1/bills/{kept}/unfreeze", reg, {}),
    ]
    for path, who, body in calls:
        api.ok(api.write(path, who, body))
    shown = api.ok(api.get(f"/v1/participants/{acceptor}"))
    assert (shown["persistently_overdue"], shown["overdue_events_180d"]) == (True, 3)
    fresh = api.issue(cast["core"], acceptor, cast["t1"], "10.00")
    problem(api.write(f"/v1/bills/{fresh}/accept", acceptor), 409, "ACCEPTOR_OVERDUE")
    discount = {"bank": cast["bank"], "annual_rate": "0.02"}
    problem(api.write(f"/v1/bills/{kept}/discount", cast["t2"], discount), 409, "ACCEPTOR_OVERDUE")
    problem(api.write(f"/v1/bills/{kept}/pledge", cast["t2"], {"bank": cast["bank"]}), 409, "ACCEPTOR_OVERDUE")
    problem(api.write(f"/v1/bills/{kept}/guarantee", cast["t2"], {"guarantor": cast["bank"]}), 409, "ACCEPTOR_OVERDUE")
    problem(api.write(f"/v1/bills/{kept}/guarantee", acceptor, {"guarantor": cast["bank"]}), 409, "ACCEPTOR_OVERDUE")
