"""Bundled writes (issue 28, gateway/ledger/bundler.py): hosted callers' writes ready at the same moment go to the
chain as one `executeBundle` transaction, and each is answered as it alone would be: the same answer, or its own
problem, while its bundle-mates succeed."""

from __future__ import annotations

import hashlib
import itertools
import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest

from chain.model import TRANSFER_OPERATIONS, Operation, transfer_path
from gateway.ledger.runtime import Runtime
from tests.api.conftest import Api, gateway_on, problem
from tests.api.test_outbox import _cut

# a bundle waits for company on every write: seconds each, so make test's, not the inner loop's
pytestmark = pytest.mark.slow

_orders = itertools.count(1)


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """A gateway whose hosted callers' writes go in bundles (a bundle waits 0.4 s for company)."""
    with gateway_on(tmp_path_factory.mktemp("bundled"), bundle_writes=True, bundle_wait=0.4) as (api, runtime):
        assert runtime.bundler is not None
        yield api


def _cast(api: Api) -> dict[str, str]:
    return {
        "bank": api.onboard("BANK", "bank"),
        "bank2": api.onboard("BANK", "bank"),
        "core": api.onboard("ENTERPRISE", "core"),
        "t1": api.onboard("ENTERPRISE", "tier"),
        "t2": api.onboard("ENTERPRISE", "tier"),
        "t3": api.onboard("ENTERPRISE", "tier"),
        "reg": api.onboard("REGULATOR", "reg"),
    }


@pytest.fixture
def people(bundled: Api) -> dict[str, str]:
    return _cast(bundled)


@contextmanager
def unbundled(runtime: Runtime) -> Iterator[None]:
    """The same gateway with each write its own transaction, as with BILLCHAIN_BUNDLE_WRITES off (the runtime is
    frozen for the product; a test swaps its bundler out and back)."""
    bundler = runtime.bundler
    object.__setattr__(runtime, "bundler", None)
    try:
        yield
    finally:
        object.__setattr__(runtime, "bundler", bundler)


def _route(operation: Operation) -> str:
    """Where the API takes the operation (as tests/chain/test_operations.py derives it)."""
    if operation is Operation.ISSUE:
        return "/v1/bills"
    if operation is Operation.MINT:
        return "/v1/cash/mint"
    if operation is Operation.TRANSFER_CASH:
        return "/v1/cash/transfer"
    if operation in TRANSFER_OPERATIONS:
        return f"/v1/transfers/{{}}/{transfer_path(operation)}"
    return f"/v1/bills/{{}}/{operation.label}"


