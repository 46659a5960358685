"""The outbox: a write cut off between signing and answering happens once or not at all, and the
client's retry with the same Idempotency-Key gets that one result (gateway/ledger/outbox.py, recovery.py).

The cut is made at the node's door: `send_raw` fails before the node sees the transaction
(a crash after the outbox write) or after it took it (a crash, or a timeout, before the answer).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from gateway.core.db import BillRow, IdempotencyRow, OutboxRow
from gateway.ledger.runtime import Runtime
from tests.api.conftest import Api, gateway_on, problem


def _cut(runtime: Runtime, after_node: bool) -> Callable[[], None]:
    """The next send fails: before the node sees it, or after it took it. Returns the undo."""
    backend = runtime.backend
    real = backend.send_raw

    def failing(raw: bytes) -> None:
        backend.send_raw = real  # type: ignore[method-assign]
        if after_node:
            real(raw)
        raise ConnectionResetError("the gateway went away here")

    backend.send_raw = failing  # type: ignore[method-assign]
    return lambda: setattr(backend, "send_raw", real)


def _bills(runtime: Runtime) -> int:
    with runtime.db.session() as s:
        return len(list(s.scalars(select(BillRow.id))))


def _outbox(runtime: Runtime, state: str) -> list[OutboxRow]:
    with runtime.db.session() as s:
        return list(s.scalars(select(OutboxRow).where(OutboxRow.state == state)))


def _issue_body(api: Api, cast: dict[str, str]) -> dict[str, Any]:
    return {
        "kind": "BANK_ACCEPTANCE",
        "acceptor": cast["bank"],
        "payee": cast["t1"],
        "amount": "500.00",
        "maturity_date": api.maturity(60),
    }


@pytest.mark.parametrize("after_node", [False, True], ids=["node-never-saw-it", "node-took-it"])
def test_a_retry_after_a_failed_send_gets_the_one_result(api: Api, cast: dict[str, str], after_node: bool) -> None:
    body = _issue_body(api, cast)
    key = {"Idempotency-Key": f"outbox-{after_node}"}
    bills = _bills(api.runtime)
    _cut(api.runtime, after_node)
    problem(api.post("/v1/bills", cast["core"], body, headers=key), 503, "CHAIN_UNAVAILABLE")
    assert len([r for r in _outbox(api.runtime, "PENDING") if r.key == key["Idempotency-Key"]]) == 1

    retry = api.post("/v1/bills", cast["core"], body, headers=key)
    first = api.ok(retry, 201)
    assert _bills(api.runtime) == bills + 1  # once: sent again, or found mined, never sent anew
    assert first["bill"]["amount"] == "500.00" and first["bill"]["status"] == "ISSUED"
    again = api.post("/v1/bills", cast["core"], body, headers=key)
    assert again.json() == first and again.headers["Idempotent-Replayed"] == "true"
    assert not [r for r in _outbox(api.runtime, "PENDING") if r.key == key["Idempotency-Key"]]


def test_a_refused_transaction_leaves_nothing_in_the_outbox(api: Api, cast: dict[str, str]) -> None:
    key = {"Idempotency-Key": "outbox-refused"}
    bill_id = api.issue(cast["core"], cast["bank"], cast["t1"])
    problem(api.post(f"/v1/bills/{bill_id}/receive", cast["t1"], headers=key), 409, "INVALID_STATE")
    with api.runtime.db.session() as s:
        assert s.scalar(select(OutboxRow).where(OutboxRow.key == "outbox-refused")) is None
        assert s.get(IdempotencyRow, (cast["t1"], "outbox-refused")) is not None


def test_recorded_answers_are_sealed(api: Api, cast: dict[str, str]) -> None:
    """Recorded answers are kept encrypted; an onboarding's API token is shown once, never in a replay."""
    key = {"Idempotency-Key": "onboard-sealed"}
    payload = {"id": "sealed-corp", "name": "Sealed", "role": "ENTERPRISE"}
    first = api.ok(api.post("/v1/participants", "operator", payload, headers=key), 201)
    with api.runtime.db.session() as s:
        row = s.get(IdempotencyRow, ("operator", "onboard-sealed"))
    assert row is not None and first["api_token"] not in row.body and "sealed-corp" not in row.body
    assert api.post("/v1/participants", "operator", payload, headers=key).json() == {**first, "api_token": None}


