"""The local Clique network's generated parts (billchain_tools/clique.py), checked without starting geth."""

from __future__ import annotations

import json
from pathlib import Path

from eth_account import Account
from typer.testing import CliRunner

from billchain_tools.clique import EPOCH, CliqueNetwork, clique_extradata, genesis
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


def test_each_nodes_gateway_is_served_at_gas_price_0_and_joins_the_platform_node_1s_deploys(tmp_path: Path) -> None:
    """What `network up` prints: without --gas-price 0 a gateway pays the node's suggested price from an account
    that holds nothing, and its deployment is refused ("insufficient funds for gas * price + value")."""
    nodes = [
        {"index": i, "signer": Account.create().address, "p2p_port": 30300 + i, "http_port": 8540 + i}
        | {"authrpc_port": 8550 + i, "enode": f"enode://{i}@127.0.0.1:{30300 + i}"}
        for i in (1, 2)
    ]
    (tmp_path / "network.json").write_text(json.dumps({"chain_id": 20_262, "period": 1, "nodes": nodes}))
    net = CliqueNetwork(tmp_path)
    first, second = net.serve_command(1), net.serve_command(2)
    assert first == [
        "billchain", "serve", "--chain", "http://127.0.0.1:8541", "--gas-price", "0",
        "--data-dir", str(tmp_path / "gateway-1"), "--port", "8000",
    ]  # fmt: skip
    assert second == [
        "billchain", "serve", "--chain", "http://127.0.0.1:8542", "--gas-price", "0",
        "--data-dir", str(tmp_path / "gateway-2"), "--port", "8001",
        "--contracts", str(tmp_path / "gateway-1" / "chains" / "20262.json"),  # where node 1's gateway keeps it
    ]  # fmt: skip
