"""One task follows the chain: it indexes each new block, then answers the writes waiting on it.

A write runs as a greenlet on the event loop (gateway/http/routes/common.py `writes`):
its blocking chain I/O (pricing, signing, sending) goes to a worker thread, and its
wait for the receipt is a future this follower resolves, so a thousand writes in
flight hold a thousand futures, not a thousand threads. The follower reads each new
block's receipts in one call (`eth_getBlockReceipts`), indexes the block first and
only then answers, so whoever is answered reads their own write. A transaction
unmined for `stuck_after` seconds is handed to `Transactor.recover` (the node may
have dropped it, say by a restart).

A block whose parent is not the block read before is a fork. Clique and other
proof-of-authority chains have shallow ones (two signers seal at one height; the
heavier branch wins), so a fork at most `SHALLOW_REORG` blocks under the head is
followed: the follower finds the common ancestor, hands the guard the transactions
it read from the dropped blocks (`reorganised`: they were acknowledged, so they must
be on the new branch, or the guard repairs), and reads the new branch from there.
A deeper one, or the head gone back past what it remembers, is the guard's full
repair (`diverged`: gateway/ledger/chainguard.py).

The embedded chain mines while it sends: there a receipt is read at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import ParamSpec, TypeVar

import anyio.to_thread
from sqlalchemy.util import await_only, greenlet_spawn
from sqlalchemy.util.concurrency import in_greenlet
from web3.types import TxReceipt

from chain.backends.base import ChainBackend
from chain.errors import ChainError, ChainUnavailable
from chain.tx import PollingWaiter, Recover, Submitted
from gateway.core.metrics import REORGS
from gateway.ledger.indexer import Indexer

log = logging.getLogger("billchain.follower")
T = TypeVar("T")
P = ParamSpec("P")
RECENT = 50_000  # receipts kept for a writer that registers after its block was read
KEPT_HASHES = 256  # block hashes kept to check each new block's parent
#: the deepest fork followed without the guard's full repair (Clique's are one or two blocks deep)
SHALLOW_REORG = 16
#: seconds between looks at the chain's head while no write waits for a block (a write that comes wakes the
#: follower at once; a read catches the index up on its own: `fresh`): an idle gateway costs its node and
#: itself a poll every half second, not twenty
IDLE_POLL = 0.5


async def run_write(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run synchronous write code as a greenlet on the event loop: its waits for the chain (the
    follower's `blocking` and `receipt`) suspend it, not a thread."""
    result: T = await greenlet_spawn(functools.partial(fn, *args, **kwargs))
    return result


class ChainDiverged(ChainError):
    """The chain went back under the index (a reorganisation, a node reset)."""


class ChainReorganised(ChainDiverged):
    """A shallow fork: the blocks above `ancestor`, which the chain still has, were replaced; `dropped` are
    the transactions ("0x…") the follower read from the blocks it lost."""

    def __init__(self, reason: str, ancestor: int, dropped: list[str]) -> None:
        super().__init__(reason)
        self.ancestor = ancestor
        self.dropped = dropped


@dataclass
class _Waiting:
    tx: Submitted
    recover: Recover
    future: asyncio.Future[tuple[Submitted, TxReceipt]]
    deadline: float


