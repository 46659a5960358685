"""The console in a real browser: Debian's Chromium driven by Playwright for Python (`playwright install`
cannot download browsers here), against a `billchain serve` subprocess on its own anvil node, so a test
reads the contracts' state directly as well as through the gateway.

Every context records every request it makes; `Console.close` asserts none left the gateway's origin
and none carried a token in its URL.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from billchain_client import submit_headers
from billchain_tools.harness import Gateway
from chain.backends.anvil import AnvilBackend
from chain.deploy import contracts_at
from chain.relay import sign_typed

pytestmark = [pytest.mark.browser, pytest.mark.anvil, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "docs" / "console"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
KEYSTORE_PASSWORD = "supplier keystore passphrase"  # a test key's, made here: not a secret of anyone's
MINTED = "1000000.00"


def chromium_path() -> str:
    found = os.environ.get("BILLCHAIN_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("Chromium is not installed: `make test-deps` installs Debian's (apt-get install chromium)")
    return found


@pytest.fixture
def playwright() -> Iterator[Playwright]:
    """Per test: Playwright's sync API keeps an asyncio loop running in this thread while it is open, and
    a later test of the same worker that calls asyncio.run() would fail beside it."""
    with sync_playwright() as p:
        yield p


@pytest.fixture
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@dataclass
class Platform:
    """A gateway with the headline story's cast: a regulator, a bank with cash, a core enterprise (hosted
    key) and a supplier in self-custody whose keystore file is on disk."""

    gateway: Gateway
    node: AnvilBackend
    keystore: Path
    supplier_address: str
    contracts: dict[str, Any] = field(default_factory=dict)
    #: the supplier's key, for the set-ups a test makes through the API (the pages sign with the keystore file)
    supplier_key: LocalAccount | None = None

    @property
    def url(self) -> str:
        return self.gateway.url

    def token(self, who: str) -> str:
        return self.gateway.tokens[who]

    def api(self, method: str, path: str, who: str = "operator", **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token(who)}", **kw.pop("headers", {})}
        response = httpx.request(method, self.url + path, headers=headers, timeout=60, **kw)
        assert response.status_code < 300, response.text
        return response.json()

    def write(self, path: str, who: str, body: dict[str, Any] | None = None) -> Any:
        """A write as `who` makes it through the API: the supplier (self-custody) prepares, signs with its own
        key and sends; anyone else sends it for the gateway to sign."""
        if who != "supplier":
            return self.api("POST", path, who, json=body or {})
        assert self.supplier_key is not None
        prepared = self.api("POST", path + "/prepare", who, json=body or {})
        headers = submit_headers(prepared, sign_typed(self.supplier_key, prepared["typed_data"]))
        return self.api("POST", prepared["submit"]["path"], who, json=body or {}, headers=headers)

    def chain_date(self) -> date:
        """The chain's date (Asia/Shanghai), which a test that moves time moves."""
        return date.fromisoformat(self.api("GET", "/v1/health")["chain"]["date"])


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    root = tmp_path_factory.mktemp("console")
    node = AnvilBackend(root / "node")
    try:
        with Gateway(root / "gateway" / "data", node.url, None) as gateway:
            key = Account.create()
            keystore = root / "supplier-keystore.json"
            # scrypt n = 2^14 (a wallet's default is 2^18: the same code, ~16 times the seconds in the page)
            keystore.write_text(json.dumps(Account.encrypt(key.key, KEYSTORE_PASSWORD, kdf="scrypt", iterations=2**14)))
            p = Platform(gateway, node, keystore, key.address, supplier_key=key)
            tokens = gateway.tokens
            for pid, role, extra in (
                ("regulator", "REGULATOR", {}),
                ("bank", "BANK", {}),
                ("core", "ENTERPRISE", {}),
                ("supplier", "ENTERPRISE", {"address": key.address}),
            ):
                body = p.api("POST", "/v1/participants", json={"id": pid, "name": NAMES[pid], "role": role, **extra})
                tokens[pid] = body["api_token"]
            p.api("POST", "/v1/participants/bank/mint-limit", "regulator", json={"limit": "100000000.00"})
            p.api("POST", "/v1/cash/mint", "bank", json={"to": "bank", "amount": MINTED})
            p.contracts = contracts_at(node, p.api("GET", "/v1/health")["contracts"])
            yield p
    finally:
        node.close()


