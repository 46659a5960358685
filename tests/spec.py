"""The spec, read from where it is kept beside the repository (../shared/spec): the tests take their
lists from API.md's own tables, so that a row added to the spec fails until it is built."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec"
SIGNING = Path(__file__).resolve().parents[1] / "docs" / "SIGNING.md"
CODE = re.compile(r"`([A-Z][A-Z_]{3,})`")


@cache
def api_md() -> str:
    return (SPEC / "API.md").read_text(encoding="utf-8")


def _section(text: str, title: str) -> str:
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else len(text)]


@dataclass(frozen=True)
class SpecEndpoint:
    method: str
    path: str  # as API.md writes it: /v1/bills/{id}/accept
    who: str
    body: str
    answer: str


def _rows(section: str) -> list[SpecEndpoint]:
    """An endpoint table's rows; a row naming several paths (`/freeze, /unfreeze`) is one each."""
    found = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not re.match(r"^(GET|POST|PUT|DELETE|PATCH) /", cells[0]):
            continue
        method, paths = cells[0].split(" ", 1)
        first, *others = [p.strip() for p in paths.split(",")]
        found.append(SpecEndpoint(method, first, *cells[1:]))
        stem = first.rsplit("/", 1)[0]
        found += [SpecEndpoint(method, stem + other, *cells[1:]) for other in others]
    return found


@cache
def added_endpoints() -> tuple[SpecEndpoint, ...]:
    """Every row of API.md's added section, built or not."""
    return tuple(_rows(_section(api_md(), "Added")))


@cache
def endpoints() -> tuple[SpecEndpoint, ...]:
    """Every row of API.md's endpoint table and of its added section (all built: issues 24 and 27)."""
    return (*_rows(_section(api_md(), "Endpoints")), *added_endpoints())


@cache
def problem_codes() -> frozenset[str]:
    """Every problem code API.md names: in its conventions, its endpoint table and its added section."""
    text = api_md()
    found = [*CODE.findall(_section(text, "Conventions")), *CODE.findall(_section(text, "Endpoints"))]
    # the added section names enum values too (`ISSUED`, `PENDING`): its codes are those given a status
    found += [code for _, code in re.findall(r"\b([1-5][0-9]{2})\s+`([A-Z_]+)`", _section(text, "Added"))]
    return frozenset(code for code in found if not code.startswith("BILLCHAIN_"))


@cache
def statuses() -> dict[str, int]:
    """The HTTP status API.md gives each problem code: `NNN `CODE`` and `NNN for ... (`A`, `B`)`."""
    text = _section(api_md(), "Conventions") + _section(api_md(), "Endpoints") + _section(api_md(), "Added")
    found: dict[str, int] = {}
    for status, codes in re.findall(r"\b([1-5][0-9]{2}) for [^(]*\(([^)]*)\)", text):
        found.update({code: int(status) for code in CODE.findall(codes)})
    for status, code in re.findall(r"\b([1-5][0-9]{2})\s+`([A-Z_]+)`", text):
        found[code] = int(status)
    return found


#: API.md's codes that the contracts raise (the rest are the gateway's: authentication, parsing, limits)
GATEWAY_ONLY = frozenset(
    {"UNAUTHENTICATED", "MALFORMED_REQUEST", "IDEMPOTENCY_KEY_REUSED", "RATE_LIMITED", "CHAIN_UNAVAILABLE"}
)


@cache
def signing_codes() -> dict[str, int]:
    """The problem codes of self-custody signing, which API.md does not list: docs/SIGNING.md's table."""
    section = _section(SIGNING.read_text(encoding="utf-8"), "Problem codes")
    rows = re.findall(r"^\| `([A-Z_]+)` \| ([0-9]{3}) \|", section, flags=re.MULTILINE)
    return {code: int(status) for code, status in rows}
