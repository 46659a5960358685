"""Serves the console and the API reference pages from package data, never from a CDN: banks run the
gateway where there is no internet. Every page carries a Content-Security-Policy that allows scripts,
styles and requests to this origin only, and no inline script; the console is a client of the public API
(the same tokens, the same rules), so it can do nothing a caller of the API could not.

Assets: `static/` is the console's own code; `vendor/` holds the npm packages it loads (Swagger UI, ReDoc,
ethers), copied by scripts/vendor_console.sh from the versions package-lock.json pins.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from chain.problem_codes import ProblemCode
from gateway.core.problems import Problem

ASSETS = files("gateway.console")
TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".html": "text/html",
    ".svg": "image/svg+xml",
    ".json": "application/json",
}

#: the console: this origin only, no inline script or style, no framing, no plugin, no base rewriting
CONSOLE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
#: Swagger UI and ReDoc set styles inline and ReDoc searches in a worker it makes from a blob
REFERENCE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self' data:; worker-src 'self' blob:; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

router = APIRouter(include_in_schema=False)
AssetName = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9._-]{0,80}\.(js|css|svg)$")]


def _page(name: str, csp: str) -> Response:
    body = (ASSETS / "static" / name).read_bytes()
    return Response(
        body, media_type="text/html; charset=utf-8", headers={**SECURITY_HEADERS, "Content-Security-Policy": csp}
    )


@router.get("/console")
def console() -> Response:
    return _page("index.html", CONSOLE_CSP)


@router.get("/docs")
def swagger() -> Response:
    return _page("swagger.html", REFERENCE_CSP)


@router.get("/redoc")
def redoc() -> Response:
    return _page("redoc.html", REFERENCE_CSP)


@router.get("/console/{folder}/{name}")
def asset(folder: Annotated[str, Path(pattern="^(static|vendor)$")], name: AssetName) -> Response:
    item = ASSETS / folder / name
    if not item.is_file():
        raise Problem(ProblemCode.NOT_FOUND, f"no console asset {folder}/{name}")
    suffix = name[name.rfind(".") :]
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}
    return Response(item.read_bytes(), media_type=TYPES[suffix], headers=headers)


@router.get("/console/static/messages/{name}")
def messages(name: Annotated[str, Path(pattern=r"^[a-z]{2}\.json$")]) -> Response:
    """The console's words in one language (static/messages/), which its modules import as JSON modules: a
    browser runs those only when served as JSON, and the page's CSP allows them as a fetch (connect-src)."""
    return asset("static/messages", name)
