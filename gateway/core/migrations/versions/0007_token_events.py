"""Attack-tested, round three (issue 24): every API token this gateway issues for a participant is recorded
(`token_events`: when, by whom, how), readable by the participant and REGULATORs. Tokens issued before this
revision left no record; the first one recorded is the next.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "token_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("participant", sa.String(length=40), nullable=False, index=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("token_events")