NAMES = {
    "regulator": "上海票据监管局",
    "bank": "浦江银行",
    "core": "长江汽车集团",
    "supplier": "江南零部件有限公司",
}


class Console:
    """One user's browser context on the console: signs in through the page, acts by clicking."""

    def __init__(self, browser: Browser, platform: Platform, who: str, lang: str = "en") -> None:
        self.platform = platform
        self.who = who
        self.lang = lang
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context: BrowserContext = browser.new_context(
            viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.page: Page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.set_default_timeout(30_000)

    def open(self, route: str = "#/") -> None:
        self.page.goto(f"{self.platform.url}/console{route}")

    def sign_in(self) -> None:
        self.open()
        if self.page.locator("html").get_attribute("lang") != ("en" if self.lang == "en" else "zh-CN"):
            self.page.locator("#lang").click()
        self.page.get_by_test_id("token").fill(self.platform.token(self.who))
        self.page.get_by_test_id("signin-submit").click()
        expect(self.page.get_by_test_id("whoami")).to_contain_text(self.who)

    def go(self, route: str) -> None:
        """Show `route` (a hash route) and wait until its screen is rendered."""
        self.page.evaluate("route => { location.hash = route; }", route)
        self.shown(route)

    def shown(self, route: str) -> None:
        self.page.wait_for_function("route => document.body.dataset.shown === route", arg=route)

    def act(self, key: str, fields: dict[str, str | Path | bool] | None = None) -> str:
        """Open action `key`, fill its form (a bool ticks a checkbox or not), review: returns the consequence
        the page states."""
        self.page.get_by_test_id(f"action-{key}").click()
        panel = self.page.get_by_test_id(f"panel-{key}")
        for name, value in (fields or {}).items():
            control = panel.get_by_test_id(f"field-{name}")
            if isinstance(value, Path):
                control.set_input_files(value)
            elif isinstance(value, bool):
                control.set_checked(value)
            elif control.evaluate("el => el.tagName") == "SELECT":
                control.select_option(value)
            else:
                control.fill(value)
        panel.get_by_test_id(f"review-{key}").click()
        consequence = panel.get_by_test_id("consequence").or_(panel.get_by_test_id("problem"))
        expect(consequence).to_be_visible()
        return consequence.inner_text()

    def confirm(self, key: str) -> None:
        self.page.get_by_test_id(f"panel-{key}").get_by_test_id(f"confirm-{key}").click()

    def sign_with_keystore(self, keystore: Path, password: str) -> None:
        form = self.page.get_by_test_id("keystore-form")
        form.get_by_test_id("keystore-file").set_input_files(keystore)
        form.get_by_test_id("keystore-password").fill(password)
        form.get_by_test_id("sign-keystore").click()

    def done(self) -> str:
        toast = self.page.locator("#toast .done")
        expect(toast).to_be_visible(timeout=60_000)
        text = toast.inner_text()
        self.page.evaluate("() => document.getElementById('toast').replaceChildren()")
        return text

    def problem(self) -> str:
        box = self.page.get_by_test_id("problem")
        expect(box).to_be_visible()
        return box.inner_text()

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.wait_for_load_state("networkidle")
        self.page.screenshot(path=str(SHOTS / f"{name}.{self.lang}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()
        origin = self.platform.url
        outside = [u for u in self.requests if not (u.startswith(origin + "/") or u.startswith(("blob:", "data:")))]
        assert not outside, f"requests outside the gateway's origin: {outside}"
        tokens = [t for t in self.platform.gateway.tokens.values()]
        leaked = [u for u in self.requests if any(t in u for t in tokens)]
        assert not leaked, "a token in a URL"
        assert not [e for e in self.errors if not _expected_error(e)], f"errors in the page: {self.errors}"


def _expected_error(message: str) -> bool:
    """The browser logs every 4xx a fetch gets; the tests provoke some on purpose."""
    return bool(re.search(r"status of (4\d\d)", message))


@pytest.fixture
def console(browser: Browser, platform: Platform) -> Iterator[Any]:
    opened: list[Console] = []

    def open_as(who: str, lang: str = "en") -> Console:
        c = Console(browser, platform, who, lang)
        opened.append(c)
        return c

    yield open_as
    for c in opened:
        c.close()
