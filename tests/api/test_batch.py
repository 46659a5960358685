"""POST /v1/batch: a caller's own writes in one transaction, all or nothing, each answered as it alone
would be; one Idempotency-Key; problems name the operation."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api, problem


def _holding(api: Api, cast: dict[str, str], count: int, amount: str = "1000.00") -> list[int]:
    return [
        api.circulating(cast["core"], cast["core"], cast["t1"], amount, kind="COMMERCIAL_ACCEPTANCE")
        for _ in range(count)
    ]


def _operations(cast: dict[str, str], bills: list[int]) -> list[dict[str, Any]]:
    return [
        {"path": f"/v1/bills/{bills[0]}/endorse", "body": {"to": cast["t2"], "amount": "100.00"}},
        {"path": f"/v1/bills/{bills[1]}/discount", "body": {"bank": cast["bank"], "annual_rate": "0.02"}},
        {"path": f"/v1/bills/{bills[2]}/pledge", "body": {"bank": cast["bank"], "amount": "300.00"}},
    ]


def _state(api: Api, bills: list[int]) -> list[Any]:
    return [api.bill(b)["ranges"] for b in bills] + [api.ok(api.get("/v1/transfers?limit=500"))["items"]]


def _comparable(answer: dict[str, Any]) -> dict[str, Any]:
    """An answer without what differs between two equal operations on two bills: ids, numbers, times."""
    transfer = {k: v for k, v in answer["transfer"].items() if k not in ("id", "bill_id", "created_at", "updated_at")}
    ranges = [{k: v for k, v in r.items() if k != "pending_transfer"} for r in answer["bill"]["ranges"]]
    return {"transfer": transfer, "ranges": ranges, "keys": sorted(answer), "tx": sorted(answer["tx"])}


def test_a_batch_answers_each_operation_as_it_alone_is_answered(api: Api, cast: dict[str, str]) -> None:
    batched, alone = _holding(api, cast, 3), _holding(api, cast, 3)
    answer = api.ok(api.post("/v1/batch", cast["t1"], {"operations": _operations(cast, batched)}))
    results = answer["operations"]
    assert [r["status"] for r in results] == [201, 201, 201]
    singles = [api.ok(api.post(op["path"], cast["t1"], op["body"]), 201) for op in _operations(cast, alone)]
    assert [_comparable(r["body"]) for r in results] == [_comparable(s) for s in singles]
    # one transaction for all three; each answer names its own transfer, in order
    assert {r["body"]["tx"]["hash"] for r in results} == {answer["tx"]["hash"]}
    assert [r["body"]["transfer"]["kind"] for r in results] == ["ENDORSE", "DISCOUNT", "PLEDGE"]
    assert [r["body"]["bill"]["id"] for r in results] == batched
    ids = [r["body"]["transfer"]["id"] for r in results]
    assert ids == sorted(ids) and all(
        api.ok(api.get(f"/v1/transfers/{i}", cast["t1"]))["status"] == "PENDING" for i in ids
    )
    seen = api.ok(api.get(f"/v1/transactions/{answer['tx']['hash']}", cast["t1"]))
    assert seen["call"] is None and seen["sender_participant"] is None  # the relayer sent it
    assert [o["method"] for o in seen["operations"]] == ["endorse", "discount", "pledge"]
    assert api.ok(api.get(f"/v1/transactions/{answer['tx']['hash']}", "operator"))["call"]["method"] == "executeBatch"


def test_one_bad_operation_and_nothing_happens_naming_it(api: Api, cast: dict[str, str]) -> None:
    bills = _holding(api, cast, 3)
    before = _state(api, bills)
    operations = _operations(cast, bills)
    operations[1]["body"]["amount"] = "5000.00"  # more than the range holds: the gateway's own check
    refused = problem(api.post("/v1/batch", cast["t1"], {"operations": operations}), 422, "VALIDATION_ERROR")
    assert refused["operation"] == 1 and refused["detail"].startswith("operations[1]")
    assert _state(api, bills) == before

    # each passes the checks against the state before the batch, but the second finds the range locked
    # by the first on chain: the chain undoes the first too, and names the second
    twice = [{"path": f"/v1/bills/{bills[0]}/endorse", "body": {"to": cast["t2"]}}] * 2
    refused = problem(api.post("/v1/batch", cast["t1"], {"operations": twice}), 409, "INVALID_STATE")
    assert refused["operation"] == 1 and "operations[1]" in refused["detail"]
    assert _state(api, bills) == before
    nonce = api.runtime.system.relay.nonce(api.runtime.keystore.load(cast["t1"]).address)
    assert api.ok(api.post("/v1/batch", cast["t1"], {"operations": twice[:1]}))["operations"][0]["status"] == 201
    assert api.runtime.system.relay.nonce(api.runtime.keystore.load(cast["t1"]).address) == nonce + 1


def test_a_batch_answers_once_under_one_key(api: Api, cast: dict[str, str]) -> None:
    bills = _holding(api, cast, 3)
    body = {"operations": _operations(cast, bills)}
    first = api.post("/v1/batch", cast["t1"], body, headers={"Idempotency-Key": "batch-1"})
    again = api.post("/v1/batch", cast["t1"], body, headers={"Idempotency-Key": "batch-1"})
    assert first.status_code == again.status_code == 200 and again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    pending = api.ok(api.get("/v1/transfers?direction=outgoing&status=PENDING&limit=500", cast["t1"]))["items"]
    assert sum(1 for t in pending if t["bill_id"] in bills) == 3  # once, not twice
    changed = {"operations": body["operations"][:1]}
    problem(
        api.post("/v1/batch", cast["t1"], changed, headers={"Idempotency-Key": "batch-1"}),
        422,
        "IDEMPOTENCY_KEY_REUSED",
    )


def test_bad_batches_get_problems_and_change_nothing(api: Api, cast: dict[str, str]) -> None:
    (bill_id,) = _holding(api, cast, 1)
    endorse = {"path": f"/v1/bills/{bill_id}/endorse", "body": {"to": cast["t2"]}}
    for body, status, code in (
        ({"operations": []}, 422, "VALIDATION_ERROR"),
        ({"operations": [endorse] * 101}, 422, "VALIDATION_ERROR"),
        ({"operations": [{"path": "/v1/nowhere", "body": {}}]}, 404, "NOT_FOUND"),
        ({"operations": [{"path": "/v1/bills/abc/endorse", "body": {}}]}, 422, "VALIDATION_ERROR"),
        ({"operations": [{"path": "/v1/bills/0/endorse", "body": {"to": cast["t2"]}}]}, 422, "VALIDATION_ERROR"),
        ({"operations": [{"path": f"/v1/bills/{bill_id}/endorse", "body": {"to": 7}}]}, 422, "VALIDATION_ERROR"),
        ({"operations": [{"path": f"/v1/bills/{bill_id}/endorse", "body": {}}]}, 422, "VALIDATION_ERROR"),
        ({"operations": [{"path": f"/v1/bills/{bill_id}/accept", "body": {"x": 1}}]}, 422, "VALIDATION_ERROR"),
        ({"operations": [{"path": "/v1/participants/x/freeze"}]}, 403, "FORBIDDEN"),
        ({"operations": [endorse], "extra": 1}, 422, "VALIDATION_ERROR"),
        ({"operations": [{"path": "/v1/documents", "body": {}}]}, 404, "NOT_FOUND"),
    ):
        response = api.post("/v1/batch", cast["t1"], body)
        assert response.status_code == status, (body, response.text)
        assert response.json()["code"] == code
    problem(api.post("/v1/batch", cast["t2"], {"operations": [endorse]}), 404, "NOT_FOUND")  # not its bill
    problem(api.post("/v1/batch", None, {"operations": [endorse]}), 401, "UNAUTHENTICATED")
    problem(api.post("/v1/batch", "operator", {"operations": [endorse]}), 403, "FORBIDDEN")
    # a self-custody participant signs each of its operations: the gateway holds no key to batch them with
    own = api.onboard("ENTERPRISE", "own", self_custody=True)
    owed = api.issue(cast["core"], cast["core"], own, "10.00", kind="COMMERCIAL_ACCEPTANCE")
    receive = {"path": f"/v1/bills/{owed}/receive", "body": {}}
    refused = problem(api.post("/v1/batch", own, {"operations": [receive]}), 422, "VALIDATION_ERROR")
    assert refused["operation"] == 0 and "self-custody" in refused["detail"]
    assert api.bill(owed)["status"] == "ACCEPTED"
    assert api.bill(bill_id)["ranges"][0]["state"] == "HELD"
