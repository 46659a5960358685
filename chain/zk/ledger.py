"""The confidential ledger on chain: deployment and a typed client of contracts/confidential/ConfidentialBills.sol
(confidential cash and range notes in one tree).

Invariants: the contract pins the viewing key and the verification keys' data contracts; a
deployment checks each deployed key's code against the ceremony's verification key
(`vkey.key_hash`) before it pins it; the tree's leaves are read back from the contract's events
alone, so any node's copy of the chain rebuilds the same tree.
"""

from __future__ import annotations

import subprocess
import threading
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from web3 import Web3
from web3.contract import Contract
from web3.types import TxParams

from chain.artifacts import load_artifact
from chain.deploy import PLATFORM_CONTRACTS, deploy_contract
from chain.errors import ErrorDecoder
from chain.tx import Transactor, TxResult
from chain.zk.circuits import Keys
from chain.zk.prover import Point, Proof, Proven
from chain.zk.toolchain import CIRCUITS_DIR, node
from chain.zk.vkey import creation_code, key_hash, read_vkey

CONFIDENTIAL_CONTRACTS = ("ConfidentialBills", "Groth16Verifier", "NoteKeyDirectory")
#: the events that make, spend, lock and free notes, which a reader of the ledger walks in chain order
LEDGER_EVENTS = (
    "ConfidentialMint",
    "ConfidentialIssue",
    "ConfidentialTransfer",
    "ConfidentialRangeMove",
    "ConfidentialDiscountRequested",
    "ConfidentialDiscountSigned",
    "ConfidentialDiscountCancelled",
    "ConfidentialPresented",
    "ConfidentialPaid",
)
#: each circuit's verification key, in the order the contract's Keys struct takes them
KEYED_CIRCUITS = ("cash_mint", "cash_transfer", "bill_issue", "range_transfer", "discount", "range_present")


class LedgerEvent(NamedTuple):
    block: int
    log_index: int
    name: str
    args: Any


@dataclass(frozen=True)
class CodeDeployment:
    """A contract creation from raw code (a verification key's data contract, circomlibjs's Poseidon)."""

    code: bytes

    def build_transaction(self, params: TxParams) -> TxParams:
        return {**params, "data": self.code}  # type: ignore[typeddict-item]


def decoder() -> ErrorDecoder:
    return ErrorDecoder([load_artifact(n).abi for n in (*PLATFORM_CONTRACTS, *CONFIDENTIAL_CONTRACTS)])


def poseidon_code() -> bytes:
    """circomlibjs's Poseidon(2) contract (GPL-3.0 generator, docs/PRIVACY.md §9), made on the spot."""
    out = subprocess.run(
        [node(), str(CIRCUITS_DIR / "js" / "poseidon_code.mjs")], capture_output=True, text=True, check=True
    )
    return bytes.fromhex(out.stdout.strip().removeprefix("0x"))


def _create(tx: Transactor, deployer: LocalAccount, code: bytes) -> str:
    result = tx.send(deployer, CodeDeployment(code))  # type: ignore[arg-type]
    address = result.receipt["contractAddress"]
    assert address is not None
    return str(address)


def _transfer_fields(proven: Proven, changes: dict[str, Any]) -> tuple[Any, ...]:
    """A cash_transfer proof's public signals as the contract's Transfer struct, with `changes` applied."""
    s = proven.signals
    fields: dict[str, Any] = {
        "root": s[16],
        "nullifiers": s[17:19],
        "commitments": s[19:21],
        "nonce": s[21],
        "ecdhPk": s[0:2],
        "cipherReceiver": s[2:6],
        "cipherRegulator": s[6:16],
    }
    return tuple((fields | changes).values())


@dataclass
class _Tree:
    """The note tree's leaves as read so far, up to `block` (whose hash was `hash`)."""

    block: int = -1
    hash: str | None = None
    leaves: list[int] = field(default_factory=list)
    requested: dict[int, list[int]] = field(default_factory=dict)  # discount id -> its two range outputs


