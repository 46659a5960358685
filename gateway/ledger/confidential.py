"""A confidential platform's cash as a gateway serves it (`billchain serve --confidential`, docs/PRIVACY.md §3.12):
hosted participants' notes, proven by the gateway, read from the chain with their note keys.

The gateway deploys the confidential ledger beside the platform on a new data dir (or attaches to the one its
address book names), with the ceremony's keys (the dev keys, chain/zk/circuits.py) checked against those the
contract pinned. Each hosted participant's wallet (chain/zk/wallet.py) is read from the chain when it is used,
so a restart, or a data dir restored without any note, gives the same balances.

Invariants: a hosted participant's note key is derived from its hosted signing key (HKDF-SHA256), so it lives
where that key lives, encrypted in the keystore, and nowhere else; the viewing key likewise from the keystore's
`viewing` key (a dev platform's: served on dev chains only, until a production network's ceremony and its
regulators' key can be configured); a participant whose key this gateway does not hold has no note key here
(self-custody would prove in its own client: not built) and is refused; a wallet's lock is held while it is read
and while a proof picks its notes, never while a transaction waits for its block (writes run as greenlets on
the event loop: a thread lock held across that wait would stop the loop), and the notes a proof picked stay
reserved so a second payment of the same payer picks others; proven transfers are sent by the gateway's relayer,
not by the payer's account, so a transfer's sender names no party; notes are made only for the key the chain's
directory names for their receiver (contracts/confidential/NoteKeyDirectory.sol), which only the receiver
itself registers, so a self-custody participant receives to the key its own client holds, and this gateway
reads it only as a regulator would.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from eth_account.signers.local import LocalAccount

from chain.keys import Keystore, write_private
from chain.tx import Transactor, TxResult
from chain.zk.circuits import Keys, ensure_dev_keys
from chain.zk.ledger import ConfidentialLedger, attach_confidential, decoder, deploy_confidential
from chain.zk.prover import SUBGROUP_ORDER, NoteKey, Point, Proven, Prover, native_prover
from chain.zk.regulator import RegulatorIndex
from chain.zk.wallet import Wallet
from gateway.core.settings import Settings

#: the keystore's key the dev platform's viewing key is derived from
VIEWING_KEY = "viewing"
#: HKDF's `info` for a note key derived from a signing key: a key of one use is never another's
NOTE_KEY_INFO = b"billchain note key v1"
VIEWING_KEY_INFO = b"billchain viewing key v1"
#: the address book of the confidential ledger, beside the data dir's others
BOOK = "confidential.json"


class PlatformModeRefused(ValueError):
    """The data dir, the chain or the flags do not fit the platform asked for: the gateway does not start."""


def check_mode(settings: Settings) -> None:
    """A data dir serves one kind of platform for good: a transparent one is never converted (its cash would
    be left behind), nor a confidential one served as transparent; and the flags a confidential platform does
    not serve are refused."""
    book = settings.data_dir / BOOK
    if settings.confidential:
        if settings.bundle_writes or settings.contracts is not None:
            raise PlatformModeRefused(
                "a confidential platform is served by the gateway that deployed it, each write proven on its own: "
                "--bundle-writes and --contracts are not served with --confidential (docs/PRIVACY.md §8)"
            )
        if not book.exists() and any((settings.data_dir / "chains").glob("*.json")):
            raise PlatformModeRefused(
                f"{settings.data_dir} holds a transparent platform: it is never converted; serve --confidential on "
                "a new data dir"
            )
        if not book.exists():  # a new data dir: confidential from its first transaction, even one cut short
            write_private(book, "{}\n")
    elif book.exists():
        raise PlatformModeRefused(f"{settings.data_dir} holds a confidential platform: serve it with --confidential")


class ConfidentialRefused(Exception):
    """What a confidential platform does not serve (yet): the reason is the client's answer."""


def note_secret(account: LocalAccount, info: bytes = NOTE_KEY_INFO) -> int:
    """A BabyJubJub secret derived from `account`'s signing key for the use `info` names: below the subgroup's
    order, never 0 (384 bits reduced: a bias below 2^-130)."""
    derived = HKDF(algorithm=hashes.SHA256(), length=48, salt=None, info=info).derive(bytes(account.key))
    return int.from_bytes(derived, "big") % (SUBGROUP_ORDER - 1) + 1