class Story:
    """Every operation a participant makes, once or more, each write's answer kept with its operation."""

    def __init__(self, api: Api, cast: dict[str, str]) -> None:
        self.api, self.cast = api, cast
        self.answers: list[tuple[Operation, int, Any]] = []

    def do(self, operation: Operation, who: str, on: int | None = None, body: Any = None, status: int = 200) -> Any:
        path = _route(operation).format(on)
        response = self.api.post(path, self.cast[who], body if body is not None else {})
        answer = self.api.ok(response, status)
        self.answers.append((operation, response.status_code, answer))
        return answer

    def issue(self, acceptor: str = "bank", payee: str = "t1", amount: str = "100.00", days: int = 10) -> int:
        body = {
            "kind": "BANK_ACCEPTANCE",
            "acceptor": self.cast[acceptor],
            "payee": self.cast[payee],
            "amount": amount,
            "maturity_date": self.api.maturity(days),
        }
        return int(self.do(Operation.ISSUE, "core", body=body, status=201)["bill"]["id"])

    def circulating(self, amount: str = "100.00", days: int = 10) -> int:
        bill = self.issue(amount=amount, days=days)
        self.do(Operation.ACCEPT, "bank", bill)
        self.do(Operation.RECEIVE, "t1", bill)
        return bill

    def transfer(self, operation: Operation, who: str, bill: int, body: Any) -> int:
        return int(self.do(operation, who, bill, body, status=201)["transfer"]["id"])

    def run(self) -> list[tuple[Operation, int, Any]]:
        api, c, T = self.api, self.cast, Operation
        self.do(T.MINT, "bank", body={"to": c["bank"], "amount": "1000.00"})
        self.do(T.TRANSFER_CASH, "bank", body={"to": c["bank2"], "amount": "500.00"})
        self.do(T.REJECT, "bank", self.issue())
        self.do(T.CANCEL, "core", self.issue())
        bill = self.circulating()
        endorsed = self.transfer(T.ENDORSE, "t1", bill, {"to": c["t2"], "amount": "40.00"})
        self.do(T.SIGN, "t2", endorsed)
        refused = self.transfer(T.ENDORSE, "t1", bill, {"to": c["t3"], "amount": "10.00", "range_start": 4001})
        self.do(T.REJECT_TRANSFER, "t3", refused)
        revoked = self.transfer(T.ENDORSE, "t1", bill, {"to": c["t3"], "amount": "10.00", "range_start": 4001})
        self.do(T.REVOKE, "t1", revoked)
        discount = {"bank": c["bank2"], "annual_rate": "0.02", "range_start": 4001, "amount": "20.00"}
        discounted = self.transfer(T.DISCOUNT, "t1", bill, discount)
        self.do(T.SIGN, "bank2", discounted)
        pledged = self.transfer(T.PLEDGE, "t2", bill, {"bank": c["bank"], "range_start": 1})
        self.do(T.SIGN, "bank", pledged)
        self.do(T.RELEASE, "bank", bill, {"range_start": 1})
        self.do(T.FREEZE, "reg", bill, {"range_start": 1})
        self.do(T.UNFREEZE, "reg", bill, {"range_start": 1})
        guaranteed = self.transfer(T.GUARANTEE, "t2", bill, {"guarantor": c["bank2"], "range_start": 1})
        self.do(T.SIGN, "bank2", guaranteed)
        order = _order(api, c["reg"])
        self.do(T.FREEZE, "reg", bill, {"range_start": 1, "order_hash": order})
        self.transfer(T.SEIZE, "reg", bill, {"range_start": 1, "to": c["t3"], "order_hash": order})
        api.advance(10)
        self.do(T.PRESENT, "bank2", bill, {"range_start": 4001})
        self.do(T.PAY, "bank", bill, {"range_start": 4001})
        self.do(T.PRESENT, "t1", bill, {"range_start": 6001})
        self.do(T.DISHONOR, "bank", bill, {"reason": "no funds", "range_start": 6001})
        self.transfer(T.RECOURSE, "t1", bill, {"against": c["core"], "range_start": 6001})
        return self.answers


def _order(api: Api, regulator: str) -> str:
    text = f"(2026)沪0101执{next(_orders)}号 bundled"
    body = api.ok(api.client.post("/v1/documents", content=text.encode(), headers=api.headers(regulator)), 201)
    assert body["hash"] == "0x" + hashlib.sha256(text.encode()).hexdigest()
    return str(body["hash"])


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
#: what names one run's own bills, transfers, documents and times (a second run makes new ones)
_OWN = {"id", "bill_id", "transfer_id", "pending_transfer", "bill_no", "order_hash", "document_hash"}
_KIND = {"bill_id": "bill", "transfer_id": "transfer", "pending_transfer": "transfer", "bill_no": "bill_no"}
_KIND |= {"order_hash": "document", "document_hash": "document"}


def _comparable(answers: list[tuple[Operation, int, Any]], cast: dict[str, str]) -> list[Any]:
    """The answers without their transactions (hash, block, gas), times and dates, with each run's participants
    named by their part and its own ids by the order they first appear in."""
    names: dict[Any, str] = {}

    def walk(value: Any, key: str = "", parent: str = "") -> Any:
        if isinstance(value, dict):
            return {k: walk(v, k, key) for k, v in sorted(value.items()) if k != "tx"}
        if isinstance(value, list):
            return [walk(v, key, parent) for v in value]
        if key in _OWN and value is not None:
            kind = _KIND.get(key) or ("transfer" if parent in ("transfer", "transfers") else "bill")
            return names.setdefault((kind, value), f"{kind}#{sum(1 for k, _ in names if k == kind)}")
        if isinstance(value, str) and _DATE.match(value):
            return "<date>"
        return parts.get(value, value) if isinstance(value, str) else value

    parts = {pid: part for part, pid in cast.items()}

    return [(op.name, status, walk(answer)) for op, status, answer in answers]


