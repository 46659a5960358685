"""Bundled writes (issue 28): each request carried in a bundle transaction, written down with the bundle before
it is sent (the bundle's own outbox entry holds the signed transaction), settled from the bundle's receipt.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bundle_items",
        sa.Column("tx_hash", sa.String(length=66), primary_key=True),
        sa.Column("index", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("state", sa.String(length=10), nullable=False, index=True),
        sa.Column("caller", sa.String(length=40), nullable=True),
        sa.Column("key", sa.String(length=255), nullable=True),
        sa.Column("request_hash", sa.String(length=64), nullable=True),
        sa.Column("method_path", sa.String(length=300), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("operation", sa.String(length=30), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("signer", sa.String(length=42), nullable=False),
        sa.Column("nonce", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_bundle_items_caller_key", "bundle_items", ["caller", "key"])


def downgrade() -> None:
    op.drop_index("ix_bundle_items_caller_key", table_name="bundle_items")
    op.drop_table("bundle_items")
