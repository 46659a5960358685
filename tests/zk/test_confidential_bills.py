"""Confidential bills on chain (docs/PRIVACY.md, slice 1b as built): a bill's range notes are issued,
endorsed with a split and discounted against confidential cash in one transaction, each move proven to
the contract; the price is DOMAIN.md's, the split conserves the range, a note moves once, and the
regulator reads every move from the chain with its viewing key.

The attacks carry real proofs (or real proofs with one public part changed) to the contract.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from chain.errors import (
    CashRoleForbidden,
    DiscountCancelled,
    DiscountNotPending,
    InvalidProof,
    NotDiscountParty,
    NoteLocked,
    NullifierSpent,
    PaymentAwaited,
    PaymentMismatch,
    WrongDay,
)
from chain.zk.ledger import ConfidentialLedger
from chain.zk.prover import NoteKey, Proven, Prover
from chain.zk.regulator import CashHolding, RangeHolding, regulator_view
from chain.zk.toolchain import ToolError
from tests.conftest import World, reverts
from tests.zk.conftest import confidential_ledger

#: one worker runs the module: its story (deployment and proofs) is made once; proofs take seconds, so
#: make test runs it, not test-fast
pytestmark = [pytest.mark.slow, pytest.mark.anvil, pytest.mark.xdist_group("zk-bills")]

AMOUNT = 1_234_567_89  # fen
ENDORSED = 400_000_00
RATE_MICROS = 18_734  # 1.8734 %
TENOR_DAYS = 90
BANK_CASH = 10_000_000_00
SUBGROUP_ORDER = 2736030358979909402780800718157159386076813972158567259200215660948447373041


@dataclass
class Bills:
    world: World
    ledger: ConfidentialLedger
    regulator: NoteKey
    t1: NoteKey
    t2: NoteKey
    bank2: NoteKey
    today: int
    bill_id: int  # the acceptor's member code, then the serial 7
    issued: Proven  # the bill, 1..AMOUNT, to t1
    endorsed: Proven  # t1 endorses 1..ENDORSED to t2
    discount: Proven  # t2 asks bank2 to discount all of its range
    paid: Proven  # bank2 pays the price: the DvP's cash side
    cash: Proven  # bank2's minted cash


@pytest.fixture(scope="module")
def bills(zk_world: World, prover: Prover) -> Iterator[Bills]:
    world = zk_world
    regulator, t1, t2, bank2 = (prover.keypair() for _ in range(4))
    ledger = confidential_ledger(world, prover, regulator.pk, BANK_CASH)
    vk, today = ledger.viewing_key, ledger.today()
    cash = prover.mint(BANK_CASH, bank2.pk, vk)
    ledger.mint(world["bank"], cash)
    code = world.system.registry.member(world.addr("bank")).code  # the acceptor's member code
    issued = prover.issue(code, 7, today + TENOR_DAYS, AMOUNT, t1.pk, today, vk)
    ledger.issue(world["bank"], issued)
    leaves = ledger.leaves()
    endorsed = prover.endorse(t1, issued.ranges[0].at(2), leaves, ENDORSED, t2.pk, today, vk)
    ledger.endorse(world["t1"], endorsed)
    leaves = ledger.leaves()
    discount = prover.discount(t2, endorsed.ranges[0].at(4), leaves, ENDORSED, bank2.pk, today, RATE_MICROS, 0, vk)
    price = discount.notes[0]
    paid = prover.transfer(bank2, [cash.notes[0].at(0)], leaves, price.value, t2.pk, vk, salt=price.salt)
    yield Bills(
        world, ledger, regulator, t1, t2, bank2, today, code * 2**32 + 7, issued, endorsed, discount, paid, cash
    )


@pytest.fixture
def fresh(bills: Bills) -> Iterator[Bills]:
    snapshot = bills.world.backend.snapshot()
    yield bills
    bills.world.backend.revert(snapshot)


def test_the_price_is_the_rule_s_and_delivery_and_payment_are_one_transaction(fresh: Bills, prover: Prover) -> None:
    b = fresh
    # the transparent contract's own price for the same terms, in the same run: the circuit's rule is DOMAIN.md's
    twin = b.world.circulating(amount=AMOUNT, days=TENOR_DAYS)
    price = b.discount.notes[0].value
    assert price == b.world.bills.discount_price(twin, ENDORSED, RATE_MICROS, 0) < ENDORSED
    discount, _ = b.ledger.request_discount(b.world["t2"], b.discount)
    range_nullifier = b.discount.signals[18]
    assert b.ledger.is_locked(range_nullifier)
    b.ledger.sign_discount(b.world["bank2"], discount, b.paid)
    assert b.ledger.is_spent(range_nullifier) and not b.ledger.is_locked(range_nullifier)
    assert b.ledger.is_spent(b.paid.signals[17])
    leaves = b.ledger.leaves()
    assert b.discount.ranges[0].commitment in leaves and b.paid.notes[0].commitment in leaves
    # the bank reads what it bought and the terms; t2 reads the price it was paid
    event = b.ledger.contract.events.ConfidentialDiscountRequested().get_logs(from_block=0)[-1]["args"]["request"]
    packed, seed, holder_x = prover.decrypt(
        b.bank2.sk, tuple(event["ecdhPk"]), list(event["cipherBank"]), event["nonce"], 3
    )
    assert packed % 2**48 == ENDORSED and (packed >> 48) % 2**48 == 1 and packed >> 192 == RATE_MICROS * 4
    assert holder_x == b.t2.pk[0] and b.t2.pk in prover.points_at(holder_x)
    # both salts the bank needs derive from the seed: the range it bought, the cash note it must make
    assert prover.hash([seed, 0]) == b.discount.ranges[0].salt and prover.hash([seed, 1]) == b.discount.notes[0].salt
    pay = b.ledger.contract.events.ConfidentialDiscountSigned().get_logs(from_block=0)[-1]["args"]["payment"]
    value, _, payer_x = prover.decrypt(b.t2.sk, tuple(pay["ecdhPk"]), list(pay["cipherReceiver"]), pay["nonce"], 3)
    assert (value, payer_x) == (price, b.bank2.pk[0])


def test_the_regulator_reads_every_move_from_the_chain(fresh: Bills, prover: Prover) -> None:
    b = fresh
    b.ledger.sign_discount(b.world["bank2"], b.ledger.request_discount(b.world["t2"], b.discount)[0], b.paid)
    events = b.ledger.contract.events
    issue = events.ConfidentialIssue().get_logs(from_block=0)[-1]["args"]["note"]
    packed, payee_x, _ = prover.decrypt(
        b.regulator.sk, tuple(issue["ecdhPk"]), list(issue["cipherRegulator"]), issue["nonce"], 3
    )
    assert (packed >> 96, packed % 2**48, payee_x) == (b.bill_id * 2**32 + b.today + TENOR_DAYS, AMOUNT, b.t1.pk[0])
    move = events.ConfidentialRangeMove().get_logs(from_block=0)[-1]["args"]["move"]
    seen = prover.decrypt(b.regulator.sk, tuple(move["ecdhPk"]), list(move["cipherRegulator"]), move["nonce"], 9)
    assert seen[1] == ENDORSED and seen[3:7] == [*b.t1.pk, *b.t2.pk]
    request = events.ConfidentialDiscountRequested().get_logs(from_block=0)[-1]["args"]["request"]
    seen = prover.decrypt(
        b.regulator.sk, tuple(request["ecdhPk"]), list(request["cipherRegulator"]), request["nonce"], 9
    )
    assert seen[1] == ENDORSED and seen[3:7] == [*b.t2.pk, *b.bank2.pk] and seen[0] >> 192 == RATE_MICROS * 4
    for outsider in (b.t1, prover.keypair()):  # the endorser does not read its endorsee's discount
        with pytest.raises(ToolError, match="authentication tag"):
            prover.decrypt(outsider.sk, tuple(request["ecdhPk"]), list(request["cipherBank"]), request["nonce"], 3)


def test_no_one_who_sees_the_bank_s_payment_pending_spends_it_without_delivering(fresh: Bills) -> None:
    """The bank's DvP payment is a cash proof: copied into a plain transfer (by a node that saw it pending, or by
    the holder), it would pay the holder and spend the bank's cash while the range stayed locked. Refused."""
    b = fresh
    discount, _ = b.ledger.request_discount(b.world["t2"], b.discount)
    with reverts(PaymentAwaited, id=discount):
        b.ledger.transfer(b.world["t2"], b.paid)
    assert not b.ledger.is_spent(b.paid.signals[17])
    b.ledger.sign_discount(b.world["bank2"], discount, b.paid)
    assert b.ledger.is_spent(b.discount.signals[18])


