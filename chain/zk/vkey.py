"""A circuit's verification key as the code of a data contract (contracts/confidential/Groth16Verifier.sol).

Invariant: the layout here is the one the verifier reads, word for word: one leading 0x00 byte (the
data contract is never callable), alpha1, beta2, gamma2, delta2, then IC[0..n]; G2 coordinates in the
EIP-197 order (x.im, x.re, y.im, y.re), which is the reverse of each pair in snarkjs's JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eth_utils import keccak


def _g1(point: list[str]) -> list[int]:
    return [int(point[0]), int(point[1])]


def _g2(point: list[list[str]]) -> list[int]:
    return [int(point[0][1]), int(point[0][0]), int(point[1][1]), int(point[1][0])]


def key_words(vkey: dict[str, Any]) -> list[int]:
    """snarkjs's verification key JSON, as the verifier's words."""
    if vkey.get("protocol") != "groth16" or vkey.get("curve") != "bn128":
        raise ValueError("only Groth16 keys on BN254 (snarkjs's bn128) are verified on chain")
    words = _g1(vkey["vk_alpha_1"]) + _g2(vkey["vk_beta_2"]) + _g2(vkey["vk_gamma_2"]) + _g2(vkey["vk_delta_2"])
    for point in vkey["IC"]:
        words += _g1(point)
    if len(vkey["IC"]) != int(vkey["nPublic"]) + 1:
        raise ValueError("the key's IC does not match its number of public inputs")
    return words


def runtime_code(vkey: dict[str, Any]) -> bytes:
    return b"\x00" + b"".join(word.to_bytes(32, "big") for word in key_words(vkey))


def creation_code(vkey: dict[str, Any]) -> bytes:
    """Code that deploys the key: it returns the rest of itself as the runtime code (PUSH2 size, DUP1,
    PUSH1 12, PUSH1 0, CODECOPY, PUSH1 0, RETURN: 12 bytes, as SSTORE2 does)."""
    runtime = runtime_code(vkey)
    size = len(runtime)
    prefix = bytes([0x61, size >> 8, size & 0xFF, 0x80, 0x60, 0x0C, 0x60, 0x00, 0x39, 0x60, 0x00, 0xF3])
    return prefix + runtime


def key_hash(vkey: dict[str, Any]) -> str:
    """What a deployment pins and a client checks: keccak of the runtime code."""
    return "0x" + keccak(runtime_code(vkey)).hex()


def read_vkey(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data
