"""Settling the outbox with the chain: a write interrupted by a crash happens once or not at all.

On start, before serving, every PENDING outbox entry (gateway/ledger/outbox.py) is settled
in send order: mined → answered; in the node's pool → waited for; unknown to the node
→ sent again, the same signed bytes, unless its nonce went to another transaction
(then it never happened: ABANDONED, and a retry runs the request afresh). The answer
is built and rendered by the services' own builder (gateway/services/answers.py, given
here as `render` by the composition root), and recorded under the request's Idempotency-Key, so the client's
retry gets that one result. A retry that finds its key still PENDING (the gateway
answered 503 while the node held the transaction) settles it the same way first.

A bundle (gateway/ledger/bundler.py) is settled item by item from its receipt's outcome events: an
item that took effect is answered from its own part of the receipt, one that failed with its own
problem; each answer recorded under its request's key. A bundle that never happened (its nonce went
elsewhere) or reverted as a whole changed nothing: its items are ABANDONED, and a retry runs afresh.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import cast

from eth_account.signers.local import LocalAccount
from web3.types import Nonce, TxParams, TxReceipt, Wei

from chain.backends.base import SendRefused
from chain.errors import ChainError, ChainUnavailable
from chain.problem_codes import ProblemCode
from chain.tx import EncodedCall, Submitted, TxResult
from gateway.core.db import BundleItemRow, OutboxRow
from gateway.core.problems import Problem, problem_body
from gateway.ledger import answer_store
from gateway.ledger.answer_store import KEEP, store_answer
from gateway.ledger.outbox import ABANDONED, BUNDLE_OPERATION, DONE, PENDING, Answer
from gateway.ledger.runtime import Runtime

log = logging.getLogger("billchain.recovery")

#: (answer, mined transaction) -> (status, JSON body), as the write's route answers it
Render = Callable[[Answer, TxResult], tuple[int, bytes]]


class Recovery:
    def __init__(self, runtime: Runtime, render: Render) -> None:
        self.rt = runtime
        self.render = render

    def prune(self) -> None:
        """Forget settled outbox entries and Idempotency-Keys older than KEEP."""
        self.rt.outbox.prune(datetime.now(UTC).replace(tzinfo=None) - KEEP)
        answer_store.prune(self.rt.db)

    def reconcile(self) -> dict[str, int]:
        """Settle every PENDING entry, in send order. A chain that does not answer leaves them
        PENDING (settled by the next start, or by a retry of their key)."""
        self.prune()
        pending = self.rt.outbox.pending()
        counts = {"pending": len(pending), "done": 0, "abandoned": 0, "unsettled": 0}
        settled: set[str] = set()
        for row in pending:
            try:
                if row.operation == BUNDLE_OPERATION:
                    settled.add(row.tx_hash)
                    counts["done" if self.settle_bundle(row) is not None else "abandoned"] += 1
                else:
                    counts["done" if self.settle(row) is not None else "abandoned"] += 1
            except (ChainError, OSError) as exc:
                counts["unsettled"] += 1
                log.warning("outbox: %s not settled: %s", row.tx_hash, exc)
            except Exception:  # one bad entry does not keep the gateway from serving
                counts["unsettled"] += 1
                log.exception("outbox: %s not settled", row.tx_hash)
        # items of a bundle already mined and settled, whose keyed answers were not yet recorded
        for tx_hash in sorted({item.tx_hash for item in self.rt.outbox.pending_items()} - settled):
            entry = self.rt.outbox.entry(tx_hash)
            try:
                if entry is not None:
                    self.settle_bundle(entry)
            except (ChainError, OSError) as exc:
                counts["unsettled"] += 1
                log.warning("outbox: the items of %s not settled: %s", tx_hash, exc)
        if pending:  # what an unclean stop left: worth a line in any log
            log.warning("outbox reconciled: %s", json.dumps(counts))
        return counts

    def settle_key(self, caller: str, key: str) -> tuple[int, bytes] | None:
        """Settle the key's open entries; the answer of the last that happened, as it is given now (an
        onboarding's token with it, the one time it is shown), or None if none happened."""
        answer = None
        for row in self.rt.outbox.pending(caller, key):
            answer = self.settle(row) or answer
        for item in self.rt.outbox.pending_items(caller, key):
            entry = self.rt.outbox.entry(item.tx_hash)
            answers = self.settle_bundle(entry) if entry is not None else None
            answer = (answers or {}).get(item.index) or answer
        return answer

    def settle_bundle(self, row: OutboxRow) -> dict[int, tuple[int, bytes]] | None:
        """Wait for a bundle's transaction (sent again if the node lost it), then answer each of its PENDING
        items from its outcome and record the keyed ones; the answers by item index, or None if the bundle
        never happened (its items ABANDONED)."""
        backend, transactor, outbox = self.rt.backend, self.rt.system.tx, self.rt.outbox
        tx = self._submitted(row)
        if row.state == PENDING:
            lost = backend.receipt(tx.hash) is None and not backend.transaction_known(tx.hash)
            if lost and not self._send_again(tx):
                outbox.settle_bundle(row.tx_hash, ABANDONED, unkeyed=False)
                log.info("outbox: bundle %s never happened (its nonce went to another transaction)", row.tx_hash)
                return None
        tx, receipt = transactor.waiter.receipt(tx, transactor.recover)
        backend.nonces.mined(tx.signer.address, tx.nonce)
        if int(receipt["status"]) != 1:  # the bundle reverted as a whole: none of its items happened
            outbox.settle_bundle(tx.hex, ABANDONED, unkeyed=False)
            return None
        items = outbox.items(tx.hex)
        relay = self.rt.system.relay
        result = TxResult(tx.hex, int(receipt["blockNumber"]), int(receipt["gasUsed"]), receipt)
        outcomes = relay.outcomes(receipt, len(items))
        parts = relay.item_results(result, len(items))
        self.rt.indexer.catch_up(result.block_number)
        answers: dict[int, tuple[int, bytes]] = {}
        for item in items:
            if item.state != PENDING:
                continue
            error = outcomes[item.index]
            if error is None:
                answers[item.index] = self.render(Answer.loads(item.answer), parts[item.index])
            else:
                problem = Problem.from_chain(error)
                answers[item.index] = problem_body(problem.code, problem.detail)
            with self.rt.db.session() as s:
                stored = s.get(BundleItemRow, (item.tx_hash, item.index))
                if stored is not None:
                    stored.state = DONE
                if item.key is not None and item.caller is not None and item.request_hash is not None:
                    status, body = answers[item.index]
                    store_answer(s, self.rt.cipher, item.caller, item.key, item.request_hash, status, body)
        outbox.settle_bundle(tx.hex, DONE, unkeyed=False)
        return answers

    def settle(self, row: OutboxRow) -> tuple[int, bytes] | None:
        """Wait for the entry's transaction (sent again if the node lost it), then answer and record
        it (without a token it holds); its answer, or None if it never happened."""
        backend, transactor = self.rt.backend, self.rt.system.tx
        tx = self._submitted(row)
        lost = backend.receipt(tx.hash) is None and not backend.transaction_known(tx.hash)
        if lost and not self._send_again(tx):
            self.rt.outbox.mark(row.tx_hash, ABANDONED)
            log.info("outbox: %s never happened (its nonce went to another transaction)", row.tx_hash)
            return None
        tx, receipt = transactor.waiter.receipt(tx, transactor.recover)
        backend.nonces.mined(tx.signer.address, tx.nonce)
        status, body = self._outcome(row, tx, receipt)
        with self.rt.db.session() as s:
            settled = s.get(OutboxRow, tx.hex)  # this entry, or the one it was submitted anew as
            if settled is not None:
                settled.state = DONE
            if row.key is not None and row.caller is not None and row.request_hash is not None:
                store_answer(s, self.rt.cipher, row.caller, row.key, row.request_hash, status, body)
        return status, body

    def _submitted(self, row: OutboxRow) -> Submitted:
        params = cast(
            TxParams,
            {
                "from": row.signer,
                "to": row.to,
                "data": row.data,
                "gas": row.gas,  # the price is in the signed bytes: what is kept here is for reading
                "nonce": Nonce(row.nonce),
                "chainId": self.rt.backend.chain_id,
                "value": Wei(0),
            },
        )
        call = EncodedCall(row.to, row.data)
        return Submitted(bytes.fromhex(row.tx_hash[2:]), self._account(row), row.raw, call, params, time.monotonic())

    def _account(self, row: OutboxRow) -> LocalAccount:
        """The key that signed the entry: the operator's, the relayer's (a self-custody participant's
        signed operation), or the calling participant's hosted key."""
        for own in (self.rt.operator, self.rt.relayer):
            if row.signer == own.address:
                return own
        account = self.rt.keystore.load(row.caller or "")
        if account.address != row.signer:
            raise ChainUnavailable(f"outbox entry {row.tx_hash}: its signer's key is not in the keystore")
        return account

    def _send_again(self, tx: Submitted) -> bool:
        """The node lost it (a restart) or never got it (a crash before the send): the same bytes
        again; False if another transaction holds its nonce."""
        backend = self.rt.backend
        mined_count = backend.mined_nonce(tx.signer.address)
        if mined_count > tx.nonce:
            return self._nonce_used_by_itself(tx)
        try:
            backend.send_raw(tx.raw)
        except SendRefused as refused:
            if refused.reason == "nonce":
                return self._nonce_used_by_itself(tx)
            if refused.reason != "known":
                raise ChainUnavailable(f"the node refused a transaction sent again: {refused}") from None
        except backend.revert_errors:  # the embedded chain ran it at once: reverted, nothing happened
            return False
        backend.nonces.sent(tx.signer.address, tx.nonce, tx.raw)
        return True

    def _nonce_used_by_itself(self, tx: Submitted) -> bool:
        """Its nonce is used on chain. By itself (mined meanwhile): True. By another transaction of
        the outbox's, mined: False, this one never happened. By nothing the gateway sent: it is not
        settled (chain/tx.py `nonce_taken_by_a_known_transaction`), since running the request
        afresh could do it twice."""
        if self.rt.backend.receipt(tx.hash) is not None:
            return True
        if self.rt.system.tx.nonce_taken_by_a_known_transaction(tx):
            return False
        raise ChainUnavailable(
            f"nonce {tx.nonce} of {tx.signer.address} is used on chain, but neither {tx.hex} nor another "
            "transaction of the gateway's is in the node's history: left unsettled"
        )

    def _outcome(self, row: OutboxRow, tx: Submitted, receipt: TxReceipt) -> tuple[int, bytes]:
        if int(receipt["status"]) != 1:
            error = self.rt.system.tx.failure(tx, receipt)
            problem = (
                Problem.from_chain(error)
                if isinstance(error, ChainError)
                else Problem(ProblemCode.CHAIN_UNAVAILABLE, f"transaction {tx.hex} reverted")
            )
            return problem_body(problem.code, problem.detail)
        result = TxResult(tx.hex, int(receipt["blockNumber"]), int(receipt["gasUsed"]), receipt)
        self.rt.indexer.catch_up(result.block_number)
        answer = Answer.loads(row.answer)
        if answer.kind == "none" or not row.method_path:
            return 200, b"{}"
        return self.render(answer, result)
