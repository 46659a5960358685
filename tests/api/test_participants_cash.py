"""Participants and digital cash through HTTP."""

from __future__ import annotations

from tests.api.conftest import Api, problem


def credit_code(first17: str) -> str:
    from gateway.services.participants import CREDIT_CHARS, CREDIT_WEIGHTS

    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return first17 + CREDIT_CHARS[(31 - total % 31) % 31]


def test_onboarding_returns_the_token_once_and_stores_its_hash(api: Api) -> None:
    body = api.ok(
        api.post("/v1/participants", "operator", {"id": "acme-steel", "name": "ACME Steel", "role": "ENTERPRISE"}), 201
    )
    assert set(body) == {
        "id",
        "name",
        "role",
        "member_code",
        "address",
        "status",
        "credit_code",
        "overdue_events_180d",
        "persistently_overdue",
        "recovery",
        "custody",
        "api_token",
    }
    assert body["status"] == "ACTIVE" and body["member_code"].isdigit() and len(body["member_code"]) == 12
    again = api.ok(api.get("/v1/participants/acme-steel"))
    assert "api_token" not in again and again["address"] == body["address"]
    with api.runtime.db.session() as s:
        from gateway.core.db import ParticipantRow

        row = s.get(ParticipantRow, "acme-steel")
        assert row is not None and body["api_token"] not in row.token_hash
    problem(
        api.post("/v1/participants", "operator", {"id": "acme-steel", "name": "again", "role": "BANK"}),
        409,
        "INVALID_STATE",
    )


def test_member_codes_in_order_and_generated_ids(api: Api) -> None:
    first = api.ok(api.post("/v1/participants", "operator", {"name": "No Id Bank", "role": "BANK"}), 201)
    second = api.ok(api.post("/v1/participants", "operator", {"name": "No Id Corp", "role": "ENTERPRISE"}), 201)
    assert int(second["member_code"]) == int(first["member_code"]) + 1
    assert first["id"].startswith("bank-") and second["id"].startswith("enterprise-")


def test_onboarding_rules(api: Api, cast: dict[str, str]) -> None:
    problem(api.post("/v1/participants", cast["bank"], {"name": "x", "role": "BANK"}), 403, "FORBIDDEN")
    for body in (
        {"name": "x", "role": "OPERATOR"},
        {"name": "x", "role": "BANK", "id": "A"},
        {"name": "", "role": "BANK"},
        {"name": "x", "role": "BANK", "credit_code": "91350100M000100Y40"[:-1] + "Z"},
    ):
        problem(api.post("/v1/participants", "operator", body), 422, "VALIDATION_ERROR")
    code = credit_code("91350100M00010041")
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    problem(
        api.post("/v1/participants", "operator", {"name": "x", "role": "BANK", "credit_code": wrong}),
        422,
        "VALIDATION_ERROR",
    )
    body = api.ok(api.post("/v1/participants", "operator", {"name": "x", "role": "BANK", "credit_code": code}), 201)
    assert body["credit_code"] == code


def test_list_and_get(api: Api, cast: dict[str, str]) -> None:
    page = api.ok(api.get("/v1/participants?limit=2", cast["t1"]))
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = api.ok(api.get(f"/v1/participants?limit=500&cursor={page['next_cursor']}", cast["t1"]))
    ids = [p["id"] for p in page["items"] + rest["items"]]
    assert len(ids) == len(set(ids)) and cast["reg"] in ids
    problem(api.get("/v1/participants/nobody-here", cast["t1"]), 404, "NOT_FOUND")
    problem(api.get("/v1/participants?limit=0", cast["t1"]), 422, "VALIDATION_ERROR")


def test_freeze_and_unfreeze_participants(api: Api, cast: dict[str, str]) -> None:
    problem(api.post(f"/v1/participants/{cast['t1']}/freeze", cast["bank"]), 403, "FORBIDDEN")
    assert api.ok(api.post(f"/v1/participants/{cast['t1']}/freeze", cast["reg"]))["status"] == "FROZEN"
    problem(api.post(f"/v1/participants/{cast['t1']}/freeze", cast["reg"]), 409, "INVALID_STATE")
    problem(api.post(f"/v1/participants/{cast['t1']}/freeze", "operator"), 403, "FORBIDDEN")  # the regulator's
    api.mint(cast["bank"], cast["t2"], "5.00")
    problem(api.post("/v1/cash/mint", cast["bank"], {"to": cast["t1"], "amount": "1.00"}), 409, "PARTICIPANT_FROZEN")
    # API.md: a freeze made by a REGULATOR is undone only by a REGULATOR (the OPERATOR gets 403 FORBIDDEN)
    problem(api.post(f"/v1/participants/{cast['t1']}/unfreeze", "operator"), 403, "FORBIDDEN")
    assert api.ok(api.post(f"/v1/participants/{cast['t1']}/unfreeze", cast["reg"]))["status"] == "ACTIVE"
    assert api.ok(api.post(f"/v1/participants/{cast['t1']}/freeze", "operator"))["status"] == "FROZEN"
    assert api.ok(api.post(f"/v1/participants/{cast['t1']}/unfreeze", "operator"))["status"] == "ACTIVE"
    problem(api.post(f"/v1/participants/{cast['reg']}/freeze", "operator"), 403, "FORBIDDEN")  # a regulator's
    problem(api.post("/v1/participants/nobody-here/freeze", "operator"), 404, "NOT_FOUND")


def test_mint_transfer_and_balances(api: Api, cast: dict[str, str]) -> None:
    body = api.ok(api.post("/v1/cash/mint", cast["bank"], {"to": cast["t1"], "amount": "100.50"}))
    assert body["to"] == cast["t1"] and body["amount"] == "100.50" and body["balance"] == "100.50"
    assert body["tx"]["hash"].startswith("0x") and body["tx"]["gas_used"] > 0
    body = api.ok(api.post("/v1/cash/transfer", cast["t1"], {"to": cast["t2"], "amount": "0.50"}))
    assert body["balance"] == "100.00"
    assert api.ok(api.get(f"/v1/cash/balances/{cast['t2']}", cast["t2"])) == {
        "participant": cast["t2"],
        "balance": "0.50",
    }
    assert api.ok(api.get(f"/v1/cash/balances/{cast['t2']}", cast["bank"]))["balance"] == "0.50"
    problem(api.get(f"/v1/cash/balances/{cast['t2']}", cast["t1"]), 403, "FORBIDDEN")
    problem(api.get("/v1/cash/balances/nobody-here", cast["bank"]), 404, "NOT_FOUND")


def test_cash_rules(api: Api, cast: dict[str, str]) -> None:
    problem(api.post("/v1/cash/mint", cast["t1"], {"to": cast["t1"], "amount": "1.00"}), 403, "FORBIDDEN")
    problem(api.post("/v1/cash/transfer", cast["reg"], {"to": cast["t1"], "amount": "1.00"}), 403, "FORBIDDEN")
    problem(api.post("/v1/cash/mint", cast["bank"], {"to": cast["reg"], "amount": "1.00"}), 422, "INVALID_COUNTERPARTY")
    problem(
        api.post("/v1/cash/mint", cast["bank"], {"to": "nobody-here", "amount": "1.00"}), 422, "INVALID_COUNTERPARTY"
    )
    problem(api.post("/v1/cash/mint", cast["bank"], {"to": cast["t1"], "amount": "0.00"}), 422, "VALIDATION_ERROR")
    problem(api.post("/v1/cash/transfer", cast["t1"], {"to": cast["t2"], "amount": "0.01"}), 409, "INSUFFICIENT_CASH")
    assert api.balance(cast["t1"]) == "0.00"