def test_the_holder_revokes_or_the_bank_rejects_a_pending_discount_and_no_one_else_can(
    fresh: Bills, prover: Prover
) -> None:
    """A pending discount locks the holder's range note until it is paid or cancelled. Either party cancels it
    with the key only the two of them compute (Poseidon of the ECDH point the request's ephemeral key shares
    with the bank); the regulator, which reads the whole request, cannot; nor a guess, the tag on chain or a
    near miss. A cancel is final: the request cannot be sent again, nor the bank's payment as a plain transfer
    (which would pay the holder from the bank's cash while the holder kept the range)."""
    b = fresh
    discount, _ = b.ledger.request_discount(b.world["t2"], b.discount)
    nullifier, tag, holder_key = b.discount.signals[18], b.discount.signals[16], b.discount.cancel_key
    assert holder_key is not None
    request = b.ledger.contract.events.ConfidentialDiscountRequested().get_logs(from_block=0)[-1]["args"]["request"]
    ephemeral = tuple(request["ecdhPk"])
    seed = prover.decrypt(b.regulator.sk, ephemeral, list(request["cipherRegulator"]), request["nonce"], 9)[7]
    regulator_guesses = [prover.hash([seed, 2]), prover.hash(list(prover.ecdh(b.regulator.sk, ephemeral)))]
    for wrong in (tag, prover.hash([prover.keypair().sk, 2]), holder_key + 1, *regulator_guesses):
        with reverts(NotDiscountParty, id=discount):
            b.ledger.cancel_discount(b.world["t1"], discount, wrong)
    assert b.ledger.is_locked(nullifier)
    bank_key = prover.hash(list(prover.ecdh(b.bank2.sk, ephemeral)))
    assert bank_key == holder_key

    before = b.world.backend.snapshot()
    b.ledger.cancel_discount(b.world["bank2"], discount, bank_key)  # the bank rejects
    assert not b.ledger.is_locked(nullifier) and not b.ledger.is_spent(nullifier)
    with reverts(DiscountNotPending, id=discount):  # nothing left to pay
        b.ledger.sign_discount(b.world["bank2"], discount, b.paid)
    with reverts(DiscountNotPending, id=discount):
        b.ledger.cancel_discount(b.world["t2"], discount, bank_key)
    price = b.discount.signals[22]
    with reverts(DiscountCancelled, commitment=price):  # the rejected request, sent again by anyone
        b.ledger.request_discount(b.world["bank2"], b.discount)
    with reverts(DiscountCancelled, commitment=price):  # the bank's payment, seen pending, sent as a transfer
        b.ledger.transfer(b.world["t2"], b.paid)
    assert not b.ledger.is_spent(b.paid.signals[17]) and not b.ledger.is_locked(nullifier)
    b.world.backend.revert(before)

    b.ledger.cancel_discount(b.world["t1"], discount, holder_key)  # the holder revokes (any account submits)
    freed = prover.endorse(
        b.t2, b.endorsed.ranges[0].at(4), b.ledger.leaves(), 1, b.t1.pk, b.today, b.ledger.viewing_key
    )
    b.ledger.endorse(b.world["t2"], freed)  # the note moves again, once
    assert b.ledger.is_spent(nullifier)
    view = regulator_view(b.ledger, prover, b.regulator)
    assert view.cancelled == {discount} and view.unreadable == []
    assert b.discount.ranges[0].commitment not in view.notes  # the bank's note was never made


