"""The whole bill business at the console (issue 27), by clicking: a guarantee asked in the page (the supplier
signs it with its keystore file, the typed data shown field by field) and signed by the guarantor; a restrictive
endorsement; a judicial freeze under a court order uploaded from the page and a seizure confirmed by a second
regulator (and another rejected by the operator); a key recovery requested by the operator, approved by a
regulator and cancelled by its participant; the regulator's overdue acceptors and court orders with their CSVs.
The new screens in both languages: screenshotted into docs/console/, checked with axe-core and for stray words."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from playwright.sync_api import expect

from tests.browser.conftest import KEYSTORE_PASSWORD, Console, Platform, pytestmark  # noqa: F401
from tests.browser.test_console_screens import axe_violations, stray_text

NAMES = {
    "dealer": "华东经销商",
    "court-desk": "浦东票据监管分局",
    "late-payer": "拖欠实业有限公司",
}


def _onboard(platform: Platform, pid: str, role: str) -> None:
    if pid in platform.gateway.tokens:
        return
    body = platform.api("POST", "/v1/participants", json={"id": pid, "name": NAMES[pid], "role": role})
    platform.gateway.tokens[pid] = body["api_token"]


@pytest.fixture(scope="module")
def cast(platform: Platform) -> None:
    """Beside conftest's cast: a hosted dealer, a second regulator (admitted while one is active, so approved by
    it) and an acceptor that will be persistently overdue."""
    _onboard(platform, "dealer", "ENTERPRISE")
    _onboard(platform, "late-payer", "ENTERPRISE")
    _onboard(platform, "court-desk", "REGULATOR")
    if platform.api("GET", "/v1/participants/court-desk")["status"] == "PENDING":
        platform.api("POST", "/v1/participants/court-desk/approve", "regulator", json={})


def _bill(platform: Platform, payee: str, amount: str, acceptor: str = "core", days: int = 60) -> int:
    """A commercial bill the core enterprise draws on `acceptor`, accepted and received by `payee` (the API)."""
    maturity = (platform.chain_date() + timedelta(days=days)).isoformat()
    body = {"kind": "COMMERCIAL_ACCEPTANCE", "acceptor": acceptor, "payee": payee, "amount": amount}
    bill_id = int(platform.api("POST", "/v1/bills", "core", json={**body, "maturity_date": maturity})["bill"]["id"])
    if acceptor != "core":
        platform.write(f"/v1/bills/{bill_id}/accept", acceptor)
    platform.write(f"/v1/bills/{bill_id}/receive", payee)
    return bill_id


def _order(platform: Platform, text: str) -> str:
    """A court's order, uploaded by the regulator that will execute it: its hash."""
    content = text.encode()
    body = platform.api("POST", "/v1/documents", "regulator", content=content, headers={"Content-Type": "text/plain"})
    assert body["hash"] == "0x" + hashlib.sha256(content).hexdigest()
    return str(body["hash"])


def _seizure(platform: Platform, bill_id: int, order: str, to: str) -> int:
    """Range 1 of the bill frozen under `order`, and its seizure for `to` requested (the API): its transfer id."""
    platform.api("POST", f"/v1/bills/{bill_id}/freeze", "regulator", json={"range_start": 1, "order_hash": order})
    body = {"range_start": 1, "to": to, "order_hash": order}
    return int(platform.api("POST", f"/v1/bills/{bill_id}/seize", "regulator", json=body)["transfer"]["id"])


@pytest.fixture(scope="module")
def late_payer(platform: Platform, cast: None) -> dict[str, int]:
    """An acceptor with three dishonours (three overdue events) a day after maturity: persistently overdue. Moves
    the chain's time one day; `kept` is a bill it accepted that the dealer still holds."""
    kept = _bill(platform, "dealer", "5000.00", acceptor="late-payer")
    due = [_bill(platform, "dealer", "1000.00", acceptor="late-payer", days=1) for _ in range(3)]
    platform.api("POST", "/v1/admin/chain/advance", json={"days": 1})
    for bill_id in due:
        platform.write(f"/v1/bills/{bill_id}/present", "dealer")
        platform.write(f"/v1/bills/{bill_id}/dishonor", "late-payer", {"reason": "资金不足"})
    assert platform.api("GET", "/v1/participants/late-payer")["persistently_overdue"] is True
    return {"kept": kept}


