"""web3.py's HTTP provider over plain keep-alive connections, for a node on this machine.

`requests` costs five times what `http.client` does for one JSON-RPC call (anvil's
`eth_blockNumber`: 0.70 ms of CPU against 0.14 ms, measured: BENCHMARKS.md, "The write
path, lean"), and a gateway makes several calls a write and its block follower some a
block. web3.py's encoding, decoding, formatters and middlewares stay as they are: only
the transport below `_make_request` changes.

Invariants: one connection per thread (http.client's are not thread-safe), opened on first
use and kept; a request that meets a connection the node closed while it was idle is sent
once more on a new one (the node read nothing of it: it is refused before the request is
written or before any answer); any other failure closes the connection and raises an
OSError, as `requests` did (the transactor answers it CHAIN_UNAVAILABLE: chain/tx.py).
Nothing is read from the environment (no proxy stands between a process and its own machine).
"""

from __future__ import annotations

import http.client
import threading
from typing import Any
from urllib.parse import urlsplit

from web3 import HTTPProvider
from web3.types import RPCEndpoint

#: what a connection the node closed while idle raises when it is used again
_STALE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)
_HEADERS = {"Content-Type": "application/json"}


class NodeRefused(OSError):
    """The node answered with an HTTP error status (not a JSON-RPC error, which comes as 200)."""


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")


class KeepAliveProvider(HTTPProvider):
    def __init__(self, url: str, timeout: float, **kwargs: Any) -> None:
        super().__init__(url, request_kwargs={"timeout": timeout}, **kwargs)
        parts = urlsplit(url)
        assert parts.hostname is not None, url
        self._host, self._port = parts.hostname, parts.port or 80
        self._path = parts.path or "/"
        self._timeout = timeout
        self._local = threading.local()

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        """This thread's connection, and whether it was just opened."""
        connection: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        if connection is not None:
            return connection, False
        connection = http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
        self._local.connection = connection
        return connection, True

    def _drop(self, connection: http.client.HTTPConnection) -> None:
        connection.close()
        self._local.connection = None

    def _make_request(self, method: RPCEndpoint, request_data: bytes) -> bytes:
        while True:
            connection, new = self._connection()
            try:
                connection.request("POST", self._path, body=request_data, headers=_HEADERS)
                response = connection.getresponse()
                body = response.read()
            except _STALE:
                self._drop(connection)
                if new:
                    raise
                continue  # kept from before and closed by the node meanwhile: once more on a new one
            except BaseException:
                self._drop(connection)
                raise
            if response.status >= 400:
                raise NodeRefused(f"HTTP {response.status} from {self.endpoint_uri}: {body[:200]!r}")
            return body
