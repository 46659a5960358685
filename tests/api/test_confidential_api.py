"""`billchain serve --confidential` (gateway/ledger/confidential.py): hosted participants' cash on the confidential
ledger through the unchanged API, proven by the gateway, and the chain left without an amount or a party of it.

What a confidential platform serves so far is listed in docs/PRIVACY.md §8; the rest answers 409 INVALID_STATE.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from billchain_tools.spy import Secret, spy
from chain.backends.anvil import AnvilBackend
from tests.api.conftest import gateway_on, problem

pytestmark = [pytest.mark.anvil, pytest.mark.slow, pytest.mark.xdist_group("zk-api")]


def test_hosted_cash_moves_through_the_api_and_a_member_s_node_sees_no_amount_or_party(tmp_path: Path) -> None:
    node = AnvilBackend(tmp_path / "node")
    try:
        with gateway_on(tmp_path / "gw", chain=node.url, confidential=True) as (api, _):
            bank, t1, t2 = api.onboard("BANK", "bank"), api.onboard("ENTERPRISE", "t1"), api.onboard("ENTERPRISE", "t2")
            addresses = {p: api.get(f"/v1/participants/{p}").json()["address"] for p in (t1, t2)}
            assert "ConfidentialBills" in api.get("/v1/health", None).json()["contracts"]
            first_block = node.block_number() + 1

            minted = api.ok(api.post("/v1/cash/mint", bank, {"to": t1, "amount": "1000.00"}))
            assert (minted["to"], minted["amount"], minted["balance"]) == (t1, "1000.00", "1000.00")
            paid = api.ok(api.post("/v1/cash/transfer", t1, {"to": t2, "amount": "345.67"}))
            assert (paid["to"], paid["amount"], paid["balance"]) == (t2, "345.67", "654.33")
            assert api.ok(api.get(f"/v1/cash/balances/{t2}", t2))["balance"] == "345.67"
            regulator = api._limits_by
            assert regulator is not None
            assert api.ok(api.get(f"/v1/cash/balances/{t1}", regulator))["balance"] == "654.33"  # the viewing key
            limit = api.ok(api.get(f"/v1/participants/{bank}/mint-limit", bank))
            assert limit["minted"] == "1000.00"

            # no key of theirs opens the notes: a bank and the operator cannot read another's balance
            problem(api.get(f"/v1/cash/balances/{t2}", bank), 403, "FORBIDDEN")
            problem(api.get(f"/v1/cash/balances/{t2}"), 403, "FORBIDDEN")
            problem(api.post("/v1/cash/transfer", t2, {"to": t1, "amount": "400.00"}), 409, "INSUFFICIENT_CASH")
            bill = {"kind": "BANK_ACCEPTANCE", "acceptor": bank, "payee": t2, "amount": "10.00"}
            problem(api.post("/v1/bills", t1, {**bill, "maturity_date": api.maturity(30)}), 409, "INVALID_STATE")
            assert api.ok(api.get(f"/v1/cash/balances/{t2}", t2))["balance"] == "345.67"  # nothing changed
            own_key = api.onboard("ENTERPRISE", "own-key", self_custody=True)  # would prove in its own client
            problem(api.post("/v1/cash/mint", bank, {"to": own_key, "amount": "1.00"}), 422, "VALIDATION_ERROR")
            problem(api.get(f"/v1/cash/movements/{t1}", t1), 409, "INVALID_STATE")
            assert api.ok(api.get(f"/v1/participants/{bank}/mint-limit", bank))["minted"] == "1000.00"

            secrets = [
                Secret.word("minted", 1000_00),  # public until allowance notes: the spy must see it
                Secret.word("paid", 345_67),
                Secret.word("t1's rest", 654_33),
                Secret.address("t1", addresses[t1]),
                Secret.address("t2", addresses[t2]),
            ]
            directory = {api.runtime.system.registry.contract.address.lower()}
            found = {s.secret for s in spy(node.url, first_block, secrets, set(), directory)}
            assert found == {"minted"}, found
            tokens = api.tokens

        with gateway_on(tmp_path / "gw", chain=node.url, confidential=True) as (api, _):  # a restart
            api.tokens = tokens
            assert api.ok(api.get(f"/v1/cash/balances/{t1}", t1))["balance"] == "654.33"  # read from the chain
            again = api.ok(api.post("/v1/cash/transfer", t2, {"to": t1, "amount": "45.67"}))
            assert again["balance"] == "300.00"
            assert api.ok(api.get(f"/v1/cash/balances/{t1}", t1))["balance"] == "700.00"
    finally:
        node.close()
