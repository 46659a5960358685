"""Bundles: hosted callers' writes that are ready at the same moment go to the chain as one transaction.

Behind `Settings.bundle_writes` (off by default). A hosted caller's write goes through its service's own
checks as always; instead of being signed and sent alone it comes back as `Prepared` (the call it would
send, as for POST /v1/batch), and `Service.write` hands it here. The bundler collects such items, signs
each with its caller's hosted key as an ordinary relay operation (`RelayClient.typed_data` + `sign_typed`,
the nonce being the signer's relay nonce), and the gateway's relayer sends them as one
`OperationRelay.executeBundle`: each item happens or fails on its own, with its own outcome event.

Invariants:

- A signer's items that are ready together go in one bundle under consecutive relay nonces, first come
  first; none goes while an earlier bundle holding that signer is unmined (a signer's next nonce is known only
  from its last item's outcome: a failed item keeps its nonce). So one busy signer (a drawer issuing many
  bills, a bank accepting them) needs one bundle a block, not one a write. When an item fails, its signer's
  later items in the bundle fail for their nonces (or for the gas a failed one left them): they are put back,
  first come first, without counting as a try (the signer's first item in the next bundle has the right
  nonce, so each bundle settles at least one). The signers of a bundle are free again only once all of its
  items are answered or put back, so no later bundle takes a signer whose nonce is still being settled.
- A bundle closes when its items' gas (each item's function's estimate, plus the relay's overhead) reaches
  a share of the block's gas limit, or it holds `MAX_BATCH` items, or its first item has waited
  `wait` seconds (at most one block time) for company. The bundle's gas limit is the sum of its items',
  not the node's estimate: an estimate may find the least gas at which items fail out of gas, since a
  failing item does not make the bundle revert.
- One node estimate per function, not per write (`eth_estimateGas` was what bounded the rate: issue 28's
  profile): a function's first write is estimated, and one in every `REESTIMATE_EVERY` after it; an item
  is given the largest estimate its function had. Each item's gas is only its share of the bundle's limit
  (items run with all the gas left), so the sum is what must hold; an item that still runs out
  (`OutOfGas`: a write whose gas depends on its data, say a payment of many ranges) is
  estimated on its own and tried once more. A write whose function has a figure already is not estimated:
  a revert it meets is its own item's failure in the bundle, with the same typed error.
- The bundle is written down before it is sent, with one `bundle_items` row per request it carries
  (gateway/ledger/outbox.py `BUNDLE`), in one database transaction; recovery settles each item from the
  bundle's receipt events (gateway/ledger/recovery.py), so a crash between sending and the receipt
  loses nothing and repeats nothing. An item that goes again in another bundle (`going_again`) has its row
  in the first one ABANDONED when that bundle is settled, so recovery never answers it with the failure
  that sent it again.
- Each waiting write gets its own outcome: its part of the receipt (`RelayClient.item_results`: its own
  logs alone, so its answer is built exactly as alone), or its own typed error, raised in its write as an
  unbundled write's is. An item that failed for its nonce (another transaction of its signer's took it:
  say a POST /v1/batch) is tried once more with the nonce read again.
- A bundle that does not reach the chain (the node refused it, or does not answer) fails its items with
  that error (503), as it would a single write; a bundle that reverts as a whole changed nothing.

Self-custody callers keep their own path: they sign `execute` items themselves (docs/SIGNING.md), which a
bundle could carry as they are (not built yet).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from eth_account.signers.local import LocalAccount
from sqlalchemy.util import await_only
from sqlalchemy.util.concurrency import in_greenlet

from chain.backends.base import ChainBackend
from chain.errors import ChainError, ChainUnavailable, InvalidAccountNonce, OutOfGas
from chain.relay import RelayClient, SignedBy, sign_typed
from chain.tx import GAS_HEADROOM_DEN, GAS_HEADROOM_NUM, EncodedCall, TxResult
from gateway.core.metrics import record_bundle
from gateway.ledger.follower import run_write
from gateway.ledger.outbox import (
    BUNDLE,
    BUNDLE_OPERATION,
    DONE,
    REQUEST,
    WRITE,
    Answer,
    ItemRef,
    Outbox,
    RequestRef,
)

log = logging.getLogger("billchain.bundler")

#: gas a relayed item may cost beyond its call's own estimate: the typed data's hash, the signature's recovery,
#: the nonce's increment, the self-call and the outcome event, the item's calldata. Measured (`billchain
#: gas-bench`, its second table): a relayed operation costs 15,302 to 17,540 more than the direct call, whose
#: estimate already counts the 21,000 base of a transaction that an item does not pay again; 20,000 covers the
#: difference with room (it was 60,000, unmeasured: bundles closed on gas at a third of what they hold)
ITEM_OVERHEAD = 20_000
#: an item's gas where the chain gives no estimate (the embedded chain runs at a fixed gas limit)
UNESTIMATED_ITEM_GAS = 250_000
#: a bundle's transaction, beyond its items
BUNDLE_BASE_GAS = 50_000
#: one write in this many of a function is estimated again (its figure follows what its writes cost)
REESTIMATE_EVERY = 32
#: the share of a block's gas limit one bundle may take (bundles of a block's moment share it)
BLOCK_SHARE_NUM, BLOCK_SHARE_DEN = 1, 2


@dataclass
class Item:
    """A write waiting for its bundle."""

    call: EncodedCall
    signer: LocalAccount
    gas: int
    request: RequestRef | None
    operation: str
    answer: Answer
    future: asyncio.Future[TxResult]
    arrived: float
    tries: int = 0
    nonce: int = field(default=-1)


@dataclass
class BundleStats:
    """What the bundler has sent (the bench reads it from /metrics's neighbour, the runtime)."""

    bundles: int = 0
    items: int = 0
    failed_items: int = 0
    gas: int = 0
    sizes: list[int] = field(default_factory=list)


class Bundler:
    def __init__(
        self,
        backend: ChainBackend,
        relay: RelayClient,
        relayer: LocalAccount,
        outbox: Outbox,
        wait: float,
        signature_ttl: int,
    ) -> None:
        """`wait`: seconds a bundle's first item waits for company (the caller bounds it by the block time)."""
        self.backend = backend
        self.relay = relay
        self.relayer = relayer
        self.outbox = outbox
        self.wait = wait
        self.signature_ttl = signature_ttl
        self.stats = BundleStats()
        #: the most items a bundle holds: the relay's own bound (OperationRelay.MAX_BATCH), read once
        self.max_items = int(relay.contract.functions.MAX_BATCH().call())
        self._budget: int | None = None
        self._accounts: dict[str, LocalAccount] = {}
        self._relayable: dict[bytes, bool] = {}
        #: each function's largest item gas seen, and how many of its writes came (`known_gas`)
        self._function_gas: dict[bytes, int] = {}
        self._writes: dict[bytes, int] = {}
        self._nonces: dict[str, int] = {}
        self._busy: set[str] = set()
        self._queue: list[Item] = []
        self._wake: asyncio.Event | None = None
        self._collector: asyncio.Task[None] | None = None
        self._flushing: set[asyncio.Task[None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None

    # --- from a write (its greenlet on the event loop)
    @staticmethod
    def available() -> bool:
        """Whether this write can wait for a bundle: it runs as a greenlet on the event loop (a write route)."""
        return in_greenlet()

    def hold(self, account: LocalAccount) -> str:
        """Keep the hosted key that will sign an item; its address."""
        self._accounts[account.address] = account
        return str(account.address)

    def known_relayable(self, call: EncodedCall) -> bool | None:
        """`relayable`'s answer when it has one for the function already (not blocking), else None."""
        return self._relayable.get(call.data[:4])

    def relayable(self, call: EncodedCall) -> bool:
        """Whether the relay runs this operation (every participant's operation; blocking, once per function)."""
        selector = call.data[:4]
        if selector not in self._relayable:
            try:
                self.relay.operation_type(selector)
                self._relayable[selector] = True
            except ChainError:
                self._relayable[selector] = False
        return self._relayable[selector]

    def account(self, signer: str) -> LocalAccount:
        return self._accounts[signer]

    def known_gas(self, call: EncodedCall) -> int | None:
        """The item's gas from its function's figure, when it has one and this write is not due to be
        estimated (not blocking); None: estimate it (`estimate`)."""
        if self.backend.fixed_gas_limit is not None:
            return UNESTIMATED_ITEM_GAS
        selector = call.data[:4]
        writes = self._writes[selector] = self._writes.get(selector, 0) + 1
        known = self._function_gas.get(selector)
        return None if known is None or writes % REESTIMATE_EVERY == 0 else known

    def estimate(self, signer: str, call: EncodedCall) -> int:
        """The item's gas in a bundle: its call's own estimate, from its signer, plus the relay's overhead, or
        its function's largest, whichever is more. A revert the estimate finds raises the error the write
        meets alone (blocking: run off the loop)."""
        if self.backend.fixed_gas_limit is not None:
            return UNESTIMATED_ITEM_GAS
        probe = {"from": signer, "to": call.to, "data": call.data}
        try:
            gas = self.backend.estimate_gas(probe)  # type: ignore[arg-type]
        except self.backend.revert_errors as exc:
            raise self.relay.tx.decoder.decode_unsent(self.backend.revert_data(exc)) from None
        own = gas * GAS_HEADROOM_NUM // GAS_HEADROOM_DEN + ITEM_OVERHEAD
        selector = call.data[:4]
        largest = self._function_gas[selector] = max(own, self._function_gas.get(selector, 0))
        return largest

    def submit(self, call: EncodedCall, signer: str, gas: int, operation: str, answer: Answer) -> TxResult:
        """Wait for the item's bundle: its own part of the mined bundle, or its own error raised."""
        item_signer = self._accounts[signer]
        request = REQUEST.get()

        async def wait() -> TxResult:
            loop = asyncio.get_running_loop()
            item = Item(call, item_signer, gas, request, operation, answer, loop.create_future(), loop.time())
            self._enqueue(loop, item)
            return await item.future

        result: TxResult = await_only(wait())
        return result

    # --- collecting (a task on the event loop)
    def _enqueue(self, loop: asyncio.AbstractEventLoop, item: Item) -> None:
        if self._loop is not loop:  # a new event loop (a test client's): nothing of the last one carries over
            self._loop, self._wake, self._collector, self._busy = loop, asyncio.Event(), None, set()
            self._queue = []
        assert self._wake is not None
        self._queue.append(item)
        if self._collector is None or self._collector.done():
            self._collector = loop.create_task(self._collect(), name="bundler")
        self._wake.set()

    def _ready(self) -> list[Item]:
        """The waiting items that may go now, first come first: none of a signer an unmined bundle holds."""
        return [item for item in self._queue if item.signer.address not in self._busy]

    def _budget_gas(self) -> int:
        if self._budget is None:
            block_gas = int(self.backend.w3.eth.get_block("latest")["gasLimit"])
            self._budget = block_gas * BLOCK_SHARE_NUM // BLOCK_SHARE_DEN
        return self._budget

    def _take(self, ready: list[Item], budget: int) -> tuple[list[Item], bool]:
        """The next bundle's items from `ready`, by gas and count; whether the bundle is full."""
        chosen: list[Item] = []
        gas = BUNDLE_BASE_GAS
        for item in ready:
            if len(chosen) == self.max_items or (chosen and gas + item.gas > budget):
                return chosen, True
            chosen.append(item)
            gas += item.gas
        return chosen, gas >= budget or len(chosen) == self.max_items

    async def _collect(self) -> None:
        loop = asyncio.get_running_loop()
        assert self._wake is not None
        budget = await asyncio.to_thread(self._budget_gas)
        while self._queue:
            self._wake.clear()
            ready = self._ready()
            timeout: float | None = None
            if ready:
                chosen, full = self._take(ready, budget)
                due = ready[0].arrived + self.wait - loop.time()
                if full or due <= 0:
                    self._launch(loop, chosen)
                    continue
                timeout = due
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)

    def _launch(self, loop: asyncio.AbstractEventLoop, items: list[Item]) -> None:
        taken = {id(item) for item in items}
        self._queue = [item for item in self._queue if id(item) not in taken]
        self._busy.update(item.signer.address for item in items)
        task = loop.create_task(self._send(items), name="bundle")
        self._flushing.add(task)
        task.add_done_callback(self._flushing.discard)

    async def _send(self, items: list[Item]) -> None:
        outcomes: list[TxResult | BaseException]
        try:
            outcomes = await run_write(self._flush, items)
        except BaseException as error:  # it never reached the chain, or its receipt never came: each item's error
            for item in items:
                self._nonces.pop(item.signer.address, None)
            outcomes = [error] * len(items)
            if not isinstance(error, ChainError):
                log.exception("a bundle of %d items failed", len(items))
        again: list[Item] = []
        try:
            for item, outcome, why in zip(items, outcomes, going_again(items, outcomes), strict=True):
                if item.future.done():
                    continue
                if why is None:
                    if isinstance(outcome, BaseException):
                        item.future.set_exception(outcome)
                    else:
                        item.future.set_result(outcome)
                    continue
                if why == RETRY:
                    item.tries += 1
                if why == MATE_FAILED or isinstance(outcome, InvalidAccountNonce):
                    again.append(item)
                else:  # out of gas, its one retry: with its own estimate
                    try:
                        item.gas = await asyncio.to_thread(self.estimate, item.signer.address, item.call)
                        again.append(item)
                    except ChainError as error:  # alone, it reverts: that is its answer
                        item.future.set_exception(error)
                    except Exception as error:  # the node did not answer the estimate
                        log.exception("an item's estimate failed")
                        item.future.set_exception(ChainUnavailable(f"the node did not answer: {error}"))
        finally:  # whatever happened above: the signers are free only now (none had a bundle launched meanwhile)
            for item in items:
                self._busy.discard(item.signer.address)
            self._queue[:0] = again  # first come first, ahead of what came since
            if again or self._queue:
                assert self._loop is not None and self._wake is not None
                if self._collector is None or self._collector.done():
                    self._collector = self._loop.create_task(self._collect(), name="bundler")
                self._wake.set()

    # --- one bundle (a greenlet: its chain I/O in worker threads, its receipt awaited with the follower)
    def _flush(self, items: list[Item]) -> list[TxResult | BaseException]:
        tx = self.relay.tx
        signed = tx.waiter.blocking(lambda: self._sign(items))
        gas = BUNDLE_BASE_GAS + sum(item.gas for item in items)
        refs = [
            ItemRef(i, item.request, item.operation, item.answer, item.signer.address, item.nonce)
            for i, item in enumerate(items)
        ]
        tokens = (REQUEST.set(None), WRITE.set((BUNDLE_OPERATION, Answer("none"))), BUNDLE.set(refs))
        try:
            bundle = self.relay.send_bundle(self.relayer, signed, gas)
        finally:
            BUNDLE.reset(tokens[2])
            WRITE.reset(tokens[1])
            REQUEST.reset(tokens[0])
        results = self.relay.item_results(bundle.tx, len(items))
        out: list[TxResult | BaseException] = [
            result if error is None else error for result, error in zip(results, bundle.outcomes, strict=True)
        ]
        self._remember_nonces(items, bundle.outcomes)
        failed = sum(1 for error in bundle.outcomes if error is not None)
        self.stats.bundles += 1
        self.stats.items += len(items)
        self.stats.failed_items += failed
        self.stats.gas += bundle.tx.gas_used
        self.stats.sizes.append(len(items))
        record_bundle(len(items), failed, bundle.tx.gas_used)
        log.info(
            "bundle of %d items (%d failed) mined in block %d (%d gas)",
            len(items),
            failed,
            bundle.tx.block_number,
            bundle.tx.gas_used,
        )
        # the items that go again did not happen here: their rows are ABANDONED, so that recovery never answers
        # one with this bundle's nonce or gas failure; the bundle and its unkeyed items are settled; a keyed
        # item, once its answer is recorded
        going = [i for i, why in enumerate(going_again(items, out)) if why is not None]
        tx.waiter.blocking(lambda: self.outbox.settle_bundle(bundle.tx.hash, DONE, unkeyed=True, going_again=going))
        return out

    def _remember_nonces(self, items: list[Item], errors: list[ChainError | None]) -> None:
        """Each signer's next relay nonce after a mined bundle: past its last item when all of its items happened;
        its first failed item's when one failed (a failed item keeps its nonce, so its later items failed for
        theirs); unknown (read again) when that first failure was its nonce (another transaction took it)."""
        failed: set[str] = set()
        for item, error in zip(items, errors, strict=True):
            address = item.signer.address
            if address in failed:
                continue
            if error is None:
                self._nonces[address] = item.nonce + 1
                continue
            failed.add(address)
            if isinstance(error, InvalidAccountNonce):
                self._nonces.pop(address, None)
            else:
                self._nonces[address] = item.nonce

    def _sign(self, items: list[Item]) -> list[tuple[SignedBy, EncodedCall]]:
        """Each item signed with its caller's hosted key as an ordinary relay operation, under its relay nonce (a
        signer's items in the bundle under consecutive ones, in their order)."""
        deadline = self.backend.timestamp() + self.signature_ttl
        signed = []
        following: dict[str, int] = {}  # each signer's next nonce in this bundle
        for item in items:
            address = item.signer.address
            if address not in following:
                known = self._nonces.get(address)
                following[address] = self.relay.nonce(address) if known is None else known
            item.nonce = following[address]
            following[address] += 1
            typed = self.relay.typed_data(item.call, address, item.nonce, deadline)
            signature = sign_typed(item.signer, typed)
            signed.append((SignedBy(address, item.nonce, deadline, signature, self.relayer), item.call))
        return signed


#: why an item goes in another bundle (`going_again`)
RETRY, MATE_FAILED = "retry", "mate failed"


def going_again(items: list[Item], outcomes: list[TxResult | BaseException]) -> list[str | None]:
    """Which items of a bundle go in another, and why: one that failed for its nonce or for gas after an earlier
    item of its signer failed in the bundle (MATE_FAILED: not its own failure, so not its try: a failed item
    keeps its nonce, and one out of gas takes most of what the bundle had left), or that failed so and has its
    one retry left (RETRY); None: answered with its outcome. The signer's first item in each bundle is never a
    mate, so every bundle answers or spends the try of at least one item of each signer."""
    why: list[str | None] = []
    failed: set[str] = set()
    for item, outcome in zip(items, outcomes, strict=True):
        address = item.signer.address
        if not isinstance(outcome, InvalidAccountNonce | OutOfGas):
            why.append(None)
        elif address in failed:
            why.append(MATE_FAILED)
        else:
            why.append(RETRY if item.tries == 0 else None)
        if isinstance(outcome, BaseException):
            failed.add(address)
    return why


def bundle_wait(wait: float, block_time: float | None) -> float:
    """How long a bundle's first item waits for company: `wait`, at most one block time."""
    return min(wait, block_time) if block_time else wait
