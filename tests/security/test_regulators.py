"""Issue 24, finding 4: the operator alone admitted a regulator, who could then set any bank's mint limit (a
sham regulator let an operator-admitted bank mint 50,000,000,000.00).

The attacks, with the operator's token and every key the gateway holds: admit a second regulator and have it
set a bank's limit, freeze a bill or a participant, or approve itself, through the API and straight on chain
with its key (the chain refuses a PENDING regulator's every act, whatever a gateway does); have the operator
approve it. The first regulator of a platform is admitted while none is ACTIVE; each later one acts only once
an ACTIVE regulator approved it."""

from __future__ import annotations

from pathlib import Path

import pytest

from chain.errors import (
    CashRoleForbidden,
    ParticipantPending,
    ParticipantRoleForbidden,
)
from tests.api.conftest import Api, gateway_on, problem


def test_a_regulator_the_operator_admits_alone_can_do_nothing(api: Api, cast: dict[str, str]) -> None:
    sham = api.onboard("REGULATOR", "sham", approve=False)
    accomplice = api.onboard("BANK", "accomplice", mint_limit=None)
    me = api.ok(api.get("/v1/me", sham))
    assert me["status"] == "PENDING" and api.ok(api.get(f"/v1/participants/{sham}"))["status"] == "PENDING"
    limit = {"limit": "50000000000.00"}
    problem(api.post(f"/v1/participants/{accomplice}/mint-limit", sham, limit), 403, "FORBIDDEN")
    bill = api.circulating(cast["core"], cast["bank"], cast["t1"])
    for path in (
        f"/v1/bills/{bill}/freeze",
        f"/v1/participants/{cast['t1']}/freeze",
        f"/v1/participants/{sham}/approve",
    ):
        problem(api.post(path, sham), 403, "FORBIDDEN")
    problem(api.get("/v1/bills", sham), 403, "FORBIDDEN")  # a pending regulator reads itself only
    problem(api.get("/v1/reports/exposures", sham), 403, "FORBIDDEN")
    problem(api.post(f"/v1/participants/{sham}/approve", "operator"), 403, "FORBIDDEN")
    problem(api.post(f"/v1/participants/{sham}/approve", cast["bank"]), 403, "FORBIDDEN")
    problem(
        api.post("/v1/cash/mint", accomplice, {"to": accomplice, "amount": "50000000000.00"}),
        409,
        "MINT_LIMIT_EXCEEDED",
    )

    # straight on chain, with the sham's own key (the gateway holds it: whoever runs it can sign with it)
    runtime = api.runtime
    key, system = runtime.keystore.load(sham), runtime.system
    bank_address = api.ok(api.get(f"/v1/participants/{accomplice}"))["address"]
    with pytest.raises(CashRoleForbidden):
        system.cash.set_mint_limit(key, bank_address, 5_000_000_000_000)
    with pytest.raises(ParticipantPending):
        system.bills.freeze(key, bill)
    with pytest.raises(ParticipantPending):
        system.registry.freeze(key, bank_address)
    with pytest.raises(ParticipantPending):
        system.registry.approve(key, key.address)
    with pytest.raises(ParticipantRoleForbidden):  # the operator's key is no regulator's
        system.registry.approve(runtime.operator, key.address)
    assert system.cash.mint_limit_of(bank_address) == (0, 0)

    # an ACTIVE regulator approves it: now it acts, on chain as through the API
    approved = api.ok(api.post(f"/v1/participants/{sham}/approve", cast["reg"]))
    assert approved["status"] == "ACTIVE"
    problem(api.post(f"/v1/participants/{sham}/approve", cast["reg"]), 409, "INVALID_STATE")
    api.ok(api.post(f"/v1/participants/{accomplice}/mint-limit", sham, {"limit": "10.00"}))


def test_the_platforms_first_regulator_is_admitted_while_none_is_active(tmp_path: Path) -> None:
    with gateway_on(tmp_path) as (api, runtime):
        first, second = api.onboard("REGULATOR", "first"), api.onboard("REGULATOR", "second", approve=False)
        statuses = [api.ok(api.get(f"/v1/participants/{p}"))["status"] for p in (first, second)]
        assert statuses == ["ACTIVE", "PENDING"] and runtime.system.registry.active_regulators() == 1
