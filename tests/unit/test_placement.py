"""A replay's placement (billchain_tools/replay/placement.py): which gateway serves whom; a bad one is
refused before anything is sent, with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from billchain_tools.replay import LIBRARY
from billchain_tools.replay.placement import PlacementInvalid, Seat, load_placement
from gateway.cli import app

GOOD = """
gateways:
  bank-b: {url: "http://127.0.0.1:9", operator_token_env: PLACEMENT_TEST_TOKEN}
participants:
  t1: {gateway: bank-b}
  core: {custody: self}
"""


def test_a_placement_names_gateways_seats_and_takes_tokens_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "gateways.yaml"
    path.write_text(GOOD)
    monkeypatch.setenv("PLACEMENT_TEST_TOKEN", "bc_token-of-b")
    placement = load_placement(path)
    assert placement.seat("t1") == Seat(gateway="bank-b", custody="hosted")
    assert placement.seat("core") == Seat(custody="self") and placement.seat("anyone") == Seat()
    assert placement.operator_token("bank-b") == "bc_token-of-b"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (GOOD, "PLACEMENT_TEST_TOKEN"),  # the token is not in the environment
        ("participants: {t1: {gateway: nowhere}}", "no gateway 'nowhere'"),
        ("participants: {t1: {custody: cold}}", "custody"),
        ("gateways: {b: {url: 'ftp://x', operator_token_env: X}}", "url"),
        ("gateways: {b: {url: 'http://x', operator_token: secret}}", "operator_token"),
        ("[1, 2", "gateways.yaml"),
    ],
)
def test_a_bad_placement_is_refused_with_its_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, why: str
) -> None:
    monkeypatch.delenv("PLACEMENT_TEST_TOKEN", raising=False)
    path = tmp_path / "gateways.yaml"
    path.write_text(text)
    with pytest.raises(PlacementInvalid, match=why):
        load_placement(path)
    result = CliRunner().invoke(
        app,
        [
            "replay",
            str(LIBRARY / "01-three-tier-supply-chain.yaml"),
            "--target",
            "http://127.0.0.1:9",
            "--operator-token",
            "t",
            "--gateways",
            str(path),
        ],
    )
    assert result.exit_code == 2 and "invalid placement" in result.output
