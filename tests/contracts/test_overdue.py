"""Persistently overdue acceptors (持续逾期): counted on chain, one event a bill, three in 180 days shut the
acceptor out of acceptance and its bills out of discount, pledge and guarantee; nobody lifts it early
(DOMAIN.md, invariant 9)."""

from __future__ import annotations

from chain.errors import BillAcceptorOverdue
from chain.model import BillKind
from tests.conftest import World, reverts


def _dishonor_one(world: World, acceptor: str = "t3", payee: str = "t1") -> int:
    """A bill of `acceptor` (an ENTERPRISE: commercial acceptance) matured and refused in full."""
    bill = world.circulating(acceptor=acceptor, payee=payee, kind=BillKind.COMMERCIAL_ACCEPTANCE, amount=100, days=1)
    world.advance_days(1)
    world.bills.present(world[payee], bill)
    world.bills.dishonor(world[acceptor], bill, "no funds")
    return bill


def _overdue_three_times(world: World) -> int:
    """t3 dishonours three bills on three days; returns the third event's day."""
    for _ in range(3):
        _dishonor_one(world)
    return world.today()


def test_three_dishonours_in_180_days_shut_the_acceptor_out_and_time_lets_it_back(world: World) -> None:
    kept = world.circulating(acceptor="t3", kind=BillKind.COMMERCIAL_ACCEPTANCE, amount=1_000, days=180)
    first_day = world.today() + 1
    _overdue_three_times(world)
    record = world.bills.overdue_of(world.addr("t3"))
    assert record.third == first_day and record.persistently
    assert record.overdue_until == first_day + 180
    fresh = world.issue(acceptor="t3", kind=BillKind.COMMERCIAL_ACCEPTANCE, amount=10)
    with reverts(BillAcceptorOverdue, bill_id=fresh, until_day=first_day + 180):
        world.bills.accept(world["t3"], fresh)
    for attempt in (
        lambda: world.bills.discount(world["t1"], kept, 1, 100, world.addr("bank"), 10_000),
        lambda: world.bills.pledge(world["t1"], kept, 1, 100, world.addr("bank")),
        lambda: world.bills.guarantee(world["t1"], kept, world.addr("bank"), 1, 100),
        lambda: world.bills.guarantee(world["t3"], kept, world.addr("bank")),
    ):
        with reverts(BillAcceptorOverdue, bill_id=kept):
            attempt()
    world.endorse_signed(kept, 1, 100, "t1", "t2")  # endorsement goes on
    # still shut out on the last day of the window; back the day after
    world.advance_days(first_day + 180 - world.today())
    with reverts(BillAcceptorOverdue):
        world.bills.accept(world["t3"], world.issue(acceptor="t3", kind=BillKind.COMMERCIAL_ACCEPTANCE, amount=10))
    world.advance_days(1)
    assert not world.bills.overdue_of(world.addr("t3")).persistently
    world.bills.accept(world["t3"], world.issue(acceptor="t3", kind=BillKind.COMMERCIAL_ACCEPTANCE, amount=10))


def test_a_discount_requested_before_is_not_signed_after_the_acceptor_is_shut_out(world: World) -> None:
    bill = world.circulating(acceptor="t3", kind=BillKind.COMMERCIAL_ACCEPTANCE, amount=1_000, days=180)
    transfer_id, _ = world.bills.discount(world["t1"], bill, 1, 1_000, world.addr("bank"), 10_000)
    _overdue_three_times(world)
    world.mint("bank", 1_000)
    with reverts(BillAcceptorOverdue, bill_id=bill):
        world.bills.sign(world["bank"], transfer_id)


def test_a_bill_counts_once_and_an_unanswered_presentment_counts_when_recourse_is_claimed(world: World) -> None:
    bill = world.circulating(acceptor="t3", kind=BillKind.COMMERCIAL_ACCEPTANCE, amount=100, days=1)
    world.endorse_signed(bill, 1, 50, "t1", "t2")
    world.advance_days(1)
    world.bills.present(world["t1"], bill)
    world.bills.present(world["t2"], bill)
    world.bills.dishonor(world["t3"], bill, "no funds", start=1)
    world.bills.dishonor(world["t3"], bill, "no funds", start=51)
    assert world.bills.overdue_of(world.addr("t3")).latest == world.today()
    assert world.bills.overdue_of(world.addr("t3")).second == 0  # one event for the bill
    silent = world.circulating(acceptor="t3", kind=BillKind.COMMERCIAL_ACCEPTANCE, amount=100, days=1)
    world.advance_days(1)
    world.bills.present(world["t1"], silent)
    world.advance_days(3)
    assert world.bills.overdue_of(world.addr("t3")).second == 0  # nobody claimed yet
    result = world.bills.recourse(world["t1"], silent, 1, world.addr("core"))[1]
    events = world.bills.events(result, "AcceptorOverdue")
    assert [(e["args"]["acceptor"], e["args"]["billId"], e["args"]["day"]) for e in events] == [
        (world.addr("t3"), silent, world.today())
    ]
    record = world.bills.overdue_of(world.addr("t3"))
    assert (record.latest, record.second) == (world.today(), world.today() - 4)


def test_a_self_accepted_bill_of_a_shut_out_acceptor_is_not_drawn(world: World) -> None:
    """The drawer that is its own acceptor accepts at issue: the rule holds there too."""
    for _ in range(3):
        _dishonor_one(world, acceptor="core")
    with reverts(BillAcceptorOverdue):
        world.issue(drawer="core", acceptor="core", kind=BillKind.COMMERCIAL_ACCEPTANCE, amount=10)


def test_the_drawer_s_guarantee_of_a_bill_not_yet_accepted_is_no_bill_the_acceptor_accepted(world: World) -> None:
    _overdue_three_times(world)
    bill = world.issue(acceptor="t3", kind=BillKind.COMMERCIAL_ACCEPTANCE, amount=10)
    request, _ = world.bills.guarantee(world["core"], bill, world.addr("bank2"), 0, 0)
    world.bills.sign(world["bank2"], request)
    assert world.bills.bill_guarantees_of(bill, world.addr("bank2")) == 1  # the drawer's
