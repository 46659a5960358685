"""Every bill and transfer endpoint through HTTP, with the problem codes DOMAIN.md names."""

from __future__ import annotations

import hashlib

from tests.api.conftest import Api, problem


def test_issue_answers_the_bill_with_its_number(api: Api, cast: dict[str, str]) -> None:
    body = api.ok(
        api.post(
            "/v1/bills",
            cast["core"],
            {
                "kind": "COMMERCIAL_ACCEPTANCE",
                "acceptor": cast["core"],
                "payee": cast["t1"],
                "amount": "1000000.00",
                "maturity_date": api.maturity(30),
            },
        ),
        201,
    )
    bill, tx = body["bill"], body["tx"]
    assert bill["status"] == "ACCEPTED" and bill["amount"] == "1000000.00" and bill["ranges"] == []
    assert bill["drawer"] == bill["acceptor"] == cast["core"] and bill["transferable"] is True
    member = api.get(f"/v1/participants/{cast['core']}").json()["member_code"]
    assert bill["bill_no"][0] == "6" and bill["bill_no"][1:13] == member and len(bill["bill_no"]) == 30
    assert bill["bill_no"][13:21] == api.today().strftime("%Y%m%d") and bill["bill_no"][21:29] == f"{bill['id']:08d}"
    assert tx["block_number"] > 0 and tx["gas_used"] > 0


def test_issue_rules(api: Api, cast: dict[str, str]) -> None:
    base = {
        "kind": "BANK_ACCEPTANCE",
        "acceptor": cast["bank"],
        "payee": cast["t1"],
        "amount": "10.00",
        "maturity_date": api.maturity(30),
    }
    problem(api.post("/v1/bills", cast["bank"], base), 403, "FORBIDDEN")
    problem(api.post("/v1/bills", cast["core"], {**base, "acceptor": cast["t2"]}), 422, "INVALID_COUNTERPARTY")
    problem(api.post("/v1/bills", cast["core"], {**base, "payee": cast["core"]}), 422, "INVALID_COUNTERPARTY")
    problem(api.post("/v1/bills", cast["core"], {**base, "maturity_date": api.maturity(185)}), 422, "VALIDATION_ERROR")
    problem(api.post("/v1/bills", cast["core"], {**base, "maturity_date": api.maturity(0)}), 422, "VALIDATION_ERROR")
    problem(api.post("/v1/bills", cast["core"], {**base, "amount": "1000000000.01"}), 422, "VALIDATION_ERROR")
    problem(api.post("/v1/bills", cast["core"], {**base, "kind": "SUPPLY_CHAIN"}), 422, "VALIDATION_ERROR")
    problem(api.post("/v1/bills", cast["core"], {**base, "maturity_date": "2026-13-01"}), 422, "VALIDATION_ERROR")
    content = b"po-" + cast["core"].encode()
    document = "0x" + hashlib.sha256(content).hexdigest()
    # API.md: a document_hash names a document the caller uploaded (or may read); else 422, nothing anchored
    problem(api.post("/v1/bills", cast["core"], {**base, "document_hash": document}), 422, "VALIDATION_ERROR")
    api.ok(api.client.post("/v1/documents", content=content, headers=api.headers(cast["core"])), 201)
    api.ok(api.post("/v1/bills", cast["core"], {**base, "document_hash": document}), 201)
    problem(api.post("/v1/bills", cast["core"], {**base, "document_hash": document}), 409, "DOCUMENT_ALREADY_USED")


