"""The nonce manager and transaction recovery, against a fake node with a real node's nonce rules.

The fake node keeps a pool per sender and mines, on `mine()`, each sender's
transactions from its next nonce on while they run without a gap; a restart
empties the pool. What it refuses, it refuses with a real node's messages.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
import rlp
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from web3 import Web3

from chain.backends.base import ChainBackend, SendRefused
from chain.errors import AccountNotAllowed, ChainUnavailable
from chain.nonces import NonceManager
from chain.tx import Submitted, Transactor


class FakeNode(ChainBackend):
    name = "fake"
    is_dev = True
    fixed_gas_limit = 21_000

    def __init__(self) -> None:
        super().__init__(Web3(), gas_price=0)  # never connected: this node answers itself
        self._chain_id = 1337
        self.mined_count: dict[str, int] = {}
        self.pool: dict[str, dict[int, bytes]] = {}
        self.receipts: dict[bytes, int] = {}  # hash -> block
        self.sends = 0
        self.block = 0

    @staticmethod
    def _sender_nonce(raw: bytes) -> tuple[str, int]:
        if raw[0] < 0x7F:  # a typed envelope (EIP-2718): type byte, then [chainId, nonce, ...]
            return Account.recover_transaction(raw), int.from_bytes(rlp.decode(raw[1:])[1], "big")
        return Account.recover_transaction(raw), int.from_bytes(rlp.decode(raw)[0], "big")

    def pending_nonce(self, address: str) -> int:
        n = self.mined_count.get(address, 0)
        while n in self.pool.get(address, {}):
            n += 1
        return n

    def send_raw(self, raw: bytes) -> None:
        self.sends += 1
        sender, nonce = self._sender_nonce(raw)
        if keccak(raw) in self.receipts or self.pool.get(sender, {}).get(nonce) == raw:
            raise SendRefused("already known")
        if nonce < self.mined_count.get(sender, 0):
            raise SendRefused("nonce too low")
        if nonce in self.pool.get(sender, {}):
            raise SendRefused("replacement transaction underpriced")
        self.pool.setdefault(sender, {})[nonce] = raw

    def transaction_known(self, tx_hash: bytes) -> bool:
        return tx_hash in self.receipts or any(keccak(r) == tx_hash for p in self.pool.values() for r in p.values())

    def receipt(self, tx_hash: bytes) -> Any:
        return {"blockNumber": self.receipts[tx_hash]} if tx_hash in self.receipts else None

    def mine(self) -> None:
        self.block += 1
        for sender, pool in self.pool.items():
            n = self.mined_count.get(sender, 0)
            while n in pool:
                self.receipts[keccak(pool.pop(n))] = self.block
                n += 1
            self.mined_count[sender] = n

    def restart(self) -> None:
        """A node restart: the chain stays, the pool of unmined transactions is gone."""
        self.pool.clear()

    def fund(self, address: Any) -> None: ...
    def advance_time(self, seconds: int) -> None: ...
    def snapshot(self) -> Any: ...
    def revert(self, snapshot: Any) -> None: ...


class Payment:
    """A stand-in for a contract call: a zero-value payment carrying `memo` as data."""

    def __init__(self, memo: int) -> None:
        self.memo = memo

    def build_transaction(self, params: Any) -> dict[str, Any]:
        return {**params, "to": "0x" + "11" * 20, "value": 0, "data": self.memo.to_bytes(4, "big")}


@pytest.fixture
def node() -> FakeNode:
    return FakeNode()


@pytest.fixture
def signer() -> LocalAccount:
    return Account.from_key(keccak(text="nonce test signer"))


def submit(node: FakeNode, signer: LocalAccount, memo: int) -> Submitted:
    return Transactor(node, decoder=None).submit(signer, Payment(memo))  # type: ignore[arg-type]


def test_nonces_count_up_locally_and_concurrent_reservations_never_share_one(node: FakeNode) -> None:
    asked: list[str] = []
    manager = NonceManager(lambda address: asked.append(address) or 7)
    got: list[int] = []

    def take() -> None:
        for _ in range(50):
            with manager.reserve("0xA") as nonce:
                got.append(nonce)

    threads = [threading.Thread(target=take) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got) == list(range(7, 7 + 400))
    assert asked == ["0xA"]  # the node was asked once


def test_a_failed_send_leaves_no_gap(node: FakeNode, signer: LocalAccount) -> None:
    manager = node.nonces
    with pytest.raises(ConnectionError), manager.reserve(signer.address) as nonce:
        assert nonce == 0
        raise ConnectionError("the node did not answer")
    assert [submit(node, signer, i).nonce for i in range(3)] == [0, 1, 2]
    node.mine()
    assert node.mined_count[signer.address] == 3


def test_gap_a_dropped_transaction_is_sent_again_with_those_after_it(node: FakeNode, signer: LocalAccount) -> None:
    sent = [submit(node, signer, i) for i in range(5)]
    del node.pool[signer.address][1]  # evicted: 2, 3 and 4 wait behind the gap
    node.mine()
    assert node.mined_count[signer.address] == 1
    transactor = Transactor(node, decoder=None)  # type: ignore[arg-type]
    assert transactor.recover(sent[1]) == sent[1]  # the same transaction, sent again
    node.mine()
    assert node.mined_count[signer.address] == 5
    assert all(node.receipt(s.hash) for s in sent)


def test_replacement_a_nonce_taken_elsewhere_is_submitted_anew_and_lands_once(
    node: FakeNode, signer: LocalAccount
) -> None:
    ours = submit(node, signer, 1)
    node.restart()  # our transaction is gone from the pool ...
    elsewhere = signer.sign_transaction(  # ... and the key signed another one with its nonce, elsewhere
        {"to": "0x" + "22" * 20, "value": 0, "gas": 21_000, "gasPrice": 0, "nonce": 0, "chainId": 1337}
    )
    node.send_raw(bytes(elsewhere.raw_transaction))
    node.mine()
    again = Transactor(node, decoder=None).recover(ours)  # type: ignore[arg-type]
    assert again.hash != ours.hash and again.nonce == 1
    node.mine()
    assert node.receipt(again.hash) is not None and node.receipt(ours.hash) is None
    assert node.mined_count[signer.address] == 2  # the other one and ours, once
    assert submit(node, signer, 2).nonce == 2  # and the count goes on from the node's


def test_restart_of_the_gateway_reads_the_nodes_count_and_of_the_node_sends_everything_again(
    node: FakeNode, signer: LocalAccount
) -> None:
    for i in range(3):
        submit(node, signer, i)
    node.mine()
    node.nonces = NonceManager(node.pending_nonce)  # a gateway restart: nothing local survives
    pending = [submit(node, signer, 10 + i) for i in range(4)]
    assert [p.nonce for p in pending] == [3, 4, 5, 6]
    node.restart()  # the node restarts: all four are gone
    transactor = Transactor(node, decoder=None)  # type: ignore[arg-type]
    for p in pending:
        assert transactor.recover(p) == p
    node.mine()
    assert node.mined_count[signer.address] == 7
    assert all(node.receipt(p.hash) for p in pending)


def test_a_nonce_the_node_refuses_is_fetched_again(node: FakeNode, signer: LocalAccount) -> None:
    submit(node, signer, 0)
    node.mine()
    node.mined_count[signer.address] = 5  # the key was used elsewhere four more times
    assert submit(node, signer, 1).nonce == 5


def test_send_refused_reads_each_nodes_wording() -> None:
    assert SendRefused("nonce too low: next nonce 5, tx nonce 3").reason == "nonce"
    assert SendRefused("Nonce too low").reason == "nonce"
    assert SendRefused("replacement transaction underpriced").reason == "nonce"
    assert SendRefused("Invalid transaction nonce: Expected 3, but got 5").reason == "nonce"
    assert SendRefused("already known").reason == "known"
    assert SendRefused("Known transaction").reason == "known"
    assert SendRefused("insufficient funds for gas * price + value").reason == "other"
    assert SendRefused("Sender account not authorized to send transactions").reason == "forbidden"  # Besu


def test_an_account_the_network_does_not_allow_is_forbidden_and_uses_no_nonce(
    node: FakeNode, signer: LocalAccount
) -> None:
    """Besu's account allowlist: the gateway answers 403 FORBIDDEN, not 503, and sends nothing."""
    real = node.send_raw

    def refusing(raw: bytes) -> None:
        raise SendRefused("Sender account not authorized to send transactions")

    node.send_raw = refusing  # type: ignore[method-assign]
    with pytest.raises(AccountNotAllowed) as refused:
        submit(node, signer, 0)
    assert refused.value.code == "FORBIDDEN"
    node.send_raw = real  # type: ignore[method-assign]
    assert submit(node, signer, 1).nonce == 0  # the refused one took no nonce


