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
from desktop.register.models import Event, Meta
from desktop.register.writequeue import WriteQueue
from desktop.register.writer import NO_CHANGES, Changes


@dataclass(frozen=True)
class IngestResult:
    """What a pulled batch did to the register."""

    inserted: int
    duplicates: int
    streams_refolded: int
    conflicts: int
    changes: Changes = NO_CHANGES  # what the batch changed (also told to the listeners)


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
        with self.register._write() as w:
            for i in range(0, len(uids), 500):
                chunk = list(uids[i:i + 500])
                # Their dossiers now show as sent: the open views are told.
                for stream, stream_type in w.conn.execute(
                        select(Event.stream, Event.stream_type).distinct().where(
                            Event.uid.in_(chunk), Event.acked_at.is_(None))):
                    w.touch_stream(stream, stream_type)
                w.conn.execute(update(Event).where(Event.uid.in_(chunk),
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
        transaction of the register's one writer: a cut at any point leaves either all of it
        or none of it."""
        records = list(records)
        with self.register._write() as w:
            counts = w.ingest(records)
            if cursor_key is not None:
                _set_meta(w.conn, f"sync.{cursor_key}", cursor)
        self.register._meta_cache = None
        return IngestResult(counts.inserted, counts.duplicates, counts.streams_refolded,
                            counts.conflicts, w.changes())

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


class SerialSyncStore:
    """The store the desktop's sync thread talks to: reads go straight to the register, and
    every write (the ingest of pulled events above all) is handed to the register's one
    write worker and waited for, so it never runs beside the UI's writes."""

    def __init__(self, store: RegisterSyncStore, queue: WriteQueue):
        self.store, self.queue = store, queue
        self.register = store.register

    def device_id(self) -> str:
        return self.store.device_id()

    def get_state(self, key: str) -> str | None:
        return self.store.get_state(key)

    def pending_count(self) -> int:
        return self.store.pending_count()

    def pending_events(self, limit: int, after_seq: int = 0) -> list[EventRecord]:
        return self.store.pending_events(limit, after_seq)

    def pending_wire_events(self, limit: int, after_seq: int = 0) -> list[dict[str, Any]]:
        return self.store.pending_wire_events(limit, after_seq)

    def acked_head(self) -> int:
        return self.store.acked_head()

    def set_state(self, key: str, value: str | None) -> None:
        self.queue.call(self.store.set_state, key, value)

    def mark_acked(self, uids: Sequence[str], at: str) -> None:
        self.queue.call(self.store.mark_acked, uids, at)

    def reset_acks(self, after_seq: int = 0) -> int:
        return self.queue.call(self.store.reset_acks, after_seq)

    def ingest(self, records: Iterable[EventRecord], cursor_key: str | None = None,
               cursor: str | None = None) -> IngestResult:
        return self.queue.call(self.store.ingest, list(records), cursor_key, cursor)

    def ingest_wire_events(self, events: Sequence[dict[str, Any]], cursor_key: str | None = None,
                           cursor: str | None = None) -> IngestResult:
        records = [EventRecord.from_wire(e) for e in events]  # parsed on the sync thread
        return self.queue.call(self.store.ingest, records, cursor_key, cursor)

    def setup_office(self, **office: Any) -> Any:
        return self.queue.call(lambda: self.store.setup_office(**office))

    def install_catalogue(self, data: dict[str, Any]) -> bool:
        return self.queue.call(self.store.install_catalogue, data)

    def install_calendar(self, overrides: list[dict[str, str]], actor: str = "province") -> int:
        return self.queue.call(self.store.install_calendar, overrides, actor)
