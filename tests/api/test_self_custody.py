"""Self-custody participants through the gateway: prepare, sign with the participant's own key, submit.

The answer of a signed write is the answer of the same hosted write; without its signature, with
another key's, with a changed body, twice, or after its deadline, nothing happens (docs/SIGNING.md).
"""

from __future__ import annotations

import pytest
from eth_account import Account

from billchain_client import submit_headers
from chain.relay import sign_typed
from tests.api.conftest import Api, problem


@pytest.fixture
def sc(api: Api) -> dict[str, str]:
    """Everyone in self-custody but the regulator that sets mint limits."""
    return {
        "bank": api.onboard("BANK", "bank", self_custody=True),
        "core": api.onboard("ENTERPRISE", "core", self_custody=True),
        "t1": api.onboard("ENTERPRISE", "tier", self_custody=True),
        "t2": api.onboard("ENTERPRISE", "tier", self_custody=True),
    }


def test_onboarding_with_an_address_keeps_the_key_with_its_owner(api: Api, sc: dict[str, str]) -> None:
    participant = api.ok(api.get(f"/v1/participants/{sc['t1']}"))
    assert participant["custody"] == "self"
    assert participant["address"] == api.keys[sc["t1"]].address
    assert not (api.runtime.settings.data_dir / "keys" / f"{sc['t1']}.json").exists()
    hosted = api.onboard("ENTERPRISE", "hosted")
    assert api.ok(api.get(f"/v1/participants/{hosted}"))["custody"] == "hosted"
    assert (api.runtime.settings.data_dir / "keys" / f"{hosted}.json").exists()


def test_the_gateway_cannot_act_without_the_signature(api: Api, sc: dict[str, str]) -> None:
    bill_id = api.issue(sc["core"], sc["bank"], sc["t1"])
    problem(api.post(f"/v1/bills/{bill_id}/accept", sc["bank"]), 422, "SIGNATURE_REQUIRED")
    assert api.bill(bill_id)["status"] == "ISSUED"


def test_a_signed_write_answers_as_a_hosted_one(api: Api, sc: dict[str, str]) -> None:
    bill_id = api.circulating(sc["core"], sc["bank"], sc["t1"], "1000.00")
    prepared = api.prepare(f"/v1/bills/{bill_id}/endorse", sc["t1"], {"to": sc["t2"], "amount": "400.00"})
    assert prepared["operation"] == "Endorse" and prepared["signer"] == api.keys[sc["t1"]].address
    assert "amount 400.00 yuan (40000 fen)" in prepared["summary"] and sc["t2"] in prepared["summary"]
    assert prepared["typed_data"]["message"]["to"] == api.keys[sc["t2"]].address
    answer = api.ok(api.signed(f"/v1/bills/{bill_id}/endorse", sc["t1"], {"to": sc["t2"], "amount": "400.00"}), 201)
    assert set(answer) == {"transfer", "bill", "tx"}
    assert (answer["transfer"]["from"], answer["transfer"]["to"]) == (sc["t1"], sc["t2"])
    answer = api.ok(api.signed(f"/v1/transfers/{answer['transfer']['id']}/sign", sc["t2"]))
    assert answer["transfer"]["status"] == "SIGNED"
    holders = {r["holder"] for r in api.bill(bill_id)["ranges"]}
    assert holders == {sc["t1"], sc["t2"]}


def test_bad_signatures_change_nothing(api: Api, sc: dict[str, str]) -> None:
    bill_id = api.circulating(sc["core"], sc["bank"], sc["t1"], "1000.00")
    path, body = f"/v1/bills/{bill_id}/endorse", {"to": sc["t2"], "amount": "400.00"}
    prepared = api.prepare(path, sc["t1"], body)
    own = sign_typed(api.keys[sc["t1"]], prepared["typed_data"])

    stranger = sign_typed(Account.create(), prepared["typed_data"])
    problem(api.post(path, sc["t1"], body, headers=submit_headers(prepared, stranger)), 422, "BAD_SIGNATURE")
    other_body = {"to": sc["t2"], "amount": "999.00"}  # the body changed after signing
    problem(api.post(path, sc["t1"], other_body, headers=submit_headers(prepared, own)), 422, "BAD_SIGNATURE")
    partial = {"Billchain-Signature": "0x" + own.hex()}
    problem(api.post(path, sc["t1"], body, headers=partial), 422, "VALIDATION_ERROR")
    malformed = {**prepared["submit"]["headers"], "Billchain-Signature": "0xnothex"}
    problem(api.post(path, sc["t1"], body, headers=malformed), 422, "VALIDATION_ERROR")
    assert len(api.bill(bill_id)["ranges"]) == 1

    api.ok(api.post(path, sc["t1"], body, headers=submit_headers(prepared, own)), 201)
    assert len(api.bill(bill_id)["ranges"]) == 2
    # Sent again, the same body now means the next free range: another operation than the one signed.
    problem(api.post(path, sc["t1"], body, headers=submit_headers(prepared, own)), 422, "BAD_SIGNATURE")


def test_a_signature_acts_once(api: Api, sc: dict[str, str]) -> None:
    api.mint(sc["bank"], sc["t1"], "10.00")
    path, body = "/v1/cash/transfer", {"to": sc["t2"], "amount": "3.00"}
    prepared = api.prepare(path, sc["t1"], body)
    headers = submit_headers(prepared, sign_typed(api.keys[sc["t1"]], prepared["typed_data"]))
    api.ok(api.post(path, sc["t1"], body, headers=headers))
    problem(api.post(path, sc["t1"], body, headers=headers), 409, "NONCE_USED")
    assert api.balance(sc["t1"]) == "7.00"


