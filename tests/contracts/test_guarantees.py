"""Guarantees (保证) and restrictive endorsement (不得转让): who is bound, to whom, and how a guarantor that pays
claims back (DOMAIN.md, "Guarantees", "Restrictive endorsement", invariant 8)."""

from __future__ import annotations

from chain.errors import (
    BillFrozen,
    BillInvalidCounterparty,
    BillInvalidState,
    BillNotParty,
    GuaranteeExists,
    GuaranteeLimit,
    ParticipantFrozen,
    RangeInvalidState,
    RecourseInvalidTarget,
)
from chain.model import BillKind, BillStatus, RangeState, Role, TransferKind, TransferStatus
from tests.conftest import World, key_for, reverts

DRAWER, ACCEPTOR = 1, 2


def _guaranteed(world: World, party: str, guarantor: str, bill: int, start: int = 0, amount: int = 0) -> int:
    transfer_id, _ = world.bills.guarantee(world[party], bill, world.addr(guarantor), start, amount)
    world.bills.sign(world[guarantor], transfer_id)
    return int(transfer_id)


def _dishonored(world: World, bill: int, holder: str, acceptor: str = "bank", days: int = 30) -> None:
    """Matured, presented on time by `holder`, refused by `acceptor`."""
    world.advance_days(days)
    world.bills.present(world[holder], bill)
    world.bills.dishonor(world[acceptor], bill, "no funds")


def test_the_acceptor_s_guarantor_pays_recourse_and_claims_it_back_from_the_acceptor(world: World) -> None:
    bill = world.circulating(acceptor="t3", kind=BillKind.COMMERCIAL_ACCEPTANCE, amount=5_000, days=30)
    transfer_id = _guaranteed(world, "t3", "bank", bill)
    assert world.bills.bill_guarantees_of(bill, world.addr("bank")) == ACCEPTOR
    record = world.bills.transfer(transfer_id)
    assert (record.kind, record.status, record.from_, record.start) == (
        TransferKind.GUARANTEE,
        TransferStatus.SIGNED,
        world.addr("t3"),
        0,
    )
    world.endorse_signed(bill, 1, 5_000, "t1", "t2")
    _dishonored(world, bill, "t2", acceptor="t3")
    world.mint("bank", 5_000)
    claim, _ = world.bills.recourse(world["t2"], bill, 1, world.addr("bank"))
    result = world.bills.sign(world["bank"], claim)
    assert result.gas_used <= 100_000  # issue 27's target: recourse paid by a guarantor
    assert world.cash.balance_of(world.addr("t2")) == 5_000
    rng = world.bills.range(bill, 1)
    assert (rng.holder, rng.state) == (world.addr("bank"), RangeState.DISHONORED)
    # the guarantor claims from the party it guaranteed, which pays and the range is PAID
    back, _ = world.bills.recourse(world["bank"], bill, 1, world.addr("t3"))
    world.mint("t3", 5_000, bank="bank2")
    world.bills.sign(world["t3"], back)
    assert world.bills.range(bill, 1).state == RangeState.PAID
    assert world.bills.bill(bill).status == BillStatus.SETTLED
    assert world.cash.balance_of(world.addr("bank")) == 5_000


def test_a_holder_s_guarantor_is_liable_wherever_the_holder_is_and_only_there(world: World) -> None:
    bill = world.circulating(amount=1_000, days=30)
    guarantee_id = _guaranteed(world, "t1", "bank2", bill, start=1, amount=1_000)
    assert world.bills.range(bill, 1).state == RangeState.HELD
    assert world.bills.endorsement_chain(bill, 1) == [world.addr("t1")]  # a guarantor holds nothing
    assert world.bills.transfer(guarantee_id).from_ == world.addr("t1")
    # the guarantee covers the ranges later split from the guaranteed one
    world.endorse_signed(bill, 1, 400, "t1", "t2")
    world.endorse_signed(bill, 401, 600, "t1", "t3")
    _dishonored(world, bill, "t2")
    assert world.bills.liable_to(bill, 1, world.addr("bank2"))  # t1 is liable to t2: so is its guarantor
    assert world.bills.liable_to(bill, 401, world.addr("bank2"))
    assert not world.bills.liable_to(bill, 1, world.addr("t3"))  # a later holder of another part
    world.mint("bank2", 400)
    claim, _ = world.bills.recourse(world["t2"], bill, 1, world.addr("bank2"))
    world.bills.sign(world["bank2"], claim)
    # the guarantor that paid claims from t1 and everyone liable to t1 (drawer, acceptor), not t2
    assert world.bills.liable_to(bill, 1, world.addr("t1"))
    assert world.bills.liable_to(bill, 1, world.addr("core"))
    assert not world.bills.liable_to(bill, 1, world.addr("t2"))
    world.bills.recourse(world["bank2"], bill, 1, world.addr("t1"))


