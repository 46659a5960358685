"""A gateway on a fresh embedded chain per test module, driven through HTTP."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from fastapi.testclient import TestClient

from billchain_client import submit_headers
from chain.relay import sign_typed
from gateway.compose import build_app, open_runtime
from gateway.core.settings import Settings
from gateway.ledger.runtime import Runtime
from tests.postgres import cluster, new_database

OPERATOR_TOKEN = "bc_test-operator-token-5d9e2a7c4f1b8036"
#: scrypt's cost for the keys the suite's gateways make: their passphrase is generated (256 bits), so stretching
#: buys nothing, and at the product's 2**15 it was half of every onboarding's time. The product's own costs are
#: checked on keystores of their own (tests/security/test_smaller_points.py).
SUITE_SCRYPT_N = 2**10
_ids = itertools.count(1)


#: what a test's bank may mint, set by a regulator at onboarding (DOMAIN.md: 0 until a REGULATOR sets one)
TEST_MINT_LIMIT = "1000000000000.00"


class Api:
    """An HTTP client with named participants; ids are unique so tests never collide."""

    def __init__(self, client: TestClient, runtime: Runtime) -> None:
        self.client = client
        self.runtime = runtime
        self.tokens: dict[str, str] = {"operator": OPERATOR_TOKEN}
        self._limits_by: str | None = None  # the regulator that sets test banks' mint limits
        self.approver: str | None = None  # the first ACTIVE regulator: it approves the later ones
        self.keys: dict[str, LocalAccount] = {}  # self-custody participants' own keys (never the gateway's)

    def headers(self, who: str | None, **extra: str) -> dict[str, str]:
        return {**({"Authorization": f"Bearer {self.tokens[who]}"} if who else {}), **extra}

    def call(self, method: str, path: str, who: str | None = "operator", json: Any = None, **kw: Any) -> Any:
        headers = self.headers(who, **kw.pop("headers", {}))
        return self.client.request(method, path, json=json, headers=headers, **kw)

    def post(self, path: str, who: str | None, json: Any = None, **kw: Any) -> Any:
        return self.call("POST", path, who, json if json is not None else {}, **kw)

    def get(self, path: str, who: str | None = "operator", **kw: Any) -> Any:
        return self.call("GET", path, who, **kw)

    def ok(self, response: Any, status: int = 200) -> Any:
        assert response.status_code == status, response.text
        return response.json()

    def onboard(
        self,
        role: str,
        prefix: str = "p",
        mint_limit: str | None = TEST_MINT_LIMIT,
        self_custody: bool = False,
        approve: bool = True,
    ) -> str:
        """A new participant; a BANK gets `mint_limit` from a regulator (None: none, as the chain starts).
        In self-custody its key is made here and only its address is given to the gateway. A REGULATOR
        admitted where one is ACTIVE is approved by the first (unless `approve` is false: it stays PENDING)."""
        participant_id = f"{prefix}-t{next(_ids)}"
        request = {"id": participant_id, "name": prefix, "role": role}
        if self_custody:
            self.keys[participant_id] = Account.create()
            request["address"] = self.keys[participant_id].address
        body = self.ok(self.post("/v1/participants", "operator", request), 201)
        self.tokens[participant_id] = body["api_token"]
        if role == "REGULATOR":  # the first is ACTIVE at once; a later one PENDING until approved (DOMAIN.md)
            if body["status"] == "PENDING" and approve:
                assert self.approver is not None, "a PENDING regulator with no ACTIVE one here to approve it"
                self.ok(self.write(f"/v1/participants/{participant_id}/approve", self.approver))
            elif body["status"] == "ACTIVE" and self.approver is None:
                self.approver = participant_id
        if role == "BANK" and mint_limit is not None:
            self.set_mint_limit(participant_id, mint_limit)
        return participant_id

    def prepare(self, path: str, who: str, json: Any = None) -> dict[str, Any]:
        return dict(self.ok(self.post(path + "/prepare", who, json)))

    def signed(self, path: str, who: str, json: Any = None, key: LocalAccount | None = None, **kw: Any) -> Any:
        """A self-custody write: prepared, signed with the participant's own key (or `key`), sent."""
        prepared = self.prepare(path, who, json)
        headers = submit_headers(prepared, sign_typed(key or self.keys[who], prepared["typed_data"]))
        return self.post(prepared["submit"]["path"], who, json, headers={**headers, **kw.pop("headers", {})}, **kw)

    def write(self, path: str, who: str, json: Any = None, **kw: Any) -> Any:
        """A write as `who` makes it: signed by itself in self-custody, else sent for the gateway to sign."""
        return self.signed(path, who, json, **kw) if who in self.keys else self.post(path, who, json, **kw)

    def set_mint_limit(self, bank: str, limit: str) -> dict[str, Any]:
        if self._limits_by is None:
            self._limits_by = self.onboard("REGULATOR", "limits")
        return dict(self.ok(self.write(f"/v1/participants/{bank}/mint-limit", self._limits_by, {"limit": limit})))

    def today(self) -> date:
        return date.fromisoformat(self.get("/v1/health", None).json()["chain"]["date"])

    def maturity(self, days: int) -> str:
        return (self.today() + timedelta(days=days)).isoformat()

    def advance(self, days: int) -> None:
        self.ok(self.post("/v1/admin/chain/advance", "operator", {"days": days}))

    def mint(self, bank: str, to: str, amount: str) -> None:
        self.ok(self.write("/v1/cash/mint", bank, {"to": to, "amount": amount}))

    def balance(self, who: str) -> str:
        return str(self.get(f"/v1/cash/balances/{who}").json()["balance"])

    def bill(self, bill_id: int, who: str = "operator") -> dict[str, Any]:
        return dict(self.ok(self.get(f"/v1/bills/{bill_id}", who)))

    def issue(
        self, drawer: str, acceptor: str, payee: str, amount: str = "1000.00", days: int = 90, **body: Any
    ) -> int:
        payload = {
            "kind": "BANK_ACCEPTANCE",
            "acceptor": acceptor,
            "payee": payee,
            "amount": amount,
            "maturity_date": self.maturity(days),
            **body,
        }
        return int(self.ok(self.write("/v1/bills", drawer, payload), 201)["bill"]["id"])

    def circulating(
        self, drawer: str, acceptor: str, payee: str, amount: str = "1000.00", days: int = 90, **body: Any
    ) -> int:
        bill_id = self.issue(drawer, acceptor, payee, amount, days, **body)
        if self.bill(bill_id)["status"] == "ISSUED":
            self.ok(self.write(f"/v1/bills/{bill_id}/accept", acceptor))
        self.ok(self.write(f"/v1/bills/{bill_id}/receive", payee))
        return bill_id


