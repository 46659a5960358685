"""The order in which the chain guard sends again what a node lost (gateway/ledger/chainguard.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from gateway.core.db import OutboxRow
from gateway.ledger.chainguard import _in_signing_order

T0 = datetime(2026, 12, 7, 8, 0)


def _row(name: str, signer: str, nonce: int, second: int) -> OutboxRow:
    return OutboxRow(tx_hash=name, signer=signer, nonce=nonce, created_at=T0 + timedelta(seconds=second))


def _order(rows: list[OutboxRow]) -> list[str]:
    return [r.tx_hash for r in _in_signing_order(rows)]


def test_the_order_written_down_across_signers_and_the_nonce_order_within_one() -> None:
    rows = [
        _row("bank-mint", "0xB", 0, 3),
        _row("operator-register", "0xA", 7, 1),
        _row("payee-pays", "0xC", 0, 5),
        _row("bank-pays-back", "0xB", 1, 7),
    ]
    assert _order(rows) == ["operator-register", "bank-mint", "payee-pays", "bank-pays-back"]
    # two of one signer written down in the other order (at once, from two requests): nonces decide
    swapped = [_row("second", "0xB", 1, 1), _row("first", "0xB", 0, 2), _row("other", "0xA", 0, 3)]
    assert _order(swapped) == ["first", "second", "other"]


def test_of_two_rows_with_one_nonce_only_the_later_is_sent() -> None:
    """A nonce lost for good and reused after `billchain reindex`: the later write is the one acknowledged."""
    rows = [_row("lost-for-good", "0xB", 4, 1), _row("between", "0xA", 0, 2), _row("reused", "0xB", 4, 3)]
    assert _order(rows) == ["between", "reused"]
