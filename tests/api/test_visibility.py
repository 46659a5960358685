"""A bill you cannot see answers 404, for reads and writes alike, and nothing changes."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api, problem

BILL_WRITES = {
    "accept": {},
    "reject": {},
    "receive": {},
    "cancel": {},
    "release": {},
    "present": {},
    "pay": {},
    "dishonor": {"reason": "no"},
    "freeze": {},
    "unfreeze": {},
}


@pytest.fixture(scope="module")
def shared(api: Api) -> dict[str, object]:
    """One circulating bill with a pending transfer, and a stranger of each role."""
    cast = {role: api.onboard(role, role.lower()[:4]) for role in ("BANK", "ENTERPRISE")}
    core, t1, t2 = (api.onboard("ENTERPRISE", "vis") for _ in range(3))
    bill = api.circulating(core, cast["BANK"], t1, amount="10.00")
    transfer = api.ok(api.post(f"/v1/bills/{bill}/endorse", t1, {"to": t2, "amount": "1.00"}), 201)["transfer"]["id"]
    strangers = {"bank": api.onboard("BANK", "str"), "enterprise": api.onboard("ENTERPRISE", "str")}
    return {"bill": bill, "transfer": transfer, "strangers": strangers, "t1": t1, "t2": t2}


@pytest.mark.parametrize("stranger", ["bank", "enterprise"])
def test_strangers_get_404_everywhere(api: Api, shared: dict[str, object], stranger: str) -> None:
    who = shared["strangers"][stranger]  # type: ignore[index]
    bill, transfer = shared["bill"], shared["transfer"]
    before = api.bill(int(bill))  # type: ignore[arg-type]
    problem(api.get(f"/v1/bills/{bill}", who), 404, "NOT_FOUND")
    problem(api.get(f"/v1/bills/{bill}/history", who), 404, "NOT_FOUND")
    problem(api.get(f"/v1/transfers/{transfer}", who), 404, "NOT_FOUND")
    assert api.ok(api.get("/v1/bills", who))["items"] == []
    assert api.ok(api.get(f"/v1/transfers?bill_id={bill}", who))["items"] == []
    for action, body in BILL_WRITES.items():
        problem(api.post(f"/v1/bills/{bill}/{action}", who, body), 404, "NOT_FOUND")
    for action, body in (
        ("endorse", {"to": shared["t2"]}),
        ("discount", {"bank": who, "annual_rate": "0.01"}),
        ("pledge", {"bank": who}),
        ("recourse", {"against": shared["t1"]}),
    ):
        problem(api.post(f"/v1/bills/{bill}/{action}", who, body), 404, "NOT_FOUND")
    for action in ("sign", "reject", "revoke"):
        problem(api.post(f"/v1/transfers/{transfer}/{action}", who), 404, "NOT_FOUND")
    assert api.bill(int(bill)) == before  # type: ignore[arg-type]


def test_a_party_to_a_transfer_sees_the_bill_and_regulators_see_all(api: Api, shared: dict[str, object]) -> None:
    bill = shared["bill"]
    assert api.ok(api.get(f"/v1/bills/{bill}", shared["t2"]))["id"] == bill  # type: ignore[arg-type]
    regulator = api.onboard("REGULATOR", "vis")
    assert api.ok(api.get(f"/v1/bills/{bill}", regulator))["id"] == bill  # type: ignore[arg-type]
    assert bill in [b["id"] for b in api.ok(api.get("/v1/bills?limit=500", regulator))["items"]]
    for action, body in (("endorse", {"to": shared["t2"]}), ("accept", {}), ("pay", {})):
        problem(api.post(f"/v1/bills/{bill}/{action}", regulator, body), 403, "FORBIDDEN")
    problem(api.post(f"/v1/transfers/{shared['transfer']}/sign", regulator), 403, "FORBIDDEN")
