"""The whole bill business through the API (issue 27): guarantees, restrictive endorsement, overdue acceptors,
court orders and key recovery, as API.md's added section and objects describe them."""

from __future__ import annotations

import hashlib
from typing import Any

from eth_account import Account

from tests.api.conftest import Api, problem


def _transfer(answer: dict[str, Any]) -> int:
    return int(answer["transfer"]["id"])


def _dishonored(api: Api, bill: int, holder: str, acceptor: str, days: int = 30) -> None:
    api.advance(days)
    api.ok(api.write(f"/v1/bills/{bill}/present", holder))
    api.ok(api.write(f"/v1/bills/{bill}/dishonor", acceptor, {"reason": "no funds"}))


def _order(api: Api, regulator: str, text: str) -> str:
    body = api.ok(api.client.post("/v1/documents", content=text.encode(), headers=api.headers(regulator)), 201)
    assert body["hash"] == "0x" + hashlib.sha256(text.encode()).hexdigest()
    return str(body["hash"])


def test_a_bank_guarantees_the_acceptor_pays_recourse_and_claims_it_back(api: Api, cast: dict[str, str]) -> None:
    acceptor = api.onboard("ENTERPRISE", "small")
    bill = api.circulating(cast["core"], acceptor, cast["t1"], "800.00", days=30, kind="COMMERCIAL_ACCEPTANCE")
    asked = api.ok(api.write(f"/v1/bills/{bill}/guarantee", acceptor, {"guarantor": cast["bank"]}), 201)
    transfer = asked["transfer"]
    assert (transfer["kind"], transfer["from"], transfer["to"], transfer["range"]) == (
        "GUARANTEE",
        acceptor,
        cast["bank"],
        None,
    )
    assert api.bill(bill, cast["bank"])["guarantees"] == []  # the guarantor sees the bill, asked or bound
    signed = api.ok(api.write(f"/v1/transfers/{transfer['id']}/sign", cast["bank"]))
    assert signed["bill"]["guarantees"] == [
        {"guarantor": cast["bank"], "for": acceptor, "range": None, "transfer_id": transfer["id"]}
    ]
    _dishonored(api, bill, cast["t1"], acceptor)
    api.mint(cast["bank"], cast["bank"], "800.00")
    claim = _transfer(api.ok(api.write(f"/v1/bills/{bill}/recourse", cast["t1"], {"against": cast["bank"]}), 201))
    api.ok(api.write(f"/v1/transfers/{claim}/sign", cast["bank"]))
    assert api.balance(cast["t1"]) == "800.00"
    rng = api.bill(bill)["ranges"][0]
    assert (rng["holder"], rng["state"]) == (cast["bank"], "DISHONORED")
    back = _transfer(api.ok(api.write(f"/v1/bills/{bill}/recourse", cast["bank"], {"against": acceptor}), 201))
    api.mint(cast["bank2"], acceptor, "800.00")
    api.ok(api.write(f"/v1/transfers/{back}/sign", acceptor))
    assert api.bill(bill)["status"] == "SETTLED" and api.balance(cast["bank"]) == "800.00"


def test_a_holder_s_guarantee_names_its_range_and_covers_what_splits_from_it(api: Api, cast: dict[str, str]) -> None:
    bill = api.circulating(cast["core"], cast["bank"], cast["t1"], "100.00")
    asked = api.ok(api.write(f"/v1/bills/{bill}/guarantee", cast["t1"], {"guarantor": cast["bank2"]}), 201)
    assert asked["transfer"]["range"]["label"] == "000000000001-000000010000"
    assert asked["bill"]["ranges"][0]["state"] == "LOCKED"
    bill_after = api.ok(api.write(f"/v1/transfers/{_transfer(asked)}/sign", cast["bank2"]))["bill"]
    assert bill_after["ranges"][0]["state"] == "HELD"
    assert bill_after["guarantees"][0]["range"] == "000000000001-000000010000"
    problem(
        api.write(f"/v1/bills/{bill}/guarantee", cast["t2"], {"guarantor": cast["bank2"]}), 404, "NOT_FOUND"
    )  # a stranger to the bill does not see it
    problem(
        api.write(f"/v1/bills/{bill}/guarantee", cast["t1"], {"guarantor": cast["reg"]}),
        422,
        "INVALID_COUNTERPARTY",
    )


