"""A gateway per institution (issue 14): the participant directory comes from the chain, so a member
another gateway serves is listed here too, without a token (custody "elsewhere"); a member's place in
the directory is its member code.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.alter_column("token_hash", existing_type=sa.String(length=64), nullable=True)
    # the directory's order is the chain's: onboarding order, the member code (12 digits, no gaps)
    op.execute("UPDATE participants SET seq = -seq")
    op.execute("UPDATE participants SET seq = CAST(member_code AS INTEGER)")


def downgrade() -> None:
    op.execute("DELETE FROM participants WHERE token_hash IS NULL")
    with op.batch_alter_table("participants") as batch:
        batch.alter_column("token_hash", existing_type=sa.String(length=64), nullable=False)
