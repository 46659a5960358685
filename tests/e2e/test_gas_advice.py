"""A gateway whose account cannot pay for gas, on a node where gas costs money (anvil at its own price): the node
says only "insufficient funds for gas * price + value". `billchain serve` exits 2 with one line saying what to
do (--gas-price 0 on a free-gas network, else fund the account), and a write that meets it at run time answers
503 CHAIN_UNAVAILABLE saying the same (issue 24), never a traceback or a 500."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from billchain_tools.harness import Gateway
from chain.backends.anvil import AnvilBackend, free_port
from chain.keys import Keystore

pytestmark = [pytest.mark.anvil, pytest.mark.slow]


@pytest.fixture
def node(tmp_path: Path) -> Iterator[AnvilBackend]:
    node = AnvilBackend(tmp_path / "node")  # anvil's own gas price (gwei): gas costs money here
    try:
        yield node
    finally:
        node.close()


@pytest.fixture
def production_node(node: AnvilBackend) -> Iterator[str]:
    """`node` behind a JSON-RPC proxy that names itself geth: a gateway gives a dev chain's accounts gas money
    at start (anvil_setBalance), a production node's never, so here its operator holds nothing."""
    upstream = httpx.Client(trust_env=False, timeout=30)

    class Proxy(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            request = json.loads(body)
            if isinstance(request, dict) and request.get("method") == "web3_clientVersion":
                answer = json.dumps({"jsonrpc": "2.0", "id": request["id"], "result": "Geth/v1.13.15-stable"}).encode()
            else:
                answer = upstream.post(node.url, content=body, headers={"Content-Type": "application/json"}).content
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        upstream.close()


def test_serve_exits_2_saying_to_serve_at_gas_price_0_or_fund_the_operator(
    production_node: str, tmp_path: Path
) -> None:
    data_dir = tmp_path / "gateway"
    operator = Keystore(data_dir).get_or_create("operator").address  # the key the gateway deploys with
    serve = [sys.executable, "-m", "gateway.cli", "serve", "--chain", production_node, "--data-dir", str(data_dir)]
    done = subprocess.run([*serve, "--port", str(free_port())], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    [line] = done.stdout.strip().splitlines()  # one line
    assert line.startswith(f"billchain serve: account {operator} has no gas money on this network"), line
    assert "start the gateway with --gas-price 0" in line and "billchain network up" in line, line
    assert f"else fund {operator}" in line, line


def test_a_write_the_operator_cannot_pay_for_answers_503_saying_the_same(node: AnvilBackend, tmp_path: Path) -> None:
    with Gateway(tmp_path / "gateway" / "data", node.url, None) as gateway:  # at the node's price, funded at start
        headers = {"Authorization": f"Bearer {gateway.token}"}
        accounts = httpx.get(f"{gateway.url}/v1/admin/gateway", headers=headers).json()["accounts"]
        operator = next(a["address"] for a in accounts if a["name"] == "operator")
        # its gas money spent: one wei left, at a price of gwei
        node.w3.provider.make_request("anvil_setBalance", [operator, "0x1"])  # type: ignore[arg-type]
        body = {"id": "late-bank", "name": "late-bank", "role": "BANK"}
        answer = httpx.post(f"{gateway.url}/v1/participants", json=body, headers=headers, timeout=60)
    assert answer.status_code == 503, answer.text
    problem = answer.json()
    assert problem["code"] == "CHAIN_UNAVAILABLE"
    assert f"account {operator} has no gas money on this network" in problem["detail"], problem
    assert "--gas-price 0" in problem["detail"] and f"else fund {operator}" in problem["detail"], problem