def test_a_restrictive_endorser_is_refused_to_a_later_holder(api: Api, cast: dict[str, str]) -> None:
    bill = api.circulating(cast["core"], cast["bank"], cast["t1"], "100.00", days=30)
    asked = api.ok(api.write(f"/v1/bills/{bill}/endorse", cast["t1"], {"to": cast["t2"], "restrictive": True}), 201)
    assert asked["transfer"]["restrictive"] is True
    api.ok(api.write(f"/v1/transfers/{_transfer(asked)}/sign", cast["t2"]))
    onward = api.ok(api.write(f"/v1/bills/{bill}/endorse", cast["t2"], {"to": cast["t3"]}), 201)
    assert onward["transfer"]["restrictive"] is False
    api.ok(api.write(f"/v1/transfers/{_transfer(onward)}/sign", cast["t3"]))
    _dishonored(api, bill, cast["t3"], cast["bank"])
    before = api.bill(bill)
    problem(
        api.write(f"/v1/bills/{bill}/recourse", cast["t3"], {"against": cast["t1"]}), 409, "INVALID_RECOURSE_TARGET"
    )
    assert api.bill(bill) == before
    api.ok(api.write(f"/v1/bills/{bill}/recourse", cast["t3"], {"against": cast["t2"]}), 201)


