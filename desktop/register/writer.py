"""The one writer: appends events, folds them into the projections, and says what changed.

Every write of the register goes through a `Writer` inside one transaction: local operations
(receipts, every lifecycle step, book entries, accounts, rules, settings) and events pulled
from the server (`ingest`). The same `fold_dossier` / `fold_volume` turn a stream's events,
in replica order, into its projection state for the writer, for sync ingest and for
`motcua check`. When the transaction commits, `changes()` tells what it touched, as a frozen
`Changes` value the UI re-emits to every open view.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from desktop.register.events import GENESIS_HASH, EventRecord, next_hlc, seal
from desktop.register.events import ROW_COLUMNS as EVENT_ROW_COLUMNS
from desktop.register.lifecycle import apply
from desktop.register.logbooks import apply_volume
from desktop.register.models import Event
from desktop.register.projection import (
    DOSSIER_COLUMNS,
    ENTRY_COLUMNS,
    VOLUME_COLUMNS,
    load_dossier,
    load_entries,
    load_volume,
    save_dossier,
    save_entry,
    save_volume,
    search_body,
    to_row,
)

State = dict[str, Any]


@dataclass(frozen=True)
class Changes:
    """What one write (or one pulled batch) changed in the register."""

    dossiers: frozenset[str] = frozenset()  # dossier uids
    volumes: frozenset[str] = frozenset()  # book volume uids (their entries included)
    accounts: bool = False
    catalogue: bool = False
    calendar: bool = False
    settings: bool = False  # office settings (cut-off hour, head's name, office details)

    @property
    def rules(self) -> bool:
        """The rules a dossier is handled under (procedure catalogue or working calendar)."""
        return self.catalogue or self.calendar

    def __bool__(self) -> bool:
        return bool(self.dossiers or self.volumes or self.accounts or self.catalogue
                    or self.calendar or self.settings)

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.dossiers | other.dossiers, self.volumes | other.volumes,
                       self.accounts or other.accounts, self.catalogue or other.catalogue,
                       self.calendar or other.calendar, self.settings or other.settings)


NO_CHANGES = Changes()


# --- the fold ---------------------------------------------------------------------------------

def fold_dossier(events: Iterable[EventRecord], state: State | None = None) -> State | None:
    """A dossier's state after its events (in replica order), from `state` (None: nothing)."""
    for rec in events:
        state = apply(state, rec)
    return state


def fold_volume(events: Iterable[EventRecord], volume: State | None = None,
                entries: dict[str, State] | None = None
                ) -> tuple[State | None, dict[str, State]]:
    """A book volume after its events, and the entries the events made or changed (by uid).

    `entries` holds the known entries the events may refer to (a correction's original, a
    voided entry); it is not modified.
    """
    known = dict(entries or {})
    touched: dict[str, State] = {}
    for rec in events:
        volume, changed = apply_volume(volume, known, rec)
        for entry in changed:
            known[entry["uid"]] = touched[entry["uid"]] = entry
    return volume, touched


# --- the writer -------------------------------------------------------------------------------