def test_a_guarantor_pays_only_where_its_party_is_liable(world: World) -> None:
    bill = world.circulating(amount=1_000, days=30)
    _guaranteed(world, "t1", "bank2", bill, start=1, amount=1_000)
    world.endorse_signed(bill, 1, 1_000, "t1", "t2")
    world.advance_days(30 + 10)  # a late presentment: only drawer and acceptor (and theirs) stay liable
    world.bills.present(world["t2"], bill)
    world.bills.dishonor(world["bank"], bill, "late")
    with reverts(RecourseInvalidTarget, target=world.addr("bank2")):
        world.bills.recourse(world["t2"], bill, 1, world.addr("bank2"))
    with reverts(RecourseInvalidTarget, target=world.addr("t1")):
        world.bills.recourse(world["t2"], bill, 1, world.addr("t1"))


def test_the_acceptor_s_guarantor_stays_liable_after_a_late_presentment(world: World) -> None:
    bill = world.circulating(amount=1_000, days=30)
    _guaranteed(world, "bank", "bank2", bill)
    world.endorse_signed(bill, 1, 1_000, "t1", "t2")
    world.advance_days(30 + 10)
    world.bills.present(world["t2"], bill)
    world.bills.dishonor(world["bank"], bill, "late")
    assert world.bills.liable_to(bill, 1, world.addr("bank2"))
    world.bills.recourse(world["t2"], bill, 1, world.addr("bank2"))


def test_no_one_is_liable_to_itself_through_its_own_guarantor(world: World) -> None:
    bill = world.circulating(amount=1_000, days=30)
    _guaranteed(world, "t1", "bank2", bill, start=1, amount=1_000)
    _dishonored(world, bill, "t1")
    with reverts(RecourseInvalidTarget, target=world.addr("bank2")):
        world.bills.recourse(world["t1"], bill, 1, world.addr("bank2"))


def test_the_drawer_asks_while_issued_the_acceptor_once_it_accepted(world: World) -> None:
    bill = world.issue(amount=1_000)  # core draws on the bank, ISSUED
    with reverts(BillInvalidState, bill_id=bill):
        world.bills.guarantee(world["bank"], bill, world.addr("bank2"))
    transfer_id, _ = world.bills.guarantee(world["core"], bill, world.addr("bank2"))
    world.bills.sign(world["bank2"], transfer_id)
    assert world.bills.bill_guarantees_of(bill, world.addr("bank2")) == DRAWER
    with reverts(GuaranteeExists, guarantor=world.addr("bank2")):
        world.bills.guarantee(world["core"], bill, world.addr("bank2"))
    world.bills.accept(world["bank"], bill)
    _guaranteed(world, "bank", "bank2", bill)
    assert world.bills.bill_guarantees_of(bill, world.addr("bank2")) == DRAWER | ACCEPTOR


