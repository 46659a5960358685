"""The documents a newcomer reads: every link stays in the repository and leads somewhere, and
docs/ARCHITECTURE.md names only modules that exist, in the package it puts them in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", ROOT / "BENCHMARKS.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_link_stays_in_the_repository_and_leads_somewhere(doc: Path) -> None:
    for target in LINK.findall(doc.read_text()):
        assert "://" not in target, f"{doc.name} links outside the repository: {target}"
        resolved = (doc.parent / target).resolve()
        assert resolved.is_relative_to(ROOT), f"{doc.name}: {target} leaves the repository"
        assert resolved.exists(), f"{doc.name}: {target} does not exist"


def test_the_readme_is_short_and_shows_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 150 and "make run" in readme and "make test" in readme


def test_every_module_the_architecture_names_exists_where_it_says() -> None:
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text()
    rows = re.findall(r"^\| `([a-z_.]+)` \| (.+) \|$", text, re.M)
    assert {package for package, _ in rows} >= {"chain", "gateway.core", "gateway.ledger", "gateway.services"}
    for package, held in rows:
        folder = ROOT / package.replace(".", "/")
        assert folder.is_dir(), package
        for name in re.findall(r"`([a-z_/]+(?:\.py|/))", held):
            assert (folder / name.rstrip("/")).exists(), f"{package}: {name} is not there"
    for source in re.findall(r"`(contracts/[A-Za-z/]+\.sol)`", text):
        assert (ROOT / source).exists(), source


#: a repository path named in a comment or docstring, in parentheses or backticks: "(gateway/ledger/follower.py)"
NAMED_PATH = re.compile(
    r"[(`]((?:chain|gateway|billchain_tools|billchain_client|tests|scripts|docs|contracts|bench)/[\w/.*-]+"
    r"\.(?:py|md|sol|json|js|yaml|toml|sh))"
)


def test_every_file_a_comment_names_exists() -> None:
    """A comment that sends a reader to a file (`see gateway/ledger/follower.py`) sends them somewhere."""
    sources = [ROOT / "pyproject.toml", ROOT / "Makefile"]
    for package in ("chain", "gateway", "billchain_tools", "billchain_client", "tests", "scripts"):
        sources += [p for p in (ROOT / package).rglob("*") if p.suffix in (".py", ".js", ".sol", ".yaml")]
    sources += list((ROOT / "contracts").rglob("*.sol"))
    missing = [
        f"{source.relative_to(ROOT)}: {named}"
        for source in sources
        if "vendor" not in source.parts and "node_modules" not in source.parts
        for named in NAMED_PATH.findall(source.read_text(encoding="utf-8", errors="replace"))
        if not (list(ROOT.glob(named)) if "*" in named else (ROOT / named).exists())
    ]
    assert not missing, "\n".join(missing)
