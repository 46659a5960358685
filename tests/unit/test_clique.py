"""The local Clique network's generated parts (billchain_tools/clique.py), checked without starting geth."""

from __future__ import annotations

from pathlib import Path

from eth_account import Account
from typer.testing import CliRunner

from billchain_tools.clique import EPOCH, clique_extradata, genesis
from gateway.cli import app


def test_extradata_is_vanity_then_the_signers_in_ascending_order_then_an_empty_seal() -> None:
    signers = [Account.create().address for _ in range(4)]
    extra = bytes.fromhex(clique_extradata(signers)[2:])
    assert len(extra) == 32 + 4 * 20 + 65
    assert extra[:32] == bytes(32) and extra[-65:] == bytes(65)
    named = [extra[32 + 20 * i : 52 + 20 * i] for i in range(4)]
    assert named == sorted(bytes.fromhex(s[2:]) for s in signers)


def test_the_genesis_stops_at_berlin_so_that_a_zero_gas_price_is_valid() -> None:
    config = genesis(20_262, [Account.create().address], period=1)["config"]
    assert config["clique"] == {"period": 1, "epoch": EPOCH}
    assert config["berlinBlock"] == 0 and config["chainId"] == 20_262
    # London's base fee never falls to 0, and no merge (Clique stops there)
    assert not {"londonBlock", "shanghaiTime", "cancunTime", "terminalTotalDifficulty"} & set(config)


def test_network_commands_on_a_folder_without_a_network_say_so(tmp_path: Path) -> None:
    for command in ("status", "down"):
        done = CliRunner().invoke(app, ["network", command, "--dir", str(tmp_path)])
        assert done.exit_code == 1 and "no network at" in done.output, done.output
