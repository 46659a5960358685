"""Calendar days in Asia/Shanghai, as the contracts count them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from chain.model import day_date, day_number, shanghai_date


def test_a_shanghai_day_starts_at_16_00_utc() -> None:
    before = int(datetime(2026, 11, 30, 15, 59, 59, tzinfo=UTC).timestamp())
    after = before + 1
    assert shanghai_date(before) == date(2026, 11, 30)
    assert shanghai_date(after) == date(2026, 12, 1)


def test_the_contract_day_formula_matches() -> None:
    ts = int(datetime(2026, 12, 1, 0, 0, tzinfo=UTC).timestamp())
    assert day_number(shanghai_date(ts)) == (ts + 8 * 3600) // 86_400


@given(st.dates(min_value=date(1970, 1, 1), max_value=date(2100, 12, 31)))
def test_day_numbers_round_trip(d: date) -> None:
    assert day_date(day_number(d)) == d
