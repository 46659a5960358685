"""The gateway's own data, through SQLAlchemy: SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from importlib.resources import files
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    TypeDecorator,
    create_engine,
    delete,
    event,
    false,
    inspect,
)
from sqlalchemy.engine import Dialect, Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeEngine


class Base(DeclarativeBase):
    pass


class ParticipantRow(Base):
    __tablename__ = "participants"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    member_code: Mapped[str] = mapped_column(String(12))
    address: Mapped[str] = mapped_column(String(42), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="ACTIVE")
    credit_code: Mapped[str | None] = mapped_column(String(18), nullable=True)
    #: the hash of its one API token: a new token (rotated, or issued by the operator) replaces it at once;
    #: none when another gateway serves it (the directory comes from the chain: every member is here)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    #: when the token stops working (BILLCHAIN_TOKEN_TTL_DAYS), or never
    token_expires_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    #: "hosted": this gateway holds its key; "self": it signs its own operations, this gateway relays them
    #: (docs/SIGNING.md); "elsewhere": another institution's gateway serves it (docs/GATEWAYS.md)
    custody: Mapped[str] = mapped_column(String(10), default="hosted", server_default="hosted")
    #: a key recovery requested on chain and not yet cancelled or completed (DOMAIN.md, "Key recovery"): the new
    #: address, the REGULATOR that approved it and when it takes effect (none until approved)
    recovery_address: Mapped[str | None] = mapped_column(String(42), nullable=True)
    recovery_approved_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    recovery_effective_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    @property
    def self_custody(self) -> bool:
        return self.custody == "self"

    @property
    def served_here(self) -> bool:
        """Whether this gateway serves it: issues its token, and holds its key or relays what it signs."""
        return self.custody != "elsewhere"


class TokenEventRow(Base):
    """A token this gateway issued for a participant (API.md: every token the operator reissues is recorded,
    readable by the participant and REGULATORs): hosted custody trusts the operator, but not unseen."""

    __tablename__ = "token_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    participant: Mapped[str] = mapped_column(String(40), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    by: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(10))  # ISSUED, ROTATED, REISSUED


class IdempotencyRow(Base):
    __tablename__ = "idempotency"
    caller: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class OutboxRow(Base):
    """A signed transaction, written down before the node sees it (gateway/ledger/outbox.py)."""

    __tablename__ = "outbox"
    tx_hash: Mapped[str] = mapped_column(String(66), primary_key=True)
    state: Mapped[str] = mapped_column(String(10), index=True)  # PENDING, DONE, ABANDONED
    caller: Mapped[str | None] = mapped_column(String(40), nullable=True)
    key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    request_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    method_path: Mapped[str] = mapped_column(String(300))
    request: Mapped[str] = mapped_column(Text)
    operation: Mapped[str] = mapped_column(String(30))
    answer: Mapped[str] = mapped_column(Text)  # JSON: how the answer is built from the receipt
    signer: Mapped[str] = mapped_column(String(42))
    nonce: Mapped[int] = mapped_column(BigInteger)
    to: Mapped[str] = mapped_column(String(42))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    gas: Mapped[int] = mapped_column(BigInteger)
    gas_price: Mapped[int] = mapped_column(BigInteger)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class BundleItemRow(Base):
    """A request carried as one item of a bundle transaction (gateway/ledger/bundler.py), written down with the
    bundle's outbox entry before the node sees it; settled from the bundle's receipt."""

    __tablename__ = "bundle_items"
    tx_hash: Mapped[str] = mapped_column(String(66), primary_key=True)  # the bundle's outbox entry
    index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    state: Mapped[str] = mapped_column(String(10), index=True)  # PENDING, DONE, ABANDONED
    caller: Mapped[str | None] = mapped_column(String(40), nullable=True)
    key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    request_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    method_path: Mapped[str] = mapped_column(String(300))
    request: Mapped[str] = mapped_column(Text)
    operation: Mapped[str] = mapped_column(String(30))
    answer: Mapped[str] = mapped_column(Text)  # JSON: how the item's answer is built from its part of the receipt
    signer: Mapped[str] = mapped_column(String(42))  # who signed the item (the caller's hosted key)
    nonce: Mapped[int] = mapped_column(BigInteger)  # the item's relay nonce
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_bundle_items_caller_key", "caller", "key"),)


class DocumentRow(Base):
    __tablename__ = "documents"
    hash: Mapped[str] = mapped_column(String(66), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(200))
    uploader: Mapped[str] = mapped_column(String(40))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class DocumentUploaderRow(Base):
    __tablename__ = "document_uploaders"
    hash: Mapped[str] = mapped_column(String(66), primary_key=True)
    uploader: Mapped[str] = mapped_column(String(40), primary_key=True)


# --- the index: read models rebuilt from contract events ------------------------------


class IndexState(Base):
    __tablename__ = "index_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_block: Mapped[int] = mapped_column(BigInteger)
    #: the hash of `last_block` as indexed: a chain that no longer has it is not the chain indexed
    last_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    #: the time of `last_block` (unix seconds): the chain's today as the index knows it, read without the node
    last_timestamp: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class ChainIncidentRow(Base):
    """The chain lost what the gateway had acknowledged (gateway/ledger/chainguard.py); open until a person
    acknowledges it with `billchain reindex`."""

    __tablename__ = "chain_incidents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    detected_at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text)
    lost: Mapped[str] = mapped_column(Text)  # JSON: the acknowledged transactions the chain lacks
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class BillRow(Base):
    __tablename__ = "bills"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bill_no: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    drawer: Mapped[str] = mapped_column(String(40))
    acceptor: Mapped[str] = mapped_column(String(40))
    payee: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(BigInteger)
    issue_date: Mapped[date] = mapped_column(Date)
    maturity_date: Mapped[date] = mapped_column(Date)
    transferable: Mapped[bool] = mapped_column(Boolean)
    document_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    frozen: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the court order the whole bill is frozen under (a judicial freeze), or none
    order_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)


class RangeRow(Base):
    __tablename__ = "ranges"
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id"), primary_key=True)
    start: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    end: Mapped[int] = mapped_column(BigInteger)
    holder: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20))
    frozen: Mapped[bool] = mapped_column(Boolean, default=False)
    pledgee: Mapped[str | None] = mapped_column(String(40), nullable=True)
    pending_transfer: Mapped[int | None] = mapped_column(Integer, nullable=True)
    presented_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the court order the range is frozen under (a judicial freeze), or none
    order_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)


class TransferRow(Base):
    __tablename__ = "transfers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id"))
    start: Mapped[int] = mapped_column(BigInteger)
    end: Mapped[int] = mapped_column(BigInteger)
    sender: Mapped[str] = mapped_column(String(40))
    receiver: Mapped[str] = mapped_column(String(40))
    price: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    annual_rate: Mapped[str | None] = mapped_column(String(12), nullable=True)
    document_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    prior_state: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    #: an endorsement marked 不得转让 (DOMAIN.md, "Restrictive endorsement")
    restrictive: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: the court order a SEIZURE executes
    order_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)

    @property
    def names_range(self) -> bool:
        """A drawer's or acceptor's guarantee of the whole bill names no range (start 0)."""
        return self.start != 0


class GuaranteeRow(Base):
    """A signed guarantee (DOMAIN.md, "Guarantees"): `guarantor` for `party`, of the whole bill (no range) or
    of the range `range_start..range_end` as it was when guaranteed (and every range later split from it)."""

    __tablename__ = "guarantees"
    transfer_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bill_id: Mapped[int] = mapped_column(Integer, index=True)
    guarantor: Mapped[str] = mapped_column(String(40))
    party: Mapped[str] = mapped_column(String(40))
    range_start: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    range_end: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class OverdueEventRow(Base):
    """An acceptor's overdue event, as the chain counted it (`AcceptorOverdue`), with the chain's verdict: the
    acceptor is persistently overdue through `overdue_until` (none while it had fewer than three)."""

    __tablename__ = "overdue_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    acceptor: Mapped[str] = mapped_column(String(40), index=True)
    bill_id: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    overdue_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    block_number: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(String(66))


class HistoryRow(Base):
    __tablename__ = "history"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    bill_id: Mapped[int] = mapped_column(Integer, index=True)
    event: Mapped[str] = mapped_column(String(30))
    block_number: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(String(66))
    timestamp: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str | None] = mapped_column(String(40), nullable=True)
    range_start: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    range_end: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    counterparty: Mapped[str | None] = mapped_column(String(40), nullable=True)
    amount: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    transfer_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ViewerRow(Base):
    """Who may see a bill beyond REGULATOR and OPERATOR (API.md's visibility rule)."""

    __tablename__ = "bill_viewers"
    bill_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant: Mapped[str] = mapped_column(String(40), primary_key=True)


class BigAmount(TypeDecorator[int]):
    """Fen without a bound (a balance can pass 64 bits: cash is minted by many banks): NUMERIC(78, 0) on
    PostgreSQL, a decimal string on SQLite (whose numbers stop at 64 bits, then turn into floats)."""

    impl = Numeric(78, 0)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(80))
        return dialect.type_descriptor(Numeric(78, 0, asdecimal=True))

    def process_bind_param(self, value: int | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return str(int(value)) if dialect.name == "sqlite" else Decimal(int(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> int | None:
        return None if value is None else int(value)


class BalanceRow(Base):
    __tablename__ = "balances"
    participant: Mapped[str] = mapped_column(String(40), primary_key=True)
    balance: Mapped[int] = mapped_column(BigAmount, default=0)


class AnchorRow(Base):
    """Where a document is anchored: a bill (transfer_id 0) or one transfer of it. Who may read the
    document follows: the bill's viewers for a bill's document, the transfer's parties for a transfer's."""

    __tablename__ = "anchors"
    hash: Mapped[str] = mapped_column(String(66), primary_key=True)
    bill_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transfer_id: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)


class CashMovementRow(Base):
    """One movement of digital cash (the cash contract's Transfer event), with what it paid for: MINT (from
    no one), TRANSFER (a holder's own payment), or the bill settlement in the same transaction: DISCOUNT
    (delivery versus payment), PAY (at maturity), RECOURSE."""

    __tablename__ = "cash_movements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sender: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    receiver: Mapped[str] = mapped_column(String(40), index=True)
    amount: Mapped[int] = mapped_column(BigAmount)
    kind: Mapped[str] = mapped_column(String(10))
    bill_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    block_number: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(String(66), index=True)
    timestamp: Mapped[datetime] = mapped_column(DateTime)


class RefusalRow(Base):
    """A write this gateway refused because its trade document is anchored already: a blocked attempt at
    financing one invoice twice (the chain reverts it, so it leaves no event; the regulator's report reads
    this). The gateway's own record, not part of the index."""

    __tablename__ = "refusals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    caller: Mapped[str] = mapped_column(String(40))
    method_path: Mapped[str] = mapped_column(String(300))
    code: Mapped[str] = mapped_column(String(40))
    document_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)


INDEX_TABLES = (
    BillRow,
    RangeRow,
    TransferRow,
    GuaranteeRow,
    OverdueEventRow,
    HistoryRow,
    ViewerRow,
    BalanceRow,
    AnchorRow,
    CashMovementRow,
    IndexState,
)


MIGRATIONS = files("gateway.core") / "migrations"
#: a database made before migrations existed (by `create_all`): its revision, told by its tables
UNVERSIONED = (("chain_incidents", "0002"), ("participants", "0001"))


#: SQLite connections kept open: as many as the threads that write at once (anyio's 40 workers and the
#: follower's), so that none is opened (with its pragmas) and closed again per request under load
SQLITE_POOL_SIZE = 48


class Database:
    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        in_file = parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")
        pool: dict[str, int] = {"pool_size": SQLITE_POOL_SIZE, "max_overflow": 16} if in_file else {}
        self.engine: Engine = create_engine(url, future=True, **pool)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.upgrade()
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def upgrade(self) -> None:
        """Bring the schema to the newest revision (gateway/core/migrations), in place: a bank's
        PostgreSQL is upgraded by the gateway that starts on it. A database older than migrations is
        first stamped with the revision its tables show."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            tables = set(inspect(connection).get_table_names())
            if "alembic_version" not in tables:
                found = next((revision for table, revision in UNVERSIONED if table in tables), None)
                if found is not None:
                    command.stamp(config, found)
            command.upgrade(config, "head")

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    def drop_index(self) -> None:
        """Empty the read models (they are rebuilt from the chain)."""
        with self.session() as s:
            for table in reversed(INDEX_TABLES):
                s.execute(delete(table))


def _sqlite_pragmas(connection: object, _: object) -> None:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
