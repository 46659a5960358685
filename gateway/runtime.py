"""Everything a running gateway holds: chain, contracts, keys, database, index."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_account.signers.local import LocalAccount

from chain.backends.base import ChainBackend
from chain.backends.embedded import EmbeddedBackend
from chain.backends.factory import open_backend
from chain.deploy import System, load_or_deploy
from chain.keys import Keystore
from chain.tx import TxResult
from gateway.chainguard import ChainGuard
from gateway.datadir import DataDirLock
from gateway.db import Database
from gateway.follower import BlockFollower
from gateway.indexer import Indexer
from gateway.outbox import Answer, Outbox
from gateway.security import DocumentCipher, hash_token, operator_token
from gateway.settings import Settings

OPERATOR_KEY = "operator"


@dataclass
class Runtime:
    settings: Settings
    backend: ChainBackend
    system: System
    keystore: Keystore
    operator: LocalAccount
    db: Database
    indexer: Indexer
    cipher: DocumentCipher
    operator_token_hash: str
    operator_token_path: Path | None
    follower: BlockFollower
    outbox: Outbox
    guard: ChainGuard
    lock: DataDirLock
    #: builds a write's answer from its receipt (gateway/services/answers.py, installed by the services)
    answer: Callable[[Answer, TxResult], dict[str, Any]] = field(default=lambda answer, _: {})

    def close(self) -> None:
        try:
            self.backend.close()
            self.db.engine.dispose()
        finally:
            self.lock.release()


def open_runtime(settings: Settings, command: str = "billchain serve") -> Runtime:
    """Everything a gateway holds, opened on the data dir it holds alone (DataDirBusy otherwise)."""
    data_dir = settings.data_dir
    lock = DataDirLock(data_dir).acquire(command, port=settings.port, chain=settings.chain)
    try:
        return _open(settings, lock)
    except BaseException:
        lock.release()
        raise


def _open(settings: Settings, lock: DataDirLock) -> Runtime:
    data_dir = settings.data_dir
    data_dir.chmod(0o700)  # keys, token hashes and documents live here: owner only
    if settings.chain == "embedded":
        backend: ChainBackend = EmbeddedBackend(journal=data_dir / "embedded-chain.jsonl")
    else:
        backend = open_backend(
            settings.chain,
            data_dir,
            block_time=settings.block_time,
            gas_price=settings.gas_price,
            eip1559=settings.eip1559,
        )
    try:
        keystore = Keystore(data_dir)
        operator = keystore.get_or_create(OPERATOR_KEY)
        system = load_or_deploy(backend, operator, data_dir)
        db = Database(settings.database)
        indexer = Indexer(system, db)
        guard = ChainGuard(backend, db, indexer)
        guard.check()  # never an index ahead of its chain, before anything is indexed or served
        indexer.catch_up()
    except BaseException:
        backend.close()
        raise
    follower = BlockFollower(backend, indexer, diverged=guard.repair)
    system.tx.waiter = follower
    outbox = Outbox(db)
    system.tx.journal = outbox  # every transaction written down before it is sent
    token, token_path = operator_token(data_dir, settings.operator_token)
    return Runtime(
        settings=settings,
        backend=backend,
        system=system,
        keystore=keystore,
        operator=operator,
        db=db,
        indexer=indexer,
        cipher=DocumentCipher(data_dir),
        operator_token_hash=hash_token(token),
        operator_token_path=token_path,
        follower=follower,
        outbox=outbox,
        guard=guard,
        lock=lock,
    )