def test_no_one_makes_an_awaited_price_note_but_the_payment_that_settles_it(fresh: Bills, prover: Prover) -> None:
    """A bank that knows a pending discount's price note (its own request, or another's it was told of) cannot
    mint that very note: the discount could then never be signed, its note being in the tree already."""
    b = fresh
    discount, _ = b.ledger.request_discount(b.world["t2"], b.discount)
    price = b.discount.notes[0]
    b.ledger.set_mint_limit(b.world["reg"], b.world.addr("bank"), 2 * BANK_CASH)
    copy = prover.mint(price.value, b.t2.pk, b.ledger.viewing_key, salt=price.salt)
    assert copy.notes[0].commitment == price.commitment
    with reverts(PaymentAwaited, id=discount):
        b.ledger.mint(b.world["bank"], copy)
    b.ledger.sign_discount(b.world["bank2"], discount, b.paid)  # the payment still settles it


def test_no_split_creates_value(fresh: Bills, prover: Prover) -> None:
    b = fresh
    note = b.endorsed.ranges[0].at(4)
    with pytest.raises(ToolError, match="Assert Failed"):  # more than the range holds
        prover.endorse(b.t2, note, b.ledger.leaves(), ENDORSED + 1, b.t1.pk, b.today, b.ledger.viewing_key)
    # a real proof whose remainder is swapped for a note of the whole bill
    one = prover.endorse(b.t2, note, b.ledger.leaves(), 1, b.t1.pk, b.today, b.ledger.viewing_key)
    whole = b.issued.ranges[0].commitment
    with reverts(InvalidProof):
        b.ledger.endorse(b.world["t2"], one, commitments=[one.signals[18], whole])
    assert not b.ledger.is_spent(one.signals[17])


