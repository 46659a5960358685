"""Every log line of a request carries its context: request id, Idempotency-Key, participant, transaction
(gateway/core/log_context.py), bound once where each becomes known; the request id is answered too."""

from __future__ import annotations

import logging

import pytest

from gateway.core.log_context import ContextFilter
from tests.api.conftest import Api


def test_a_writes_log_lines_say_whose_request_and_which_transaction(
    api: Api, cast: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.addFilter(ContextFilter())
    headers = {"Idempotency-Key": "ctx-1", "X-Request-Id": "bank-desk-0042"}
    with caplog.at_level(logging.INFO, logger="billchain"):
        answer = api.post("/v1/cash/mint", cast["bank"], {"to": cast["t1"], "amount": "1.00"}, headers=headers)
    assert answer.status_code == 200 and answer.headers["x-request-id"] == "bank-desk-0042"
    (mined,) = [r for r in caplog.records if r.name == "billchain.writes"]
    assert (mined.request_id, mined.idempotency_key, mined.participant) == ("bank-desk-0042", "ctx-1", cast["bank"])
    assert mined.tx_hash == answer.json()["tx"]["hash"]
    assert mined.context.startswith(" [request=bank-desk-0042 key=ctx-1 participant=")  # the text form
    assert api.tokens[cast["bank"]] not in mined.context


def test_a_request_without_an_id_gets_one_and_a_bad_one_is_replaced(api: Api) -> None:
    fresh = api.get("/v1/health", None).headers["x-request-id"]
    replaced = api.get("/v1/health", None, headers={"X-Request-Id": "no spaces; or <markup>"}).headers["x-request-id"]
    assert len(fresh) == 32 and len(replaced) == 32 and fresh != replaced
