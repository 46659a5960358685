"""Idempotency keys, and an index that the chain alone can rebuild."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from gateway.core.db import BillRow, Database
from tests.api.conftest import Api, gateway_on, problem
from tests.indexes import index_rows


def test_a_repeat_returns_the_first_answer_and_sends_nothing(api: Api, cast: dict[str, str]) -> None:
    headers = {"Idempotency-Key": "mint-0001"}
    first = api.post("/v1/cash/mint", cast["bank"], {"to": cast["t1"], "amount": "7.00"}, headers=headers)
    block = api.runtime.backend.block_number()
    again = api.post("/v1/cash/mint", cast["bank"], {"to": cast["t1"], "amount": "7.00"}, headers=headers)
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert api.runtime.backend.block_number() == block and api.balance(cast["t1"]) == "7.00"
    problem(
        api.post("/v1/cash/mint", cast["bank"], {"to": cast["t1"], "amount": "8.00"}, headers=headers),
        422,
        "IDEMPOTENCY_KEY_REUSED",
    )
    # keys are scoped to the caller: another bank may use the same key
    api.ok(api.post("/v1/cash/mint", cast["bank2"], {"to": cast["t1"], "amount": "1.00"}, headers=headers))
    assert api.balance(cast["t1"]) == "8.00"


def test_a_failed_first_answer_is_replayed_too(api: Api, cast: dict[str, str]) -> None:
    headers = {"Idempotency-Key": "transfer-1"}
    first = api.post("/v1/cash/transfer", cast["t1"], {"to": cast["t2"], "amount": "1.00"}, headers=headers)
    problem(first, 409, "INSUFFICIENT_CASH")
    again = api.post("/v1/cash/transfer", cast["t1"], {"to": cast["t2"], "amount": "1.00"}, headers=headers)
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"


def test_bad_keys(api: Api, cast: dict[str, str]) -> None:
    for key in ("x" * 256, "tab\there"):
        response = api.client.post(
            "/v1/cash/mint",
            json={"to": cast["t1"], "amount": "1.00"},
            headers={**api.headers(cast["bank"]), "Idempotency-Key": key},
        )
        problem(response, 422, "VALIDATION_ERROR")
    assert api.balance(cast["t1"]) == "0.00"


def _index(api: Api) -> dict[str, Any]:
    return index_rows(api.runtime.db)


def test_the_index_rebuilds_from_the_chain(api: Api, cast: dict[str, str]) -> None:
    bill = api.circulating(cast["core"], cast["bank"], cast["t1"], amount="100.00", days=3)
    t = api.ok(
        api.post(
            f"/v1/bills/{bill}/discount", cast["t1"], {"bank": cast["bank2"], "annual_rate": "0.03", "amount": "40.00"}
        ),
        201,
    )
    api.mint(cast["bank2"], cast["bank2"], "100.00")
    api.ok(api.post(f"/v1/transfers/{t['transfer']['id']}/sign", cast["bank2"]))
    api.ok(api.post(f"/v1/bills/{bill}/freeze", cast["reg"], {"range_start": 4001}))
    before = _index(api)
    assert before["bills"] and before["history"]
    api.runtime.indexer.rebuild()
    assert _index(api) == before


def test_a_deleted_index_is_rebuilt_on_start_equal_to_the_old(tmp_path: Path) -> None:
    with gateway_on(tmp_path) as (api, runtime):
        bank, core, supplier = api.onboard("BANK"), api.onboard("ENTERPRISE"), api.onboard("ENTERPRISE")
        bill = api.circulating(core, bank, supplier, amount="300.00", days=30)
        api.ok(api.post(f"/v1/bills/{bill}/endorse", supplier, {"to": core, "amount": "100.00"}), 201)
        api.mint(bank, core, "12.34")
        tokens, before = api.tokens, _index(api)
        database = runtime.settings.database
    Database(database).drop_index()  # the read models deleted; participants and keys stay
    assert not _rows(database, BillRow)
    with gateway_on(tmp_path) as (api, _):
        api.tokens = tokens
        assert _index(api) == before
        assert api.bill(bill, core)["amount"] == "300.00"


def _rows(url: str, table: Any) -> list[Any]:
    with Database(url).session() as s:
        return list(s.scalars(select(table)))
