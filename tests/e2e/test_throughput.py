"""Many writes in flight through the gateway on a real node with 1 s blocks and zero gas price."""

from __future__ import annotations

import asyncio
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from billchain_tools.bench import Gateway
from chain.backends.anvil import AnvilBackend
from chain.backends.base import DEV_FUNDING_WEI
from chain.deploy import contracts_at

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
        assert len(blocks) <= SIGNERS * EACH / 4  # several transactions to a block, not one each
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


MAX_RACES = 12  # tries at two endorsements that both pass the estimate (each lost try: ~1/3 under load)


async def _pending_at_least(node: AnvilBackend, count: int, within_s: float = 60.0) -> None:
    """Wait until the node's pool holds `count` transactions; fail (not hang) after `within_s`."""
    deadline = time.monotonic() + within_s
    while int(node.w3.provider.make_request("txpool_status", [])["result"]["pending"], 16) < count:  # type: ignore[arg-type]
        assert time.monotonic() < deadline, f"fewer than {count} transactions reached the pool in {within_s} s"
        await asyncio.sleep(0.1)


async def _lost_pool_story(gw: Gateway, node: AnvilBackend) -> dict[str, Any]:
    auth = {"Authorization": f"Bearer {gw.token}"}
    async with gw.client(16) as http:
        bank = await gw.onboard(http, "lost-bank", "BANK")
        payers = [await gw.onboard(http, f"lost-p{i}", "ENTERPRISE") for i in range(2)]
        receiver = await gw.onboard(http, "lost-r", "ENTERPRISE")
        for payer in payers:
            await gw.ok(http, bank, "/v1/cash/mint", {"to": payer, "amount": "10.00"})
        node.w3.provider.make_request("evm_setAutomine", [False])  # type: ignore[arg-type]
        sends = [
            asyncio.create_task(gw.post(http, payer, "/v1/cash/transfer", {"to": receiver, "amount": "1.00"}))
            for payer in payers
            for _ in range(3)
        ]
        await _pending_at_least(node, 6)
        node.w3.provider.make_request("anvil_dropAllTransactions", [])  # type: ignore[arg-type]
        node.w3.provider.make_request("evm_setAutomine", [True])  # type: ignore[arg-type]
        answers = await asyncio.gather(*sends)
        balance = (await http.get(f"/v1/cash/balances/{receiver}", headers=auth)).json()["balance"]
        addresses = [(await http.get(f"/v1/participants/{p}", headers=auth)).json()["address"] for p in payers]
        nonces = [node.w3.eth.get_transaction_count(a) for a in addresses]
        race = await _race(gw, http, node, bank, drawer=payers[0], holder=receiver, to=payers[1])
    return {"answers": answers, "balance": balance, "nonces": nonces, "race": race}


async def _race(gw: Gateway, http: Any, node: AnvilBackend, bank: str, drawer: str, holder: str, to: str) -> list[Any]:
    """Two endorsements of the same whole range at once, until both pass the estimate and are mined, the
    second reverting on chain. Whether both pass is a race: anvil estimates on its pending state, so one
    estimated after the other was sent is refused there (409 too, nothing sent); then the pair runs
    again on a new bill (MAX_RACES). Returns the answers of the pair that reached the block."""
    health = (await http.get("/v1/health")).json()
    maturity = (date.fromisoformat(health["chain"]["date"]) + timedelta(days=90)).isoformat()
    body = {"kind": "BANK_ACCEPTANCE", "acceptor": bank, "payee": holder, "amount": "50.00", "maturity_date": maturity}
    for _ in range(MAX_RACES):
        bill = (await gw.ok(http, drawer, "/v1/bills", body))["bill"]["id"]
        await gw.ok(http, bank, f"/v1/bills/{bill}/accept", {})
        await gw.ok(http, holder, f"/v1/bills/{bill}/receive", {})
        node.w3.provider.make_request("evm_setAutomine", [False])  # type: ignore[arg-type]
        sends = [asyncio.create_task(gw.post(http, holder, f"/v1/bills/{bill}/endorse", {"to": to})) for _ in range(2)]
        both = await _pending_or_answered(node, 2, sends)
        node.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
        node.w3.provider.make_request("evm_setAutomine", [True])  # type: ignore[arg-type]
        answers = list(await asyncio.gather(*sends))
        if both:
            return answers
        early = [a for a in answers if a.status_code != 201]  # refused at the estimate: the same answer
        assert [(a.status_code, a.json()["code"]) for a in early] == [(409, "INVALID_STATE")], [a.text for a in answers]
    raise AssertionError(f"in {MAX_RACES} tries the two endorsements never both reached the pool")


