"""The 30-digit bill number of DOMAIN.md."""

from __future__ import annotations

from datetime import date

TYPE_DIGITS = {"BANK_ACCEPTANCE": "5", "COMMERCIAL_ACCEPTANCE": "6"}


def luhn_digit(payload: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:  # the rightmost payload digit is doubled: the check digit goes after it
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def bill_no(kind: str, acceptor_role: str, acceptor_code: str, issue_date: date, bill_id: int) -> str:
    digit = TYPE_DIGITS.get(kind) or ("8" if acceptor_role == "BANK" else "7")
    payload = f"{digit}{acceptor_code}{issue_date:%Y%m%d}{bill_id:08d}"
    return payload + luhn_digit(payload)
