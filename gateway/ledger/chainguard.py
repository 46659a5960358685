"""The gateway never serves an index that is ahead of its chain.

A chain can come back shorter than the gateway left it, or with other blocks at
heights the index holds: a node restarted from an older state file, a node reset,
an embedded journal cut at a break. Serving the old index then would show bills
and cash the chain no longer has. So, at start before anything is served and
whenever the block follower sees the chain go back (`Indexer.divergence`):

1. what the outbox holds and the chain lacks is sent again, the same signed bytes,
   when the signer's nonce on chain proves the slot free (the chain lost the
   transaction; nothing else took its place), in the order they were written down
   (each signer's in nonce order), one signer's only once the other signer's before
   it are mined: a transaction that needed another signer's (a mint to a participant
   the operator registered) finds it on the chain again, as it did the first time;
2. the index is rebuilt from the chain (reads answer as the chain says);
3. every transaction the gateway had acknowledged (the outbox's answered entries,
   every transaction in the old index's bill history and cash movements) is looked
   up: if the chain has them all, and each does again all the old index saw it do
   (as many history entries and cash movements: a resent one that reverts, or a
   resent bundle whose item now fails, did less), serving goes on; if any is
   missing, an incident is recorded with the list,
   `/v1/health` says "degraded" with the reason and every write answers 503
   `CHAIN_UNAVAILABLE`, until a person has looked and run `billchain reindex`.

A shallow fork (a Clique or other proof-of-authority network: two signers sealed at
one height and the other branch won; the block follower finds it and its common
ancestor, gateway/ledger/follower.py) is no loss in itself: it is a loss only if a
transaction the gateway read from a dropped block, and so acknowledged, is not on
the new branch. So `reorganised` holds no write while it looks: the dropped blocks'
transactions the new branch lacks are waited for (the node puts a dropped block's
transactions back in its pool), then the index is rewound to the ancestor (or, when
it took events from the dropped blocks, rebuilt). One that does not come back is
the repair above, writes held, an incident if it cannot be sent again.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select

from chain.backends.base import ChainBackend, SendRefused
from gateway.core.db import CashMovementRow, ChainIncidentRow, Database, HistoryRow, OutboxRow
from gateway.ledger.indexer import Indexer
from gateway.ledger.outbox import ABANDONED

log = logging.getLogger("billchain.chainguard")
RESENT_WAIT_S = 60.0
#: how long a dropped block's transaction the node does not hold is looked for before the full repair
#: (a node puts a dropped block's transactions back in its pool a moment after it switches branch)
UNKNOWN_GRACE_S = 2.0


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class ChainGuard:
    def __init__(self, backend: ChainBackend, db: Database, indexer: Indexer) -> None:
        self.backend = backend
        self.db = db
        self.indexer = indexer
        self._repairing: str | None = None
        self._incident: str | None = self._open_incident()
        #: what else read the chain and must read it again once the index followed it back or to another
        #: branch (the confidential platform's wallets)
        self.rewound: list[Callable[[], None]] = []

    @property
    def blocked(self) -> str | None:
        """Why writes are refused now, or None."""
        return self._repairing or self._incident

    def check(self) -> dict[str, int] | None:
        """At start: repair a chain that is not the one indexed; None if it is."""
        reason = self.indexer.divergence()
        return None if reason is None else self.repair(reason)

    def repair(self, reason: str) -> dict[str, int]:
        log.error("the chain is not the chain indexed: %s; sending again what it lost, then re-indexing", reason)
        self._repairing = reason
        try:
            effects = self._effects()
            resent = self._send_again_what_was_lost()
            self.indexer.rebuild()
            self._tell_rewound()
            undone = self._effects()  # what each transaction did, read again from the chain
            lost = sorted(set(self._missing(set(effects))) | {h for h, n in effects.items() if undone[h] < n})
            figures = {"resent": len(resent), "lost": len(lost)}
            if lost:
                detail = f"{reason}; acknowledged transactions not on the chain: {len(lost)}"
                self._record(detail, lost)
                log.error("chain incident: %s: %s (writes refused until `billchain reindex`)", detail, lost)
            else:
                log.warning("the chain came back whole: %s", json.dumps(figures))
            return figures
        finally:
            self._repairing = None

    def reorganised(self, reason: str, ancestor: int, dropped: list[str]) -> dict[str, int] | None:
        """A shallow fork above block `ancestor` dropped the blocks `dropped` ("0x…") were read from. None
        when none of them is lost: the index follows the new branch, no write was held; else the repair's
        figures (writes held while it runs)."""
        missing = self._unmined_after_waiting(set(dropped))
        if missing:
            return self.repair(f"{reason}; {len(missing)} transactions of the dropped blocks not on the new branch")
        rewound = self.indexer.rewind(ancestor)
        if not rewound:  # it took events from the dropped blocks: their order and times may differ now
            self.indexer.rebuild()
        self._tell_rewound()
        log.warning(
            "shallow fork: %s; %d transactions of the dropped blocks all on the new branch; the index %s",
            reason,
            len(dropped),
            f"rewound to block {ancestor}" if rewound else "rebuilt",
        )
        return None

    def _unmined_after_waiting(self, hashes: set[str]) -> list[str]:
        """Those of `hashes` still unmined after waiting: for each the node holds to be mined (up to
        RESENT_WAIT_S), and for each it does not hold to come back into its pool (up to UNKNOWN_GRACE_S)."""
        backend = self.backend
        began = time.monotonic()
        missing = {h for h in hashes if backend.receipt(bytes.fromhex(h[2:])) is None}
        while missing and time.monotonic() - began < RESENT_WAIT_S:
            held = {h for h in missing if backend.transaction_known(bytes.fromhex(h[2:]))}
            if held != missing and time.monotonic() - began >= UNKNOWN_GRACE_S:
                break  # one the node does not hold: the repair's, sent again from the outbox or lost
            time.sleep(0.2)
            missing = {h for h in missing if backend.receipt(bytes.fromhex(h[2:])) is None}
        return sorted(missing)

    def _tell_rewound(self) -> None:
        for read_again in self.rewound:
            read_again()

    def resolve(self) -> list[ChainIncidentRow]:
        """A person has looked: open incidents are closed (`billchain reindex`)."""
        with self.db.session() as s:
            rows = list(s.scalars(select(ChainIncidentRow).where(ChainIncidentRow.resolved_at.is_(None))))
            for row in rows:
                row.resolved_at = _now()
        self._incident = None
        return rows

    # --- the steps
    def _send_again_what_was_lost(self) -> list[str]:
        """The outbox's transactions the node neither mined nor holds, sent again in the order they were
        written down while the signer's next nonce on chain is theirs (else something else holds the slot:
        not sent). Before one signer's, the other signer's sent before it are waited for: a node orders its
        pool by fee and nonce, not by arrival, and a transaction may need another signer's to have run."""
        backend = self.backend
        with self.db.session() as s:
            rows = _in_signing_order(list(s.scalars(select(OutboxRow).where(OutboxRow.state != ABANDONED))))
        resent: list[str] = []
        unmined: list[OutboxRow] = []  # sent again, not yet seen mined
        refusals: tuple[type[Exception], ...] = (SendRefused, *backend.revert_errors)
        deadline = time.monotonic() + RESENT_WAIT_S
        for row in rows:
            tx_hash = bytes.fromhex(row.tx_hash[2:])
            if backend.receipt(tx_hash) is not None:
                continue
            if unmined and unmined[-1].signer != row.signer:
                self._mined([r.tx_hash for r in unmined], deadline)
                unmined.clear()
            if backend.transaction_known(tx_hash):  # in the node's pool: not sent, but waited for like a resent one
                unmined.append(row)
                continue
            if backend.pending_nonce(row.signer) != row.nonce:
                continue
            try:
                backend.send_raw(row.raw)
            except refusals as exc:
                log.error("outbox: %s could not be sent again: %s", row.tx_hash, exc)
                continue
            resent.append(row.tx_hash)
            unmined.append(row)
        for signer in {row.signer for row in rows}:
            backend.nonces.resync(signer)
        self._mined(resent, deadline)
        if resent:
            log.warning("outbox: %d transactions the chain had lost were sent again", len(resent))
        return resent

    def _mined(self, hashes: list[str], deadline: float) -> None:
        """Wait, until `deadline`, for each of `hashes` to be mined (said in the log when it is not: what is sent
        after may then run before it)."""
        for sent in hashes:
            while self.backend.receipt(bytes.fromhex(sent[2:])) is None:
                if time.monotonic() >= deadline:
                    log.warning("outbox: %s sent again but not mined in %.0f s; sending on", sent, RESENT_WAIT_S)
                    break
                time.sleep(0.05)

    def _effects(self) -> Counter[str]:
        """How many bill history entries and cash movements the index holds of each transaction."""
        with self.db.session() as s:
            hashes = list(s.scalars(select(HistoryRow.tx_hash))) + list(s.scalars(select(CashMovementRow.tx_hash)))
        return Counter(hashes)

    def _missing(self, indexed: set[str]) -> list[str]:
        """Acknowledged transactions (answered from the outbox, or in the old index) the chain lacks. One
        the node holds again, unmined (a reorganisation dropped its block: a Clique fork; the node puts
        its transactions back in its pool), is waited for, up to RESENT_WAIT_S, before it counts."""
        with self.db.session() as s:
            answered = set(s.scalars(select(OutboxRow.tx_hash).where(OutboxRow.state == "DONE")))
        backend = self.backend

        def unmined(hashes: set[str]) -> set[str]:
            return {h for h in hashes if backend.receipt(bytes.fromhex(h[2:])) is None}

        missing = unmined(answered | indexed)
        pending = {h for h in missing if backend.transaction_known(bytes.fromhex(h[2:]))}
        deadline = time.monotonic() + RESENT_WAIT_S
        while pending and time.monotonic() < deadline:
            time.sleep(0.2)
            pending = unmined(pending)
        return sorted(unmined(missing))

    def _record(self, reason: str, lost: list[str]) -> None:
        with self.db.session() as s:
            s.add(ChainIncidentRow(detected_at=_now(), reason=reason, lost=json.dumps(lost)))
        self._incident = reason

    def _open_incident(self) -> str | None:
        with self.db.session() as s:
            row = s.scalar(
                select(ChainIncidentRow).where(ChainIncidentRow.resolved_at.is_(None)).order_by(ChainIncidentRow.id)
            )
        return None if row is None else row.reason


def _in_signing_order(rows: list[OutboxRow]) -> list[OutboxRow]:
    """`rows` in the order they were written down, except that each signer's go in nonce order (two of
    one signer's written down at once may be written in either order; their nonces say which ran first):
    each signer's rows fill, in nonce order, the places its rows hold in the written-down order. Of two
    rows with one signer and nonce (a write that reused the nonce of one lost for good, after `billchain
    reindex`) only the later counts."""
    latest: dict[tuple[str, int], OutboxRow] = {}
    for row in sorted(rows, key=lambda r: (r.created_at, r.tx_hash)):
        latest[(row.signer, row.nonce)] = row
    rows = list(latest.values())
    written = sorted(rows, key=lambda r: (r.created_at, r.signer, r.nonce))
    by_nonce: dict[str, list[OutboxRow]] = {}
    for row in sorted(rows, key=lambda r: r.nonce, reverse=True):
        by_nonce.setdefault(row.signer, []).append(row)
    return [by_nonce[row.signer].pop() for row in written]