@pytest.mark.parametrize("after_node", [False, True], ids=["node-never-saw-it", "node-took-it"])
def test_a_restart_settles_the_outbox_before_serving(tmp_path: Path, after_node: bool) -> None:
    with gateway_on(tmp_path) as (api, runtime):
        bank, corp, supplier = api.onboard("BANK"), api.onboard("ENTERPRISE"), api.onboard("ENTERPRISE")
        body = _issue_body(api, {"bank": bank, "t1": supplier})
        key = {"Idempotency-Key": "crash-1"}
        _cut(runtime, after_node)
        problem(api.post("/v1/bills", corp, body, headers=key), 503, "CHAIN_UNAVAILABLE")
        assert _bills(runtime) == 0
        tokens = api.tokens
    with gateway_on(tmp_path) as (api, runtime):  # started again: the outbox is settled first
        api.tokens = tokens
        assert _bills(runtime) == 1 and not _outbox(runtime, "PENDING")
        retry = api.post("/v1/bills", corp, body, headers=key)
        assert api.ok(retry, 201)["bill"]["payee"] == supplier
        assert retry.headers["Idempotent-Replayed"] == "true"  # answered by the settlement, sent nothing
        assert _bills(runtime) == 1


def test_settled_entries_are_pruned_after_the_keys_expire(api: Api, cast: dict[str, str]) -> None:
    api.mint(cast["bank"], cast["t1"], "1.00")
    outbox = api.runtime.outbox
    settled = outbox.counts()["DONE"]
    assert settled > 0
    assert outbox.prune(datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=48)) == 0  # all recent
    assert outbox.prune(datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=1)) == settled
    assert outbox.counts()["DONE"] == 0


def test_a_recorded_answer_that_does_not_open_is_refused_not_replayed(api: Api, cast: dict[str, str]) -> None:
    """Whoever can write the database cannot forge an answer: one that does not open with the sealing
    keys (written in plain, or sealed elsewhere) is refused, never replayed from the raw text."""
    body = {"to": cast["t1"], "amount": "1.00"}
    first = api.ok(api.post("/v1/cash/mint", cast["bank"], body, headers={"Idempotency-Key": "plain-1"}))
    with api.runtime.db.session() as s:
        row = s.get(IdempotencyRow, (cast["bank"], "plain-1"))
        assert row is not None
        row.body = json.dumps({**first, "amount": "1000000.00"})  # a forged answer, in plain
    problem(
        api.post("/v1/cash/mint", cast["bank"], body, headers={"Idempotency-Key": "plain-1"}), 503, "CHAIN_UNAVAILABLE"
    )
    assert api.balance(cast["t1"]) == first["balance"]  # and nothing ran again


def test_an_onboarding_cut_off_is_settled_with_a_working_token(api: Api) -> None:
    key = {"Idempotency-Key": "onboard-cut"}
    payload = {"id": "cut-corp", "name": "Cut", "role": "ENTERPRISE"}
    _cut(api.runtime, after_node=True)  # registered on chain; the gateway went away before the row
    problem(api.post("/v1/participants", "operator", payload, headers=key), 503, "CHAIN_UNAVAILABLE")
    other = api.onboard("ENTERPRISE")  # meanwhile another takes the next sequence number
    settled = api.ok(api.post("/v1/participants", "operator", payload, headers=key), 201)
    assert settled["id"] == "cut-corp" and settled["api_token"]
    api.tokens["cut-corp"] = settled["api_token"]
    assert api.ok(api.get("/v1/me", "cut-corp"))["id"] == "cut-corp"
    assert api.ok(api.get(f"/v1/participants/{other}"))["member_code"] != settled["member_code"]


def test_a_cut_off_write_whose_nonce_went_elsewhere_never_happened(api: Api, cast: dict[str, str]) -> None:
    """Not at all: the node never saw it and another write of the same signer took its nonce; the
    retry runs afresh (once), and the entry is ABANDONED."""
    body, key = _issue_body(api, cast), {"Idempotency-Key": "outbox-abandoned"}
    _cut(api.runtime, after_node=False)
    problem(api.post("/v1/bills", cast["core"], body, headers=key), 503, "CHAIN_UNAVAILABLE")
    api.issue(cast["core"], cast["bank"], cast["t2"])  # the same signer's next write takes that nonce
    bills = _bills(api.runtime)
    retry = api.ok(api.post("/v1/bills", cast["core"], body, headers=key), 201)
    assert _bills(api.runtime) == bills + 1 and retry["bill"]["payee"] == cast["t1"]
    abandoned = [r for r in _outbox(api.runtime, "ABANDONED") if r.key == "outbox-abandoned"]
    assert len(abandoned) == 1 and not [r for r in _outbox(api.runtime, "PENDING") if r.key == "outbox-abandoned"]


