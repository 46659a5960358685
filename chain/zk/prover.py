"""Proofs and notes, made by circuits/js/cli.mjs (circomlibjs and snarkjs) from Python.

Invariants: secrets (a member's note key, an opening) reach the JavaScript side on its stdin only;
every proof is made against the keys of one ceremony (`Keys`), whose verification keys the contract
pins; a note's owner keeps the note's opening (value, salt): the chain holds only its commitment.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from chain.zk.circuits import Keys
from chain.zk.toolchain import CIRCUITS_DIR, NATIVE_PROVER, ToolError, node

CLI = CIRCUITS_DIR / "js" / "cli.mjs"

Point = tuple[int, int]

#: the order of BabyJubJub's prime subgroup (circomlib's babyjub.circom): a note key is below it
SUBGROUP_ORDER = 2736030358979909402780800718157159386076813972158567259200215660948447373041

#: a packed range's width (circuits/lib/range.circom packRange); a discount's terms ride above it
PACKED_RANGE_BITS = 192


def unpack_range(packed: int) -> tuple[int, int, int, int]:
    """(billId, maturityDay, start, end) from the circuits' packRange (terms above PACKED_RANGE_BITS dropped)."""
    packed %= 2**PACKED_RANGE_BITS
    return packed >> 128, (packed >> 96) % 2**32, (packed >> 48) % 2**48, packed % 2**48


def unpack_terms(packed: int) -> tuple[int, int]:
    """A discount's (rate in millionths, adjust days), packed above its range as rate * 4 + adjust days."""
    terms = packed >> PACKED_RANGE_BITS
    return terms // 4, terms % 4


@dataclass(frozen=True)
class NoteKey:
    """A member's BabyJubJub key for notes: `sk` spends them, `pk` is what notes and senders name."""

    sk: int
    pk: Point


@dataclass(frozen=True)
class Note:
    value: int
    owner: Point
    salt: int
    commitment: int
    index: int | None = None  # its leaf in the tree, once mined

    def at(self, index: int) -> Note:
        return Note(self.value, self.owner, self.salt, self.commitment, index)


@dataclass(frozen=True)
class RangeNote:
    """A holder's part start..end of a bill (an empty range when end < start: a whole move's remainder)."""

    bill_id: int
    maturity_day: int
    start: int
    end: int
    owner: Point
    salt: int
    commitment: int
    index: int | None = None

    def at(self, index: int) -> RangeNote:
        return RangeNote(
            self.bill_id, self.maturity_day, self.start, self.end, self.owner, self.salt, self.commitment, index
        )


@dataclass(frozen=True)
class Proof:
    a: tuple[int, int]
    b: tuple[tuple[int, int], tuple[int, int]]
    c: tuple[int, int]

    def for_contract(self) -> tuple[Any, ...]:
        return (list(self.a), [list(self.b[0]), list(self.b[1])], list(self.c))


@dataclass(frozen=True)
class Proven:
    """A proof, its public signals (in the circuit's order) and the notes it makes."""

    proof: Proof
    signals: list[int]
    notes: list[Note]
    ranges: tuple[RangeNote, ...] = ()
    cancel_key: int | None = None  # a discount's: what cancels its pending request (the holder's copy)


#: integers from 2^53 on go to JavaScript as decimal strings: its JSON numbers are doubles, which would round
#: a field element silently (a key, a salt)
_SAFE_INTEGER = 2**53


