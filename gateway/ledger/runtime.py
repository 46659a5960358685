"""What a running gateway holds below its services: chain, contracts, keys, database, ledger.

Built once, whole, by the composition root (gateway/compose.py) and never changed after.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from eth_account.signers.local import LocalAccount

from chain.backends.base import ChainBackend
from chain.deploy import System
from chain.keys import Keystore
from chain.model import Rules
from gateway.core.datadir import DataDirLock
from gateway.core.db import Database
from gateway.core.security import DocumentCipher
from gateway.core.settings import Settings
from gateway.ledger.bundler import Bundler
from gateway.ledger.chainguard import ChainGuard
from gateway.ledger.confidential import ConfidentialPlatform
from gateway.ledger.follower import BlockFollower
from gateway.ledger.indexer import Indexer
from gateway.ledger.outbox import Outbox


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    backend: ChainBackend
    system: System
    keystore: Keystore
    operator: LocalAccount
    #: sends the operations self-custody participants sign (through the OperationRelay); signs none itself
    relayer: LocalAccount
    db: Database
    indexer: Indexer
    cipher: DocumentCipher
    operator_token_hash: str
    operator_token_path: Path | None
    follower: BlockFollower
    outbox: Outbox
    guard: ChainGuard
    lock: DataDirLock
    #: who may do what and the bounds, as the bill registry checks them (read from it once)
    rules: Rules
    #: hosted callers' writes in bundles (Settings.bundle_writes), or none: each write its own transaction
    bundler: Bundler | None = None
    #: the confidential ledger's cash (Settings.confidential), or none: a transparent platform
    confidential: ConfidentialPlatform | None = None

    def close(self) -> None:
        try:
            if self.confidential is not None:
                self.confidential.close()
            self.backend.close()
            self.db.engine.dispose()
        finally:
            self.lock.release()
