"""The console's assets: the vendored npm packages are the pinned ones, unchanged; the pages load
scripts from files only (no inline script, no inline handler) and nothing from another origin."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CONSOLE = files("gateway.console")
VENDORED = {
    "swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
    "redoc.standalone.js": "redoc/bundles/redoc.standalone.js",
    "ethers.min.js": "ethers/dist/ethers.min.js",
}


@pytest.mark.parametrize("name", sorted(VENDORED))
def test_vendored_assets_are_the_pinned_packages_unchanged(name: str) -> None:
    package = REPO / "node_modules" / VENDORED[name]
    assert package.is_file(), "run `make setup` (npm ci) first"
    assert (CONSOLE / "vendor" / name).read_bytes() == package.read_bytes(), "run scripts/vendor_console.sh"


def test_the_vendor_script_lists_exactly_what_is_vendored() -> None:
    script = (REPO / "scripts" / "vendor_console.sh").read_text()
    listed = dict(line.split()[::-1] for line in script.split("<<'LIST'\n")[1].split("\nLIST")[0].splitlines())
    assert listed == VENDORED
    assert sorted(p.name for p in (CONSOLE / "vendor").iterdir()) == sorted(VENDORED)


def _pages() -> list[tuple[str, str]]:
    return [(p.name, p.read_text(encoding="utf-8")) for p in (CONSOLE / "static").iterdir() if p.name.endswith(".html")]


@pytest.mark.parametrize(("name", "html"), _pages())
def test_pages_have_no_inline_script_and_load_only_local_files(name: str, html: str) -> None:
    for tag in re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S):
        assert tag.strip() == "", f"{name}: an inline script"
    assert re.findall(r"<script\b(?![^>]*\bsrc=\"/)[^>]*>", html) == [], f"{name}: a script without a local src"
    assert not re.search(r"\son[a-z]+=", html), f"{name}: an inline event handler"
    assert not re.search(r"(src|href)=\"(https?:)?//", html), f"{name}: an asset from another origin"


def test_the_console_code_asks_only_its_own_origin() -> None:
    for path in (CONSOLE / "static").iterdir():
        if path.name.endswith(".js"):
            code = path.read_text(encoding="utf-8")
            assert not re.search(r"https?://", code), f"{path.name} names another origin"
            assert "innerHTML" not in code, f"{path.name}: build elements from text nodes (ui.js h)"
            assert 'localStorage.setItem("billchain.token' not in code  # the token lives in sessionStorage
