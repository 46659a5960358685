"""Where a scenario runs: a fresh in-process chain and gateway, or a running gateway's URL."""

from __future__ import annotations

import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Any, Protocol

import httpx


class Target(Protocol):
    operator_token: str
    #: an ACTIVE REGULATOR's token at this gateway (hosted there), to approve the scenario's regulators when the
    #: target had one already (SCENARIOS.md: --regulator-token); None on a fresh chain
    regulator_token: str | None
    suffix: str
    #: whether documents get the run's suffix too (a hash anchors once per chain, not per run)
    unique_documents: bool

    def request(self, method: str, path: str, token: str | None, **kwargs: Any) -> httpx.Response: ...

    def close(self) -> None: ...


def _auth(token: str | None, kwargs: dict[str, Any]) -> dict[str, Any]:
    headers = dict(kwargs.pop("headers", None) or {})
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return {**kwargs, "headers": headers}


class EmbeddedTarget:
    """A new embedded chain and gateway for one scenario, so scenarios are independent."""

    def __init__(self) -> None:
        import warnings

        with warnings.catch_warnings():  # starlette's notice about httpx, not ours to act on
            warnings.simplefilter("ignore")
            from fastapi.testclient import TestClient

        from gateway.compose import build_app, open_runtime
        from gateway.core.settings import Settings

        self._dir = Path(tempfile.mkdtemp(prefix="billchain-replay-"))
        self.operator_token = "bc_" + secrets.token_urlsafe(24)
        self.regulator_token: str | None = None
        self.suffix = "sc"
        self.unique_documents = False
        self._runtime = open_runtime(Settings(data_dir=self._dir, operator_token=self.operator_token))
        self._client = TestClient(build_app(self._runtime))

    def request(self, method: str, path: str, token: str | None, **kwargs: Any) -> httpx.Response:
        return self._client.request(method, path, **_auth(token, kwargs))

    def close(self) -> None:
        self._client.close()
        self._runtime.close()
        shutil.rmtree(self._dir, ignore_errors=True)


class HttpTarget:
    """A running gateway; participant ids get a suffix unique to this run."""

    def __init__(self, url: str, operator_token: str, regulator_token: str | None = None) -> None:
        self.operator_token = operator_token
        self.regulator_token = regulator_token
        self.suffix = secrets.token_hex(3)
        self.unique_documents = True
        self._client = httpx.Client(base_url=url.rstrip("/"), timeout=120)

    def request(self, method: str, path: str, token: str | None, **kwargs: Any) -> httpx.Response:
        return self._client.request(method, path, **_auth(token, kwargs))

    def close(self) -> None:
        self._client.close()
