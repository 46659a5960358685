"""Who may do what: every endpoint x every caller, generated from one table written from API.md.

The world: bill X drawn by D (an enterprise), accepted by bank A, received by H, who
holds it; transfer T, an endorsement from H to D, pending. B (a bank) and S (an
enterprise) are strangers to both; R is a regulator, O the operator; "-" sends no
token. Each cell says what the caller gets:

- "ok": past every check of who (not 401, 403 or 404); its answer may still be a
  state or semantic error: where the call would change something shared, its body
  names no range (422 VALIDATION_ERROR, after the checks of who);
- a problem code: exactly that, and nothing sent to the chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.api.conftest import Api, problem

CALLERS = ("O", "R", "A", "B", "D", "H", "S", "-")
NO_RANGE = 999_999_999
ok, FORBIDDEN, NOT_PARTY, NOT_FOUND = "ok", "FORBIDDEN", "NOT_PARTY", "NOT_FOUND"


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # {X}: the bill, {T}: the transfer, {H}: H's id, {P}: a throwaway participant, {doc}
    body: dict[str, Any] | None  # "{S}" and the like: ids of the world, filled in per cell
    #: the answer per caller in CALLERS order, but for "-" (always UNAUTHENTICATED)
    row: tuple[str, str, str, str, str, str, str]


def _same(*codes: str) -> tuple[str, str, str, str, str, str, str]:
    assert len(codes) == 7
    return codes  # type: ignore[return-value]


EMPTY: dict[str, Any] = {}
NO_RANGE_BODY = {"range_start": NO_RANGE}
DISCOUNT = {"bank": "{B}", "annual_rate": "0.03", "range_start": NO_RANGE}
ISSUE = {"kind": "BANK_ACCEPTANCE", "acceptor": "{A}", "payee": "{H}", "amount": "0", "maturity_date": "{maturity}"}
# fmt: off
#                                  O          R          A          B          D          H          S
BILL_PARTY_BANK   = _same(FORBIDDEN, FORBIDDEN, ok,        NOT_FOUND, NOT_PARTY, NOT_PARTY, NOT_FOUND)
BILL_REJECT       = _same(FORBIDDEN, FORBIDDEN, ok,        NOT_FOUND, NOT_PARTY, ok,        NOT_FOUND)  # or payee
BILL_DRAWER       = _same(FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, ok,        NOT_PARTY, NOT_FOUND)
HOLDER_ENTERPRISE = _same(FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_PARTY, ok,        NOT_FOUND)
HOLDER_ANY        = _same(FORBIDDEN, FORBIDDEN, NOT_PARTY, NOT_FOUND, NOT_PARTY, ok,        NOT_FOUND)
PLEDGEE_BANK      = _same(FORBIDDEN, FORBIDDEN, NOT_PARTY, NOT_FOUND, FORBIDDEN, FORBIDDEN, NOT_FOUND)
REGULATOR_VISIBLE = _same(FORBIDDEN, ok,        FORBIDDEN, NOT_FOUND, FORBIDDEN, FORBIDDEN, NOT_FOUND)
VISIBLE           = _same(ok,        ok,        ok,        NOT_FOUND, ok,        ok,        NOT_FOUND)
ANYONE            = _same(ok,        ok,        ok,        ok,        ok,        ok,        ok)
OPERATOR_ONLY     = _same(ok,        FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)
SUPERVISORS       = _same(ok,        ok,        FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)
BANKS             = _same(FORBIDDEN, FORBIDDEN, ok,        ok,        FORBIDDEN, FORBIDDEN, FORBIDDEN)
HOLDER_ROLES      = _same(FORBIDDEN, FORBIDDEN, ok,        ok,        ok,        ok,        ok)
ENTERPRISES       = _same(FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ok,        ok,        ok)
BALANCE_READERS   = _same(ok,        ok,        ok,        ok,        FORBIDDEN, ok,        FORBIDDEN)  # H's balance
TRANSFER_PARTIES  = _same(ok,        ok,        NOT_FOUND, NOT_FOUND, ok,        ok,        NOT_FOUND)
TRANSFER_TO       = _same(FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND, ok,        NOT_PARTY, NOT_FOUND)
TRANSFER_FROM     = _same(FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_PARTY, ok,        NOT_FOUND)
DOCUMENT_READERS  = _same(NOT_FOUND, ok,        NOT_FOUND, NOT_FOUND, NOT_FOUND, ok,        NOT_FOUND)  # H uploaded it

TABLE = [
    Endpoint("POST", "/v1/participants",             {"name": "n", "role": "ENTERPRISE"}, OPERATOR_ONLY),
    Endpoint("GET",  "/v1/participants",             None, ANYONE),
    Endpoint("GET",  "/v1/participants/{H}",         None, ANYONE),
    Endpoint("GET",  "/v1/me",                       None, ANYONE),
    Endpoint("POST", "/v1/participants/{P}/freeze",  EMPTY, SUPERVISORS),
    Endpoint("POST", "/v1/participants/{P}/unfreeze", EMPTY, SUPERVISORS),
    Endpoint("POST", "/v1/cash/mint",                {"to": "{H}", "amount": "1.00"}, BANKS),
    Endpoint("POST", "/v1/cash/transfer",            {"to": "{S}", "amount": "0.01"}, HOLDER_ROLES),
    Endpoint("GET",  "/v1/cash/balances/{H}",        None, BALANCE_READERS),
    Endpoint("POST", "/v1/bills",                    ISSUE, ENTERPRISES),
    Endpoint("GET",  "/v1/bills",                    None, ANYONE),
    Endpoint("GET",  "/v1/bills/{X}",                None, VISIBLE),
    Endpoint("GET",  "/v1/bills/{X}/history",        None, VISIBLE),
    Endpoint("POST", "/v1/bills/{X}/accept",         EMPTY, BILL_PARTY_BANK),
    Endpoint("POST", "/v1/bills/{X}/reject",         EMPTY, BILL_REJECT),
    Endpoint("POST", "/v1/bills/{X}/receive",        EMPTY, HOLDER_ENTERPRISE),
    Endpoint("POST", "/v1/bills/{X}/cancel",         EMPTY, BILL_DRAWER),
    Endpoint("POST", "/v1/bills/{X}/endorse",        {"to": "{S}", "range_start": NO_RANGE}, HOLDER_ENTERPRISE),
    Endpoint("POST", "/v1/bills/{X}/discount",       DISCOUNT, HOLDER_ANY),
    Endpoint("POST", "/v1/bills/{X}/pledge",         {"bank": "{B}", "range_start": NO_RANGE}, HOLDER_ENTERPRISE),
    Endpoint("POST", "/v1/bills/{X}/release",        NO_RANGE_BODY, PLEDGEE_BANK),
    Endpoint("POST", "/v1/bills/{X}/present",        NO_RANGE_BODY, HOLDER_ANY),
    Endpoint("POST", "/v1/bills/{X}/pay",            NO_RANGE_BODY, BILL_PARTY_BANK),
    Endpoint("POST", "/v1/bills/{X}/dishonor",       {"reason": "r", "range_start": NO_RANGE}, BILL_PARTY_BANK),
    Endpoint("POST", "/v1/bills/{X}/recourse",       {"against": "{D}", "range_start": NO_RANGE}, HOLDER_ANY),
    Endpoint("POST", "/v1/bills/{X}/freeze",         NO_RANGE_BODY, REGULATOR_VISIBLE),
    Endpoint("POST", "/v1/bills/{X}/unfreeze",       NO_RANGE_BODY, REGULATOR_VISIBLE),
    Endpoint("GET",  "/v1/transfers",                None, ANYONE),
    Endpoint("GET",  "/v1/transfers/{T}",            None, TRANSFER_PARTIES),
    Endpoint("POST", "/v1/transfers/{T}/sign",       EMPTY, TRANSFER_TO),
    Endpoint("POST", "/v1/transfers/{T}/reject",     EMPTY, TRANSFER_TO),
    Endpoint("POST", "/v1/transfers/{T}/revoke",     EMPTY, TRANSFER_FROM),
    Endpoint("GET",  "/v1/documents/{doc}",          None, DOCUMENT_READERS),
    Endpoint("GET",  "/v1/admin/chain",              None, OPERATOR_ONLY),
    Endpoint("POST", "/v1/admin/chain/advance",      {"seconds": 1}, OPERATOR_ONLY),
]
# fmt: on
#: cells whose "ok" changes the world other cells read: each gets a fresh one
MUTATING = {("/v1/transfers/{T}/sign", "D"), ("/v1/transfers/{T}/reject", "D"), ("/v1/transfers/{T}/revoke", "H")}


@pytest.fixture(scope="module")
def world(api: Api) -> dict[str, str]:
    w = {
        "O": "operator",
        "R": api.onboard("REGULATOR", "reg"),
        "A": api.onboard("BANK", "bank"),
        "B": api.onboard("BANK", "bank"),
        "D": api.onboard("ENTERPRISE", "drawer"),
        "H": api.onboard("ENTERPRISE", "holder"),
        "S": api.onboard("ENTERPRISE", "stranger"),
        "P": api.onboard("ENTERPRISE", "target"),
    }
    w["X"] = str(api.circulating(w["D"], w["A"], w["H"], amount="1000.00", days=90))
    w["T"] = _endorse(api, w)
    w["maturity"] = api.maturity(90)
    w["doc"] = api.ok(api.client.post("/v1/documents", content=b"contract", headers=api.headers(w["H"])), 201)["hash"]
    return w


def _endorse(api: Api, w: dict[str, str]) -> str:
    body = {"to": w["D"], "amount": "1.00", "range_start": 1}
    held = [r for r in api.bill(int(w["X"]))["ranges"] if r["holder"] == w["H"] and r["state"] == "HELD"]
    body["range_start"] = held[0]["start"]
    return str(api.ok(api.post(f"/v1/bills/{w['X']}/endorse", w["H"], body), 201)["transfer"]["id"])


def _fill(value: Any, world: dict[str, str]) -> Any:
    return value.format(**world) if isinstance(value, str) else value


CELLS = [(e, c) for e in TABLE for c in CALLERS]


@pytest.mark.parametrize(("endpoint", "caller"), CELLS, ids=[f"{e.method} {e.path} as {c}" for e, c in CELLS])
def test_who_may_do_what(api: Api, world: dict[str, str], endpoint: Endpoint, caller: str) -> None:
    w = dict(world)
    if (endpoint.path, caller) in MUTATING:
        w["T"] = _endorse(api, w)
    path = endpoint.path.format(**w)
    who = None if caller == "-" else w[caller]
    expected = "UNAUTHENTICATED" if caller == "-" else endpoint.row[CALLERS.index(caller)]
    block = api.runtime.backend.block_number()
    body = (
        None
        if endpoint.body is None
        else {k: v.format(**w) if isinstance(v, str) else v for k, v in endpoint.body.items()}
    )
    response = api.call(endpoint.method, path, who, json=body)
    assert response.status_code < 500, response.text
    if expected == ok:
        assert response.status_code not in (401, 403, 404), response.text
        return
    status = {"UNAUTHENTICATED": 401, FORBIDDEN: 403, NOT_PARTY: 403, NOT_FOUND: 404}[expected]
    problem(response, status, expected)
    assert api.runtime.backend.block_number() == block  # refused: nothing sent
