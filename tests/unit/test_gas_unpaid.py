"""A node's refusal of a transaction whose sender cannot pay the gas, in each node's words, becomes GasUnpaid:
503 CHAIN_UNAVAILABLE saying what to do (serve at --gas-price 0 on a free-gas network, else fund the account),
where the node's own words name neither the cause nor the cure (issue 24)."""

from __future__ import annotations

import pytest
from eth_account import Account
from eth_utils import keccak

from chain.backends.base import SendRefused
from chain.errors import ChainUnavailable, GasUnpaid
from chain.tx import Transactor
from tests.unit.test_nonces import FakeNode, Payment

GETH = "insufficient funds for gas * price + value: balance 0, tx cost 1677145000000000, overshot 1677145000000000"
ANVIL = "{'code': -32003, 'message': 'Insufficient funds for gas * price + value'}"
BESU = "Upfront cost exceeds account balance"


def _refusing(refusal: str) -> FakeNode:
    node = FakeNode()
    node._gas_price = 1_000_000_000

    def refuse(raw: bytes) -> None:
        raise SendRefused(refusal)

    node.send_raw = refuse  # type: ignore[method-assign]
    return node


@pytest.mark.parametrize("refusal", [GETH, ANVIL, BESU], ids=["geth", "anvil", "besu"])
def test_a_sender_that_cannot_pay_is_told_to_serve_at_gas_price_0_or_to_fund_its_account(refusal: str) -> None:
    signer = Account.from_key(keccak(text="gas unpaid signer"))
    with pytest.raises(GasUnpaid) as unpaid:
        Transactor(_refusing(refusal), decoder=None).submit(signer, Payment(0))  # type: ignore[arg-type]
    said = str(unpaid.value)
    assert unpaid.value.code == "CHAIN_UNAVAILABLE" and unpaid.value.address == signer.address
    assert said.startswith(f"account {signer.address} has no gas money on this network (at 1000000000 wei per gas)")
    assert "start the gateway with --gas-price 0" in said and f"else fund {signer.address}" in said
    assert refusal in said  # and what the node said, for whoever digs further


def test_any_other_refusal_is_the_node_refusing_as_before() -> None:
    signer = Account.from_key(keccak(text="gas unpaid signer"))
    with pytest.raises(ChainUnavailable) as refused:
        Transactor(_refusing("transaction underpriced"), decoder=None).submit(signer, Payment(0))  # type: ignore[arg-type]
    assert not isinstance(refused.value, GasUnpaid)
    assert str(refused.value) == "the node refused the transaction: transaction underpriced"
