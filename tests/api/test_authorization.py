"""Who may do what: every endpoint of API.md x every kind of caller, from one table.

The table's endpoints are API.md's own (a test compares them with the spec's endpoint table, so an
endpoint added there fails here until it is built and given its row). The world: bill X drawn by D
(an enterprise), accepted by bank A, received by H, who holds it; transfer T, an endorsement from H
to D, pending, with an invoice H uploaded (tdoc); bill Y, held by H and pledged to bank B. B and S
(an enterprise) are strangers to X; F is an enterprise a regulator froze; R is a regulator, O the
operator; "-" sends no token. Each cell says what the caller gets:

- "ok": past every check of who (not 401, 403 or 404); its answer may still be a state or semantic
  error: where the call would change something shared, its body names no range (422 VALIDATION_ERROR,
  after the checks of who);
- a problem code: exactly that, and nothing sent to the chain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from tests.api.conftest import Api, problem
from tests.spec import endpoints

CALLERS = ("O", "R", "A", "B", "D", "H", "S", "F", "-")
NO_RANGE = 999_999_999
ok, FORBIDDEN, NOT_PARTY, NOT_FOUND, INVALID = "ok", "FORBIDDEN", "NOT_PARTY", "NOT_FOUND", "VALIDATION_ERROR"
STATUS = {"UNAUTHENTICATED": 401, FORBIDDEN: 403, NOT_PARTY: 403, NOT_FOUND: 404, INVALID: 422}


@dataclass(frozen=True)
class Endpoint:
    method: str
    #: {X}, {Y}: bills; {T}: the transfer; {H}: H's id; {P}: a fresh participant; {PO}/{PR}: one the
    #: operator / a regulator froze; {PP}: a fresh PENDING regulator; {BANK}: a fresh bank; {doc}: H's document;
    #: {tdoc}: T's invoice
    path: str
    body: dict[str, Any] | None  # "{S}" and the like: ids of the world, filled in per cell
    #: the answer per caller in CALLERS order, but for "-" (always UNAUTHENTICATED)
    row: tuple[str, str, str, str, str, str, str, str]


def _same(*codes: str) -> tuple[str, str, str, str, str, str, str, str]:
    assert len(codes) == 8
    return codes  # type: ignore[return-value]


EMPTY: dict[str, Any] = {}
NO_RANGE_BODY = {"range_start": NO_RANGE}
DISCOUNT = {"bank": "{B}", "annual_rate": "0.03", "range_start": NO_RANGE}
ISSUE = {"kind": "BANK_ACCEPTANCE", "acceptor": "{A}", "payee": "{H}", "amount": "0", "maturity_date": "{maturity}"}
ANCHOR_ANOTHERS = {"to": "{S}", "amount": "1.00", "document_hash": "{sdoc}"}
SEIZE = {"range_start": NO_RANGE, "to": "{S}", "order_hash": "0x" + "00" * 32}
#: a key H's recovery would move it to (H is hosted: the operator's request is refused, 422, changing nothing)
NEW_KEY = "0x" + "11" * 20
# fmt: off
#                                  O          R          A          B          D          H          S          F
BILL_PARTY_BANK   = _same(FORBIDDEN, FORBIDDEN, ok,        NOT_FOUND, NOT_PARTY, NOT_PARTY, NOT_FOUND, NOT_FOUND)
BILL_REJECT       = _same(FORBIDDEN, FORBIDDEN, ok,        NOT_FOUND, NOT_PARTY, ok,        NOT_FOUND, NOT_FOUND)
BILL_DRAWER       = _same(FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, ok,        NOT_PARTY, NOT_FOUND, NOT_FOUND)
HOLDER_ENTERPRISE = _same(FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_PARTY, ok,        NOT_FOUND, NOT_FOUND)
HOLDER_ANY        = _same(FORBIDDEN, FORBIDDEN, NOT_PARTY, NOT_FOUND, NOT_PARTY, ok,        NOT_FOUND, NOT_FOUND)
PLEDGEE_BANK      = _same(FORBIDDEN, FORBIDDEN, NOT_PARTY, NOT_FOUND, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND)
PLEDGED_RELEASE   = _same(FORBIDDEN, FORBIDDEN, NOT_PARTY, ok,        FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND)  # Y
PLEDGED_PRESENT   = _same(FORBIDDEN, FORBIDDEN, NOT_PARTY, ok,        NOT_PARTY, ok,        NOT_FOUND, NOT_FOUND)  # Y
PLEDGED_RECOURSE  = _same(FORBIDDEN, FORBIDDEN, NOT_PARTY, ok,        NOT_PARTY, NOT_PARTY, NOT_FOUND, NOT_FOUND)  # Y
REGULATOR_VISIBLE = _same(FORBIDDEN, ok,        FORBIDDEN, NOT_FOUND, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND)
VISIBLE           = _same(ok,        ok,        ok,        NOT_FOUND, ok,        ok,        NOT_FOUND, NOT_FOUND)
ANYONE            = _same(ok,        ok,        ok,        ok,        ok,        ok,        ok,        ok)
OPERATOR_ONLY     = _same(ok,        FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)
SUPERVISORS       = _same(ok,        ok,        FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)
REGULATORS_UNDO   = _same(FORBIDDEN, ok,        FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)
REGULATOR_ONLY    = _same(FORBIDDEN, ok,        FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)
# LIMIT_READERS: who reads a bank's mint limit (the operator, regulators and that bank: {BANK})
LIMIT_READERS     = _same(ok,        ok,        FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)
# TOKEN_READERS: who reads H's token events (the operator, regulators and H itself)
TOKEN_READERS     = _same(ok,        ok,        FORBIDDEN, FORBIDDEN, FORBIDDEN, ok,        FORBIDDEN, FORBIDDEN)
PARTICIPANTS      = _same(FORBIDDEN, ok,        ok,        ok,        ok,        ok,        ok,        ok)
BANKS             = _same(FORBIDDEN, FORBIDDEN, ok,        ok,        FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)
HOLDER_ROLES      = _same(FORBIDDEN, FORBIDDEN, ok,        ok,        ok,        ok,        ok,        ok)
ENTERPRISES       = _same(FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ok,        ok,        ok,        ok)
BALANCE_READERS   = _same(ok,        ok,        ok,        ok,        FORBIDDEN, ok,        FORBIDDEN, FORBIDDEN)  # H's
TRANSFER_PARTIES  = _same(ok,        ok,        NOT_FOUND, NOT_FOUND, ok,        ok,        NOT_FOUND, NOT_FOUND)
TRANSFER_TO       = _same(FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND, ok,        NOT_PARTY, NOT_FOUND, NOT_FOUND)
# (a REGULATOR revokes its own seizures: of another's transfer it is not the party)
TRANSFER_FROM     = _same(FORBIDDEN, NOT_PARTY, NOT_FOUND, NOT_FOUND, NOT_PARTY, ok,        NOT_FOUND, NOT_FOUND)
# DOCUMENT_READERS: a document H uploaded
DOCUMENT_READERS  = _same(NOT_FOUND, ok,        NOT_FOUND, NOT_FOUND, NOT_FOUND, ok,        NOT_FOUND, NOT_FOUND)
# TDOC_READERS: a transfer's document, read by that transfer's parties (T)
TDOC_READERS      = _same(NOT_FOUND, ok,        NOT_FOUND, NOT_FOUND, ok,        ok,        NOT_FOUND, NOT_FOUND)
ANCHOR_NOT_HELD   = _same(FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_PARTY, INVALID,   NOT_FOUND, NOT_FOUND)
# UPLOADERS: who trades, and a REGULATOR (the court orders it executes)
UPLOADERS         = _same(FORBIDDEN, ok,        ok,        ok,        ok,        ok,        ok,        ok)
# H_ITSELF: H's own act with its current key (its key recovery's cancel)
H_ITSELF          = _same(NOT_PARTY, NOT_PARTY, NOT_PARTY, NOT_PARTY, NOT_PARTY, ok,        NOT_PARTY, NOT_PARTY)

TABLE = [
    Endpoint("POST", "/v1/participants",                {"name": "n", "role": "ENTERPRISE"}, OPERATOR_ONLY),
    Endpoint("GET",  "/v1/participants",                None, ANYONE),
    Endpoint("GET",  "/v1/participants/{H}",            None, ANYONE),
    Endpoint("GET",  "/v1/me",                          None, ANYONE),
    Endpoint("POST", "/v1/participants/{P}/freeze",     EMPTY, SUPERVISORS),
    Endpoint("POST", "/v1/participants/{PO}/unfreeze",  EMPTY, SUPERVISORS),
    Endpoint("POST", "/v1/participants/{PR}/unfreeze",  EMPTY, REGULATORS_UNDO),
    Endpoint("POST", "/v1/participants/{BANK}/mint-limit", {"limit": "10.00"}, REGULATOR_ONLY),
    Endpoint("GET",  "/v1/participants/{BANK}/mint-limit", None, LIMIT_READERS),
    Endpoint("POST", "/v1/me/token",                    EMPTY, PARTICIPANTS),
    Endpoint("POST", "/v1/participants/{P}/token",      EMPTY, OPERATOR_ONLY),
    Endpoint("GET",  "/v1/participants/{H}/token-events", None, TOKEN_READERS),
    Endpoint("POST", "/v1/participants/{PP}/approve",   EMPTY, REGULATOR_ONLY),
    Endpoint("POST", "/v1/participants/{H}/recovery",   {"address": NEW_KEY}, OPERATOR_ONLY),
    Endpoint("POST", "/v1/participants/{H}/recovery/approve", EMPTY, REGULATOR_ONLY),
    Endpoint("POST", "/v1/participants/{H}/recovery/cancel",  EMPTY, H_ITSELF),
    Endpoint("POST", "/v1/cash/mint",                   {"to": "{H}", "amount": "1.00"}, BANKS),
    Endpoint("POST", "/v1/cash/transfer",               {"to": "{S}", "amount": "0.01"}, HOLDER_ROLES),
    Endpoint("GET",  "/v1/cash/balances/{H}",           None, BALANCE_READERS),
    Endpoint("POST", "/v1/bills",                       ISSUE, ENTERPRISES),
    Endpoint("GET",  "/v1/bills",                       None, ANYONE),
    Endpoint("GET",  "/v1/bills/{X}",                   None, VISIBLE),
    Endpoint("GET",  "/v1/bills/{X}/history",           None, VISIBLE),
    Endpoint("POST", "/v1/bills/{X}/accept",            EMPTY, BILL_PARTY_BANK),
    Endpoint("POST", "/v1/bills/{X}/reject",            EMPTY, BILL_REJECT),
    Endpoint("POST", "/v1/bills/{X}/receive",           EMPTY, HOLDER_ENTERPRISE),
    Endpoint("POST", "/v1/bills/{X}/cancel",            EMPTY, BILL_DRAWER),
    Endpoint("POST", "/v1/bills/{X}/endorse",           {"to": "{S}", "range_start": NO_RANGE}, HOLDER_ENTERPRISE),
    Endpoint("POST", "/v1/bills/{X}/endorse",           ANCHOR_ANOTHERS, ANCHOR_NOT_HELD),
    Endpoint("POST", "/v1/bills/{X}/discount",          DISCOUNT, HOLDER_ANY),
    Endpoint("POST", "/v1/bills/{X}/pledge",            {"bank": "{B}", "range_start": NO_RANGE}, HOLDER_ENTERPRISE),
    Endpoint("POST", "/v1/bills/{X}/release",           NO_RANGE_BODY, PLEDGEE_BANK),
    Endpoint("POST", "/v1/bills/{Y}/release",           NO_RANGE_BODY, PLEDGED_RELEASE),
    Endpoint("POST", "/v1/bills/{X}/present",           NO_RANGE_BODY, HOLDER_ANY),
    Endpoint("POST", "/v1/bills/{Y}/present",           NO_RANGE_BODY, PLEDGED_PRESENT),
    Endpoint("POST", "/v1/bills/{X}/pay",               NO_RANGE_BODY, BILL_PARTY_BANK),
    Endpoint("POST", "/v1/bills/{X}/dishonor",          {"reason": "r", "range_start": NO_RANGE}, BILL_PARTY_BANK),
    Endpoint("POST", "/v1/bills/{X}/recourse",          {"against": "{D}", "range_start": NO_RANGE}, HOLDER_ANY),
    Endpoint("POST", "/v1/bills/{Y}/recourse",          {"against": "{D}", "range_start": NO_RANGE}, PLEDGED_RECOURSE),
    Endpoint("POST", "/v1/bills/{X}/freeze",            NO_RANGE_BODY, REGULATOR_VISIBLE),
    Endpoint("POST", "/v1/bills/{X}/unfreeze",          NO_RANGE_BODY, REGULATOR_VISIBLE),
    Endpoint("POST", "/v1/bills/{X}/guarantee",         {"guarantor": "{B}", "range_start": NO_RANGE}, HOLDER_ANY),
    Endpoint("POST", "/v1/bills/{X}/seize",             SEIZE, REGULATOR_VISIBLE),
    Endpoint("GET",  "/v1/transfers",                   None, ANYONE),
    Endpoint("GET",  "/v1/transfers/{T}",               None, TRANSFER_PARTIES),
    Endpoint("POST", "/v1/transfers/{T}/sign",          EMPTY, TRANSFER_TO),
    Endpoint("POST", "/v1/transfers/{T}/reject",        EMPTY, TRANSFER_TO),
    Endpoint("POST", "/v1/transfers/{T}/revoke",        EMPTY, TRANSFER_FROM),
    Endpoint("POST", "/v1/documents",                   None, UPLOADERS),
    Endpoint("GET",  "/v1/documents/{doc}",             None, DOCUMENT_READERS),
    Endpoint("GET",  "/v1/documents/{tdoc}",            None, TDOC_READERS),
    Endpoint("GET",  "/v1/admin/chain",                 None, OPERATOR_ONLY),
    Endpoint("POST", "/v1/admin/chain/advance",         {"seconds": 1}, OPERATOR_ONLY),
]
# fmt: on
#: cells whose "ok" changes the world other cells read: each gets a fresh one
MUTATING = {("/v1/transfers/{T}/sign", "D"), ("/v1/transfers/{T}/reject", "D"), ("/v1/transfers/{T}/revoke", "H")}
#: endpoints API.md lists that need no caller at all
OPEN = {("GET", "/v1/health"), ("GET", "/metrics")}


def _spec_shape(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def test_the_table_is_api_md_s_endpoint_table() -> None:
    """A row added to API.md fails here until it has its row (and its route)."""
    spec = {(e.method, _spec_shape(e.path)) for e in endpoints()} - {(m, _spec_shape(p)) for m, p in OPEN}
    assert {(e.method, _spec_shape(e.path)) for e in TABLE} == spec


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
        "F": api.onboard("ENTERPRISE", "frozen"),
    }
    w["X"] = str(api.circulating(w["D"], w["A"], w["H"], amount="1000.00", days=90))
    w["Y"] = str(api.circulating(w["D"], w["A"], w["H"], amount="10.00", days=90))
    pledge = api.ok(api.post(f"/v1/bills/{w['Y']}/pledge", w["H"], {"bank": w["B"]}), 201)["transfer"]
    api.ok(api.post(f"/v1/transfers/{pledge['id']}/sign", w["B"]))
    w["doc"] = _upload(api, w["H"], b"contract")
    w["sdoc"] = _upload(api, w["S"], b"the stranger's own invoice " + w["S"].encode())
    w["tdoc"] = _upload(api, w["H"], b"the invoice of T " + w["H"].encode())
    w["T"] = _endorse(api, w, w["tdoc"])
    w["maturity"] = api.maturity(90)
    api.ok(api.post(f"/v1/participants/{w['F']}/freeze", w["R"]))
    return w


def _upload(api: Api, who: str, content: bytes) -> str:
    return str(api.ok(api.client.post("/v1/documents", content=content, headers=api.headers(who)), 201)["hash"])


def _endorse(api: Api, w: dict[str, str], document: str | None = None) -> str:
    held = [r for r in api.bill(int(w["X"]))["ranges"] if r["holder"] == w["H"] and r["state"] == "HELD"]
    body: dict[str, Any] = {"to": w["D"], "amount": "1.00", "range_start": held[0]["start"]}
    if document:
        body["document_hash"] = document
    return str(api.ok(api.post(f"/v1/bills/{w['X']}/endorse", w["H"], body), 201)["transfer"]["id"])


def _fresh(api: Api, w: dict[str, str], path: str) -> dict[str, str]:
    """Participants a cell acts on, made for it: a target, one the operator froze, one a regulator froze."""
    fresh = dict(w)
    if "{P}" in path:
        fresh["P"] = api.onboard("ENTERPRISE", "target")
    if "{PO}" in path:
        fresh["PO"] = api.onboard("ENTERPRISE", "target")
        api.ok(api.post(f"/v1/participants/{fresh['PO']}/freeze", "operator"))
    if "{PR}" in path:
        fresh["PR"] = api.onboard("ENTERPRISE", "target")
        api.ok(api.post(f"/v1/participants/{fresh['PR']}/freeze", w["R"]))
    if "{BANK}" in path:
        fresh["BANK"] = api.onboard("BANK", "limited", mint_limit=None)
    if "{PP}" in path:
        fresh["PP"] = api.onboard("REGULATOR", "pending", approve=False)
    return fresh


CELLS = [(e, c) for e in TABLE for c in CALLERS]


@pytest.mark.parametrize(
    ("endpoint", "caller"),
    CELLS,
    ids=[f"{e.method} {e.path}{' +doc' if e.body is ANCHOR_ANOTHERS else ''} as {c}" for e, c in CELLS],
)
def test_who_may_do_what(api: Api, world: dict[str, str], endpoint: Endpoint, caller: str) -> None:
    w = _fresh(api, world, endpoint.path)
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
    if endpoint.path == "/v1/documents":  # raw bytes, not JSON
        response = api.client.post(path, content=b"a document " + (who or "-").encode(), headers=api.headers(who))
    else:
        response = api.call(endpoint.method, path, who, json=body)
    assert response.status_code < 500, response.text
    if expected == ok:
        assert response.status_code not in (401, 403, 404), response.text
        if endpoint.path == "/v1/me/token":  # the caller's token changed: the old one stopped working
            api.tokens[who or ""] = response.json()["api_token"]
        return
    problem(response, STATUS[expected], expected)
    assert api.runtime.backend.block_number() == block  # refused: nothing sent


def test_lists_show_each_caller_what_it_may_see(api: Api, world: dict[str, str]) -> None:
    """Not only the status: a list holds what API.md's visibility rule lets the caller see, no more."""
    x, y, t = int(world["X"]), int(world["Y"]), int(world["T"])

    def bills(who: str) -> set[int]:
        return {b["id"] for b in api.ok(api.get("/v1/bills?limit=500", world[who]))["items"]}

    def transfers(who: str) -> set[int]:
        return {tr["id"] for tr in api.ok(api.get("/v1/transfers?limit=500", world[who]))["items"]}

    for who in ("O", "R"):  # see all
        assert {x, y} <= bills(who) and t in transfers(who)
    for who in ("A", "D", "H"):  # acceptor, drawer, holder
        assert {x, y} <= bills(who)
    assert y in bills("B") and x not in bills("B")  # the pledgee of Y, a stranger to X
    for who in ("S", "F"):  # strangers, frozen or not
        assert not bills(who) & {x, y} and t not in transfers(who)
    assert t in transfers("H") and t in transfers("D") and t not in transfers("A")
    shown = {p["id"] for p in api.ok(api.get("/v1/participants?limit=500", world["S"]))["items"]}
    assert {world[k] for k in ("R", "A", "B", "D", "H", "S", "F")} <= shown  # the directory is open to all