def test_who_may_ask_and_who_may_guarantee(world: World) -> None:
    bill = world.circulating(amount=1_000)
    with reverts(BillNotParty, account=world.addr("t2")):
        world.bills.guarantee(world["t2"], bill, world.addr("bank2"))  # no party of the bill
    with reverts(BillInvalidCounterparty, account=world.addr("core")):
        world.bills.guarantee(world["core"], bill, world.addr("core"))  # oneself
    with reverts(BillInvalidCounterparty, account=world.addr("reg")):
        world.bills.guarantee(world["core"], bill, world.addr("reg"))  # a regulator guarantees nothing
    with reverts(BillNotParty, account=world.addr("t2")):
        world.bills.guarantee(world["t2"], bill, world.addr("bank2"), 1, 10)  # not its range
    world.bills.freeze(world["reg"], bill)
    with reverts(BillFrozen, bill_id=bill):
        world.bills.guarantee(world["core"], bill, world.addr("bank2"))


def test_a_holder_s_request_locks_its_part_until_signed_rejected_or_revoked(world: World) -> None:
    bill = world.circulating(amount=1_000)
    transfer_id, _ = world.bills.guarantee(world["t1"], bill, world.addr("bank2"), 1, 300)
    ranges = world.bills.ranges(bill)
    assert [(r.start, r.end, r.state) for r in ranges] == [(1, 300, RangeState.LOCKED), (301, 1_000, RangeState.HELD)]
    with reverts(RangeInvalidState, start=1):
        world.bills.endorse(world["t1"], bill, 1, 300, world.addr("t2"))
    world.bills.reject_transfer(world["bank2"], transfer_id)
    assert [(r.start, r.end, r.state) for r in world.bills.ranges(bill)] == [(1, 1_000, RangeState.HELD)]
    transfer_id, _ = world.bills.guarantee(world["t1"], bill, world.addr("bank2"), 1, 300)
    world.bills.revoke(world["t1"], transfer_id)
    assert [(r.start, r.end, r.state) for r in world.bills.ranges(bill)] == [(1, 1_000, RangeState.HELD)]
    transfer_id, _ = world.bills.guarantee(world["t1"], bill, world.addr("bank2"), 1, 300)
    result = world.bills.sign(world["bank2"], transfer_id)
    assert result.gas_used <= 70_000  # issue 27's target: signing a guarantee
    assert world.bills.range(bill, 1).state == RangeState.HELD


def test_a_guarantee_of_the_whole_bill_is_revoked_by_its_party_and_signed_by_its_guarantor_only(
    world: World,
) -> None:
    bill = world.circulating(amount=1_000)
    transfer_id, _ = world.bills.guarantee(world["bank"], bill, world.addr("bank2"))
    with reverts(BillNotParty):
        world.bills.sign(world["t1"], transfer_id)
    with reverts(BillNotParty):
        world.bills.revoke(world["core"], transfer_id)  # the drawer did not ask: the acceptor did
    world.bills.revoke(world["bank"], transfer_id)
    assert world.bills.transfer(transfer_id).status == TransferStatus.REVOKED
    assert world.bills.bill_guarantees_of(bill, world.addr("bank2")) == 0


def test_a_restrictive_endorser_is_liable_to_its_endorsee_alone(world: World) -> None:
    bill = world.circulating(amount=1_000, days=30)
    transfer_id, _ = world.bills.endorse(world["t1"], bill, 1, 1_000, world.addr("t2"), restrictive=True)
    assert world.bills.transfer(transfer_id).restrictive
    world.bills.sign(world["t2"], transfer_id)
    _guaranteed(world, "t2", "bank2", bill, start=1, amount=1_000)  # t2's guarantor, for what follows
    world.endorse_signed(bill, 1, 500, "t2", "t3")  # the endorsee may still transfer it
    world.advance_days(30)
    world.bills.present(world["t3"], bill)
    world.bills.present(world["t2"], bill)
    world.bills.dishonor(world["bank"], bill, "no funds")
    with reverts(RecourseInvalidTarget, target=world.addr("t1")):
        world.bills.recourse(world["t3"], bill, 1, world.addr("t1"))
    assert world.bills.liable_to(bill, 1, world.addr("t2"))
    assert world.bills.liable_to(bill, 1, world.addr("bank2"))
    # the endorsee's own recourse against the restrictive endorser stands
    assert world.bills.liable_to(bill, 501, world.addr("t1"))
    world.bills.recourse(world["t2"], bill, 501, world.addr("t1"))