class ConfidentialPlatform:
    def __init__(self, ledger: ConfidentialLedger, prover: Prover, keystore: Keystore, viewing: NoteKey) -> None:
        self.ledger, self.prover, self.keystore, self.viewing = ledger, prover, keystore, viewing
        self._wallets: dict[str, Wallet] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._regulator = RegulatorIndex(ledger, prover, viewing)  # read on a regulator's first balance read
        self._regulator_lock = threading.Lock()

    def note_key(self, participant_id: str, self_custody: bool) -> NoteKey:
        """A hosted participant's note key (secret and public halves), derived from its signing key."""
        if not self.hosts(participant_id, self_custody):
            raise ConfidentialRefused(
                f"this gateway does not hold {participant_id}'s key: on a confidential platform it would prove in its "
                "own client, which is not built (docs/PRIVACY.md §8); only participants whose key this gateway holds "
                "are served"
            )
        return self.prover.note_key(note_secret(self.keystore.load(participant_id)))

    def hosts(self, participant_id: str, self_custody: bool) -> bool:
        """Whether this gateway holds `participant_id`'s key, so proves and reads its notes."""
        return not self_custody and self.keystore.exists(participant_id)

    def receiver_key(self, participant_id: str, address: str) -> Point:
        """The key notes to `participant_id` are made for: the one the chain's directory names for `address`
        (ConfidentialRefused when none: it registers its own first; a hosted participant's gateway registers it
        when it joins, or at the gateway's start, never while a payment waits, which would tell a node who is
        about to receive)."""
        registered = self.ledger.note_key_of(address)
        if registered is None:
            raise ConfidentialRefused(
                f"{participant_id} has registered no note key on the confidential ledger: it receives no notes until "
                "it registers one (a self-custody participant from its own client: registerNoteKey, sent with its "
                "own key; a hosted one's gateway registers it when it joins or starts)"
            )
        return registered

    def owner_keys(self, participant_id: str, address: str, self_custody: bool) -> set[Point]:
        """The keys `participant_id`'s notes may be owned by: every one it registered (a key is one member's for
        good), and its own when hosted here."""
        keys = set(self.ledger.note_keys_of(address))
        if self.hosts(participant_id, self_custody):
            keys.add(self.note_key(participant_id, self_custody).pk)
        return keys

    @contextmanager
    def wallet(self, participant_id: str, self_custody: bool = False) -> Iterator[Wallet]:
        """The participant's wallet, read up to the chain's head, for one use at a time (never held across a
        transaction's wait for its block)."""
        with self._guard:
            lock = self._locks.setdefault(participant_id, threading.Lock())
        with lock:
            wallet = self._wallets.get(participant_id)
            if wallet is None:
                wallet = Wallet(self.ledger, self.prover, self.note_key(participant_id, self_custody))
                self._wallets[participant_id] = wallet
            yield wallet.sync()

    def forget_wallets(self) -> None:
        """Drop every wallet read so far, and the regulator's view (the chain reorganised: each is read again
        from block 0 when used)."""
        with self._guard:
            self._wallets.clear()
            # a new index, not the old one forgotten: a regulator's read may hold the old one's lock for long
            self._regulator = RegulatorIndex(self.ledger, self.prover, self.viewing)

    def balance(self, participant_id: str) -> int:
        with self.wallet(participant_id) as wallet:
            return wallet.balance()

    def regulator_balance(self, participant_id: str, address: str, self_custody: bool) -> int:
        """What the viewing key reads of the participant's cash, from the chain alone (0 without a key)."""
        owners = self.owner_keys(participant_id, address, self_custody)
        with self._guard:
            index = self._regulator
        with self._regulator_lock:  # its events since the last read only
            balances = index.sync().balances()
        return sum(balances.get(owner, 0) for owner in owners)

    def prove_mint(self, to: Point, amount: int) -> Proven:
        """A mint of `amount` to the key `to` (the value and the bank are public: allowance notes are not built)."""
        return self.prover.mint(amount, to, self.ledger.viewing_key)

    def prove_transfer(self, payer: str, to: Point, amount: int) -> Proven:
        """`payer`'s payment of `amount` to the key `to`, proven from notes no other pending payment of its
        holds (NotEnoughCash when they cannot cover it); `send_transfer` sends it."""
        with self.wallet(payer) as wallet:
            return wallet.pay(amount, to)

    def prove_merge(self, payer: str) -> Proven:
        """`payer`'s two largest free notes paid to itself as one (`Wallet.merge`); `send_transfer` sends it."""
        with self.wallet(payer) as wallet:
            return wallet.merge()

    def send_transfer(self, submitter: LocalAccount, payer: str, proven: Proven) -> TxResult:
        """Send `payer`'s proven payment; its notes are freed again if the chain refuses it."""
        try:
            return self.ledger.transfer(submitter, proven)
        except BaseException:
            with self.wallet(payer) as wallet:
                wallet.release(proven)
            raise

    def close(self) -> None:
        self.prover.close()


def open_confidential(
    tx: Transactor, operator: LocalAccount, registry: str, data_dir: Path, keystore: Keystore, keys: Keys | None = None
) -> ConfidentialPlatform:
    """The confidential ledger of `data_dir`'s platform: deployed by `operator` the first time (its address
    written to the address book; the deployment's transactions outside the outbox, as the platform's are),
    attached to after, sending through `tx`; refused when the contract pinned other keys than `keys`."""
    keys = keys or ensure_dev_keys()
    prover = Prover(keys, native_prover())
    try:
        viewing = prover.note_key(note_secret(keystore.get_or_create(VIEWING_KEY), VIEWING_KEY_INFO))
        deployed = json.loads((data_dir / BOOK).read_text(encoding="utf-8"))  # check_mode wrote it at least
        if "ConfidentialBills" in deployed:
            try:
                ledger = attach_confidential(tx, deployed["ConfidentialBills"])
            except Exception as older:  # a dev platform deployed before the note-key directory
                raise PlatformModeRefused(
                    f"the confidential ledger of {data_dir} predates the note-key directory (a dev platform): "
                    "serve --confidential on a new data dir"
                ) from older
        else:
            new = deploy_confidential(Transactor(tx.backend, decoder()), operator, registry, keys, viewing.pk)
            ledger = attach_confidential(tx, new.contract.address)
            write_private(data_dir / BOOK, json.dumps({"ConfidentialBills": ledger.contract.address}) + "\n")
        unlike = ledger.keys_unlike(keys)
        if unlike:
            raise RuntimeError(f"the confidential ledger pinned other verification keys for {', '.join(unlike)}")
        if ledger.viewing_key != viewing.pk:
            raise RuntimeError("the confidential ledger pinned another viewing key than this data dir's")
    except BaseException:
        prover.close()
        raise
    return ConfidentialPlatform(ledger, prover, keystore, viewing)
