"""The register's side of synchronisation: the store interface that sync/client talks to.

sync/ never imports desktop/: the client is handed an object with these methods (a
`SyncStore`), and desktop/app.py or desktop/cli.py wires the two together.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, text, update

from desktop.register import db
from desktop.register.errors import RegisterError
from desktop.register.events import EventRecord
from desktop.register.lifecycle import apply
from desktop.register.logbooks import apply_volume
from desktop.register.models import Event, Meta
from desktop.register.projection import (
    ENTRY_COLUMNS,
    load_dossier,
    load_entries,
    load_volume,
    save_dossier,
    save_entry,
    save_volume,
    to_row,
)


@dataclass(frozen=True)
class IngestResult:
    """What a pulled batch did to the register."""

    inserted: int
    duplicates: int
    streams_refolded: int
    conflicts: int


_EVENT_COLUMNS = ("uid", "stream", "stream_type", "kind", "payload", "actor", "channel",
                  "occurred_at", "hlc", "device_id", "device_seq", "prev_hash", "hash")


class RegisterSyncStore:
    """Implements the store interface of sync.client on top of a Register."""

    def __init__(self, register: Any):
        self.register = register
        self.engine = register.engine

    # --- identity ---------------------------------------------------------------------------

    def device_id(self) -> str:
        return str(self.register.device_id)

    def get_state(self, key: str) -> str | None:
        """Sync bookkeeping kept in the register (cursor, server URL, last success...)."""
        with db.read_session(self.engine) as session:
            return session.connection().execute(
                select(Meta.value).where(Meta.key == f"sync.{key}")).scalar()

    def set_state(self, key: str, value: str | None) -> None:
        with db.write_session(self.engine) as session:
            _set_meta(session.connection(), f"sync.{key}", value)
        self.register._meta_cache = None

    # --- push -------------------------------------------------------------------------------

    def pending_count(self) -> int:
        with db.read_session(self.engine) as session:
            return int(session.connection().execute(text(
                "SELECT count(*) FROM events WHERE origin = 'local' AND acked_at IS NULL"
            )).scalar() or 0)

    def pending_events(self, limit: int, after_seq: int = 0) -> list[EventRecord]:
        """Unacknowledged local events, oldest first (device order keeps the chain whole)."""
        e = Event.__table__
        with db.read_session(self.engine) as session:
            rows = session.connection().execute(
                select(*(e.c[c] for c in _EVENT_COLUMNS))
                .where(e.c.origin == "local", e.c.acked_at.is_(None), e.c.device_seq > after_seq)
                .order_by(e.c.device_seq).limit(limit)).all()
        return [EventRecord.from_row(r) for r in rows]

    def mark_acked(self, uids: Sequence[str], at: str) -> None:
        """Record the server's acknowledgement (the only one that counts)."""
        if not uids:
            return
        with db.write_session(self.engine) as session:
            conn = session.connection()
            for i in range(0, len(uids), 500):
                conn.execute(update(Event).where(Event.uid.in_(uids[i:i + 500]),
                                                 Event.acked_at.is_(None)).values(acked_at=at))

    def reset_acks(self, after_seq: int = 0) -> int:
        """The server lost data (restored from an older backup): push again every local event
        after `after_seq` (0: all of them)."""
        with db.write_session(self.engine) as session:
            result = session.connection().execute(
                update(Event).where(Event.origin == "local", Event.device_seq > after_seq,
                                    Event.acked_at.is_not(None)).values(acked_at=None))
            return int(result.rowcount or 0)

    def acked_head(self) -> int:
        """The highest device_seq of a local event the server has acknowledged (0: none)."""
        with db.read_session(self.engine) as session:
            return int(session.connection().execute(text(
                "SELECT max(device_seq) FROM events WHERE origin = 'local' "
                "AND acked_at IS NOT NULL")).scalar() or 0)

    # --- the same, as wire dicts (sync.client's SyncStore protocol) ---------------------------

    def pending_wire_events(self, limit: int, after_seq: int = 0) -> list[dict[str, Any]]:
        return [r.wire() for r in self.pending_events(limit, after_seq)]

    def ingest_wire_events(self, events: Sequence[dict[str, Any]], cursor_key: str | None = None,
                           cursor: str | None = None) -> IngestResult:
        return self.ingest([EventRecord.from_wire(e) for e in events], cursor_key, cursor)

    def setup_office(self, *, province_code: int, commune_code: int, agency_id: str,
                     office_name: str, device_slot: int) -> Any:
        """Enrollment: the office and device slot the server assigned to this register.

        Refused when the register already numbered dossiers or volumes under another slot or
        agency: those numbers would collide with the other devices of the office.
        """
        if self.register.is_set_up():
            current = self.register.office()
            if (current.device_slot, current.agency_id) != (int(device_slot), agency_id):
                with db.read_session(self.engine) as session:
                    made = session.connection().execute(text(
                        "SELECT count(*) FROM events WHERE origin = 'local'")).scalar()
                if made:
                    raise RegisterError(
                        f"Sổ đăng ký này đã có {made} sự kiện đánh số theo máy số "
                        f"{current.device_slot} ({current.agency_id}); máy chủ cấp máy số "
                        f"{device_slot} ({agency_id}). Hãy đăng ký máy bằng một sổ đăng ký mới.",
                        f"This register already holds {made} events numbered as device "
                        f"{current.device_slot} ({current.agency_id}); the server assigned "
                        f"device {device_slot} ({agency_id}). Enroll with a new register.")
        return self.register.setup_office(province_code=province_code,
                                          commune_code=commune_code, agency_id=agency_id,
                                          office_name=office_name, device_slot=device_slot)

    # --- pull -------------------------------------------------------------------------------

    def ingest(self, records: Iterable[EventRecord], cursor_key: str | None = None,
               cursor: str | None = None) -> IngestResult:
        """Store remote events and refold the streams they touch, with the new cursor, in one
        transaction: a cut at any point leaves either all of it or none of it."""
        records = list(records)
        inserted = duplicates = conflicts = 0
        touched: dict[str, str] = {}
        with db.write_session(self.engine) as session:
            conn = session.connection()
            known = set(conn.execute(select(Event.uid).where(
                Event.uid.in_([r.uid for r in records]))).scalars()) if records else set()
            rows = []
            for rec in records:
                if rec.uid in known:
                    duplicates += 1
                    continue
                if rec.compute_hash() != rec.hash:
                    raise ValueError(f"remote event {rec.uid} fails its hash")
                known.add(rec.uid)
                row = rec.to_row()
                row["origin"] = "remote"
                row["acked_at"] = row["occurred_at"]  # it came from the server
                rows.append(row)
                touched[rec.stream] = rec.stream_type
            if rows:
                conn.execute(Event.__table__.insert(), rows)
                inserted = len(rows)
            for stream, stream_type in touched.items():
                conflicts += _refold(conn, stream, stream_type)
            if cursor_key is not None:
                _set_meta(conn, f"sync.{cursor_key}", cursor)
        self.register._meta_cache = None
        return IngestResult(inserted, duplicates, len(touched), conflicts)

    def install_catalogue(self, data: dict[str, Any]) -> bool:
        from desktop.register.catalogue import parse_catalogue

        return bool(self.register.install_catalogue(parse_catalogue(data)))

    def install_calendar(self, overrides: list[dict[str, str]], actor: str = "province") -> int:
        from datetime import date

        for o in overrides:
            self.register.set_calendar_override(date.fromisoformat(o["date"]), o["kind"],
                                                o["reason"], o.get("source", ""), actor)
        return len(overrides)