def test_a_nonce_taken_by_a_transaction_the_gateway_never_sent_is_not_guessed(api: Api, cast: dict[str, str]) -> None:
    """Its nonce used, but by nothing in the outbox (the key signed elsewhere, or a node that lost
    blocks): running the request afresh could do it twice, so the key's retries get 503 and the
    entry stays PENDING for a person to look at."""
    body, key = _issue_body(api, cast), {"Idempotency-Key": "outbox-unknown-taker"}
    _cut(api.runtime, after_node=False)
    problem(api.post("/v1/bills", cast["core"], body, headers=key), 503, "CHAIN_UNAVAILABLE")
    account, backend = api.runtime.keystore.load(cast["core"]), api.runtime.backend
    stray = {"to": account.address, "value": 0, "gas": 21_000, "gasPrice": backend.gas_price()}
    stray |= {"chainId": backend.chain_id, "nonce": backend.pending_nonce(account.address)}
    backend.send_raw(bytes(account.sign_transaction(stray).raw_transaction))  # signed outside the gateway
    bills = _bills(api.runtime)
    problem(api.post("/v1/bills", cast["core"], body, headers=key), 503, "CHAIN_UNAVAILABLE")
    assert _bills(api.runtime) == bills
    assert [r.key for r in _outbox(api.runtime, "PENDING")].count("outbox-unknown-taker") == 1
    backend.nonces.resync(account.address)  # the stray transaction moved the signer's count


def _signed_headers(api: Api, who: str, path: str, body: dict[str, Any]) -> dict[str, str]:
    """What a self-custody participant sends with its write: prepared by the gateway, signed by itself."""
    from billchain_client import submit_headers
    from chain.relay import sign_typed

    prepared = api.prepare(path, who, body)
    return submit_headers(prepared, sign_typed(api.keys[who], prepared["typed_data"]))


@pytest.mark.parametrize("after_node", [False, True], ids=["node-never-saw-it", "node-took-it"])
def test_a_relayed_write_cut_off_is_retried_to_its_one_result(api: Api, after_node: bool) -> None:
    """A self-custody participant's signed write goes through the outbox like any other: the relayer's
    transaction is what is kept and sent again; the signature acts once."""
    bank, t1 = api.onboard("BANK"), api.onboard("ENTERPRISE")
    core = api.onboard("ENTERPRISE", "core", self_custody=True)
    body = _issue_body(api, {"bank": bank, "t1": t1})
    headers = {**_signed_headers(api, core, "/v1/bills", body), "Idempotency-Key": f"relayed-{after_node}"}
    bills = _bills(api.runtime)
    _cut(api.runtime, after_node)
    cut = api.post("/v1/bills", core, body, headers=headers)
    # 503, or, when the node took it and its block is already read, the write's own answer
    assert cut.status_code in (201, 503), cut.text
    first = api.ok(api.post("/v1/bills", core, body, headers=headers), 201)
    if cut.status_code == 201:
        assert cut.json() == first
    assert first["bill"]["drawer"] == core and _bills(api.runtime) == bills + 1
    assert api.runtime.system.relay.nonce(api.keys[core].address) == 1


@pytest.mark.parametrize("after_node", [False, True], ids=["node-never-saw-it", "node-took-it"])
def test_a_restart_settles_a_relayed_write(tmp_path: Path, after_node: bool) -> None:
    with gateway_on(tmp_path) as (api, runtime):
        bank, supplier = api.onboard("BANK"), api.onboard("ENTERPRISE")
        corp = api.onboard("ENTERPRISE", "core", self_custody=True)
        body = _issue_body(api, {"bank": bank, "t1": supplier})
        headers = {**_signed_headers(api, corp, "/v1/bills", body), "Idempotency-Key": "relayed-crash"}
        _cut(runtime, after_node)
        problem(api.post("/v1/bills", corp, body, headers=headers), 503, "CHAIN_UNAVAILABLE")
        tokens, keys = api.tokens, api.keys
    with gateway_on(tmp_path) as (api, runtime):
        api.tokens, api.keys = tokens, keys
        assert _bills(runtime) == 1 and not _outbox(runtime, "PENDING")
        retry = api.post("/v1/bills", corp, body, headers=headers)
        assert api.ok(retry, 201)["bill"]["drawer"] == corp
        assert retry.headers["Idempotent-Replayed"] == "true"
