"""The keep-alive JSON-RPC transport (chain/backends/keepalive.py): one connection a thread, kept; a connection
the node closed while idle is replaced without the caller seeing it; an HTTP error is an OSError."""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import ClassVar

import pytest
from web3 import Web3

from chain.backends.keepalive import KeepAliveProvider, NodeRefused, is_local


class _Node(BaseHTTPRequestHandler):
    """eth_blockNumber's answer, 0x2a, on HTTP/1.1; `close_after` answers, it closes the connection without
    saying so (as a node does to a connection idle past its timeout); `status` other than 200: that status."""

    protocol_version = "HTTP/1.1"
    connections: ClassVar[list[int]] = []
    close_after: ClassVar[int | None] = None
    status: ClassVar[int] = 200

    def setup(self) -> None:
        super().setup()
        _Node.connections.append(id(self))
        self.answered = 0

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        body = json.dumps({"jsonrpc": "2.0", "id": request["id"], "result": "0x2a"}).encode()
        self.send_response(_Node.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.answered += 1
        if _Node.close_after is not None and self.answered >= _Node.close_after:
            self.close_connection = True

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def node() -> Iterator[str]:
    _Node.connections, _Node.close_after, _Node.status = [], None, 200
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Node)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_one_connection_serves_every_call_of_a_thread(node: str) -> None:
    w3 = Web3(KeepAliveProvider(node, 5.0))
    assert [w3.eth.block_number for _ in range(5)] == [42] * 5
    assert len(_Node.connections) == 1


def test_a_connection_the_node_closed_while_idle_is_replaced_unseen(node: str) -> None:
    _Node.close_after = 1  # every connection closed after its first answer
    w3 = Web3(KeepAliveProvider(node, 5.0))
    assert [w3.eth.block_number for _ in range(3)] == [42] * 3
    assert len(_Node.connections) == 3


def test_an_http_error_is_an_oserror_the_transactor_answers_503(node: str) -> None:
    _Node.status = 502
    with pytest.raises(NodeRefused, match="HTTP 502"):
        _ = Web3(KeepAliveProvider(node, 5.0)).eth.block_number
    assert issubclass(NodeRefused, OSError)


def test_only_a_node_on_this_machine_goes_without_the_environments_proxies() -> None:
    assert is_local("http://127.0.0.1:8545") and is_local("http://localhost:8545/")
    assert not is_local("https://127.0.0.1:8545") and not is_local("http://besu.example.org:8545")
