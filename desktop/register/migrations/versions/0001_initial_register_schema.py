"""Initial register schema: event log, dossier and logbook projections, rules, calendar.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 12:55:44.334502
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Stamp the file as a motcua register (checked before restore and at start-up).
    op.execute("PRAGMA application_id = 1296258369")  # 0x4D435541 'MCUA'
    op.create_table('calendar_overrides',
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=4), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('added_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('day')
    )
    op.create_table('counters',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('dossiers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=True),
    sa.Column('procedure_code', sa.String(length=40), nullable=False),
    sa.Column('field_code', sa.String(length=40), nullable=False),
    sa.Column('catalogue_version', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.Integer(), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('applicant_name', sa.String(length=120), nullable=False),
    sa.Column('applicant_id_number', sa.String(length=12), nullable=True),
    sa.Column('applicant_phone', sa.String(length=16), nullable=True),
    sa.Column('applicant_address', sa.Text(), nullable=True),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('received_at', sa.String(length=32), nullable=True),
    sa.Column('appointment_at', sa.String(length=32), nullable=True),
    sa.Column('due_at', sa.String(length=32), nullable=True),
    sa.Column('holder', sa.String(length=120), nullable=True),
    sa.Column('officer', sa.String(length=64), nullable=False),
    sa.Column('supplement_count', sa.Integer(), nullable=False),
    sa.Column('supplement_since', sa.String(length=32), nullable=True),
    sa.Column('extension_count', sa.Integer(), nullable=False),
    sa.Column('late_forced', sa.Integer(), nullable=False),
    sa.Column('resume_status', sa.Integer(), nullable=True),
    sa.Column('fee_amount', sa.Integer(), nullable=False),
    sa.Column('fee_paid', sa.Integer(), nullable=False),
    sa.Column('result_at', sa.String(length=32), nullable=True),
    sa.Column('finished_at', sa.String(length=32), nullable=True),
    sa.Column('returned_at', sa.String(length=32), nullable=True),
    sa.Column('rating', sa.String(length=24), nullable=True),
    sa.Column('tracking_entry', sa.String(length=36), nullable=True),
    sa.Column('conflict', sa.Text(), nullable=True),
    sa.Column('event_count', sa.Integer(), nullable=False),
    sa.Column('last_hlc', sa.String(length=24), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code'),
    sa.UniqueConstraint('uid')
    )
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.create_index('ix_dossiers_id_number', ['applicant_id_number'], unique=False)
        batch_op.create_index('ix_dossiers_procedure', ['procedure_code', 'received_at'], unique=False)
        batch_op.create_index('ix_dossiers_received', ['received_at'], unique=False)
        batch_op.create_index('ix_dossiers_status_due', ['status', 'due_at'], unique=False)

    op.create_table('events',
    sa.Column('seq', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('stream', sa.String(length=36), nullable=False),
    sa.Column('stream_type', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.Integer(), nullable=True),
    sa.Column('occurred_at', sa.String(length=32), nullable=False),
    sa.Column('hlc', sa.String(length=24), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('device_seq', sa.Integer(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('origin', sa.String(length=8), nullable=False),
    sa.Column('acked_at', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('seq'),
    sa.UniqueConstraint('device_id', 'device_seq', name='uq_events_device_seq'),
    sa.UniqueConstraint('uid'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_hlc', ['hlc'], unique=False)
        batch_op.create_index('ix_events_stream_order', ['stream', 'hlc', 'device_id', 'uid'], unique=False)

    op.create_table('logbook_volumes',
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('book_kind', sa.String(length=40), nullable=False),
    sa.Column('field_code', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('volume_no', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('opened_at', sa.String(length=32), nullable=False),
    sa.Column('first_number', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('closed_at', sa.String(length=32), nullable=True),
    sa.Column('closing', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('uid'),
    sa.UniqueConstraint('book_kind', 'field_code', 'year', 'volume_no', name='uq_volume')
    )
    op.create_table('meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('rule_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('version', sa.String(length=20), nullable=False),
    sa.Column('effective_from', sa.String(length=10), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('installed_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'version', name='uq_rule_version')
    )
    op.create_table('logbook_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('volume_uid', sa.String(length=36), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('registered_at', sa.String(length=32), nullable=False),
    sa.Column('dossier_uid', sa.String(length=36), nullable=True),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('corrects_uid', sa.String(length=36), nullable=True),
    sa.Column('voided_at', sa.String(length=32), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['volume_uid'], ['logbook_volumes.uid'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('uid'),
    sa.UniqueConstraint('volume_uid', 'number', name='uq_entry_number')
    )
    with op.batch_alter_table('logbook_entries', schema=None) as batch_op:
        batch_op.create_index('ix_entries_dossier', ['dossier_uid'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('logbook_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_entries_dossier')

    op.drop_table('logbook_entries')
    op.drop_table('rule_versions')
    op.drop_table('meta')
    op.drop_table('logbook_volumes')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_stream_order')
        batch_op.drop_index('ix_events_hlc')

    op.drop_table('events')
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_index('ix_dossiers_status_due')
        batch_op.drop_index('ix_dossiers_received')
        batch_op.drop_index('ix_dossiers_procedure')
        batch_op.drop_index('ix_dossiers_id_number')

    op.drop_table('dossiers')
    op.drop_table('counters')
    op.drop_table('calendar_overrides')
