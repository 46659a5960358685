"""The gateway's schema as the first wave left it (main at 3922ae2), before migrations existed.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "anchors",
        sa.Column("hash", sa.String(length=66), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("hash", "bill_id"),
    )
    op.create_table(
        "balances",
        sa.Column("participant", sa.String(length=40), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("participant"),
    )
    op.create_table(
        "bill_viewers",
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("participant", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("bill_id", "participant"),
    )
    op.create_table(
        "bills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bill_no", sa.String(length=30), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("drawer", sa.String(length=40), nullable=False),
        sa.Column("acceptor", sa.String(length=40), nullable=False),
        sa.Column("payee", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("maturity_date", sa.Date(), nullable=False),
        sa.Column("transferable", sa.Boolean(), nullable=False),
        sa.Column("document_hash", sa.String(length=66), nullable=True),
        sa.Column("frozen", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "document_uploaders",
        sa.Column("hash", sa.String(length=66), nullable=False),
        sa.Column("uploader", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("hash", "uploader"),
    )
    op.create_table(
        "documents",
        sa.Column("hash", sa.String(length=66), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=False),
        sa.Column("uploader", sa.String(length=40), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("hash"),
    )
    op.create_table(
        "history",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=30), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("timestamp", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=40), nullable=True),
        sa.Column("range_start", sa.BigInteger(), nullable=True),
        sa.Column("range_end", sa.BigInteger(), nullable=True),
        sa.Column("counterparty", sa.String(length=40), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("transfer_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_index(op.f("ix_history_bill_id"), "history", ["bill_id"], unique=False)
    op.create_table(
        "idempotency",
        sa.Column("caller", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("caller", "key"),
    )
    op.create_table(
        "index_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_block", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "outbox",
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("caller", sa.String(length=40), nullable=True),
        sa.Column("key", sa.String(length=255), nullable=True),
        sa.Column("request_hash", sa.String(length=64), nullable=True),
        sa.Column("method_path", sa.String(length=300), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("operation", sa.String(length=30), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("signer", sa.String(length=42), nullable=False),
        sa.Column("nonce", sa.BigInteger(), nullable=False),
        sa.Column("to", sa.String(length=42), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("gas", sa.BigInteger(), nullable=False),
        sa.Column("gas_price", sa.BigInteger(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("tx_hash"),
    )
    op.create_index(op.f("ix_outbox_state"), "outbox", ["state"], unique=False)
    op.create_table(
        "participants",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("member_code", sa.String(length=12), nullable=False),
        sa.Column("address", sa.String(length=42), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("address"),
        sa.UniqueConstraint("seq"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_table(
        "ranges",
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.BigInteger(), nullable=False),
        sa.Column("end", sa.BigInteger(), nullable=False),
        sa.Column("holder", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("frozen", sa.Boolean(), nullable=False),
        sa.Column("pledgee", sa.String(length=40), nullable=True),
        sa.Column("pending_transfer", sa.Integer(), nullable=True),
        sa.Column("presented_at", sa.DateTime(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"],
            ["bills.id"],
        ),
        sa.PrimaryKeyConstraint("bill_id", "start"),
    )
    op.create_table(
        "transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.BigInteger(), nullable=False),
        sa.Column("end", sa.BigInteger(), nullable=False),
        sa.Column("sender", sa.String(length=40), nullable=False),
        sa.Column("receiver", sa.String(length=40), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=True),
        sa.Column("annual_rate", sa.String(length=12), nullable=True),
        sa.Column("document_hash", sa.String(length=66), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("prior_state", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"],
            ["bills.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    # ### end Alembic commands ###


def downgrade() -> None:
    op.drop_index(op.f("ix_history_bill_id"), table_name="history")
    op.drop_index(op.f("ix_outbox_state"), table_name="outbox")
    op.drop_table("ranges")
    op.drop_table("transfers")
    op.drop_table("anchors")
    op.drop_table("balances")
    op.drop_table("bill_viewers")
    op.drop_table("bills")
    op.drop_table("document_uploaders")
    op.drop_table("documents")
    op.drop_table("history")
    op.drop_table("idempotency")
    op.drop_table("index_state")
    op.drop_table("outbox")
    op.drop_table("participants")
