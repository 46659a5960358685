"""Issue 24, finding 3: a batch was all or nothing only until it reverted. Each item was an independently
valid relay signature (its own nonce, a deadline minutes away): when a batch reverted on chain (a
counterparty revokes mid-flight), anyone could lift the earlier items from the public reverted transaction
and send them alone, so that pay-then-receive became pay.

The attack: a delivery against payment as one batch (the payer pays, the seller endorses its range) that
reverts on chain; its items sent alone through `execute`, as a batch of their own, or in another order. Each
item is signed as an item of its very batch (chain/relay.py `batch_item_typed_data`, as the gateway's
POST /v1/batch signs them), so each is refused."""

from __future__ import annotations

import pytest
from eth_account import Account

from chain.errors import BatchItemFailed, RelayBadSignature
from chain.model import ZERO_HASH, BillKind, Role
from chain.relay import SignedBy, batch_of, sign_typed
from chain.tx import EncodedCall
from tests.conftest import World
from tests.contracts.test_relay import SelfCustody


def _batch(items: list[tuple[SelfCustody, EncodedCall, int]], deadline: int) -> list[tuple[SignedBy, EncodedCall]]:
    relay = items[0][0].world.system.relay
    batch = batch_of([(call, sc.address, nonce, deadline) for sc, call, nonce in items])
    return [
        (
            SignedBy(
                sc.address,
                nonce,
                deadline,
                sign_typed(sc.key, relay.batch_item_typed_data(batch, call, sc.address, nonce, deadline)),
                sc.relayer,
            ),
            call,
        )
        for sc, call, nonce in items
    ]


def test_no_item_of_a_reverted_batch_acts_alone(world: World) -> None:
    payer, seller = (SelfCustody(world, Account.create()) for _ in range(2))
    for sc in (payer, seller):
        world.system.registry.register(world.operator, sc.address, Role.ENTERPRISE)
    world.cash.mint(world["bank"], payer.address, 5_000)
    bill_id, _ = world.bills.issue(
        world["core"],
        kind=BillKind.BANK_ACCEPTANCE,
        acceptor=world.addr("bank"),
        payee=seller.address,
        amount=1_000,
        maturity_day=world.today() + 90,
    )
    world.bills.accept(world["bank"], bill_id)
    seller.do(world.bills, "receiveBill", bill_id)
    relay = world.system.relay
    deadline = payer.deadline()
    pay = (payer, world.cash.encode("transfer", seller.address, 5_000), relay.nonce(payer.address))
    # the seller's leg no longer holds by the time the batch is mined: more than its range (on chain)
    deliver = (
        seller,
        world.bills.encode("endorse", bill_id, 1, 10_000, payer.address, ZERO_HASH, False),
        relay.nonce(seller.address),
    )
    signed = _batch([pay, deliver], deadline)
    with pytest.raises(BatchItemFailed):
        relay.send_batch(payer.relayer, signed)
    # every node has the reverted transaction: its items, signatures included, are public
    (paid, pay_call), (delivered, deliver_call) = signed
    for attempt in (
        lambda: relay.send(paid, pay_call),  # the payment alone
        lambda: relay.send_batch(payer.relayer, [(paid, pay_call)]),  # the payment as a batch of its own
        lambda: relay.send(delivered, deliver_call),
        lambda: relay.send_batch(payer.relayer, [(delivered, deliver_call), (paid, pay_call)]),  # reordered
    ):
        with pytest.raises(RelayBadSignature):
            attempt()
    assert world.cash.balance_of(payer.address) == 5_000 and world.cash.balance_of(seller.address) == 0
    assert relay.nonce(payer.address) == pay[2] and relay.nonce(seller.address) == deliver[2]
