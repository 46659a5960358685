"""A permissioned Besu QBFT network, generated: node keys, genesis, static nodes, allowlists.

`generate(out, ...)` writes the folder docker-compose.yml mounts (docs/DEPLOY.md):

    network/
      genesis.json              QBFT, 2 s blocks, zero base fee, extraData naming the validators
      static-nodes.json         every node's enode, by its fixed address on the compose p2p network
      network.json              what was generated (chain id, nodes, allowed accounts)
      validator-N/key           the node key (mode 0600): the validator's identity and its vote
      validator-N/permissions_config.toml   nodes-allowlist and accounts-allowlist of that node
      gateway-node/key, gateway-node/permissions_config.toml   the gateway's own node: a full
                                node that is not a validator (it has no vote), the only one whose
                                RPC the gateway reaches (docker-compose.yml)
      gateway/keys/operator.json            the operator's account key (Web3 Secret Storage)
      gateway/keystore.secret               its passphrase, unless BILLCHAIN_KEYSTORE_PASSPHRASE is set

QBFT's genesis extraData is RLP([32-byte vanity, [validator addresses], vote, round, seals]),
with no vote (an empty list), round 0 and no seals, as Besu's QbftExtraDataCodec writes it.
Accounts allowed to send transactions: the operator and every participant whose key is
in a gateway data dir (`participants_from`); the gateway adds the ones it onboards later
to its own node's allowlist through that node's PERM API (chain/backends/rpc.py); each
validator's operator allows them on its validator (docs/DEPLOY.md).
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rlp
from eth_keys.datatypes import PrivateKey
from eth_utils import to_checksum_address

from chain.keys import Keystore, write_private

#: the network's chain id (docker-compose.yml and the network-mode tests use the same)
CHAIN_ID = 20_261
BLOCK_PERIOD_S = 2
SUBNET = "172.16.240"  # the p2p network: the gateway's node at .10, validators at .11, .12, ...
GATEWAY_NODE = "gateway-node"
P2P_PORT = 30303
VANITY = bytes(32)


@dataclass(frozen=True)
class Node:
    name: str
    ip: str
    key: PrivateKey

    @property
    def address(self) -> str:
        return self.key.public_key.to_checksum_address()

    @property
    def enode(self) -> str:
        return f"enode://{self.key.public_key.to_bytes().hex()}@{self.ip}:{P2P_PORT}"


def qbft_extra_data(validators: list[str]) -> str:
    """The genesis extraData for `validators` (addresses), hex."""
    addresses = [bytes.fromhex(a.removeprefix("0x")) for a in validators]
    return "0x" + rlp.encode([VANITY, addresses, [], b"", []]).hex()


def decode_qbft_extra_data(extra_data: str) -> list[str]:
    """The validator addresses a QBFT extraData names (checksummed); ValueError if it is not one."""
    try:
        items = rlp.decode(bytes.fromhex(extra_data.removeprefix("0x")))
    except rlp.DecodingError as exc:
        raise ValueError(f"not RLP: {exc}") from None
    if not isinstance(items, list) or len(items) != 5 or items[0] != VANITY:
        raise ValueError("not a QBFT extraData: [vanity, validators, vote, round, seals]")
    _, validators, vote, round_, seals = items
    if vote != [] or round_ != b"" or seals != []:
        raise ValueError("a genesis extraData has no vote, round 0 and no seals")
    return [to_checksum_address(v) for v in validators]


def genesis(chain_id: int, validators: list[str], block_period: int = BLOCK_PERIOD_S) -> dict[str, Any]:
    """A QBFT genesis with free gas: every fork at block 0 up to Cancun (the contracts, compiled for
    Paris, run on it unchanged), a zero base fee, no balances needed (gas price 0), a block gas limit
    far above one operation."""
    return {
        "config": {
            "chainId": chain_id,
            "berlinBlock": 0,
            "londonBlock": 0,
            "shanghaiTime": 0,
            "cancunTime": 0,
            "zeroBaseFee": True,
            "qbft": {"blockperiodseconds": block_period, "epochlength": 30_000, "requesttimeoutseconds": 4},
        },
        "nonce": "0x0",
        "timestamp": "0x0",
        "gasLimit": "0x1c9c380",  # 30,000,000: anvil's, as benched (BENCHMARKS.md)
        "difficulty": "0x1",
        "mixHash": "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365",
        "coinbase": "0x0000000000000000000000000000000000000000",
        "alloc": {},
        "extraData": qbft_extra_data(validators),
    }


def permissions_toml(enodes: list[str], accounts: list[str]) -> str:
    """Besu's local permissioning file: who may connect, who may send transactions."""

    def array(values: list[str]) -> str:
        return "[" + ",".join(json.dumps(v) for v in values) + "]"

    return f"nodes-allowlist={array(enodes)}\naccounts-allowlist={array(accounts)}\n"


