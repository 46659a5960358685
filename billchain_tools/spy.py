"""A member's node, read for what it should not tell (issue 26, DOMAIN.md "Confidentiality").

The spy has nothing but JSON-RPC to a node: from a block on, it reads every transaction (its sender and
input), every receipt's logs (topics and data) and, on anvil, every contract's storage (`anvil_dumpState`),
and reports each place a secret appears. A secret is raw bytes as the chain would carry them: an amount, a
price or a rate as a 32-byte ABI word, a document hash, a party's 20-byte address. What a party's
registration publishes (the member directory) is left out: the transactions the caller names as
registrations, and the participant registry's storage.

On the transparent platform (today's) the spy finds the secrets of a story everywhere
(tests/e2e/test_spy.py, which keeps it known to see); the confidential platform docs/PRIVACY.md designs
is to leave it nothing to find.
"""

from __future__ import annotations

import contextlib
import gzip
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class Secret:
    """What the spy looks for: `pattern`, the bytes the chain would carry, under a name for the report."""

    name: str
    pattern: bytes

    @classmethod
    def word(cls, name: str, value: int) -> Secret:
        """A number as one 32-byte ABI word (calldata, event data, an unpacked storage slot)."""
        return cls(name, value.to_bytes(32, "big"))

    @classmethod
    def address(cls, name: str, address: str) -> Secret:
        return cls(name, bytes.fromhex(address.removeprefix("0x")))

    @classmethod
    def hash(cls, name: str, digest: str) -> Secret:
        return cls(name, bytes.fromhex(digest.removeprefix("0x")))


@dataclass(frozen=True)
class Sighting:
    secret: str
    where: str  # "block 12 tx 0xab.. input", "block 12 tx 0xab.. log 3", "storage 0xcd.. slot 0x01"


class Node:
    """Plain JSON-RPC, as any member's node answers it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._client = httpx.Client(timeout=60)
        self._id = 0

    def call(self, method: str, *params: Any) -> Any:
        self._id += 1
        answer = self._client.post(
            self.url, json={"jsonrpc": "2.0", "id": self._id, "method": method, "params": params}
        )
        body = answer.json()
        if "error" in body:
            raise RuntimeError(f"{method}: {body['error']}")
        return body["result"]

    def close(self) -> None:
        self._client.close()


def _raw(value: str | None) -> bytes:
    return bytes.fromhex(value.removeprefix("0x")) if value else b""


def _found(secrets: Iterable[Secret], data: bytes, where: str) -> Iterator[Sighting]:
    for secret in secrets:
        if secret.pattern in data:
            yield Sighting(secret.name, where)


def read_chain(node: Node, first_block: int, secrets: list[Secret], registrations: set[str]) -> list[Sighting]:
    """Every sighting of `secrets` in the blocks from `first_block` to the head: senders, inputs and logs of
    every transaction but the `registrations` (hashes, lowercase)."""
    sightings: list[Sighting] = []
    head = int(node.call("eth_blockNumber"), 16)
    for number in range(first_block, head + 1):
        block = node.call("eth_getBlockByNumber", hex(number), True)
        for tx in block["transactions"]:
            tx_hash = tx["hash"].lower()
            if tx_hash in registrations:
                continue
            where = f"block {number} tx {tx_hash[:10]}.."
            sightings += _found(secrets, _raw(tx["from"]), f"{where} sender")
            sightings += _found(secrets, _raw(tx["input"]), f"{where} input")
            receipt = node.call("eth_getTransactionReceipt", tx["hash"])
            for i, log in enumerate(receipt["logs"]):
                data = b"".join(_raw(topic) for topic in log["topics"]) + _raw(log["data"])
                sightings += _found(secrets, data, f"{where} log {i}")
    return sightings


def read_storage(node: Node, secrets: list[Secret], directory: set[str]) -> list[Sighting]:
    """Every sighting of `secrets` in the storage of every contract but the `directory`'s (addresses,
    lowercase): anvil's state dump (gzip'd JSON, hex) of every account."""
    dump = json.loads(gzip.decompress(_raw(node.call("anvil_dumpState"))))
    sightings: list[Sighting] = []
    for address, account in dump["accounts"].items():
        if address.lower() in directory:
            continue
        for slot, value in (account.get("storage") or {}).items():
            word = int(value, 16).to_bytes(32, "big")
            sightings += _found(secrets, word, f"storage {address[:10]}.. slot {slot[:10]}..")
    return sightings


def spy(
    url: str, first_block: int, secrets: list[Secret], registrations: set[str], directory: set[str]
) -> list[Sighting]:
    """All the node tells of `secrets` (module doc); storage too when the node is anvil."""
    node = Node(url)
    try:
        sightings = read_chain(node, first_block, secrets, registrations)
        with contextlib.suppress(RuntimeError):  # not anvil: no state dump
            sightings += read_storage(node, secrets, directory)
        return sightings
    finally:
        node.close()
