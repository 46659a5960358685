"""The whole bill business (issue 27): guarantees, restrictive endorsement, overdue acceptors, court orders and
key recovery. The index gains the signed guarantees, the acceptors' overdue events, the court order a bill or
range is frozen under and a seizure executes, and an endorsement's restrictive mark; a participant, the key
recovery requested for it. The index is rebuilt from the chain (`billchain reindex`), as always.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("index_state") as batch:
        batch.add_column(sa.Column("last_timestamp", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("participants") as batch:
        batch.add_column(sa.Column("recovery_address", sa.String(length=42), nullable=True))
        batch.add_column(sa.Column("recovery_approved_by", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("recovery_effective_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("bills") as batch:
        batch.add_column(sa.Column("order_hash", sa.String(length=66), nullable=True))
    with op.batch_alter_table("ranges") as batch:
        batch.add_column(sa.Column("order_hash", sa.String(length=66), nullable=True))
    with op.batch_alter_table("transfers") as batch:
        batch.add_column(sa.Column("restrictive", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("order_hash", sa.String(length=66), nullable=True))
    op.create_table(
        "guarantees",
        sa.Column("transfer_id", sa.Integer(), primary_key=True),
        sa.Column("bill_id", sa.Integer(), nullable=False, index=True),
        sa.Column("guarantor", sa.String(length=40), nullable=False),
        sa.Column("party", sa.String(length=40), nullable=False),
        sa.Column("range_start", sa.BigInteger(), nullable=True),
        sa.Column("range_end", sa.BigInteger(), nullable=True),
    )
    op.create_table(
        "overdue_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("acceptor", sa.String(length=40), nullable=False, index=True),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("overdue_until", sa.Date(), nullable=True),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("overdue_events")
    op.drop_table("guarantees")
    with op.batch_alter_table("transfers") as batch:
        batch.drop_column("order_hash")
        batch.drop_column("restrictive")
    with op.batch_alter_table("ranges") as batch:
        batch.drop_column("order_hash")
    with op.batch_alter_table("bills") as batch:
        batch.drop_column("order_hash")
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("recovery_effective_at")
        batch.drop_column("recovery_approved_by")
        batch.drop_column("recovery_address")
    with op.batch_alter_table("index_state") as batch:
        batch.drop_column("last_timestamp")
