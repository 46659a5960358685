"""Signed operations (contracts/OperationRelay.sol): a participant that holds its own key signs, anyone
relays, and nothing but that exact signature, once, before its deadline, acts for it.

Each attack is one test: another chain, another contract, twice, another operation, other terms,
after the deadline, another key. The self-custody participant here is never given gas: it pays nothing.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount

from chain.clients import ContractClient
from chain.deploy import deploy_contract
from chain.errors import (
    InvalidAccountNonce,
    ParticipantRoleForbidden,
    RelayBadSignature,
    RelaySignatureExpired,
    RelayUnknownOperation,
)
from chain.model import RangeState, Role, TransferKind, TransferStatus
from chain.relay import SignedBy, recover_typed, sign_typed, typed_digest
from chain.tx import EncodedCall, TxResult
from tests.conftest import World, key_for, reverts

HOUR = 3600


class SelfCustody:
    """A participant whose key the chain never saw before: registered by the operator, never funded."""

    def __init__(self, world: World, key: LocalAccount, address: str | None = None) -> None:
        self.world = world
        self.key = key
        self.address = address or key.address
        self.relayer = key_for("relayer")
        world.backend.fund(self.relayer.address)

    def deadline(self, seconds: int = HOUR) -> int:
        return int(self.world.backend.timestamp()) + seconds

    def prepare(
        self, client: ContractClient, fn: str, *args: Any, nonce: int | None = None, deadline: int | None = None
    ) -> tuple[EncodedCall, dict[str, Any]]:
        relay = self.world.system.relay
        call = client.encode(fn, *args)
        nonce = relay.nonce(self.address) if nonce is None else nonce
        typed = relay.typed_data(call, self.address, nonce, deadline or self.deadline())
        return call, typed

    def submit(self, call: EncodedCall, typed: dict[str, Any], signature: bytes) -> TxResult:
        message = typed["message"]
        signed = SignedBy(self.address, message["nonce"], message["deadline"], signature, self.relayer)
        return self.world.system.relay.send(signed, call)

    def do(self, client: ContractClient, fn: str, *args: Any) -> TxResult:
        call, typed = self.prepare(client, fn, *args)
        return self.submit(call, typed, sign_typed(self.key, typed))


@pytest.fixture
def sc(world: World) -> SelfCustody:
    key = Account.create()
    world.system.registry.register(world.operator, key.address, Role.ENTERPRISE)
    assert world.backend.w3.eth.get_balance(key.address) == 0
    return SelfCustody(world, key)


def test_a_relayed_operation_acts_for_its_signer_who_pays_nothing(world: World, sc: SelfCustody) -> None:
    bills = world.bills
    bill_id = world.issue(payee="t1")
    bills.accept(world["bank"], bill_id)
    bills.receive(world["t1"], bill_id)
    world.endorse_signed(bill_id, 1, 400_000, "t1", "t2")
    transfer_id, _ = bills.endorse(world["t2"], bill_id, 1, 400_000, sc.address)

    result = sc.do(bills, "sign", transfer_id)  # the signer is the counterparty: only it may sign
    assert result.receipt["from"] == sc.relayer.address
    signed = bills.events(result, "TransferSigned")[0]["args"]
    assert signed["by"] == sc.address
    assert bills.range(bill_id, 1).holder == sc.address
    assert world.system.relay.nonce(sc.address) == 1

    result = sc.do(bills, "endorse", bill_id, 1, 100_000, world.addr("t3"), b"\0" * 32, False)
    transfer = bills.transfer(bills.requested_transfer_id(result))
    assert (transfer.to, transfer.status, transfer.end) == (world.addr("t3"), TransferStatus.PENDING, 100_000)
    assert world.backend.w3.eth.get_balance(sc.address) == 0


def test_the_typed_data_is_the_relay_s_digest_for_each_shape(world: World, sc: SelfCustody) -> None:
    """For every operation, the gateway's typed data (chain/relay.py, built from the relay's type string)
    and the relay's digest (built from its type hash) agree: arguments, a reason string, and a transfer's
    terms read from the bill registry."""
    relay = world.system.relay
    bill_id = world.circulating()
    transfer_id, _ = world.bills.endorse(world["t1"], bill_id, 1, 250_000, world.addr("t2"))
    t2, zero = world.addr("t2"), b"\0" * 32
    every = [
        (world.bills, "issue", (1, world.addr("bank"), t2, 5, 20_000, True, b"\1" * 32)),
        *(
            (world.bills, fn, (bill_id,))
            for fn in ("accept", "reject", "receiveBill", "cancel", "presentAll", "payAll")
        ),
        (world.bills, "endorse", (bill_id, 1, 5, t2, b"\1" * 32, True)),
        (world.bills, "discount", (bill_id, 1, 5, world.addr("bank"), 36_000, 2, zero)),
        (world.bills, "pledge", (bill_id, 1, 5, world.addr("bank"))),
        (world.bills, "recourse", (bill_id, 1, t2)),
        *((world.bills, fn, (transfer_id,)) for fn in ("sign", "rejectTransfer", "revoke")),
        *((world.bills, fn, (bill_id, 1)) for fn in ("release", "present", "pay", "freeze", "unfreeze")),
        (world.bills, "dishonor", (bill_id, 1, "not enough funds, 资金不足")),
        (world.bills, "dishonorAll", (bill_id, "late")),
        (world.cash, "mint", (t2, 7)),
        (world.cash, "transfer", (t2, 7)),
        (world.cash, "setMintLimit", (world.addr("bank"), 7)),
        (world.system.registry, "freeze", (t2,)),
        (world.system.registry, "unfreeze", (t2,)),
    ]
    assert len({client.encode(fn, *args).data[:4] for client, fn, args in every}) == 26
    for client, fn, args in every:
        call, typed = sc.prepare(client, fn, *args, nonce=3, deadline=10**10)
        assert typed_digest(typed) == relay.digest_of(call, sc.address, 3, 10**10), fn
        assert recover_typed(typed, sign_typed(sc.key, typed)) == sc.address
    _, terms = sc.prepare(world.bills, "sign", transfer_id)
    assert terms["primaryType"] == "SignTransfer"
    message = terms["message"]
    assert (message["billId"], message["rangeStart"], message["rangeEnd"], message["price"]) == (bill_id, 1, 250_000, 0)
    assert message["transferKind"] == int(TransferKind.ENDORSE)


def test_a_signature_acts_once(world: World, sc: SelfCustody) -> None:
    world.mint("t1", 1_000)
    world.cash.transfer(world["t1"], sc.address, 1_000)
    call, typed = sc.prepare(world.cash, "transfer", world.addr("t2"), 10)
    signature = sign_typed(sc.key, typed)
    sc.submit(call, typed, signature)
    with reverts(InvalidAccountNonce, account=sc.address, current_nonce=1):
        sc.submit(call, typed, signature)
    assert world.cash.balance_of(sc.address) == 990


def test_no_one_but_the_relay_uses_a_members_nonce(world: World, sc: SelfCustody) -> None:
    """The nonce lives in the member record (one slot with it, for gas): the operator, the member itself or
    the relayer calling the registry directly cannot burn it, so no one can void a signature made for it."""
    registry = world.system.registry
    for caller in (world.operator, sc.relayer, world["t1"]):
        world.backend.fund(caller.address)
        with reverts(ParticipantRoleForbidden, account=caller.address, role=0):
            registry._send(caller, "incrementNonce", sc.address, 0)
    assert world.system.relay.nonce(sc.address) == 0
    record = registry.member(sc.address)
    world.mint("t1", 5)
    world.cash.transfer(world["t1"], sc.address, 5)
    sc.do(world.cash, "transfer", world.addr("t2"), 1)
    assert world.system.relay.nonce(sc.address) == 1
    assert registry.member(sc.address) == record  # the record the nonce shares its slot with is intact


def test_a_signature_for_another_chain_or_contract_does_not_act(world: World, sc: SelfCustody) -> None:
    call, typed = sc.prepare(world.cash, "transfer", world.addr("t2"), 10)
    for field, value in (("chainId", 1), ("verifyingContract", world.system.bills.address), ("name", "other")):
        elsewhere = copy.deepcopy(typed)
        elsewhere["domain"][field] = value
        with reverts(RelayBadSignature, signer=sc.address):
            sc.submit(call, typed, sign_typed(sc.key, elsewhere))


def test_a_signature_is_for_one_operation_with_its_terms(world: World, sc: SelfCustody) -> None:
    """The relayer changes the amount, the receiver, or the operation: the signature no longer matches."""
    world.mint("t1", 1_000)
    world.cash.transfer(world["t1"], sc.address, 1_000)
    call, typed = sc.prepare(world.cash, "transfer", world.addr("t2"), 10)
    signature = sign_typed(sc.key, typed)
    for altered in (
        world.cash.encode("transfer", world.addr("t2"), 999),
        world.cash.encode("transfer", world.addr("t3"), 10),
        world.cash.encode("mint", world.addr("t2"), 10),
        EncodedCall(call.to, call.data + b"\0" * 32),
    ):
        with reverts(RelayBadSignature):
            sc.submit(altered, typed, signature)
    registry = world.system.registry
    for power in (  # nothing but the platform's signed operations goes through the relay, whoever signed
        world.cash.encode("settle", sc.address, world.addr("t2"), 10),
        registry.encode("register", sc.relayer.address, int(Role.REGULATOR), "relayer", "relayer", "", sc.address),
        registry.encode("claim", sc.address),
        registry.encode("grantRole", b"\0" * 32, sc.relayer.address),
    ):
        with reverts(RelayUnknownOperation):
            sc.submit(power, typed, signature)
    assert world.cash.balance_of(sc.address) == 1_000


def test_a_transfer_answer_is_signed_with_its_price(world: World, sc: SelfCustody) -> None:
    """Told a discount costs less than it does, the bank's signature does not pay the real price."""
    bank = SelfCustody(world, Account.create())
    world.system.registry.register(world.operator, bank.address, Role.BANK)
    bill_id = world.circulating()
    transfer_id, _ = world.bills.discount(world["t1"], bill_id, 1, 500_000, bank.address, 36_000)
    call, typed = bank.prepare(world.bills, "sign", transfer_id)
    price = typed["message"]["price"]
    assert 0 < price < 500_000
    lied = copy.deepcopy(typed)
    lied["message"]["price"] = price // 2
    with reverts(RelayBadSignature, signer=bank.address):
        bank.submit(call, typed, sign_typed(bank.key, lied))
    assert world.bills.transfer(transfer_id).status is TransferStatus.PENDING


