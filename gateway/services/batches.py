"""A caller's own list of operations in one transaction (POST /v1/batch): all or nothing.

Each operation is checked by its own write's code, in the order and with the problems it meets alone,
against the state before the batch; none is sent alone (`Batching`: the write path raises `Prepared`
with the call and how it is answered). Then each is signed as an item of this batch (EIP-712
`BatchItem(batch, operation)`, the caller's hosted key, consecutive nonces: chain/relay.py) and the
relayer sends them in one `executeBatch`: the chain runs them in order, all or none (OperationRelay), and
no item can act outside the batch, even once the batch reverted on chain for all to read. A failure names
the operation (`operation`: its index). Like any write, the batch goes through the outbox before it is
sent, so it survives a crash, and one Idempotency-Key answers it once.

One batch per caller at a time: a second sent before the first is mined takes the same nonces and is
refused (409 NONCE_USED); send it again.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from chain.errors import ChainError
from chain.relay import Prepared, SignedBy, batch_of, sign_typed
from gateway.core.problems import Problem
from gateway.core.schemas import BatchOut
from gateway.ledger.outbox import Answer
from gateway.services.base import Service
from gateway.services.caller import Caller


def _family(answer: Answer) -> str | None:
    """Which of a transaction's events answers this operation, when a batch holds several: the nth bill
    issued, or the nth transfer requested."""
    if answer.kind != "bill":
        return None
    if not answer.args.get("bill_id"):
        return "issued"
    return "requested" if answer.args.get("transfer") else None


class Batches(Service):
    def send(self, caller: Caller, prepared: list[Prepared]) -> BatchOut:
        account = self.rt.keystore.load(caller.id)
        relay = self.rt.system.relay
        try:
            nonce = relay.nonce(account.address)
            deadline = self.rt.backend.timestamp() + self.rt.settings.signature_ttl
        except ChainError as error:
            raise Problem.from_chain(error) from None
        seen: Counter[str] = Counter()
        operations: list[dict[str, Any]] = []
        batch = batch_of([(op.call, account.address, nonce + i, deadline) for i, op in enumerate(prepared)])
        signed = []
        for i, operation in enumerate(prepared):
            assert operation.write is not None, "a batched operation went through the write path"
            _, answer = operation.write
            args = dict(answer.args)
            family = _family(answer)
            if family is not None:
                args["nth"] = seen[family]
                seen[family] += 1
            operations.append({"kind": answer.kind, "args": args})
            typed = relay.batch_item_typed_data(batch, operation.call, account.address, nonce + i, deadline)
            signature = sign_typed(account, typed)
            signed.append((SignedBy(account.address, nonce + i, deadline, signature, self.rt.relayer), operation.call))
        send = lambda: relay.send_batch(self.rt.relayer, signed)  # noqa: E731
        return self.write("batch", send, Answer("batch", {"operations": operations}), BatchOut)
