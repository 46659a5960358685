"""billchain_client against the gateway: a self-custody participant's writes are prepared, checked,
signed locally and submitted; a preparation that is not what was asked for is refused unsigned."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from billchain_client import BillchainClient, Refused, local_signer
from tests.api.conftest import Api


def client_for(api: Api, who: str, transport: httpx.BaseTransport | None = None) -> BillchainClient:
    signer = local_signer(api.keys[who]) if who in api.keys else None
    return BillchainClient("http://testserver", api.tokens[who], signer, transport=transport or api.client._transport)


def test_the_client_signs_a_self_custody_participants_writes(api: Api) -> None:
    bank = api.onboard("BANK", "bank", self_custody=True)
    core, t1 = api.onboard("ENTERPRISE", "core"), api.onboard("ENTERPRISE", "tier", self_custody=True)
    bill_id = api.issue(core, bank, t1)
    with client_for(api, bank) as client:
        assert client.bill_action(bill_id, "accept")["bill"]["status"] == "ACCEPTED"
    with client_for(api, t1) as client:
        client.bill_action(bill_id, "receive")
        answer = client.bill_action(bill_id, "endorse", to=core, amount="100.00")
        assert answer["transfer"]["from"] == t1 and answer["transfer"]["status"] == "PENDING"
        with pytest.raises(Refused) as refused:
            client.bill_action(bill_id, "endorse", to="nobody-at-all", amount="1.00")
        assert refused.value.status == 422 and refused.value.code == "INVALID_COUNTERPARTY"


class Tampering(httpx.BaseTransport):
    """A gateway that prepares something else than what was asked: `change` edits the typed data."""

    def __init__(self, inner: httpx.BaseTransport, change: Any) -> None:
        self.inner, self.change, self.submitted = inner, change, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if not request.url.path.endswith("/prepare"):
            self.submitted += request.headers.get("billchain-signature") is not None
            return response
        response.read()
        body = json.loads(response.content)
        self.change(body["typed_data"])
        return httpx.Response(response.status_code, json=body)


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t["message"].update(amount=t["message"]["amount"] * 10),
        lambda t: t.update(primaryType="Discount"),
        lambda t: t["message"].update(signer="0x" + "11" * 20),
    ],
    ids=["another amount", "another operation", "another signer"],
)
def test_the_client_signs_nothing_it_did_not_ask_for(api: Api, change: Any) -> None:
    bank, core = api.onboard("BANK", "bank"), api.onboard("ENTERPRISE", "core")
    t1 = api.onboard("ENTERPRISE", "tier", self_custody=True)
    bill_id = api.circulating(core, bank, t1)
    tampering = Tampering(api.client._transport, change)
    with client_for(api, t1, tampering) as client, pytest.raises(ValueError):
        client.bill_action(bill_id, "endorse", to=core, amount="100.00")
    assert tampering.submitted == 0
    assert len(api.bill(bill_id)["ranges"]) == 1


def test_the_clients_typed_answers_are_the_gateways_objects_field_for_field(api: Api) -> None:
    """billchain_client/models.py mirrors the gateway's OpenAPI schemas: a field gained or lost fails here."""
    from typing import get_type_hints

    from billchain_client.models import MIRRORS

    schemas = api.get("/openapi.json", None).json()["components"]["schemas"]
    for schema, typed in MIRRORS.items():
        assert set(get_type_hints(typed)) == set(schemas[schema]["properties"]), schema
