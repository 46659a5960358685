"""The chain guard (issue 18): the hash of the last indexed block, and chain incidents.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("index_state") as batch:
        batch.add_column(sa.Column("last_hash", sa.String(length=66), nullable=True))
    op.create_table(
        "chain_incidents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("lost", sa.Text(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("chain_incidents")
    with op.batch_alter_table("index_state") as batch:
        batch.drop_column("last_hash")