class ConfidentialLedger:
    def __init__(self, contract: Contract, tx: Transactor) -> None:
        self.contract = contract
        self.tx = tx
        self._tree = _Tree()
        self._tree_lock = threading.Lock()  # wallets prove on several threads at once
        #: the members' note keys: a contract of its own, which the ledger created (public, as the registry)
        self.directory = tx.backend.w3.eth.contract(
            address=contract.functions.noteKeyDirectory().call(), abi=load_artifact("NoteKeyDirectory").abi
        )

    @property
    def viewing_key(self) -> Point:
        x, y = self.contract.functions.viewingKey().call()
        return (int(x), int(y))

    def mint_limit_of(self, bank: str) -> tuple[int, int]:
        """The bank's confidential mint limit and what it minted, in fen."""
        limit, minted = self.contract.functions.mintLimitOf(Web3.to_checksum_address(bank)).call()
        return int(limit), int(minted)

    def set_mint_limit(self, regulator: LocalAccount, bank: str, limit: int) -> TxResult:
        return self.tx.send(regulator, self.contract.functions.setMintLimit(bank, limit))

    def mint(self, bank: LocalAccount, proven: Proven, *, value: int | None = None) -> TxResult:
        s = proven.signals
        note = (s[10] if value is None else value, s[11], s[12], s[0:2], s[2:6], s[6:10])
        return self.tx.send(bank, self.contract.functions.mint(note, proven.proof.for_contract()))

    def transfer(self, submitter: LocalAccount, proven: Proven, proof: Proof | None = None, **changes: Any) -> TxResult:
        """Submit a transfer; `proof` and `changes` (named fields of its public part) replace the proven
        ones, for the tests that attack the contract."""
        call = self.contract.functions.transfer(
            _transfer_fields(proven, changes), (proof or proven.proof).for_contract()
        )
        return self.tx.send(submitter, call)

    def register_note_key(self, member: LocalAccount, key: Point) -> TxResult:
        """Register `member`'s note key in the directory (sent by the member itself: no one else can)."""
        return self.tx.send(member, self.directory.functions.registerNoteKey(list(key)))

    def note_key_of(self, member: str) -> Point | None:
        """The note key `member` registered last, or None."""
        x, y = self.directory.functions.noteKeyOf(Web3.to_checksum_address(member)).call()
        return (int(x), int(y)) if (x, y) != (0, 0) else None

    def note_keys_of(self, member: str) -> list[Point]:
        """Every note key `member` registered, oldest first (its notes may be owned by any of them)."""
        logs = self.directory.events.NoteKeyRegistered().get_logs(
            from_block=0, argument_filters={"member": Web3.to_checksum_address(member)}
        )
        keys: list[Point] = []
        for log in logs:
            key = (int(log["args"]["key"][0]), int(log["args"]["key"][1]))
            if key not in keys:
                keys.append(key)
        return keys

    def today(self) -> int:
        return int(self.contract.functions.today().call())

    def discount_price(self, amount: int, rate_micros: int, days: int) -> int:
        """DOMAIN.md's price, from the contract (the rule's one copy; the discount circuit proves the same)."""
        return int(self.contract.functions.discountPrice(amount, rate_micros, days).call())

    def issue(self, acceptor: LocalAccount, proven: Proven, **changes: Any) -> TxResult:
        s = proven.signals
        fields = {"commitment": s[10], "day": s[11], "nonce": s[13]}  # s[12], the acceptor: the contract's own
        fields |= {"ecdhPk": s[0:2], "cipherPayee": s[2:6], "cipherRegulator": s[6:10]} | changes
        return self.tx.send(
            acceptor, self.contract.functions.issue(tuple(fields.values()), proven.proof.for_contract())
        )

    def endorse(self, submitter: LocalAccount, proven: Proven, **changes: Any) -> TxResult:
        s = proven.signals
        fields = {"root": s[16], "nullifier": s[17], "commitments": s[18:20], "day": s[20], "nonce": s[21]}
        fields |= {"ecdhPk": s[0:2], "cipherReceiver": s[2:6], "cipherRegulator": s[6:16]} | changes
        return self.tx.send(
            submitter, self.contract.functions.endorse(tuple(fields.values()), proven.proof.for_contract())
        )

    def request_discount(self, submitter: LocalAccount, proven: Proven, **changes: Any) -> tuple[int, TxResult]:
        """Submit a discount request; returns its id."""
        s = proven.signals
        fields = {"root": s[17], "nullifier": s[18], "commitments": s[19:21], "day": s[21], "cashCommitment": s[22]}
        fields |= {"nonce": s[23], "ecdhPk": s[0:2], "cipherBank": s[2:6], "cipherRegulator": s[6:16]}
        fields |= {"cancelTag": s[16]} | changes
        call = self.contract.functions.requestDiscount(tuple(fields.values()), proven.proof.for_contract())
        result = self.tx.send(submitter, call)
        (event,) = self.contract.events.ConfidentialDiscountRequested().process_receipt(result.receipt)
        return int(event["args"]["id"]), result

    def sign_discount(self, submitter: LocalAccount, discount: int, payment: Proven, **changes: Any) -> TxResult:
        call = self.contract.functions.signDiscount(
            discount, _transfer_fields(payment, changes), payment.proof.for_contract()
        )
        return self.tx.send(submitter, call)

    def cancel_discount(self, submitter: LocalAccount, discount: int, cancel_key: int) -> TxResult:
        """End a pending discount unpaid (the holder's revoke or the bank's reject): its range note is free."""
        return self.tx.send(submitter, self.contract.functions.cancelDiscount(discount, cancel_key))

    def events(self, from_block: int = 0, to_block: int | None = None) -> list[LedgerEvent]:
        """LEDGER_EVENTS from `from_block` to `to_block` (the head when the call starts: one block range for every
        kind, so no event of a block mined between two kinds' queries is half read), in chain order."""
        if to_block is None:
            to_block = self.tx.backend.block_number()
        found = []
        for name in LEDGER_EVENTS:
            event = getattr(self.contract.events, name)()
            for log in event.get_logs(from_block=from_block, to_block=to_block):
                found.append(LedgerEvent(int(log["blockNumber"]), int(log["logIndex"]), name, log["args"]))
        return sorted(found, key=lambda e: (e.block, e.log_index))

    def present(self, submitter: LocalAccount, proven: Proven, **changes: Any) -> tuple[int, TxResult]:
        """Submit a presentment; returns its id."""
        s = proven.signals
        fields = {"root": s[13], "nullifier": s[14], "day": s[15], "cashCommitment": s[16], "nonce": s[17]}
        fields |= {"ecdhPk": s[0:2], "cipherAcceptor": s[2:6], "cipherRegulator": s[6:13]} | changes
        call = self.contract.functions.present(tuple(fields.values()), proven.proof.for_contract())
        result = self.tx.send(submitter, call)
        (event,) = self.contract.events.ConfidentialPresented().process_receipt(result.receipt)
        return int(event["args"]["id"]), result

    def pay(self, submitter: LocalAccount, presentment: int, payment: Proven, **changes: Any) -> TxResult:
        """Pay a presented range: `payment` must make exactly the cash note the presentment awaits."""
        call = self.contract.functions.pay(
            presentment, _transfer_fields(payment, changes), payment.proof.for_contract()
        )
        return self.tx.send(submitter, call)

    def leaves(self) -> list[int]:
        """Every leaf of the tree, in order, from the contract's events alone: read from block 0 once, then from
        the block after the last one read (again from block 0 when that block is no longer the chain's: the
        chain went back, or onto another branch)."""
        backend = self.tx.backend
        with self._tree_lock:
            while True:
                tree = self._tree
                head = backend.block_number()
                head_hash = backend.block_hash(head)
                if tree.block >= 0 and (head < tree.block or backend.block_hash(tree.block) != tree.hash):
                    tree = self._tree = _Tree()
                if head == tree.block:
                    return list(tree.leaves)
                self._grow(tree, tree.block + 1, head)
                if backend.block_hash(head) == head_hash:  # the logs read are that block's chain's
                    tree.block, tree.hash = head, head_hash
                    return list(tree.leaves)
                self._tree = _Tree()  # the chain moved to another branch while its logs were read: again

    def _grow(self, tree: _Tree, first: int, last: int) -> None:
        """Append the leaves the events of blocks `first`..`last` made."""
        found: list[tuple[int, list[int]]] = []
        events = self.contract.events
        window = {"from_block": first, "to_block": last}
        for log in events.ConfidentialMint().get_logs(**window):
            found.append((int(log["args"]["index"]), [int(log["args"]["note"]["commitment"]), 0]))
        for log in events.ConfidentialIssue().get_logs(**window):
            found.append((int(log["args"]["index"]), [int(log["args"]["note"]["commitment"]), 0]))
        for log in events.ConfidentialTransfer().get_logs(**window):
            found.append((int(log["args"]["index"]), [int(c) for c in log["args"]["transfer"]["commitments"]]))
        for log in events.ConfidentialRangeMove().get_logs(**window):
            found.append((int(log["args"]["index"]), [int(c) for c in log["args"]["move"]["commitments"]]))
        for log in events.ConfidentialDiscountRequested().get_logs(**window):
            tree.requested[int(log["args"]["id"])] = [int(c) for c in log["args"]["request"]["commitments"]]
        for log in events.ConfidentialDiscountSigned().get_logs(**window):
            args = log["args"]
            found.append((int(args["cashIndex"]), [int(c) for c in args["payment"]["commitments"]]))
            found.append((int(args["rangeIndex"]), tree.requested[int(args["id"])]))
        for log in events.ConfidentialPaid().get_logs(**window):
            args = log["args"]
            found.append((int(args["cashIndex"]), [int(c) for c in args["payment"]["commitments"]]))
        for index, pair in sorted(found):
            assert index == len(tree.leaves), "the tree's events are not contiguous"
            tree.leaves += pair

    def keys_unlike(self, keys: Keys) -> list[str]:
        """The circuits whose verification key on chain is not the one in `keys` (a client checks the keys
        it proves with against the contract, which pinned the ceremony's): empty when all match."""
        _, on_chain = self.contract.functions.verifyingKeys().call()
        w3 = self.tx.backend.w3
        return [
            name
            for name, address in zip(KEYED_CIRCUITS, on_chain, strict=True)
            if "0x" + keccak(bytes(w3.eth.get_code(address))).hex() != key_hash(read_vkey(keys.vkey(name)))
        ]

    def is_locked(self, nullifier: int) -> bool:
        return bool(self.contract.functions.isLocked(nullifier).call())

    def is_spent(self, nullifier: int) -> bool:
        return bool(self.contract.functions.isSpent(nullifier).call())

    def root(self) -> int:
        return int(self.contract.functions.root().call())