def test_a_signature_past_its_deadline_does_not_act(world: World, sc: SelfCustody) -> None:
    call, typed = sc.prepare(world.cash, "transfer", world.addr("t2"), 10, deadline=sc.deadline(60))
    signature = sign_typed(sc.key, typed)
    world.backend.advance_time(120)
    with reverts(RelaySignatureExpired, deadline=typed["message"]["deadline"]):
        sc.submit(call, typed, signature)


def test_another_key_cannot_sign_for_a_participant(world: World, sc: SelfCustody) -> None:
    """The operator's key, the relayer's, another participant's: none is the signer's."""
    bill_id = world.circulating()
    transfer_id, _ = world.bills.endorse(world["t1"], bill_id, 1, 1_000, sc.address)
    call, typed = sc.prepare(world.bills, "sign", transfer_id)
    for key in (world.operator, sc.relayer, world["t2"], world["reg"]):
        with reverts(RelayBadSignature, signer=sc.address):
            sc.submit(call, typed, sign_typed(key, typed))
    assert world.bills.range(bill_id, 1).state is RangeState.LOCKED


def test_a_failed_operation_leaves_its_nonce_unused(world: World, sc: SelfCustody) -> None:
    from chain.errors import CashInsufficient

    with reverts(CashInsufficient):
        sc.do(world.cash, "transfer", world.addr("t2"), 10)
    assert world.system.relay.nonce(sc.address) == 0


