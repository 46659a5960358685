"""The console (issue 16): cash movements in the index, for a participant's cash screen, and the writes
refused for a document anchored already, for the regulator's reports. The index is a read model of the
chain: this revision empties it, and the gateway reads the chain again from block 0 when it starts (as
`billchain index rebuild` does), so movements made before the upgrade are there too.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

#: fen without a bound, as gateway/core/db.py BigAmount: NUMERIC(78, 0), a decimal string on SQLite
BIG = sa.Numeric(precision=78, scale=0).with_variant(sa.String(length=80), "sqlite")

#: the read models, children first (gateway/core/db.py INDEX_TABLES)
INDEX = ("anchors", "balances", "bill_viewers", "history", "transfers", "ranges", "bills", "index_state")


def upgrade() -> None:
    op.create_table(
        "cash_movements",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("sender", sa.String(length=40), nullable=True, index=True),
        sa.Column("receiver", sa.String(length=40), nullable=False, index=True),
        sa.Column("amount", BIG, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=True),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False, index=True),
        sa.Column("timestamp", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "refusals",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(), nullable=False, index=True),
        sa.Column("caller", sa.String(length=40), nullable=False),
        sa.Column("method_path", sa.String(length=300), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("document_hash", sa.String(length=66), nullable=True),
    )
    for table in INDEX:
        op.execute(f"DELETE FROM {table}")
    op.execute("UPDATE participants SET status = 'ACTIVE'")  # statuses come back from the chain's events


def downgrade() -> None:
    op.drop_table("refusals")
    op.drop_table("cash_movements")