def _for_js(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _SAFE_INTEGER:
        return str(value)
    if isinstance(value, dict):
        return {k: _for_js(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_for_js(v) for v in value]
    return value


def _given(**optional: int | None) -> dict[str, int]:
    """The optional fields of a request that were given (a JavaScript default stands for the others)."""
    return {name: value for name, value in optional.items() if value is not None}


def _ints(values: list[Any]) -> list[int]:
    return [int(v) for v in values]


def _note(raw: dict[str, Any]) -> Note:
    return Note(
        int(raw["value"]), (int(raw["owner"][0]), int(raw["owner"][1])), int(raw["salt"]), int(raw["commitment"])
    )


def _range(raw: dict[str, Any]) -> RangeNote:
    return RangeNote(
        int(raw["billId"]),
        int(raw["maturityDay"]),
        int(raw["start"]),
        int(raw["end"]),
        (int(raw["owner"][0]), int(raw["owner"][1])),
        int(raw["salt"]),
        int(raw["commitment"]),
    )


def _proven(answer: dict[str, Any], notes: list[Note], ranges: tuple[RangeNote, ...] = ()) -> Proven:
    raw = answer["proof"]
    proof = Proof(
        a=(int(raw["a"][0]), int(raw["a"][1])),
        b=((int(raw["b"][0][0]), int(raw["b"][0][1])), (int(raw["b"][1][0]), int(raw["b"][1][1]))),
        c=(int(raw["c"][0]), int(raw["c"][1])),
    )
    return Proven(proof, _ints(answer["publicSignals"]), notes, ranges)


#: how long a request may go unanswered: a proof takes seconds (BENCHMARKS.md); minutes mean a hung prover
ANSWER_TIMEOUT_S = 120.0


def native_prover() -> Path | None:
    """The native prover (prover/) when `make setup` built it; None when it did not, and snarkjs proves."""
    return NATIVE_PROVER if NATIVE_PROVER.is_file() else None


def _cpu_seconds(pid: int) -> float:
    """A live process's user and system time, all its threads (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Prover:
    """One Node process serving requests a line at a time (circuits/js/cli.mjs --serve), started on the
    first request: the curve, the hash tables and the prover's threads are made once, not per proof.
    Thread-safe (one request at a time); `close` ends the process. A request unanswered after `timeout_s`
    (a hung prover) ends the process and its children, and the next request starts them again.

    With `native` (the native prover's program, `native_prover()`), Node computes each witness with the
    circuit's wasm and that program proves it, with the same keys and the same proofs' shape; without,
    snarkjs proves. Either way the witness never leaves the two processes' pipes."""

    def __init__(self, keys: Keys, native: Path | None = None, timeout_s: float = ANSWER_TIMEOUT_S) -> None:
        self.keys = keys
        self.native = native
        self.timeout_s = timeout_s
        self._process: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()

    def _call(self, request: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            process = self._started()
            assert process.stdin is not None and process.stdout is not None
            process.stdin.write(json.dumps(_for_js(request)) + "\n")
            process.stdin.flush()
            answered, _, _ = select.select([process.stdout], [], [], self.timeout_s)
            if not answered:
                self._end_all()
                raise ToolError(f"{request['command']}: no answer in {self.timeout_s:g} s (the prover was ended)")
            line = process.stdout.readline()
        if not line:
            self.close()
            raise ToolError(f"{request['command']}: the prover process ended")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise ToolError(f"{request['command']}: {answer['error']}")
        ok: dict[str, Any] = answer["ok"]
        return ok

    def _started(self) -> subprocess.Popen[str]:
        if self._process is None or self._process.poll() is not None:
            env = {k: v for k, v in os.environ.items() if k != "BILLCHAIN_NATIVE_PROVER"}
            if self.native is not None:
                env["BILLCHAIN_NATIVE_PROVER"] = str(self.native)
            self._process = subprocess.Popen(
                [node(), str(CLI), "--serve"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                env=env,
                start_new_session=True,  # its own process group: a hung native prover ends with it
            )
        return self._process

    def cpu_seconds(self) -> float:
        """The prover's CPU time so far, all threads of the Node process and of the native prover it runs
        (0 before it starts)."""
        if self._process is None:
            return 0.0
        pid = self._process.pid
        children = [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        return sum(_cpu_seconds(p) for p in [pid, *children])

    def _end_all(self) -> None:
        """Kill the Node process and every child of it (the native prover), now."""
        process, self._process = self._process, None
        if process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            assert process.stdin is not None
            process.stdin.close()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def __enter__(self) -> Prover:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _circuit(self, name: str) -> dict[str, str]:
        return {
            "wasm": str(self.keys.wasm(name)),
            "zkey": str(self.keys.zkey(name)),
            "zkeySha256": self.keys.zkey_sha256(name),
        }

    def keypair(self) -> NoteKey:
        answer = self._call({"command": "keypair"})
        return NoteKey(int(answer["sk"]), (int(answer["pk"][0]), int(answer["pk"][1])))

    def note_key(self, sk: int) -> NoteKey:
        """The note key of secret `sk` (1 <= sk < SUBGROUP_ORDER), its public half computed."""
        pk = self._call({"command": "public_key", "sk": sk})["pk"]
        return NoteKey(sk, (int(pk[0]), int(pk[1])))

    def commit(self, value: int, owner: Point, salt: int) -> int:
        """A cash note's commitment (no proof: what anyone who knows an opening can compute)."""
        request = {"command": "commit", "value": value, "owner": list(owner), "salt": salt}
        return int(self._call(request)["commitment"])

    def range_commit(self, bill_id: int, maturity_day: int, start: int, end: int, owner: Point, salt: int) -> int:
        """A range note's commitment, from its opening."""
        request = {"command": "range_commit", "billId": bill_id, "maturityDay": maturity_day, "start": start}
        request |= {"end": end, "owner": list(owner), "salt": salt}
        return int(self._call(request)["commitment"])

    def points_at(self, x: int) -> list[Point]:
        """The BabyJubJub points whose x is `x` (a ciphertext may name a member by its key's x alone)."""
        return [(int(p[0]), int(p[1])) for p in self._call({"command": "points_at", "x": x})["points"]]

    def ecdh(self, sk: int, pk: Point) -> Point:
        """The BabyJubJub point `sk` shares with `pk` (a discount's bank hashes the one it shares with the
        request's ephemeral key into the key that cancels the request)."""
        point = self._call({"command": "ecdh", "sk": sk, "pk": list(pk)})["point"]
        return int(point[0]), int(point[1])

    def hash(self, values: list[int]) -> int:
        """circomlib's Poseidon of `values` (1 to 16 field elements), as the circuits compute it."""
        return int(self._call({"command": "hash", "values": values})["hash"])

    def nullifier(self, note: Note, sk: int) -> int:
        return int(self._call({"command": "nullifier", "commitment": note.commitment, "sk": sk})["nullifier"])

    def recall_key(self, sk: int, nullifier: int, nonce: int) -> int:
        """The ephemeral key of `sk`'s proof that spends (first) `nullifier` under encryption `nonce` (both
        public): with it, and the pinned viewing key's public half, the spender reads its own operation back
        from the chain (the regulator's ciphertext), its change and the range it kept included, with nothing
        kept but `sk`."""
        request = {"command": "recall_key", "sk": sk, "nullifier": nullifier, "nonce": nonce}
        return int(self._call(request)["key"])

    def root(self, leaves: list[int]) -> int:
        return int(self._call({"command": "root", "leaves": leaves})["root"])

    def mint(self, value: int, owner: Point, viewing_key: Point, salt: int | None = None) -> Proven:
        """A mint of `value` to `owner`; `salt`: a given one (a test's copy of another note), else a fresh one."""
        request = {
            "command": "mint",
            "value": value,
            "ownerPk": list(owner),
            "regulatorPk": list(viewing_key),
            "circuit": self._circuit("cash_mint"),
        }
        answer = self._call(request | _given(salt=salt))
        return _proven(answer, [_note(answer["note"])])

    def transfer(
        self,
        key: NoteKey,
        spend: list[Note],
        leaves: list[int],
        amount: int,
        receiver: Point,
        viewing_key: Point,
        change: int | None = None,
        salt: int | None = None,
    ) -> Proven:
        """Spend one or two of `key`'s notes (each with its `index`), paying `amount` to `receiver`, the
        rest back to `key` (or `change`, which a proof can only make if it conserves value). `salt`: the
        payment note's, when it must be a given note (a discount's price, for delivery versus payment)."""
        request: dict[str, Any] = {
            "command": "transfer",
            "sk": key.sk,
            "inputs": [{"value": n.value, "salt": n.salt, "index": n.index} for n in spend],
            "leaves": leaves,
            "amount": amount,
            "receiverPk": list(receiver),
            "regulatorPk": list(viewing_key),
            "circuit": self._circuit("cash_transfer"),
        }
        answer = self._call(request | _given(change=change, salt=salt))
        return _proven(answer, [_note(n) for n in answer["notes"]])

    def issue(
        self,
        acceptor: int,
        serial: int,
        maturity_day: int,
        amount: int,
        payee: Point,
        today: int,
        viewing_key: Point,
        bill_id: int | None = None,
    ) -> Proven:
        """A bill's first range note, issued by the BANK whose member code is `acceptor`: its id is
        acceptor * 2^32 + serial (`bill_id`: another id, which no proof can be made for)."""
        request: dict[str, Any] = {
            "command": "issue",
            "acceptor": acceptor,
            "serial": serial,
            "maturityDay": maturity_day,
            "amount": amount,
            "payeePk": list(payee),
            "today": today,
            "regulatorPk": list(viewing_key),
            "circuit": self._circuit("bill_issue"),
        }
        if bill_id is not None:
            request["billId"] = bill_id
        answer = self._call(request)
        return _proven(answer, [], tuple(_range(r) for r in answer["notes"]))

    def _range_request(self, key: NoteKey, note: RangeNote, leaves: list[int], today: int) -> dict[str, Any]:
        return {
            "sk": key.sk,
            "note": {
                "billId": note.bill_id,
                "maturityDay": note.maturity_day,
                "start": note.start,
                "end": note.end,
                "salt": note.salt,
                "index": note.index,
            },
            "leaves": leaves,
            "today": today,
        }

    def endorse(
        self, key: NoteKey, note: RangeNote, leaves: list[int], k: int, receiver: Point, today: int, viewing_key: Point
    ) -> Proven:
        """Move k of `note` (its first k) to `receiver`; the rest stays `key`'s."""
        request = self._range_request(key, note, leaves, today)
        request |= {
            "command": "range_transfer",
            "k": k,
            "receiverPk": list(receiver),
            "regulatorPk": list(viewing_key),
            "circuit": self._circuit("range_transfer"),
        }
        answer = self._call(request)
        return _proven(answer, [], tuple(_range(r) for r in answer["notes"]))

    def discount(
        self,
        key: NoteKey,
        note: RangeNote,
        leaves: list[int],
        k: int,
        bank: Point,
        today: int,
        rate_micros: int,
        adjust_days: int,
        viewing_key: Point,
        price: int | None = None,
    ) -> Proven:
        """Ask `bank` to discount k of `note`; the proof fixes the price and the cash note the bank must pay
        (`notes[0]`). `price`: another price than the rule's, which no proof can be made for."""
        request = self._range_request(key, note, leaves, today)
        request |= {
            "command": "discount",
            "k": k,
            "bankPk": list(bank),
            "rateMicro": rate_micros,
            "adjustDays": adjust_days,
            "regulatorPk": list(viewing_key),
            "circuit": self._circuit("discount"),
        }
        answer = self._call(request | _given(price=price))
        proven = _proven(answer, [_note(answer["cash"])], tuple(_range(r) for r in answer["notes"]))
        return replace(proven, cancel_key=int(answer["cancelKey"]))

    def present(
        self, key: NoteKey, note: RangeNote, leaves: list[int], acceptor: Point, today: int, viewing_key: Point
    ) -> Proven:
        """Present `note` (matured) for payment; the proof fixes the cash note of its amount the holder awaits
        (`notes[0]`) and tells `acceptor` how to pay it."""
        request = self._range_request(key, note, leaves, today)
        request |= {
            "command": "present",
            "acceptorPk": list(acceptor),
            "regulatorPk": list(viewing_key),
            "circuit": self._circuit("range_present"),
        }
        answer = self._call(request)
        return _proven(answer, [_note(answer["cash"])])

    def decrypt(self, sk: int, ecdh_pk: Point, cipher: list[int], nonce: int, length: int) -> list[int]:
        """A ciphertext's plain text, with the receiver's (or the viewing) key; ToolError if it is not
        for that key (its authentication tag does not match)."""
        answer = self._call(
            {
                "command": "decrypt",
                "sk": sk,
                "ecdhPk": list(ecdh_pk),
                "cipher": cipher,
                "nonce": nonce,
                "length": length,
            }
        )
        return _ints(answer["plain"])
