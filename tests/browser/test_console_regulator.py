"""A regulator at the console: it freezes a range and the holder's next action is refused with its
message; the exposures CSV it downloads equals the bill registry's own state."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date, timedelta

from playwright.sync_api import expect

from chain.clients import BillRegistryClient
from chain.deploy import error_decoder
from chain.tx import Transactor
from tests.browser.conftest import Console, Platform, pytestmark  # noqa: F401
from tests.exposures import chain_exposures, report_fen


def _circulating(platform: Platform, payee: str, amount: str) -> int:
    """A commercial bill the core enterprise draws and accepts, received by a hosted `payee` (set-up via the API)."""
    if payee not in platform.gateway.tokens:
        body = platform.api("POST", "/v1/participants", json={"id": payee, "name": "华东经销商", "role": "ENTERPRISE"})
        platform.gateway.tokens[payee] = body["api_token"]
    maturity = (date.today() + timedelta(days=60)).isoformat()
    issued = platform.api(
        "POST",
        "/v1/bills",
        "core",
        json={
            "kind": "COMMERCIAL_ACCEPTANCE",
            "acceptor": "core",
            "payee": payee,
            "amount": amount,
            "maturity_date": maturity,
        },
    )
    bill_id = int(issued["bill"]["id"])
    platform.api("POST", f"/v1/bills/{bill_id}/receive", payee, json={})
    return bill_id


def test_a_frozen_range_refuses_its_holder_with_the_reason(console: Callable[..., Console], platform: Platform) -> None:
    bill_id = _circulating(platform, "dealer", "5000.00")
    regulator, dealer = console("regulator"), console("dealer", "zh")
    regulator.sign_in()
    dealer.sign_in()

    regulator.go(f"#/bills/{bill_id}")
    said = regulator.act("freeze", {"range_start": "1"})
    assert said.startswith("Range 1 will be frozen") and "until a regulator unfreezes it" in said
    regulator.confirm("freeze")
    regulator.done()
    expect(regulator.page.get_by_test_id("ranges-table")).to_contain_text("Frozen")
    assert platform.api("GET", f"/v1/bills/{bill_id}", "dealer")["ranges"][0]["frozen"] is True

    # the dealer's page still offers nothing on a frozen range; asked through the endorse form of another
    # range it holds, the gateway answers FROZEN, which the page shows in words with its code
    dealer.go(f"#/bills/{bill_id}")
    expect(dealer.page.get_by_test_id("ranges-table")).to_contain_text("已冻结")
    expect(dealer.page.get_by_test_id("action-endorse")).to_have_count(0)
    platform.api("POST", f"/v1/bills/{bill_id}/unfreeze", "regulator", json={"range_start": 1})
    dealer.go("#/bills")
    dealer.go(f"#/bills/{bill_id}")
    dealer.act("endorse", {"to": "core", "amount": "1000.00"})  # the form opens while the range is free
    platform.api("POST", f"/v1/bills/{bill_id}/freeze", "regulator", json={"range_start": 1})  # frozen meanwhile
    dealer.confirm("endorse")
    refused = dealer.problem()
    assert "FROZEN" in refused and "已被监管冻结" in refused, refused
    assert platform.api("GET", f"/v1/bills/{bill_id}", "dealer")["ranges"][0]["state"] == "HELD"  # nothing happened


def test_the_exposures_csv_equals_the_chains_state(console: Callable[..., Console], platform: Platform) -> None:
    _circulating(platform, "dealer", "1234.56")
    regulator = console("regulator")
    regulator.sign_in()
    regulator.go("#/regulator")
    expect(regulator.page.get_by_test_id("report-exposures")).to_contain_text("core")
    with regulator.page.expect_download() as download:
        regulator.page.get_by_test_id("csv-exposures").click()
    path = download.value.path()
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    registry = BillRegistryClient(platform.contracts["BillRegistry"], Transactor(platform.node, error_decoder()))
    ids = {p["address"]: p["id"] for p in platform.api("GET", "/v1/participants?limit=500")["items"]}
    on_chain = chain_exposures(registry, ids)
    assert on_chain and report_fen(rows) == on_chain