def test_a_signature_expires(api: Api, sc: dict[str, str]) -> None:
    bill_id = api.issue(sc["core"], sc["bank"], sc["t1"])
    prepared = api.prepare(f"/v1/bills/{bill_id}/accept", sc["bank"])
    signature = sign_typed(api.keys[sc["bank"]], prepared["typed_data"])
    api.advance(1)
    response = api.post(f"/v1/bills/{bill_id}/accept", sc["bank"], headers=submit_headers(prepared, signature))
    problem(response, 422, "SIGNATURE_EXPIRED")
    assert api.bill(bill_id)["status"] == "ISSUED"


def test_a_hosted_participant_neither_prepares_nor_signs(api: Api, cast: dict[str, str]) -> None:
    bill_id = api.issue(cast["core"], cast["bank"], cast["t1"])
    problem(api.post(f"/v1/bills/{bill_id}/accept/prepare", cast["bank"]), 422, "VALIDATION_ERROR")
    headers = {"Billchain-Signature": "0x" + "11" * 65, "Billchain-Nonce": "0", "Billchain-Deadline": "9999999999"}
    problem(api.post(f"/v1/bills/{bill_id}/accept", cast["bank"], headers=headers), 422, "VALIDATION_ERROR")
    problem(api.post("/v1/cash/mint/prepare", "operator", {"to": cast["t1"], "amount": "1.00"}), 403, "FORBIDDEN")
    assert api.bill(bill_id)["status"] == "ISSUED"


def test_a_prepared_operation_is_checked_like_the_write(api: Api, sc: dict[str, str]) -> None:
    """The same checks in the same order: a preparation that could not succeed is refused as the write."""
    bill_id = api.circulating(sc["core"], sc["bank"], sc["t1"], "1000.00")
    problem(api.post(f"/v1/bills/{bill_id}/endorse/prepare", sc["core"], {"to": sc["t1"]}), 403, "NOT_PARTY")
    problem(
        api.post(f"/v1/bills/{bill_id}/endorse/prepare", sc["t1"], {"to": "nobody-here"}), 422, "INVALID_COUNTERPARTY"
    )
    problem(api.post("/v1/bills/999999/accept/prepare", sc["bank"]), 404, "NOT_FOUND")


def test_a_keyed_signed_write_is_sent_once(api: Api, sc: dict[str, str]) -> None:
    api.ok(api.write("/v1/cash/mint", sc["bank"], {"to": sc["t1"], "amount": "10.00"}))
    path, body = "/v1/cash/transfer", {"to": sc["t2"], "amount": "3.00"}
    prepared = api.prepare(path, sc["t1"], body)
    headers = {
        **submit_headers(prepared, sign_typed(api.keys[sc["t1"]], prepared["typed_data"])),
        "Idempotency-Key": "k-1",
    }
    first = api.ok(api.post(path, sc["t1"], body, headers=headers))
    again = api.ok(api.post(path, sc["t1"], body, headers=headers))
    assert first == again and first["balance"] == "7.00"
    assert api.balance(sc["t2"]) == "3.00"


def test_the_headline_story_with_every_party_in_self_custody(api: Api, sc: dict[str, str]) -> None:
    """Issue, accept, receive, endorse, sign, discount (the bank pays), present at maturity, pay."""
    api.mint(sc["bank"], sc["bank"], "200000.00")  # it pays a discount, then the whole bill at maturity
    bill_id = api.circulating(sc["core"], sc["bank"], sc["t1"], "100000.00", days=30)
    endorse = api.ok(api.write(f"/v1/bills/{bill_id}/endorse", sc["t1"], {"to": sc["t2"], "amount": "60000.00"}), 201)
    api.ok(api.write(f"/v1/transfers/{endorse['transfer']['id']}/sign", sc["t2"]))
    discount = {"bank": sc["bank"], "annual_rate": "0.036", "range_start": endorse["transfer"]["range"]["start"]}
    requested = api.ok(api.write(f"/v1/bills/{bill_id}/discount", sc["t2"], discount), 201)
    prepared = api.prepare(f"/v1/transfers/{requested['transfer']['id']}/sign", sc["bank"])
    assert prepared["operation"] == "SignTransfer"
    assert prepared["typed_data"]["message"]["price"] == int(requested["transfer"]["price"].replace(".", ""))
    api.ok(api.write(f"/v1/transfers/{requested['transfer']['id']}/sign", sc["bank"]))
    assert api.balance(sc["t2"]) == requested["transfer"]["price"]
    api.advance(30)
    for holder in (sc["t1"], sc["bank"]):
        api.ok(api.write(f"/v1/bills/{bill_id}/present", holder))
    api.ok(api.write(f"/v1/bills/{bill_id}/pay", sc["bank"]))
    bill = api.bill(bill_id)
    assert bill["status"] == "SETTLED"
    assert api.balance(sc["t1"]) == "40000.00"


def test_no_one_is_onboarded_at_an_address_no_one_can_act_as(api: Api) -> None:
    """The zero address, the relay, the platform's contracts, the gateway's own accounts: refused, and
    nothing registered (the zero address and the relay by the registry itself)."""
    rt = api.runtime
    count = rt.system.registry.member_count()
    addresses = ["0x" + "00" * 20, rt.operator.address, rt.relayer.address, *rt.system.addresses.values()]
    for address in addresses:
        body = {"name": "nobody", "role": "ENTERPRISE", "address": address}
        problem(api.post("/v1/participants", "operator", body), 422, "INVALID_COUNTERPARTY")
    assert rt.system.registry.member_count() == count
