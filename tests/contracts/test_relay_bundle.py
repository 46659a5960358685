"""Bundles of signed operations (OperationRelay.executeBundle, issue 28): many callers' operations in one
transaction, each succeeding or failing on its own with its own outcome event; an item is an ordinary signed
operation (what `execute` takes), checked as `execute` checks it."""

from __future__ import annotations

import pytest
from eth_account import Account

from chain.errors import InvalidAccountNonce, RangeInvalidAmount, RelayBadSignature, RelayBatchInvalidSize
from chain.model import ZERO_HASH, RangeState
from chain.relay import SignedBy, sign_typed
from chain.tx import EncodedCall
from tests.conftest import World
from tests.contracts.test_relay import SelfCustody
from tests.contracts.test_relay_batch import _holding, _signers

Item = tuple[SelfCustody, EncodedCall, int]  # who signs, the operation, its nonce


def _signed(items: list[Item]) -> list[tuple[SignedBy, EncodedCall]]:
    """Each item signed by its signer as for `execute` alone."""
    relay = items[0][0].world.system.relay
    out = []
    for sc, call, nonce in items:
        deadline = sc.deadline()
        typed = relay.typed_data(call, sc.address, nonce, deadline)
        out.append((SignedBy(sc.address, nonce, deadline, sign_typed(sc.key, typed), sc.relayer), call))
    return out


def _endorse(world: World, sc: SelfCustody, bill_id: int, start: int, amount: int, nonce: int) -> Item:
    return sc, world.bills.encode("endorse", bill_id, start, amount, world.addr("t1"), ZERO_HASH, False), nonce


def test_each_item_succeeds_or_fails_on_its_own_and_says_which(world: World) -> None:
    signers = _signers(world, 3)
    bill_ids = _holding(world, signers)
    relay, bills = world.system.relay, world.bills
    nonces = [relay.nonce(sc.address) for sc in signers]
    items = [
        _endorse(world, signers[0], bill_ids[0], 1, 100, nonces[0]),
        _endorse(world, signers[1], bill_ids[1], 1, 5_000, nonces[1]),  # more than the range holds
        _endorse(world, signers[2], bill_ids[2], 1, 100, nonces[2]),
    ]
    result = relay.send_bundle(signers[0].relayer, _signed(items))
    assert result.outcomes[0] is None and result.outcomes[2] is None
    assert isinstance(result.outcomes[1], RangeInvalidAmount)  # the error it meets alone, decoded
    # the failed item changed nothing and left its nonce unused; the others took effect
    assert [r.state for r in bills.ranges(bill_ids[1])] == [RangeState.HELD]
    assert [relay.nonce(sc.address) for sc in signers] == [nonces[0] + 1, nonces[1], nonces[2] + 1]
    assert next(r.state for r in bills.ranges(bill_ids[0])) is RangeState.LOCKED
    assert next(r.state for r in bills.ranges(bill_ids[2])) is RangeState.LOCKED
    requested = bills.events_in(result.tx.receipt, "TransferRequested")
    assert [e["args"]["from"] for e in requested] == [signers[0].address, signers[2].address]


def test_a_bad_signature_an_old_nonce_or_a_replay_fails_only_its_item(world: World) -> None:
    signers = _signers(world, 2)
    bill_ids = _holding(world, signers)
    relay = world.system.relay
    nonces = [relay.nonce(sc.address) for sc in signers]
    good = _signed([_endorse(world, signers[0], bill_ids[0], 1, 100, nonces[0])])[0]
    forged_item = _endorse(world, signers[1], bill_ids[1], 1, 100, nonces[1])
    signed, call = _signed([forged_item])[0]
    typed = relay.typed_data(call, signers[1].address, nonces[1], signed.deadline)
    forged = SignedBy(
        signers[1].address, nonces[1], signed.deadline, sign_typed(Account.create(), typed), signed.relayer
    )
    # the good item twice: the second meets its used nonce
    result = relay.send_bundle(signers[0].relayer, [good, (forged, call), good])
    assert result.outcomes[0] is None
    assert isinstance(result.outcomes[1], RelayBadSignature)
    assert isinstance(result.outcomes[2], InvalidAccountNonce)
    assert relay.nonce(signers[1].address) == nonces[1]
    # an item of a bundle is an ordinary signed operation: sent again alone, it still meets its nonce
    with pytest.raises(InvalidAccountNonce):
        relay.send(good[0], good[1])


def test_one_signer_s_items_after_a_failed_one_fail_on_their_nonce(world: World) -> None:
    """The gateway keeps one write a signer in a bundle for this reason: a failure shifts its later nonces."""
    (sc,) = _signers(world, 1)
    (bill_id,) = _holding(world, [sc])
    relay = world.system.relay
    nonce = relay.nonce(sc.address)
    items = [_endorse(world, sc, bill_id, 1, 5_000, nonce), _endorse(world, sc, bill_id, 1, 10, nonce + 1)]
    result = relay.send_bundle(sc.relayer, _signed(items))
    assert isinstance(result.outcomes[0], RangeInvalidAmount) and isinstance(result.outcomes[1], InvalidAccountNonce)
    assert relay.nonce(sc.address) == nonce


def test_an_empty_or_oversized_bundle_is_refused(world: World) -> None:
    (sc,) = _signers(world, 1)
    with pytest.raises(RelayBatchInvalidSize):
        world.system.relay.send_bundle(sc.relayer, [])


def test_gas_per_operation_in_a_bundle_against_the_same_operation_alone(world: World) -> None:
    """What a bundle saves: the transaction's base cost shared, less the try/catch and outcome event per item."""
    signers = _signers(world, 17)
    bill_ids = _holding(world, signers)
    relay = world.system.relay
    single = signers[0].submit(
        *_typed(signers[0], world.bills.encode("endorse", bill_ids[0], 1, 1, world.addr("t1"), ZERO_HASH, False))
    )
    bundle = relay.send_bundle(
        signers[0].relayer,
        _signed(
            [
                _endorse(world, sc, b, 1, 1, relay.nonce(sc.address))
                for sc, b in zip(signers[1:], bill_ids[1:], strict=True)
            ]
        ),
    )
    assert all(outcome is None for outcome in bundle.outcomes)
    per_op = bundle.tx.gas_used / 16
    print(f"endorse relayed alone {single.gas_used}, in a bundle of 16 {per_op:.0f} per operation")
    assert per_op < single.gas_used - 14_000  # the 21,000 base cost shared, less what each item's isolation costs


def _typed(sc: SelfCustody, call: EncodedCall) -> tuple[EncodedCall, dict, bytes]:  # type: ignore[type-arg]
    relay = sc.world.system.relay
    typed = relay.typed_data(call, sc.address, relay.nonce(sc.address), sc.deadline())
    return call, typed, sign_typed(sc.key, typed)