def test_accept_reject_receive_cancel(api: Api, cast: dict[str, str]) -> None:
    bill = api.issue(cast["core"], cast["bank"], cast["t1"])
    problem(api.post(f"/v1/bills/{bill}/accept", cast["t1"]), 403, "NOT_PARTY")
    problem(api.post(f"/v1/bills/{bill}/receive", cast["t1"]), 409, "INVALID_STATE")
    problem(api.post(f"/v1/bills/{bill}/accept", cast["bank"], {"extra": 1}), 422, "VALIDATION_ERROR")
    assert api.ok(api.post(f"/v1/bills/{bill}/accept", cast["bank"]))["bill"]["status"] == "ACCEPTED"
    assert api.ok(api.post(f"/v1/bills/{bill}/receive", cast["t1"]))["bill"]["ranges"][0]["holder"] == cast["t1"]
    rejected = api.issue(cast["core"], cast["bank"], cast["t1"])
    assert api.ok(api.post(f"/v1/bills/{rejected}/reject", cast["bank"]))["bill"]["status"] == "REJECTED"
    cancelled = api.issue(cast["core"], cast["bank"], cast["t1"])
    assert api.ok(api.post(f"/v1/bills/{cancelled}/cancel", cast["core"]))["bill"]["status"] == "CANCELLED"
    problem(api.post(f"/v1/bills/{cancelled}/accept", cast["bank"]), 409, "INVALID_STATE")


def test_endorse_split_sign_and_visibility(api: Api, cast: dict[str, str]) -> None:
    bill = api.circulating(cast["core"], cast["bank"], cast["t1"], amount="1000.00")
    problem(api.get(f"/v1/bills/{bill}", cast["t2"]), 404, "NOT_FOUND")
    body = api.ok(api.post(f"/v1/bills/{bill}/endorse", cast["t1"], {"to": cast["t2"], "amount": "300.00"}), 201)
    t = body["transfer"]
    assert (t["kind"], t["status"], t["from"], t["to"], t["price"]) == (
        "ENDORSE",
        "PENDING",
        cast["t1"],
        cast["t2"],
        None,
    )
    assert t["range"] == {"start": 1, "end": 30000, "label": "000000000001-000000030000", "amount": "300.00"}
    ranges = body["bill"]["ranges"]
    assert [(r["start"], r["state"], r["pending_transfer"]) for r in ranges] == [
        (1, "LOCKED", t["id"]),
        (30001, "HELD", None),
    ]
    assert api.ok(api.get(f"/v1/bills/{bill}", cast["t2"]))["id"] == bill  # a party to a transfer sees the bill
    incoming = api.ok(api.get("/v1/transfers?direction=incoming&status=PENDING", cast["t2"]))["items"]
    assert [x["id"] for x in incoming] == [t["id"]]
    problem(api.post(f"/v1/transfers/{t['id']}/sign", cast["t1"]), 403, "NOT_PARTY")
    signed = api.ok(api.post(f"/v1/transfers/{t['id']}/sign", cast["t2"]))
    assert signed["transfer"]["status"] == "SIGNED" and signed["bill"]["ranges"][0]["holder"] == cast["t2"]
    problem(api.post(f"/v1/transfers/{t['id']}/sign", cast["t2"]), 409, "INVALID_STATE")
    problem(api.get(f"/v1/transfers/{t['id']}", cast["t3"]), 404, "NOT_FOUND")
    assert api.ok(api.get(f"/v1/transfers/{t['id']}", cast["reg"]))["status"] == "SIGNED"
    events = [h["event"] for h in api.ok(api.get(f"/v1/bills/{bill}/history", cast["t2"]))["items"]]
    assert events == ["ISSUED", "ACCEPTED", "RECEIVED", "TRANSFER_REQUESTED", "TRANSFER_SIGNED"]


