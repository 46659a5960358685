"""A confidential platform's cash as a gateway serves it (`billchain serve --confidential`, docs/PRIVACY.md §3.12):
hosted participants' notes, proven by the gateway, read from the chain with their note keys.

The gateway deploys the confidential ledger beside the platform on a new data dir (or attaches to the one its
address book names), with the ceremony's keys (the dev keys, chain/zk/circuits.py) checked against those the
contract pinned. Each hosted participant's wallet (chain/zk/wallet.py) is read from the chain when it is used,
so a restart, or a data dir restored without any note, gives the same balances.

Invariants: a hosted participant's note key is derived from its hosted signing key (HKDF-SHA256), so it lives
where that key lives, encrypted in the keystore, and nowhere else; the viewing key likewise from the keystore's
`viewing` key (a dev platform's: a production network pins its regulators' key); a self-custody participant has
no note key here (it would prove in its own client: not built) and is refused; each proof is made inside the
write's `send` (off the event loop), and one participant's wallet serves one write at a time; proven
transfers are sent by the gateway's relayer, not by the payer's account, so a transfer's sender names no party.
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
from chain.zk.prover import SUBGROUP_ORDER, NoteKey, Prover, native_prover
from chain.zk.regulator import regulator_view
from chain.zk.wallet import Wallet

#: the keystore's key the dev platform's viewing key is derived from
VIEWING_KEY = "viewing"
#: HKDF's `info` for a note key derived from a signing key: a key of one use is never another's
NOTE_KEY_INFO = b"billchain note key v1"
#: the address book of the confidential ledger, beside the data dir's others
BOOK = "confidential.json"


class ConfidentialRefused(Exception):
    """What a confidential platform does not serve (yet): the reason is the client's answer."""


def note_secret(account: LocalAccount) -> int:
    """The note key's secret derived from `account`'s signing key: below BabyJubJub's subgroup order, never 0."""
    derived = HKDF(algorithm=hashes.SHA256(), length=48, salt=None, info=NOTE_KEY_INFO).derive(bytes(account.key))
    return int.from_bytes(derived, "big") % (SUBGROUP_ORDER - 1) + 1


class ConfidentialPlatform:
    def __init__(self, ledger: ConfidentialLedger, prover: Prover, keystore: Keystore, viewing: NoteKey) -> None:
        self.ledger, self.prover, self.keystore, self.viewing = ledger, prover, keystore, viewing
        self._wallets: dict[str, Wallet] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def note_key(self, participant_id: str, self_custody: bool) -> NoteKey:
        if self_custody:
            raise ConfidentialRefused(
                f"{participant_id} holds its own key: on a confidential platform it would prove in its own client, "
                "which is not built (docs/PRIVACY.md §8); only participants whose key this gateway holds are served"
            )
        return self.prover.note_key(note_secret(self.keystore.load(participant_id)))

    @contextmanager
    def wallet(self, participant_id: str, self_custody: bool = False) -> Iterator[Wallet]:
        """The participant's wallet, read up to the chain's head, for one use at a time."""
        with self._guard:
            lock = self._locks.setdefault(participant_id, threading.Lock())
        with lock:
            wallet = self._wallets.get(participant_id)
            if wallet is None:
                wallet = Wallet(self.ledger, self.prover, self.note_key(participant_id, self_custody))
                self._wallets[participant_id] = wallet
            yield wallet.sync()

    def balance(self, participant_id: str) -> int:
        with self.wallet(participant_id) as wallet:
            return wallet.balance()

    def regulator_balance(self, participant_id: str, self_custody: bool) -> int:
        """What the viewing key reads of the participant's cash, from the chain alone."""
        owner = self.note_key(participant_id, self_custody).pk
        return regulator_view(self.ledger, self.prover, self.viewing).balances().get(owner, 0)

    def mint(self, bank: LocalAccount, to: NoteKey, amount: int) -> TxResult:
        """The bank's mint of `amount` to `to` (the value and the bank are public: allowance notes are not built)."""
        return self.ledger.mint(bank, self.prover.mint(amount, to.pk, self.ledger.viewing_key))

    def transfer(self, submitter: LocalAccount, payer: str, to: NoteKey, amount: int) -> TxResult:
        """`payer`'s payment of `amount` to `to`, proven from its notes (NotEnoughCash when they cannot cover)."""
        with self.wallet(payer) as wallet:
            proven = wallet.pay(amount, to.pk)
            return self.ledger.transfer(submitter, proven)

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
        viewing = prover.note_key(note_secret(keystore.get_or_create(VIEWING_KEY)))
        book = data_dir / BOOK
        if book.exists():
            ledger = attach_confidential(tx, json.loads(book.read_text(encoding="utf-8"))["ConfidentialBills"])
        else:
            deployed = deploy_confidential(Transactor(tx.backend, decoder()), operator, registry, keys, viewing.pk)
            ledger = attach_confidential(tx, deployed.contract.address)
            write_private(book, json.dumps({"ConfidentialBills": ledger.contract.address}) + "\n")
        unlike = ledger.keys_unlike(keys)
        if unlike:
            raise RuntimeError(f"the confidential ledger pinned other verification keys for {', '.join(unlike)}")
        if ledger.viewing_key != viewing.pk:
            raise RuntimeError("the confidential ledger pinned another viewing key than this data dir's")
    except BaseException:
        prover.close()
        raise
    return ConfidentialPlatform(ledger, prover, keystore, viewing)