def test_a_guarantor_of_a_restrictive_endorser_pays_no_later_holder(world: World) -> None:
    bill = world.circulating(amount=1_000, days=30)
    _guaranteed(world, "t1", "bank2", bill, start=1, amount=1_000)
    transfer_id, _ = world.bills.endorse(world["t1"], bill, 1, 1_000, world.addr("t2"), restrictive=True)
    world.bills.sign(world["t2"], transfer_id)
    world.endorse_signed(bill, 1, 1_000, "t2", "t3")
    _dishonored(world, bill, "t3")
    assert not world.bills.liable_to(bill, 1, world.addr("t1"))
    assert not world.bills.liable_to(bill, 1, world.addr("bank2"))
    assert world.bills.liable_to(bill, 1, world.addr("t2"))


def _paid_by(world: World, bill: int, holder: str, payer: str, amount: int = 1_000) -> None:
    """`payer` pays `holder`'s recourse on the range at 1 and holds it DISHONORED."""
    world.mint(payer, amount)
    claim, _ = world.bills.recourse(world[holder], bill, 1, world.addr(payer))
    world.bills.sign(world[payer], claim)


def _liable(world: World, bill: int, *names: str) -> dict[str, bool]:
    return {name: world.bills.liable_to(bill, 1, world.addr(name)) for name in names}


def test_a_guarantor_that_later_holds_the_range_claims_as_a_holder(world: World) -> None:
    # t3 guarantees t1, then takes the range t1 -> t2 -> t3: its first appearance is as a member, so both are
    # earlier than it (it did not pay as anyone's guarantor)
    bill = world.circulating(amount=1_000, days=30)
    _guaranteed(world, "t1", "t3", bill, start=1, amount=1_000)
    world.endorse_signed(bill, 1, 1_000, "t1", "t2")
    world.endorse_signed(bill, 1, 1_000, "t2", "t3")
    _dishonored(world, bill, "t3")
    assert _liable(world, bill, "t1", "t2") == {"t1": True, "t2": True}


def test_a_guarantor_that_took_the_range_by_seizure_has_no_claim_on_the_party_seized_from(world: World) -> None:
    bill = world.circulating(amount=1_000, days=30)
    _guaranteed(world, "t1", "t3", bill, start=1, amount=1_000)
    order = b"\x01" * 32
    world.bills.freeze_under_order(world["reg"], bill, order, 1)
    seizure, _ = world.bills.seize(world["reg"], bill, 1, world.addr("t3"), order)
    world.bills.confirm_seizure(world.operator, seizure, world.addr("t3"), order)
    _dishonored(world, bill, "t3")
    # t1 passed nothing on of its own will, and t3 paid nothing as its guarantor
    assert _liable(world, bill, "t1") == {"t1": False}


def test_a_guarantor_of_two_holders_that_pays_claims_from_both(world: World) -> None:
    bill = world.circulating(amount=1_000, days=30)
    _guaranteed(world, "t1", "bank2", bill, start=1, amount=1_000)
    world.endorse_signed(bill, 1, 1_000, "t1", "t2")
    _guaranteed(world, "t2", "bank2", bill, start=1, amount=1_000)
    world.endorse_signed(bill, 1, 1_000, "t2", "t3")
    _dishonored(world, bill, "t3")
    _paid_by(world, bill, "t3", "bank2")
    assert _liable(world, bill, "t1", "t2", "t3") == {"t1": True, "t2": True, "t3": False}


def test_a_restrictive_endorser_that_pays_as_its_endorsee_s_guarantor_claims_from_the_endorsee(world: World) -> None:
    bill = world.circulating(amount=1_000, days=30)
    endorsement, _ = world.bills.endorse(world["t1"], bill, 1, 1_000, world.addr("t2"), restrictive=True)
    world.bills.sign(world["t2"], endorsement)
    _guaranteed(world, "t2", "t1", bill, start=1, amount=1_000)
    world.endorse_signed(bill, 1, 1_000, "t2", "t3")
    _dishonored(world, bill, "t3")
    assert _liable(world, bill, "t1") == {"t1": True}  # as t2's guarantor, though not as its endorser
    _paid_by(world, bill, "t3", "t1")
    assert _liable(world, bill, "t2", "t3") == {"t2": True, "t3": False}


