"""`motcua check`, book entries: every stored entry's keys are fields of its book's schema.

An entry key that no catalogue version's schema of its book defines would never be printed
(the printed book refuses it) nor shown in the entry dialog: the check reports it, per book
kind, with how many entries hold it. Legacy keys a field reads as its own (aliases) pass.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from typing import Protocol

from desktop.register.catalogue import SYSTEM_KEYS, Catalogue, CatalogueSet, parse_catalogue

# Cheap first: the distinct (book, key) pairs, parsed by SQLite in C. Only a book holding a key
# that is not one of its fields (a legacy alias, or worse) is read entry by entry after that.
_KEY_PAIRS = """
SELECT DISTINCT v.book_kind, j.key
FROM logbook_entries e JOIN logbook_volumes v ON v.uid = e.volume_uid, json_each(e.data) j
WHERE v.book_kind IN ({kinds})
"""
_KEY_SETS = """
SELECT (SELECT group_concat(j.key, char(31)) FROM json_each(e.data) j), count(*)
FROM logbook_entries e JOIN logbook_volumes v ON v.uid = e.volume_uid
WHERE v.book_kind = ?
GROUP BY 1
"""


class _Report(Protocol):
    def add(self, vi: str, en: str) -> None: ...


def _catalogues(raw: sqlite3.Connection) -> list[Catalogue]:
    rows = raw.execute("SELECT content FROM rule_versions WHERE kind = 'catalogue'").fetchall()
    if not rows:
        return []
    return list(CatalogueSet(parse_catalogue(json.loads(r[0])) for r in rows))


def unknown_entry_keys(catalogues: list[Catalogue], book_kind: str, keys: list[str]
                       ) -> list[str]:
    """The keys of one entry that no version's schema of its book kind knows ([] if fine).

    A book kind no version defines, or defines without a schema, is not judged here.
    """
    best: list[str] | None = None
    for catalogue in catalogues:
        kind = next((b for b in catalogue.book_kinds if b.code == book_kind), None)
        if kind is None or not kind.has_schema:
            continue
        unknown = kind.unknown_keys(kind.canonical(dict.fromkeys(keys, "")))
        if not unknown:
            return []
        if best is None or len(unknown) < len(best):
            best = unknown
    return best or []


def check_entry_keys(raw: sqlite3.Connection, report: _Report) -> None:
    """Add a problem for each book kind whose entries hold keys its schema does not define.

    The tracking book is left out: its entries are written by the register, never typed.
    """
    catalogues = _catalogues(raw)
    known: dict[str, set[str]] = {}
    for catalogue in catalogues:
        for kind in catalogue.book_kinds:
            if kind.has_schema and kind.group != "tracking":
                known.setdefault(kind.code, set(SYSTEM_KEYS)).update(kind.keys)
    if not known:
        return
    marks = ", ".join("?" * len(known))
    doubtful = sorted({book_kind for book_kind, key in raw.execute(
        _KEY_PAIRS.format(kinds=marks), tuple(known)) if key not in known[book_kind]})
    for book_kind in doubtful:
        counter: Counter[str] = Counter()
        for joined, count in raw.execute(_KEY_SETS, (book_kind,)):
            keys = joined.split("\x1f") if joined else []
            for key in unknown_entry_keys(catalogues, book_kind, keys):
                counter[key] += count
        if not counter:
            continue  # legacy keys only, each read as one of today's
        listed = ", ".join(f"{k} ({n})" for k, n in sorted(counter.items()))
        report.add(
            f"Sổ {book_kind}: có mục ghi thông tin không có trong mẫu sổ của danh mục, nên "
            f"không in ra được: {listed}.",
            f"Book {book_kind}: entries hold keys its catalogue schema does not define, so "
            f"they cannot be printed: {listed}.")