def attach_confidential(tx: Transactor, address: str) -> ConfidentialLedger:
    """The ledger deployed at `address`, sending through `tx`."""
    abi = load_artifact("ConfidentialBills").abi
    return ConfidentialLedger(tx.backend.w3.eth.contract(address=Web3.to_checksum_address(address), abi=abi), tx)


def deploy_confidential(
    tx: Transactor, deployer: LocalAccount, registry: str, keys: Keys, viewing_key: Point
) -> ConfidentialLedger:
    """Deploy the hasher, the verifier, each circuit's key and the ledger pinning them."""
    hasher = _create(tx, deployer, poseidon_code())
    verifier, _ = deploy_contract(tx, deployer, "Groth16Verifier")
    key_addresses = []
    for name in KEYED_CIRCUITS:
        vkey = read_vkey(keys.vkey(name))
        address = _create(tx, deployer, creation_code(vkey))
        code = tx.backend.w3.eth.get_code(Web3.to_checksum_address(address))
        if "0x" + keccak(bytes(code)).hex() != key_hash(vkey):
            raise RuntimeError(f"the chain holds another key than {name}'s at {address}")
        key_addresses.append(address)
    address, _ = deploy_contract(
        tx, deployer, "ConfidentialBills", registry, hasher, verifier, tuple(key_addresses), list(viewing_key)
    )
    return attach_confidential(tx, address)
