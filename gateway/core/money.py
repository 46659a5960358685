"""Money is integer fen inside; decimal strings only at the edge. Rates are millionths."""

from __future__ import annotations

import re

_AMOUNT = re.compile(r"^(0|[1-9][0-9]{0,17})(\.[0-9]{1,2})?$")
_RATE = re.compile(r"^0(\.[0-9]{1,6})?$")


def parse_amount(text: str) -> int:
    """'1250000.50' -> 125000050 fen; ValueError for anything else."""
    match = _AMOUNT.match(text)
    if not match:
        raise ValueError("an amount is a decimal string with at most two decimals")
    whole, frac = match.group(1), (match.group(2) or ".")[1:]
    return int(whole) * 100 + int(frac.ljust(2, "0"))


def format_amount(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def parse_rate(text: str) -> int:
    """'0.0185' -> 18500 millionths; 0 <= rate < 1 with at most 6 decimals."""
    match = _RATE.match(text)
    if not match:
        raise ValueError("a rate is a decimal string 0 <= rate < 1 with at most six decimals")
    return int((match.group(1) or ".")[1:].ljust(6, "0"))


def format_rate(micros: int) -> str:
    text = f"0.{micros:06d}".rstrip("0")
    return text + "0" if text.endswith(".") else text
