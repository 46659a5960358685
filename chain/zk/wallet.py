"""A member's own notes on the confidential ledger, read from the chain with its note key alone (docs/PRIVACY.md
§3.12, "Indexing": what a hosted member's gateway and a self-custody client hold and prove from).

What the member receives it finds by trial decryption: each operation's copy for its receiver (a mint's owner
copy, an issue's payee copy, a transfer's or a move's receiver copy, a discount request's bank copy, a
presentment's acceptor copy) is tried with its key. What it spends it reads back: a proof's ephemeral key is
derived from the spender's key, the spend's nullifier and the proof's encryption nonce (`Prover.recall_key`),
so the spender opens the operation's regulator copy (ECDH of that key with the pinned viewing key's public
half) and finds its change, the range it kept, and its discount request's bank and cancel key. So a wallet
keeps nothing but the key: a gateway that lost its data dir, or a client on another machine, rebuilds the same
notes from the chain (every spend proven by this prover; see `unreadable`).

Invariants: a note is held only when its commitment recomputes from the opening read (a ciphertext that opens to
another note is ignored, never trusted); a note is gone once its nullifier is on chain; a range note under a pending
discount request or a presentment is locked (neither moved nor requested again) until the request is signed or the
presentment paid (spent), or the request cancelled (free again); the price a bank pays for an offer is the
contract's (`discountPrice`), and an offer whose awaited cash note that price does not make is not taken; a spend of
ours the wallet cannot read back (made without the recall key, by another client) still spends its notes, and its
change is listed in `unreadable`; a prover that fails (not a ciphertext for another key) ends the sync before the
event it was reading, which the next sync applies again, never skips it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chain.zk.ledger import ConfidentialLedger
from chain.zk.prover import Note, NoteKey, Point, Proven, Prover, RangeNote, unpack_range, unpack_terms
from chain.zk.toolchain import ToolError

#: what the prover says of a ciphertext that is not for the key tried (circuits/js/notes.mjs)
AUTHENTICATION_FAILED = "authentication tag does not match"


class NotEnoughCash(Exception):
    """No one or two of the wallet's notes cover the amount (a proof spends at most two)."""

    def __init__(self, amount: int, balance: int, coverable: int, free: int, notes_needed: int = 0) -> None:
        self.amount, self.balance, self.coverable, self.free = amount, balance, coverable, free
        self.notes_needed = notes_needed  # the fewest free notes that cover it together (0: none do)
        merge = " (merge notes first)" if free >= amount else ""
        super().__init__(f"{amount} fen asked, {balance} held, at most {coverable} in two notes{merge}")

    @property
    def mergeable(self) -> bool:
        """Whether the notes no other proof holds cover it together (three or more of them: `Wallet.merge`)."""
        return self.free >= self.amount


@dataclass(frozen=True)
class Offer:
    """A pending discount request to this wallet's bank key, as its copy reads: the range it buys
    (`bill_id`, `maturity_day`, `start`..`end`), the terms, the holder to pay and the price to pay."""

    id: int
    bill_id: int
    maturity_day: int
    start: int
    end: int
    rate_micros: int
    adjust_days: int
    day: int
    holder: Point
    price: int
    price_salt: int
    range_salt: int
    range_commitment: int  # the note it buys: the request's first output
    cancel_key: int


@dataclass(frozen=True)
class Request:
    """This wallet's own pending discount request: the note it locks, what stays its own once it is signed."""

    id: int
    note: RangeNote
    k: int
    bank: Point
    kept_salt: int
    kept_commitment: int  # the request's second output: the rest of the note, ours again once it is signed
    cancel_key: int


@dataclass(frozen=True)
class Due:
    """A presentment to this wallet's key (the acceptor's): the range presented, the holder to pay, and the
    cash note of the range's amount the holder awaits (its salt)."""

    id: int
    bill_id: int
    maturity_day: int
    start: int
    end: int
    holder: Point
    pay_salt: int

    @property
    def amount(self) -> int:
        return self.end - self.start + 1


class OfferExpired(Exception):
    """The bill of an offer matured: a discount is paid before maturity (the contract cannot tell, the bank can)."""


