"""Many writes in flight through the gateway on a real node with 1 s blocks and zero gas price."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from chain.backends.anvil import AnvilBackend
from chain.backends.base import DEV_FUNDING_WEI
from gateway.bench import Gateway

pytestmark = [pytest.mark.anvil, pytest.mark.xdist_group("anvil")]
SIGNERS, EACH = 10, 20


async def _story(gw: Gateway) -> dict[str, Any]:
    async with gw.client(SIGNERS * EACH) as http:
        bank = await gw.onboard(http, "load-bank", "BANK")
        receiver = await gw.onboard(http, "load-receiver", "ENTERPRISE")
        signers = [await gw.onboard(http, f"load-s{i}", "ENTERPRISE") for i in range(SIGNERS)]
        # ten mints at once: one signer (the bank) with ten transactions in flight
        await asyncio.gather(*(gw.ok(http, bank, "/v1/cash/mint", {"to": s, "amount": "100.00"}) for s in signers))
        transfers = [
            gw.post(http, s, "/v1/cash/transfer", {"to": receiver, "amount": "0.01"})
            for _ in range(EACH)
            for s in signers
        ]
        answers = await asyncio.gather(*transfers)
        balances = {
            who: (await http.get(f"/v1/cash/balances/{who}", headers={"Authorization": f"Bearer {gw.token}"})).json()
            for who in (receiver, *signers)
        }
        addresses = {
            s: (await http.get(f"/v1/participants/{s}", headers={"Authorization": f"Bearer {gw.token}"})).json()[
                "address"
            ]
            for s in signers
        }
    return {"answers": answers, "balances": balances, "addresses": addresses, "receiver": receiver}


def test_200_concurrent_operations_over_10_signers_land_exactly_once(tmp_path: Path) -> None:
    node = AnvilBackend(tmp_path / "node", block_time=1, gas_price=0)
    try:
        with Gateway(tmp_path / "gateway", node.url, gas_price="0") as gw:
            out = asyncio.run(_story(gw))
        answers = out["answers"]
        assert [a.status_code for a in answers] == [200] * SIGNERS * EACH, [a.text for a in answers][:3]
        hashes = {a.json()["tx"]["hash"] for a in answers}
        assert len(hashes) == SIGNERS * EACH
        blocks = {a.json()["tx"]["block_number"] for a in answers}
        assert len(blocks) < SIGNERS * EACH / 10  # many transactions to a block, not one each
        assert out["balances"][out["receiver"]]["balance"] == "2.00"
        w3 = node.w3
        for signer, address in out["addresses"].items():
            assert out["balances"][signer]["balance"] == "99.80"
            assert w3.eth.get_transaction_count(address) == EACH  # each nonce used once, none skipped
            assert w3.eth.get_balance(address) == DEV_FUNDING_WEI  # zero gas price: no fee paid
        sample = w3.eth.get_transaction(next(iter(hashes)))
        assert sample["gasPrice"] == 0
    finally:
        node.close()