def participant_addresses(data_dir: Path) -> list[str]:
    """The accounts of a gateway data dir's keystore (Web3 Secret Storage keeps the address in clear)."""
    found: list[str] = []
    for path in sorted((data_dir / "keys").glob("*.json")):
        found.append(to_checksum_address("0x" + json.loads(path.read_text())["address"].removeprefix("0x")))
    return found


@dataclass(frozen=True)
class Network:
    chain_id: int
    validators: list[Node]
    gateway_node: Node
    operator: str
    accounts: list[str]


def generate(
    out: Path,
    *,
    validators: int = 4,
    chain_id: int = CHAIN_ID,
    block_period: int = BLOCK_PERIOD_S,
    participants_from: Path | None = None,
) -> Network:
    """Write a network to `out`: new node keys, or those already in `out` (so that the allowlists
    can be written again after onboarding, without changing the nodes)."""
    out.mkdir(parents=True, exist_ok=True)
    nodes = [_node(out, f"validator-{i}", 10 + i) for i in range(1, validators + 1)]
    gateway_node = _node(out, GATEWAY_NODE, 10)
    gateway_dir = out / "gateway"
    passphrase = os.environ.get("BILLCHAIN_KEYSTORE_PASSPHRASE")
    if passphrase is None and not (gateway_dir / "keystore.secret").exists():
        write_private(gateway_dir / "keystore.secret", secrets.token_urlsafe(32))
    operator = Keystore(gateway_dir, passphrase).get_or_create("operator").address
    others = participant_addresses(participants_from) if participants_from else []
    accounts = list(dict.fromkeys([operator, *others]))
    enodes = [node.enode for node in (*nodes, gateway_node)]
    (out / "genesis.json").write_text(
        json.dumps(genesis(chain_id, [n.address for n in nodes], block_period), indent=2) + "\n"
    )
    (out / "static-nodes.json").write_text(json.dumps(enodes, indent=2) + "\n")
    for node in (*nodes, gateway_node):
        (out / node.name / "permissions_config.toml").write_text(permissions_toml(enodes, accounts))
    summary = {
        "chain_id": chain_id,
        "block_period_s": block_period,
        "validators": [{"name": n.name, "ip": n.ip, "address": n.address, "enode": n.enode} for n in nodes],
        "gateway_node": {"name": gateway_node.name, "ip": gateway_node.ip, "enode": gateway_node.enode},
        "operator": operator,
        "accounts_allowlist": accounts,
    }
    (out / "network.json").write_text(json.dumps(summary, indent=2) + "\n")
    return Network(chain_id, nodes, gateway_node, operator, accounts)


def _node(out: Path, name: str, host: int) -> Node:
    """The node `name` at SUBNET.host, with the key already in `out/name` or a new one."""
    key_file = out / name / "key"
    if key_file.exists():
        key = PrivateKey(bytes.fromhex(key_file.read_text().strip().removeprefix("0x")))
    else:
        key = PrivateKey(secrets.token_bytes(32))
        write_private(key_file, "0x" + key.to_bytes().hex())
    return Node(name, f"{SUBNET}.{host}", key)
