"""A member's wallet on the confidential ledger (chain/zk/wallet.py): what it holds, read from the chain with its
note key alone, and the proofs it makes from that (hosted proving's engine, docs/PRIVACY.md §3.12).

The story: bank2 holds two cash notes and the acceptor one, a bill's range is issued to t1, t1 endorses part of
it to t2, t2 asks bank2 to discount it, bank2 pays from both of its notes; each step proven and sent by the
parties' wallets.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from chain.errors import (
    DiscountNotPending,
    NotDiscountParty,
    NoteLocked,
    NullifierSpent,
    PaymentAwaited,
    PaymentMismatch,
    PresentmentNotPending,
    WrongDay,
)
from chain.zk.ledger import ConfidentialLedger, attach_confidential
from chain.zk.prover import NoteKey, Prover
from chain.zk.regulator import CashHolding, RangeHolding, RegulatorIndex, regulator_view
from chain.zk.toolchain import ToolError
from chain.zk.wallet import NotEnoughCash, Offer, OfferExpired, Wallet
from tests.conftest import World, reverts
from tests.zk.conftest import confidential_ledger

pytestmark = [pytest.mark.slow, pytest.mark.anvil, pytest.mark.xdist_group("zk-wallet")]

AMOUNT = 1_234_567_89  # fen
ENDORSED = 400_000_00
RATE_MICROS = 18_734  # 1.8734 %
TENOR_DAYS = 90
NOTES = (300_000_00, 200_000_00)  # bank2's cash: the price needs both
ACCEPTOR_CASH = 1_000_000_00  # the acceptor's, to pay at maturity


@dataclass
class Story:
    world: World
    ledger: ConfidentialLedger
    regulator: NoteKey
    keys: dict[str, NoteKey]
    wallets: dict[str, Wallet]
    discount: int  # t2's request to bank2, signed
    price: int

    def sync(self) -> None:
        for wallet in self.wallets.values():
            wallet.sync()


@pytest.fixture(scope="module")
def story(zk_world: World, prover: Prover) -> Iterator[Story]:
    world = zk_world
    regulator = prover.keypair()
    keys = {name: prover.keypair() for name in ("t1", "t2", "bank2", "bank")}
    ledger = confidential_ledger(world, prover, regulator.pk, sum(NOTES) + ACCEPTOR_CASH)
    vk, today = ledger.viewing_key, ledger.today()
    for value in NOTES:
        ledger.mint(world["bank"], prover.mint(value, keys["bank2"].pk, vk))
    ledger.mint(world["bank"], prover.mint(ACCEPTOR_CASH, keys["bank"].pk, vk))
    code = world.system.registry.member(world.addr("bank")).code
    ledger.issue(world["bank"], prover.issue(code, 9, today + TENOR_DAYS, AMOUNT, keys["t1"].pk, today, vk))
    wallets = {name: Wallet(ledger, prover, key).sync() for name, key in keys.items()}
    t1, t2, bank2 = wallets["t1"], wallets["t2"], wallets["bank2"]

    (bill,) = t1.ranges.values()
    ledger.endorse(world["t1"], t1.endorse(bill, ENDORSED, keys["t2"].pk))
    t2.sync()
    (endorsed,) = t2.ranges.values()
    asked = t2.request_discount(endorsed, ENDORSED, keys["bank2"].pk, RATE_MICROS, 0)
    discount, _ = ledger.request_discount(world["t2"], asked)
    offer = bank2.sync().offers[discount]
    ledger.sign_discount(world["bank2"], discount, bank2.pay_offer(offer))
    s = Story(world, ledger, regulator, keys, wallets, discount, asked.notes[0].value)
    s.sync()
    yield s


@pytest.fixture
def fresh(story: Story) -> Iterator[Story]:
    snapshot = story.world.backend.snapshot()
    yield story
    story.world.backend.revert(snapshot)
    for name, key in story.keys.items():  # the wallets read the chain as it is again
        story.wallets[name] = Wallet(story.ledger, story.wallets[name].prover, key).sync()


def _held(wallet: Wallet) -> dict[int, CashHolding | RangeHolding]:
    held: dict[int, CashHolding | RangeHolding] = {}
    for n in wallet.cash.values():
        held[n.commitment] = CashHolding(n.owner, n.value, n.commitment)
    for r in wallet.ranges.values():
        held[r.commitment] = RangeHolding(r.owner, r.bill_id, r.maturity_day, r.start, r.end, r.commitment)
    return held


def _worth(holding: CashHolding | RangeHolding) -> bool:
    return holding.value > 0 if isinstance(holding, CashHolding) else holding.end >= holding.start


def test_each_party_holds_what_the_story_gave_it(story: Story) -> None:
    s = story
    t1, t2, bank2 = s.wallets["t1"], s.wallets["t2"], s.wallets["bank2"]
    twin = s.world.circulating(amount=AMOUNT, days=TENOR_DAYS)  # the transparent contract's price, same terms
    assert s.price == s.world.bills.discount_price(twin, ENDORSED, RATE_MICROS, 0)
    spans = {w: sorted((r.start, r.end) for r in w.ranges.values()) for w in (t1, t2, bank2)}
    assert spans == {t1: [(ENDORSED + 1, AMOUNT)], t2: [], bank2: [(1, ENDORSED)]}
    assert (t1.balance(), t2.balance(), bank2.balance()) == (0, s.price, sum(NOTES) - s.price)
    assert len(bank2.cash) == 1  # both notes spent into the price and one change note
    assert not t2.requests and not bank2.offers  # signed: nothing pending


def test_a_wallet_rebuilt_from_the_chain_and_its_key_alone_holds_the_same_and_the_regulator_agrees(
    story: Story, prover: Prover
) -> None:
    """Change notes and kept ranges are read back with the spend's recall key: nothing but the key is kept.
    Each party's holdings are the regulator's view restricted to its key; another key holds nothing."""
    s = story
    view = regulator_view(s.ledger, prover, s.regulator)
    assert view.unreadable == []
    worth = {c: h for c, h in view.held().items() if _worth(h)}  # a wallet keeps no empty remainder
    for name, key in s.keys.items():
        rebuilt = Wallet(s.ledger, prover, key).sync()
        assert _held(rebuilt) == _held(s.wallets[name])
        assert _held(rebuilt) == {c: h for c, h in worth.items() if h.owner == key.pk}
    assert sum(len(_held(w)) for w in s.wallets.values()) == len(worth)
    outsider = Wallet(s.ledger, prover, prover.keypair()).sync()
    assert _held(outsider) == {} and outsider.offers == {} and outsider.requests == {}


def test_the_wallet_pays_from_its_notes_and_says_when_they_cannot_cover(fresh: Story) -> None:
    s = fresh
    t1, t2 = s.wallets["t1"], s.wallets["t2"]
    s.ledger.transfer(s.world["t2"], t2.pay(100_00, s.keys["t1"].pk))
    s.sync()
    assert (t1.balance(), t2.balance()) == (100_00, s.price - 100_00)
    with pytest.raises(NotEnoughCash) as refused:
        t2.pay(s.price, s.keys["t1"].pk)
    assert (refused.value.balance, refused.value.coverable) == (s.price - 100_00, s.price - 100_00)
    assert t2.balance() == s.price - 100_00  # nothing changed
    first = t2.pay(1_00, s.keys["t1"].pk)  # not sent yet: its note is reserved, no second proof takes it
    with pytest.raises(NotEnoughCash):
        t2.pay(1_00, s.keys["t1"].pk)
    t2.release(first)  # never sent: free again
    s.ledger.transfer(s.world["t2"], t2.pay(1_00, s.keys["t1"].pk))
    assert t1.sync().balance() == 101_00


def test_cash_spread_over_three_notes_is_merged_then_paid_and_the_regulator_s_index_follows(
    fresh: Story, prover: Prover
) -> None:
    """A proof spends at most two notes: `merge` pays two to ourselves as one. The regulator's index and the
    tree's leaves are read incrementally (only the blocks since the last read), and equal a fresh read."""
    s = fresh
    t1, t2 = s.wallets["t1"], s.wallets["t2"]
    index = RegulatorIndex(s.ledger, prover, s.regulator)
    index.sync()  # read up to here; the rest is read as it comes
    for value in (10_00, 20_00, 30_00):
        s.ledger.transfer(s.world["t2"], t2.pay(value, s.keys["t1"].pk))
        t2.sync()
    with pytest.raises(NotEnoughCash) as short:
        t1.sync().pay(55_00, s.keys["t2"].pk)
    assert short.value.mergeable and (short.value.coverable, short.value.notes_needed) == (50_00, 3)
    s.ledger.transfer(s.world["t1"], t1.merge())
    assert sorted(n.value for n in t1.sync().cash.values()) == [10_00, 50_00]
    s.ledger.transfer(s.world["t1"], t1.pay(55_00, s.keys["t2"].pk))
    assert t1.sync().balance() == 5_00
    with pytest.raises(NotEnoughCash) as short:
        t1.pay(6_00, s.keys["t2"].pk)
    assert not short.value.mergeable
    fresh_view = regulator_view(s.ledger, prover, s.regulator)
    assert index.sync().held() == fresh_view.held() and index.view.balances()[s.keys["t1"].pk] == 5_00
    assert s.ledger.leaves() == attach_confidential(s.ledger.tx, s.ledger.contract.address).leaves()


