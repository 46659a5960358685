"""The Python error classes and the contracts' custom errors are the same list."""

from __future__ import annotations

import dataclasses

from chain.artifacts import load_artifact
from chain.deploy import PLATFORM_CONTRACTS
from chain.errors import ERROR_CLASSES, snake
from tests.spec import GATEWAY_ONLY, problem_codes, signing_codes


def abi_errors() -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name in PLATFORM_CONTRACTS:
        for entry in load_artifact(name).abi:
            if entry["type"] == "error":
                errors[entry["name"]] = [snake(i["name"]) for i in entry["inputs"]]
    return errors


def test_one_class_per_custom_error_with_the_same_arguments() -> None:
    abi = abi_errors()
    assert set(ERROR_CLASSES) == set(abi)
    for name, args in abi.items():
        assert [f.name for f in dataclasses.fields(ERROR_CLASSES[name])] == args, name


def test_every_error_maps_to_an_api_problem_code() -> None:
    """The codes come from API.md's own text: a code added there fails here until a contract raises it."""
    # SIGNATURE_REQUIRED is the gateway's: it holds no key to send anything with
    spec = (problem_codes() | set(signing_codes())) - GATEWAY_ONLY - {"SIGNATURE_REQUIRED"}
    raised = {cls.code for cls in ERROR_CLASSES.values()}
    assert raised <= spec
    assert raised >= spec  # every state and semantic code API.md names is reachable from some contract error
