"""Batches of signed operations (OperationRelay.executeBatch): many signers' operations in one
transaction, in order, all or nothing, each signed as an item of its very batch (no item acts outside it);
and what a batch saves in gas against the same operations alone."""

from __future__ import annotations

import pytest
from eth_account import Account

from chain.errors import BatchItemFailed, InvalidAccountNonce, RelayBadSignature, RelayBatchInvalidSize
from chain.model import ZERO_HASH, BillKind, RangeState, Role
from chain.relay import SignedBy, batch_of, sign_typed, typed_digest
from chain.tx import EncodedCall
from tests.conftest import World
from tests.contracts.test_relay import SelfCustody


def _signers(world: World, count: int) -> list[SelfCustody]:
    out = []
    for _ in range(count):
        key = Account.create()
        world.system.registry.register(world.operator, key.address, Role.ENTERPRISE)
        out.append(SelfCustody(world, key))
    return out


Item = tuple[SelfCustody, EncodedCall, int]  # who signs, the operation, its nonce


def _batch(items: list[Item], deadline: int | None = None) -> list[tuple[SignedBy, EncodedCall]]:
    """The items, each signed by its signer as an item of this batch (BatchItem(batch, operation))."""
    relay = items[0][0].world.system.relay
    deadline = deadline or items[0][0].deadline()
    batch = batch_of([(call, sc.address, nonce, deadline) for sc, call, nonce in items])
    signed = []
    for sc, call, nonce in items:
        typed = relay.batch_item_typed_data(batch, call, sc.address, nonce, deadline)
        signed.append((SignedBy(sc.address, nonce, deadline, sign_typed(sc.key, typed), sc.relayer), call))
    return signed


def _holding(world: World, holders: list[SelfCustody], amount: int = 1_000) -> list[int]:
    """A circulating bill for each holder, received through the relay."""
    bills = []
    for sc in holders:
        bill_id, _ = world.bills.issue(
            world["core"],
            kind=BillKind.BANK_ACCEPTANCE,
            acceptor=world.addr("bank"),
            payee=sc.address,
            amount=amount,
            maturity_day=world.today() + 90,
        )
        world.bills.accept(world["bank"], bill_id)
        sc.do(world.bills, "receiveBill", bill_id)
        bills.append(bill_id)
    return bills


def test_many_signers_operations_run_in_one_transaction_in_order(world: World) -> None:
    signers = _signers(world, 3)
    bill_ids = _holding(world, signers)
    relay, bills = world.system.relay, world.bills
    # each signer endorses 100 of its bill to t1, and the first also a second 100 (its next nonce)
    items: list[Item] = [
        (sc, bills.encode("endorse", bill_id, 1, 100, world.addr("t1"), ZERO_HASH, False), relay.nonce(sc.address))
        for sc, bill_id in zip(signers, bill_ids, strict=True)
    ]
    first = signers[0]
    items.append(
        (
            first,
            bills.encode("endorse", bill_ids[0], 101, 100, world.addr("t1"), ZERO_HASH, False),
            relay.nonce(first.address) + 1,
        )
    )
    result = relay.send_batch(first.relayer, _batch(items))
    requested = bills.events_in(result.receipt, "TransferRequested")
    assert [(e["args"]["billId"], e["args"]["start"]) for e in requested] == [
        (bill_ids[0], 1),
        (bill_ids[1], 1),
        (bill_ids[2], 1),
        (bill_ids[0], 101),
    ]
    assert [e["args"]["from"] for e in requested] == [
        signers[0].address,
        signers[1].address,
        signers[2].address,
        signers[0].address,
    ]
    assert relay.nonce(first.address) == 3 and relay.nonce(signers[1].address) == 2  # receive used 1 each


def test_one_failing_operation_undoes_the_whole_batch_and_is_named(world: World) -> None:
    signers = _signers(world, 2)
    bill_ids = _holding(world, signers)
    relay, bills = world.system.relay, world.bills
    before = [bills.ranges(b) for b in bill_ids], [relay.nonce(sc.address) for sc in signers]
    good = (signers[0], bills.encode("endorse", bill_ids[0], 1, 100, world.addr("t1"), ZERO_HASH, False), before[1][0])
    # the second endorses more than its range holds: RangeInvalidAmount, the error it would meet alone
    bad = (signers[1], bills.encode("endorse", bill_ids[1], 1, 5_000, world.addr("t1"), ZERO_HASH, False), before[1][1])
    with pytest.raises(BatchItemFailed) as failed:
        relay.send_batch(signers[0].relayer, _batch([good, bad]))
    assert failed.value.index == 1 and failed.value.code == "VALIDATION_ERROR"
    assert type(failed.value.error).__name__ == "RangeInvalidAmount"
    assert ([bills.ranges(b) for b in bill_ids], [relay.nonce(sc.address) for sc in signers]) == before
    assert all(r.state == RangeState.HELD for b in bill_ids for r in bills.ranges(b))


