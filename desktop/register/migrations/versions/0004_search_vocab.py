"""Search: a one-letter prefix index and the vocabulary table used to expand the last word.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A contentless index cannot be rebuilt from itself: the new one is filled from the
    # dossiers in SQL with the same folding the register uses (motcua_fold, registered on
    # the connection by the migration runner).
    op.execute("DROP TABLE dossier_search")
    op.execute(
        "CREATE VIRTUAL TABLE dossier_search USING fts5("
        "body, content='', detail=none, prefix='1 2 3', tokenize='unicode61 remove_diacritics 0')"
    )
    op.execute(
        "INSERT INTO dossier_search (rowid, body) SELECT id, trim(motcua_fold(applicant_name) "
        "|| ' ' || coalesce(applicant_id_number, '') || ' ' || coalesce(applicant_phone, '') "
        "|| ' ' || motcua_fold(coalesce(code, ''))) FROM dossiers"
    )
    op.execute("CREATE VIRTUAL TABLE dossier_search_vocab USING fts5vocab(dossier_search, 'row')")


def downgrade() -> None:
    op.execute("DROP TABLE dossier_search_vocab")
