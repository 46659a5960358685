"""/docs and /redoc render in a browser with no internet: every asset comes from the gateway."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser.conftest import Platform, pytestmark  # noqa: F401


def test_swagger_ui_and_redoc_show_the_operations_from_local_assets(browser: Browser, platform: Platform) -> None:
    context = browser.new_context()
    requests: list[str] = []
    blocked: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    context.on("requestfailed", lambda r: blocked.append(r.url) if r.failure == "csp" else None)
    page = context.new_page()
    response = page.goto(f"{platform.url}/docs")
    assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.get_by_text("/v1/bills/{bill_id}/discount/quote").first).to_be_visible(timeout=30_000)
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() > 50
    page.goto(f"{platform.url}/redoc")
    expect(page.get_by_text("billchain gateway").first).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Prepare issue for its signer").first).to_be_attached()
    page.wait_for_load_state("networkidle")
    context.close()
    outside = [u for u in requests if not u.startswith((platform.url + "/", "blob:", "data:"))]
    # ReDoc's bundle hard-codes its footer logo from cdn.redoc.ly: the page's Content-Security-Policy
    # (img-src 'self' data:) stops the browser before it leaves the machine; nothing else is asked for
    assert outside == blocked == ["https://cdn.redoc.ly/redoc/logo-mini.svg"], (outside, blocked)