@contextmanager
def gateway_on(data_dir: Path, **settings: Any) -> Iterator[tuple[Api, Runtime]]:
    """A gateway on `data_dir`, served until the block exits; again on the same dir = a restart."""
    runtime = open_runtime(Settings(data_dir=data_dir, operator_token=OPERATOR_TOKEN, **settings))
    runtime.keystore.scrypt_n = SUITE_SCRYPT_N
    try:
        with TestClient(build_app(runtime)) as client:
            yield Api(client, runtime), runtime
    finally:
        runtime.close()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """One throwaway PostgreSQL cluster per test worker (tests/postgres.py)."""
    with cluster() as server:
        yield server


#: the modules whose SQL behaves differently on PostgreSQL: the outbox and its recovery, Idempotency-Keys, the
#: reports' aggregates, NUMERIC balances and bill lists' queries, the chain guard's incidents. Every module of
#: the API suite runs on SQLite; these again on PostgreSQL (tests/conftest.py `pytest_generate_tests`).
POSTGRES_MODULES = frozenset(
    {
        "test_outbox",
        "test_idempotency_index",
        "test_reports",
        "test_participants_cash",
        "test_chain_guard",
        "test_denial_of_service",
    }
)


def api_databases(module: str) -> list[Any]:
    """The databases a module's `api` runs on: SQLite, and PostgreSQL for the modules whose SQL differs."""
    postgres = pytest.param("postgresql", marks=pytest.mark.postgres)
    return ["sqlite", postgres] if module.rsplit(".", 1)[-1] in POSTGRES_MODULES else ["sqlite"]


@pytest.fixture(scope="module")
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """A gateway on a fresh embedded chain per test module, on SQLite (and again on PostgreSQL: `api_databases`)."""
    data_dir: Path = tmp_path_factory.mktemp("gateway")
    url = new_database(request.getfixturevalue("postgres_server")) if request.param == "postgresql" else None
    # the suite sends many requests without a token on purpose (the authorization table's "-" caller), faster
    # than API.md's 10 failed authentications a second: that limit has its own test and gateway
    # (tests/security/test_denial_of_service.py)
    settings = Settings(data_dir=data_dir, operator_token=OPERATOR_TOKEN, database_url=url, auth_failure_burst=10_000)
    runtime = open_runtime(settings)
    runtime.keystore.scrypt_n = SUITE_SCRYPT_N
    with TestClient(build_app(runtime)) as client:
        yield Api(client, runtime)
    runtime.close()


@pytest.fixture
def cast(api: Api) -> dict[str, str]:
    """Fresh participants for one test: a bank, a second bank, four enterprises, a regulator."""
    return {
        "bank": api.onboard("BANK", "bank"),
        "bank2": api.onboard("BANK", "bank"),
        "core": api.onboard("ENTERPRISE", "core"),
        "t1": api.onboard("ENTERPRISE", "tier"),
        "t2": api.onboard("ENTERPRISE", "tier"),
        "t3": api.onboard("ENTERPRISE", "tier"),
        "reg": api.onboard("REGULATOR", "reg"),
    }


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == code and body["status"] == status, body
    assert {"type", "title", "detail"} <= set(body)
    return dict(body)