class Wallet:
    def __init__(self, ledger: ConfidentialLedger, prover: Prover, key: NoteKey) -> None:
        self.ledger, self.prover, self.key = ledger, prover, key
        self.viewing_key = ledger.viewing_key
        self._forget_all()

    def _forget_all(self) -> None:
        """As new: nothing read."""
        self.cash: dict[int, Note] = {}  # by commitment: held and unspent
        self.ranges: dict[int, RangeNote] = {}
        self.requests: dict[int, Request] = {}  # by discount id: pending
        self.offers: dict[int, Offer] = {}
        self.presented: dict[int, RangeNote] = {}  # by presentment id: ours, awaiting payment
        self.dues: dict[int, Due] = {}  # presentments to us, awaiting our payment
        self.unreadable: list[str] = []  # our spends we could not read back (their change is not held)
        self._held: dict[int, int] = {}  # nullifier -> commitment, of every note held
        self._applied = (-1, -1)  # the last event applied: (block, log index)
        #: notes a proof spends that the chain has not spent yet: no second proof picks them (`release` frees them)
        self.reserved: set[int] = set()

    # --- reading the chain
    def sync(self) -> Wallet:
        """Apply the ledger's events since the last one applied (all of them, the first time), each once."""
        head = self.ledger.tx.backend.block_number()  # one head for every event kind: none skipped between them
        if head < self._applied[0]:  # the chain went back under what was read: read it again from block 0
            self._forget_all()
        for event in self.ledger.events(max(self._applied[0], 0), head):
            if (event.block, event.log_index) <= self._applied:
                continue
            getattr(self, "_on_" + event.name.removeprefix("Confidential").lower())(event.args)
            self._applied = (event.block, event.log_index)
        return self

    def _on_mint(self, args: Any) -> None:
        note = args["note"]
        opened = self._open(note, "cipherOwner", 2)
        if opened is not None and opened[1] == self.key.pk[0]:
            self._take_cash(note["value"], opened[0], note["commitment"], args["index"])

    def _on_issue(self, args: Any) -> None:
        note = args["note"]
        opened = self._open(note, "cipherPayee", 2)
        if opened is not None:
            self._take_range(unpack_range(opened[0]), opened[1], note["commitment"], args["index"])

    def _on_transfer(self, args: Any) -> None:
        self._payment(args["transfer"], args["index"])

    def _payment(self, body: Any, index: int) -> None:
        commitments, nullifiers = body["commitments"], list(body["nullifiers"])
        if nullifiers[0] in self._held or nullifiers[1] in self._held:  # our spend: read back from its regulator copy
            mine = self._recall(body, nullifiers[0], 9)  # first: a prover failure raises before anything changes
            spent = sum(n.value for n in self._spend(nullifiers) if isinstance(n, Note))
            if mine is None:
                return
            _, _, paid, _, _, rx, ry, salt0, salt1 = mine
            self._take_cash(spent - paid, salt1, commitments[1], index + 1)
            if (rx, ry) == self.key.pk:  # paid to ourselves: a merge
                self._take_cash(paid, salt0, commitments[0], index)
            return
        opened = self._open(body, "cipherReceiver", 3)
        if opened is not None:
            self._take_cash(opened[0], opened[1], commitments[0], index)

    def _on_rangemove(self, args: Any) -> None:
        move, index = args["move"], args["index"]
        commitments = move["commitments"]
        if move["nullifier"] in self._held:
            mine = self._recall(move, move["nullifier"], 9)
            self._spend([move["nullifier"]])
            if mine is None:
                return
            packed, k, _, _, _, rx, ry, salt0, salt1 = mine
            bill, maturity, start, end = unpack_range(packed)
            self._take_range((bill, maturity, start + k, end), salt1, commitments[1], index + 1)
            if (rx, ry) == self.key.pk:
                self._take_range((bill, maturity, start, start + k - 1), salt0, commitments[0], index)
            return
        opened = self._open(move, "cipherReceiver", 3)
        if opened is not None:
            self._take_range(unpack_range(opened[0]), opened[1], commitments[0], index)

    def _on_discountrequested(self, args: Any) -> None:
        request, discount = args["request"], int(args["id"])
        nullifier = request["nullifier"]
        if nullifier in self._held:
            # [packed input + terms, k, input's salt, holder (x, y), bank (x, y), the bank's seed, the change's salt]
            mine = self._recall(request, nullifier, 9)
            note = self.ranges.pop(self._held[nullifier])
            if mine is None:  # locked all the same (a cancel would free it; we could not tell which request it was)
                return
            bank = (mine[5], mine[6])
            recall = self.prover.recall_key(self.key.sk, nullifier, request["nonce"])
            cancel_key = self.prover.hash(list(self.prover.ecdh(recall, bank)))
            kept = int(request["commitments"][1])
            self.requests[discount] = Request(discount, note, mine[1], bank, mine[8], kept, cancel_key)
            return
        to_us = self._open(request, "cipherBank", 3)  # [packed bought range + terms, seed, holder's x]
        if to_us is not None:
            offer = self._offer(discount, request, *to_us)
            if offer is not None:
                self.offers[discount] = offer

    def _offer(self, discount: int, request: Any, packed: int, seed: int, holder_x: int) -> Offer | None:
        bill, maturity, start, end = unpack_range(packed)
        rate, adjust = unpack_terms(packed)
        day = int(request["day"])
        price = self.ledger.discount_price(end - start + 1, rate, maturity - day + adjust)
        price_salt, range_salt = self.prover.hash([seed, 1]), self.prover.hash([seed, 0])
        holders = [
            p
            for p in self.prover.points_at(holder_x)
            if self.prover.commit(price, p, price_salt) == request["cashCommitment"]
        ]
        bought = int(request["commitments"][0])
        if not holders or self._range_commit((bill, maturity, start, end), self.key.pk, range_salt) != bought:
            return None
        cancel_key = self.prover.hash(list(self.prover.ecdh(self.key.sk, tuple(request["ecdhPk"]))))
        terms = (rate, adjust, day, holders[0], price, price_salt, range_salt, bought, cancel_key)
        return Offer(discount, bill, maturity, start, end, *terms)

    def _on_discountsigned(self, args: Any) -> None:
        discount, range_index = int(args["id"]), int(args["rangeIndex"])
        self._payment(args["payment"], int(args["cashIndex"]))
        if (request := self.requests.pop(discount, None)) is not None:
            n = request.note
            kept = (n.bill_id, n.maturity_day, n.start + request.k, n.end)
            self._forget(n.commitment)
            self._take_range(kept, request.kept_salt, request.kept_commitment, range_index + 1)
        if (offer := self.offers.pop(discount, None)) is not None:
            bought = (offer.bill_id, offer.maturity_day, offer.start, offer.end)
            self._take_range(bought, offer.range_salt, offer.range_commitment, range_index)

    def _on_discountcancelled(self, args: Any) -> None:
        discount = int(args["id"])
        self.offers.pop(discount, None)
        if (request := self.requests.pop(discount, None)) is not None:
            self.ranges[request.note.commitment] = request.note  # free again

    def _on_presented(self, args: Any) -> None:
        presentment, presented = args["presentment"], int(args["id"])
        nullifier = presentment["nullifier"]
        if nullifier in self._held:
            self.presented[presented] = self.ranges.pop(self._held[nullifier])  # locked until paid
            return
        to_us = self._open(presentment, "cipherAcceptor", 3)  # [packed range, the payment's salt, holder's x]
        if to_us is None:
            return
        packed, pay_salt, holder_x = to_us
        bill, maturity, start, end = unpack_range(packed)
        cash = presentment["cashCommitment"]
        for holder in self.prover.points_at(holder_x):
            if self.prover.commit(end - start + 1, holder, pay_salt) == cash:
                self.dues[presented] = Due(presented, bill, maturity, start, end, holder, pay_salt)

    def _on_paid(self, args: Any) -> None:
        presented = int(args["id"])
        self._payment(args["payment"], int(args["cashIndex"]))
        self.presented.pop(presented, None)  # retired: its nullifier is spent
        self.dues.pop(presented, None)

    # --- notes
    def _open(self, body: Any, cipher: str, length: int) -> list[int] | None:
        """A copy's plain text under our key, or None when it is for someone else (its tag does not match);
        a prover that fails otherwise raises (the sync stops before this block, and reads it again next time)."""
        try:
            return self.prover.decrypt(self.key.sk, tuple(body["ecdhPk"]), list(body[cipher]), body["nonce"], length)
        except ToolError as exc:
            if AUTHENTICATION_FAILED in str(exc):
                return None
            raise

    def _recall(self, body: Any, nullifier: int, length: int) -> list[int] | None:
        """Our own spend's regulator copy, opened with its recall key; None (and noted) when the spend was
        not proven with it (another client's)."""
        recall = self.prover.recall_key(self.key.sk, nullifier, body["nonce"])
        try:
            return self.prover.decrypt(recall, self.viewing_key, list(body["cipherRegulator"]), body["nonce"], length)
        except ToolError as exc:
            if AUTHENTICATION_FAILED not in str(exc):
                raise
            self.unreadable.append(f"spend of nullifier {nullifier:#x}")
            return None

    def _take_cash(self, value: int, salt: int, commitment: int, index: int) -> None:
        if value > 0 and self.prover.commit(value, self.key.pk, salt) == commitment:
            self._hold(Note(value, self.key.pk, salt, commitment, index), self.cash)

    def _range_commit(self, opening: tuple[int, int, int, int], owner: Point, salt: int) -> int:
        return self.prover.range_commit(*opening, owner, salt)

    def _take_range(self, opening: tuple[int, int, int, int], salt: int, commitment: int, index: int) -> None:
        bill, maturity, start, end = opening
        if end >= start and self._range_commit(opening, self.key.pk, salt) == commitment:
            self._hold(RangeNote(bill, maturity, start, end, self.key.pk, salt, commitment, index), self.ranges)

    def _hold(self, note: Note | RangeNote, into: dict[int, Any]) -> None:
        into[note.commitment] = note
        self._held[self.prover.nullifier(note, self.key.sk)] = note.commitment  # type: ignore[arg-type]

    def _spend(self, nullifiers: list[int]) -> list[Note | RangeNote]:
        return [n for nullifier in nullifiers if (n := self._forget(self._held.get(nullifier, -1))) is not None]

    def _forget(self, commitment: int) -> Note | RangeNote | None:
        self.reserved.discard(commitment)
        return self.cash.pop(commitment, None) or self.ranges.pop(commitment, None)

    # --- what it holds, and the proofs it makes
    def balance(self) -> int:
        return sum(n.value for n in self.cash.values())

    def pay(self, amount: int, to: Point, salt: int | None = None) -> Proven:
        """A proof paying `amount` to `to` from one or two of our notes not reserved by another proof (the
        smallest one that covers it, else the two largest), the rest back to us; its notes are reserved until
        the chain spends them or `release` frees them. `salt`: the payment note's (an offer's price note)."""
        spend = self._covering(amount)
        proven = self.prover.transfer(self.key, spend, self.ledger.leaves(), amount, to, self.viewing_key, salt=salt)
        self.reserved |= {n.commitment for n in spend}
        return proven

    def release(self, proven: Proven) -> None:
        """Free the notes the payment `proven` would have spent: it was never sent, or the chain refused it."""
        nullifiers = proven.signals[17:19]  # cash_transfer's public nullifiers (chain/zk/ledger.py)
        self.reserved -= {self._held[n] for n in nullifiers if n in self._held}

    def pay_offer(self, offer: Offer) -> Proven:
        """The bank's side of a discount's delivery versus payment: exactly the cash note the request awaits.
        OfferExpired once the bill matured (the price was the request day's; the contract cannot tell)."""
        if self.ledger.today() >= offer.maturity_day:
            raise OfferExpired(f"discount {offer.id}: the bill matured on day {offer.maturity_day}")
        return self.pay(offer.price, offer.holder, salt=offer.price_salt)

    def present(self, note: RangeNote, acceptor: Point) -> Proven:
        """A proof presenting our matured `note` for payment, telling `acceptor` how to pay it."""
        return self.prover.present(
            self.key, note, self.ledger.leaves(), acceptor, self.ledger.today(), self.viewing_key
        )

    def pay_due(self, due: Due) -> Proven:
        """The acceptor's payment of a presentment: exactly the cash note of the range's amount the holder awaits."""
        return self.pay(due.amount, due.holder, salt=due.pay_salt)

    def _covering(self, amount: int) -> list[Note]:
        notes = sorted((n for n in self.cash.values() if n.commitment not in self.reserved), key=lambda n: n.value)
        for note in notes:
            if note.value >= amount:
                return [note]
        largest = notes[-2:]
        if sum(n.value for n in largest) < amount:
            free, needed, total = sum(n.value for n in notes), 0, 0
            for note in reversed(notes):  # the largest first: the fewest notes
                if total < amount:
                    total, needed = total + note.value, needed + 1
            needed = needed if total >= amount else 0
            raise NotEnoughCash(amount, self.balance(), sum(n.value for n in largest), free, needed)
        return largest

    def merge(self) -> Proven:
        """A proof paying our two largest notes no other proof holds to ourselves, as one note (a payment
        spends at most two: cash spread over more is merged first). Reserved as `pay` reserves."""
        free = sorted((n for n in self.cash.values() if n.commitment not in self.reserved), key=lambda n: n.value)
        if len(free) < 2:
            raise NotEnoughCash(0, self.balance(), sum(n.value for n in free), 0)
        return self.pay(free[-1].value + free[-2].value, self.key.pk)

    def endorse(self, note: RangeNote, k: int, to: Point) -> Proven:
        """A proof moving the first `k` of `note` to `to`, dated the chain's today."""
        return self.prover.endorse(self.key, note, self.ledger.leaves(), k, to, self.ledger.today(), self.viewing_key)

    def request_discount(self, note: RangeNote, k: int, bank: Point, rate_micros: int, adjust_days: int) -> Proven:
        """A proof asking `bank` to discount the first `k` of `note` today, at the rule's price."""
        return self.prover.discount(
            self.key,
            note,
            self.ledger.leaves(),
            k,
            bank,
            self.ledger.today(),
            rate_micros,
            adjust_days,
            self.viewing_key,
        )

    def cancel_key(self, discount: int) -> int:
        """What revokes our pending request, or rejects an offer to us."""
        pending = self.requests.get(discount) or self.offers.get(discount)
        if pending is None:
            raise KeyError(f"no pending discount {discount} of ours")
        return pending.cancel_key
