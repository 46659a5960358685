"""A client's idle keep-alive connection outlives its own idle expiry on the gateway's side (gateway/cli.py
KEEP_ALIVE_S): a request sent on it is answered, not cut off by the gateway closing it at the same moment (the
read errors issue 28's bench met at 256 clients, with uvicorn's 5 s against httpx's 5 s)."""

from __future__ import annotations

import http.client
import time
from pathlib import Path

import pytest

from billchain_tools.harness import Gateway

pytestmark = pytest.mark.slow

IDLE_S = 6.5  # past uvicorn's default keep-alive (5 s) and httpx's idle expiry (5 s)


def _health(connection: http.client.HTTPConnection) -> int:
    connection.request("GET", "/v1/health")
    response = connection.getresponse()
    response.read()  # the whole answer, so that the next one starts clean on the same connection
    return response.status


def test_an_idle_connection_is_still_served_after_a_client_s_own_idle_expiry(tmp_path: Path) -> None:
    with Gateway(tmp_path / "data", "embedded", None) as gateway:
        connection = http.client.HTTPConnection("127.0.0.1", gateway.port, timeout=10)
        try:
            assert _health(connection) == 200
            opened = connection.sock
            time.sleep(IDLE_S)
            # the same connection answers (http.client does not reconnect: a closed one raises RemoteDisconnected)
            assert _health(connection) == 200
            assert connection.sock is opened
        finally:
            connection.close()
