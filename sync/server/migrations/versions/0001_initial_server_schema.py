"""Offices, devices, enrollment codes, streams, events, publications and the epoch.

Revision ID: s0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "s0001"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    meta = op.create_table(
        "server_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    # The epoch is drawn once, with the database: a copy restored from a backup keeps it.
    op.bulk_insert(meta, [{"key": "epoch", "value": secrets.token_hex(8)}])
    op.create_table(
        "offices",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("province_code", sa.Integer(), nullable=False),
        sa.Column("commune_code", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_offices_commune_code", "offices", ["commune_code"])
    op.create_table(
        "devices",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("office_id", sa.String(length=32), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("app_version", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("enrolled_at", sa.String(length=32), nullable=False),
        sa.Column("revoked_at", sa.String(length=32), nullable=True),
        sa.Column("head_seq", sa.Integer(), nullable=False),
        sa.Column("last_push_at", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
        sa.UniqueConstraint("office_id", "slot", name="uq_devices_office_slot"),
    )
    op.create_index("ix_devices_office_id", "devices", ["office_id"])
    op.create_table(
        "enroll_codes",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("office_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("expires_at", sa.String(length=32), nullable=False),
        sa.Column("used_at", sa.String(length=32), nullable=True),
        sa.Column("used_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"]),
        sa.PrimaryKeyConstraint("code_hash"),
    )
    op.create_index("ix_enroll_codes_office_id", "enroll_codes", ["office_id"])
    op.create_table(
        "streams",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("office_id", sa.String(length=32), nullable=False),
        sa.Column("stream_type", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_streams_office_id", "streams", ["office_id"])
    op.create_table(
        "events",
        sa.Column("seq", BigId, autoincrement=True, nullable=False),
        sa.Column("office_id", sa.String(length=32), nullable=False),
        sa.Column("uid", sa.String(length=200), nullable=False),
        sa.Column("stream", sa.String(length=200), nullable=False),
        sa.Column("stream_type", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.Integer(), nullable=True),
        sa.Column("occurred_at", sa.String(length=200), nullable=False),
        sa.Column("hlc", sa.String(length=200), nullable=False),
        sa.Column("device_id", sa.String(length=200), nullable=False),
        sa.Column("device_seq", sa.BigInteger(), nullable=False),
        sa.Column("prev_hash", sa.String(length=200), nullable=False),
        sa.Column("hash", sa.String(length=200), nullable=False),
        sa.Column("received_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"]),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("uid"),
        sa.UniqueConstraint("device_id", "device_seq", name="uq_events_device_seq"),
    )
    op.create_index("ix_events_office_seq", "events", ["office_id", "seq"])
    op.create_index("ix_events_stream", "events", ["stream"])
    op.create_table(
        "publications",
        sa.Column("seq", BigId, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("published_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )


def downgrade() -> None:
    for table in ("publications", "events", "streams", "enroll_codes", "devices", "offices",
                  "server_meta"):
        op.drop_table(table)