def test_a_batch_is_checked_like_each_operation_alone(world: World) -> None:
    (sc,) = _signers(world, 1)
    (bill_id,) = _holding(world, [sc])
    relay, bills = world.system.relay, world.bills
    call = bills.encode("endorse", bill_id, 1, 100, world.addr("t1"), ZERO_HASH, False)
    nonce = relay.nonce(sc.address)
    ((signed, _),) = _batch([(sc, call, nonce)])
    batch = batch_of([(call, sc.address, nonce, signed.deadline)])
    forged = SignedBy(
        sc.address,
        nonce,
        signed.deadline,
        sign_typed(Account.create(), relay.batch_item_typed_data(batch, call, sc.address, nonce, signed.deadline)),
        sc.relayer,
    )
    with pytest.raises(RelayBadSignature):
        relay.send_batch(sc.relayer, [(forged, call)])
    with pytest.raises(InvalidAccountNonce):  # the same signature twice in one batch acts once, at most
        relay.send_batch(sc.relayer, _batch([(sc, call, nonce), (sc, call, nonce)]))
    with pytest.raises(RelayBatchInvalidSize):
        relay.send_batch(sc.relayer, [])
    assert relay.nonce(sc.address) == nonce


def test_a_batch_items_digest_is_the_relays(world: World) -> None:
    (sc,) = _signers(world, 1)
    relay = world.system.relay
    call = world.cash.encode("transfer", world.addr("t1"), 1)
    deadline, nonce = sc.deadline(), relay.nonce(sc.address)
    batch = batch_of([(call, sc.address, nonce, deadline)])
    typed = relay.batch_item_typed_data(batch, call, sc.address, nonce, deadline)
    assert typed["primaryType"] == "BatchItem" and typed["message"]["operation"]["to"] == world.addr("t1")
    assert relay.batch_item_digest_of(batch, call, sc.address, nonce, deadline) == typed_digest(typed)
    assert relay.batch_item_digest_of(batch, call, sc.address, nonce, deadline) != relay.digest_of(
        call, sc.address, nonce, deadline
    )
    item = (call.data, sc.address, nonce, deadline, b"")
    assert bytes(relay.contract.functions.batchOf([item]).call()) == batch


def test_gas_per_operation_in_a_batch_against_the_same_operation_alone(world: World) -> None:
    """The figures BENCHMARKS.md quotes ("Batches"): n endorse requests by n signers."""
    signers = _signers(world, 17)
    bill_ids = _holding(world, signers)
    relay, bills = world.system.relay, world.bills

    def endorse(sc: SelfCustody, bill_id: int, start: int) -> Item:
        return (
            sc,
            bills.encode("endorse", bill_id, start, 1, world.addr("t1"), ZERO_HASH, False),
            relay.nonce(sc.address),
        )

    alone = relay.send_batch(signers[0].relayer, _batch([endorse(signers[0], bill_ids[0], 1)])).gas_used
    single = signers[0].submit(
        *_typed(signers[0], bills.encode("endorse", bill_ids[0], 2, 1, world.addr("t1"), ZERO_HASH, False))
    )
    batch = relay.send_batch(
        signers[0].relayer,
        _batch([endorse(sc, b, 3 if sc is signers[0] else 1) for sc, b in zip(signers[1:], bill_ids[1:], strict=True)]),
    )
    per_op = batch.gas_used / 16
    print(f"endorse relayed alone {single.gas_used}, batch of 1 {alone}, in a batch of 16 {per_op:.0f} per operation")
    assert per_op < single.gas_used - 15_000  # the transaction's 21,000 base cost is shared


def _typed(sc: SelfCustody, call: EncodedCall) -> tuple[EncodedCall, dict, bytes]:  # type: ignore[type-arg]
    relay = sc.world.system.relay
    typed = relay.typed_data(call, sc.address, relay.nonce(sc.address), sc.deadline())
    return call, typed, sign_typed(sc.key, typed)
