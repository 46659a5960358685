"""The network generator's output: QBFT genesis, keys, static nodes, allowlists (billchain_tools/network.py)."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from eth_keys.datatypes import PrivateKey

from billchain_tools.network import CHAIN_ID, decode_qbft_extra_data, generate, qbft_extra_data
from chain.keys import Keystore


@pytest.fixture
def network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("BILLCHAIN_KEYSTORE_PASSPHRASE", raising=False)
    generate(tmp_path / "network")
    return tmp_path / "network"


def _validators(network: Path) -> list[str]:
    """The addresses of the generated node keys, read back from the key files."""
    found = []
    for i in range(1, 5):
        key = (network / f"validator-{i}" / "key").read_text().strip()
        found.append(PrivateKey(bytes.fromhex(key.removeprefix("0x"))).public_key.to_checksum_address())
    return found


def test_the_genesis_names_the_four_validators_in_its_extra_data(network: Path) -> None:
    genesis = json.loads((network / "genesis.json").read_text())
    assert decode_qbft_extra_data(genesis["extraData"]) == _validators(network)
    assert len(set(_validators(network))) == 4
    # RLP list [32 zero bytes, 4 addresses, no vote (c0), round 0 (80), no seals (c0)]
    assert genesis["extraData"].startswith("0xf87aa0" + "00" * 32 + "f854")
    assert genesis["extraData"].endswith("c080c0")
    config = genesis["config"]
    assert config["chainId"] == CHAIN_ID and config["zeroBaseFee"] is True
    assert config["qbft"]["blockperiodseconds"] == 2
    assert config["cancunTime"] == 0  # the chain runs Cancun; the contracts (compiled for Paris) run on it


def test_extra_data_round_trips_and_refuses_what_is_not_genesis_qbft() -> None:
    validators = ["0x" + f"{i:040x}" for i in (1, 2, 3)]
    assert [v.lower() for v in decode_qbft_extra_data(qbft_extra_data(validators))] == validators
    with pytest.raises(ValueError):
        decode_qbft_extra_data("0x" + "00" * 32)  # IBFT-1 style vanity only


def test_static_nodes_and_allowlists_are_complete(network: Path) -> None:
    summary = json.loads((network / "network.json").read_text())
    enodes = json.loads((network / "static-nodes.json").read_text())
    assert enodes == [v["enode"] for v in summary["validators"]] + [summary["gateway_node"]["enode"]]
    assert [v["address"] for v in summary["validators"]] == _validators(network)
    operator = Keystore(network / "gateway").load("operator").address
    for name in [f"validator-{i}" for i in range(1, 5)] + ["gateway-node"]:
        permissions = tomllib.loads((network / name / "permissions_config.toml").read_text())
        assert permissions["nodes-allowlist"] == enodes  # every node may reach every other
        assert permissions["accounts-allowlist"] == [operator]
        key = network / name / "key"
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    for enode, ip in zip(enodes, [*(f"172.16.240.{10 + i}" for i in range(1, 5)), "172.16.240.10"], strict=True):
        assert enode.startswith("enode://") and enode.endswith(f"@{ip}:30303") and len(enode.split("@")[0]) == 8 + 128


def test_the_gateways_node_is_not_a_validator(network: Path) -> None:
    """It has no vote: its address is not in the genesis extraData (QBFT's validator set)."""
    key = (network / "gateway-node" / "key").read_text().strip()
    address = PrivateKey(bytes.fromhex(key.removeprefix("0x"))).public_key.to_checksum_address()
    genesis = json.loads((network / "genesis.json").read_text())
    assert address not in decode_qbft_extra_data(genesis["extraData"])


def test_generating_again_keeps_the_validators_and_allows_the_onboarded(network: Path, tmp_path: Path) -> None:
    before = _validators(network)
    gateway_data = tmp_path / "gateway-data"
    participants = [Keystore(gateway_data).create(name).address for name in ("bank-a", "corp-b")]
    again = generate(network, participants_from=gateway_data)
    assert _validators(network) == before and [v.address for v in again.validators] == before
    permissions = tomllib.loads((network / "validator-3" / "permissions_config.toml").read_text())
    assert permissions["accounts-allowlist"] == [again.operator, *participants]


@pytest.mark.parametrize(
    "bad", [["--validators", "0"], ["--chain-id", "0"], ["--block-period", "0"], ["--participants-from", "/nowhere"]]
)
def test_the_generator_refuses_bad_arguments_and_writes_nothing(tmp_path: Path, bad: list[str]) -> None:
    script = Path(__file__).resolve().parents[2] / "scripts" / "generate_network.py"
    done = subprocess.run([sys.executable, str(script), "--out", str(tmp_path / "net"), *bad], capture_output=True)
    assert done.returncode == 2 and b"error" in done.stderr
    assert not (tmp_path / "net").exists()