def test_a_pending_request_locks_the_note_until_the_bank_rejects_it_with_the_key_both_compute(
    fresh: Story,
) -> None:
    s = fresh
    t1, bank2 = s.wallets["t1"], s.wallets["bank2"]
    (kept,) = t1.ranges.values()
    asked = t1.request_discount(kept, 1_000_00, s.keys["bank2"].pk, RATE_MICROS, 1)
    discount, _ = s.ledger.request_discount(s.world["t1"], asked)
    s.sync()
    assert t1.ranges == {} and discount in t1.requests  # locked: neither moved nor asked again
    offer = bank2.offers[discount]
    assert (offer.start, offer.end, offer.rate_micros, offer.adjust_days) == (
        ENDORSED + 1,
        ENDORSED + 1_000_00,
        RATE_MICROS,
        1,
    )
    assert offer.holder == s.keys["t1"].pk and offer.price == asked.notes[0].value
    assert t1.cancel_key(discount) == bank2.cancel_key(discount) == asked.cancel_key
    s.ledger.cancel_discount(s.world["bank2"], discount, bank2.cancel_key(discount))
    s.sync()
    assert list(t1.ranges.values()) == [kept] and t1.requests == {} and bank2.offers == {}
    with reverts(DiscountNotPending, id=discount):
        s.ledger.sign_discount(s.world["bank2"], discount, bank2.pay(offer.price, offer.holder, salt=offer.price_salt))
    # asked again, of the same bank: the first request's cancel key, public since its cancel, cancels nothing now
    again, _ = s.ledger.request_discount(
        s.world["t1"], t1.request_discount(kept, 1_000_00, s.keys["bank2"].pk, RATE_MICROS, 1)
    )
    with reverts(NotDiscountParty, id=again):
        s.ledger.cancel_discount(s.world["t2"], again, asked.cancel_key)
    s.sync()
    assert t1.cancel_key(again) == bank2.cancel_key(again) != asked.cancel_key
    s.ledger.cancel_discount(s.world["t1"], again, t1.cancel_key(again))  # the holder revokes
    s.sync()
    assert list(t1.ranges.values()) == [kept] and bank2.offers == {}


