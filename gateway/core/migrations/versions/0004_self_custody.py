"""Keys with their owners (issue 14): a participant's custody, hosted (the gateway holds its key) or self
(it signs its own operations, which the gateway relays).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.add_column(sa.Column("custody", sa.String(length=10), nullable=False, server_default="hosted"))


def downgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("custody")
