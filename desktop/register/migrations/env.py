"""Alembic environment: migrations always run on a connection handed over by the register."""

from __future__ import annotations

from alembic import context

from desktop.register.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
)
with context.begin_transaction():
    context.run_migrations()