def test_a_contract_wallet_signs_through_erc1271(world: World) -> None:
    """A bank's multisig stands behind its address: the relay asks the wallet (OwnedWallet, one owner)."""
    owner = Account.create()
    wallet, _ = deploy_contract(world.system.tx, world.operator, "OwnedWallet", owner.address)
    world.system.registry.register(world.operator, wallet, Role.ENTERPRISE)
    signer = SelfCustody(world, owner, address=wallet)
    bill_id = world.circulating()
    transfer_id, _ = world.bills.endorse(world["t1"], bill_id, 1, 1_000, wallet)
    signer.do(world.bills, "sign", transfer_id)
    assert world.bills.range(bill_id, 1).holder == wallet
    stranger = SelfCustody(world, Account.create(), address=wallet)
    call, typed = stranger.prepare(world.bills, "endorse", bill_id, 1, 10, world.addr("t2"), b"\0" * 32, False)
    with reverts(RelayBadSignature, signer=wallet):
        stranger.submit(call, typed, sign_typed(stranger.key, typed))


def test_a_self_custody_participant_may_also_send_its_operation_itself(world: World, sc: SelfCustody) -> None:
    """ERC-2771 changes nothing for a direct caller: the same operation, as its own transaction."""
    world.backend.fund(sc.address)
    world.mint("t1", 100)
    world.cash.transfer(world["t1"], sc.address, 100)
    world.system.tx.send(sc.key, world.cash.encode("transfer", world.addr("t2"), 40))
    assert world.cash.balance_of(sc.address) == 60
    assert world.system.relay.nonce(sc.address) == 0  # its own transaction uses no signature nonce


def test_the_registry_admits_no_one_at_the_zero_address_or_the_relay(world: World) -> None:
    """Calls from the relay always act for the signer it appends: an account at its address, or at the
    zero address, would be a member no one could ever act as."""
    from chain.errors import ParticipantInvalidAccount

    for address in ("0x" + "00" * 20, world.system.relay.address):
        with reverts(ParticipantInvalidAccount):
            world.system.registry.register(world.operator, address, Role.ENTERPRISE)
