"""schemathesis against /openapi.json: no 5xx, and no response that breaks the schema."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)
from starlette.types import Receive, Scope, Send

from gateway.compose import build_app, open_runtime
from gateway.core.settings import Settings
from gateway.ledger.runtime import Runtime
from tests.api.conftest import OPERATOR_TOKEN


def summary(statuses: list[int]) -> str:
    counts = Counter(f"{s // 100}xx" for s in statuses)
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, str]]:
    runtime = open_runtime(Settings(data_dir=Path(tmp_path_factory.mktemp("schema")), operator_token=OPERATOR_TOKEN))
    application = build_app(runtime)
    with TestClient(application) as client:
        bank = client.post(
            "/v1/participants",
            json={"id": "schema-bank", "name": "B", "role": "BANK"},
            headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"},
        )
        assert bank.status_code == 201
    yield application, bank.json()["api_token"]
    runtime.close()


@pytest.mark.slow
@pytest.mark.parametrize("as_bank", [False, True], ids=["operator", "bank"])
def test_no_server_error_and_responses_match_the_schema(app: tuple[FastAPI, str], as_bank: bool) -> None:
    application, bank_token = app
    schema = schemathesis.openapi.from_asgi("/openapi.json", application)
    headers = {"Authorization": f"Bearer {bank_token if as_bank else OPERATOR_TOKEN}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    statuses: list[int] = []

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case: schemathesis.Case) -> None:
            response = case.call(headers=headers)
            statuses.append(response.status_code)
            assert response.status_code < 500, (
                f"{case.method} {case.path}: {response.status_code} {response.text[:300]}"
            )
            case.validate_response(response, checks=[response_schema_conformance, content_type_conformance])

        check()
    assert len(statuses) > 8 * len(operations), "schemathesis sent too few requests to mean anything"
    print(f"\nschemathesis ({'bank' if as_bank else 'operator'}): {len(statuses)} requests, {summary(statuses)}")


#: stateful API examples (make test: 8, each on a gateway made anew; make fuzz: 300)
API_EXAMPLES = int(os.environ.get("STATEFUL_API_EXAMPLES", "8"))
#: who the stateful test's calls come from: a bank, a drawer, a payee (who holds), a regulator
CAST = {"bank": "BANK", "drawer": "ENTERPRISE", "payee": "ENTERPRISE", "reg": "REGULATOR"}
#: the operations the stateful test walks: those the links join, and what sets them up. Reads of
#: reports, transactions and the gateway's status, and the two-step /prepare forms, are each
#: fuzzed by the test above; here they would only thin out the walks along the links.
LIFECYCLE = r"^/v1/(participants|bills|transfers|cash/(mint|transfer|balances))"
#: the headers only a self-custody caller sends (the first test fuzzes them)
SELF_CUSTODY_HEADERS = ("Billchain-Signature", "Billchain-Nonce", "Billchain-Deadline")
#: the amount of every bill the stateful test issues (a generated "0" would end each walk at its root)
ISSUED_AMOUNT = "10000.00"
#: the counterparties a generated body names, made real (the rest of each body stays generated)
PARTIES = {"acceptor": "bank", "bank": "bank", "payee": "payee", "to": "drawer", "against": "drawer"}


def caller_for(method: str, path: str) -> str | None:
    """The one of CAST an operation is meant for; None: the operator (it reads everything)."""
    if method == "GET" or path.startswith(("/v1/participants", "/v1/admin")):
        return None
    if path.startswith("/v1/transfers"):
        return "payee" if path.endswith("/revoke") else "drawer"  # the payee endorses to the drawer
    if path.endswith(("/freeze", "/unfreeze")):
        return "reg"
    if path.endswith(("/mint", "/accept", "/reject", "/pay", "/dishonor", "/release")):
        return "bank"
    return "drawer" if path in ("/v1/bills", "/v1/cash/transfer") or path.endswith("/cancel") else "payee"


class FreshGateway:
    """An ASGI app that forwards to a gateway made anew (new data dir, new chain) for each example:
    Hypothesis needs each example to meet the same state, or its data generation turns flaky."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.made = 0
        self.client: TestClient | None = None
        self.runtime: Runtime | None = None
        self.tokens: dict[str, str] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.client is not None
        await self.client.app(scope, receive, send)

    def renew(self) -> None:
        self.close()
        self.made += 1
        self.runtime = open_runtime(Settings(data_dir=self.root / str(self.made), operator_token=OPERATOR_TOKEN))
        self.client = TestClient(build_app(self.runtime)).__enter__()
        operator = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
        for who, role in CAST.items():
            body = {"id": who, "name": who, "role": role}
            self.tokens[who] = self.client.post("/v1/participants", json=body, headers=operator).json()["api_token"]
        self.today = date.fromisoformat(self.client.get("/v1/health").json()["chain"]["date"])

    def close(self) -> None:
        if self.client is not None and self.runtime is not None:
            self.client.__exit__(None, None, None)
            self.runtime.close()
        self.client = self.runtime = None


@pytest.mark.slow
def test_stateful_sequences_along_the_links_give_no_server_error(tmp_path: Path) -> None:
    """schemathesis follows the OpenAPI links (an issued bill's id into accept, endorse...; a
    requested transfer's id into sign...), each call with the token of a caller that may make it."""
    gateway = FreshGateway(tmp_path)
    gateway.renew()
    schema = (
        schemathesis.openapi.from_asgi("/openapi.json", gateway)
        .include(path_regex=LIFECYCLE)
        .exclude(path_regex=r"/(prepare|quote)$")
    )
    calls: list[tuple[str, int]] = []

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            gateway.renew()

        def before_call(self, case: schemathesis.Case) -> None:
            for header in SELF_CUSTODY_HEADERS:  # the cast is hosted: a made-up signature is refused
                (case.headers or {}).pop(header, None)
            if case.method == "POST" and case.path == "/v1/bills" and isinstance(case.body, dict):
                case.body["amount"] = ISSUED_AMOUNT  # the root of the walks: a bill that can exist
            if isinstance(case.body, dict):  # real counterparties and a maturity the rules allow
                for field, who in PARTIES.items():
                    if field in case.body:
                        case.body[field] = who
                if "maturity_date" in case.body:
                    case.body["maturity_date"] = (gateway.today + timedelta(days=90)).isoformat()

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            who = caller_for(case.method, case.path)
            return {"headers": {"Authorization": f"Bearer {gateway.tokens[who] if who else OPERATOR_TOKEN}"}}

        def validate_response(self, response: Any, case: schemathesis.Case, *args: Any, **kwargs: Any) -> None:
            calls.append((f"{case.method} {case.path}", response.status_code))
            assert response.status_code < 500, f"{case.method} {case.path}: {response.status_code} {response.text}"
            case.validate_response(response, checks=[response_schema_conformance, content_type_conformance])

    try:
        Workflow.run(settings=settings(max_examples=API_EXAMPLES, stateful_step_count=8, deadline=None, database=None))
    finally:
        gateway.close()
    # a link followed is an id that resolved: whatever the rules then answer (200, 409, 422), not 404
    followed = {path for path, status in calls if "{" in path and status != 404}
    assert len(calls) > 50 and followed, "the links led nowhere"
    print(f"\nschemathesis stateful: {len(calls)} calls, {summary([s for _, s in calls])}, followed {sorted(followed)}")
