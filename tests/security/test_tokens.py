"""Finding 4: tokens could not be rotated or revoked, an onboarding's replay showed the token again, and
any operator token was taken.

The attacks: use a token after its owner rotated it, or after the operator revoked it; replay the
onboarding's Idempotency-Key to read the new participant's token; start the gateway with a guessable
operator token."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from gateway.core.db import ParticipantRow
from tests.api.conftest import Api, gateway_on, problem


def test_a_rotated_token_stops_working_at_once(api: Api) -> None:
    who = api.onboard("ENTERPRISE", "rotating")
    old = api.tokens[who]
    fresh = api.ok(api.post("/v1/me/token", who), 201)["api_token"]
    assert fresh and fresh != old
    problem(api.get("/v1/me", None, headers={"Authorization": f"Bearer {old}"}), 401, "UNAUTHENTICATED")
    api.tokens[who] = fresh
    assert api.ok(api.get("/v1/me", who))["id"] == who
    problem(api.post("/v1/me/token", "operator"), 403, "FORBIDDEN")  # the operator's comes from its setting


def test_a_token_the_operator_revoked_reads_nothing(api: Api, cast: dict[str, str]) -> None:
    leaked = api.tokens[cast["t1"]]
    bill = api.circulating(cast["core"], cast["bank"], cast["t1"])
    reissued = api.ok(api.post(f"/v1/participants/{cast['t1']}/token", "operator"), 201)["api_token"]
    as_thief = {"Authorization": f"Bearer {leaked}"}
    for path in ("/v1/me", f"/v1/bills/{bill}", "/v1/bills", f"/v1/cash/balances/{cast['t1']}", "/v1/transfers"):
        problem(api.get(path, None, headers=as_thief), 401, "UNAUTHENTICATED")
    problem(api.post(f"/v1/participants/{cast['t1']}/token", cast["bank"]), 403, "FORBIDDEN")
    problem(api.post("/v1/participants/nobody-here/token", "operator"), 404, "NOT_FOUND")
    api.tokens[cast["t1"]] = reissued
    assert api.ok(api.get(f"/v1/bills/{bill}", cast["t1"]))["id"] == bill


def test_a_replayed_onboarding_does_not_show_the_token_again(api: Api) -> None:
    key = {"Idempotency-Key": "onboard-once"}
    payload = {"id": "shown-once", "name": "Shown once", "role": "ENTERPRISE"}
    first = api.ok(api.post("/v1/participants", "operator", payload, headers=key), 201)
    again = api.post("/v1/participants", "operator", payload, headers=key)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json()["api_token"] is None
    assert first["api_token"] and first["api_token"] not in again.text
    rotated = api.post("/v1/me/token", None, headers={"Authorization": f"Bearer {first['api_token']}", **key})
    replay = api.post("/v1/me/token", None, headers={"Authorization": f"Bearer {rotated.json()['api_token']}", **key})
    assert replay.status_code == 201 and replay.json()["api_token"] is None


def test_a_token_past_its_expiry_reads_nothing(tmp_path: Path) -> None:
    """BILLCHAIN_TOKEN_TTL_DAYS: every token made from then on carries its expiry, shown with it."""
    with gateway_on(tmp_path, token_ttl_days=30) as (api, runtime):
        who = api.onboard("ENTERPRISE", "expiring")
        rotated = api.ok(api.post("/v1/me/token", who), 201)
        expires = datetime.fromisoformat(rotated["expires_at"].replace("Z", "+00:00"))
        assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30)
        api.tokens[who] = rotated["api_token"]
        assert api.ok(api.get("/v1/me", who))["id"] == who
        with runtime.db.session() as s:  # thirty days later
            row = s.scalars(select(ParticipantRow).where(ParticipantRow.id == who)).one()
            row.token_expires_at = datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=1)
        problem(api.get("/v1/me", who), 401, "UNAUTHENTICATED")
        problem(api.post("/v1/me/token", who), 401, "UNAUTHENTICATED")  # nor renews itself


def test_a_frozen_participant_reads_its_own_data_and_writes_nothing(api: Api, cast: dict[str, str]) -> None:
    bill = api.circulating(cast["core"], cast["bank"], cast["t1"])
    api.ok(api.post(f"/v1/participants/{cast['t1']}/freeze", cast["reg"]))
    assert api.ok(api.get(f"/v1/bills/{bill}", cast["t1"]))["id"] == bill
    assert api.ok(api.get("/v1/me", cast["t1"]))["status"] == "FROZEN"
    problem(api.post(f"/v1/bills/{bill}/endorse", cast["t1"], {"to": cast["t2"]}), 409, "PARTICIPANT_FROZEN")


@pytest.mark.slow  # three `billchain serve` processes
def test_the_gateway_refuses_to_start_with_a_weak_operator_token(tmp_path: Path) -> None:
    for weak in ("hunter2", "admin-admin-admin-admin-admin-admin", "a" * 64):
        env = {**os.environ, "BILLCHAIN_OPERATOR_TOKEN": weak}
        started = subprocess.run(
            [sys.executable, "-m", "gateway.cli", "serve", "--data-dir", str(tmp_path / "d"), "--port", "1"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        said = " ".join((started.stdout + started.stderr).split())
        assert started.returncode == 2 and "too weak" in said and weak not in said, said


def test_every_token_the_operator_issues_is_seen_by_the_participant_and_regulators(
    api: Api, cast: dict[str, str]
) -> None:
    """Issue 24, finding 5: the operator reissued a hosted participant's token, acted for it, and left no
    trace the participant could see. Hosted custody trusts the operator, but not unseen: every token issued,
    rotated or reissued is recorded, and the participant, REGULATORs and the operator read the record."""
    victim = cast["t1"]
    taken = api.ok(api.post(f"/v1/participants/{victim}/token", "operator"), 201)["api_token"]
    api.tokens["thief"] = taken
    api.ok(api.get("/v1/me", "thief"))  # the operator now acts as t1: hosted custody trusts it
    api.tokens[victim] = api.ok(api.post(f"/v1/participants/{victim}/token", "operator"), 201)["api_token"]
    api.tokens[victim] = api.ok(api.post("/v1/me/token", victim), 201)["api_token"]
    seen = api.ok(api.get(f"/v1/participants/{victim}/token-events", victim))["items"]
    assert [(e["kind"], e["by"]) for e in seen] == [
        ("ISSUED", "operator"),
        ("REISSUED", "operator"),
        ("REISSUED", "operator"),
        ("ROTATED", victim),
    ]
    assert all(e["at"].endswith("Z") for e in seen)
    for reader in (cast["reg"], "operator"):
        assert api.ok(api.get(f"/v1/participants/{victim}/token-events", reader))["items"] == seen
    problem(api.get(f"/v1/participants/{victim}/token-events", cast["t2"]), 403, "FORBIDDEN")
    problem(api.get("/v1/participants/nobody-here/token-events", cast["reg"]), 404, "NOT_FOUND")
    page = api.ok(api.get(f"/v1/participants/{victim}/token-events?limit=1", victim))
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = api.ok(api.get(f"/v1/participants/{victim}/token-events?cursor={page['next_cursor']}", victim))
    assert [page["items"][0], *rest["items"]] == seen