def test_no_discount_at_another_price(fresh: Bills, prover: Prover) -> None:
    b = fresh
    price = b.discount.notes[0].value
    with pytest.raises(ToolError, match="Assert Failed"):  # no proof of another price can be made
        prover.discount(
            b.t2,
            b.endorsed.ranges[0].at(4),
            b.ledger.leaves(),
            ENDORSED,
            b.bank2.pk,
            b.today,
            RATE_MICROS,
            0,
            b.ledger.viewing_key,
            price=price + 1,
        )
    cheaper = prover.commit(price - 1, b.t2.pk, b.discount.notes[0].salt)
    with reverts(InvalidProof):  # the request's cash note swapped for a cheaper one
        b.ledger.request_discount(b.world["t2"], b.discount, cashCommitment=cheaper)
    discount, _ = b.ledger.request_discount(b.world["t2"], b.discount)
    short = prover.transfer(
        b.bank2,
        [b.cash.notes[0].at(0)],
        b.ledger.leaves(),
        price - 1,
        b.t2.pk,
        b.ledger.viewing_key,
        salt=b.discount.notes[0].salt,
    )
    with reverts(PaymentMismatch, expected=b.discount.signals[22]):  # the bank pays one fen less
        b.ledger.sign_discount(b.world["bank2"], discount, short)
    assert b.ledger.is_locked(b.discount.signals[18]) and not b.ledger.is_spent(b.cash.signals[11])


def test_a_range_note_has_one_nullifier_whatever_the_key_s_encoding(fresh: Bills, prover: Prover) -> None:
    b = fresh
    alias = NoteKey(b.t2.sk + SUBGROUP_ORDER, b.t2.pk)
    with pytest.raises(ToolError, match="Assert Failed"):
        prover.endorse(alias, b.endorsed.ranges[0].at(4), b.ledger.leaves(), 1, b.t1.pk, b.today, b.ledger.viewing_key)


def test_a_range_note_moves_once(fresh: Bills) -> None:
    b = fresh
    with reverts(NullifierSpent, nullifier=b.endorsed.signals[17]):
        b.ledger.endorse(b.world["t1"], b.endorsed)  # replayed: t1's note was spent by the story
    b.ledger.request_discount(b.world["t2"], b.discount)
    with reverts(NoteLocked, nullifier=b.discount.signals[18]):
        b.ledger.request_discount(b.world["t2"], b.discount)


def test_a_move_is_proven_for_today_and_before_maturity(fresh: Bills, prover: Prover) -> None:
    b = fresh
    with reverts(WrongDay, day=b.today - 1, today=b.today):
        b.ledger.request_discount(b.world["t2"], b.discount, day=b.today - 1)
    note = b.endorsed.ranges[0].at(4)
    with pytest.raises(ToolError, match="Assert Failed"):  # on the maturity day nothing is endorsed
        prover.endorse(b.t2, note, b.ledger.leaves(), 1, b.t1.pk, b.today + TENOR_DAYS, b.ledger.viewing_key)
    b.world.advance_days(1)
    with reverts(WrongDay, day=b.today):  # yesterday's proof
        b.ledger.request_discount(b.world["t2"], b.discount)


def test_a_move_the_regulator_cannot_read_is_refused(fresh: Bills, prover: Prover) -> None:
    b = fresh
    hidden = prover.endorse(
        b.t2, b.endorsed.ranges[0].at(4), b.ledger.leaves(), 1, b.t1.pk, b.today, prover.keypair().pk
    )
    with reverts(InvalidProof):
        b.ledger.endorse(b.world["t2"], hidden)
    altered = list(b.discount.signals[6:16])
    altered[0] += 1
    with reverts(InvalidProof):
        b.ledger.request_discount(b.world["t2"], b.discount, cipherRegulator=altered)


