"""The indexer knows every event of the platform's contracts: each handled, or ignored on purpose with a reason
(gateway/ledger/indexer.py `IGNORED`), never skipped because no one looked at it."""

from __future__ import annotations

from chain.artifacts import load_artifact
from chain.backends.embedded import EmbeddedBackend
from chain.deploy import PLATFORM_CONTRACTS
from gateway.core.db import Database
from gateway.ledger.indexer import IGNORED, Indexer


def test_every_event_is_handled_or_ignored_with_a_reason() -> None:
    events = {e["name"] for name in PLATFORM_CONTRACTS for e in load_artifact(name).abi if e["type"] == "event"}
    indexer = Indexer(EmbeddedBackend(), {}, Database("sqlite://"))
    handled = set(indexer._handlers)
    assert handled | set(IGNORED) == events, (events - handled - set(IGNORED), (handled | set(IGNORED)) - events)
    assert not handled & set(IGNORED)
    assert all(len(reason) > 20 for reason in IGNORED.values())