def test_every_write_answers_the_same_bundled_or_not(bundled: Api) -> None:
    runtime = bundled.runtime
    assert runtime.bundler is not None
    with unbundled(runtime):
        cast_alone = _cast(bundled)
        alone = Story(bundled, cast_alone).run()
    cast_together = _cast(bundled)
    before = runtime.bundler.stats.items
    together = Story(bundled, cast_together).run()
    assert {op for op, _, _ in together} == set(Operation)  # every operation, from chain/model.py's one list
    bundled_answers, alone_answers = _comparable(together, cast_together), _comparable(alone, cast_alone)
    assert bundled_answers == alone_answers, _difference(bundled_answers, alone_answers)
    assert runtime.bundler.stats.items - before == len(together)  # each went in a bundle
    relay = runtime.system.relay.address
    for _, _, answer in together:
        sent = runtime.backend.w3.eth.get_transaction(answer["tx"]["hash"])
        assert (sent["to"], sent["input"][:4]) == (relay, _selector(runtime, "executeBundle"))
    for _, _, answer in alone:
        assert runtime.backend.w3.eth.get_transaction(answer["tx"]["hash"])["to"] != relay


def _difference(a: Any, b: Any, at: str = "") -> str:
    """Where two answers first differ, and how."""
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        return next((_difference(a[k], b[k], f"{at}.{k}") for k in a if a[k] != b[k]), "")
    if isinstance(a, list | tuple) and isinstance(b, list | tuple) and len(a) == len(b):
        return next((_difference(x, y, f"{at}[{i}]") for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y), "")
    return f"{at}: bundled {a!r}, alone {b!r}"


def _selector(runtime: Runtime, name: str) -> bytes:
    return bytes.fromhex(runtime.system.relay.contract.encode_abi(name, [[]])[2:10])


def _together(calls: list[Callable[[], Any]]) -> list[Any]:
    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def _holdings(api: Api, cast: dict[str, str], holders: list[str]) -> list[int]:
    return [api.circulating(cast["core"], cast["bank"], cast[h], "100.00") for h in holders]


def test_writes_of_different_callers_at_once_share_one_bundle(bundled: Api, people: dict[str, str]) -> None:
    api, c = bundled, people
    holders = ["t1", "t2", "t3"]
    bills = _holdings(api, c, holders)
    to = {"t1": "t2", "t2": "t3", "t3": "t1"}
    answers = _together(
        [
            (lambda h=h, b=b: api.post(f"/v1/bills/{b}/endorse", c[h], {"to": c[to[h]], "amount": "10.00"}))
            for h, b in zip(holders, bills, strict=True)
        ]
    )
    bodies = [api.ok(a, 201) for a in answers]
    assert len({b["tx"]["hash"] for b in bodies}) == 1  # one transaction
    assert [b["bill"]["id"] for b in bodies] == bills  # each answered with its own bill and transfer
    assert [b["transfer"]["from"] for b in bodies] == [c[h] for h in holders]
    assert len({b["transfer"]["id"] for b in bodies}) == 3
    # each caller sees its own operation in the bundle, and only its own
    for holder in holders:
        seen = api.ok(api.get(f"/v1/transactions/{bodies[0]['tx']['hash']}", c[holder]))
        assert [o["signer_participant"] for o in seen["operations"]] == [c[holder]], seen["operations"]
    whole = api.ok(api.get(f"/v1/transactions/{bodies[0]['tx']['hash']}", "operator"))
    assert whole["call"]["method"] == "executeBundle" and [o["method"] for o in whole["operations"]] == ["endorse"] * 3