def _set_meta(conn: Connection, key: str, value: str | None) -> None:
    if value is None:
        conn.execute(text("DELETE FROM meta WHERE key = :k"), {"k": key})
    else:
        conn.execute(text("INSERT INTO meta (key, value) VALUES (:k, :v) "
                          "ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
                     {"k": key, "v": value})


def _refold(conn: Connection, stream: str, stream_type: str) -> int:
    """Rebuild one stream's projection from all its events in replica order."""
    e = Event.__table__
    records = [EventRecord.from_row(r) for r in conn.execute(
        select(*(e.c[c] for c in _EVENT_COLUMNS)).where(e.c.stream == stream)
        .order_by(e.c.hlc, e.c.device_id, e.c.uid))]
    if stream_type == "dossier":
        rowid, old = load_dossier(conn, stream)
        state = None
        for rec in records:
            state = apply(state, rec)
        assert state is not None
        save_dossier(conn, rowid, old, state)
        return 1 if state["conflict"] and (old is None or old["conflict"] != state["conflict"]) \
            else 0
    exists = load_volume(conn, stream) is not None
    volume = None
    entries: dict[str, dict[str, Any]] = {}
    for rec in records:
        volume, changed = apply_volume(volume, entries, rec)
        for entry in changed:
            entries[entry["uid"]] = entry
    if volume is not None:
        save_volume(conn, exists, volume)
        # Write back only the entries the refold changed: a busy volume holds thousands.
        stored = load_entries(conn, list(entries))
        for uid, entry in entries.items():
            old = stored.get(uid)
            if old is None or to_row(old, ENTRY_COLUMNS) != to_row(entry, ENTRY_COLUMNS):
                save_entry(conn, entry)
    return 0

