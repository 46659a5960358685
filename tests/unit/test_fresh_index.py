"""Requests share the catch-ups that refresh the index (BlockFollower.fresh): a burst costs a few, and
each request still waits for one that read the chain after it arrived (read-your-writes across gateways)."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any, cast

from chain.backends.base import ChainBackend
from gateway.ledger.follower import BlockFollower
from gateway.ledger.indexer import Indexer


class SharedChain:
    """A chain another gateway writes to (not exclusive), whose head a catch-up reads."""

    exclusive = False
    mines_on_send = False

    def __init__(self) -> None:
        self.head = 0


class SlowIndexer:
    """Records the head each catch-up read, and when it began."""

    def __init__(self, chain: SharedChain) -> None:
        self.chain = chain
        self.catch_ups: list[tuple[float, int]] = []
        self.lock = threading.Lock()

    def catch_up(self, to_block: int | None = None) -> int:
        begun, head = time.monotonic(), self.chain.head
        time.sleep(0.02)
        with self.lock:
            self.catch_ups.append((begun, head))
        return head


def test_a_burst_of_requests_shares_catch_ups_and_each_sees_the_head_of_its_arrival() -> None:
    chain = SharedChain()
    indexer = SlowIndexer(chain)
    follower = BlockFollower(cast(ChainBackend, chain), cast(Indexer, indexer))
    seen: list[tuple[int, int]] = []  # (the head when the request arrived, the newest head indexed when answered)

    async def request(i: int) -> None:
        await asyncio.sleep(0.001 * (i % 7))
        chain.head += 1  # another gateway's caller wrote just before this request arrived
        arrived = chain.head
        await follower.fresh()
        seen.append((arrived, max(head for _, head in indexer.catch_ups)))

    async def burst() -> None:
        await asyncio.gather(*(request(i) for i in range(200)))

    asyncio.run(burst())
    assert len(seen) == 200
    assert all(indexed >= arrived for arrived, indexed in seen), "a request was answered from an older index"
    assert len(indexer.catch_ups) <= 10, f"{len(indexer.catch_ups)} catch-ups for 200 requests"


def test_a_failing_catch_up_answers_the_waiting_requests_and_the_next_one_runs() -> None:
    chain = SharedChain()

    class Failing(SlowIndexer):
        def catch_up(self, to_block: int | None = None) -> int:
            super().catch_up(to_block)
            raise OSError("the node is away")

    indexer = Failing(chain)
    follower = BlockFollower(cast(ChainBackend, chain), cast(Indexer, indexer))

    async def twice() -> Any:
        await asyncio.wait_for(asyncio.gather(*(follower.fresh() for _ in range(5))), 5)
        await asyncio.wait_for(follower.fresh(), 5)

    asyncio.run(twice())
    assert len(indexer.catch_ups) == 2


def test_a_catch_up_left_by_an_ended_event_loop_does_not_hold_the_next_loop() -> None:
    chain = SharedChain()
    indexer = SlowIndexer(chain)
    follower = BlockFollower(cast(ChainBackend, chain), cast(Indexer, indexer))

    async def abandoned() -> None:  # the loop ends while the request waits (a test client's portal)
        task = asyncio.ensure_future(follower.fresh())
        await asyncio.sleep(0)
        task.cancel()

    asyncio.run(abandoned())
    asyncio.run(asyncio.wait_for(follower.fresh(), 5))
    assert indexer.catch_ups, "the second loop's request had no catch-up"