def test_an_item_that_fails_gets_its_own_problem_and_its_bundle_mates_succeed(
    bundled: Api, people: dict[str, str]
) -> None:
    api, c = bundled, people
    bill, other = _holdings(api, c, ["t1", "t3"])
    transfer = api.ok(api.post(f"/v1/bills/{bill}/endorse", c["t1"], {"to": c["t2"]}), 201)["transfer"]["id"]
    # both pass the gateway's checks against the state before; on chain the first in the bundle wins
    sign, revoke, endorse = _together(
        [
            lambda: api.post(f"/v1/transfers/{transfer}/sign", c["t2"]),
            lambda: api.post(f"/v1/transfers/{transfer}/revoke", c["t1"]),
            lambda: api.post(f"/v1/bills/{other}/endorse", c["t3"], {"to": c["t1"]}),
        ]
    )
    won, lost = (sign, revoke) if sign.status_code == 200 else (revoke, sign)
    assert lost.status_code >= 400 and lost.headers["content-type"].startswith("application/problem+json")
    mates = [api.ok(won), api.ok(endorse, 201)]
    assert mates[0]["tx"]["hash"] == mates[1]["tx"]["hash"]  # one bundle: the loser's item failed inside it
    status = api.ok(api.get(f"/v1/transfers/{transfer}", c["t1"]))["status"]
    assert status == ("SIGNED" if won is sign else "REVOKED")
    # the loser's problem is the one it meets alone, now that the winner acted
    alone = api.post(
        *((f"/v1/transfers/{transfer}/revoke", c["t1"]) if won is sign else (f"/v1/transfers/{transfer}/sign", c["t2"]))
    )
    assert (alone.status_code, alone.json()["code"]) == (lost.status_code, lost.json()["code"])


@contextmanager
def waiting(runtime: Runtime, seconds: float) -> Iterator[None]:
    """The gateway's bundles wait `seconds` for company (a test's writes sent one after another share one)."""
    assert runtime.bundler is not None
    before, runtime.bundler.wait = runtime.bundler.wait, seconds
    try:
        yield
    finally:
        runtime.bundler.wait = before


def _in_turn(calls: list[Callable[[], Any]], gap: float) -> list[Any]:
    """The calls at once, each started `gap` seconds after the one before (so they reach the bundler in order)."""
    with ThreadPoolExecutor(len(calls)) as pool:
        futures = []
        for call in calls:
            futures.append(pool.submit(call))
            time.sleep(gap)
        return [f.result() for f in futures]


def test_a_signer_s_two_writes_at_once_share_one_bundle_under_consecutive_nonces(
    bundled: Api, people: dict[str, str]
) -> None:
    api, c = bundled, people
    bills = _holdings(api, c, ["t1", "t1"])
    runtime = api.runtime
    address = runtime.keystore.load(c["t1"]).address
    nonce = runtime.system.relay.nonce(address)
    with waiting(runtime, 2.0):  # both in its wait, on a busy machine too
        answers = _together([(lambda b=b: api.post(f"/v1/bills/{b}/endorse", c["t1"], {"to": c["t2"]})) for b in bills])
    bodies = [api.ok(a, 201) for a in answers]
    assert sorted(b["bill"]["id"] for b in bodies) == bills
    assert bodies[0]["tx"]["hash"] == bodies[1]["tx"]["hash"]  # one bundle, not one a block
    assert runtime.system.relay.nonce(address) == nonce + 2


