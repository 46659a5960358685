"""The gateway never serves an index ahead of its chain (gateway/ledger/chainguard.py).

The node (anvil, given to the gateway by URL) is rolled back under the index with
`evm_revert`, as a node restored from an older state would be, or forked under it with
`anvil_reorg`, as a Clique network's signers fork (two seal at one height, one branch wins)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import delete
from web3.types import RPCEndpoint

from chain.backends.anvil import AnvilBackend
from gateway.core.db import OutboxRow
from gateway.ledger.runtime import Runtime
from tests.api.conftest import Api, gateway_on, problem

pytestmark = [pytest.mark.anvil, pytest.mark.slow]


def _setup(api: Api) -> tuple[str, str, str]:
    return api.onboard("BANK", "bank"), api.onboard("ENTERPRISE", "core"), api.onboard("ENTERPRISE", "t")


def test_a_chain_rolled_back_under_a_stopped_gateway_gets_back_what_the_outbox_holds(tmp_path: Path) -> None:
    node = AnvilBackend(tmp_path / "node", gas_price=0)
    try:
        with gateway_on(tmp_path / "gw", chain=node.url, gas_price=0) as (api, _):
            bank, core, t1 = _setup(api)
            before = node.snapshot()
            bills = [api.issue(core, bank, t1, f"{10 + i}.00") for i in range(3)]
        node.revert(before)  # the three issues are gone from the chain, not from the index
        with gateway_on(tmp_path / "gw", chain=node.url, gas_price=0) as (api, runtime):
            assert api.get("/v1/health", None).json()["status"] == "ok"
            for bill_id in bills:  # sent again, the same signed bytes: on the chain as acknowledged
                assert runtime.system.bills.bill(bill_id).amount == (10 + bill_id - bills[0]) * 100
                assert api.bill(bill_id)["status"] == "ISSUED"
    finally:
        node.close()


def test_what_the_chain_lost_for_good_holds_writes_until_a_person_reindexes(tmp_path: Path) -> None:
    node = AnvilBackend(tmp_path / "node", gas_price=0)
    try:
        with gateway_on(tmp_path / "gw", chain=node.url, gas_price=0) as (api, runtime):
            bank, core, t1 = _setup(api)
            tokens = api.tokens
            kept = api.issue(core, bank, t1, "5.00")
            before = node.snapshot()
            lost = api.issue(core, bank, t1, "6.00")
            with runtime.db.session() as s:  # its outbox entry is gone too (pruned, say): nothing to send
                s.execute(delete(OutboxRow))
        node.revert(before)
        with gateway_on(tmp_path / "gw", chain=node.url, gas_price=0) as (api, _):
            api.tokens = tokens
            health = api.get("/v1/health", None).json()
            assert health["status"] == "degraded", health
            assert "below block" in health["reason"]
            assert "acknowledged transactions not on the chain: 1" in health["reason"]
            problem(api.post(f"/v1/bills/{kept}/accept", bank), 503, "CHAIN_UNAVAILABLE")  # writes held
            problem(api.get(f"/v1/bills/{lost}"), 404, "NOT_FOUND")  # reads: as the chain says
            assert api.bill(kept)["status"] == "ISSUED"
        done = subprocess.run(
            [sys.executable, "-m", "gateway.cli", "reindex", "--chain", node.url, "--data-dir", str(tmp_path / "gw")],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "closed incident" in done.stdout and "not on the chain: 0x" in done.stdout
        with gateway_on(tmp_path / "gw", chain=node.url, gas_price=0) as (api, _):
            api.tokens = tokens
            assert api.get("/v1/health", None).json()["status"] == "ok"
            assert api.ok(api.post(f"/v1/bills/{kept}/accept", bank))["bill"]["status"] == "ACCEPTED"
    finally:
        node.close()


def _cash_cycle(api: Api, bank: str) -> str:
    """A participant registered by the operator, minted to by the bank, paying the bank, paid by the bank
    with that cash: four writes by three signers, each needing the one before (bank, payee, bank: no order
    of signers runs them all)."""
    payee = api.onboard("ENTERPRISE", "cycle")
    api.mint(bank, payee, "100.00")
    api.ok(api.write("/v1/cash/transfer", payee, {"to": bank, "amount": "60.00"}))
    api.ok(api.write("/v1/cash/transfer", bank, {"to": payee, "amount": "50.00"}))
    return payee


def test_what_the_chain_lost_is_sent_again_in_the_order_it_first_ran_across_signers(tmp_path: Path) -> None:
    """Seen in CI: a node killed outright came back from a state file a second old, and the outbox sent
    its transactions again signer by signer (by address): a bank's mint to a participant went before the
    operator's registration of it, reverted, and counted as on the chain; the payee's cash read 0."""
    node = AnvilBackend(tmp_path / "node", gas_price=0)
    try:
        with gateway_on(tmp_path / "gw", chain=node.url, gas_price=0) as (api, _):
            bank = api.onboard("BANK", "bank")
            before = node.snapshot()
            payee = _cash_cycle(api, bank)
        node.revert(before)  # all four gone from the chain, not from the index or the outbox
        with gateway_on(tmp_path / "gw", chain=node.url, gas_price=0) as (api, runtime):
            assert api.get("/v1/health", None).json()["status"] == "ok"
            assert api.balance(payee) == "90.00"
            assert api.balance(bank) == "10.00"
            address = api.get(f"/v1/participants/{payee}").json()["address"]
            assert runtime.system.cash.balance_of(address) == 9000  # on the chain, not only in the index
    finally:
        node.close()


def test_an_acknowledged_write_sent_again_that_reverts_is_lost(tmp_path: Path) -> None:
    """The payee's payment is sent again without the mint that funded it (its entry pruned): it reverts
    on the chain. A receipt is not enough: the cash movement the index had acknowledged did not happen."""
    node = AnvilBackend(tmp_path / "node", gas_price=0)
    try:
        with gateway_on(tmp_path / "gw", chain=node.url, gas_price=0) as (api, runtime):
            bank = api.onboard("BANK", "bank")
            payee = api.onboard("ENTERPRISE", "payee")
            before = node.snapshot()
            api.mint(bank, payee, "100.00")
            paid = api.ok(api.write("/v1/cash/transfer", payee, {"to": bank, "amount": "60.00"}))
            with runtime.db.session() as s:  # the mint's entry is gone: the payment alone can be sent again
                s.execute(delete(OutboxRow).where(OutboxRow.operation == "mint"))
        node.revert(before)
        with gateway_on(tmp_path / "gw", chain=node.url, gas_price=0) as (api, runtime):
            health = api.get("/v1/health", None).json()
            assert health["status"] == "degraded", health
            assert "acknowledged transactions not on the chain: 2" in health["reason"], health  # before: 1
            payment = bytes.fromhex(paid["tx"]["hash"][2:])
            assert runtime.backend.receipt(payment)["status"] == 0  # sent again, and it reverted
    finally:
        node.close()


def test_a_chain_that_goes_back_under_a_running_gateway_is_repaired_before_it_is_followed(tmp_path: Path) -> None:
    node = AnvilBackend(tmp_path / "node", gas_price=0)
    try:
        with gateway_on(tmp_path / "gw", chain=node.url, gas_price=0) as (api, runtime):
            bank, core, t1 = _setup(api)
            before = node.snapshot()
            bill_id = api.issue(core, bank, t1, "7.00")
            node.revert(before)  # under the running gateway
            deadline = time.monotonic() + 30
            while runtime.system.bills.bill_count() < bill_id and time.monotonic() < deadline:
                time.sleep(0.1)  # the follower sees the head go back; the outbox sends the issue again
            assert runtime.system.bills.bill(bill_id).amount == 700
            while runtime.guard.blocked is not None and time.monotonic() < deadline:
                time.sleep(0.1)
            assert api.get("/v1/health", None).json()["status"] == "ok"
            assert api.ok(api.post(f"/v1/bills/{bill_id}/accept", bank))["bill"]["status"] == "ACCEPTED"
    finally:
        node.close()


# --- shallow forks under a running gateway


def _fork(node: AnvilBackend, depth: int) -> None:
    """The last `depth` blocks replaced by as many others, the first carrying a transfer between two dev
    accounts (another block, not the same one mined again); the dropped blocks' transactions are gone, as
    on a node whose pool never had them. Then a block on top, by which the follower sees the fork."""
    accounts = list(node.w3.eth.accounts)
    other = {"from": accounts[8], "to": accounts[9], "value": hex(1)}
    for method, params in (("anvil_reorg", [depth, [[other, 0]]]), ("evm_mine", [])):
        answer = node.w3.provider.make_request(RPCEndpoint(method), params)
        assert "error" not in answer, answer


def _followed(runtime: Runtime, node: AnvilBackend, reorgs: int) -> None:
    """Until the follower has seen `reorgs` forks and read the chain's head after them."""
    deadline = time.monotonic() + 30
    follower = runtime.follower
    while follower.reorgs < reorgs or follower._seen < node.block_number() or runtime.guard.blocked is not None:
        assert time.monotonic() < deadline, (follower.reorgs, follower._seen, runtime.guard.blocked)
        time.sleep(0.05)