def test_range_start_is_needed_with_two_eligible_ranges(api: Api, cast: dict[str, str]) -> None:
    bill = api.circulating(cast["core"], cast["bank"], cast["t1"], amount="100.00")
    t = api.ok(api.post(f"/v1/bills/{bill}/endorse", cast["t1"], {"to": cast["t2"], "amount": "10.00"}), 201)[
        "transfer"
    ]
    rejected = api.ok(api.post(f"/v1/transfers/{t['id']}/reject", cast["t2"]))
    assert [(r["start"], r["end"]) for r in rejected["bill"]["ranges"]] == [(1, 10_000)]  # the split withdrawn
    t = api.ok(api.post(f"/v1/bills/{bill}/endorse", cast["t1"], {"to": cast["t2"], "amount": "10.00"}), 201)
    api.ok(api.post(f"/v1/transfers/{t['transfer']['id']}/sign", cast["t2"]))
    back = api.ok(api.post(f"/v1/bills/{bill}/endorse", cast["t2"], {"to": cast["t1"]}), 201)
    api.ok(api.post(f"/v1/transfers/{back['transfer']['id']}/sign", cast["t1"]))  # t1 holds two ranges again
    problem(
        api.post(f"/v1/bills/{bill}/endorse", cast["t1"], {"to": cast["t2"], "amount": "1.00"}), 422, "VALIDATION_ERROR"
    )
    problem(
        api.post(f"/v1/bills/{bill}/endorse", cast["t1"], {"to": cast["t2"], "range_start": 7}), 422, "VALIDATION_ERROR"
    )
    body = api.ok(api.post(f"/v1/bills/{bill}/endorse", cast["t1"], {"to": cast["t2"], "range_start": 1001}), 201)
    assert body["transfer"]["range"]["start"] == 1001 and body["transfer"]["range"]["amount"] == "90.00"
    api.ok(api.post(f"/v1/transfers/{body['transfer']['id']}/revoke", cast["t1"]))
    problem(api.post(f"/v1/transfers/{body['transfer']['id']}/revoke", cast["t1"]), 409, "INVALID_STATE")


def test_discount_with_dvp_and_insufficient_cash(api: Api, cast: dict[str, str]) -> None:
    bill = api.circulating(cast["core"], cast["bank"], cast["t1"], amount="300000.00", days=120)
    problem(
        api.post(f"/v1/bills/{bill}/discount", cast["t1"], {"bank": cast["bank2"], "annual_rate": "1.0"}),
        422,
        "VALIDATION_ERROR",
    )
    problem(
        api.post(f"/v1/bills/{bill}/discount", cast["t1"], {"bank": cast["t2"], "annual_rate": "0.0185"}),
        422,
        "INVALID_COUNTERPARTY",
    )
    body = api.ok(
        api.post(f"/v1/bills/{bill}/discount", cast["t1"], {"bank": cast["bank2"], "annual_rate": "0.0185"}), 201
    )
    t = body["transfer"]
    assert (t["price"], t["annual_rate"]) == ("298150.00", "0.0185")
    problem(api.post(f"/v1/transfers/{t['id']}/sign", cast["bank2"]), 409, "INSUFFICIENT_CASH")
    api.mint(cast["bank2"], cast["bank2"], "298150.00")
    api.ok(api.post(f"/v1/transfers/{t['id']}/sign", cast["bank2"]))
    assert api.balance(cast["t1"]) == "298150.00" and api.balance(cast["bank2"]) == "0.00"
    assert api.bill(bill)["ranges"][0]["holder"] == cast["bank2"]
    holders = api.ok(api.get(f"/v1/bills?holder={cast['bank2']}", cast["bank2"]))["items"]
    assert [b["id"] for b in holders] == [bill]


def test_not_transferable_and_matured(api: Api, cast: dict[str, str]) -> None:
    fixed = api.circulating(cast["core"], cast["bank"], cast["t1"], transferable=False)
    problem(api.post(f"/v1/bills/{fixed}/endorse", cast["t1"], {"to": cast["t2"]}), 409, "NOT_TRANSFERABLE")
    soon = api.circulating(cast["core"], cast["bank"], cast["t1"], days=1)
    problem(api.post(f"/v1/bills/{soon}/present", cast["t1"]), 409, "NOT_MATURE")
    api.advance(1)
    problem(api.post(f"/v1/bills/{soon}/pledge", cast["t1"], {"bank": cast["bank"]}), 409, "MATURED")


