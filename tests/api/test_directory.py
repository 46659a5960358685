"""The participant directory is the chain's (docs/GATEWAYS.md): every member onboarded on the chain is
listed at every gateway; a gateway serves (issues tokens for, holds the key of or relays for) only those
its operator says it serves."""

from __future__ import annotations

import itertools

from eth_account import Account

from chain.model import Role
from tests.api.conftest import Api, problem

_n = itertools.count(1)


def _on_chain_only(api: Api, role: Role = Role.ENTERPRISE, address: str | None = None) -> tuple[str, str]:
    """A member the operator onboarded without this gateway (as at another gateway of the platform)."""
    participant_id, address = f"else-{next(_n)}", address or Account.create().address
    rt = api.runtime
    rt.system.registry.register(rt.operator, address, role, participant_id, "别处的企业", "91310000MA1FL4JK3N")
    rt.indexer.catch_up()
    return participant_id, address


def test_a_member_onboarded_elsewhere_is_in_the_directory_without_a_token(api: Api) -> None:
    participant_id, address = _on_chain_only(api)
    record = api.ok(api.get(f"/v1/participants/{participant_id}"))
    code = api.runtime.system.registry.member(address).code
    assert record == {
        "id": participant_id,
        "name": "别处的企业",
        "role": "ENTERPRISE",
        "member_code": f"{code:012d}",
        "address": address,
        "status": "ACTIVE",
        "credit_code": "91310000MA1FL4JK3N",
        "overdue_events_180d": 0,
        "persistently_overdue": False,
        "recovery": None,
        "custody": "elsewhere",
    }
    listed = api.ok(api.get("/v1/participants", params={"limit": 500}))["items"]
    assert [p["member_code"] for p in listed] == sorted(p["member_code"] for p in listed)  # the chain's order
    assert participant_id in {p["id"] for p in listed}
    # its token is the serving gateway's to issue: not this one's
    problem(api.post(f"/v1/participants/{participant_id}/token", "operator"), 409, "INVALID_STATE")
    api.runtime.indexer.rebuild()  # the directory comes back from the chain as it was
    assert api.ok(api.get(f"/v1/participants/{participant_id}")) == record


def test_onboarding_for_another_gateway_needs_the_address_and_gives_no_token(api: Api) -> None:
    registry = api.runtime.system.registry
    before = registry.member_count()
    body = {"id": f"nokey-{next(_n)}", "name": "n", "role": "ENTERPRISE", "serve": False}
    problem(api.post("/v1/participants", "operator", body), 422, "VALIDATION_ERROR")
    problem(api.post("/v1/participants", "operator", {**body, "serve": "no"}), 422, "VALIDATION_ERROR")
    assert registry.member_count() == before
    answer = api.ok(api.post("/v1/participants", "operator", {**body, "address": Account.create().address}), 201)
    assert (answer["custody"], answer["api_token"]) == ("elsewhere", None)
    assert registry.member_count() == before + 1


def test_a_gateway_serves_a_hosted_member_with_the_key_it_made_for_it(api: Api) -> None:
    participant_id = f"served-{next(_n)}"
    made = api.ok(api.post("/v1/hosted-keys", "operator", {"id": participant_id}), 201)
    again = api.ok(api.post("/v1/hosted-keys", "operator", {"id": participant_id}), 201)
    assert made == again == {"id": participant_id, "address": made["address"]}
    problem(api.post(f"/v1/participants/{participant_id}/serve", "operator", {"custody": "hosted"}), 404, "NOT_FOUND")
    rt = api.runtime
    rt.system.registry.register(rt.operator, made["address"], Role.ENTERPRISE, participant_id, "n")
    rt.indexer.catch_up()
    served = api.ok(api.post(f"/v1/participants/{participant_id}/serve", "operator", {"custody": "hosted"}), 201)
    assert served["custody"] == "hosted" and served["api_token"]
    api.tokens[participant_id] = served["api_token"]
    assert api.ok(api.get("/v1/me", participant_id))["custody"] == "hosted"
    # it signs with the key held here: a payment it makes needs no signature of its own
    bank = api.onboard("BANK", "bank")
    api.mint(bank, participant_id, "5.00")
    api.ok(api.post("/v1/cash/transfer", participant_id, {"to": bank, "amount": "2.00"}))
    assert api.balance(participant_id) == "3.00"
    problem(api.post(f"/v1/participants/{participant_id}/serve", "operator", {"custody": "self"}), 409, "INVALID_STATE")
    problem(api.post("/v1/hosted-keys", "operator", {"id": participant_id}), 409, "INVALID_STATE")
    api.runtime.indexer.rebuild()  # what this gateway keeps of its own survives a rebuilt index
    assert api.ok(api.get("/v1/me", participant_id))["custody"] == "hosted"


def test_serving_hosted_needs_the_key_of_that_address(api: Api) -> None:
    participant_id, _ = _on_chain_only(api)
    problem(
        api.post(f"/v1/participants/{participant_id}/serve", "operator", {"custody": "hosted"}), 409, "INVALID_STATE"
    )
    assert api.ok(api.get(f"/v1/participants/{participant_id}"))["custody"] == "elsewhere"  # nothing changed
    served = api.ok(api.post(f"/v1/participants/{participant_id}/serve", "operator", {"custody": "self"}), 201)
    api.tokens[participant_id] = served["api_token"]
    # in self-custody here, it signs its own writes: the gateway holds no key to sign with
    problem(
        api.post("/v1/cash/transfer", participant_id, {"to": participant_id, "amount": "1.00"}),
        422,
        "SIGNATURE_REQUIRED",
    )


def test_bad_requests_to_serve_and_to_make_keys_change_nothing(api: Api) -> None:
    participant_id, _ = _on_chain_only(api)
    member = api.onboard("ENTERPRISE", "m")
    for body in ({}, {"custody": "cold"}, {"custody": "self", "extra": 1}):
        problem(api.post(f"/v1/participants/{participant_id}/serve", "operator", body), 422, "VALIDATION_ERROR")
    problem(api.post(f"/v1/participants/{participant_id}/serve", member, {"custody": "self"}), 403, "FORBIDDEN")
    for bad_id in (None, "X", "operator-key/../x", 7):
        sent: dict[str, object] = {} if bad_id is None else {"id": bad_id}
        problem(api.post("/v1/hosted-keys", "operator", sent), 422, "VALIDATION_ERROR")
    problem(api.post("/v1/hosted-keys", member, {"id": "not-mine"}), 403, "FORBIDDEN")
    problem(api.post("/v1/hosted-keys", "operator", {"id": "relayer"}), 409, "INVALID_STATE")
    assert not api.runtime.keystore.exists("not-mine")
    assert api.ok(api.get(f"/v1/participants/{participant_id}"))["custody"] == "elsewhere"
