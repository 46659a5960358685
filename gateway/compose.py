"""The composition root: everything a gateway runs on, built once, in order, each part given what it
uses (no part is changed after it is built).

    data dir lock -> chain backend -> keys -> contracts (deployed the first time, or another gateway's joined)
      -> database (migrated) -> index, checked against the chain (gateway/ledger/chainguard.py)
      -> block follower -> outbox -> transactor (waits with the follower, writes to the outbox)
      -> typed contract clients -> the confidential ledger (--confidential: deployed or attached) -> Runtime
    Runtime -> answers and services -> recovery (renders with the services' answers) -> the app
"""

from __future__ import annotations

from fastapi import FastAPI

from chain.backends.base import ChainBackend
from chain.backends.factory import open_backend
from chain.deploy import attach, contracts_at, deployed_addresses, error_decoder, joined_addresses
from chain.keys import Keystore
from chain.tx import Transactor
from chain.zk.ledger import decoder as confidential_decoder
from gateway.core.datadir import DataDirLock
from gateway.core.db import Database
from gateway.core.security import DocumentCipher, hash_token, operator_token
from gateway.core.settings import Settings
from gateway.http.app import create_app
from gateway.ledger.bundler import Bundler, bundle_wait
from gateway.ledger.chainguard import ChainGuard
from gateway.ledger.confidential import PlatformModeRefused, check_mode, open_confidential
from gateway.ledger.follower import BlockFollower
from gateway.ledger.indexer import Indexer
from gateway.ledger.outbox import Outbox
from gateway.ledger.recovery import Recovery
from gateway.ledger.runtime import Runtime
from gateway.services.service_set import ServiceSet

OPERATOR_KEY = "operator"
#: the account that sends what self-custody participants sign: it pays the gas, and can only delay
RELAYER_KEY = "relayer"


def open_runtime(settings: Settings, command: str = "billchain serve") -> Runtime:
    """Everything a gateway holds, opened on the data dir it holds alone (DataDirBusy otherwise)."""
    lock = DataDirLock(settings.data_dir).acquire(command, port=settings.port, chain=settings.chain)
    try:
        return _open(settings, lock)
    except BaseException:
        lock.release()
        raise


def _open(settings: Settings, lock: DataDirLock) -> Runtime:
    data_dir = settings.data_dir
    check_mode(settings)  # before anything is opened
    data_dir.chmod(0o700)  # keys, token hashes and documents live here: owner only
    token, token_path = operator_token(data_dir, settings.operator_token)  # a weak one: refused first
    backend: ChainBackend = open_backend(
        settings.chain,
        data_dir,
        block_time=settings.block_time,
        gas_price=settings.gas_price,
        eip1559=settings.eip1559,
    )
    try:
        keystore = Keystore(data_dir)
        operator = keystore.get_or_create(OPERATOR_KEY)
        relayer = keystore.get_or_create(RELAYER_KEY)
        for account in (operator, relayer):  # the relayer sends what others sign; the operator, its own acts
            if backend.balance(account.address) == 0:  # dev chains: their gas money, once
                backend.fund(account.address)
            backend.allow_account(account.address)
        if settings.confidential and not backend.is_dev:
            raise PlatformModeRefused(
                "--confidential runs on dev chains only: its ceremony's keys and its viewing key are this machine's "
                "(a production network's ceremony and regulators' key cannot be configured yet: docs/PRIVACY.md §8)"
            )
        addresses = (
            joined_addresses(backend, settings.contracts, data_dir)  # another gateway's platform
            if settings.contracts is not None
            else deployed_addresses(backend, operator, data_dir, settings.admin_delay)
        )
        db = Database(settings.database)
        indexer = Indexer(backend, contracts_at(backend, addresses), db, operator.address)
        guard = ChainGuard(backend, db, indexer)
        guard.check()  # never an index ahead of its chain, before anything is indexed or served
        indexer.catch_up()
    except BaseException:
        backend.close()
        raise
    follower = BlockFollower(
        backend,
        indexer,
        stalled_after=settings.stalled_after,
        diverged=guard.repair,
        reorganised=guard.reorganised,
    )
    outbox = Outbox(db)
    # Every transaction waits with the follower and is written to the outbox before it is sent.
    decoder = confidential_decoder() if settings.confidential else error_decoder()
    tx = Transactor(backend, decoder, waiter=follower, journal=outbox)
    system = attach(backend, addresses, tx)
    confidential = None
    if settings.confidential:
        try:
            confidential = open_confidential(tx, operator, system.registry.contract.address, data_dir, keystore)
            guard.rewound.append(confidential.forget_wallets)  # a wallet read from dropped blocks is read again
        except BaseException:
            backend.close()
            raise
    bundler = None
    if settings.bundle_writes:  # hosted callers' writes share transactions (gateway/ledger/bundler.py)
        wait = bundle_wait(settings.bundle_wait, settings.block_time)
        bundler = Bundler(backend, system.relay, relayer, outbox, wait, settings.signature_ttl)
    return Runtime(
        settings=settings,
        backend=backend,
        system=system,
        keystore=keystore,
        operator=operator,
        relayer=relayer,
        db=db,
        indexer=indexer,
        cipher=DocumentCipher(data_dir),
        operator_token_hash=hash_token(token),
        operator_token_path=token_path,
        follower=follower,
        outbox=outbox,
        guard=guard,
        lock=lock,
        rules=system.bills.rules(),
        bundler=bundler,
        confidential=confidential,
    )


def build_app(runtime: Runtime) -> FastAPI:
    """The HTTP app over `runtime`: its services, and the recovery that answers with them."""
    services = ServiceSet.build(runtime)
    recovery = Recovery(runtime, services.answers.render)
    return create_app(runtime, services, recovery)