def test_pledge_release_present_pay(api: Api, cast: dict[str, str]) -> None:
    bill = api.circulating(cast["core"], cast["bank"], cast["t1"], amount="50.00", days=10)
    t = api.ok(api.post(f"/v1/bills/{bill}/pledge", cast["t1"], {"bank": cast["bank2"]}), 201)["transfer"]
    api.ok(api.post(f"/v1/transfers/{t['id']}/sign", cast["bank2"]))
    assert api.bill(bill)["ranges"][0]["pledgee"] == cast["bank2"]
    problem(api.post(f"/v1/bills/{bill}/release", cast["bank"]), 403, "NOT_PARTY")
    api.ok(api.post(f"/v1/bills/{bill}/release", cast["bank2"]))
    t = api.ok(api.post(f"/v1/bills/{bill}/pledge", cast["t1"], {"bank": cast["bank2"]}), 201)["transfer"]
    api.ok(api.post(f"/v1/transfers/{t['id']}/sign", cast["bank2"]))
    api.advance(10)
    presented = api.ok(api.post(f"/v1/bills/{bill}/present", cast["bank2"]))["bill"]["ranges"][0]
    assert presented["state"] == "PRESENTED" and presented["presented_at"] and presented["late"] is False
    problem(api.post(f"/v1/bills/{bill}/pay", cast["t1"]), 403, "NOT_PARTY")
    problem(api.post(f"/v1/bills/{bill}/pay", cast["bank"]), 409, "INSUFFICIENT_CASH")
    api.mint(cast["bank"], cast["bank"], "50.00")
    body = api.ok(api.post(f"/v1/bills/{bill}/pay", cast["bank"]))
    assert body["bill"]["status"] == "SETTLED" and api.balance(cast["bank2"]) == "50.00"
    events = [h["event"] for h in api.ok(api.get(f"/v1/bills/{bill}/history", cast["t1"]))["items"]]
    assert events[-3:] == ["PRESENTED", "PAID", "SETTLED"] and "PLEDGE_RELEASED" in events


def test_dishonor_and_recourse(api: Api, cast: dict[str, str]) -> None:
    bill = api.circulating(cast["core"], cast["bank"], cast["t1"], amount="20.00", days=5)
    t = api.ok(api.post(f"/v1/bills/{bill}/endorse", cast["t1"], {"to": cast["t2"]}), 201)["transfer"]
    api.ok(api.post(f"/v1/transfers/{t['id']}/sign", cast["t2"]))
    api.advance(5)
    api.ok(api.post(f"/v1/bills/{bill}/present", cast["t2"], {"range_start": 1}))
    problem(api.post(f"/v1/bills/{bill}/dishonor", cast["bank"], {"reason": ""}), 422, "VALIDATION_ERROR")
    problem(api.post(f"/v1/bills/{bill}/dishonor", cast["bank"], {"reason": "x" * 201}), 422, "VALIDATION_ERROR")
    api.ok(api.post(f"/v1/bills/{bill}/dishonor", cast["bank"], {"reason": "账户余额不足"}))
    problem(api.post(f"/v1/bills/{bill}/recourse", cast["t2"], {"against": cast["t3"]}), 409, "INVALID_RECOURSE_TARGET")
    body = api.ok(api.post(f"/v1/bills/{bill}/recourse", cast["t2"], {"against": cast["t1"]}), 201)
    assert body["transfer"]["kind"] == "RECOURSE" and body["transfer"]["price"] == "20.00"
    api.mint(cast["bank2"], cast["t1"], "20.00")
    api.ok(api.post(f"/v1/transfers/{body['transfer']['id']}/sign", cast["t1"]))
    assert api.bill(bill)["ranges"][0]["holder"] == cast["t1"] and api.balance(cast["t2"]) == "20.00"


def test_freeze_bill_and_range(api: Api, cast: dict[str, str]) -> None:
    bill = api.circulating(cast["core"], cast["bank"], cast["t1"], amount="10.00")
    problem(api.post(f"/v1/bills/{bill}/freeze", cast["bank"]), 403, "FORBIDDEN")
    problem(api.post(f"/v1/bills/{bill}/freeze", cast["reg"], {"range_start": 5}), 422, "VALIDATION_ERROR")
    assert api.ok(api.post(f"/v1/bills/{bill}/freeze", cast["reg"], {"range_start": 1}))["bill"]["ranges"][0]["frozen"]
    problem(api.post(f"/v1/bills/{bill}/endorse", cast["t1"], {"to": cast["t2"], "range_start": 1}), 409, "FROZEN")
    problem(api.post(f"/v1/bills/{bill}/freeze", cast["reg"], {"range_start": 1}), 409, "INVALID_STATE")
    api.ok(api.post(f"/v1/bills/{bill}/unfreeze", cast["reg"], {"range_start": 1}))
    assert api.ok(api.post(f"/v1/bills/{bill}/freeze", cast["reg"]))["bill"]["frozen"] is True
    events = [h["event"] for h in api.ok(api.get(f"/v1/bills/{bill}/history", cast["reg"]))["items"]]
    assert events[-3:] == ["FROZEN", "UNFROZEN", "FROZEN"]


