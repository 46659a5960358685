"""API.md's conventions: authentication, problem bodies, the order of checks, nothing changed by bad input."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api, problem


def test_open_paths_need_no_token(api: Api) -> None:
    health = api.ok(api.get("/v1/health", None))
    assert health["status"] == "ok" and health["chain"]["backend"] == "embedded"
    assert set(health["contracts"]) == {
        "ParticipantRegistry",
        "DigitalCash",
        "BillRegistry",
        "AdminTimelock",
        "OperationRelay",
    }
    assert api.get("/metrics", None).status_code == 200
    assert api.get("/openapi.json", None).status_code == 200
    assert api.get("/docs", None).status_code == 200


@pytest.mark.parametrize("path", ["/v1/me", "/v1/bills", "/v1/participants", "/v1/nothing-here", "/v1/bills/1"])
def test_missing_or_wrong_token_is_401(api: Api, path: str) -> None:
    problem(api.get(path, None), 401, "UNAUTHENTICATED")
    problem(api.call("GET", path, None, headers={"Authorization": "Bearer bc_wrong"}), 401, "UNAUTHENTICATED")
    problem(api.call("GET", path, None, headers={"Authorization": "Basic abc"}), 401, "UNAUTHENTICATED")


def test_me(api: Api, cast: dict[str, str]) -> None:
    assert api.ok(api.get("/v1/me")) == {"id": "operator", "role": "OPERATOR"}
    me = api.ok(api.get("/v1/me", cast["t1"]))
    assert me["id"] == cast["t1"] and me["role"] == "ENTERPRISE" and len(me["member_code"]) == 12


def test_malformed_json_is_400_and_changes_nothing(api: Api, cast: dict[str, str]) -> None:
    before = api.balance(cast["bank"])
    response = api.client.post(
        "/v1/cash/mint", content=b'{"to": ', headers=api.headers(cast["bank"], **{"Content-Type": "application/json"})
    )
    problem(response, 400, "MALFORMED_REQUEST")
    assert api.balance(cast["bank"]) == before


@pytest.mark.parametrize(
    "body",
    [
        {"to": "x", "amount": 100},  # a JSON number
        {"to": "x", "amount": "1.001"},  # three decimals
        {"to": "x", "amount": "-1.00"},
        {"to": "x", "amount": "1e3"},
        {"to": "x", "amount": "1.00", "memo": "unknown field"},
        {"amount": "1.00"},  # missing field
        [],
    ],
)
def test_malformed_bodies_are_422_and_change_nothing(api: Api, cast: dict[str, str], body: object) -> None:
    before = api.balance(cast["t1"])
    body = {**body, "to": cast["t1"]} if isinstance(body, dict) and "to" in body else body
    problem(api.post("/v1/cash/mint", cast["bank"], body), 422, "VALIDATION_ERROR")
    assert api.balance(cast["t1"]) == before


def test_unknown_route_and_method(api: Api, cast: dict[str, str]) -> None:
    problem(api.get("/v1/nothing-here", cast["t1"]), 404, "NOT_FOUND")
    problem(api.call("DELETE", "/v1/bills", cast["t1"]), 405, "METHOD_NOT_ALLOWED")
    problem(api.get("/v1/bills/not-a-number", cast["t1"]), 422, "VALIDATION_ERROR")


def test_order_401_then_422_then_404(api: Api, cast: dict[str, str]) -> None:
    bad_body = {"to": cast["t2"], "amount": 5}
    problem(api.call("POST", "/v1/bills/999/endorse", None, json=bad_body), 401, "UNAUTHENTICATED")
    problem(api.post("/v1/bills/999/endorse", cast["t1"], bad_body), 422, "VALIDATION_ERROR")
    problem(api.post("/v1/bills/999/endorse", cast["t1"], {"to": cast["t2"]}), 404, "NOT_FOUND")


def test_order_404_then_403_forbidden_then_not_party(api: Api, cast: dict[str, str]) -> None:
    bill = api.circulating(cast["core"], cast["bank"], cast["t1"])
    stranger = api.onboard("ENTERPRISE", "stranger")
    problem(api.post(f"/v1/bills/{bill}/endorse", stranger, {"to": cast["t2"]}), 404, "NOT_FOUND")  # cannot see it
    problem(api.post(f"/v1/bills/{bill}/endorse", cast["reg"], {"to": cast["t2"]}), 403, "FORBIDDEN")  # sees, may not
    problem(
        api.post(f"/v1/bills/{bill}/endorse", cast["bank"], {"to": cast["t2"]}), 403, "FORBIDDEN"
    )  # banks do not endorse
    problem(
        api.post(f"/v1/bills/{bill}/endorse", cast["core"], {"to": cast["t2"]}), 403, "NOT_PARTY"
    )  # sees, holds nothing


def test_order_not_party_then_422_then_409(api: Api, cast: dict[str, str]) -> None:
    bill = api.circulating(cast["core"], cast["bank"], cast["t1"], amount="10.00")
    # NOT_PARTY before a semantic 422 (too large an amount)
    problem(
        api.post(f"/v1/bills/{bill}/endorse", cast["core"], {"to": cast["t2"], "amount": "99.00"}), 403, "NOT_PARTY"
    )
    # 422 INVALID_COUNTERPARTY before a 409 (the bill is frozen)
    api.ok(api.post(f"/v1/bills/{bill}/freeze", cast["reg"]))
    problem(api.post(f"/v1/bills/{bill}/endorse", cast["t1"], {"to": cast["reg"]}), 422, "INVALID_COUNTERPARTY")
    problem(
        api.post(f"/v1/bills/{bill}/endorse", cast["t1"], {"to": cast["t2"], "amount": "11.00"}),
        422,
        "VALIDATION_ERROR",
    )
    problem(api.post(f"/v1/bills/{bill}/endorse", cast["t1"], {"to": cast["t2"]}), 409, "FROZEN")


def test_a_failed_write_changes_nothing(api: Api, cast: dict[str, str]) -> None:
    bill = api.circulating(cast["core"], cast["bank"], cast["t1"], amount="10.00")
    before, history = api.bill(bill), api.get(f"/v1/bills/{bill}/history").json()
    for who, body in (
        (cast["t2"], {"to": cast["t3"]}),
        (cast["t1"], {"to": cast["t1"]}),
        (cast["t1"], {"to": cast["t2"], "amount": "0.00"}),
    ):
        assert api.post(f"/v1/bills/{bill}/endorse", who, body).status_code in (403, 404, 422)
    assert api.bill(bill) == before
    assert api.get(f"/v1/bills/{bill}/history").json() == history


def test_bodiless_operations_take_no_body_or_an_empty_one(api: Api, cast: dict[str, str]) -> None:
    bill = api.issue(cast["core"], cast["bank"], cast["t1"], days=1)
    assert api.client.post(f"/v1/bills/{bill}/accept", headers=api.headers(cast["bank"])).status_code == 200
    assert api.ok(api.post(f"/v1/bills/{bill}/receive", cast["t1"], {}))["bill"]["status"] == "CIRCULATING"
    api.advance(1)
    presented = api.client.post(f"/v1/bills/{bill}/present", headers=api.headers(cast["t1"]))
    assert presented.status_code == 200 and presented.json()["bill"]["ranges"][0]["state"] == "PRESENTED"
    problem(api.post(f"/v1/bills/{bill}/pay", cast["bank"], {"range_start": "1"}), 422, "VALIDATION_ERROR")


@pytest.mark.parametrize("cursor", ["²", "1" * 40, "abc", "-1", "1.5", "0x10"])
@pytest.mark.parametrize("path", ["/v1/bills", "/v1/participants", "/v1/transfers", "/v1/bills/1/history"])
def test_a_bad_cursor_is_422_not_a_server_error(api: Api, path: str, cursor: str) -> None:
    problem(api.get(path, params={"cursor": cursor}), 422, "VALIDATION_ERROR")


def test_every_problem_code_of_the_spec_has_the_spec_s_status() -> None:
    """From API.md's text: a code it adds, or a status it changes, fails here until the gateway follows."""
    from chain.problem_codes import ProblemCode
    from tests.spec import problem_codes, statuses

    assert problem_codes() <= set(ProblemCode)
    assert {code: ProblemCode[code].status for code in statuses()} == statuses()


def test_every_signing_problem_code_has_its_documented_status() -> None:
    """docs/SIGNING.md's table and the gateway agree, code for code and status for status."""
    from chain.problem_codes import ProblemCode
    from tests.spec import signing_codes

    assert set(signing_codes()) == {"SIGNATURE_REQUIRED", "BAD_SIGNATURE", "SIGNATURE_EXPIRED", "NONCE_USED"}
    assert {code: ProblemCode[code].status for code in signing_codes()} == signing_codes()
