"""Per-signer nonces handed out here, so one signer can have many transactions in flight.

Asking the node for `eth_getTransactionCount(pending)` before every transaction
is a round trip, and two requests that ask at once get the same answer. So each
signer's next nonce lives here: it is read from the node once, then counted up
locally. A nonce is taken under the signer's lock and kept only when the node
accepted the transaction (`reserve` advances the count on a normal exit only), so
a refused or failed send leaves no gap behind it. What the node then loses (a
restart empties its pool, a transaction is evicted or replaced by another with the
same nonce) is found by `Transactor.recover`, from what is tracked here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class _Signer:
    lock: threading.Lock = field(default_factory=threading.Lock)
    next: int | None = None
    #: nonce -> signed raw transaction, for every transaction sent and not yet mined
    in_flight: dict[int, bytes] = field(default_factory=dict)


class NonceManager:
    def __init__(self, node_nonce: Callable[[str], int]) -> None:
        """`node_nonce(address)`: the node's count of the address's transactions, pending included."""
        self._node_nonce = node_nonce
        self._signers: dict[str, _Signer] = {}
        self._guard = threading.Lock()

    def _signer(self, address: str) -> _Signer:
        with self._guard:
            return self._signers.setdefault(address, _Signer())

    @contextmanager
    def reserve(self, address: str) -> Iterator[int]:
        """The signer's next nonce, held exclusively until the block exits; kept only if it exits normally."""
        signer = self._signer(address)
        with signer.lock:
            if signer.next is None:
                signer.next = self._node_nonce(address)
            nonce = signer.next
            yield nonce
            signer.next = nonce + 1

    def sent(self, address: str, nonce: int, raw: bytes) -> None:
        """The node accepted `raw` with `nonce`: remember it until it is mined."""
        signer = self._signer(address)
        with self._guard:
            signer.in_flight[nonce] = raw

    def mined(self, address: str, nonce: int) -> None:
        signer = self._signer(address)
        with self._guard:
            signer.in_flight.pop(nonce, None)

    def resync(self, address: str) -> None:
        """Forget the local count: the next `reserve` asks the node (after a nonce was refused)."""
        signer = self._signer(address)
        with signer.lock:
            signer.next = None

    def forget_all(self) -> None:
        """The chain went back (a dev chain reverted to a snapshot): every signer's count is asked of the node
        again, and nothing sent since is in flight any more."""
        with self._guard:
            signers = list(self._signers.values())
        for signer in signers:
            with signer.lock:
                signer.next = None
                signer.in_flight.clear()

    def in_flight(self, address: str) -> dict[int, bytes]:
        """The signer's sent-but-unmined transactions, by nonce."""
        signer = self._signer(address)
        with self._guard:
            return dict(sorted(signer.in_flight.items()))
