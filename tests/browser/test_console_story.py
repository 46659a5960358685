"""The headline story done entirely by clicking, by three users in three browser contexts: the core
enterprise draws a supply-chain bill (its trade document uploaded from the page), the supplier (self-
custody: it signs in the page with its keystore file) receives it and discounts part of it at the price the
bill registry quotes, and the bank signs the discount; then the cash is where it should be, on chain."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import expect

from gateway.core.money import parse_amount
from tests.browser.conftest import KEYSTORE_PASSWORD, MINTED, Console, Platform, pytestmark  # noqa: F401


def test_the_headline_story_by_clicking(console: Callable[..., Console], platform: Platform, tmp_path: Path) -> None:
    core, supplier, bank = console("core"), console("supplier"), console("bank")
    for user in (core, supplier, bank):
        user.sign_in()

    invoice = tmp_path / "invoice-2026-1187.pdf"
    invoice.write_bytes(b"%PDF-1.4 invoice 2026-1187: brake assemblies, 1,000,000.00 CNY")
    maturity = (date.today() + timedelta(days=120)).isoformat()
    core.go("#/issue")
    said = core.act(
        "issue",
        {
            "kind": "SUPPLY_CHAIN",
            "payee": "supplier",
            "amount": "1000000.00",
            "maturity_date": maturity,
            "document": invoice,
        },
    )
    assert "supplier" in said and "1,000,000.00" in said and "accepted by you" in said
    core.confirm("issue")
    core.done()
    expect(core.page.get_by_test_id("bill-title")).to_be_visible()
    bill_id = int(re.search(r"#/bills/(\d+)", core.page.url).group(1))  # type: ignore[union-attr]
    assert platform.api("GET", f"/v1/bills/{bill_id}", "core")["status"] == "ACCEPTED"

    # the supplier receives, signing in the page with its keystore file (the gateway holds no key of it)
    supplier.go(f"#/bills/{bill_id}")
    supplier.act("receive")
    supplier.confirm("receive")
    expect(supplier.page.get_by_text(re.compile("supplier signs Receive"))).to_be_visible()
    supplier.sign_with_keystore(platform.keystore, KEYSTORE_PASSWORD)
    supplier.done()
    expect(supplier.page.get_by_test_id("ranges-table")).to_contain_text("supplier")

    # it discounts 400,000.00 to the bank: the page quotes the on-chain price before anything is signed
    said = supplier.act(
        "discount", {"amount": "400000.00", "bank": "bank", "annual_rate": "0.0185", "adjust_days": "0"}
    )
    quoted = re.search(r"浦江银行 \(bank\) pays ([\d,]+\.\d\d) CNY", said)  # the bank named as the directory names it
    assert quoted, said
    price = quoted.group(1).replace(",", "")
    supplier.confirm("discount")
    supplier.sign_with_keystore(platform.keystore, KEYSTORE_PASSWORD)
    supplier.done()
    transfer = platform.api("GET", "/v1/transfers?direction=outgoing", "supplier")["items"][-1]
    assert transfer["kind"] == "DISCOUNT" and transfer["price"] == price and transfer["status"] == "PENDING"

    # the bank sees it first among its transfers and signs: delivery versus payment
    bank.go("#/transfers")
    said = bank.act(f"sign-{transfer['id']}")
    assert f"pays {format_money(price)} CNY to supplier" in said
    bank.confirm(f"sign-{transfer['id']}")
    bank.done()

    # the cash is right: through the gateway, on the pages, and on chain
    left = parse_amount(MINTED) - parse_amount(price)
    assert platform.api("GET", "/v1/cash/balances/supplier", "supplier")["balance"] == price
    assert parse_amount(platform.api("GET", "/v1/cash/balances/bank", "bank")["balance"]) == left
    cash = platform.contracts["DigitalCash"]
    assert cash.functions.balanceOf(platform.supplier_address).call() == parse_amount(price)
    supplier.go("#/cash")
    expect(supplier.page.get_by_test_id("cash-balance")).to_contain_text(format_money(price))
    expect(supplier.page.get_by_test_id("movements")).to_contain_text("Discount")
    bank.go("#/cash")
    expect(bank.page.get_by_test_id("cash-balance")).to_contain_text(format_money(f"{left // 100}.{left % 100:02d}"))
    bill = platform.api("GET", f"/v1/bills/{bill_id}", "bank")
    assert [(r["holder"], r["amount"]) for r in bill["ranges"]] == [("bank", "400000.00"), ("supplier", "600000.00")]

    # the supplier's receive, opened from the bill's history: the relay ran the operation it signed
    supplier.go(f"#/bills/{bill_id}")
    history = supplier.page.get_by_test_id("history-table")
    expect(history).to_contain_text("Received")
    history.get_by_role("row").filter(has_text="Received").get_by_role("link").click()
    operations = supplier.page.get_by_test_id("tx-operations")
    expect(operations).to_contain_text("BillRegistry.receiveBill")
    expect(operations).to_contain_text("supplier")
    expect(supplier.page.get_by_test_id("tx-summary")).not_to_contain_text("executeBatch")

    # no token in the gateway's log (its access log lists every path the pages asked for)
    log = (platform.gateway.data_dir.parent / "gateway.log").read_text(errors="replace")
    assert f"/v1/bills/{bill_id}" in log
    assert not [who for who, token in platform.gateway.tokens.items() if token in log]


def format_money(amount: str) -> str:
    whole, cents = amount.split(".")
    return f"{int(whole):,}.{cents}"