def test_eip1559_transactions_carry_both_caps_at_the_price(node: FakeNode, signer: LocalAccount) -> None:
    node.eip1559 = True
    sent = submit(node, signer, 0)
    assert sent.params["maxFeePerGas"] == sent.params["maxPriorityFeePerGas"] == 0  # type: ignore[typeddict-item]
    assert "gasPrice" not in sent.params and sent.raw[0] == 2  # a type-2 envelope


class Journal:
    """The outbox's part the transactor sees: what was written down, by signer and nonce."""

    def __init__(self) -> None:
        self.written: list[Submitted] = []

    def before_send(self, tx: Submitted, replaces: bytes | None) -> None:
        self.written.append(tx)

    def refused(self, tx_hash: bytes) -> None:
        self.written = [t for t in self.written if t.hash != tx_hash]

    def holders(self, signer: str, nonce: int) -> list[bytes]:
        return [t.hash for t in self.written if t.signer.address == signer and t.nonce == nonce]


def test_with_a_journal_a_nonce_taken_by_an_unknown_transaction_is_not_submitted_anew(
    node: FakeNode, signer: LocalAccount
) -> None:
    """The gateway's case: it cannot tell a key used elsewhere from a node that lost what it had
    mined, so it does not guess: the write is left unsettled (503), never done twice."""
    transactor = Transactor(node, decoder=None)  # type: ignore[arg-type]
    transactor.journal = Journal()
    ours = transactor.submit(signer, Payment(1))  # type: ignore[arg-type]
    node.restart()
    stray = {"to": "0x" + "22" * 20, "value": 0, "gas": 21_000, "gasPrice": 0, "nonce": 0, "chainId": 1337}
    node.send_raw(bytes(signer.sign_transaction(stray).raw_transaction))
    node.mine()
    with pytest.raises(ChainUnavailable, match="left unsettled"):
        transactor.recover(ours)
    assert node.mined_count[signer.address] == 1  # nothing sent anew


def test_with_a_journal_a_nonce_taken_by_a_known_transaction_goes_again_anew(
    node: FakeNode, signer: LocalAccount
) -> None:
    transactor, journal = Transactor(node, decoder=None), Journal()  # type: ignore[arg-type]
    transactor.journal = journal
    ours = transactor.submit(signer, Payment(1))  # type: ignore[arg-type]
    node.restart()
    stray = {"to": "0x" + "22" * 20, "value": 0, "gas": 21_000, "gasPrice": 0, "nonce": 0, "chainId": 1337}
    theirs = signer.sign_transaction(stray)
    node.send_raw(bytes(theirs.raw_transaction))
    node.mine()
    # ... but this one the gateway wrote down (another request's, say): evidence that ours never happened
    known = Submitted(bytes(theirs.hash), signer, bytes(theirs.raw_transaction), Payment(2), stray, 0)  # type: ignore[arg-type]
    journal.written.append(known)
    again = transactor.recover(ours)
    assert again.hash != ours.hash and again.nonce == ours.nonce + 1
    node.mine()
    assert node.receipt(again.hash) is not None and node.mined_count[signer.address] == 2
