"""`billchain serve --confidential` (gateway/ledger/confidential.py): hosted participants' cash on the confidential
ledger through the unchanged API, proven by the gateway, and the chain left without an amount or a party of it.

What a confidential platform serves so far is listed in docs/PRIVACY.md §8; the rest answers 409 INVALID_STATE.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete
from web3.types import RPCEndpoint

from billchain_tools.spy import Secret, spy
from chain.backends.anvil import AnvilBackend
from chain.tx import Transactor
from chain.zk.ledger import attach_confidential, decoder
from chain.zk.wallet import Wallet
from gateway.core.db import OutboxRow
from gateway.ledger.confidential import PlatformModeRefused
from tests.api.conftest import Api, gateway_on, problem

pytestmark = [pytest.mark.anvil, pytest.mark.slow, pytest.mark.xdist_group("zk-api")]


def _balance(api: Api, who: str, reader: str | None = None) -> str:
    return str(api.ok(api.get(f"/v1/cash/balances/{who}", reader or who))["balance"])


def test_hosted_cash_moves_through_the_api_and_a_member_s_node_sees_no_amount_or_party(tmp_path: Path) -> None:
    node = AnvilBackend(tmp_path / "node")
    try:
        with gateway_on(tmp_path / "gw", chain=node.url, confidential=True) as (api, _):
            bank, t1, t2 = api.onboard("BANK", "bank"), api.onboard("ENTERPRISE", "t1"), api.onboard("ENTERPRISE", "t2")
            addresses = {p: api.get(f"/v1/participants/{p}").json()["address"] for p in (t1, t2)}
            assert "ConfidentialBills" in api.get("/v1/health", None).json()["contracts"]
            first_block = node.block_number() + 1

            minted = api.ok(api.post("/v1/cash/mint", bank, {"to": t1, "amount": "1000.00"}))
            # the caller's own balance, as a transfer's: the bank learns nothing of t1's notes
            assert (minted["to"], minted["amount"], minted["balance"]) == (t1, "1000.00", "0.00")
            api.ok(api.post("/v1/cash/mint", bank, {"to": t1, "amount": "500.00"}))

            def pay(amount: str) -> Any:
                return api.post("/v1/cash/transfer", t1, {"to": t2, "amount": amount})

            with ThreadPoolExecutor(2) as pool:  # one payer, two payments at once: each proves from its own note
                answers = list(pool.map(pay, ["300.00", "45.67"]))
            assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
            assert (_balance(api, t1), _balance(api, t2)) == ("1154.33", "345.67")
            regulator = api._limits_by
            assert regulator is not None
            assert _balance(api, t1, regulator) == "1154.33"  # with the viewing key
            assert api.ok(api.get(f"/v1/participants/{bank}/mint-limit", bank))["minted"] == "1500.00"

            # no one else reads a balance; what the contract cannot check of hidden parties, the gateway does
            problem(api.get(f"/v1/cash/balances/{t2}", bank), 403, "FORBIDDEN")
            problem(api.get(f"/v1/cash/balances/{t2}"), 403, "FORBIDDEN")
            problem(api.post("/v1/cash/transfer", t2, {"to": t1, "amount": "400.00"}), 409, "INSUFFICIENT_CASH")
            problem(api.post("/v1/cash/transfer", t2, {"to": regulator, "amount": "1.00"}), 422, "INVALID_COUNTERPARTY")
            batch = [{"path": "/v1/cash/transfer", "body": {"to": t2, "amount": "1.00"}}]
            problem(api.post("/v1/batch", t1, {"operations": batch}), 422, "VALIDATION_ERROR")
            bill = {"kind": "BANK_ACCEPTANCE", "acceptor": bank, "payee": t2, "amount": "10.00"}
            problem(api.post("/v1/bills", t1, {**bill, "maturity_date": api.maturity(30)}), 409, "INVALID_STATE")
            own_key = api.onboard("ENTERPRISE", "own-key", self_custody=True)  # would prove in its own client
            problem(api.post("/v1/cash/mint", bank, {"to": own_key, "amount": "1.00"}), 422, "VALIDATION_ERROR")
            problem(api.post("/v1/cash/transfer", own_key, {"to": t1, "amount": "1.00"}), 422, "VALIDATION_ERROR")
            problem(api.get(f"/v1/cash/movements/{t1}", t1), 409, "INVALID_STATE")
            assert (_balance(api, t1), _balance(api, t2)) == ("1154.33", "345.67")  # none of it moved anything

            secrets = [
                Secret.word("minted", 1000_00),  # public until allowance notes: the spy must see it
                Secret.word("paid", 300_00),
                Secret.word("paid too", 45_67),
                Secret.word("t1's rest", 1154_33),
                Secret.address("t1", addresses[t1]),
                Secret.address("t2", addresses[t2]),
            ]
            zk = api.runtime.confidential
            assert zk is not None  # the directory: the registry, and the members' note keys beside it
            directory = {api.runtime.system.registry.contract.address.lower(), zk.ledger.directory.address.lower()}
            found = {s.secret for s in spy(node.url, first_block, secrets, set(), directory)}
            assert found == {"minted"}, found
            # a freeze is a public act of the registry (its party named), so after the spy's blocks
            api.ok(api.post(f"/v1/participants/{t2}/freeze", regulator))
            problem(api.post("/v1/cash/transfer", t2, {"to": t1, "amount": "1.00"}), 409, "PARTICIPANT_FROZEN")
            problem(api.post("/v1/cash/transfer", t1, {"to": t2, "amount": "1.00"}), 409, "PARTICIPANT_FROZEN")
            api.ok(api.post(f"/v1/participants/{t2}/unfreeze", regulator))
            tokens, keys = api.tokens, api.keys

        refused = pytest.raises(PlatformModeRefused, match="--confidential")  # never served as a transparent one
        with refused, gateway_on(tmp_path / "gw", chain=node.url):
            pass
        with gateway_on(tmp_path / "gw", chain=node.url, confidential=True) as (api, _):  # a restart
            api.tokens, api.keys = tokens, keys
            assert _balance(api, t1) == "1154.33"  # read from the chain
            again = api.ok(api.post("/v1/cash/transfer", t2, {"to": t1, "amount": "45.67"}))
            assert again["balance"] == "300.00"
            assert _balance(api, t1) == "1200.00"
            # t1's 1,200.00 is three notes now (200.00, 954.33, 45.67): no two cover 1,190.00, so two are merged first
            paid = api.ok(api.post("/v1/cash/transfer", t1, {"to": t2, "amount": "1190.00"}))
            assert (paid["balance"], _balance(api, t2)) == ("10.00", "1490.00")
            assert _balance(api, t1, regulator) == "10.00"
            # the gateway's own transactions (note keys registered when participants joined, the merges) are
            # settled in the outbox as they are mined: none is left for recovery after a restart
            assert api.runtime.outbox.pending() == []

            # a self-custody participant receives once its own client registered its note key (sent with its own
            # signing key: the directory takes no one else's word); the gateway reads it only as a regulator would
            zk = api.runtime.confidential
            assert zk is not None
            client = attach_confidential(Transactor(node, decoder()), zk.ledger.contract.address)
            own = zk.prover.keypair()  # made and kept in the client
            node.fund(api.keys[own_key].address)
            client.register_note_key(api.keys[own_key], own.pk)
            api.ok(api.post("/v1/cash/mint", bank, {"to": own_key, "amount": "7.00"}))
            api.ok(api.post("/v1/cash/transfer", t2, {"to": own_key, "amount": "3.00"}))
            assert Wallet(client, zk.prover, own).sync().balance() == 10_00  # the client reads its notes itself
            assert _balance(api, own_key, regulator) == "10.00"
            problem(api.get(f"/v1/cash/balances/{own_key}", own_key), 422, "VALIDATION_ERROR")  # the client reads it
            problem(api.get(f"/v1/cash/balances/{own_key}", bank), 403, "FORBIDDEN")
    finally:
        node.close()


def test_hosted_cash_moves_on_the_embedded_chain_too(tmp_path: Path) -> None:
    """`make run`'s chain (py-evm in process): the same proofs verified by the same contract, slower pairings."""
    with gateway_on(tmp_path / "gw", confidential=True) as (api, runtime):
        assert runtime.settings.chain == "embedded"
        bank, t1, t2 = api.onboard("BANK", "bank"), api.onboard("ENTERPRISE", "t1"), api.onboard("ENTERPRISE", "t2")
        api.ok(api.post("/v1/cash/mint", bank, {"to": t1, "amount": "100.00"}))
        paid = api.ok(api.post("/v1/cash/transfer", t1, {"to": t2, "amount": "40.00"}))
        assert (paid["balance"], _balance(api, t2)) == ("60.00", "40.00")
        regulator = api._limits_by
        assert regulator is not None
        assert (_balance(api, t1, regulator), _balance(api, t2, regulator)) == ("60.00", "40.00")


