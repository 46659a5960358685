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

from collections.abc import Callable
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
    body: Callable[[dict[str, str]], Any] | None
    #: the answer per caller in CALLERS order, but for "-" (always UNAUTHENTICATED)
    row: tuple[str, str, str, str, str, str, str]


def _same(*codes: str) -> tuple[str, str, str, str, str, str, str]:
    assert len(codes) == 7
    return codes  # type: ignore[return-value]


EMPTY: Callable[[dict[str, str]], Any] = lambda w: {}  # noqa: E731
#                                       O          R          A          B          D          H          S
BILL_PARTY_BANK = _same(FORBIDDEN, FORBIDDEN, ok, NOT_FOUND, NOT_PARTY, NOT_PARTY, NOT_FOUND)
HOLDER_ENTERPRISE = _same(FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_PARTY, ok, NOT_FOUND)
HOLDER_ANY = _same(FORBIDDEN, FORBIDDEN, NOT_PARTY, NOT_FOUND, NOT_PARTY, ok, NOT_FOUND)
VISIBLE = _same(ok, ok, ok, NOT_FOUND, ok, ok, NOT_FOUND)
ANYONE = _same(ok, ok, ok, ok, ok, ok, ok)
OPERATOR_ONLY = _same(ok, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)
TRANSFER_TO = _same(FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND, ok, NOT_PARTY, NOT_FOUND)
TRANSFER_FROM = _same(FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_PARTY, ok, NOT_FOUND)

TABLE = [
    Endpoint("POST", "/v1/participants", lambda w: {"name": "n", "role": "ENTERPRISE"}, OPERATOR_ONLY),
    Endpoint("GET", "/v1/participants", None, ANYONE),
    Endpoint("GET", "/v1/participants/{H}", None, ANYONE),
    Endpoint("GET", "/v1/me", None, ANYONE),
    Endpoint("POST", "/v1/participants/{P}/freeze", EMPTY, _same(ok, ok, *[FORBIDDEN] * 5)),
    Endpoint("POST", "/v1/participants/{P}/unfreeze", EMPTY, _same(ok, ok, *[FORBIDDEN] * 5)),
    Endpoint(
        "POST",
        "/v1/cash/mint",
        lambda w: {"to": w["H"], "amount": "1.00"},
        _same(*[FORBIDDEN] * 2, ok, ok, *[FORBIDDEN] * 3),
    ),
    Endpoint(
        "POST",
        "/v1/cash/transfer",
        lambda w: {"to": w["S"], "amount": "0.01"},
        _same(FORBIDDEN, FORBIDDEN, ok, ok, ok, ok, ok),
    ),
    Endpoint("GET", "/v1/cash/balances/{H}", None, _same(ok, ok, ok, ok, FORBIDDEN, ok, FORBIDDEN)),
    Endpoint(
        "POST",
        "/v1/bills",
        lambda w: {
            "kind": "BANK_ACCEPTANCE",
            "acceptor": w["A"],
            "payee": w["H"],
            "amount": "0",
            "maturity_date": w["maturity"],
        },
        _same(FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ok, ok, ok),
    ),
    Endpoint("GET", "/v1/bills", None, ANYONE),
    Endpoint("GET", "/v1/bills/{X}", None, VISIBLE),
    Endpoint("GET", "/v1/bills/{X}/history", None, VISIBLE),
    Endpoint("POST", "/v1/bills/{X}/accept", EMPTY, BILL_PARTY_BANK),
    # reject: the acceptor when ISSUED, the payee when ACCEPTED (DOMAIN.md)
    Endpoint(
        "POST", "/v1/bills/{X}/reject", EMPTY, _same(FORBIDDEN, FORBIDDEN, ok, NOT_FOUND, NOT_PARTY, ok, NOT_FOUND)
    ),
    Endpoint("POST", "/v1/bills/{X}/receive", EMPTY, HOLDER_ENTERPRISE),
    Endpoint(
        "POST",
        "/v1/bills/{X}/cancel",
        EMPTY,
        _same(FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, ok, NOT_PARTY, NOT_FOUND),
    ),
    Endpoint("POST", "/v1/bills/{X}/endorse", lambda w: {"to": w["S"], "range_start": NO_RANGE}, HOLDER_ENTERPRISE),
    Endpoint(
        "POST",
        "/v1/bills/{X}/discount",
        lambda w: {"bank": w["B"], "annual_rate": "0.03", "range_start": NO_RANGE},
        HOLDER_ANY,
    ),
    Endpoint("POST", "/v1/bills/{X}/pledge", lambda w: {"bank": w["B"], "range_start": NO_RANGE}, HOLDER_ENTERPRISE),
    Endpoint(
        "POST",
        "/v1/bills/{X}/release",
        lambda w: {"range_start": NO_RANGE},
        _same(FORBIDDEN, FORBIDDEN, NOT_PARTY, NOT_FOUND, FORBIDDEN, FORBIDDEN, NOT_FOUND),
    ),
    Endpoint("POST", "/v1/bills/{X}/present", lambda w: {"range_start": NO_RANGE}, HOLDER_ANY),
    Endpoint("POST", "/v1/bills/{X}/pay", lambda w: {"range_start": NO_RANGE}, BILL_PARTY_BANK),
    Endpoint("POST", "/v1/bills/{X}/dishonor", lambda w: {"reason": "r", "range_start": NO_RANGE}, BILL_PARTY_BANK),
    Endpoint("POST", "/v1/bills/{X}/recourse", lambda w: {"against": w["D"], "range_start": NO_RANGE}, HOLDER_ANY),
    Endpoint(
        "POST",
        "/v1/bills/{X}/freeze",
        lambda w: {"range_start": NO_RANGE},
        _same(FORBIDDEN, ok, FORBIDDEN, NOT_FOUND, FORBIDDEN, FORBIDDEN, NOT_FOUND),
    ),
    Endpoint(
        "POST",
        "/v1/bills/{X}/unfreeze",
        lambda w: {"range_start": NO_RANGE},
        _same(FORBIDDEN, ok, FORBIDDEN, NOT_FOUND, FORBIDDEN, FORBIDDEN, NOT_FOUND),
    ),
    Endpoint("GET", "/v1/transfers", None, ANYONE),
    Endpoint("GET", "/v1/transfers/{T}", None, _same(ok, ok, NOT_FOUND, NOT_FOUND, ok, ok, NOT_FOUND)),
    Endpoint("POST", "/v1/transfers/{T}/sign", EMPTY, TRANSFER_TO),
    Endpoint("POST", "/v1/transfers/{T}/reject", EMPTY, TRANSFER_TO),
    Endpoint("POST", "/v1/transfers/{T}/revoke", EMPTY, TRANSFER_FROM),
    Endpoint("GET", "/v1/documents/{doc}", None, _same(NOT_FOUND, ok, NOT_FOUND, NOT_FOUND, NOT_FOUND, ok, NOT_FOUND)),
    Endpoint("GET", "/v1/admin/chain", None, OPERATOR_ONLY),
    Endpoint("POST", "/v1/admin/chain/advance", lambda w: {"seconds": 1}, OPERATOR_ONLY),
]
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
    body = endpoint.body(w) if endpoint.body is not None else None
    response = api.call(endpoint.method, path, who, json=body)
    assert response.status_code < 500, response.text
    if expected == ok:
        assert response.status_code not in (401, 403, 404), response.text
        return
    status = {"UNAUTHENTICATED": 401, FORBIDDEN: 403, NOT_PARTY: 403, NOT_FOUND: 404}[expected]
    problem(response, status, expected)
    assert api.runtime.backend.block_number() == block  # refused: nothing sent
