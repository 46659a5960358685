"""What a REGULATOR reads from the chain with the viewing key alone (docs/PRIVACY.md §3.4, "Reindexing").

Every note's opening is encrypted, inside the proof that made it, to the viewing key the contract pins, so
the regulator needs nothing from any party: this module walks the ledger's events in chain order, decrypts
each regulator ciphertext, recomputes every note's commitment from what it read (a note it cannot recompute
is reported, never guessed), and marks the notes each operation spent. Invariant: the view holds exactly the
notes the chain holds, each with its owner (a BabyJubJub key), its value or range, and whether it is spent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chain.zk.ledger import ConfidentialLedger
from chain.zk.prover import NoteKey, Point, Prover, unpack_range, unpack_terms


@dataclass(frozen=True)
class CashHolding:
    owner: Point
    value: int
    commitment: int


@dataclass(frozen=True)
class RangeHolding:
    owner: Point
    bill_id: int
    maturity_day: int
    start: int
    end: int
    commitment: int


Holding = CashHolding | RangeHolding


@dataclass
class RegulatorView:
    notes: dict[int, Holding] = field(default_factory=dict)  # every note made, by commitment
    spent: set[int] = field(default_factory=set)
    discount_terms: dict[int, tuple[int, int]] = field(default_factory=dict)  # id -> (rate in micros, adjust days)
    cancelled: set[int] = field(default_factory=set)  # discounts revoked or rejected unpaid
    presented: dict[int, int] = field(default_factory=dict)  # presentment id -> its range note, awaiting payment
    unreadable: list[str] = field(default_factory=list)  # what could not be recomputed (nothing, if proofs hold)

    def held(self) -> dict[int, Holding]:
        return {c: h for c, h in self.notes.items() if c not in self.spent}

    def balances(self) -> dict[Point, int]:
        out: dict[Point, int] = {}
        for holding in self.held().values():
            if isinstance(holding, CashHolding):
                out[holding.owner] = out.get(holding.owner, 0) + holding.value
        return out


class _Reader:
    def __init__(self, prover: Prover, viewing: NoteKey, view: RegulatorView) -> None:
        self.prover, self.viewing, self.view = prover, viewing, view

    def open(self, body: Any, cipher: str, length: int) -> list[int]:
        return self.prover.decrypt(self.viewing.sk, tuple(body["ecdhPk"]), list(body[cipher]), body["nonce"], length)

    def cash(self, owner: Point, value: int, salt: int, commitment: int) -> None:
        if self.prover.commit(value, owner, salt) != commitment:
            self.view.unreadable.append(f"cash note {commitment:#x}")
        self.view.notes[commitment] = CashHolding(owner, value, commitment)

    def range(self, owner: Point, packed: tuple[int, int, int, int], salt: int, commitment: int) -> None:
        bill, maturity, start, end = packed
        if self.prover.range_commit(bill, maturity, start, end, owner, salt) != commitment:
            self.view.unreadable.append(f"range note {commitment:#x}")
        self.view.notes[commitment] = RangeHolding(owner, bill, maturity, start, end, commitment)

    def value(self, commitment: int) -> int:
        held = self.view.notes.get(commitment)
        return held.value if isinstance(held, CashHolding) else 0

    def payment(self, body: Any) -> None:
        in0, in1, paid, sx, sy, rx, ry, salt0, salt1 = self.open(body, "cipherRegulator", 9)
        self.view.spent.update({in0, in1})
        change = self.value(in0) + (self.value(in1) if body["nullifiers"][1] else 0) - paid
        self.cash((rx, ry), paid, salt0, body["commitments"][0])
        self.cash((sx, sy), change, salt1, body["commitments"][1])

    def split(self, body: Any, opened: list[int]) -> tuple[int, Any]:
        """A range move's input note and a function appending its two outputs, from the regulator's plain text
        [packed input, k, input's salt, sender (x, y), receiver (x, y), the outputs' salts]."""
        packed, k, in_salt, sx, sy, rx, ry, salt0, salt1 = opened
        bill, maturity, start, end = unpack_range(packed)
        spent = self.prover.range_commit(bill, maturity, start, end, (sx, sy), in_salt)

        def outputs(commitments: list[int]) -> None:
            self.range((rx, ry), (bill, maturity, start, start + k - 1), salt0, commitments[0])
            self.range((sx, sy), (bill, maturity, start + k, end), salt1, commitments[1])

        return spent, outputs


class RegulatorIndex:
    """The view kept up to date: each `sync` applies only the events since the last one applied (all of them the
    first time, and again from block 0 when the chain went back below the last block read). Whoever follows the
    chain onto another branch at one height calls `forget` (gateway/ledger/chainguard.py's `rewound`)."""

    def __init__(self, ledger: ConfidentialLedger, prover: Prover, viewing: NoteKey) -> None:
        self.ledger, self.prover, self.viewing = ledger, prover, viewing
        self.forget()

    def forget(self) -> None:
        """As new: nothing read."""
        self.view = RegulatorView()
        self._reader = _Reader(self.prover, self.viewing, self.view)
        self._pending: dict[int, tuple[int, Any]] = {}  # discount id -> (its range note, delivering its outputs)
        self._applied = (-1, -1)  # the last event applied: (block, log index)

    def sync(self) -> RegulatorView:
        head = self.ledger.tx.backend.block_number()  # one head for every event kind: none skipped between them
        if head < self._applied[0]:
            self.forget()
        for event in self.ledger.events(max(self._applied[0], 0), head):
            if (event.block, event.log_index) <= self._applied:
                continue
            self._apply(event.name, event.args)
            self._applied = (event.block, event.log_index)
        return self.view

    def _apply(self, name: str, args: Any) -> None:
        view, reader, prover, pending = self.view, self._reader, self.prover, self._pending
        if name == "ConfidentialMint":
            note = args["note"]
            x, y, salt = reader.open(note, "cipherRegulator", 3)
            reader.cash((x, y), note["value"], salt, note["commitment"])
        elif name == "ConfidentialIssue":
            note = args["note"]
            packed, x, salt = reader.open(note, "cipherRegulator", 3)
            owners = prover.points_at(x)
            made = [o for o in owners if prover.range_commit(*unpack_range(packed), o, salt) == note["commitment"]]
            reader.range(made[0] if made else owners[0], unpack_range(packed), salt, note["commitment"])
        elif name == "ConfidentialTransfer":
            reader.payment(args["transfer"])
        elif name == "ConfidentialRangeMove":
            move = args["move"]
            spent, outputs = reader.split(move, reader.open(move, "cipherRegulator", 9))
            view.spent.add(spent)
            outputs(list(move["commitments"]))
        elif name == "ConfidentialDiscountRequested":
            request = args["request"]
            # [packed input + terms * 2^192, k, input's salt, holder, bank, the bank's seed, the change's salt]
            opened = reader.open(request, "cipherRegulator", 9)
            terms, seed = unpack_terms(opened[0]), opened[7]
            opened[7:8] = [prover.hash([seed, 0])]  # the bank's range note's salt; the price's is (seed, 1)
            spent, outputs = reader.split(request, opened)
            view.discount_terms[int(args["id"])] = terms
            pending[int(args["id"])] = (spent, lambda o=outputs, c=list(request["commitments"]): o(c))
        elif name == "ConfidentialDiscountSigned":
            spent, deliver = pending.pop(int(args["id"]))
            reader.payment(args["payment"])
            view.spent.add(spent)
            deliver()
        elif name == "ConfidentialPresented":
            presentment = args["presentment"]
            # [packed range, its salt, holder (x, y), the payment's salt, the acceptor's x]
            packed, in_salt, hx, hy, _, _ = reader.open(presentment, "cipherRegulator", 6)
            note = prover.range_commit(*unpack_range(packed), (hx, hy), in_salt)
            if note not in view.notes:
                view.unreadable.append(f"presented range note {note:#x}")
            view.presented[int(args["id"])] = note
        elif name == "ConfidentialPaid":
            reader.payment(args["payment"])
            view.spent.add(view.presented.pop(int(args["id"])))
        elif name == "ConfidentialDiscountCancelled":
            pending.pop(int(args["id"]))  # its range note stays its holder's, unspent
            view.cancelled.add(int(args["id"]))


def regulator_view(ledger: ConfidentialLedger, prover: Prover, viewing: NoteKey) -> RegulatorView:
    """The whole ledger as the viewing key reads it, from the contract's events alone."""
    return RegulatorIndex(ledger, prover, viewing).sync()