def test_a_transparent_data_dir_is_never_served_as_confidential(tmp_path: Path) -> None:
    node = AnvilBackend(tmp_path / "node")
    try:
        with gateway_on(tmp_path / "gw", chain=node.url):
            pass
        refused = pytest.raises(PlatformModeRefused, match="never converted")
        with refused, gateway_on(tmp_path / "gw", chain=node.url, confidential=True):
            pass
    finally:
        node.close()


def test_a_wallet_read_from_blocks_the_chain_lost_is_read_again(tmp_path: Path) -> None:
    """A transfer's block is replaced (a shallow fork, as a Clique network's signers make) and the transfer is
    lost for good (its outbox entry gone, so nothing sends it again): the wallets read before are dropped with
    the index, and balances are the chain's. (The guard records no incident for it: the transparent index it
    checks holds no confidential transfer.) A chain that went back below a wallet's last block is caught by the
    wallet itself (chain/zk/wallet.py)."""
    node = AnvilBackend(tmp_path / "node")
    try:
        with gateway_on(tmp_path / "gw", chain=node.url, confidential=True) as (api, runtime):
            bank, t1, t2 = api.onboard("BANK", "bank"), api.onboard("ENTERPRISE", "t1"), api.onboard("ENTERPRISE", "t2")
            api.ok(api.post("/v1/cash/mint", bank, {"to": t1, "amount": "100.00"}))
            api.ok(api.post("/v1/cash/transfer", t1, {"to": t2, "amount": "30.00"}))
            assert (_balance(api, t1), _balance(api, t2)) == ("70.00", "30.00")  # both wallets read
            with runtime.db.session() as s:
                s.execute(delete(OutboxRow))
            accounts = list(node.w3.eth.accounts)
            other = {"from": accounts[8], "to": accounts[9], "value": hex(1)}
            for method, params in (("anvil_reorg", [1, [[other, 0]]]), ("evm_mine", [])):  # the transfer's block
                assert "error" not in node.w3.provider.make_request(RPCEndpoint(method), params)
            deadline = time.monotonic() + 30
            while (seen := (_balance(api, t1), _balance(api, t2))) != ("100.00", "0.00"):
                # the follower sees the fork; the guard follows it and drops the wallets read
                assert time.monotonic() < deadline, f"the wallets still read the lost transfer: {seen}"
                time.sleep(0.2)
    finally:
        node.close()


def test_a_wallet_on_a_chain_gone_back_below_its_last_block_reads_it_again(tmp_path: Path) -> None:
    """A node restored from an older state, the transfer lost for good: the next read is the chain's at once
    (before: a 500, the wallet asking the node for blocks it no longer has)."""
    node = AnvilBackend(tmp_path / "node")
    try:
        with gateway_on(tmp_path / "gw", chain=node.url, confidential=True) as (api, runtime):
            bank, t1, t2 = api.onboard("BANK", "bank"), api.onboard("ENTERPRISE", "t1"), api.onboard("ENTERPRISE", "t2")
            api.ok(api.post("/v1/cash/mint", bank, {"to": t1, "amount": "100.00"}))
            before = node.snapshot()
            api.ok(api.post("/v1/cash/transfer", t1, {"to": t2, "amount": "30.00"}))
            assert (_balance(api, t1), _balance(api, t2)) == ("70.00", "30.00")
            with runtime.db.session() as s:
                s.execute(delete(OutboxRow))
            node.revert(before)
            assert (_balance(api, t1), _balance(api, t2)) == ("100.00", "0.00")
    finally:
        node.close()
