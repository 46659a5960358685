"""The console's message catalogues (gateway/console/static/messages/{zh,en}.json): both languages have the
same keys, the same placeholders and no empty text; every key a module asks for with t("...") is there, and
every text is asked for; the problems are exactly the product's problem codes (chain/problem_codes.py, the
one table), the English reason being each code's title."""

from __future__ import annotations

import json
import re
from importlib.resources import files

import pytest

from chain.problem_codes import ProblemCode

STATIC = files("gateway.console") / "static"
LANGUAGES = ("zh", "en")
GROUPS = ["problems", "names", "text"]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def catalogue(lang: str) -> dict[str, dict[str, str]]:
    loaded: dict[str, dict[str, str]] = json.loads((STATIC / "messages" / f"{lang}.json").read_text(encoding="utf-8"))
    return loaded


def modules() -> str:
    """Every module of the console, as one text."""
    return "\n".join(p.read_text(encoding="utf-8") for p in STATIC.iterdir() if p.name.endswith(".js"))


def test_both_languages_have_the_same_groups_and_keys() -> None:
    zh, en = catalogue("zh"), catalogue("en")
    assert list(zh) == list(en) == GROUPS
    for group in GROUPS:
        assert sorted(zh[group]) == sorted(en[group]), group


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_text_is_empty(lang: str) -> None:
    texts = catalogue(lang)
    assert [f"{group}.{key}" for group in texts for key, text in texts[group].items() if not text.strip()] == []


def test_a_text_names_the_same_placeholders_in_both_languages() -> None:
    zh, en = catalogue("zh")["text"], catalogue("en")["text"]
    differ = {key for key in zh if set(PLACEHOLDER.findall(zh[key])) != set(PLACEHOLDER.findall(en[key]))}
    assert differ == set()


def test_every_key_the_modules_ask_for_is_in_the_catalogue_and_every_text_is_asked_for() -> None:
    code = modules()
    texts = set(catalogue("en")["text"])
    asked = set(re.findall(r"""\bt\(\s*["']([^"'$]+)["']""", code))
    assert asked, 'no t("...") found: has the lookup been renamed?'
    assert asked - texts == set()
    # a key may also be chosen before the call (a screen's title, one of two texts): it is quoted whole
    assert {key for key in texts if f'"{key}"' not in code} == set(), "texts no module uses"
    named = set(re.findall(r"""\bname\(\s*["']([^"'$]+)["']""", code))
    assert named - set(catalogue("en")["names"]) == set()


def test_the_problems_are_the_product_s_problem_codes() -> None:
    codes = [code.value for code in ProblemCode]
    for lang in LANGUAGES:
        assert list(catalogue(lang)["problems"]) == codes, lang
    assert catalogue("en")["problems"] == {code.value: code.summary for code in ProblemCode}
