"""schemathesis against /openapi.json: no 5xx, and no response that breaks the schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from gateway.app import create_app
from gateway.runtime import open_runtime
from gateway.settings import Settings
from tests.api.conftest import OPERATOR_TOKEN


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, str]]:
    runtime = open_runtime(Settings(data_dir=Path(tmp_path_factory.mktemp("schema")), operator_token=OPERATOR_TOKEN))
    application = create_app(runtime)
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