def test_an_acceptor_with_three_dishonours_is_shut_out_and_shown_so(api: Api, cast: dict[str, str]) -> None:
    acceptor = api.onboard("ENTERPRISE", "late-payer")
    kept = api.circulating(cast["core"], acceptor, cast["t2"], "50.00", days=150, kind="COMMERCIAL_ACCEPTANCE")
    for _ in range(3):
        bill = api.circulating(cast["core"], acceptor, cast["t1"], "10.00", days=1, kind="COMMERCIAL_ACCEPTANCE")
        _dishonored(api, bill, cast["t1"], acceptor, days=1)
    shown = api.ok(api.get(f"/v1/participants/{acceptor}", cast["t1"]))
    assert (shown["overdue_events_180d"], shown["persistently_overdue"]) == (3, True)
    fresh = api.issue(cast["core"], acceptor, cast["t1"], "10.00", kind="COMMERCIAL_ACCEPTANCE")
    problem(api.write(f"/v1/bills/{fresh}/accept", acceptor), 409, "ACCEPTOR_OVERDUE")
    discount = {"bank": cast["bank"], "annual_rate": "0.02"}
    problem(api.write(f"/v1/bills/{kept}/discount", cast["t2"], discount), 409, "ACCEPTOR_OVERDUE")
    problem(api.write(f"/v1/bills/{kept}/pledge", cast["t2"], {"bank": cast["bank"]}), 409, "ACCEPTOR_OVERDUE")
    api.ok(api.write(f"/v1/bills/{kept}/endorse", cast["t2"], {"to": cast["t3"]}), 201)  # endorsement goes on
    report = api.ok(api.get("/v1/reports/overdue-acceptors", cast["reg"]))
    mine = [row for row in report["items"] if row["acceptor"] == acceptor]
    assert len(mine) == 3 and all(row["persistently_overdue"] and row["events_180d"] == 3 for row in mine)
    csv = api.get("/v1/reports/overdue-acceptors", cast["reg"], params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv") and acceptor in csv.text
    problem(api.get("/v1/reports/overdue-acceptors", cast["t1"]), 403, "FORBIDDEN")
    api.advance(180)  # the third-latest event is more than 180 days old: back by itself
    shown = api.ok(api.get(f"/v1/participants/{acceptor}", cast["t1"]))
    assert shown["persistently_overdue"] is False and shown["overdue_events_180d"] < 3


def test_a_judicial_freeze_and_a_seizure_take_two_parties(api: Api, cast: dict[str, str]) -> None:
    reg2 = api.onboard("REGULATOR", "court-desk")
    order = _order(api, cast["reg"], "(2026)沪0101执1234号")
    bill = api.circulating(cast["core"], cast["bank"], cast["t1"], "100.00")
    problem(
        api.write(f"/v1/bills/{bill}/freeze", reg2, {"range_start": 1, "order_hash": order}), 422, "VALIDATION_ERROR"
    )  # an order the freezing regulator did not upload
    frozen = api.ok(api.write(f"/v1/bills/{bill}/freeze", cast["reg"], {"range_start": 1, "order_hash": order}))
    assert frozen["bill"]["ranges"][0]["order_hash"] == order and frozen["bill"]["ranges"][0]["frozen"]
    seize = {"range_start": 1, "to": cast["t3"], "order_hash": order}
    problem(api.write(f"/v1/bills/{bill}/seize", cast["t1"], seize), 403, "FORBIDDEN")
    asked = api.ok(api.write(f"/v1/bills/{bill}/seize", cast["reg"], seize), 201)
    transfer = asked["transfer"]
    assert (transfer["kind"], transfer["from"], transfer["to"], transfer["order_hash"]) == (
        "SEIZURE",
        cast["reg"],
        cast["t3"],
        order,
    )
    orders = api.ok(api.get("/v1/reports/court-orders", cast["reg"]))["items"]
    assert [
        (o["order_hash"], o["seizure"], o["beneficiary"], o["frozen_by"]) for o in orders if o["bill_id"] == bill
    ] == [(order, transfer["id"], cast["t3"], cast["reg"])]
    before = api.bill(bill)
    problem(api.write(f"/v1/transfers/{transfer['id']}/sign", cast["reg"]), 403, "NOT_PARTY")  # not alone
    problem(api.write(f"/v1/transfers/{transfer['id']}/sign", cast["t3"]), 403, "FORBIDDEN")  # nor its beneficiary
    assert api.bill(bill) == before
    api.ok(api.write(f"/v1/transfers/{transfer['id']}/sign", reg2))
    rng = api.bill(bill, cast["t3"])["ranges"][0]
    assert (rng["holder"], rng["state"], rng["frozen"], rng["order_hash"]) == (cast["t3"], "HELD", False, None)


def test_the_operator_may_confirm_a_seizure(api: Api, cast: dict[str, str]) -> None:
    order = _order(api, cast["reg"], "(2026)沪0101执5678号")
    bill = api.circulating(cast["core"], cast["bank"], cast["t1"], "100.00")
    api.ok(api.write(f"/v1/bills/{bill}/freeze", cast["reg"], {"range_start": 1, "order_hash": order}))
    asked = api.ok(
        api.write(f"/v1/bills/{bill}/seize", cast["reg"], {"range_start": 1, "to": cast["t2"], "order_hash": order}),
        201,
    )
    api.ok(api.write(f"/v1/transfers/{_transfer(asked)}/sign", "operator"))
    assert api.bill(bill)["ranges"][0]["holder"] == cast["t2"]


def test_a_key_recovery_cancelled_by_its_participant_then_one_that_takes_effect(api: Api, cast: dict[str, str]) -> None:
    owner = api.onboard("ENTERPRISE", "lost-key", self_custody=True)
    bill = api.circulating(cast["core"], cast["bank"], owner, "100.00")
    lost = api.keys[owner]
    first = Account.create()
    problem(
        api.post(f"/v1/participants/{cast['t1']}/recovery", "operator", {"address": first.address}),
        422,
        "VALIDATION_ERROR",
    )
    asked = api.ok(api.post(f"/v1/participants/{owner}/recovery", "operator", {"address": first.address}), 201)
    assert asked["recovery"] == {"address": first.address, "approved_by": None, "effective_at": None}
    problem(api.post(f"/v1/participants/{owner}/recovery/approve", owner), 403, "FORBIDDEN")
    approved = api.ok(api.write(f"/v1/participants/{owner}/recovery/approve", cast["reg"]))
    assert approved["recovery"]["approved_by"] == cast["reg"] and approved["recovery"]["effective_at"]
    problem(api.write(f"/v1/participants/{owner}/recovery/cancel", cast["t1"]), 403, "NOT_PARTY")
    cancelled = api.ok(api.write(f"/v1/participants/{owner}/recovery/cancel", owner))  # its current key
    assert cancelled["recovery"] is None
    second = Account.create()
    api.ok(api.post(f"/v1/participants/{owner}/recovery", "operator", {"address": second.address}), 201)
    api.ok(api.write(f"/v1/participants/{owner}/recovery/approve", cast["reg"]))
    api.advance(3)  # 72 hours: the gateway completes it
    moved = api.ok(api.get(f"/v1/participants/{owner}"))
    assert (moved["address"], moved["recovery"]) == (second.address, None)
    api.keys[owner] = second
    api.ok(api.write(f"/v1/bills/{bill}/endorse", owner, {"to": cast["t2"], "amount": "1.00"}), 201)
    api.keys[owner] = lost  # the old key signs nothing any more
    problem(api.write(f"/v1/bills/{bill}/endorse", owner, {"to": cast["t2"], "amount": "1.00"}), 422, "BAD_SIGNATURE")
