"""`billchain serve --chain anvil`, stopped and started again on its data dir, comes back on the chain
it left: the node it started dies with it (its state written), and what a node killed outright lost
is sent again from the outbox. Every acknowledged bill can then be accepted, the cash spent."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from billchain_tools.harness import Gateway
from chain.backends import children

pytestmark = [pytest.mark.anvil, pytest.mark.slow]
BILLS = 12


def _node_pid(data_dir: Path) -> int:
    found = children.PidFile(data_dir / "anvil.pid").read()
    assert found is not None, "the gateway's node wrote no pid file"
    return int(found["pid"])


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while children.alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not children.alive(pid)


async def _story(gw: Gateway) -> tuple[str, str, str, list[int]]:
    async with gw.client(4) as http:
        bank = await gw.onboard(http, "ma-bank", "BANK")
        drawer = await gw.onboard(http, "ma-drawer", "ENTERPRISE")
        payee = await gw.onboard(http, "ma-payee", "ENTERPRISE")
        today = date.fromisoformat((await http.get("/v1/health")).json()["chain"]["date"])
        maturity = (today + timedelta(days=60)).isoformat()
        bills = []
        for i in range(BILLS):
            body = {"kind": "BANK_ACCEPTANCE", "acceptor": bank, "payee": payee, "amount": f"{1000 + i}.00"}
            answer = await gw.ok(http, drawer, "/v1/bills", {**body, "maturity_date": maturity})
            bills.append(int(answer["bill"]["id"]))
        await gw.ok(http, bank, "/v1/cash/mint", {"to": payee, "amount": "500.00"})
    return bank, drawer, payee, bills


def _head(gw: Gateway) -> int:
    return int(httpx.get(f"{gw.url}/v1/health").json()["chain"]["block_number"])


@pytest.mark.parametrize("stop", ["sigterm", "sigkill", "sigkill-node-too"])
def test_a_restarted_gateway_comes_back_on_the_chain_it_left(tmp_path: Path, stop: str) -> None:
    data = tmp_path / "data"
    gw = Gateway(data, "anvil", "0")
    with gw:
        bank, _, payee, bills = asyncio.run(_story(gw))
        head, node = _head(gw), _node_pid(data)
        if stop == "sigterm":
            gw._process.terminate()
        elif stop == "sigkill":
            gw.kill()
        else:  # a power cut: the node gets no chance to write its state on the way out
            os.kill(node, signal.SIGKILL)
            gw.kill()
        gw._process.wait()
        assert _gone_within(node, 10), f"the node {node} outlived its gateway ({stop})"

        gw.start()  # the same data dir and port
        health = httpx.get(f"{gw.url}/v1/health").json()
        assert health["status"] == "ok", health
        assert _head(gw) >= head or stop == "sigkill-node-too", (head, _head(gw))
        assert _node_pid(data) != node

        async def after() -> None:
            async with gw.client(4) as http:
                for bill_id in bills:  # on the chain, not only in the index
                    answer = await gw.post(http, bank, f"/v1/bills/{bill_id}/accept", {})
                    assert answer.status_code == 200, (bill_id, answer.text)
                spent = await gw.post(http, payee, "/v1/cash/transfer", {"to": bank, "amount": "200.00"})
                assert spent.status_code == 200, spent.text
                assert spent.json()["balance"] == "300.00"

        asyncio.run(after())
        last = _node_pid(data)
    log = (tmp_path / "gateway.log").read_text()
    assert "chain incident" not in log  # whatever a killed node lost, the outbox had and sent again
    assert _gone_within(last, 10), "the node outlived a gateway stopped gracefully"
