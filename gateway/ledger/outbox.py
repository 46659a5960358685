"""The outbox: every transaction is written down, signed, before the node sees it.

The entry holds the signed bytes, the request that caused them (caller, Idempotency-Key,
fingerprint, body) and how the answer is built from the receipt (`Answer`). It stays
PENDING until the answer is given (and, for a keyed request, recorded with the key);
then it is DONE. An entry the node refused is deleted (nothing happened); one whose
nonce went to another transaction is ABANDONED. gateway/ledger/recovery.py settles PENDING
entries: all of them on start, before serving, and one when a retry brings its key.

Who is asking (`REQUEST`, set by the idempotency middleware) and what is being written
(`WRITE`, set by `Service.write`) travel as context variables: they follow the request
from its task into the write's greenlet and the worker thread that signs and sends.

A bundle (gateway/ledger/bundler.py) is one entry (operation `bundle`, no request of its own) and,
written down in the same database transaction, one `bundle_items` row per request it carries
(`BUNDLE`, set by the bundler): each item's caller, Idempotency-Key, fingerprint and answer recipe,
PENDING until its own answer is given (and, keyed, recorded), as a single write's entry is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from hexbytes import HexBytes
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from chain.tx import Submitted
from gateway.core.db import BundleItemRow, Database, OutboxRow
from gateway.ledger.group_commit import GroupCommit

PENDING, DONE, ABANDONED = "PENDING", "DONE", "ABANDONED"
#: the operation of a bundle's outbox entry
BUNDLE_OPERATION = "bundle"


@dataclass(frozen=True)
class RequestRef:
    caller: str
    method_path: str
    key: str | None = None
    request_hash: str | None = None
    body: str = ""


@dataclass(frozen=True)
class Answer:
    """How a write's answer is built from its receipt (gateway/services/answers.py); kept as JSON."""

    kind: str
    args: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> int:
        """A write that creates something (an onboarding, a bill, a transfer, a key recovery's request) is
        answered 201, as its route declares; every other write 200. Derived, so that entries written down by
        older gateways are answered alike."""
        creates = (
            self.kind == "onboard"
            or (self.kind == "bill" and (bool(self.args.get("transfer")) or not self.args.get("bill_id")))
            or (self.kind == "participant" and bool(self.args.get("created")))
        )
        return 201 if creates else 200

    def dumps(self) -> str:
        return json.dumps({"kind": self.kind, "args": self.args}, sort_keys=True)

    @classmethod
    def loads(cls, text: str) -> Answer:
        data = json.loads(text)
        return cls(data["kind"], data["args"])


@dataclass(frozen=True)
class ItemRef:
    """One request a bundle carries, as its `bundle_items` row records it."""

    index: int
    request: RequestRef | None
    operation: str
    answer: Answer
    signer: str
    nonce: int


REQUEST: ContextVar[RequestRef | None] = ContextVar("billchain_request", default=None)
WRITE: ContextVar[tuple[str, Answer] | None] = ContextVar("billchain_write", default=None)
#: the hashes sent inside `own_write`
OWN_SENT: ContextVar[list[str] | None] = ContextVar("billchain_own_sent", default=None)
#: the items of the bundle being sent (set by gateway/ledger/bundler.py)
BUNDLE: ContextVar[list[ItemRef] | None] = ContextVar("billchain_bundle", default=None)


@contextmanager
def own_write(operation: str, signer: str | None = None) -> Iterator[list[str]]:
    """What is sent inside is the gateway's own transaction, written down as `operation` with no answer: a step
    a write takes before its own (a confidential payment's merge of notes), or a chore (a note key's
    registration), never answered as a request, nor settled as one after a crash. `signer`: the participant
    whose hosted key signs, so recovery finds that key after a crash (the operator's and the relayer's it
    finds by address). Yields the hashes sent inside: when the block is left without an error they are mined,
    and the caller marks them DONE (`Outbox.mark`, off the event loop); else recovery settles them."""
    sent: list[str] = []
    request = RequestRef(signer, "") if signer is not None else None
    tokens = REQUEST.set(request), WRITE.set((operation, Answer("none"))), OWN_SENT.set(sent)
    try:
        yield sent
    finally:
        OWN_SENT.reset(tokens[2])
        WRITE.reset(tokens[1])
        REQUEST.reset(tokens[0])