def _pending(platform: Platform, who: str, kind: str, direction: str = "outgoing") -> list[dict[str, Any]]:
    found = platform.api("GET", f"/v1/transfers?direction={direction}&status=PENDING", who)["items"]
    return [t for t in found if t["kind"] == kind]


def _csv(user: Console, name: str) -> list[dict[str, str]]:
    with user.page.expect_download() as download:
        user.page.get_by_test_id(f"csv-{name}").click()
    with open(download.value.path(), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_a_guarantee_asked_by_clicking_and_signed_by_the_guarantor(
    console: Callable[..., Console], platform: Platform, cast: None
) -> None:
    bill_id = _bill(platform, "supplier", "300000.00")
    supplier, bank, core = console("supplier"), console("bank"), console("core", "zh")
    for user in (supplier, bank, core):
        user.sign_in()

    # the supplier (self-custody) asks the bank to guarantee a part of its range, and signs it in the page
    supplier.go(f"#/bills/{bill_id}")
    said = supplier.act("guarantee", {"range_start": "1", "amount": "50000.00", "guarantor": "bank"})
    assert "浦江银行 (bank) is asked to guarantee you on 50,000.00 CNY" in said, said
    supplier.confirm("guarantee")
    typed = supplier.page.get_by_test_id("typed-data")
    expect(typed).to_contain_text("Ask for a guarantee")
    expect(typed.get_by_role("row").filter(has_text="Guarantor")).to_contain_text("浦江银行 (bank)")
    expect(typed.get_by_role("row").filter(has_text="Amount")).to_contain_text("50,000.00 CNY (5000000 fen)")
    expect(typed.get_by_role("row").filter(has_text="Signer")).to_contain_text("江南零部件有限公司 (supplier)")
    supplier.sign_with_keystore(platform.keystore, KEYSTORE_PASSWORD)
    supplier.done()
    asked = _pending(platform, "supplier", "GUARANTEE")
    assert [(t["to"], t["range"]["amount"]) for t in asked] == [("bank", "50000.00")]
    expect(supplier.page.get_by_test_id("guarantees-table")).to_contain_text("Pending")

    # the bank signs it among its transfers: bound as the supplier's guarantor
    bank.go("#/transfers")
    said = bank.act(f"sign-{asked[0]['id']}")
    assert "binds you, irrevocably, as guarantor of supplier" in said, said
    bank.confirm(f"sign-{asked[0]['id']}")
    bank.done()
    guarantees = platform.api("GET", f"/v1/bills/{bill_id}", "supplier")["guarantees"]
    assert [(g["guarantor"], g["for"], g["transfer_id"]) for g in guarantees] == [("bank", "supplier", asked[0]["id"])]
    supplier.go("#/bills")
    supplier.go(f"#/bills/{bill_id}")
    row = supplier.page.get_by_test_id("guarantees-table").locator("tbody tr").first
    expect(row).to_contain_text("浦江银行 (bank)")
    expect(row).to_contain_text("江南零部件有限公司 (supplier)")
    expect(row).to_contain_text("Signed")

    # the core enterprise, the bill's acceptor, asks for a guarantee of the whole bill (in Chinese)
    core.go(f"#/bills/{bill_id}")
    said = core.act("guarantee", {"guarantor": "bank"})  # the whole bill is the first choice
    assert "整张票据 300,000.00 元" in said and "承兑人" in said, said
    core.confirm("guarantee")
    core.done()
    (whole,) = _pending(platform, "core", "GUARANTEE")
    assert whole["range"] is None and whole["to"] == "bank"
    platform.api("POST", f"/v1/transfers/{whole['id']}/sign", "bank", json={})
    core.go("#/bills")
    core.go(f"#/bills/{bill_id}")
    rows = core.page.get_by_test_id("guarantees-table").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("整张票据")
    expect(rows.nth(1)).to_contain_text("长江汽车集团 (core)")


def test_a_restrictive_endorsement(console: Callable[..., Console], platform: Platform, cast: None) -> None:
    bill_id = _bill(platform, "supplier", "20000.00")
    supplier, bank = console("supplier", "zh"), console("bank")
    supplier.sign_in()
    bank.sign_in()

    supplier.go(f"#/bills/{bill_id}")
    said = supplier.act("endorse", {"to": "bank", "amount": "5000.00", "restrictive": True})
    assert "注明“不得转让”：您只对 浦江银行 (bank) 承担责任" in said, said
    supplier.confirm("endorse")
    typed = supplier.page.get_by_test_id("typed-data")
    expect(typed).to_contain_text("背书转让")
    expect(typed.get_by_role("row").filter(has_text="是：只对被背书人承担责任")).to_have_count(1)
    supplier.sign_with_keystore(platform.keystore, KEYSTORE_PASSWORD)
    supplier.done()
    (endorsement,) = _pending(platform, "supplier", "ENDORSE")
    assert endorsement["restrictive"] is True and endorsement["range"]["amount"] == "5000.00"

    bank.go("#/transfers")
    row = bank.page.get_by_test_id("transfers-incoming").locator("tbody tr").filter(has_text=f"{bill_id}").first
    expect(row).to_contain_text("restrictive")
    said = bank.act(f"sign-{endorsement['id']}")
    assert "restrictive (不得转让): supplier is liable to you alone" in said, said
    bank.confirm(f"sign-{endorsement['id']}")
    bank.done()
    ranges = platform.api("GET", f"/v1/bills/{bill_id}", "bank")["ranges"]
    assert [(r["holder"], r["amount"]) for r in ranges] == [("bank", "5000.00"), ("supplier", "15000.00")]


def test_a_judicial_freeze_and_a_seizure_confirmed_by_a_second_regulator(
    console: Callable[..., Console], platform: Platform, cast: None, tmp_path: Path
) -> None:
    bill_id = _bill(platform, "dealer", "8000.00")
    order = tmp_path / "order-2026-hu0115-zhi-1234.txt"
    order.write_bytes("(2026)沪0115执1234号 执行裁定书：冻结并扣划被执行人华东经销商持有的票据".encode())
    digest = "0x" + hashlib.sha256(order.read_bytes()).hexdigest()
    regulator, second = console("regulator"), console("court-desk", "zh")
    regulator.sign_in()
    second.sign_in()

    # the regulator freezes range 1 under the order it uploads from the page
    regulator.go(f"#/bills/{bill_id}")
    said = regulator.act("freeze-order", {"range_start": "1", "order": order})
    assert said.startswith(f"Range 1 will be frozen under the court order {digest}"), said
    regulator.confirm("freeze-order")
    regulator.done()
    expect(regulator.page.get_by_test_id("ranges-table")).to_contain_text("Frozen · court order")
    rng = platform.api("GET", f"/v1/bills/{bill_id}", "regulator")["ranges"][0]
    assert (rng["frozen"], rng["order_hash"]) == (True, digest)
    expect(regulator.page.get_by_test_id("documents-table")).to_contain_text(digest)

    # and asks that it move to the beneficiary the order names: it cannot confirm its own seizure
    said = regulator.act("seize", {"range_start": "1", "to": "bank", "order_hash": digest})
    assert "8,000.00 CNY" in said and "to 浦江银行 (bank)" in said, said
    regulator.confirm("seize")
    regulator.done()
    (seizure,) = [
        t
        for t in platform.api("GET", f"/v1/transfers?bill_id={bill_id}", "regulator")["items"]
        if t["kind"] == "SEIZURE"
    ]
    assert (seizure["status"], seizure["from"], seizure["to"], seizure["order_hash"]) == (
        "PENDING",
        "regulator",
        "bank",
        digest,
    )
    expect(regulator.page.get_by_test_id(f"action-seizure-revoke-{seizure['id']}")).to_be_visible()
    expect(regulator.page.get_by_test_id(f"action-seizure-sign-{seizure['id']}")).to_have_count(0)

    # a second regulator confirms it: the bank holds the range, unfrozen
    second.go(f"#/bills/{bill_id}")
    said = second.act(f"seizure-sign-{seizure['id']}")
    assert "您确认 上海票据监管局 (regulator) 依法院裁定" in said and "浦江银行 (bank) 将持有该区间" in said, said
    second.confirm(f"seizure-sign-{seizure['id']}")
    second.done()
    rng = platform.api("GET", f"/v1/bills/{bill_id}", "regulator")["ranges"][0]
    assert (rng["holder"], rng["state"], rng["frozen"], rng["order_hash"]) == ("bank", "HELD", False, None)
    expect(second.page.get_by_test_id("ranges-table")).to_contain_text("浦江银行 (bank)")

    # another seizure, the operator rejects on its transfers page: the range stays, frozen under its order
    other = _bill(platform, "dealer", "3000.00")
    other_order = _order(platform, "(2026)沪0115执5678号 执行裁定书")
    rejected = _seizure(platform, other, other_order, "bank")
    operator = console("operator")
    operator.sign_in()
    operator.go("#/transfers")
    said = operator.act(f"reject-{rejected}")
    assert "frozen under the court order" in said, said
    operator.confirm(f"reject-{rejected}")
    operator.done()
    assert platform.api("GET", f"/v1/transfers/{rejected}")["status"] == "REJECTED"
    rng = platform.api("GET", f"/v1/bills/{other}")["ranges"][0]
    assert (rng["holder"], rng["frozen"], rng["order_hash"]) == ("dealer", True, other_order)


def test_a_key_recovery_requested_approved_and_cancelled(
    console: Callable[..., Console], platform: Platform, cast: None
) -> None:
    new = Account.create()
    operator, regulator, supplier = console("operator"), console("regulator", "zh"), console("supplier")
    for user in (operator, regulator):
        user.sign_in()

    operator.go("#/participants/supplier")
    expect(operator.page.get_by_test_id("recovery")).to_contain_text("None requested.")
    said = operator.act("recovery-request", {"address": new.address})
    assert f"supplier, which lost its key, act from {new.address}" in said, said
    operator.confirm("recovery-request")
    operator.done()
    expect(operator.page.get_by_test_id("recovery")).to_contain_text("awaits a regulator's approval")

    # a regulator finds it among the participants and approves it, the new address before its eyes
    regulator.go("#/regulator")
    expect(
        regulator.page.get_by_test_id("participants").locator("tbody tr").filter(has_text="江南零部件")
    ).to_contain_text("密钥恢复中")
    regulator.page.get_by_test_id("participant-link-supplier").click()
    regulator.shown("#/participants/supplier")
    said = regulator.act("recovery-approve")
    assert new.address in said and "72 小时" in said, said
    regulator.confirm("recovery-approve")
    regulator.done()
    expect(regulator.page.get_by_test_id("recovery")).to_contain_text("已由 上海票据监管局 (regulator) 批准")
    recovery = platform.api("GET", "/v1/participants/supplier")["recovery"]
    assert recovery["address"] == new.address and recovery["approved_by"] == "regulator" and recovery["effective_at"]

    # the supplier sees it on its overview, and cancels it with its current key
    supplier.sign_in()
    expect(supplier.page.get_by_test_id("recovery-notice")).to_contain_text(new.address)
    supplier.page.get_by_test_id("recovery-notice").get_by_role("link").click()
    supplier.shown("#/participants/supplier")
    expect(supplier.page.get_by_test_id("recovery-warning")).to_contain_text(new.address)
    said = supplier.act("recovery-cancel")
    assert f"You cancel the key recovery to {new.address}" in said, said
    supplier.confirm("recovery-cancel")
    typed = supplier.page.get_by_test_id("typed-data")
    expect(typed).to_contain_text("Cancel a key recovery")
    expect(typed.get_by_role("row").filter(has_text="Account")).to_contain_text("江南零部件有限公司 (supplier)")
    supplier.sign_with_keystore(platform.keystore, KEYSTORE_PASSWORD)
    supplier.done()
    expect(supplier.page.get_by_test_id("recovery")).to_contain_text("None requested.")
    assert platform.api("GET", "/v1/participants/supplier")["recovery"] is None


def test_the_reports_show_overdue_acceptors_and_court_orders(
    console: Callable[..., Console], platform: Platform, late_payer: dict[str, int]
) -> None:
    bill_id = _bill(platform, "dealer", "6000.00")
    order = _order(platform, "(2026)沪0115执9012号 执行裁定书")
    seizure = _seizure(platform, bill_id, order, "bank")
    regulator = console("regulator")
    regulator.sign_in()
    regulator.go("#/regulator")

    overdue = regulator.page.get_by_test_id("report-overdue-acceptors")
    rows = overdue.locator("tbody tr").filter(has_text="late-payer")
    expect(rows).to_have_count(3)  # one a dishonour
    expect(rows.first).to_contain_text("Persistently overdue")
    assert [r["acceptor"] for r in _csv(regulator, "overdue-acceptors")].count("late-payer") == 3

    orders = regulator.page.get_by_test_id("report-court-orders")
    row = orders.locator("tbody tr").filter(has_text=order[:10])
    expect(row).to_contain_text(f"#{seizure}")
    expect(row).to_contain_text("浦江银行 (bank)")  # the beneficiary
    expect(row).to_contain_text("上海票据监管局 (regulator)")  # who froze it
    expect(row).to_contain_text("华东经销商 (dealer)")  # who holds it
    found = [r for r in _csv(regulator, "court-orders") if r["order_hash"] == order]
    assert [(r["bill_id"], r["seizure"], r["beneficiary"]) for r in found] == [(str(bill_id), str(seizure), "bank")]

    # the acceptor's standing, on its page and on a bill it accepted (nothing to discount or pledge there)
    overdue.get_by_role("link", name="late-payer").first.click()
    regulator.shown("#/participants/late-payer")
    expect(regulator.page.get_by_test_id("standing")).to_contain_text("is persistently overdue: 3 overdue events")
    dealer = console("dealer")
    dealer.sign_in()
    dealer.go(f"#/bills/{late_payer['kept']}")
    expect(dealer.page.get_by_test_id("acceptor-overdue")).to_be_visible()
    expect(dealer.page.get_by_test_id("action-endorse")).to_be_visible()
    expect(dealer.page.get_by_test_id("action-discount")).to_have_count(0)
    expect(dealer.page.get_by_test_id("action-guarantee")).to_have_count(0)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_new_screens_screenshotted_and_accessible(
    console: Callable[..., Console], platform: Platform, late_payer: dict[str, int], lang: str
) -> None:
    found: dict[str, list[dict[str, Any]]] = {}
    strays: dict[str, list[str]] = {}

    def check(user: Console, name: str) -> None:
        user.page.wait_for_load_state("networkidle")
        found[name] = axe_violations(user.page)
        strays[name] = stray_text(user.page)
        user.shot(name)

    # a bill guaranteed (a holder's range, signed; the acceptor's whole bill, asked), range 1 frozen under a
    # court order with a seizure for the dealer pending: as the second regulator sees it, confirming
    bill_id = _bill(platform, "supplier", "300000.00")
    asked = platform.write(
        f"/v1/bills/{bill_id}/guarantee", "supplier", {"guarantor": "bank", "range_start": 1, "amount": "100000.00"}
    )
    platform.api("POST", f"/v1/transfers/{asked['transfer']['id']}/sign", "bank", json={})
    platform.api("POST", f"/v1/bills/{bill_id}/guarantee", "core", json={"guarantor": "bank"})
    seizure = _seizure(platform, bill_id, _order(platform, f"(2026)沪0115执{bill_id:04d}号 执行裁定书"), "dealer")
    second = console("court-desk", lang)
    second.sign_in()
    second.go(f"#/bills/{bill_id}")
    second.act(f"seizure-sign-{seizure}")
    check(second, "14-bill-guarantees-court-order")

    # the supplier asks for a guarantee of the rest of its range: the typed data it signs, field by field
    supplier = console("supplier", lang)
    supplier.sign_in()
    supplier.go(f"#/bills/{bill_id}")
    supplier.act("guarantee", {"range_start": "10000001", "amount": "20000.00", "guarantor": "dealer"})
    supplier.confirm("guarantee")
    expect(supplier.page.get_by_test_id("keystore-form")).to_be_visible()
    check(supplier, "15-sign-guarantee")

    # a key recovery of the supplier, approved: what the supplier sees on its page (then cancelled)
    platform.api("POST", "/v1/participants/supplier/recovery", json={"address": Account.create().address})
    platform.api("POST", "/v1/participants/supplier/recovery/approve", "regulator", json={})
    try:
        supplier.go("#/participants/supplier")
        expect(supplier.page.get_by_test_id("recovery-warning")).to_be_visible()
        check(supplier, "16-participant-recovery")
    finally:
        platform.write("/v1/participants/supplier/recovery/cancel", "supplier")

    # the persistently overdue acceptor's page, and the reports, as a regulator sees them
    regulator = console("regulator", lang)
    regulator.sign_in()
    regulator.go("#/participants/late-payer")
    expect(regulator.page.get_by_test_id("standing")).to_be_visible()
    check(regulator, "17-participant-overdue")
    regulator.go("#/regulator")
    expect(regulator.page.get_by_test_id("report-court-orders")).to_be_visible()
    check(regulator, "18-regulator-overdue-court-orders")

    assert len(found) == len(strays) == 5
    assert {name: v for name, v in found.items() if v} == {}
    assert {name: lines for name, lines in strays.items() if lines} == {}, f"stray words on screen ({lang})"
