"""Enrollment codes keep the hash of the client's retry key (a lost answer can be asked again).

Revision ID: s0002
Revises: s0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s0002"
down_revision = "s0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("enroll_codes") as batch:
        batch.add_column(sa.Column("retry_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("enroll_codes") as batch:
        batch.drop_column("retry_hash")
