"""Alembic's environment: the gateway runs its migrations itself (gateway/core/db.py `Database.upgrade`),
on the connection it gives here; `alembic` on the command line is not needed."""

from __future__ import annotations

from alembic import context

from gateway.core.db import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
