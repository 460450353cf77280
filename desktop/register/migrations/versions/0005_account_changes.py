"""The accounts' audit trail in a table of its own; the unused search vocabulary table goes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("change", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["username"], ["accounts.username"]),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_account_changes_username", "account_changes", ["username"])
    # Search lists words through a per-connection fts5vocab 'instance' table since 0.2: the
    # stored 'row' table counted every word's dossiers on each lookup.
    op.execute("DROP TABLE IF EXISTS dossier_search_vocab")


def downgrade() -> None:
    op.execute("CREATE VIRTUAL TABLE dossier_search_vocab USING fts5vocab(dossier_search, 'row')")
    op.drop_index("ix_account_changes_username", table_name="account_changes")
    op.drop_table("account_changes")
