"""Which items of a mined bundle go in another (gateway/ledger/bundler.py `going_again`), outcome by outcome."""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

from chain.errors import InvalidAccountNonce, OutOfGas, TransferNotFound
from chain.tx import TxResult
from gateway.ledger.bundler import MATE_FAILED, RETRY, Item, going_again


def _items(*signers_and_tries: tuple[str, int]) -> list[Item]:
    return [cast(Item, SimpleNamespace(signer=SimpleNamespace(address=a), tries=t)) for a, t in signers_and_tries]


DONE = cast(TxResult, object())
NONCE = InvalidAccountNonce("0xS", 4)


def test_a_signer_s_items_after_its_failed_one_go_again_as_mates_whatever_their_tries() -> None:
    items = _items(("S", 0), ("S", 0), ("S", 1), ("T", 0))
    outcomes = [TransferNotFound(7), NONCE, OutOfGas("out of gas"), DONE]
    assert going_again(items, outcomes) == [None, MATE_FAILED, MATE_FAILED, None]


def test_a_signer_s_first_failure_for_its_nonce_or_gas_is_its_one_retry() -> None:
    items = _items(("S", 0), ("T", 0), ("U", 1), ("V", 1))
    assert going_again(items, [NONCE, OutOfGas("x"), NONCE, OutOfGas("x")]) == [RETRY, RETRY, None, None]


def test_items_after_a_success_of_their_signer_are_not_mates() -> None:
    items = _items(("S", 0), ("S", 0), ("S", 0))
    assert going_again(items, [DONE, NONCE, NONCE]) == [None, RETRY, MATE_FAILED]
