"""Finding 3: a pledged range could be paid around the lending bank.

The attack: the pledgee presents, the acceptor stays silent three days, the pledgor (still the holder)
claims recourse from the acceptor, the acceptor signs: the range was PAID to the pledgor, the pledgee
got nothing. DOMAIN.md: a pledged range's proceeds reach its pledgee; while pledged, only the pledgee
claims recourse."""

from __future__ import annotations

from chain.errors import BillNotParty
from chain.model import RangeState
from gateway.core.money import format_amount, parse_amount
from tests.api.conftest import Api, problem
from tests.conftest import World, reverts


def _pledged_presented_unanswered(world: World) -> int:
    bill = world.circulating(acceptor="bank", payee="t1", amount=10_000, days=5)
    transfer, _ = world.bills.pledge(world["t1"], bill, 1, 10_000, world.addr("bank2"))
    world.bills.sign(world["bank2"], transfer)
    world.advance_days(5)
    world.bills.present(world["bank2"], bill, 1)  # the pledgee presents
    world.advance_days(3)  # the acceptor stays silent
    return bill


def test_the_pledgor_cannot_claim_recourse_around_its_pledgee(world: World) -> None:
    bill = _pledged_presented_unanswered(world)
    with reverts(BillNotParty, bill_id=bill, account=world.addr("t1")):
        world.bills.recourse(world["t1"], bill, 1, world.addr("bank"))


def test_the_pledgee_claims_and_the_money_reaches_it(world: World) -> None:
    bill = _pledged_presented_unanswered(world)
    world.mint("bank", 10_000)
    pledgee, pledgor = world.cash.balance_of(world.addr("bank2")), world.cash.balance_of(world.addr("t1"))
    transfer, _ = world.bills.recourse(world["bank2"], bill, 1, world.addr("bank"))
    world.bills.sign(world["bank"], transfer)
    assert world.cash.balance_of(world.addr("bank2")) == pledgee + 10_000
    assert world.cash.balance_of(world.addr("t1")) == pledgor
    assert world.bills.range(bill, 1).state is RangeState.PAID


def test_through_the_api_too(api: Api, cast: dict[str, str]) -> None:
    bill = api.circulating(cast["core"], cast["bank"], cast["t1"], amount="100.00", days=5)
    pledge = api.ok(api.post(f"/v1/bills/{bill}/pledge", cast["t1"], {"bank": cast["bank2"]}), 201)["transfer"]
    api.ok(api.post(f"/v1/transfers/{pledge['id']}/sign", cast["bank2"]))
    api.advance(5)
    api.ok(api.post(f"/v1/bills/{bill}/present", cast["bank2"]))
    api.advance(3)
    problem(api.post(f"/v1/bills/{bill}/recourse", cast["t1"], {"against": cast["bank"]}), 403, "NOT_PARTY")
    claim = api.ok(api.post(f"/v1/bills/{bill}/recourse", cast["bank2"], {"against": cast["bank"]}), 201)
    api.mint(cast["bank"], cast["bank"], "100.00")
    before = api.balance(cast["bank2"])
    paid = api.ok(api.post(f"/v1/transfers/{claim['transfer']['id']}/sign", cast["bank"]))
    assert paid["bill"]["status"] == "SETTLED"
    assert api.balance(cast["bank2"]) == format_amount(parse_amount(before) + 10_000)  # the pledgee was paid
