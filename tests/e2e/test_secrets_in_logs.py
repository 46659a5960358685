"""A full run's logs hold no secret: no API token, no passphrase, no private or document key."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from billchain_tools.harness import Gateway
from chain.keys import Keystore


async def _story(gateway: Gateway) -> None:
    async with gateway.client(4) as http:
        bank = await gateway.onboard(http, "log-bank", "BANK")
        core = await gateway.onboard(http, "log-core", "ENTERPRISE")
        supplier = await gateway.onboard(http, "log-supplier", "ENTERPRISE")
        today = date.fromisoformat((await http.get("/v1/health")).json()["chain"]["date"])
        maturity = (today + timedelta(days=90)).isoformat()
        document = await http.post(
            "/v1/documents", content=b"contract", headers={"Authorization": f"Bearer {gateway.tokens[core]}"}
        )
        body = {"kind": "BANK_ACCEPTANCE", "acceptor": bank, "payee": supplier, "amount": "900.00"}
        issued = await gateway.ok(
            http, core, "/v1/bills", {**body, "maturity_date": maturity, "document_hash": document.json()["hash"]}
        )
        bill = issued["bill"]["id"]
        await gateway.ok(http, bank, f"/v1/bills/{bill}/accept", {})
        await gateway.ok(http, supplier, f"/v1/bills/{bill}/receive", {})
        transfer = await gateway.ok(http, supplier, f"/v1/bills/{bill}/endorse", {"to": core, "amount": "100.00"})
        await gateway.ok(http, core, f"/v1/transfers/{transfer['transfer']['id']}/sign", {})
        await gateway.post(http, bank, "/v1/cash/mint", {"to": core, "amount": "5.00"}, key="log-key-1")
        await http.get("/v1/me", headers={"Authorization": "Bearer bc_wrong-token"})  # a 401
        await gateway.post(http, core, "/v1/bills", {"kind": "nope"})  # a 422


@pytest.mark.slow  # a `billchain serve` process, killed and started again
def test_no_secret_reaches_the_logs(tmp_path: Path) -> None:
    data_dir = tmp_path / "gateway"
    with Gateway(data_dir, "embedded", None) as gateway:
        asyncio.run(_story(gateway))
        gateway.kill()  # and a restart: start-up and recovery log too
        gateway.start()
        assert httpx.get(f"{gateway.url}/v1/me", headers={"Authorization": f"Bearer {gateway.token}"}).is_success
    log = (tmp_path / "gateway.log").read_text(errors="replace")
    assert "POST /v1/bills" in log and "401" in log  # the log is there, with the requests in it

    keystore = Keystore(data_dir)
    keys = [keystore.load(path.stem).key.hex() for path in (data_dir / "keys").glob("*.json")]
    secrets = {
        "operator token": [gateway.token],
        "API tokens": [t for who, t in gateway.tokens.items() if who != "operator"],
        "keystore passphrase": [(data_dir / "keystore.secret").read_text().strip()],
        "sealing keys": [key.read_text().strip() for key in (data_dir / "sealing-keys").glob("*.key")],
        "private keys": keys,
    }
    # three participants, the harness's regulator (it sets the bank's mint limit), the operator, the relayer
    assert len(secrets["API tokens"]) == 4 and len(keys) == 6 and len(secrets["sealing keys"]) == 1
    for kind, values in secrets.items():
        for value in values:
            bare = value.removeprefix("0x")
            assert bare.lower() not in log.lower(), f"a {kind} is in the gateway's log"
