"""One source for every problem code (chain/problem_codes.py), and the error classes held to the contracts.

- every custom error of the contracts' ABIs has its Python class, with the same arguments, names and types;
- each of the contracts' own errors names its code in its `@dev` NatSpec (chain/artifacts/errors.json, made
  by `billchain compile` from the sources), and that code is a ProblemCode; OpenZeppelin's get theirs from
  chain/errors.py's `THIRD_PARTY`, and no error is in both;
- the codes the contracts raise are exactly API.md's state and semantic codes.
"""

from __future__ import annotations

import dataclasses
import typing

from chain.artifacts import load_artifact, load_error_codes
from chain.deploy import PLATFORM_CONTRACTS
from chain.errors import ERROR_CLASSES, THIRD_PARTY, snake
from chain.problem_codes import ProblemCode
from chain.zk.ledger import CONFIDENTIAL_CONTRACTS
from tests.spec import GATEWAY_ONLY, problem_codes, signing_codes


def abi_errors() -> dict[str, list[tuple[str, str]]]:
    errors: dict[str, list[tuple[str, str]]] = {}
    for name in (*PLATFORM_CONTRACTS, *CONFIDENTIAL_CONTRACTS):
        for entry in load_artifact(name).abi:
            if entry["type"] == "error":
                errors[entry["name"]] = [(snake(i["name"]), i["type"]) for i in entry["inputs"]]
    return errors


def python_type(solidity: str) -> type:
    if solidity in ("address", "string"):
        return str
    if solidity == "bool":
        return bool
    if solidity.startswith(("uint", "int")):
        return int
    assert solidity.startswith("bytes"), solidity
    return bytes


def test_one_class_per_custom_error_with_the_same_arguments_and_types() -> None:
    abi = abi_errors()
    assert set(ERROR_CLASSES) == set(abi)
    for name, args in abi.items():
        hints = typing.get_type_hints(ERROR_CLASSES[name])
        fields = [(f.name, hints[f.name]) for f in dataclasses.fields(ERROR_CLASSES[name])]
        assert fields == [(arg, python_type(solidity)) for arg, solidity in args], name


def test_each_error_s_code_is_its_contract_s_own_or_openzeppelin_s() -> None:
    named = load_error_codes()
    assert set(named) | set(THIRD_PARTY) == set(abi_errors()) and not set(named) & set(THIRD_PARTY)
    for name, cls in ERROR_CLASSES.items():
        assert isinstance(cls.code, ProblemCode)
        assert cls.code == (ProblemCode[named[name]] if name in named else THIRD_PARTY[name]), name


def test_every_error_maps_to_an_api_problem_code() -> None:
    """The codes come from API.md's own text: a code added there fails here until a contract raises it."""
    # SIGNATURE_REQUIRED is the gateway's: it holds no key to send anything with
    spec = (problem_codes() | set(signing_codes())) - GATEWAY_ONLY - {"SIGNATURE_REQUIRED"}
    raised = {cls.code for cls in ERROR_CLASSES.values()}
    assert raised <= spec
    assert raised >= spec  # every state and semantic code API.md names is reachable from some contract error


def test_the_one_table_holds_every_code_the_spec_and_the_signing_doc_name() -> None:
    assert problem_codes() | set(signing_codes()) <= {code.value for code in ProblemCode}
    assert all(code.summary and 400 <= code.status <= 599 for code in ProblemCode)