def test_the_drawer_s_guarantor_that_pays_claims_from_everyone_liable_to_the_drawer(world: World) -> None:
    # bank2 guarantees the drawer core on the whole bill; core held the range between t1 and t2
    bill = world.circulating(amount=1_000, days=30)
    _guaranteed(world, "core", "bank2", bill)
    world.endorse_signed(bill, 1, 1_000, "t1", "core")
    world.endorse_signed(bill, 1, 1_000, "core", "t2")
    _dishonored(world, bill, "t2")
    _paid_by(world, bill, "t2", "bank2")
    assert _liable(world, bill, "t1", "core", "t2") == {"t1": True, "core": True, "t2": False}


def test_a_guarantee_of_the_whole_bill_is_not_signed_while_its_party_is_frozen(world: World) -> None:
    bill = world.circulating(amount=1_000, days=30)
    request, _ = world.bills.guarantee(world["core"], bill, world.addr("bank2"), 0, 0)
    world.system.registry.freeze(world.operator, world.addr("core"))
    with reverts(ParticipantFrozen):
        world.bills.sign(world["bank2"], request)
    assert world.bills.bill_guarantees_of(bill, world.addr("bank2")) == 0
    world.system.registry.unfreeze(world.operator, world.addr("core"))
    world.bills.sign(world["bank2"], request)
    assert world.bills.bill_guarantees_of(bill, world.addr("bank2")) == DRAWER


def test_a_guarantor_s_repeated_guarantees_of_one_holder_take_no_other_party_s_place(world: World) -> None:
    # bank2 guarantees t1 thirteen times over, then t2 once: paying for t2 it claims from t2 and those liable to it
    bill = world.circulating(amount=1_000, days=30)
    for _ in range(13):
        _guaranteed(world, "t1", "bank2", bill, start=1, amount=1_000)
    endorsement, _ = world.bills.endorse(world["t1"], bill, 1, 1_000, world.addr("t2"), restrictive=True)
    world.bills.sign(world["t2"], endorsement)
    _guaranteed(world, "t2", "bank2", bill, start=1, amount=1_000)
    world.endorse_signed(bill, 1, 1_000, "t2", "t3")
    _dishonored(world, bill, "t3")
    _paid_by(world, bill, "t3", "bank2")
    assert _liable(world, bill, "t1", "t2", "t3") == {"t1": True, "t2": True, "t3": False}


def test_a_guarantor_guarantees_at_most_thirteen_parties_of_one_range_s_chain(world: World) -> None:
    """Its payment records each party it pays for (one bit each): a fourteenth is refused, not left unrecorded."""
    holders = []
    for i in range(14):
        name = f"holder-{i}"
        account = key_for(name)
        world.backend.fund(account.address)
        world.system.registry.register(world.operator, account.address, Role.ENTERPRISE)
        world.accounts[name] = account
        holders.append(name)
    bill = world.circulating(amount=1_000, days=30)
    world.endorse_signed(bill, 1, 1_000, "t1", holders[0])
    for i, holder in enumerate(holders):
        if i < 13:
            _guaranteed(world, holder, "bank2", bill, start=1, amount=1_000)
            _guaranteed(world, holder, "bank2", bill, start=1, amount=1_000)  # again: still one of its parties
            world.endorse_signed(bill, 1, 1_000, holder, holders[i + 1])
        else:
            with reverts(GuaranteeLimit, guarantor=world.addr("bank2")):
                world.bills.guarantee(world[holder], bill, world.addr("bank2"), 1, 1_000)
            _guaranteed(world, holder, "bank", bill, start=1, amount=1_000)  # another guarantor may
    assert world.bills.range(bill, 1).state == RangeState.HELD