def test_at_maturity_the_holder_presents_and_the_acceptor_s_payment_retires_the_range(
    fresh: Story, prover: Prover
) -> None:
    s = fresh
    t1, bank = s.wallets["t1"], s.wallets["bank"]
    acceptor = s.keys["bank"].pk
    (kept,) = t1.ranges.values()
    with pytest.raises(ToolError, match="Assert Failed"):  # before maturity, no proof can be made
        t1.present(kept, acceptor)
    s.world.advance_days(TENOR_DAYS)
    matured = Offer(
        0, kept.bill_id, kept.maturity_day, kept.start, kept.start, RATE_MICROS, 0, 0, (0, 1), 1, 0, 0, 0, 0
    )
    with pytest.raises(OfferExpired):  # nor is an offer of the bill paid after it
        s.wallets["bank2"].pay_offer(matured)
    yesterday = t1.present(kept, acceptor)
    s.world.advance_days(1)
    with reverts(WrongDay):
        s.ledger.present(s.world["t1"], yesterday)
    asked = t1.present(kept, acceptor)
    presented, _ = s.ledger.present(s.world["t1"], asked)
    s.sync()
    assert t1.ranges == {} and t1.presented == {presented: kept}
    due = bank.dues[presented]
    assert (due.start, due.end, due.holder, due.amount) == (ENDORSED + 1, AMOUNT, s.keys["t1"].pk, AMOUNT - ENDORSED)
    with reverts(NoteLocked):  # presented once
        s.ledger.present(s.world["t1"], t1.present(kept, acceptor))
    paid = bank.pay_due(due)
    with reverts(PaymentAwaited, id=presented):  # the payment, seen pending, sent as a plain transfer
        s.ledger.transfer(s.world["t2"], paid)
    bank.release(paid)  # reserved for `paid`; the attack below proves from the same note again
    with reverts(PaymentMismatch):  # another amount
        s.ledger.pay(s.world["bank"], presented, bank.pay(due.amount - 1, due.holder))
    s.ledger.pay(s.world["t2"], presented, paid)  # anyone submits; the proof is the acceptor's
    s.sync()
    assert t1.balance() == AMOUNT - ENDORSED and bank.balance() == ACCEPTOR_CASH - (AMOUNT - ENDORSED)
    assert t1.presented == {} and bank.dues == {}
    with reverts(PresentmentNotPending, id=presented):
        s.ledger.pay(s.world["bank"], presented, paid)
    with reverts(NullifierSpent):
        s.ledger.present(s.world["t1"], asked)
    view = regulator_view(s.ledger, prover, s.regulator)
    assert view.unreadable == [] and view.presented == {} and kept.commitment in view.spent
    for name, key in s.keys.items():
        assert _held(Wallet(s.ledger, prover, key).sync()) == _held(s.wallets[name])