def test_only_an_active_bank_issues_and_within_the_tenor(fresh: Bills, prover: Prover) -> None:
    b = fresh
    with reverts(CashRoleForbidden, account=b.world.addr("t1")):
        b.ledger.issue(b.world["t1"], b.issued)
    with pytest.raises(ToolError, match="Assert Failed"):  # 185 days: past DOMAIN.md's 184
        prover.issue(b.bill_id >> 32, 8, b.today + 185, AMOUNT, b.t1.pk, b.today, b.ledger.viewing_key)
    with pytest.raises(ToolError, match="Assert Failed"):  # above the largest bill
        prover.issue(b.bill_id >> 32, 8, b.today + 30, 10**11 + 1, b.t1.pk, b.today, b.ledger.viewing_key)
    with pytest.raises(ToolError, match="Assert Failed"):  # an id that does not name its acceptor
        prover.issue(b.bill_id >> 32, 8, b.today + 30, AMOUNT, b.t1.pk, b.today, b.ledger.viewing_key, bill_id=9)


def test_no_bank_issues_a_look_alike_of_another_bank_s_bill(fresh: Bills, prover: Prover) -> None:
    """A bill's id carries its acceptor's member code, which the contract takes from the issuer itself: a bank
    cannot make ranges that read, to whoever opens them, as another bank's paper."""
    b = fresh
    b.ledger.set_mint_limit(b.world["reg"], b.world.addr("bank2"), 1)  # bank2 is an active BANK too
    look_alike = prover.issue(b.bill_id >> 32, 8, b.today + 30, AMOUNT, b.t1.pk, b.today, b.ledger.viewing_key)
    with reverts(InvalidProof):
        b.ledger.issue(b.world["bank2"], look_alike)
    b.ledger.issue(b.world["bank"], look_alike)  # its acceptor issues it


def test_an_empty_remainder_is_worth_nothing(fresh: Bills, prover: Prover) -> None:
    """A whole-range move leaves its mover a note like any other (a node cannot tell a split), whose range
    is empty: no proof spends it."""
    b = fresh
    b.ledger.sign_discount(b.world["bank2"], b.ledger.request_discount(b.world["t2"], b.discount)[0], b.paid)
    remainder = b.discount.ranges[1]
    assert remainder.end < remainder.start and remainder.owner == b.t2.pk
    leaves = b.ledger.leaves()
    with pytest.raises(ToolError, match="Assert Failed"):
        prover.endorse(
            b.t2, remainder.at(leaves.index(remainder.commitment)), leaves, 1, b.t1.pk, b.today, b.ledger.viewing_key
        )


def test_the_regulator_s_view_from_the_chain_alone_equals_the_parties_own(fresh: Bills, prover: Prover) -> None:
    """The regulator rebuilds every note, owner, range, value, spend and the discount's terms from the events and
    its viewing key, and it equals what each party holds by its own proofs (docs/PRIVACY.md, "reindex")."""
    b = fresh
    discount, _ = b.ledger.request_discount(b.world["t2"], b.discount)
    b.ledger.sign_discount(b.world["bank2"], discount, b.paid)
    view = regulator_view(b.ledger, prover, b.regulator)
    assert view.unreadable == []
    price, change = b.paid.notes
    bought, emptied = b.discount.ranges
    kept = b.endorsed.ranges[1]
    parties = {  # what each party knows it holds, from the proofs it made or was sent
        price.commitment: CashHolding(b.t2.pk, price.value, price.commitment),
        change.commitment: CashHolding(b.bank2.pk, BANK_CASH - price.value, change.commitment),
        bought.commitment: RangeHolding(b.bank2.pk, b.bill_id, b.today + TENOR_DAYS, 1, ENDORSED, bought.commitment),
        emptied.commitment: RangeHolding(
            b.t2.pk, b.bill_id, b.today + TENOR_DAYS, ENDORSED + 1, ENDORSED, emptied.commitment
        ),
        kept.commitment: RangeHolding(b.t1.pk, b.bill_id, b.today + TENOR_DAYS, ENDORSED + 1, AMOUNT, kept.commitment),
    }
    assert view.held() == parties
    assert view.balances() == {b.t2.pk: price.value, b.bank2.pk: BANK_CASH - price.value}
    assert view.discount_terms == {discount: (RATE_MICROS, 0)}
    spent = {b.cash.notes[0].commitment, b.issued.ranges[0].commitment, b.endorsed.ranges[0].commitment}
    assert spent <= view.spent
    # another key reads nothing: every ciphertext's tag fails
    with pytest.raises(ToolError, match="authentication tag"):
        regulator_view(b.ledger, prover, prover.keypair())
