"""Finding dossiers: search-as-you-type over the full-text index, the paged list, home counts."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from sqlalchemy import Connection, func, select

from desktop.register.models import Dossier
from desktop.register.queries import (
    ROW_SELECT,
    ROW_SQL,
    DossierFilter,
    HomeCounts,
    count_rows,
    home_counts,
    list_rows,
)
from desktop.register.services.base import Service
from desktop.register.textnorm import fold
from desktop.register.views import DossierRow
from desktop.register.writer import dbapi as _dbapi
from sync.lifecycle import OPEN_STATES


class SearchService(Service):
    """Read-only views over the dossiers (never writes)."""

    def search(self, query: str, limit: int = 50) -> list[DossierRow]:
        """Diacritic-insensitive prefix search over name, id number, phone and dossier code."""
        raw = (query or "").strip()
        if not raw:
            return []
        with self._read() as conn:
            if "-" in raw:  # dossier codes always contain dashes: a scanner's input
                exact = conn.execute(_ROW_SELECT.where(Dossier.code == raw.upper())).all()
                if exact:
                    return [_row(r) for r in exact]
            match = fts_query(raw, conn)
            if not match:
                return []
            # Straight on the DBAPI connection, in the same read transaction: for 50 short
            # rows SQLAlchemy's result machinery would cost about as much as the query.
            rows = _dbapi(conn).execute(_SEARCH, (match, limit)).fetchall()
        return [_row(r) for r in rows]

    def count_dossiers(self) -> int:
        with self._read() as conn:
            return int(conn.execute(select(func.count()).select_from(Dossier)).scalar() or 0)

    def list_dossiers(self, flt: DossierFilter | None = None, *, offset: int = 0,
                      limit: int = 200, sort: str = "newest") -> list[DossierRow]:
        """One page of the dossier list (the UI fetches pages on demand, never all)."""
        with self._read() as conn:
            rows = list_rows(conn, _ROW_SELECT.selected_columns, flt or DossierFilter(),
                             self.clock(), offset=offset, limit=limit, sort=sort)
        return [_row(r) for r in rows]

    def count_matching(self, flt: DossierFilter | None = None) -> int:
        with self._read() as conn:
            return count_rows(conn, flt or DossierFilter(), self.clock())

    def home_counts(self) -> HomeCounts:
        """Today's figures: received, due today, overdue, awaiting supplement, not synced."""
        with self._read() as conn:
            return home_counts(conn, self.clock())

    def open_dossiers_of(self, id_number: str, procedure_code: str) -> list[DossierRow]:
        """Open dossiers of the same applicant for the same procedure (warned at the desk)."""
        d = Dossier
        with self._read() as conn:
            rows = conn.execute(_ROW_SELECT.where(
                d.applicant_id_number == id_number, d.procedure_code == procedure_code,
                d.status.in_([int(x) for x in OPEN_STATES]))).all()
        return [_row(r) for r in rows]

    def known_applicant(self, id_number: str) -> dict[str, Any] | None:
        """The latest applicant details recorded for an identification number."""
        d = Dossier
        with self._read() as conn:
            details = conn.execute(select(d.details).where(d.applicant_id_number == id_number)
                                   .order_by(d.id.desc()).limit(1)).scalar()
        if details is None:
            return None

        return dict(json.loads(details).get("applicant", {}))


_ROW_SELECT = ROW_SELECT


MAX_EXPANSION = 24
# The search index keeps prefix indexes of 1 to 3 characters (prefix='1 2 3', migration 0004):
# a last word that short is a single doclist there, read lazily like a whole word.
LONGEST_INDEXED_PREFIX = 3
# The words of the search index, one row per (word, dossier), in word order. Unlike the
# 'row' vocabulary table (dossier_search_vocab, which counts each word's dossiers by reading
# its whole doclist: 5 ms for the words starting with "th" on a million dossiers), listing
# words here costs one index seek per word. A TEMP table, made by the connect hook below on
# every connection: nothing of it is stored in the register file.
_TERMS_DDL = ("CREATE VIRTUAL TABLE IF NOT EXISTS temp.dossier_search_terms "
              "USING fts5vocab(main, dossier_search, instance)")
_TERMS = ("SELECT term FROM temp.dossier_search_terms WHERE term >= ? AND term < ? "
          f"LIMIT {MAX_EXPANSION + 1}")
# IN rather than a join: SQLite then walks the ids in order, without sorting the rows again.
_SEARCH = (f"SELECT {ROW_SQL} FROM dossiers d WHERE d.id IN ("
           "SELECT rowid FROM dossier_search WHERE dossier_search MATCH ? ORDER BY rowid DESC "
           "LIMIT ?) ORDER BY d.id DESC")


def _add_search_terms(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    """Connect hook (installed by Register.open): the TEMP word list that fts_query reads."""
    dbapi_connection.execute(_TERMS_DDL)


def fts_query(raw: str, conn: Connection | None = None) -> str:
    """FTS5 MATCH text, search-as-you-type: earlier words whole, the last word a prefix.

    With a connection, a last word longer than the prefix indexes is expanded through the
    index's vocabulary into an OR of whole words when few words start with it ("dang" →
    "dang" OR "dangkhoa" …): FTS5 then walks the doclists lazily for `ORDER BY rowid DESC
    LIMIT n`, where a prefix query would first merge every matching doclist (57 ms for
    "nguyen"* on a million dossiers). A shorter one reads its prefix index: "tr"* takes
    0.1-0.25 ms there, its expansion into 8 words 0.6-0.9 ms.
    """
    tokens = fold(raw).split()
    if not tokens:
        return ""
    head = [f'"{t}"' for t in tokens[:-1]]
    last = tokens[-1]
    tail = f'"{last}"*'
    if conn is not None and len(last) > LONGEST_INDEXED_PREFIX:
        terms = _words_starting_with(_dbapi(conn), last)
        if 0 < len(terms) <= MAX_EXPANSION:
            tail = "(" + " OR ".join(f'"{t}"' for t in terms) + ")"
        elif not terms:
            return ""
    return " AND ".join([*head, tail])


def _words_starting_with(dbapi: sqlite3.Connection, prefix: str) -> list[str]:
    """The index's words that start with `prefix`, in order, at most MAX_EXPANSION + 1."""
    words: list[str] = []
    lo, hi = prefix, prefix + "\U0010ffff"
    while True:
        page = dbapi.execute(_TERMS, (lo, hi)).fetchall()
        for (word,) in page:
            if not words or words[-1] != word:
                words.append(word)
        if len(words) > MAX_EXPANSION or len(page) <= MAX_EXPANSION:
            return words[:MAX_EXPANSION + 1]
        # A full page may hold one word's dossiers only: seek past that word. The tokenizer
        # never keeps a control character, so no word lies between w and w + "\x01".
        lo = words[-1] + "\x01"


_row = DossierRow.from_values


