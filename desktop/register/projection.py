"""Reading and writing the projection tables (dossiers, volumes, entries, search index)."""

from __future__ import annotations

import json
from collections.abc import Callable
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, insert, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from desktop.register.events import canonical_json
from desktop.register.models import Dossier, LogbookEntry, LogbookVolume
from desktop.register.textnorm import fold

DOSSIER_COLUMNS = (
    "uid", "code", "procedure_code", "field_code", "catalogue_version", "channel", "status",
    "applicant_name", "applicant_id_number", "applicant_phone", "applicant_address", "details",
    "received_at", "appointment_at", "due_at", "holder", "officer", "supplement_count",
    "supplement_since", "extension_count", "late_forced", "resume_status", "fee_amount",
    "fee_paid", "result_at", "finished_at", "returned_at", "rating", "tracking_entry",
    "conflict", "event_count", "last_hlc",
)
VOLUME_COLUMNS = (
    "uid", "book_kind", "field_code", "year", "volume_no", "device_id", "opened_at",
    "first_number", "last_number", "capacity", "closed_at", "closing",
)
ENTRY_COLUMNS = (
    "uid", "volume_uid", "number", "registered_at", "dossier_uid", "data", "corrects_uid",
    "voided_at", "void_reason", "actor",
)
_JSON_COLUMNS = {"details", "closing", "data"}


def to_row(state: dict[str, Any], columns: tuple[str, ...]) -> dict[str, Any]:
    """State dict → row values (JSON columns as canonical text, enums as ints)."""
    row = {}
    for col in columns:
        value = state[col]
        if col in _JSON_COLUMNS:
            value = None if value is None else canonical_json(value)
        elif type(value) is not int and isinstance(value, int):  # bool, IntEnum
            value = int(value)
        row[col] = value
    return row


def values_of(columns: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """to_row's values in column order (two columns or more), made fast for comparing with
    millions of stored rows. Bools and IntEnums are left as they are: they compare equal to
    the ints to_row makes.
    """
    get = itemgetter(*columns)
    json_at = [i for i, col in enumerate(columns) if col in _JSON_COLUMNS]

    def values(state: dict[str, Any]) -> tuple[Any, ...]:
        row = list(get(state))
        for i in json_at:
            if row[i] is not None:
                row[i] = canonical_json(row[i])
        return tuple(row)

    return values


def from_row(row: Any, columns: tuple[str, ...]) -> dict[str, Any]:
    mapping = row._mapping if hasattr(row, "_mapping") else row
    state = {col: mapping[col] for col in columns}
    for col in _JSON_COLUMNS.intersection(columns):
        if state[col] is not None:
            state[col] = json.loads(state[col])
    return state


def search_body(state: dict[str, Any]) -> str:
    """What the search index holds for a dossier: folded name, id number, phone, code."""
    parts = [fold(state["applicant_name"] or "")]
    for key in ("applicant_id_number", "applicant_phone"):
        if state.get(key):
            parts.append(state[key])
    if state.get("code"):
        parts.append(fold(state["code"]))
    return " ".join(p for p in parts if p)


# --- dossiers ------------------------------------------------------------------------------

_D = cast(Table, Dossier.__table__)
_DOSSIER_SELECT = select(_D.c.id, *(_D.c[c] for c in DOSSIER_COLUMNS))
_DOSSIER_INSERT = insert(_D)
_DOSSIER_UPDATE = update(_D).where(_D.c.uid == bindparam("uid_key"))
_FTS_INSERT = text("INSERT INTO dossier_search (rowid, body) VALUES (:rowid, :body)")
_FTS_DELETE = text(
    "INSERT INTO dossier_search (dossier_search, rowid, body) VALUES ('delete', :rowid, :body)"
)


def load_dossier(conn: Connection, uid: str) -> tuple[int | None, dict[str, Any] | None]:
    row = conn.execute(_DOSSIER_SELECT.where(_D.c.uid == uid)).first()
    if row is None:
        return None, None
    return row.id, from_row(row, DOSSIER_COLUMNS)


def save_dossier(conn: Connection, rowid: int | None, old: dict[str, Any] | None,
                 new: dict[str, Any]) -> int:
    """Write the new state and keep the search index in step; returns the row id."""
    values = to_row(new, DOSSIER_COLUMNS)
    body = search_body(new)
    if rowid is None:
        rowid = conn.execute(_DOSSIER_INSERT, values).lastrowid
        conn.execute(_FTS_INSERT, {"rowid": rowid, "body": body})
        return int(rowid)
    conn.execute(_DOSSIER_UPDATE, {**values, "uid_key": new["uid"]})
    assert old is not None
    old_body = search_body(old)
    if old_body != body:
        # A contentless FTS5 table forgets the text: deleting needs the exact old text.
        conn.execute(_FTS_DELETE, {"rowid": rowid, "body": old_body})
        conn.execute(_FTS_INSERT, {"rowid": rowid, "body": body})
    return rowid


# --- logbooks ------------------------------------------------------------------------------


_V = cast(Table, LogbookVolume.__table__)
_E = cast(Table, LogbookEntry.__table__)


def load_volume(conn: Connection, uid: str) -> dict[str, Any] | None:
    row = conn.execute(select(*(_V.c[c] for c in VOLUME_COLUMNS)).where(_V.c.uid == uid)).first()
    return None if row is None else from_row(row, VOLUME_COLUMNS)


def save_volume(conn: Connection, exists: bool, volume: dict[str, Any]) -> None:
    values = to_row(volume, VOLUME_COLUMNS)
    if exists:
        conn.execute(update(_V).where(_V.c.uid == volume["uid"]).values(values))
    else:
        conn.execute(insert(_V).values(values))


def load_entries(conn: Connection, uids: list[str]) -> dict[str, dict[str, Any]]:
    if not uids:
        return {}
    rows = conn.execute(select(*(_E.c[c] for c in ENTRY_COLUMNS)).where(_E.c.uid.in_(uids)))
    return {r.uid: from_row(r, ENTRY_COLUMNS) for r in rows}


def save_entry(conn: Connection, entry: dict[str, Any]) -> None:
    values = to_row(entry, ENTRY_COLUMNS)
    stmt = sqlite_insert(_E).values(values)
    conn.execute(stmt.on_conflict_do_update(
        index_elements=[_E.c.uid],
        set_={c: stmt.excluded[c] for c in ENTRY_COLUMNS if c != "uid"},
    ))