def test_bill_list_filters_and_pages(api: Api, cast: dict[str, str]) -> None:
    ids = [api.issue(cast["core"], cast["bank"], cast["t1"], days=d) for d in (10, 20, 30)]
    mine = api.ok(api.get("/v1/bills?limit=2", cast["t1"]))
    assert [b["id"] for b in mine["items"]] == ids[:2] and mine["next_cursor"]
    rest = api.ok(api.get(f"/v1/bills?limit=2&cursor={mine['next_cursor']}", cast["t1"]))
    assert [b["id"] for b in rest["items"]] == ids[2:] and rest["next_cursor"] is None
    before = api.maturity(25)
    assert [b["id"] for b in api.ok(api.get(f"/v1/bills?matures_before={before}", cast["t1"]))["items"]] == ids[:2]
    assert api.ok(api.get("/v1/bills?status=SETTLED", cast["t1"]))["items"] == []
    assert {
        b["id"]
        for b in api.ok(api.get(f"/v1/bills?acceptor={cast['bank']}&kind=BANK_ACCEPTANCE", cast["bank"]))["items"]
    } == set(ids)
    problem(api.get("/v1/bills?status=BOGUS", cast["t1"]), 422, "VALIDATION_ERROR")
    problem(api.get("/v1/bills?limit=501", cast["t1"]), 422, "VALIDATION_ERROR")


def test_documents_are_stored_encrypted_and_read_by_the_named_only(api: Api, cast: dict[str, str]) -> None:
    content = f"invoice for {cast['t1']}".encode()
    body = api.ok(
        api.client.post(
            "/v1/documents", content=content, headers=api.headers(cast["t1"], **{"Content-Type": "text/plain"})
        ),
        201,
    )
    assert body == {
        "hash": "0x" + hashlib.sha256(content).hexdigest(),
        "size": len(content),
        "content_type": "text/plain",
    }
    with api.runtime.db.session() as s:
        from gateway.core.db import DocumentRow

        row = s.get(DocumentRow, body["hash"])
        assert row is not None and content not in row.ciphertext
    assert api.get(f"/v1/documents/{body['hash']}", cast["t1"]).content == content
    assert api.get(f"/v1/documents/{body['hash']}", cast["reg"]).content == content
    problem(api.get(f"/v1/documents/{body['hash']}", cast["t2"]), 404, "NOT_FOUND")
    problem(api.client.post("/v1/documents", content=b"x", headers=api.headers("operator")), 403, "FORBIDDEN")
    bill = api.circulating(cast["core"], cast["bank"], cast["t1"])
    api.ok(api.post(f"/v1/bills/{bill}/endorse", cast["t1"], {"to": cast["t2"], "document_hash": body["hash"]}), 201)
    assert api.get(f"/v1/documents/{body['hash']}", cast["t2"]).content == content  # a party of an anchoring bill


def test_admin_chain_and_advance(api: Api, cast: dict[str, str]) -> None:
    chain = api.ok(api.get("/v1/admin/chain"))
    assert set(chain) == {"backend", "chain_id", "block_number", "timestamp", "date"}
    problem(api.get("/v1/admin/chain", cast["reg"]), 403, "FORBIDDEN")
    problem(api.post("/v1/admin/chain/advance", cast["bank"], {"days": 1}), 403, "FORBIDDEN")
    problem(api.post("/v1/admin/chain/advance", "operator", {"days": -1}), 422, "VALIDATION_ERROR")
    moved = api.ok(api.post("/v1/admin/chain/advance", "operator", {"seconds": 3600, "days": 2}))
    assert moved["timestamp"] - chain["timestamp"] >= 2 * 86400 + 3600
