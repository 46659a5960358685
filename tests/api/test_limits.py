"""Per-token rate limits (429 with Retry-After) and body size limits (413), changing nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.http.middleware.limits import TokenBucket
from tests.api.conftest import Api, gateway_on, problem


def test_a_bucket_refills_at_its_rate() -> None:
    bucket = TokenBucket(rate=2.0, burst=3)
    start = bucket.updated
    assert [bucket.take(start) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take(start) == pytest.approx(0.5)  # one token comes every 1/rate s
    assert bucket.take(start + 0.5) == 0.0
    assert bucket.take(start + 100) == 0.0 and bucket.tokens == 2  # never more than the burst


def test_a_token_past_its_rate_gets_429_with_retry_after(tmp_path: Path) -> None:
    with gateway_on(tmp_path, rate_limit=1, rate_burst=3) as (api, _):
        bank = api.onboard("BANK")
        answers = [api.get("/v1/me", bank) for _ in range(5)]
        assert [a.status_code for a in answers[:3]] == [200, 200, 200]
        limited = problem(answers[3], 429, "RATE_LIMITED")
        assert int(answers[3].headers["Retry-After"]) >= 1 and limited["detail"]
        assert api.get("/v1/me", "operator").status_code == 200  # per token: the others go on
        assert api.get("/v1/health", None).status_code == 200  # open paths carry no token


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with gateway_on(tmp_path_factory.mktemp("limits"), max_body=2048) as (api, _):
        yield api


def test_a_json_body_past_the_limit_is_413_and_changes_nothing(small: Api) -> None:
    corp = small.onboard("ENTERPRISE")
    block = small.runtime.backend.block_number()
    big = {"kind": "BANK_ACCEPTANCE", "acceptor": corp, "payee": corp, "amount": "1.00", "maturity_date": "x" * 4096}
    problem(small.post("/v1/bills", corp, big), 413, "PAYLOAD_TOO_LARGE")
    streamed = small.client.post(  # no Content-Length: counted as it is read
        "/v1/bills",
        content=iter([b'{"kind": "', b"x" * 3000, b'"}']),
        headers=small.headers(corp, **{"Content-Type": "application/json"}),
    )
    problem(streamed, 413, "PAYLOAD_TOO_LARGE")
    assert small.runtime.backend.block_number() == block


def test_a_document_past_10_mib_is_413(small: Api) -> None:
    corp = small.onboard("ENTERPRISE")
    response = small.client.post("/v1/documents", content=b"x" * (10 * 1024 * 1024 + 1), headers=small.headers(corp))
    problem(response, 413, "PAYLOAD_TOO_LARGE")
    assert small.client.post("/v1/documents", content=b"x" * 4096, headers=small.headers(corp)).status_code == 201
