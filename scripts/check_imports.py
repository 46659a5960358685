"""Fail on an import cycle, or on an import of a library's private module, anywhere in the product, the client
or the tools (`make lint`, after lint-imports).

import-linter's layer contract (pyproject.toml) catches an import that points up a layer; this catches the
cycles it cannot see: two modules of one layer (or one package) importing each other, directly or through
others. A private module (a dotted path with a part that starts with "_") may change under any release: one
import of one is allowed, kept behind one function whose test pins its behaviour (`PINNED_PRIVATE`).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import grimp

PACKAGES = ("chain", "gateway", "billchain_tools", "billchain_client")
ROOT = Path(__file__).resolve().parent.parent
#: (module, private module it imports): chain/tx.py `sign_transaction` signs without eth-account's re-derivation
#: of the key's address on every signature (a tenth of a write's CPU); tests/unit/test_tx_signing.py holds its
#: bytes equal to `Account.sign_transaction`'s
PINNED_PRIVATE = {("chain/tx.py", "eth_account._utils.signing")}


def private_imports() -> list[tuple[str, str]]:
    """(file, module) for every import of a module with a private part, outside the pinned one."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
                for name in names:
                    private = any(part.startswith("_") and part != "__future__" for part in name.split("."))
                    where = path.relative_to(ROOT).as_posix()
                    if private and (where, name) not in PINNED_PRIVATE:
                        found.append((where, name))
    return found


def cycles() -> list[tuple[str, ...]]:
    graph = grimp.build_graph(*PACKAGES)
    found: set[tuple[str, ...]] = set()
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back:
                loop = (importer, *back)
                start = loop.index(min(loop[:-1]))  # one spelling per cycle, whoever it is found from
                found.add(loop[start:-1] + loop[:start] + (loop[start],))
    return sorted(found)


def main() -> int:
    found = cycles()
    for loop in found:
        print("import cycle: " + " -> ".join(loop))
    print(f"import cycles: {len(found)}")
    private = private_imports()
    for where, name in private:
        print(f"private import: {where} imports {name}")
    print(f"private imports outside the pinned one: {len(private)}")
    return 1 if found or private else 0


if __name__ == "__main__":
    sys.exit(main())
