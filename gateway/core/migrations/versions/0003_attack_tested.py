"""The attack-tested review (issue 13): token expiry, documents anchored per transfer, balances without a
64-bit bound, expired idempotency keys found by an index.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BIG = sa.Numeric(78, 0).with_variant(sa.String(80), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.add_column(sa.Column("token_expires_at", sa.DateTime(), nullable=True))
    op.create_index(op.f("ix_idempotency_created_at"), "idempotency", ["created_at"], unique=False)
    with op.batch_alter_table("balances") as batch:
        batch.alter_column("balance", type_=BIG, existing_type=sa.BigInteger(), existing_nullable=False)
    # Where a document is anchored, now per transfer: derived from the chain like the rest of the index,
    # so the whole index is emptied here and rebuilt from the chain by the next start (the gateway's own
    # data, participants, keys' answers, the outbox, documents, stays as it is).
    for table in ("ranges", "transfers", "history", "bill_viewers", "balances", "bills", "index_state"):
        op.execute(f"DELETE FROM {table}")
    op.drop_table("anchors")
    op.create_table(
        "anchors",
        sa.Column("hash", sa.String(length=66), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("transfer_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("hash", "bill_id", "transfer_id"),
    )


def downgrade() -> None:
    op.drop_table("anchors")
    op.create_table(
        "anchors",
        sa.Column("hash", sa.String(length=66), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("hash", "bill_id"),
    )
    with op.batch_alter_table("balances") as batch:
        batch.alter_column("balance", type_=sa.BigInteger(), existing_type=BIG, existing_nullable=False)
    op.drop_index(op.f("ix_idempotency_created_at"), table_name="idempotency")
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("token_expires_at")