class BlockFollower:
    def __init__(
        self,
        backend: ChainBackend,
        indexer: Indexer,
        poll: float = 0.05,
        stuck_after: float = 15.0,
        timeout: float = 300.0,
        unreachable_after: float = 2.0,
        stalled_after: float = 30.0,
        diverged: Callable[[str], object] | None = None,
        reorganised: Callable[[str, int, list[str]], object] | None = None,
    ) -> None:
        """`diverged(reason)`: called (in a worker thread) when the chain went back under the index;
        `reorganised(reason, ancestor, dropped)`: likewise for a shallow fork (without it, `diverged`);
        `stalled_after`: seconds without a new block after which waiting writers are answered 503."""
        self.backend = backend
        self.diverged = diverged
        self.reorganised = reorganised
        self.indexer = indexer
        self.poll = poll
        self.stuck_after = stuck_after
        self.timeout = timeout
        self.unreachable_after = unreachable_after
        self.stalled_after = stalled_after
        self._down_since: float | None = None
        self._advanced_at = time.monotonic()
        self._polling = PollingWaiter(backend, timeout=timeout, stuck_after=stuck_after)
        self._waiting: dict[bytes, _Waiting] = {}
        self._recent: OrderedDict[bytes, TxReceipt] = OrderedDict()
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None  # set when a write starts to wait, on the follower's loop
        self._next_refresh: asyncio.Future[None] | None = None  # the catch-up the requests now arriving wait for
        self._refreshing: asyncio.Task[None] | None = None
        self._seen = -1
        self._hashes: dict[int, bytes] = {}
        self._txs: dict[int, list[bytes]] = {}  # the transactions of each block whose hash is kept
        self.reorgs = 0

    # --- the Waiter protocol (chain/tx.py)
    def blocking(self, fn: Callable[[], T]) -> T:
        if in_greenlet():
            result: T = await_only(anyio.to_thread.run_sync(fn))
            return result
        return fn()

    def receipt(self, tx: Submitted, recover: Recover) -> tuple[Submitted, TxReceipt]:
        if self.backend.mines_on_send:
            mined = self.backend.receipt(tx.hash)
            assert mined is not None, "a chain that mines on send has the receipt at once"
            return tx, mined
        if self._task is None or not in_greenlet():
            return self.blocking(lambda: self._polling.receipt(tx, recover))
        found: tuple[Submitted, TxReceipt] = await_only(self._wait(tx, recover))
        return found

    async def _wait(self, tx: Submitted, recover: Recover) -> tuple[Submitted, TxReceipt]:
        if (mined := self._recent.get(tx.hash)) is not None:
            return tx, mined
        future: asyncio.Future[tuple[Submitted, TxReceipt]] = asyncio.get_running_loop().create_future()
        self._waiting[tx.hash] = _Waiting(tx, recover, future, time.monotonic() + self.timeout)
        if self._wake is not None:
            self._wake.set()
        try:
            return await future
        finally:  # under its first hash, and any it was submitted anew under
            for key in [k for k, w in self._waiting.items() if w.future is future]:
                del self._waiting[key]

    # --- a write refused on a branch the follower has not followed yet
    def behind_a_fork(self) -> bool:
        """Whether the node left the branch the index was last read from: the block last read is no longer the
        node's at its height (a shallow fork the follower has yet to follow). A write refused then met a state
        that may lack transactions already acknowledged: the fork dropped their block, the new branch takes
        them again (gateway/ledger/chainguard.py)."""
        number = self._seen
        known = self._hashes.get(number)
        if self.backend.mines_on_send or known is None:
            return False
        try:
            block = self.blocking(lambda: self.backend.block(number))
        except Exception:  # the node's head went back under it: a fork too
            return True
        return bytes(block["hash"]) != known

    def follow_fork(self, within: float) -> bool:
        """From a write's greenlet, without holding a thread: wait until the follower has followed the fork
        (its transactions seen again on the new branch, the index rewound), at most `within` seconds; whether
        it has."""
        deadline = time.monotonic() + within
        while self.behind_a_fork():
            if time.monotonic() >= deadline or not in_greenlet():
                return False
            await_only(asyncio.sleep(0.1))
        return True

    # --- the task
    def start(self) -> None:
        if not self.backend.mines_on_send and self._task is None:
            self._wake = None  # made on the loop it runs on (a test client's loop may have ended)
            self._task = asyncio.get_running_loop().create_task(self._run(), name="block-follower")

    async def fresh(self) -> None:
        """Index what the chain holds now, before a request is answered: other gateways write to a shared
        chain too, and a caller here may act on what a caller there did a moment ago (docs/GATEWAYS.md).
        Best effort: with the node away the request is answered from the index as it is.

        Requests share catch-ups: each waits for one that reads the chain's head after it arrived,
        so each sees all it would have seen alone, and a burst of requests costs one catch-up (one
        `eth_blockNumber`, one index transaction) at a time rather than one each."""
        if self.backend.exclusive:
            return
        loop = asyncio.get_running_loop()
        if self._refreshing is not None and (self._refreshing.done() or self._refreshing.get_loop() is not loop):
            self._refreshing = self._next_refresh = None  # left by an event loop that ended (a test client's)
        if self._next_refresh is None:
            self._next_refresh = loop.create_future()
            if self._refreshing is None:
                self._refreshing = loop.create_task(self._refresh(), name="index-refresh")
        await asyncio.shield(self._next_refresh)

    async def _refresh(self) -> None:
        """Catch-ups one after another, each for the requests that arrived before it began."""
        try:
            while (waiting := self._next_refresh) is not None:
                self._next_refresh = None  # who arrives from now on waits for the next one
                try:
                    await anyio.to_thread.run_sync(self.indexer.catch_up)
                except Exception as exc:  # the follower reports a node that is away; these requests go on
                    log.debug("index not refreshed before a request: %s", exc)
                finally:
                    waiting.set_result(None)
        finally:
            self._refreshing = None

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _run(self) -> None:
        self._seen = await anyio.to_thread.run_sync(self.backend.block_number)
        self._advanced_at = last_check = time.monotonic()
        while True:
            try:
                await self._step()
                self._down_since = None
                if time.monotonic() - last_check >= 1.0:
                    last_check = time.monotonic()
                    await self._check_stuck()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the node is away, say: keep following
                log.warning("block follower: %s", exc)
                self._node_away()
                await asyncio.sleep(0.5)
            await self._pause()

    async def _pause(self) -> None:
        """`poll` seconds while a write waits for its block; else up to IDLE_POLL, cut short by a write."""
        if self._wake is None:
            self._wake = asyncio.Event()
        self._wake.clear()
        if self._waiting:
            await asyncio.sleep(self.poll)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), IDLE_POLL)

    async def _step(self) -> None:
        head = await anyio.to_thread.run_sync(self.backend.block_number)
        if head < self._seen:
            reason = f"the chain's head went back from block {self._seen} to block {head}"
            fork = await anyio.to_thread.run_sync(self._fork, head, reason)
            await (self._went_back(reason) if fork is None else self._reorganised(fork))
            return
        if head == self._seen:
            return
        try:
            mined = await anyio.to_thread.run_sync(self._read_blocks, self._seen + 1, head)
        except ChainReorganised as fork:
            await self._reorganised(fork)
            return
        except ChainDiverged as diverged:
            await self._went_back(str(diverged))
            return
        self._seen, self._advanced_at = head, time.monotonic()
        for tx_hash, receipt in mined.items():
            self._answer(tx_hash, receipt)
            self._recent[tx_hash] = receipt
        while len(self._recent) > RECENT:
            self._recent.popitem(last=False)

    async def _went_back(self, reason: str) -> None:
        """The chain is no longer the chain indexed: the guard repairs (gateway/ledger/chainguard.py), then
        following starts again from the chain's head."""
        if self.diverged is not None:
            await anyio.to_thread.run_sync(self.diverged, reason)
        else:
            log.error("the chain is not the chain indexed: %s", reason)
        self._hashes.clear()
        self._txs.clear()
        self._seen = await anyio.to_thread.run_sync(self.backend.block_number)

    async def _reorganised(self, fork: ChainReorganised) -> None:
        """A shallow fork: the guard sees to the dropped blocks' transactions and the index
        (gateway/ledger/chainguard.py), then following goes on from the common ancestor, so the new
        branch's blocks are read, indexed and answered from like any others."""
        if self.reorganised is not None:
            await anyio.to_thread.run_sync(self.reorganised, str(fork), fork.ancestor, fork.dropped)
        elif self.diverged is not None:
            await anyio.to_thread.run_sync(self.diverged, str(fork))
        else:
            log.error("the chain is not the chain indexed: %s", fork)
        for number in [n for n in self._hashes if n > fork.ancestor]:
            del self._hashes[number]
            self._txs.pop(number, None)
        for tx_hash in fork.dropped:  # their receipts name a block the chain no longer has
            self._recent.pop(bytes.fromhex(tx_hash[2:]), None)
        self._seen = fork.ancestor

    def _node_away(self) -> None:
        """Writers waiting on a node that has not answered for `unreachable_after` s are answered
        503 now, not at their timeout; their transactions stay in the outbox, settled on a retry."""
        now = time.monotonic()
        self._down_since = self._down_since or now
        if now - self._down_since < self.unreachable_after:
            return
        for waiting in self._waiting.values():
            if not waiting.future.done():
                waiting.future.set_exception(ChainUnavailable("the chain does not answer"))

    def _answer(self, tx_hash: bytes, receipt: TxReceipt) -> None:
        waiting = self._waiting.get(tx_hash)
        if waiting is not None and not waiting.future.done():
            waiting.future.set_result((waiting.tx, receipt))

    def _read_blocks(self, first: int, last: int) -> dict[bytes, TxReceipt]:
        """The receipts of blocks first..last, after indexing them (read-your-writes)."""
        mined: dict[bytes, TxReceipt] = {}
        for number in range(first, last + 1):
            self._check_parent(number)
            receipts = self.backend.block_receipts(number)
            self._txs[number] = [bytes(receipt["transactionHash"]) for receipt in receipts]
            for receipt in receipts:
                mined[bytes(receipt["transactionHash"])] = receipt
        self.indexer.catch_up(last)
        return mined

    def _check_parent(self, number: int) -> None:
        """A block whose parent is not the block read before: the chain was reorganised under the index
        (a fork, a node reset). Counted, and raised before the block is indexed on top of blocks the
        chain dropped: a shallow fork as `ChainReorganised`, anything else as `ChainDiverged`."""
        block = self.backend.block(number)
        known = self._hashes.get(number - 1)
        if known is not None and known != bytes(block["parentHash"]):
            self.reorgs += 1
            REORGS.inc()
            reason = f"block {number}'s parent is not the block {number - 1} indexed before"
            fork = self._fork(number - 1, reason)
            if fork is None:
                log.error("chain reorganised below block %d: its parent is not the block indexed before", number)
                raise ChainDiverged(reason)
            raise fork
        self._hashes[number] = bytes(block["hash"])
        self._hashes.pop(number - KEPT_HASHES, None)
        self._txs.pop(number - KEPT_HASHES, None)

    def _fork(self, top: int, reason: str) -> ChainReorganised | None:
        """The fork under block `top` if it is shallow: the highest block at most SHALLOW_REORG under it
        that the chain still has as it was read; None if none is (a deep fork, or blocks not read here)."""
        for number in range(top, max(top - SHALLOW_REORG, -1), -1):
            known = self._hashes.get(number)
            if known is None:
                return None
            if bytes(self.backend.block(number)["hash"]) == known:
                dropped = [n for n in self._hashes if n > number]
                txs = ["0x" + h.hex() for n in sorted(dropped) for h in self._txs.get(n, [])]
                log.warning(
                    "chain reorganised: %s; blocks %d..%d replaced (%d transactions read from them)",
                    reason,
                    number + 1,
                    max(dropped, default=number),
                    len(txs),
                )
                return ChainReorganised(f"{reason}; the fork is above block {number}", number, txs)
        return None

    async def _check_stuck(self) -> None:
        now = time.monotonic()
        for tx_hash, waiting in list(self._waiting.items()):
            if waiting.future.done():
                continue
            if now - max(self._advanced_at, waiting.tx.sent_at) > self.stalled_after:
                # no block since it was sent, for a while (a network without its quorum seals nothing):
                # 503 now; the transaction stays in the outbox, settled on a retry
                waiting.future.set_exception(ChainUnavailable(f"no new block for {self.stalled_after:.0f} s"))
            elif now > waiting.deadline:
                waiting.future.set_exception(ChainUnavailable(f"no receipt for {waiting.tx.hex} in {self.timeout}s"))
            elif now - waiting.tx.sent_at > self.stuck_after:
                await self._unstick(tx_hash, waiting)

    async def _unstick(self, tx_hash: bytes, waiting: _Waiting) -> None:
        receipt = await anyio.to_thread.run_sync(self.backend.receipt, tx_hash)
        if receipt is not None:  # mined in a block this follower read before the writer waited
            self._answer(tx_hash, receipt)
            return
        try:
            current = await anyio.to_thread.run_sync(waiting.recover, waiting.tx)
        except ChainError as exc:  # this writer's own trouble (say, left unsettled): its answer, not all
            waiting.future.set_exception(exc)
            return
        if current.hash != tx_hash:  # submitted anew under another nonce
            self._waiting.pop(tx_hash, None)
            self._waiting[current.hash] = _Waiting(current, waiting.recover, waiting.future, waiting.deadline)
        else:  # still pending, or just sent again: its stuck clock starts again
            waiting.tx = replace(current, sent_at=time.monotonic())
