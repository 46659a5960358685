"""The regulator's reports, the discount quote, cash movements and the operator's gateway status
(issue 16): each checked against the contracts' own state, read through their views, not the index."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import Response

from chain.model import day_date
from gateway.core.money import format_amount, parse_amount
from gateway.core.schemas import FrozenOut
from gateway.http.routes.reports import _answer
from tests.api.conftest import Api, problem
from tests.exposures import chain_exposures, report_fen


def _story(api: Api, cast: dict[str, str]) -> dict[str, Any]:
    """Bills of two acceptors in several states: circulating, discounted, dishonoured under recourse,
    paid, accepted not received, frozen, and one blocked double financing."""
    bank, core, t1, t2, reg = cast["bank"], cast["core"], cast["t1"], cast["t2"], cast["reg"]
    api.mint(bank, bank, "1000000.00")
    api.mint(bank, core, "5000.00")
    doc = api.ok(api.post("/v1/documents", t1, content=b"invoice 42 " + t1.encode()), 201)["hash"]
    b1 = api.circulating(core, core, t1, "1000.00", kind="COMMERCIAL_ACCEPTANCE")
    quote = api.ok(
        api.post(f"/v1/bills/{b1}/discount/quote", t1, {"bank": bank, "annual_rate": "0.0365", "amount": "400.00"})
    )
    request = api.ok(
        api.write(
            f"/v1/bills/{b1}/discount",
            t1,
            {"bank": bank, "annual_rate": "0.0365", "amount": "400.00", "document_hash": doc},
        ),
        201,
    )
    again = api.write(
        f"/v1/bills/{b1}/discount",
        t1,
        {"bank": bank, "annual_rate": "0.0365", "amount": "100.00", "document_hash": doc},
    )
    problem(again, 409, "DOCUMENT_ALREADY_USED")
    api.ok(api.write(f"/v1/transfers/{request['transfer']['id']}/sign", bank))
    b2 = api.circulating(core, bank, t2, "300.00", days=10)
    api.issue(core, core, t1, "77.00", kind="COMMERCIAL_ACCEPTANCE")  # accepted at once, not received
    api.ok(api.write(f"/v1/bills/{b2}/freeze", reg, {"range_start": 1}))
    return {"quote": quote, "transfer": request["transfer"], "b1": b1, "b2": b2, "doc": doc}


def _chain_exposures(api: Api) -> dict[str, dict[str, int]]:
    ids = {p["address"]: p["id"] for p in api.ok(api.get("/v1/participants?limit=500"))["items"]}
    return chain_exposures(api.runtime.system.bills, ids)


def test_reports_equal_the_chains_own_state_in_json_and_csv(api: Api, cast: dict[str, str]) -> None:
    story = _story(api, cast)
    reg = cast["reg"]
    # presented, then dishonoured, and a recourse claim pending: every column is non-zero somewhere
    api.advance(11)
    b2 = story["b2"]
    api.ok(api.write(f"/v1/bills/{b2}/unfreeze", reg, {"range_start": 1}))
    api.ok(api.write(f"/v1/bills/{b2}/present", cast["t2"]))
    api.ok(api.write(f"/v1/bills/{b2}/dishonor", cast["bank"], {"reason": "no funds"}))
    dishonored = _chain_exposures(api)
    assert report_fen(api.ok(api.get("/v1/reports/exposures", reg))["items"]) == dishonored
    assert dishonored[cast["bank"]]["dishonored"] == 30_000
    api.ok(api.write(f"/v1/bills/{b2}/recourse", cast["t2"], {"against": cast["core"]}), 201)  # locks the range

    report = api.ok(api.get("/v1/reports/exposures", reg))
    assert report["as_of"] == day_date(api.runtime.system.bills.today()).isoformat()
    expected = _chain_exposures(api)
    assert report_fen(report["items"]) == expected
    assert expected[cast["bank"]]["recourse_open"] == 30_000
    assert expected[cast["core"]]["overdue"] == 0 < expected[cast["core"]]["outstanding"]

    response = api.get("/v1/reports/exposures?format=csv", reg)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert report_fen(list(csv.DictReader(io.StringIO(response.text)))) == expected


def test_concentration_daily_frozen_and_double_financing(api: Api, cast: dict[str, str]) -> None:
    story = _story(api, cast)
    reg = cast["reg"]
    concentration = api.ok(api.get("/v1/reports/concentration?top=100", reg))["items"]
    acceptors = [r for r in concentration if r["kind"] == "ACCEPTOR"]
    owed = {a: t["outstanding"] for a, t in _chain_exposures(api).items() if t["outstanding"]}
    assert {r["participant"]: parse_amount(r["amount"]) for r in acceptors} == owed
    assert [r["rank"] for r in acceptors] == list(range(1, len(acceptors) + 1))
    assert abs(sum(float(r["share"]) for r in acceptors) - 1) < 0.001  # shares of one whole

    daily = api.ok(api.get("/v1/reports/daily", reg))["items"]
    today = api.today().isoformat()
    row = next(r for r in daily if r["date"] == today)
    assert row["discounted_count"] >= 1 and parse_amount(row["discounted_amount"]) >= 40_000

    frozen = api.ok(api.get("/v1/reports/frozen", reg))["items"]
    assert {
        "kind": "RANGE",
        "participant": cast["t2"],
        "bill_id": story["b2"],
        "range": "000000000001-000000030000",
    } in frozen

    refused = api.ok(api.get("/v1/reports/double-financing", reg))["items"]
    assert any(r["caller"] == cast["t1"] and r["document_hash"] == story["doc"] for r in refused)
    assert all(r["code"] == "DOCUMENT_ALREADY_USED" for r in refused)


def test_the_quote_is_the_price_the_transfer_carries(api: Api, cast: dict[str, str]) -> None:
    story = _story(api, cast)
    quote, transfer = story["quote"], story["transfer"]
    assert quote["price"] == transfer["price"] and quote["range"] == transfer["range"]
    assert parse_amount(quote["interest"]) + parse_amount(quote["price"]) == 40_000
    assert parse_amount(quote["interest"]) > 0


def test_bad_quotes_and_report_callers_get_problems(api: Api, cast: dict[str, str]) -> None:
    bill_id = api.circulating(cast["core"], cast["core"], cast["t1"], "10.00", kind="COMMERCIAL_ACCEPTANCE")
    quote = f"/v1/bills/{bill_id}/discount/quote"
    problem(api.post(quote, cast["t2"], {"bank": cast["bank"], "annual_rate": "0.02"}), 404, "NOT_FOUND")
    problem(api.post(quote, cast["reg"], {"bank": cast["bank"], "annual_rate": "0.02"}), 403, "FORBIDDEN")
    problem(api.post(quote, cast["core"], {"bank": cast["bank"], "annual_rate": "0.02"}), 403, "NOT_PARTY")
    problem(api.post(quote, cast["t1"], {"bank": cast["bank"], "annual_rate": "1.5"}), 422, "VALIDATION_ERROR")
    problem(
        api.post(quote, cast["t1"], {"bank": cast["bank"], "annual_rate": "0.02", "amount": "11.00"}),
        422,
        "VALIDATION_ERROR",
    )
    problem(api.post(quote, cast["t1"], {"bank": "nobody-here", "annual_rate": "0.02"}), 422, "INVALID_COUNTERPARTY")
    problem(
        api.post("/v1/bills/999999/discount/quote", cast["t1"], {"bank": cast["bank"], "annual_rate": "0.02"}),
        404,
        "NOT_FOUND",
    )
    for path in ("exposures", "concentration", "daily", "double-financing", "frozen"):
        problem(api.get(f"/v1/reports/{path}", cast["bank"]), 403, "FORBIDDEN")
        problem(api.get(f"/v1/reports/{path}", None), 401, "UNAUTHENTICATED")
    problem(api.get("/v1/reports/exposures?format=xml", cast["reg"]), 422, "VALIDATION_ERROR")
    problem(api.get("/v1/reports/daily?from=2026-13-01", cast["reg"]), 422, "VALIDATION_ERROR")
    problem(api.get("/v1/admin/gateway", cast["reg"]), 403, "FORBIDDEN")
    problem(api.get(f"/v1/cash/movements/{cast['t1']}", cast["t2"]), 403, "FORBIDDEN")
    problem(api.get("/v1/cash/movements/nobody-here", cast["reg"]), 404, "NOT_FOUND")
    problem(api.get(f"/v1/cash/movements/{cast['t1']}?cursor=abc", cast["t1"]), 422, "VALIDATION_ERROR")


def test_cash_movements_say_what_each_payment_was_for(api: Api, cast: dict[str, str]) -> None:
    story = _story(api, cast)
    moves = api.ok(api.get(f"/v1/cash/movements/{cast['t1']}", cast["t1"]))["items"]
    assert [(m["kind"], m["from"], m["to"], m["amount"], m["bill_id"]) for m in moves] == [
        ("DISCOUNT", cast["bank"], cast["t1"], story["transfer"]["price"], story["b1"])
    ]
    bank = api.ok(api.get(f"/v1/cash/movements/{cast['bank']}?limit=1", cast["reg"]))
    assert bank["items"][0]["kind"] == "MINT" and bank["items"][0]["from"] is None and bank["next_cursor"]
    rest = api.ok(api.get(f"/v1/cash/movements/{cast['bank']}?cursor={bank['next_cursor']}", cast["bank"]))["items"]
    # the balance is what the movements add up to
    fen = sum((1 if m["to"] == cast["bank"] else -1) * parse_amount(m["amount"]) for m in bank["items"] + rest)
    assert format_amount(fen) == api.balance(cast["bank"])


def test_the_operator_sees_the_gateways_state(api: Api) -> None:
    status = api.ok(api.get("/v1/admin/gateway"))
    assert status["head"] == api.runtime.backend.block_number() and status["index_lag"] == 0
    assert {a["name"] for a in status["accounts"]} == {"operator", "relayer"}
    operator = next(a for a in status["accounts"] if a["name"] == "operator")
    assert operator["nonce"] == api.runtime.backend.w3.eth.get_transaction_count(operator["address"])
    assert set(status["outbox"]) == {"PENDING", "DONE", "ABANDONED"} and status["held"] is None


def test_a_transaction_is_explained_to_those_who_may_see_it(api: Api, cast: dict[str, str]) -> None:
    bank, core, t1 = cast["bank"], cast["core"], cast["t1"]
    api.mint(bank, bank, "1000.00")
    bill_id = api.circulating(core, core, t1, "100.00", kind="COMMERCIAL_ACCEPTANCE")
    asked = api.ok(api.write(f"/v1/bills/{bill_id}/discount", t1, {"bank": bank, "annual_rate": "0.02"}), 201)
    signed = api.ok(api.write(f"/v1/transfers/{asked['transfer']['id']}/sign", bank))
    tx = signed["tx"]
    seen = api.ok(api.get(f"/v1/transactions/{tx['hash']}", bank))
    assert (seen["status"], seen["block_number"], seen["gas_used"]) == ("SUCCESS", tx["block_number"], tx["gas_used"])
    assert seen["sender_participant"] == bank and seen["call"] is None  # the raw call: operator and regulators
    (own_operation,) = seen["operations"]
    assert own_operation["signer_participant"] == bank and own_operation["contract"] == "BillRegistry"
    assert own_operation["method"] == "sign" and own_operation["args"]["transferId"] == asked["transfer"]["id"]
    events = [(e["contract"], e["event"]) for e in seen["events"]]
    assert ("DigitalCash", "Transfer") in events and ("BillRegistry", "TransferSigned") in events
    price = next(e for e in seen["events"] if e["event"] == "Transfer")["args"]["value"]
    assert price == parse_amount(asked["transfer"]["price"])
    to_holder = api.ok(api.get(f"/v1/transactions/{tx['hash'].upper().replace('0X', '0x')}", t1))
    assert to_holder["hash"] == tx["hash"] and to_holder["operations"] == []  # the bank signed, not t1
    assert to_holder["sender"] is None and to_holder["sender_participant"] is None  # the bank's key: not t1's to see
    assert ("BillRegistry", "TransferSigned") in [(e["contract"], e["event"]) for e in to_holder["events"]]
    whole = api.ok(api.get(f"/v1/transactions/{tx['hash']}", cast["reg"]))
    assert whole["hash"] == tx["hash"] and whole["call"]["args"]["transferId"] == asked["transfer"]["id"]
    problem(api.get(f"/v1/transactions/{tx['hash']}", cast["t3"]), 404, "NOT_FOUND")  # not a party
    problem(api.get("/v1/transactions/0x" + "ab" * 32, cast["reg"]), 404, "NOT_FOUND")
    problem(api.get("/v1/transactions/0x1234", cast["reg"]), 422, "VALIDATION_ERROR")

    # a signed operation relayed: the operation the signer signed, and whose it was
    own = api.onboard("ENTERPRISE", "own", self_custody=True)
    bill_id = api.issue(core, core, own, "10.00", kind="COMMERCIAL_ACCEPTANCE")
    received = api.ok(api.write(f"/v1/bills/{bill_id}/receive", own))["tx"]
    seen = api.ok(api.get(f"/v1/transactions/{received['hash']}", own))
    assert seen["call"] is None and seen["sender_participant"] is None  # the relayer sent it
    assert seen["operations"] == [
        {
            "signer": api.keys[own].address,
            "signer_participant": own,
            "contract": "BillRegistry",
            "method": "receiveBill",
            "args": {"billId": bill_id},
        }
    ]
    relayed = api.ok(api.get(f"/v1/transactions/{received['hash']}", cast["reg"]))["call"]
    assert (relayed["contract"], relayed["method"]) == ("OperationRelay", "execute")


def test_an_empty_report_is_a_csv_header(api: Api, cast: dict[str, str]) -> None:
    """Found by schemathesis: the CSV of a report with no rows (nothing frozen) was a 500."""
    response = _answer(FrozenOut(items=[]), "csv", "frozen")
    assert isinstance(response, Response) and response.body == b"kind,participant,bill_id,range\r\n"
    served = api.get("/v1/reports/double-financing?format=csv", cast["reg"])
    assert served.status_code == 200 and served.text.splitlines()[0] == "at,caller,request,code,document_hash"