@contextmanager
def _watched(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[str]]]:
    """Every reason writes were held while the block runs, and every rebuild of the index."""
    seen: dict[str, list[str]] = {"held": [], "rebuilt": []}
    rebuild = runtime.indexer.rebuild

    def rebuilt() -> int:
        seen["rebuilt"].append("rebuild")
        return rebuild()

    monkeypatch.setattr(runtime.indexer, "rebuild", rebuilt)
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.005):
            if (held := runtime.guard.blocked) is not None:
                seen["held"].append(held)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield seen
    finally:
        done.set()
        sampler.join()


def test_a_shallow_fork_of_blocks_that_acknowledged_nothing_holds_no_write_and_keeps_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Clique fork at a network's start (block 26's parent not the block 25 indexed): empty blocks
    replaced. Before, the guard's full repair ran (writes held, answered 503, the index rebuilt from block 0)."""
    node = AnvilBackend(tmp_path / "node", gas_price=0)
    try:
        with gateway_on(tmp_path / "gw", chain=node.url, gas_price=0) as (api, runtime):
            bank, core, t1 = _setup(api)
            bill_id = api.issue(core, bank, t1, "9.00")
            for _ in range(3):  # blocks that carry nothing of the gateway's
                node.w3.provider.make_request(RPCEndpoint("evm_mine"), [])
            _followed(runtime, node, reorgs=0)
            with _watched(runtime, monkeypatch) as seen:
                _fork(node, depth=2)
                _followed(runtime, node, reorgs=1)
            assert seen == {"held": [], "rebuilt": []}
            assert api.get("/v1/health", None).json()["status"] == "ok"
            assert api.ok(api.post(f"/v1/bills/{bill_id}/accept", bank))["bill"]["status"] == "ACCEPTED"
            assert api.bill(bill_id)["status"] == "ACCEPTED"
    finally:
        node.close()


