"""The transactor signs as eth-account's `Account.sign_transaction` does, byte for byte (chain/tx.py
`sign_transaction` skips only its re-derivation of the key's address)."""

from __future__ import annotations

from eth_account import Account
from eth_keys.datatypes import PrivateKey
from eth_utils import keccak, to_checksum_address
from hypothesis import given, settings
from hypothesis import strategies as st
from web3.types import TxParams

from chain.tx import sign_transaction

KEY = Account.create()


@settings(max_examples=60, deadline=None)
@given(
    nonce=st.integers(0, 2**64 - 1),
    gas=st.integers(21_000, 30_000_000),
    price=st.integers(0, 10**12),
    data=st.binary(max_size=300),
    chain_id=st.integers(1, 2**32),
    dynamic=st.booleans(),
)
def test_signed_bytes_and_hash_equal_eth_accounts(
    nonce: int, gas: int, price: int, data: bytes, chain_id: int, dynamic: bool
) -> None:
    tx: dict[str, object] = {
        "from": KEY.address,
        "to": to_checksum_address("0x" + "ab" * 20),
        "data": data,
        "value": 0,
        "gas": gas,
        "nonce": nonce,
        "chainId": chain_id,
    }
    tx.update({"maxFeePerGas": price, "maxPriorityFeePerGas": price} if dynamic else {"gasPrice": price})
    expected = Account.sign_transaction(tx, KEY.key)
    raw = sign_transaction(PrivateKey(KEY.key), TxParams(**tx))  # type: ignore[typeddict-item]
    assert raw == bytes(expected.raw_transaction) and keccak(raw) == bytes(expected.hash)
    assert Account.recover_transaction(raw) == KEY.address