def _hex(tx_hash: bytes) -> str:
    return "0x" + tx_hash.hex()


class Outbox:
    """The transactor's SendJournal (chain/tx.py), kept in the gateway's database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.group = GroupCommit(db)

    def before_send(self, tx: Submitted, replaces: bytes | None) -> None:
        """One INSERT, committed (durably: SQLite's synchronous=FULL) before this returns, in one
        transaction with those of the writes signed at the same moment (gateway/ledger/group_commit.py).
        A plain statement rather than the ORM's unit of work: it runs once per write."""
        request, write, items = REQUEST.get(), WRITE.get(), BUNDLE.get()
        operation, answer = write if write is not None else ("unknown", Answer("none"))
        if (own := OWN_SENT.get()) is not None:
            own.append(tx.hex)
        now = datetime.now(UTC).replace(tzinfo=None)

        def write_down(s: Session) -> None:
            nonlocal request, operation, answer
            old = s.get(OutboxRow, _hex(replaces)) if replaces is not None else None
            if old is not None:  # the same call submitted anew (its nonce went elsewhere): same request
                old.state = ABANDONED
                request = RequestRef(old.caller or "", old.method_path, old.key, old.request_hash, old.request)
                operation, answer = old.operation, Answer.loads(old.answer)
                # a bundle's items go with it
                moved = update(BundleItemRow).where(BundleItemRow.tx_hash == old.tx_hash)
                s.execute(moved.values(tx_hash=tx.hex))
            elif items:
                s.execute(insert(BundleItemRow), [_item_row(tx.hex, item, now) for item in items])
            params = tx.params
            s.execute(
                insert(OutboxRow).values(
                    tx_hash=tx.hex,
                    state=PENDING,
                    caller=request.caller if request else None,
                    key=request.key if request else None,
                    request_hash=request.request_hash if request else None,
                    method_path=request.method_path if request else "",
                    request=request.body if request else "",
                    operation=operation,
                    answer=answer.dumps(),
                    signer=tx.signer.address,
                    nonce=tx.nonce,
                    to=str(params["to"]),
                    data=bytes(HexBytes(params["data"])),  # an EncodedCall's bytes, or web3.py's hex
                    gas=int(params["gas"]),
                    gas_price=int(params.get("gasPrice", params.get("maxFeePerGas", 0))),
                    raw=tx.raw,
                    created_at=now,
                )
            )

        self.group.run(write_down)

    def refused(self, tx_hash: bytes) -> None:
        """The node did not take it: the entry, and a bundle's items with it, are forgotten."""
        with self.db.session() as s:
            row = s.get(OutboxRow, _hex(tx_hash))
            if row is not None:
                if row.operation == BUNDLE_OPERATION:
                    s.execute(delete(BundleItemRow).where(BundleItemRow.tx_hash == row.tx_hash))
                s.delete(row)

    def mark(self, tx_hash: str, state: str) -> None:
        def change(s: Session) -> None:
            s.execute(update(OutboxRow).where(OutboxRow.tx_hash == tx_hash).values(state=state))

        self.group.run(change)

    def entry(self, tx_hash: str) -> OutboxRow | None:
        with self.db.session() as s:
            return s.get(OutboxRow, tx_hash)

    def pending_items(self, caller: str | None = None, key: str | None = None) -> list[BundleItemRow]:
        """PENDING bundle items, by bundle and index; of one caller's key when given."""
        query = select(BundleItemRow).where(BundleItemRow.state == PENDING)
        if caller is not None:
            query = query.where(BundleItemRow.caller == caller, BundleItemRow.key == key)
        with self.db.session() as s:
            return list(s.scalars(query.order_by(BundleItemRow.created_at, BundleItemRow.index)))

    def items(self, tx_hash: str) -> list[BundleItemRow]:
        """A bundle's items, by index (any state)."""
        query = select(BundleItemRow).where(BundleItemRow.tx_hash == tx_hash).order_by(BundleItemRow.index)
        with self.db.session() as s:
            return list(s.scalars(query))

    def settle_bundle(self, tx_hash: str, state: str, unkeyed: bool, going_again: Sequence[int] = ()) -> None:
        """The bundle's entry is `state`; so are its PENDING items, all of them, or (`unkeyed`) those without an
        Idempotency-Key, a keyed one being closed with its recorded answer (gateway/ledger/answer_store.py).
        The items at `going_again` did not happen and go in another bundle: ABANDONED here, in the same
        database transaction, so that no recovery answers one from this bundle."""

        def change(s: Session) -> None:
            s.execute(update(OutboxRow).where(OutboxRow.tx_hash == tx_hash).values(state=state))
            if going_again:
                again = BundleItemRow.tx_hash == tx_hash, BundleItemRow.index.in_(going_again)
                s.execute(update(BundleItemRow).where(*again).values(state=ABANDONED))
            items = update(BundleItemRow).where(BundleItemRow.tx_hash == tx_hash, BundleItemRow.state == PENDING)
            if unkeyed:
                items = items.where(BundleItemRow.key.is_(None))
            s.execute(items.values(state=state))

        self.group.run(change)

    def pending(self, caller: str | None = None, key: str | None = None) -> list[OutboxRow]:
        """PENDING entries in send order (signer, nonce); of one caller's key when given."""
        query = select(OutboxRow).where(OutboxRow.state == PENDING)
        if caller is not None:
            query = query.where(OutboxRow.caller == caller, OutboxRow.key == key)
        with self.db.session() as s:
            return list(s.scalars(query.order_by(OutboxRow.signer, OutboxRow.nonce)))

    def prune(self, older_than: datetime) -> int:
        """Forget settled entries (DONE, ABANDONED) and bundle items written before `older_than`; their
        answers are kept with their keys as long as those are."""
        with self.db.session() as s:
            old = BundleItemRow.state != PENDING, BundleItemRow.created_at < older_than
            s.execute(delete(BundleItemRow).where(*old))
            result = s.execute(delete(OutboxRow).where(OutboxRow.state != PENDING, OutboxRow.created_at < older_than))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def holders(self, signer: str, nonce: int) -> list[bytes]:
        """The hashes of every entry (any state) signed by `signer` with `nonce`."""
        query = select(OutboxRow.tx_hash).where(OutboxRow.signer == signer, OutboxRow.nonce == nonce)
        with self.db.session() as s:
            return [bytes.fromhex(h[2:]) for h in s.scalars(query)]

    def counts(self) -> dict[str, int]:
        with self.db.session() as s:
            rows = s.execute(select(OutboxRow.state, func.count()).group_by(OutboxRow.state))
            found: dict[str, int] = {state: n for state, n in rows}
        return {state: found.get(state, 0) for state in (PENDING, DONE, ABANDONED)}


def _item_row(tx_hash: str, item: ItemRef, now: datetime) -> dict[str, Any]:
    request = item.request
    return {
        "tx_hash": tx_hash,
        "index": item.index,
        "state": PENDING,
        "caller": request.caller if request else None,
        "key": request.key if request else None,
        "request_hash": request.request_hash if request else None,
        "method_path": request.method_path if request else "",
        "request": request.body if request else "",
        "operation": item.operation,
        "answer": item.answer.dumps(),
        "signer": item.signer,
        "nonce": item.nonce,
        "created_at": now,
    }