def test_a_shallow_fork_that_drops_an_acknowledged_write_sends_it_again_before_writes_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    node = AnvilBackend(tmp_path / "node", gas_price=0)
    try:
        with gateway_on(tmp_path / "gw", chain=node.url, gas_price=0) as (api, runtime):
            bank, core, t1 = _setup(api)
            _followed(runtime, node, reorgs=0)
            bill_id = api.issue(core, bank, t1, "11.00")  # answered: its block read and indexed
            _followed(runtime, node, reorgs=0)
            with _watched(runtime, monkeypatch) as seen:
                _fork(node, depth=1)  # its block dropped, and the node does not have it
                _followed(runtime, node, reorgs=1)
            assert seen["held"] and seen["rebuilt"], seen  # the repair: writes held until it was back
            assert runtime.system.bills.bill(bill_id).amount == 1100  # sent again: the same signed bytes
            assert api.get("/v1/health", None).json()["status"] == "ok"
            assert api.ok(api.post(f"/v1/bills/{bill_id}/accept", bank))["bill"]["status"] == "ACCEPTED"
    finally:
        node.close()


def test_a_shallow_fork_that_drops_a_write_the_outbox_cannot_send_again_holds_writes(tmp_path: Path) -> None:
    node = AnvilBackend(tmp_path / "node", gas_price=0)
    try:
        with gateway_on(tmp_path / "gw", chain=node.url, gas_price=0) as (api, runtime):
            bank, core, t1 = _setup(api)
            kept = api.issue(core, bank, t1, "5.00")
            lost = api.issue(core, bank, t1, "6.00")
            _followed(runtime, node, reorgs=0)
            with runtime.db.session() as s:  # its outbox entry is gone (pruned, say): nothing to send
                s.execute(delete(OutboxRow))
            _fork(node, depth=1)
            deadline = time.monotonic() + 90
            while runtime.guard._incident is None:  # degraded while it repairs, then the incident
                assert time.monotonic() < deadline, "no incident"
                time.sleep(0.2)
            health = api.get("/v1/health", None).json()
            assert health["status"] == "degraded", health
            assert "acknowledged transactions not on the chain: 1" in health["reason"], health
            problem(api.post(f"/v1/bills/{kept}/accept", bank), 503, "CHAIN_UNAVAILABLE")  # writes held
            problem(api.get(f"/v1/bills/{lost}"), 404, "NOT_FOUND")  # reads: as the chain says
    finally:
        node.close()


def test_a_write_refused_on_a_fork_not_yet_followed_is_tried_again_once_it_is(tmp_path: Path) -> None:
    """Seen on a loaded Clique network: a discount answered from a block another signer's replaced, and its
    signature, sent at once, estimated on the new branch before the request was mined again there: 404
    NOT_FOUND. A refusal is answered only from a chain that has every write the gateway acknowledged: the
    write waits for the follower to follow the fork (here: the guard sends the dropped write again), then is
    tried once more."""
    node = AnvilBackend(tmp_path / "node", gas_price=0)
    try:
        with gateway_on(tmp_path / "gw", chain=node.url, gas_price=0) as (api, runtime):
            bank, core, t1 = _setup(api)
            bill_id = api.issue(core, bank, t1, "12.00")  # answered: its block read and indexed
            _followed(runtime, node, reorgs=0)
            _fork(node, depth=1)  # its block dropped; the accept below is estimated on the new branch at once
            accepted = api.post(f"/v1/bills/{bill_id}/accept", bank)
            assert accepted.status_code == 200, accepted.text  # before: 404 NOT_FOUND (BillNotFound)
            assert accepted.json()["bill"]["status"] == "ACCEPTED"
            assert runtime.follower.reorgs == 1
    finally:
        node.close()
