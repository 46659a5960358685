"""Finding 2: knowing a document's hash was enough to read it and to block its owner's financing.

The attacks: anchor a hash one never uploaded (then read the plaintext as a viewer of the anchoring
bill, and see the owner's own financing refused as DOCUMENT_ALREADY_USED); read a transfer's invoice as
a viewer of the bill who is not a party to that transfer; have the browser run an uploaded page."""

from __future__ import annotations

import hashlib

from tests.api.conftest import Api, problem


def _upload(api: Api, who: str, content: bytes, content_type: str = "text/plain") -> str:
    answer = api.client.post(
        "/v1/documents", content=content, headers=api.headers(who, **{"Content-Type": content_type})
    )
    return str(api.ok(answer, 201)["hash"])


def test_a_hash_one_never_uploaded_cannot_be_anchored_nor_block_its_owner(api: Api, cast: dict[str, str]) -> None:
    invoice = b"invoice INV-77 of " + cast["t1"].encode()
    digest = "0x" + hashlib.sha256(invoice).hexdigest()  # learnt somehow: a leak, a guess, an earlier bill
    bill = api.circulating(cast["core"], cast["bank"], cast["t2"], amount="100.00")
    attack = {"bank": cast["bank"], "annual_rate": "0.02", "document_hash": digest}
    problem(api.post(f"/v1/bills/{bill}/discount", cast["t2"], attack), 422, "VALIDATION_ERROR")
    assert not api.runtime.system.bills.is_document_anchored(bytes.fromhex(digest[2:]))  # nothing anchored
    # and so the owner's own financing goes through
    _upload(api, cast["t1"], invoice)
    own = api.circulating(cast["core"], cast["bank"], cast["t1"], amount="100.00")
    api.ok(api.post(f"/v1/bills/{own}/discount", cast["t1"], {**attack, "bank": cast["bank2"]}), 201)
    problem(api.get(f"/v1/documents/{digest}", cast["t2"]), 404, "NOT_FOUND")  # still unreadable to the attacker


def test_a_transfers_invoice_is_read_by_its_parties_not_every_viewer_of_the_bill(
    api: Api, cast: dict[str, str]
) -> None:
    bill = api.circulating(cast["core"], cast["bank"], cast["t1"], amount="100.00")
    digest = _upload(api, cast["t1"], b"invoice for the t2 endorsement " + cast["t1"].encode())
    body = {"to": cast["t2"], "amount": "10.00", "document_hash": digest}
    api.ok(api.post(f"/v1/bills/{bill}/endorse", cast["t1"], body), 201)
    assert api.bill(bill, cast["bank"])["id"] == bill  # the acceptor sees the bill ...
    problem(api.get(f"/v1/documents/{digest}", cast["bank"]), 404, "NOT_FOUND")  # ... not the transfer's invoice
    problem(api.get(f"/v1/documents/{digest}", cast["core"]), 404, "NOT_FOUND")
    for reader in ("t1", "t2", "reg"):  # the uploader, the counterparty, a regulator
        assert api.get(f"/v1/documents/{digest}", cast[reader]).status_code == 200, reader


def test_a_bills_own_document_is_read_by_whoever_sees_the_bill(api: Api, cast: dict[str, str]) -> None:
    digest = _upload(api, cast["core"], b"trade contract " + cast["core"].encode())
    bill = api.circulating(cast["core"], cast["core"], cast["t1"], kind="SUPPLY_CHAIN", document_hash=digest)
    assert api.get(f"/v1/documents/{digest}", cast["t1"]).status_code == 200
    problem(api.get(f"/v1/documents/{digest}", cast["t3"]), 404, "NOT_FOUND")
    assert bill


def test_an_uploaded_page_is_served_as_an_attachment_never_to_be_run(api: Api, cast: dict[str, str]) -> None:
    digest = _upload(api, cast["t1"], b"<script>steal(document.cookie)</script>", "text/html")
    served = api.get(f"/v1/documents/{digest}", cast["t1"])
    assert served.status_code == 200 and served.headers["content-type"] == "application/octet-stream"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-disposition"].startswith("attachment")
    pdf = _upload(api, cast["t1"], b"%PDF-1.7 " + cast["t1"].encode(), "application/pdf")
    assert api.get(f"/v1/documents/{pdf}", cast["t1"]).headers["content-type"] == "application/pdf"
