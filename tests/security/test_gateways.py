"""Issue 24, finding 6: a member served by one gateway was served again by another. With two gateways on one
anvil, POST /v1/participants/{id}/serve answered 201 with a token for a member the other gateway already
served, both ways: the operator's gateway served a member it had onboarded for another institution's, and
the other gateway served a member the operator's serves. Which gateway serves a member is now on chain
(ParticipantRegistry.claim, by the gateway's operator key; the operator's gateway at registration), and a
second gateway is refused 409, whatever its database says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eth_account import Account

from chain.backends.anvil import AnvilBackend
from chain.errors import ParticipantServedElsewhere
from chain.relay import SignedBy, sign_typed
from tests.api.conftest import gateway_on, problem

pytestmark = [pytest.mark.anvil]


def test_no_member_is_served_by_two_gateways(tmp_path: Path) -> None:
    node = AnvilBackend(tmp_path / "node")
    try:
        with gateway_on(tmp_path / "a", chain=node.url) as (a, runtime_a):
            book = tmp_path / "platform.json"
            book.write_text(json.dumps(a.get("/v1/health", None).json()))
            with gateway_on(tmp_path / "b", chain=node.url, contracts=book, port=8001) as (b, runtime_b):
                own_key = Account.create()
                body = {"id": "supplier2", "name": "s2", "role": "ENTERPRISE", "address": own_key.address}
                a.ok(a.post("/v1/participants", "operator", {**body, "serve": False}), 201)
                core = a.onboard("ENTERPRISE", "core")  # served by A, the operator's gateway
                served = b.ok(b.post("/v1/participants/supplier2/serve", "operator", {"custody": "self"}), 201)
                assert served["api_token"]
                # A, which onboarded supplier 2 for B, serves it too: refused
                problem(
                    a.post("/v1/participants/supplier2/serve", "operator", {"custody": "self"}), 409, "INVALID_STATE"
                )
                problem(a.post("/v1/participants/supplier2/token", "operator"), 409, "INVALID_STATE")
                # B serves a member A serves: refused, though B's own database had no word of it
                problem(b.post(f"/v1/participants/{core}/serve", "operator", {"custody": "self"}), 409, "INVALID_STATE")
                registry = runtime_a.system.registry
                assert registry.gateway_of(own_key.address) == runtime_b.operator.address
                core_address = a.ok(a.get(f"/v1/participants/{core}"))["address"]
                assert registry.gateway_of(core_address) == runtime_a.operator.address
                # nobody but that gateway or the member ends the service; the member itself may (its own key)
                with pytest.raises(ParticipantServedElsewhere):
                    registry.release(runtime_a.operator, own_key.address)
                relay = runtime_a.system.relay
                call = registry.encode("release", own_key.address)
                nonce, deadline = relay.nonce(own_key.address), node.timestamp() + 600
                signature = sign_typed(own_key, relay.typed_data(call, own_key.address, nonce, deadline))
                registry.release(
                    SignedBy(own_key.address, nonce, deadline, signature, runtime_a.relayer), own_key.address
                )
                assert registry.gateway_of(own_key.address) is None
                a.ok(a.post("/v1/participants/supplier2/serve", "operator", {"custody": "self"}), 201)
                # B reads that on chain: it serves supplier 2 no more, and the token it issued stops working
                b.tokens["supplier2"] = served["api_token"]
                runtime_b.indexer.catch_up()  # what B's block follower does within 50 ms
                problem(b.get("/v1/me", "supplier2"), 401, "UNAUTHENTICATED")
                assert b.ok(b.get("/v1/participants/supplier2"))["custody"] == "elsewhere"
    finally:
        node.close()
