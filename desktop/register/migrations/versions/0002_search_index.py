"""Search index: contentless FTS5 over folded names, id numbers, phones and dossier codes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desktop.register.textnorm import fold

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Contentless (content=''): the index keeps only tokens, not a second copy of the text.
    # detail=none: prefix queries need neither positions nor columns, and the index is smaller.
    op.execute(
        "CREATE VIRTUAL TABLE dossier_search USING fts5("
        "body, content='', detail=none, prefix='2 3', tokenize='unicode61 remove_diacritics 0')"
    )
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT id, applicant_name, applicant_id_number, applicant_phone, code FROM dossiers"))
    batch = []
    for r in rows:
        parts = [fold(r.applicant_name or ""), r.applicant_id_number or "",
                 r.applicant_phone or "", fold(r.code or "")]
        batch.append({"rowid": r.id, "body": " ".join(p for p in parts if p)})
    if batch:
        conn.execute(sa.text("INSERT INTO dossier_search (rowid, body) VALUES (:rowid, :body)"),
                     batch)


def downgrade() -> None:
    op.execute("DROP TABLE dossier_search")