async def _pending_or_answered(node: AnvilBackend, count: int, sends: list[Any], within_s: float = 60.0) -> bool:
    """True once the node's pool holds `count` transactions; False if a send is answered first."""
    deadline = time.monotonic() + within_s
    while int(node.w3.provider.make_request("txpool_status", [])["result"]["pending"], 16) < count:  # type: ignore[arg-type]
        if any(send.done() for send in sends):
            return False
        assert time.monotonic() < deadline, f"fewer than {count} transactions reached the pool in {within_s} s"
        await asyncio.sleep(0.02)
    return True


def test_transactions_the_node_lost_are_sent_again_and_answered(tmp_path: Path) -> None:
    """The node's pool is emptied under six writes in flight (as a node restart does): the
    follower finds them gone and sends them again, in nonce order; each lands once. Then two
    endorsements of one range race into one block: one is answered 201, the other gets the
    chain's own reason (decoded from its mined revert), not a 5xx."""
    node = AnvilBackend(tmp_path / "node", gas_price=0)
    try:
        with Gateway(tmp_path / "gateway", node.url, gas_price="0") as gw:
            out = asyncio.run(_lost_pool_story(gw, node))
        assert [a.status_code for a in out["answers"]] == [200] * 6, [a.text for a in out["answers"]]
        assert out["balance"] == "6.00"
        assert out["nonces"] == [3, 3]  # each transfer mined once
        won, lost = sorted(out["race"], key=lambda a: a.status_code)
        assert won.status_code == 201, won.text
        assert lost.status_code == 409, lost.text  # the chain's own reason, decoded from the mined revert
        assert lost.json()["code"] == "INVALID_STATE"
    finally:
        node.close()


async def _onboard_at_once(gw: Gateway) -> list[Any]:
    async with gw.client(40) as http:
        named = [{"id": f"conc-{i}", "name": f"n{i}", "role": "ENTERPRISE"} for i in range(12)]
        unnamed = [{"name": f"u{i}", "role": "ENTERPRISE"} for i in range(6)]
        twice = [{"id": "conc-twice", "name": "t", "role": "ENTERPRISE"}] * 4
        return list(
            await asyncio.gather(*(gw.post(http, "operator", "/v1/participants", b) for b in named + unnamed + twice))
        )


def test_onboardings_share_blocks_and_never_share_an_id(tmp_path: Path) -> None:
    """Onboardings hold nothing while they wait for their block (gateway/services/participants.py): 22 at once
    land in a few blocks; ids generated for those that name none are distinct; one id asked four times at once
    is onboarded once, the other three answered 409."""
    node = AnvilBackend(tmp_path / "node", block_time=1, gas_price=0)
    try:
        with Gateway(tmp_path / "gateway", node.url, gas_price="0") as gw:
            answers = asyncio.run(_onboard_at_once(gw))
            contracts = httpx.get(f"{gw.url}/v1/health").json()["contracts"]
        registry = contracts_at(node, contracts)["ParticipantRegistry"]
        registered = registry.events.ParticipantRegistered().get_logs(from_block=0)
    finally:
        node.close()
    ok = [a.json() for a in answers if a.status_code == 201]
    assert len(ok) == 19 and sorted(a.status_code for a in answers[-4:]) == [201, 409, 409, 409]
    assert len({a["id"] for a in ok}) == 19 and len({a["member_code"] for a in ok}) == 19
    ours = {a["address"] for a in ok}
    blocks = {e["blockNumber"] for e in registered if e["args"]["account"] in ours}
    assert len(blocks) <= 4, blocks  # together, not one block each
