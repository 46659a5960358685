"""Fail on an import cycle anywhere in the product or the tools (`make lint`, after lint-imports).

import-linter's layer contract (pyproject.toml) catches an import that points up a layer; this
catches the cycles it cannot see: two modules of one layer (or one package) importing each other,
directly or through others.
"""

from __future__ import annotations

import sys

import grimp

PACKAGES = ("chain", "gateway", "billchain_tools")


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
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
