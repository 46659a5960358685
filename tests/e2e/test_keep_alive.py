"""A client's idle keep-alive connection outlives its own idle expiry on the gateway's side (gateway/cli.py
KEEP_ALIVE_S): a request sent on it is answered, not cut off by the gateway closing it at the same moment (the
read errors issue 28's bench met at 256 clients, with uvicorn's 5 s against httpx's 5 s)."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from billchain_tools.harness import Gateway

pytestmark = pytest.mark.slow

HEALTH = b"GET /v1/health HTTP/1.1\r\nHost: gateway\r\n\r\n"
IDLE_S = 6.5  # past uvicorn's default keep-alive (5 s) and httpx's idle expiry (5 s)


def _answer(connection: socket.socket) -> bytes:
    connection.sendall(HEALTH)
    head = connection.recv(65536)
    return head.split(b"\r\n", 1)[0]


def test_an_idle_connection_is_still_served_after_a_client_s_own_idle_expiry(tmp_path: Path) -> None:
    with (
        Gateway(tmp_path / "data", "embedded", None) as gateway,
        socket.create_connection(("127.0.0.1", gateway.port), timeout=10) as connection,
    ):
        assert _answer(connection) == b"HTTP/1.1 200 OK"
        time.sleep(IDLE_S)
        assert _answer(connection) == b"HTTP/1.1 200 OK"  # the same connection: not closed under the client
