"""Every screen of the console in both languages: screenshotted into docs/console/ (so the pictures the
README links stay current), checked with axe-core (no serious or critical violation: labels, names,
contrast, landmarks) and for the words a script's slip leaves on a screen (`null`, `undefined`, `NaN`,
`[object Object]`); parties named as the directory names them; a participant's own token events; and
the main flow done with the keyboard alone."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import KEYSTORE_PASSWORD, REPO, Console, Platform, pytestmark  # noqa: F401

SHANGHAI = ZoneInfo("Asia/Shanghai")

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def scene(platform: Platform) -> dict[str, int]:
    """Bills in several states, set up through the API: one split between a dealer, the bank (discounted)
    and a pending pledge; one waiting for the supplier (self-custody) to receive."""
    body = platform.api("POST", "/v1/participants", json={"id": "dealer", "name": "华东经销商", "role": "ENTERPRISE"})
    platform.gateway.tokens["dealer"] = body["api_token"]
    maturity = (date.today() + timedelta(days=90)).isoformat()
    issue = {"kind": "COMMERCIAL_ACCEPTANCE", "acceptor": "core", "maturity_date": maturity}
    split = platform.api("POST", "/v1/bills", "core", json={**issue, "payee": "dealer", "amount": "800000.00"})["bill"][
        "id"
    ]
    platform.api("POST", f"/v1/bills/{split}/receive", "dealer", json={})
    discount = platform.api(
        "POST",
        f"/v1/bills/{split}/discount",
        "dealer",
        json={"bank": "bank", "annual_rate": "0.02", "amount": "300000.00"},
    )
    platform.api("POST", f"/v1/transfers/{discount['transfer']['id']}/sign", "bank", json={})
    platform.api(
        "POST",
        f"/v1/bills/{split}/pledge",
        "dealer",
        json={"bank": "bank", "amount": "200000.00", "range_start": 30000001},
    )
    waiting = platform.api("POST", "/v1/bills", "core", json={**issue, "payee": "supplier", "amount": "120000.00"})[
        "bill"
    ]["id"]
    return {"split": split, "waiting": waiting}


#: what JavaScript shows when a value it meant to leave out or format reaches the page as text: the DOM's
#: append and replaceChildren turn null into "null", a template string an absent field into "undefined"
STRAY = re.compile(r"(?<![A-Za-z0-9_])(null|undefined|NaN)(?![A-Za-z0-9_])|\[object Object\]")


def stray_text(page: Page) -> list[str]:
    """The lines of the visible text (document.body.innerText) that show a stray `null`, `undefined`, `NaN`
    or `[object Object]`."""
    text: str = page.evaluate("() => document.body.innerText")
    return [line.strip() for line in text.splitlines() if STRAY.search(line)]


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it stands (WCAG 2 A and AA rules)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated by the test driver, not a page script
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_screen_screenshotted_and_accessible(
    console: Callable[..., Console], platform: Platform, scene: dict[str, int], lang: str
) -> None:
    found: dict[str, list[dict[str, Any]]] = {}
    strays: dict[str, list[str]] = {}

    def check(user: Console, name: str) -> None:
        user.page.wait_for_load_state("networkidle")
        found[name] = axe_violations(user.page)
        strays[name] = stray_text(user.page)
        user.shot(name)

    anonymous = console("core", lang)
    response = anonymous.page.goto(f"{platform.url}/console")
    assert response is not None
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
    if lang == "en":
        anonymous.page.locator("#lang").click()
    expect(anonymous.page.get_by_test_id("signin")).to_be_visible()
    check(anonymous, "01-sign-in")

    dealer = console("dealer", lang)
    dealer.sign_in()
    check(dealer, "02-dashboard")
    dealer.go("#/bills")
    expect(dealer.page.get_by_test_id(f"bill-link-{scene['split']}")).to_be_visible()
    check(dealer, "03-bills")
    dealer.go(f"#/bills/{scene['split']}")
    expect(dealer.page.get_by_test_id("range-bar")).to_be_visible()
    check(dealer, "04-bill")
    dealer.page.get_by_test_id("history-table").get_by_role("link").last.click()
    expect(dealer.page.get_by_test_id("tx-events")).to_be_visible()
    check(dealer, "13-transaction")
    dealer.go(f"#/bills/{scene['split']}")
    dealer.act("discount", {"bank": "bank", "annual_rate": "0.0185", "amount": "100000.00"})
    check(dealer, "05-action-discount-quoted")
    dealer.go("#/transfers")
    check(dealer, "07-transfers")
    dealer.go("#/cash")
    check(dealer, "08-cash")

    supplier = console("supplier", lang)
    supplier.sign_in()
    supplier.go(f"#/bills/{scene['waiting']}")
    supplier.act("receive")
    supplier.confirm("receive")
    expect(supplier.page.get_by_test_id("keystore-form")).to_be_visible()
    check(supplier, "06-sign-with-keystore")

    core = console("core", lang)
    core.sign_in()
    core.go("#/issue")
    core.page.get_by_test_id("action-issue").click()
    check(core, "09-issue")

    for who, route, shown, name in (
        ("bank", "#/transfers", "transfers-incoming", "10-bank-transfers"),
        ("regulator", "#/regulator", "report-exposures", "11-regulator"),
        ("operator", "#/operator", "health", "12-operator"),
    ):
        user = console(who, lang)
        user.sign_in()
        user.go(route)
        expect(user.page.get_by_test_id(shown)).to_be_visible()
        check(user, name)

    assert len(found) == len(strays) == 13  # axe and the text check ran on every screen
    assert {name: v for name, v in found.items() if v} == {}
    assert {name: lines for name, lines in strays.items() if lines} == {}, f"stray words on screen ({lang})"


def test_parties_are_named_beside_their_ids_on_the_bill_page_and_in_the_list(
    console: Callable[..., Console], platform: Platform, scene: dict[str, int]
) -> None:
    """The API answers ids; the page shows the directory's name with the id beside it, wherever a party is
    named: the face, the ranges, the endorsement chain, the history, the list."""
    dealer = console("dealer")
    dealer.sign_in()
    dealer.go(f"#/bills/{scene['split']}")
    page = dealer.page
    face = page.get_by_test_id("bill-face")
    expect(face.get_by_role("row").filter(has_text="Drawer")).to_contain_text("长江汽车集团 (core)")
    expect(face.get_by_role("row").filter(has_text="Acceptor")).to_contain_text("长江汽车集团 (core)")
    expect(face.get_by_role("row").filter(has_text="Payee")).to_contain_text("华东经销商 (dealer)")
    ranges = page.get_by_test_id("ranges-table")
    expect(ranges.get_by_role("row").filter(has_text="浦江银行 (bank)").first).to_contain_text("Held")  # discounted
    expect(ranges).to_contain_text("华东经销商 (dealer)")
    expect(page.get_by_test_id("timeline-1")).to_contain_text("华东经销商 (dealer) → 浦江银行 (bank)")
    history = page.get_by_test_id("history-table")
    expect(history.get_by_role("row").filter(has_text="Transfer signed").first).to_contain_text("浦江银行 (bank)")
    # times as a clerk in Shanghai reads them (the API answers UTC): the issue's, on the wall clock of UTC+8
    (issued, *_) = platform.api("GET", f"/v1/bills/{scene['split']}/history", "dealer")["items"]
    utc = datetime.fromisoformat(issued["timestamp"].replace("Z", "+00:00"))
    expect(history).to_contain_text(utc.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"))
    expect(history).not_to_contain_text(issued["timestamp"])
    dealer.go("#/bills")
    row = (
        page.get_by_test_id("bills-table")
        .get_by_role("row")
        .filter(has=page.get_by_test_id(f"bill-link-{scene['split']}"))
    )
    expect(row).to_contain_text("长江汽车集团 (core)")
    expect(row).to_contain_text("华东经销商 (dealer)")


def test_a_participant_sees_on_its_page_that_the_operator_reissued_its_token(
    console: Callable[..., Console], platform: Platform
) -> None:
    """A token the operator issues anew works at once and ends the old one: the participant must be able to
    see that it happened, and who did it (GET /v1/participants/{id}/token-events)."""
    platform.api("POST", "/v1/participants", json={"id": "carrier", "name": "沪通物流", "role": "ENTERPRISE"})
    platform.gateway.tokens["carrier"] = platform.api("POST", "/v1/participants/carrier/token", json={})["api_token"]
    for lang, kinds, by in (
        ("en", ["Issued", "Reissued by the operator"], "the operator"),
        ("zh", ["已签发", "运营方重新签发"], "运营方"),
    ):
        carrier = console("carrier", lang)
        carrier.sign_in()
        events = carrier.page.get_by_test_id("token-events")
        expect(events).to_be_visible()
        rows = events.locator("tbody tr")
        expect(rows).to_have_count(2)
        for row, kind in zip(rows.all(), kinds, strict=True):  # oldest first: onboarded, then reissued
            expect(row).to_contain_text(kind)
            expect(row).to_contain_text(by)
            # when, as Shanghai's wall clock (the column says UTC+8), not the API's ISO time in UTC
            expect(row).to_contain_text(re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"))
            expect(row).not_to_contain_text(re.compile(r"T\d\d:\d\d:\d\d"))
        expect(carrier.page.get_by_test_id("token-reissued")).to_be_visible()  # said in words above the table


def _tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_the_main_flow_with_the_keyboard_alone(
    console: Callable[..., Console], platform: Platform, scene: dict[str, int]
) -> None:
    """Sign in, find a bill, endorse part of it and have it signed: Tab, typing and Enter only."""
    dealer = console("dealer")
    page = dealer.page
    page.goto(f"{platform.url}/console")
    _tab_to(page, "#lang")
    page.keyboard.press("Enter")
    _tab_to(page, "[data-testid=token]")
    page.keyboard.type(platform.token("dealer"))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("whoami")).to_contain_text("dealer")
    _tab_to(page, "[data-testid=nav-bills]")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("bills-table")).to_be_visible()
    _tab_to(page, f"[data-testid=bill-link-{scene['split']}]")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("range-bar")).to_be_visible()
    _tab_to(page, "[data-testid=action-endorse]")
    page.keyboard.press("Enter")
    _tab_to(page, "[data-testid=field-amount]")
    page.keyboard.type("1000.00")
    _tab_to(page, "[data-testid=field-to]")
    page.keyboard.type("core")
    page.keyboard.press("Enter")  # submits the form: the review
    expect(page.get_by_test_id("consequence")).to_contain_text("You endorse 1,000.00 CNY")
    assert page.evaluate("() => document.activeElement.dataset.testid") == "confirm-endorse"
    page.keyboard.press("Enter")
    dealer.done()
    pending = platform.api("GET", "/v1/transfers?direction=incoming&status=PENDING", "core")["items"]
    assert [(t["kind"], t["range"]["amount"], t["from"]) for t in pending] == [("ENDORSE", "1000.00", "dealer")]
