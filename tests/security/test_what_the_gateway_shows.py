"""Issue 24, findings 1 and 2: whatever the gateway serves shows a caller only what API.md's visibility rules
let it see (a transaction explained, a batch's answer), operation by operation and event by event.

The attacks: a bank whose discount request was revoked reads the terms of the competitor's later discount on
that bill, and the cash it paid, through the transactions; the drawer does the same; the payee of one line of
a batch reads the other line's payee and amount, and the batch's calldata and signatures."""

from __future__ import annotations

import json

from gateway.core.money import parse_amount
from tests.api.conftest import Api, problem


def _explained(api: Api, tx_hash: str, who: str) -> dict[str, object] | None:
    """The transaction as `who` may see it, or None when it may see nothing of it (404)."""
    answer = api.get(f"/v1/transactions/{tx_hash}", who)
    if answer.status_code == 404:
        problem(answer, 404, "NOT_FOUND")
        return None
    return dict(api.ok(answer))


def test_a_bank_asked_once_reads_none_of_a_competitors_later_terms(api: Api, cast: dict[str, str]) -> None:
    core, t1, first, second = cast["core"], cast["t1"], cast["bank"], cast["bank2"]
    bill = api.circulating(core, core, t1, "1000.00", kind="COMMERCIAL_ACCEPTANCE")
    asked = api.ok(api.write(f"/v1/bills/{bill}/discount", t1, {"bank": first, "annual_rate": "0.030000"}), 201)
    api.ok(api.write(f"/v1/transfers/{asked['transfer']['id']}/revoke", t1))
    api.mint(second, second, "5000.00")
    later = api.ok(api.write(f"/v1/bills/{bill}/discount", t1, {"bank": second, "annual_rate": "0.018734"}), 201)
    signed = api.ok(api.write(f"/v1/transfers/{later['transfer']['id']}/sign", second))
    price = later["transfer"]["price"]
    secrets = {
        "rateMicros",
        "18734",  # the rate in millionths
        str(parse_amount(price)),  # the price in fen, as the events carry it
        str(api.ok(api.get(f"/v1/participants/{second}"))["address"]),  # who financed it
    }
    problem(api.get(f"/v1/transfers/{later['transfer']['id']}", first), 404, "NOT_FOUND")  # API.md already
    for who in (first, core):  # the bank asked once; the drawer, who sees the bill
        for tx in (later["tx"]["hash"], signed["tx"]["hash"]):
            seen = _explained(api, tx, who)
            text = json.dumps(seen)
            assert not [s for s in secrets if s.lower() in text.lower()], (who, tx, text)
            if seen is not None:
                assert seen["call"] is None and seen["operations"] == []
    # the parties see their own transfer's terms
    for who in (t1, second):
        seen = _explained(api, later["tx"]["hash"], who)
        assert seen is not None
        requested = [e for e in seen["events"] if e["event"] == "TransferRequested"]  # type: ignore[attr-defined]
        assert requested and requested[0]["args"]["rateMicros"] == 18_734


def test_the_payee_of_one_line_of_a_batch_sees_that_line_only(api: Api, cast: dict[str, str]) -> None:
    payer, one, other = cast["t1"], cast["t2"], cast["t3"]
    api.mint(cast["bank"], payer, "100.00")
    lines = [
        {"path": "/v1/cash/transfer", "body": {"to": one, "amount": "1.00"}},
        {"path": "/v1/cash/transfer", "body": {"to": other, "amount": "37.21"}},
    ]
    batch = api.ok(api.post("/v1/batch", payer, {"operations": lines}))
    problem(api.get(f"/v1/cash/balances/{other}", one), 403, "FORBIDDEN")  # as API.md has it
    seen = _explained(api, batch["tx"]["hash"], one)
    assert seen is not None
    text = json.dumps(seen).lower()
    other_address = str(api.ok(api.get(f"/v1/participants/{other}"))["address"]).lower()
    assert other_address[2:] not in text and "3721" not in text and other not in text
    assert seen["call"] is None and seen["operations"] == [] and seen["sender"] is not None  # the relayer's
    moved = [e["args"] for e in seen["events"] if e["event"] == "Transfer"]  # type: ignore[attr-defined]
    assert [m["value"] for m in moved] == [100]
    # the operator and REGULATORs see the batch whole: its calldata, every line
    for who in ("operator", cast["reg"]):
        whole = _explained(api, batch["tx"]["hash"], who)
        assert whole is not None and whole["call"]["method"] == "executeBatch"  # type: ignore[index]
        assert len(whole["operations"]) == 2  # type: ignore[arg-type]
    # the payer sees its own two operations and both payments, but not the raw call with its signatures
    own = _explained(api, batch["tx"]["hash"], payer)
    assert own is not None and own["call"] is None and len(own["operations"]) == 2  # type: ignore[arg-type]
    assert "signature" not in json.dumps(own)


def test_a_participant_tied_to_nothing_in_a_transaction_gets_404(api: Api, cast: dict[str, str]) -> None:
    bill = api.circulating(cast["core"], cast["bank"], cast["t1"])
    received = api.ok(api.get(f"/v1/bills/{bill}/history", cast["t1"]))["items"][-1]["tx_hash"]
    problem(api.get(f"/v1/transactions/{received}", cast["t3"]), 404, "NOT_FOUND")