def dbapi(conn: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under a SQLAlchemy one (same transaction), for hot statements."""
    return conn.connection.driver_connection  # type: ignore[return-value]


def _insert(table: str, columns: Sequence[str]) -> str:
    return (f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})")


_EVENT_INSERT = _insert("events", (*EVENT_ROW_COLUMNS, "origin"))
_REMOTE_INSERT = _insert("events", (*EVENT_ROW_COLUMNS, "origin", "acked_at"))
_DOSSIER_INSERT = _insert("dossiers", ("id", *DOSSIER_COLUMNS))
_SEARCH_INSERT = _insert("dossier_search", ("rowid", "body"))
_ENTRY_INSERT = _insert("logbook_entries", ENTRY_COLUMNS)
_LAST_DOSSIER_ID = "SELECT max(id) FROM dossiers"
_VOLUME_VALUES = tuple(c for c in VOLUME_COLUMNS if c != "uid")
_VOLUME_UPDATE = (f"UPDATE logbook_volumes SET {', '.join(f'{c} = ?' for c in _VOLUME_VALUES)} "
                  "WHERE uid = ?")
_COUNTER_GET = "SELECT value FROM counters WHERE name = ?"
_COUNTER_SET = ("INSERT INTO counters (name, value) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET value = excluded.value")
_STREAM_EVENTS = (f"SELECT {', '.join(EVENT_ROW_COLUMNS)} FROM events WHERE stream = ? "
                  "ORDER BY hlc, device_id, uid")


@dataclass(frozen=True)
class IngestCounts:
    """What storing a pulled batch did (syncstore.IngestResult adds the changes)."""

    inserted: int
    duplicates: int
    streams_refolded: int
    conflicts: int


class Writer:
    """State of one write transaction: the device's chain head, the clock, the volumes and
    counters touched so far, the new rows (written once when the transaction ends), and what
    changed.

    The new rows (events, dossiers with their search rows, book entries) go in with one
    executemany per table on the DBAPI connection: for a batch of receipts, SQLAlchemy's
    per-statement work would cost more than SQLite's.
    """

    def __init__(self, conn: Connection, device_id: str, now: datetime):
        self.conn = conn
        self.dbapi = dbapi(conn)
        self.device_id = device_id
        self.now = now
        self._head: tuple[int, str, str | None] | None = None
        self.pending_events: list[tuple[Any, ...]] = []
        self.pending_dossiers: list[tuple[Any, ...]] = []
        self.pending_search: list[tuple[int, str]] = []
        self.pending_entries: list[tuple[Any, ...]] = []
        self.last_dossier_id: int | None = None
        self.volumes: dict[tuple[str, str, int], dict[str, Any]] = {}
        self.dirty_volumes: dict[str, dict[str, Any]] = {}
        self.counters: dict[str, int] = {}
        self._dossiers: set[str] = set()
        self._volumes: set[str] = set()
        self._flags: dict[str, bool] = {}

    # --- what changed -------------------------------------------------------------------------

    def touch(self, *, accounts: bool = False, catalogue: bool = False, calendar: bool = False,
              settings: bool = False) -> None:
        """Record a change that is not an event (accounts, rules, office settings)."""
        for name, value in (("accounts", accounts), ("catalogue", catalogue),
                            ("calendar", calendar), ("settings", settings)):
            if value:
                self._flags[name] = True

    def touch_stream(self, stream: str, stream_type: str) -> None:
        (self._dossiers if stream_type == "dossier" else self._volumes).add(stream)

    def changes(self) -> Changes:
        return Changes(frozenset(self._dossiers), frozenset(self._volumes), **self._flags)

    # --- local events ---------------------------------------------------------------------------

    def _chain_head(self) -> tuple[int, str, str | None]:
        if self._head is None:
            head = self.conn.execute(
                select(Event.device_seq, Event.hash)
                .where(Event.device_id == self.device_id)
                .order_by(Event.device_seq.desc())
                .limit(1)
            ).first()
            seq, prev = (head[0], head[1]) if head else (0, GENESIS_HASH)
            self._head = (seq, prev, self.conn.execute(select(func.max(Event.hlc))).scalar())
        return self._head

    @property
    def hlc(self) -> str | None:
        return self._chain_head()[2]

    def emit(self, stream: str, stream_type: str, kind: str, payload: dict[str, Any],
             actor: str, channel: int | None, at: datetime) -> EventRecord:
        """Seal a local event on the device's chain; it is written by finish()."""
        seq, prev_hash, hlc = self._chain_head()
        hlc = next_hlc(hlc, self.now)
        record = seal(stream=stream, stream_type=stream_type, kind=kind, payload=payload,
                      actor=actor, channel=channel, occurred_at=at, hlc=hlc,
                      device_id=self.device_id, device_seq=seq + 1, prev_hash=prev_hash)
        self._head = (seq + 1, record.hash, hlc)
        self.pending_events.append((*record.to_values(), "local"))
        self.touch_stream(stream, stream_type)
        return record

    def add_dossier(self, state: State) -> None:
        """A new dossier's row and search-index row, written by finish().

        Its id is the one SQLite would give it (the largest so far plus one, the table has
        no AUTOINCREMENT), known here so that the search rows need not wait for the insert.
        The write lock is held from the first statement, so no other writer takes an id.
        """
        if self.last_dossier_id is None:
            self.last_dossier_id = self.dbapi.execute(_LAST_DOSSIER_ID).fetchone()[0] or 0
        self.last_dossier_id += 1
        self.pending_dossiers.append(
            (self.last_dossier_id, *to_row(state, DOSSIER_COLUMNS).values()))
        self.pending_search.append((self.last_dossier_id, search_body(state)))
        self._dossiers.add(state["uid"])

    def dossier_step(self, rowid: int | None, state: State, kind: str, payload: dict[str, Any],
                     actor: str, at: datetime) -> State:
        """A local event on an existing dossier, folded and saved; returns the new state."""
        rec = self.emit(state["uid"], "dossier", kind, payload, actor, state["channel"], at)
        new = fold_dossier([rec], state)
        assert new is not None
        save_dossier(self.conn, rowid, state, new)
        return new

    def add_entry(self, entry: State) -> None:
        """A new book entry, written by finish()."""
        self.pending_entries.append(tuple(to_row(entry, ENTRY_COLUMNS).values()))
        self._volumes.add(entry["volume_uid"])

    def counter(self, name: str) -> int:
        """Next value of a per-device counter (kept in memory until finish())."""
        if name not in self.counters:
            row = self.dbapi.execute(_COUNTER_GET, (name,)).fetchone()
            self.counters[name] = row[0] if row else 0
        self.counters[name] += 1
        return self.counters[name]

    def finish(self) -> None:
        """Write what was batched: the new rows, then volumes and counters."""
        for sql, rows in ((_EVENT_INSERT, self.pending_events),
                          (_DOSSIER_INSERT, self.pending_dossiers),
                          (_SEARCH_INSERT, self.pending_search),
                          (_ENTRY_INSERT, self.pending_entries)):
            if rows:
                self.dbapi.executemany(sql, rows)
                rows.clear()
        # Not save_volume(): it sets the key column too, and with foreign keys on, SQLite then
        # visits every entry of the volume (up to 100,000) for each update.
        volumes = [to_row(v, VOLUME_COLUMNS) for v in self.dirty_volumes.values()]
        if volumes:
            self.dbapi.executemany(
                _VOLUME_UPDATE, [(*(v[c] for c in _VOLUME_VALUES), v["uid"]) for v in volumes])
        self.dirty_volumes.clear()
        if self.counters:
            self.dbapi.executemany(_COUNTER_SET, self.counters.items())

    # --- pulled events --------------------------------------------------------------------------

    def ingest(self, records: Sequence[EventRecord]) -> IngestCounts:
        """Store remote events and refold every stream they touch, in this transaction."""
        inserted = duplicates = conflicts = 0
        touched: dict[str, str] = {}
        known: set[str] = set()
        uids = [r.uid for r in records]
        for i in range(0, len(uids), 500):
            chunk = uids[i:i + 500]
            known.update(r[0] for r in self.dbapi.execute(
                f"SELECT uid FROM events WHERE uid IN ({', '.join('?' * len(chunk))})", chunk))
        rows = []
        for rec in records:
            if rec.uid in known:
                duplicates += 1
                continue
            if rec.compute_hash() != rec.hash:
                raise ValueError(f"remote event {rec.uid} fails its hash")
            known.add(rec.uid)
            # acked: it came from the server
            rows.append((*rec.to_values(), "remote", rec.occurred_at))
            touched[rec.stream] = rec.stream_type
        if rows:
            self.dbapi.executemany(_REMOTE_INSERT, rows)
            inserted = len(rows)
        for stream, stream_type in touched.items():
            conflicts += self.refold(stream, stream_type)
        return IngestCounts(inserted, duplicates, len(touched), conflicts)

    def _stream_events(self, stream: str) -> list[EventRecord]:
        return [EventRecord.from_values(r)
                for r in self.dbapi.execute(_STREAM_EVENTS, (stream,))]

    def refold(self, stream: str, stream_type: str) -> int:
        """Rebuild one stream's projection from all its events in replica order; returns 1
        when that raised a new sync conflict on a dossier."""
        records = self._stream_events(stream)
        self.touch_stream(stream, stream_type)
        if stream_type == "dossier":
            rowid, old = load_dossier(self.conn, stream)
            state = fold_dossier(records)
            assert state is not None
            save_dossier(self.conn, rowid, old, state)
            return 1 if state["conflict"] and (
                old is None or old["conflict"] != state["conflict"]) else 0
        exists = load_volume(self.conn, stream) is not None
        volume, entries = fold_volume(records)
        if volume is not None:
            save_volume(self.conn, exists, volume)
            # Write back only the entries the refold changed: a busy volume holds thousands.
            stored = load_entries(self.conn, list(entries))
            for uid, entry in entries.items():
                old_entry = stored.get(uid)
                if old_entry is None or (to_row(old_entry, ENTRY_COLUMNS)
                                         != to_row(entry, ENTRY_COLUMNS)):
                    save_entry(self.conn, entry)
        return 0