def test_a_signer_s_items_after_its_failed_one_go_again_until_they_happen(bundled: Api, people: dict[str, str]) -> None:
    """t1 revokes one transfer three times, then endorses another bill, all in one bundle in that order: the first
    revoke happens and the second fails with its own problem; the third and the endorsement fail inside for their
    nonces (the failed revoke took none) and go again without that counting as their try; in the next bundle the
    third revoke fails with its own problem and the endorsement meets the same again; in the one after, it happens.
    Counted as tries, the endorsement would have been answered with a nonce error."""
    api, c, runtime = bundled, people, bundled.runtime
    bill, other = _holdings(api, c, ["t1", "t1"])
    transfer = api.ok(api.post(f"/v1/bills/{bill}/endorse", c["t1"], {"to": c["t2"]}), 201)["transfer"]["id"]
    address = runtime.keystore.load(c["t1"]).address
    nonce = runtime.system.relay.nonce(address)
    revoke = lambda: api.post(f"/v1/transfers/{transfer}/revoke", c["t1"])  # noqa: E731
    endorse = lambda: api.post(f"/v1/bills/{other}/endorse", c["t1"], {"to": c["t2"]})  # noqa: E731
    assert runtime.bundler is not None
    sent = len(runtime.bundler.stats.sizes)
    with waiting(runtime, 3.0):
        *revokes, endorsed = _in_turn([revoke, revoke, revoke, endorse], gap=0.3)
    assert runtime.bundler.stats.sizes[sent:] == [4, 2, 1]  # all four, then the two put back, then the one
    assert [r.status_code for r in revokes].count(200) == 1, [r.text for r in revokes]
    won = api.ok(next(r for r in revokes if r.status_code == 200))
    alone = revoke()
    for lost in (r for r in revokes if r.status_code != 200):
        assert (lost.status_code, lost.json()["code"]) == (alone.status_code, alone.json()["code"])
    body = api.ok(endorsed, 201)
    assert body["bill"]["id"] == other and body["tx"]["block_number"] > won["tx"]["block_number"]
    assert runtime.system.relay.nonce(address) == nonce + 2
    # the first bundle's rows of the two put back are ABANDONED: no recovery answers them from that bundle
    states = [row.state for row in runtime.outbox.items(won["tx"]["hash"])]
    assert states == ["DONE", "DONE", "ABANDONED", "ABANDONED"], states


def test_a_keyed_bundled_write_answers_once(bundled: Api, people: dict[str, str]) -> None:
    api, c = bundled, people
    (bill,) = _holdings(api, c, ["t1"])
    key = {"Idempotency-Key": "bundled-once"}
    first = api.post(f"/v1/bills/{bill}/endorse", c["t1"], {"to": c["t2"]}, headers=key)
    again = api.post(f"/v1/bills/{bill}/endorse", c["t1"], {"to": c["t2"]}, headers=key)
    assert api.ok(again, 201) == api.ok(first, 201) and again.headers["Idempotent-Replayed"] == "true"
    assert api.runtime.outbox.pending_items() == []


@pytest.mark.parametrize("after_node", [False, True], ids=["node-never-saw-it", "node-took-it"])
def test_a_bundle_cut_off_at_the_node_s_door_answers_each_keyed_write_once(
    bundled: Api, people: dict[str, str], after_node: bool
) -> None:
    """The bundle is written down, then its send fails (before the node saw it, or after it took it): each
    write is answered 503; each retry with its key settles the bundle (sent again, or found mined) and gets its
    own one result."""
    api, c, runtime = bundled, people, bundled.runtime
    holders = ["t1", "t2"]
    bills = _holdings(api, c, holders)
    addresses = [runtime.keystore.load(c[h]).address for h in holders]
    nonces = [runtime.system.relay.nonce(a) for a in addresses]
    keys = [{"Idempotency-Key": f"cut-bundle-{after_node}-{h}"} for h in holders]

    def endorse(i: int) -> Callable[[], Any]:
        path, body = f"/v1/bills/{bills[i]}/endorse", {"to": c["t3"]}
        return lambda: api.post(path, c[holders[i]], body, headers=keys[i])

    _cut(runtime, after_node)
    for cut in _together([endorse(0), endorse(1)]):
        problem(cut, 503, "CHAIN_UNAVAILABLE")
    open_items = runtime.outbox.pending_items()
    assert sorted(i.key for i in open_items) == sorted(k["Idempotency-Key"] for k in keys)
    assert len({i.tx_hash for i in open_items}) == 1  # one bundle

    answers = [api.ok(endorse(i)(), 201) for i in range(2)]
    assert [a["bill"]["id"] for a in answers] == bills and answers[0]["tx"] == answers[1]["tx"]
    again = [endorse(i)() for i in range(2)]
    assert [a.json() for a in again] == answers and all(a.headers["Idempotent-Replayed"] == "true" for a in again)
    assert [runtime.system.relay.nonce(a) for a in addresses] == [n + 1 for n in nonces]  # once each
    assert runtime.outbox.pending_items() == [] and runtime.outbox.pending() == []
