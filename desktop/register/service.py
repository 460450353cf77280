"""The register's services: every write is one short transaction of events plus projections."""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, event, func, insert, select, text, update

from desktop import paths
from desktop.register import backup as backup_mod
from desktop.register import db, migrate
from desktop.register.accounts import (
    ROLES,
    AccountChange,
    can,
    hash_password,
    verify_password,
)
from desktop.register.calendar import CalendarOverride as CalendarDay
from desktop.register.calendar import WorkingCalendar, load_overrides
from desktop.register.catalogue import (
    Catalogue,
    CatalogueSet,
    book_schema_amendment,
    load_catalogue,
    parse_catalogue,
)
from desktop.register.errors import (
    NotFoundError,
    RegisterError,
    TransitionError,
    ValidationError,
    ValidationWarning,
)
from desktop.register.events import (
    GENESIS_HASH,
    EventRecord,
    canonical_json,
    new_uid,
    next_hlc,
    parse_utc,
    seal,
    utc_iso,
)
from desktop.register.events import (
    ROW_COLUMNS as EVENT_ROW_COLUMNS,
)
from desktop.register.lifecycle import LOCAL_TZ, OPEN_STATES, Kind, apply, check
from desktop.register.logbooks import (
    DEFAULT_CAPACITY,
    VolumeKind,
    apply_volume,
    check_volume,
    closing_totals,
    volume_number,
)
from desktop.register.models import (
    Account,
    AccountChangeRow,
    CalendarOverride,
    Dossier,
    Event,
    LogbookEntry,
    LogbookVolume,
    Meta,
    RuleVersion,
)
from desktop.register.office import OfficeInfo, commune, province, validate_agency_id
from desktop.register.projection import (
    DOSSIER_COLUMNS,
    ENTRY_COLUMNS,
    VOLUME_COLUMNS,
    from_row,
    load_dossier,
    load_entries,
    load_volume,
    save_dossier,
    save_entry,
    save_volume,
    search_body,
    to_row,
)
from desktop.register.queries import DossierFilter, HomeCounts, count_rows, home_counts, list_rows
from desktop.register.textnorm import fold
from desktop.register.validation import (
    validate_birth_date,
    validate_email,
    validate_id_number,
    validate_name,
    validate_phone,
    validate_text,
)
from desktop.register.views import (
    AccountView,
    ApplicantInput,
    DossierInput,
    DossierRow,
    DossierView,
    EntryView,
    EventView,
    VolumeView,
)
from resources import resource_path

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
ENTRIES_PER_PAGE = 10  # civil-status books: entries per printed page, for the closing line


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class _Writer:
    """State of one write transaction: the device's chain head, the clock, the volumes and
    counters touched so far, and the new rows, all written once when the transaction ends.

    The new rows (events, dossiers with their search rows, book entries) go in with one
    executemany per table on the DBAPI connection: for a batch of receipts, SQLAlchemy's
    per-statement work would cost more than SQLite's.
    """

    def __init__(self, conn: Connection, device_id: str, now: datetime):
        self.conn = conn
        self.dbapi = _dbapi(conn)
        self.device_id = device_id
        self.now = now
        head = conn.execute(
            select(Event.device_seq, Event.hash)
            .where(Event.device_id == device_id)
            .order_by(Event.device_seq.desc())
            .limit(1)
        ).first()
        self.seq, self.prev_hash = (head[0], head[1]) if head else (0, GENESIS_HASH)
        self.hlc = conn.execute(select(func.max(Event.hlc))).scalar()
        self.pending_events: list[tuple[Any, ...]] = []
        self.pending_dossiers: list[tuple[Any, ...]] = []
        self.pending_search: list[tuple[int, str]] = []
        self.pending_entries: list[tuple[Any, ...]] = []
        self.last_dossier_id: int | None = None
        self.volumes: dict[tuple[str, str, int], dict[str, Any]] = {}
        self.dirty_volumes: dict[str, dict[str, Any]] = {}
        self.counters: dict[str, int] = {}

    def emit(self, stream: str, stream_type: str, kind: str, payload: dict[str, Any],
             actor: str, channel: int | None, at: datetime) -> EventRecord:
        self.hlc = next_hlc(self.hlc, self.now)
        self.seq += 1
        record = seal(stream=stream, stream_type=stream_type, kind=kind, payload=payload,
                      actor=actor, channel=channel, occurred_at=at, hlc=self.hlc,
                      device_id=self.device_id, device_seq=self.seq, prev_hash=self.prev_hash)
        self.prev_hash = record.hash
        self.pending_events.append((*record.to_values(), "local"))
        return record

    def add_dossier(self, state: dict[str, Any]) -> None:
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

    def add_entry(self, entry: dict[str, Any]) -> None:
        """A new book entry, written by finish()."""
        self.pending_entries.append(tuple(to_row(entry, ENTRY_COLUMNS).values()))

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
        self.dbapi.executemany(_VOLUME_UPDATE,
                               [(*(v[c] for c in _VOLUME_VALUES), v["uid"]) for v in volumes])
        self.dirty_volumes.clear()
        self.dbapi.executemany(_COUNTER_SET, self.counters.items())


def _insert(table: str, columns: Sequence[str]) -> str:
    return (f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})")


_EVENT_INSERT = _insert("events", (*EVENT_ROW_COLUMNS, "origin"))
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


@dataclass(frozen=True)
class Settings:
    """Office settings kept in the register (domain data, not UI preferences)."""

    cutoff_hour: int = 15
    # Chủ tịch Ủy ban nhân dân xã: the name typed under the signature of the forms the
    # commune's head signs (04 apology and extension, 05 stop notice); blank leaves the line
    # to be written by hand.
    head_name: str = ""


class Register:
    """The local register of one office PC. Open with `Register.open()`."""

    def __init__(self, path: Path, engine: Any, clock: Clock):
        self.path = path
        self.engine = engine
        self.clock = clock
        self._calendar: WorkingCalendar | None = None
        self._catalogues: CatalogueSet | None = None
        self._meta_cache: dict[str, str] | None = None

    # --- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None = None, *, clock: Clock = _utc_now,
             auto_backup: bool = True, quick_check: bool = True) -> Register:
        """Open (creating or migrating) the register; back it up before any migration.

        `quick_check=False` checks only the file header at open; the caller then runs
        `db.quick_check` in the background (the desktop app does, on large registers).
        """
        path = Path(path) if path else paths.register_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        if quick_check:
            db.sanity_check_or_quarantine(path, paths.quarantine_dir())
        else:
            db.check_header(path)
        existed = path.exists() and path.stat().st_size > 0 and not _blank_database(path)
        if existed and not db.is_motcua_register(path):
            raise db.RegisterVersionError(
                f"Tệp {path} không phải là sổ đăng ký motcua.",
                f"{path} is not a motcua register.",
            )
        engine = db.make_engine(path)
        event.listen(engine, "connect", _add_search_terms)
        if migrate.needs_upgrade(engine):
            if existed:
                backup_mod.pre_migration_backup(path, paths.backup_dir(),
                                                migrate.current_revision(engine))
            migrate.upgrade(engine)
        reg = cls(path, engine, clock)
        reg._install_bundled_rules()
        if auto_backup and existed:
            try:
                backup_mod.auto_backup(path, paths.backup_dir(), clock())
            except OSError as exc:  # a full disk must not stop the counter from working
                log.warning("automatic backup failed: %s", exc)
        return reg

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[_Writer]:
        with db.write_session(self.engine) as session:
            writer = _Writer(session.connection(), self.device_id, self.clock())
            yield writer
            writer.finish()

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with db.read_session(self.engine) as session:
            yield session.connection()

    # --- meta, office ----------------------------------------------------------------------

    def _meta(self) -> dict[str, str]:
        if self._meta_cache is None:
            with self._read() as conn:
                self._meta_cache = dict(conn.execute(select(Meta.key, Meta.value)).all())
        return self._meta_cache

    def _set_meta(self, conn: Connection, values: dict[str, str]) -> None:
        for key, value in values.items():
            conn.execute(text("INSERT INTO meta (key, value) VALUES (:k, :v) "
                              "ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
                         {"k": key, "v": value})
        self._meta_cache = None

    @property
    def device_id(self) -> str:
        return self._meta()["device_id"]

    def is_set_up(self) -> bool:
        return "agency_id" in self._meta()

    def setup_office(self, *, province_code: int, commune_code: int, agency_id: str,
                     office_name: str, device_slot: int = 1) -> OfficeInfo:
        """First start: which commune this register serves, and its agency electronic id."""
        prov = province(int(province_code))
        com = commune(int(commune_code), prov.code)
        agency = validate_agency_id(agency_id)
        name = validate_text(office_name, field="office_name", max_len=200, required=True)
        if not 1 <= int(device_slot) <= 9:
            raise ValidationError("Số máy phải từ 1 đến 9.", "Device slot must be 1 to 9.",
                                  field="device_slot")
        with db.write_session(self.engine) as session:
            self._set_meta(session.connection(), {
                "province_code": str(prov.code), "commune_code": str(com.code),
                "agency_id": agency, "office_name": name, "device_slot": str(int(device_slot)),
            })
        return self.office()

    def office(self) -> OfficeInfo:
        m = self._meta()
        if "agency_id" not in m:
            raise RegisterError("Chưa khai báo thông tin cơ quan.", "The office is not set up.")
        prov = province(int(m["province_code"]))
        return OfficeInfo(prov, commune(int(m["commune_code"])), m["agency_id"],
                          m["office_name"], m["device_id"], int(m["device_slot"]))

    def settings(self) -> Settings:
        meta = self._meta()
        return Settings(cutoff_hour=int(meta.get("cutoff_hour", 15)),
                        head_name=meta.get("head_name", ""))

    # --- rules: catalogue and calendar -------------------------------------------------------

    def _install_bundled_rules(self) -> None:
        # Take the write lock only when something must be written: a register that is
        # already set up opens (for `motcua backup`, `check`) while another writer is busy.
        with self._read() as conn:
            initialised = conn.execute(select(Meta.value).where(
                Meta.key == "device_id")).scalar() is not None
        if not initialised:
            with db.write_session(self.engine) as session:
                conn = session.connection()
                meta = dict(conn.execute(select(Meta.key, Meta.value)).all())
                if "device_id" not in meta:
                    self._set_meta(conn, {"device_id": new_uid(),
                                          "application": "motcua-register"})
                    for f in sorted(resource_path("calendar").glob("*.json")):
                        for day in load_overrides(f):
                            conn.execute(insert(CalendarOverride).prefix_with("OR IGNORE"), [{
                                "day": day.day.isoformat(), "kind": day.kind,
                                "reason": day.reason, "source": day.source,
                                "added_by": "motcua"}])
        self.install_catalogue(load_catalogue())

    def install_catalogue(self, catalogue: Catalogue) -> bool:
        """Store a catalogue version; old versions stay for the dossiers received under them."""
        content = catalogue.to_json()
        digest = hashlib.sha256(content.encode()).hexdigest()
        with self._read() as conn:  # already installed: no write lock needed
            if conn.execute(select(RuleVersion.sha256).where(
                    RuleVersion.kind == "catalogue",
                    RuleVersion.version == catalogue.version)).scalar() == digest:
                return False
        with db.write_session(self.engine) as session:
            conn = session.connection()
            existing = conn.execute(select(RuleVersion.sha256).where(
                RuleVersion.kind == "catalogue", RuleVersion.version == catalogue.version)
            ).scalar()
            if existing == digest:
                return False
            amendment = None if existing is None else book_schema_amendment(conn.execute(
                select(RuleVersion.content).where(RuleVersion.kind == "catalogue",
                    RuleVersion.version == catalogue.version)).scalar_one(), catalogue)
            if amendment == "keep":  # the same rules, stored with book schemas already
                return False
            if existing is not None and amendment is None:
                raise ValidationError(
                    f"Danh mục thủ tục phiên bản {catalogue.version} đã có với nội dung khác; "
                    "phiên bản mới phải mang số hiệu mới.",
                    f"Catalogue version {catalogue.version} already exists with other content.",
                )
            if amendment == "replace":  # the same rules with book entry schemas added
                conn.execute(delete(RuleVersion).where(RuleVersion.kind == "catalogue",
                             RuleVersion.version == catalogue.version))
            conn.execute(insert(RuleVersion), [{
                "kind": "catalogue", "version": catalogue.version,
                "effective_from": catalogue.effective_from.isoformat(), "content": content,
                "sha256": digest, "installed_at": utc_iso(self.clock())}])
        self._catalogues = None
        return True

    def catalogues(self) -> CatalogueSet:
        if self._catalogues is None:
            with self._read() as conn:
                rows = conn.execute(select(RuleVersion.content).where(
                    RuleVersion.kind == "catalogue")).scalars().all()
            self._catalogues = CatalogueSet([parse_catalogue(json.loads(r)) for r in rows])
        return self._catalogues

    def catalogue(self, on: date | None = None) -> Catalogue:
        """The catalogue in force on a date (today by default)."""
        return self.catalogues().in_force(on or self.clock().astimezone(LOCAL_TZ).date())

    def calendar(self) -> WorkingCalendar:
        if self._calendar is None:
            from datetime import time as dtime

            from desktop.register.calendar import OfficeHours

            hours = OfficeHours(cutoff=dtime(self.settings().cutoff_hour, 0))
            self._calendar = WorkingCalendar(self.calendar_overrides(), hours)
        return self._calendar

    def calendar_overrides(self) -> list[CalendarDay]:
        c = CalendarOverride
        with self._read() as conn:
            rows = conn.execute(select(c.day, c.kind, c.reason, c.source).order_by(c.day)).all()
        return [CalendarDay(date.fromisoformat(r.day), r.kind, r.reason, r.source) for r in rows]

    def set_calendar_override(self, day: date, kind: str, reason: str, source: str,
                              actor: str) -> None:
        """Add or replace a day off / make-up working day (administrator)."""
        if kind not in ("off", "work"):
            raise ValidationError("Loại ngày phải là 'off' hoặc 'work'.", "Kind must be off/work.")
        reason = validate_text(reason, field="reason", max_len=200, required=True)
        source = validate_text(source, field="source", max_len=200, required=True)
        with db.write_session(self.engine) as session:
            session.connection().execute(
                text("INSERT OR REPLACE INTO calendar_overrides (day, kind, reason, source, "
                     "added_by) VALUES (:d, :k, :r, :s, :a)"),
                {"d": day.isoformat(), "k": kind, "r": reason, "s": source, "a": actor})
        self._calendar = None

    def set_cutoff_hour(self, hour: int) -> None:
        if not 11 <= int(hour) <= 17:
            raise ValidationError("Giờ chốt nhận hồ sơ phải từ 11 đến 17 giờ.",
                                  "The cut-off hour must be between 11 and 17.")
        with db.write_session(self.engine) as session:
            self._set_meta(session.connection(), {"cutoff_hour": str(int(hour))})
        self._calendar = None

    def set_head_name(self, name: str) -> None:
        """The commune head's name printed under their signature ("" to leave it blank)."""
        name = validate_name(name, field="head_name") if (name or "").strip() else ""
        with db.write_session(self.engine) as session:
            self._set_meta(session.connection(), {"head_name": name})

    # --- receiving ---------------------------------------------------------------------------

    def _validate_applicant(self, a: ApplicantInput, role: str, today: date
                            ) -> tuple[dict[str, Any], list]:
        warnings: list = []
        out: dict[str, Any] = {"full_name": validate_name(a.full_name, field=f"{role}.full_name")}
        birth = None
        if a.birth_date not in (None, ""):
            birth = validate_birth_date(a.birth_date, today=today)  # type: ignore[arg-type]
            out["birth_date"] = birth.isoformat()
        if a.sex:
            out["sex"] = validate_text(a.sex, field=f"{role}.sex", max_len=10)
        if a.id_number:
            out["id_number"], w = validate_id_number(a.id_number, birth_date=birth, sex=a.sex)
            warnings.extend(w)
        if a.phone:
            out["phone"] = validate_phone(a.phone)
        if a.email:
            out["email"] = validate_email(a.email)
        if a.address:
            out["address"] = validate_text(a.address, field=f"{role}.address", max_len=300)
        return out, warnings

    def _prepare(self, inp: DossierInput, at: datetime) -> tuple[dict[str, Any], list, Any]:
        """Validate and compute everything before the transaction starts (no half writes)."""
        _check_shape(inp)
        if inp.received_at is not None and inp.received_at.utcoffset() is not None and not (
                _EARLIEST <= inp.received_at <= at):
            raise ValidationError("Thời điểm tiếp nhận phải sau năm 1900 và không được sau "
                                  "thời điểm hiện tại.",
                                  "The receipt time must be after 1900 and not in the future.",
                                  field="received_at")
        if inp.channel not in (1, 2, 3):
            raise ValidationError("Kênh tiếp nhận không hợp lệ.", "Invalid channel.",
                                  field="channel")
        received_at = inp.received_at or at
        if received_at.tzinfo is None:
            raise ValidationError("Thời điểm tiếp nhận thiếu múi giờ.", "Naive receipt time.")
        local_day = received_at.astimezone(LOCAL_TZ).date()
        catalogue = self.catalogue(local_day)
        proc = catalogue.procedure(inp.procedure_code)
        applicant, warnings = self._validate_applicant(inp.applicant, "applicant", local_day)
        payload: dict[str, Any] = {
            "procedure_code": proc.code,
            "field_code": proc.field,
            "catalogue_version": catalogue.version,
            "applicant": applicant,
            "received_at": utc_iso(received_at),
        }
        if inp.representative is not None:
            payload["representative"], w = self._validate_applicant(
                inp.representative, "representative", local_day)
            warnings.extend(w)
            payload["representative"]["authorisation"] = validate_text(
                inp.authorisation, field="authorisation", max_len=300)
        known = {d.code for d in proc.documents}
        unknown = [d for d in inp.documents if d not in known]
        if unknown:
            raise ValidationError(
                f"Giấy tờ không thuộc thủ tục {proc.name}: {', '.join(unknown)}.",
                f"Documents not in the checklist of {proc.code}: {', '.join(unknown)}.",
                field="documents")
        missing = [d.name for d in proc.documents if d.required and d.code not in inp.documents]
        if missing:
            raise ValidationError(
                "Hồ sơ còn thiếu giấy tờ bắt buộc: " + "; ".join(missing)
                + ". Hãy lập Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02).",
                "Required documents are missing: " + "; ".join(missing) + ".",
                field="documents")
        payload["documents"] = [{"code": d.code, "name": d.name} for d in proc.documents
                                if d.code in inp.documents]
        if not 1 <= inp.sets <= 20 or not 1 <= inp.pages <= 10_000 or not 1 <= inp.copies <= 1000:
            raise ValidationError("Số bộ, số trang hoặc số bản không hợp lệ.",
                                  "Invalid number of sets, pages or copies.")
        payload["sets"] = inp.sets
        payload["request"] = validate_text(inp.request, field="request", max_len=1000) or proc.name
        if proc.fee.amount is None and not proc.fee.per_page:
            # Fee set by the provincial council and not (yet) in this catalogue version.
            fee = 0 if set(inp.exemptions) & {e.code for e in proc.fee.exemptions} else int(
                inp.fee_amount or 0)
            if not 0 <= fee <= 100_000_000:
                raise ValidationError("Lệ phí không hợp lệ.", "Invalid fee.", field="fee_amount")
            if inp.fee_amount is None and not inp.exemptions:
                warnings.append(ValidationWarning(
                    "Mức lệ phí của thủ tục này do HĐND tỉnh quy định và chưa có trong danh mục; "
                    "đã ghi 0 đồng.",
                    "The fee is set by the province and missing from the catalogue; 0 recorded.",
                    field="fee_amount"))
        else:
            fee = proc.fee.compute(pages=inp.pages, copies=inp.copies, exemptions=inp.exemptions)
        payload["fee"] = {"amount": fee, "pages": inp.pages, "copies": inp.copies,
                          "exemptions": list(inp.exemptions)}
        payload["fee_amount"] = fee
        payload["fee_paid"] = bool(inp.fee_paid and fee)
        # Only when true: a receipt without them keeps the payload (and hash) it always had.
        for flag in ("digitised", "reused_data"):
            if getattr(inp, flag):
                payload[flag] = True
        computed = self.calendar().appointment(received_at, proc.processing.amount,
                                               proc.processing.unit)
        if inp.appointment_at is not None:
            reason = validate_text(inp.appointment_reason, field="appointment_reason",
                                   max_len=300)
            if not reason:
                raise ValidationError("Đổi ngày hẹn trả phải ghi lý do.",
                                      "Changing the appointment needs a reason.",
                                      field="appointment_reason")
            if inp.appointment_at <= received_at:
                raise ValidationError("Ngày hẹn trả phải sau thời điểm tiếp nhận.",
                                      "The appointment must be after the receipt.",
                                      field="appointment_at")
            payload["appointment_at"] = utc_iso(inp.appointment_at)
            payload["appointment_reason"] = reason
            payload["computed_appointment_at"] = utc_iso(computed)
        else:
            payload["appointment_at"] = utc_iso(computed)
        payload["result_place"] = validate_text(inp.result_place, field="result_place",
                                                max_len=200) or self._meta().get(
                                                    "office_name", "")
        payload["holder"] = self._meta().get("office_name")
        return payload, warnings, proc

    def receive(self, inp: DossierInput, actor: str, at: datetime | None = None) -> DossierView:
        """Receive a complete dossier: code, appointment, tracking-book entry (Mẫu 01 data)."""
        return self.receive_many([inp], actor, [at] if at else None)[0]

    def receive_many(self, inputs: Sequence[DossierInput], actor: str,
                     at: Sequence[datetime] | None = None) -> list[DossierView]:
        """Receive several dossiers in one transaction (bulk entry, demo data, benchmarks)."""
        if not self.is_set_up():
            raise RegisterError("Chưa khai báo thông tin cơ quan (mã định danh, xã/phường).",
                                "Set up the office first.")
        actor = validate_text(actor, field="actor", max_len=64, required=True)
        now = self.clock()
        prepared = [self._prepare(inp, (at[i] if at else now)) for i, inp in enumerate(inputs)]
        views = []
        with self._write() as w:
            for inp, (payload, warnings, proc) in zip(inputs, prepared):
                received = parse_utc(payload["received_at"])
                uid = new_uid()
                payload["code"] = self._next_code(w, received)
                entry = self._append_entry(
                    w, "STD", proc.field, received, actor, dossier_uid=uid,
                    data={"code": payload["code"], "procedure": proc.name,
                          "applicant": payload["applicant"]["full_name"],
                          "address": payload["applicant"].get("address", ""),
                          "phone": payload["applicant"].get("phone", ""),
                          "processing_body": payload["holder"],
                          "received_at": payload["received_at"],
                          "appointment_at": payload["appointment_at"]},
                    defer_event=True)
                payload["tracking_entry"] = entry["entry_uid"]
                payload["tracking"] = {"volume_no": entry["volume_no"],
                                       "number": entry["number"], "year": entry["year"]}
                rec = w.emit(uid, "dossier", Kind.RECEIVED, payload, actor, inp.channel, received)
                state = apply(None, rec)
                w.add_dossier(state)
                entry["flush"]()
                views.append(DossierView.from_state(state, now, tuple(warnings)))
        return views

    def _next_code(self, w: _Writer, received: datetime) -> str:
        """Dossier code <agency id>-YYMMDD-<slot><sequence ≥ 3 digits>; see README."""
        day = received.astimezone(LOCAL_TZ).strftime("%y%m%d")
        value = w.counter(f"dossier:{day}")
        meta = self._meta()
        return f"{meta['agency_id']}-{day}-{meta['device_slot']}{value:03d}"

    # --- lifecycle steps -------------------------------------------------------------------

    def _step(self, ref: str, kind: str, payload: dict[str, Any], actor: str,
              at: datetime | None = None,
              prepare: Callable[[dict[str, Any], datetime], dict[str, Any]] | None = None
              ) -> DossierView:
        actor = validate_text(actor, field="actor", max_len=64, required=True)
        with self._write() as w:
            uid = self._resolve(w.conn, ref)
            rowid, state = load_dossier(w.conn, uid)
            assert state is not None
            moment = at or w.now
            if prepare is not None:
                payload = prepare(state, moment)
            probe = EventRecord(new_uid(), uid, "dossier", kind, payload, actor, state["channel"],
                                utc_iso(moment), "", self.device_id, 0, "")
            check(state, probe)  # refuse before anything is written
            rec = w.emit(uid, "dossier", kind, payload, actor, state["channel"], moment)
            new = apply(state, rec)
            save_dossier(w.conn, rowid, state, new)
        return DossierView.from_state(new, self.clock())

    def _resolve(self, conn: Connection, ref: str) -> str:
        row = conn.execute(select(Dossier.uid).where(
            (Dossier.uid == ref) | (Dossier.code == ref))).scalar()
        if row is None:
            raise NotFoundError(f"Không tìm thấy hồ sơ {ref}.", f"Dossier {ref} not found.")
        return row

    def hand_over(self, ref: str, to_unit: str, actor: str, *, from_unit: str | None = None,
                  agency: bool = False, note: str = "", at: datetime | None = None
                  ) -> DossierView:
        """Hand the dossier to a unit (Mẫu 06 row); `agency=True` is a transfer (liên thông)."""
        to_unit = validate_text(to_unit, field="to_unit", max_len=200, required=True)

        def prep(state: dict[str, Any], moment: datetime) -> dict[str, Any]:
            return {"from_unit": from_unit or state["holder"] or "", "to_unit": to_unit,
                    "agency": agency, "note": validate_text(note, field="note", max_len=500),
                    "due_at": state["due_at"]}
        return self._step(ref, Kind.HANDED_OVER, {}, actor, at, prep)

    def request_supplement(self, ref: str, items: Sequence[str], reason: str, actor: str, *,
                           second_request_reason: str = "", contact: str = "",
                           at: datetime | None = None) -> DossierView:
        """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02); once, unless a reason is given."""
        payload = {
            "items": [validate_text(i, field="items", max_len=300, required=True) for i in items],
            "reason": validate_text(reason, field="reason", max_len=1000),
            "second_request_reason": validate_text(second_request_reason,
                                                   field="second_request_reason", max_len=1000),
            "contact": validate_text(contact, field="contact", max_len=200),
        }
        return self._step(ref, Kind.SUPPLEMENT_REQUESTED, payload, actor, at)

    def receive_supplement(self, ref: str, actor: str, at: datetime | None = None
                           ) -> DossierView:
        """The applicant brought the papers: the waiting time moves the due date later."""
        def prep(state: dict[str, Any], moment: datetime) -> dict[str, Any]:
            since = parse_utc(state["supplement_since"]) if state["supplement_since"] else moment
            new_due = self.calendar().shift_for_pause(parse_utc(state["due_at"]), since, moment)
            return {"new_due_at": utc_iso(new_due), "paused_from": utc_iso(since)}
        return self._step(ref, Kind.SUPPLEMENT_RECEIVED, {}, actor, at, prep)

    def refuse(self, ref: str, reasons: Sequence[str], actor: str, at: datetime | None = None
               ) -> DossierView:
        """Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03)."""
        payload = {"reasons": [validate_text(r, field="reasons", max_len=500, required=True)
                               for r in reasons]}
        return self._step(ref, Kind.REFUSED, payload, actor, at)

    def request_financial(self, ref: str, amount: int, actor: str, at: datetime | None = None
                          ) -> DossierView:
        if not 0 <= int(amount) <= 1_000_000_000:
            raise ValidationError("Số tiền không hợp lệ.", "Invalid amount.", field="amount")
        return self._step(ref, Kind.FINANCIAL_REQUESTED, {"amount": int(amount)}, actor, at)

    def record_fee_paid(self, ref: str, amount: int, actor: str, *, online: bool = False,
                        at: datetime | None = None) -> DossierView:
        if not 0 <= int(amount) <= 1_000_000_000:
            raise ValidationError("Số tiền không hợp lệ.", "Invalid amount.", field="amount")
        return self._step(ref, Kind.FEE_PAID, {"amount": int(amount), "online": online}, actor, at)

    def process(self, ref: str, outcome: str, actor: str, *, note: str = "",
                at: datetime | None = None) -> DossierView:
        """Record the processing result ("approved" or "rejected")."""
        payload = {"outcome": outcome, "note": validate_text(note, field="note", max_len=1000)}
        return self._step(ref, Kind.PROCESSED, payload, actor, at)

    def return_result(self, ref: str, method: str, actor: str, *,
                      postal: dict[str, str] | None = None, at: datetime | None = None
                      ) -> DossierView:
        """Return the result at the desk, by post (slip and tracking number) or electronically."""
        if method == "post":
            postal = {k: validate_text(v, field=f"postal.{k}", max_len=200)
                      for k, v in (postal or {}).items()}
            for required in ("slip_no", "tracking_no", "recipient", "address"):
                if not postal.get(required):
                    raise ValidationError(
                        "Trả qua bưu chính phải ghi số phiếu gửi, mã bưu gửi, người nhận và "
                        "địa chỉ nhận.",
                        "Postal return needs the slip number, tracking number, recipient and "
                        "address.", field=f"postal.{required}")
        return self._step(ref, Kind.RETURNED, {"method": method, "postal": postal}, actor, at)

    def reschedule(self, ref: str, new_due: datetime, reason: str, actor: str,
                   at: datetime | None = None) -> DossierView:
        """Phiếu xin lỗi và đề nghị gia hạn (Mẫu 04): once, ≥ 1 day before the due date."""
        payload = {"new_due_at": utc_iso(new_due),
                   "reason": validate_text(reason, field="reason", max_len=1000)}

        def prep(state: dict[str, Any], moment: datetime) -> dict[str, Any]:
            return {**payload, "old_due_at": state["due_at"]}
        return self._step(ref, Kind.RESCHEDULED, payload, actor, at, prep)

    def withdraw(self, ref: str, reason: str, actor: str, at: datetime | None = None
                 ) -> DossierView:
        return self._step(ref, Kind.WITHDRAWN,
                          {"reason": validate_text(reason, field="reason", max_len=1000)},
                          actor, at)

    def stop(self, ref: str, reason: str, actor: str, *, stage: str = "",
             at: datetime | None = None) -> DossierView:
        """Thông báo dừng giải quyết hồ sơ (Mẫu 05), only while no result exists."""
        payload = {"reason": validate_text(reason, field="reason", max_len=1000),
                   "stage": validate_text(stage, field="stage", max_len=300)}
        return self._step(ref, Kind.STOPPED, payload, actor, at)

    def rate(self, ref: str, rating: str, actor: str, at: datetime | None = None
             ) -> DossierView:
        return self._step(ref, Kind.RATED, {"rating": rating}, actor, at)

    def complain(self, ref: str, content: str, actor: str, at: datetime | None = None
                 ) -> DossierView:
        payload = {"content": validate_text(content, field="content", max_len=2000,
                                            required=True)}
        return self._step(ref, Kind.COMPLAINED, payload, actor, at)

    def correct_applicant(self, ref: str, applicant: ApplicantInput, reason: str, actor: str,
                          at: datetime | None = None) -> tuple[DossierView, list]:
        """Sửa thông tin người nộp: a typing error fixed, with its reason, before the result
        is returned. The event holds only the fields that change; returns the dossier and the
        identification-number warnings, like a receipt."""
        reason = validate_text(reason, field="reason", max_len=1000, required=True)
        today = (at or self.clock()).astimezone(LOCAL_TZ).date()
        fixed, warnings = self._validate_applicant(applicant, "applicant", today)
        for key in ("id_number", "birth_date", "sex", "address", "phone", "email"):
            fixed.setdefault(key, "")  # a field left empty is cleared

        def prepare(state: dict[str, Any], _moment: datetime) -> dict[str, Any]:
            before = state["details"].get("applicant", {})
            changes = {k: v for k, v in fixed.items() if (before.get(k) or "") != v}
            if not changes:
                raise ValidationError("Thông tin người nộp không thay đổi.",
                                      "The applicant's details are unchanged.",
                                      field="applicant")
            return {"applicant": changes, "reason": reason}

        return self._step(ref, Kind.DETAILS_CORRECTED, {}, actor, at, prepare), warnings

    def record_printed(self, ref: str, form: str, actor: str) -> DossierView:
        return self._step(ref, Kind.PRINTED, {"form": form}, actor)

    # --- reading ---------------------------------------------------------------------------

    def get(self, ref: str) -> DossierView:
        with self._read() as conn:
            _, state = load_dossier(conn, self._resolve(conn, ref))
        assert state is not None
        return DossierView.from_state(state, self.clock())

    def history(self, ref: str) -> list[EventView]:
        """A dossier's events in replica order (the timeline and Mẫu 06 source)."""
        with self._read() as conn:
            uid = self._resolve(conn, ref)
            rows = conn.execute(select(Event).where(Event.stream == uid).order_by(
                Event.hlc, Event.device_id, Event.uid)).all()  # rows: a Connection, not ORM
            return [EventView.from_record(EventRecord.from_row(r), r.origin, r.acked_at is not None)
                    for r in rows]

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

    # --- accounts ----------------------------------------------------------------------------
    # Accounts are local to this PC and never synced. Their audit trail (who changed which
    # account, when) is the account_changes table.

    def has_accounts(self) -> bool:
        with self._read() as conn:
            return bool(conn.execute(select(func.count()).select_from(Account)).scalar())

    def create_account(self, username: str, full_name: str, role: str, password: str,
                       *, actor: str | None = None, must_change_password: bool | None = None
                       ) -> AccountView:
        """Create a local account; after the first one, only an administrator may.

        `must_change_password`: the owner picks their own password at the first login. By
        default yes for an account an administrator creates (they chose the password), no for
        the first one (its owner did)."""
        username = validate_text(username, field="username", max_len=64, required=True).lower()
        if not username.replace(".", "").replace("_", "").isalnum() or not username.isascii():
            raise ValidationError("Tên đăng nhập chỉ gồm chữ không dấu, số, dấu chấm, gạch dưới.",
                                  "Usernames use ASCII letters, digits, dots and underscores.",
                                  field="username")
        full_name = validate_name(full_name, field="full_name")
        _check_role(role)
        encoded = hash_password(password)
        with db.write_session(self.engine) as session:
            conn = session.connection()
            count = conn.execute(select(func.count()).select_from(Account)).scalar()
            if count:
                _check_administrator(conn, actor)
            elif role != "admin":
                raise ValidationError("Tài khoản đầu tiên phải là quản trị viên.",
                                      "The first account must be an administrator.",
                                      field="role")
            if conn.execute(select(Account.username).where(Account.username == username)
                            ).scalar():
                raise ValidationError(f"Tên đăng nhập {username} đã có.",
                                      f"Username {username} already exists.", field="username")
            must_change = bool(count) if must_change_password is None else must_change_password
            conn.execute(insert(Account), [{
                "username": username, "full_name": full_name, "role": role,
                "password_hash": encoded, "active": 1, "created_at": utc_iso(self.clock()),
                "must_change_password": int(must_change)}])
            self._log_account_change(conn, username, "created", actor or username, role)
        return AccountView(username, full_name, role, True, must_change)

    def authenticate(self, username: str, password: str) -> AccountView:
        """Check a password; the same message for an unknown user and a wrong password."""
        with self._read() as conn:
            a = Account
            account = conn.execute(select(a.username, a.full_name, a.role, a.active,
                                          a.password_hash, a.must_change_password).where(
                a.username == (username or "").strip().lower())).first()
        if account is None or not account.active or not verify_password(
                password or "", account.password_hash):
            raise ValidationError("Tên đăng nhập hoặc mật khẩu không đúng.",
                                  "Wrong username or password.", field="password")
        return AccountView(account.username, account.full_name, account.role, True,
                           bool(account.must_change_password))

    def accounts(self) -> list[AccountView]:
        a = Account
        with self._read() as conn:
            rows = conn.execute(select(a.username, a.full_name, a.role, a.active,
                                       a.must_change_password).order_by(a.username)).all()
        return [AccountView(r.username, r.full_name, r.role, bool(r.active),
                            bool(r.must_change_password)) for r in rows]

    def change_password(self, username: str, old_password: str, new_password: str) -> None:
        """Change one's own password: the current one must be given again."""
        username = (username or "").strip().lower()
        with self._read() as conn:
            current = conn.execute(select(Account.password_hash).where(
                Account.username == username, Account.active == 1)).scalar()
        wrong = ValidationError("Mật khẩu hiện tại không đúng.",
                                "The current password is wrong.", field="old_password")
        if current is None or not verify_password(old_password or "", current):
            raise wrong
        encoded = hash_password(new_password)
        if verify_password(new_password, current):
            raise ValidationError("Mật khẩu mới phải khác mật khẩu hiện tại.",
                                  "The new password must differ from the current one.",
                                  field="password")
        with db.write_session(self.engine) as session:
            conn = session.connection()
            changed = conn.execute(update(Account).where(
                Account.username == username, Account.active == 1,
                Account.password_hash == current).values(
                    password_hash=encoded, must_change_password=0)).rowcount
            if not changed:  # changed or deactivated since it was checked
                raise wrong
            self._log_account_change(conn, username, "password_changed", username)

    def reset_password(self, username: str, new_password: str, actor: str) -> None:
        """An administrator gives another account a new password (a forgotten one); its owner
        must change it at the next login."""
        encoded = hash_password(new_password)
        with db.write_session(self.engine) as session:
            conn = session.connection()
            _check_administrator(conn, actor)
            target = _account_row(conn, username)
            if target.username == actor:
                raise ValidationError("Hãy dùng «Đổi mật khẩu» cho tài khoản của mình.",
                                      "Use “Change password” for your own account.",
                                      field="username")
            conn.execute(update(Account).where(Account.username == target.username)
                         .values(password_hash=encoded, must_change_password=1))
            self._log_account_change(conn, target.username, "password_reset", actor)

    def set_role(self, username: str, role: str, actor: str) -> AccountView:
        """An administrator changes an account's role; an office keeps an administrator."""
        _check_role(role)
        with db.write_session(self.engine) as session:
            conn = session.connection()
            _check_administrator(conn, actor)
            target = _account_row(conn, username)
            if target.role == role:
                raise ValidationError(f"Tài khoản {target.username} đã có vai trò này.",
                                      f"Account {target.username} already has this role.",
                                      field="role")
            if target.role == "admin" and target.active:
                _keep_an_administrator(conn, target.username)
            _not_oneself(target.username, actor)
            conn.execute(update(Account).where(Account.username == target.username)
                         .values(role=role))
            self._log_account_change(conn, target.username, "role_changed", actor, role)
        return AccountView(target.username, target.full_name, role, bool(target.active))

    def set_active(self, username: str, active: bool, actor: str) -> AccountView:
        """Deactivate an account (it can no longer log in; what it wrote stays) or reactivate
        it. Accounts are never deleted: events and book entries name them."""
        with db.write_session(self.engine) as session:
            conn = session.connection()
            _check_administrator(conn, actor)
            target = _account_row(conn, username)
            if bool(target.active) == active:
                raise ValidationError(
                    f"Tài khoản {target.username} "
                    + ("đang hoạt động." if active else "đã bị khóa."),
                    f"Account {target.username} is already "
                    + ("active." if active else "deactivated."), field="username")
            if not active:
                if target.role == "admin":
                    _keep_an_administrator(conn, target.username)
                _not_oneself(target.username, actor)
            conn.execute(update(Account).where(Account.username == target.username)
                         .values(active=int(active)))
            self._log_account_change(conn, target.username,
                                     "reactivated" if active else "deactivated", actor)
        return AccountView(target.username, target.full_name, target.role, active)

    def account_changes(self, username: str | None = None) -> list[AccountChange]:
        """The accounts' audit trail, oldest first (of one account, or of all)."""
        c = AccountChangeRow
        query = select(c.at, c.username, c.change, c.actor, c.role).order_by(c.id)
        if username is not None:
            query = query.where(c.username == username)
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [AccountChange(parse_utc(r.at), r.username, r.change, r.actor, r.role)
                for r in rows]

    def _log_account_change(self, conn: Connection, username: str, change: str, actor: str,
                            role: str | None = None) -> None:
        conn.execute(insert(AccountChangeRow), [{
            "at": utc_iso(self.clock()), "username": username, "change": change,
            "actor": actor, "role": role}])

    # --- logbooks ----------------------------------------------------------------------------

    def _append_entry(self, w: _Writer, book_kind: str, field_code: str, at: datetime,
                      actor: str, *, dossier_uid: str | None, data: dict[str, Any],
                      corrects_uid: str | None = None, defer_event: bool = False
                      ) -> dict[str, Any]:
        """Number an entry in the device's open volume (opening one if needed)."""
        kind = self.catalogue(at.astimezone(LOCAL_TZ).date()).book_kind(book_kind)
        year = at.astimezone(LOCAL_TZ).year
        field_code = field_code if kind.per_field else ""
        volume = self._open_volume(w, kind, field_code, year, at, actor)
        number = volume["last_number"] + 1
        volume["last_number"] = number  # reserve it now; flush() replays it through apply
        entry_uid = new_uid()
        payload = {"entry_uid": entry_uid, "number": number, "dossier_uid": dossier_uid,
                   "data": data, "corrects_uid": corrects_uid}

        def flush() -> None:
            entries = load_entries(w.conn, [corrects_uid]) if corrects_uid else {}
            rec = w.emit(volume["uid"], "volume", VolumeKind.ENTRY_ADDED, payload, actor, None,
                         at)
            before = {**volume, "last_number": number - 1}
            check_volume(before, entries, rec)
            new_volume, changed = apply_volume(before, entries, rec)
            assert new_volume is not None
            volume.update(new_volume)
            w.dirty_volumes[volume["uid"]] = volume
            for e in changed:
                w.add_entry(e)

        if not defer_event:
            flush()
        return {"entry_uid": entry_uid, "number": number, "volume_no": volume["volume_no"],
                "volume_uid": volume["uid"], "year": volume["year"], "flush": flush}

    def _open_volume(self, w: _Writer, kind: Any, field_code: str, year: int, at: datetime,
                     actor: str) -> dict[str, Any]:
        key = (kind.code, field_code, year if kind.restart_yearly else 0)
        volume = w.volumes.get(key)
        if volume is None:
            v = LogbookVolume
            query = select(*(v.__table__.c[c] for c in VOLUME_COLUMNS)).where(
                v.book_kind == kind.code, v.field_code == field_code,
                v.device_id == self.device_id, v.closed_at.is_(None))
            if kind.restart_yearly:
                query = query.where(v.year == year)
            row = w.conn.execute(query.order_by(v.year.desc(), v.volume_no.desc()).limit(1)
                                 ).first()
            volume = from_row(row, VOLUME_COLUMNS) if row is not None else None
        if volume is not None and (
                volume["last_number"] - volume["first_number"] + 1 < volume["capacity"]):
            w.volumes[key] = volume
            return volume
        v = LogbookVolume
        if kind.restart_yearly and w.conn.execute(select(v.uid).where(
                v.book_kind == kind.code, v.field_code == field_code, v.year == year,
                v.device_id == self.device_id, v.closed_at.is_not(None)).limit(1)).first():
            # A year closed with its totals takes no new volume: its totals would be wrong.
            raise TransitionError(
                f"{kind.name} năm {year} đã khóa sổ; không thể ghi thêm.",
                f"The {kind.code} book of {year} is closed; nothing more can be entered.")
        opened = w.conn.execute(select(func.count()).select_from(v).where(
            v.book_kind == kind.code, v.field_code == field_code, v.year == year,
            v.device_id == self.device_id)).scalar() or 0
        payload = {"book_kind": kind.code, "field_code": field_code, "year": year,
                   "volume_no": volume_number(int(self._meta()["device_slot"]), opened),
                   "capacity": DEFAULT_CAPACITY.get(kind.group, 1000), "first_number": 1}
        rec = w.emit(new_uid(), "volume", VolumeKind.OPENED, payload, actor, None, at)
        volume, _ = apply_volume(None, {}, rec)
        assert volume is not None
        save_volume(w.conn, False, volume)  # inserted now: entries refer to it
        w.volumes[key] = volume
        return volume

    def add_logbook_entry(self, book_kind: str, data: dict[str, Any], actor: str, *,
                          dossier_ref: str | None = None, field_code: str = "",
                          at: datetime | None = None) -> EntryView:
        """Write a numbered entry (civil-status event, certification, ...)."""
        actor = validate_text(actor, field="actor", max_len=64, required=True)
        with self._write() as w:
            uid = self._resolve(w.conn, dossier_ref) if dossier_ref else None
            entry = self._append_entry(w, book_kind, field_code, at or w.now, actor,
                                       dossier_uid=uid, data=_clean_data(data))
            entry_uid = entry["entry_uid"]
        return self.entry(entry_uid)

    def certify(self, book_kind: str, documents: Sequence[dict[str, Any]], actor: str, *,
                dossier_ref: str | None = None, at: datetime | None = None) -> list[EntryView]:
        """Certification books: one number per certified document, never one per visitor."""
        if not documents:
            raise ValidationError("Phải có ít nhất một giấy tờ được chứng thực.",
                                  "At least one document is needed.")
        actor = validate_text(actor, field="actor", max_len=64, required=True)
        uids = []
        with self._write() as w:
            uid = self._resolve(w.conn, dossier_ref) if dossier_ref else None
            for doc in documents:
                uids.append(self._append_entry(w, book_kind, "", at or w.now, actor,
                                               dossier_uid=uid,
                                               data=_clean_data(doc))["entry_uid"])
        return [self.entry(u) for u in uids]

    def void_entry(self, entry_uid: str, reason: str, actor: str) -> EntryView:
        """Void a number: it stays in the book with its reason."""
        reason = validate_text(reason, field="reason", max_len=500, required=True)
        with self._write() as w:
            entries = load_entries(w.conn, [entry_uid])
            if entry_uid not in entries:
                raise NotFoundError("Không tìm thấy mục trong sổ.", "Entry not found.")
            volume = load_volume(w.conn, entries[entry_uid]["volume_uid"])
            probe = EventRecord("", volume["uid"], "volume", VolumeKind.ENTRY_VOIDED,  # type: ignore[index]
                                {"entry_uid": entry_uid, "reason": reason}, actor, None, "", "",
                                "", 0, "")
            check_volume(volume, entries, probe)
            rec = w.emit(volume["uid"], "volume", VolumeKind.ENTRY_VOIDED,  # type: ignore[index]
                         {"entry_uid": entry_uid, "reason": reason}, actor, None, w.now)
            new_volume, changed = apply_volume(volume, entries, rec)
            for e in changed:
                save_entry(w.conn, e)
        return self.entry(entry_uid)

    def correct_entry(self, entry_uid: str, data: dict[str, Any], reason: str, actor: str
                      ) -> EntryView:
        """A correction is a new entry in the same book that points at the old one."""
        reason = validate_text(reason, field="reason", max_len=500, required=True)
        old = self.entry(entry_uid)
        with self._write() as w:
            volume = load_volume(w.conn, old.volume_uid)
            assert volume is not None
            field_code = volume["field_code"]
            new = self._append_entry(w, old.book_kind, field_code, w.now, actor,
                                     dossier_uid=old.dossier_uid,
                                     data={**_clean_data(data), "correction_reason": reason},
                                     corrects_uid=entry_uid)
        return self.entry(new["entry_uid"])

    def volumes_to_close(self, book_kind: str, year: int) -> list[VolumeView]:
        """This PC's open volumes that `close_year` would close now; raises TransitionError
        when it would refuse: before the year's last working day, or with nothing open."""
        today = self.clock().astimezone(LOCAL_TZ).date()
        last_day = date(year, 12, 31)
        while not self.calendar().is_working_day(last_day):
            last_day -= timedelta(days=1)
        name = self.catalogue(today).book_kind(book_kind).name
        if today < last_day:
            raise TransitionError(
                f"Chưa hết năm {year}: {name} được khóa từ ngày làm việc cuối năm "
                f"({last_day:%d/%m/%Y}).",
                f"{year} is not over: the {book_kind} book can be closed from the last working "
                f"day of the year ({last_day:%d/%m/%Y}).")
        volumes = [v for v in self.volumes(book_kind, year)
                   if v.closed_at is None and v.device_id == self.device_id]
        if not volumes:
            raise TransitionError(
                f"{name} năm {year} không có quyển nào đang mở để khóa (đã khóa sổ, hoặc "
                "chưa ghi mục nào).",
                f"The {book_kind} book of {year} has no open volume to close (already closed, "
                "or nothing was entered).")
        return volumes

    def close_year(self, book_kind: str, year: int, actor: str) -> list[VolumeView]:
        """Year-end closing (khóa sổ): totals of pages and entries on each open volume,
        under the rules of `volumes_to_close`."""
        self.volumes_to_close(book_kind, year)
        closed = []
        with self._write() as w:
            v = LogbookVolume
            rows = w.conn.execute(select(*(v.__table__.c[c] for c in VOLUME_COLUMNS)).where(
                v.book_kind == book_kind, v.year == year, v.device_id == self.device_id,
                v.closed_at.is_(None))).all()
            for row in rows:
                volume = from_row(row, VOLUME_COLUMNS)
                erows = w.conn.execute(select(*(LogbookEntry.__table__.c[c]
                                                for c in ENTRY_COLUMNS)).where(
                    LogbookEntry.volume_uid == volume["uid"])).all()
                totals = closing_totals(volume, [from_row(r, ENTRY_COLUMNS) for r in erows],
                                        ENTRIES_PER_PAGE)
                rec = w.emit(volume["uid"], "volume", VolumeKind.CLOSED, {"totals": totals},
                             actor, None, w.now)
                new_volume, _ = apply_volume(volume, {}, rec)
                assert new_volume is not None
                save_volume(w.conn, True, new_volume)
                closed.append(new_volume["uid"])
        return [v for v in self.volumes(book_kind, year) if v.uid in closed]

    def volumes(self, book_kind: str | None = None, year: int | None = None) -> list[VolumeView]:
        v = LogbookVolume
        query = select(*(v.__table__.c[c] for c in VOLUME_COLUMNS))
        if book_kind:
            query = query.where(v.book_kind == book_kind)
        if year:
            query = query.where(v.year == year)
        with self._read() as conn:
            rows = conn.execute(query.order_by(v.book_kind, v.year, v.field_code,
                                               v.volume_no)).all()
        return [_volume_view(from_row(r, VOLUME_COLUMNS)) for r in rows]

    def entries(self, volume_uid: str, offset: int = 0, limit: int | None = None
                ) -> list[EntryView]:
        e = LogbookEntry
        query = select(*(e.__table__.c[c] for c in ENTRY_COLUMNS)).where(
            e.volume_uid == volume_uid).order_by(e.number).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self._read() as conn:
            volume = load_volume(conn, volume_uid)
            if volume is None:
                raise NotFoundError("Không tìm thấy quyển sổ.", "Volume not found.")
            rows = conn.execute(query).all()
        return [_entry_view(volume, from_row(r, ENTRY_COLUMNS)) for r in rows]

    def entry(self, entry_uid: str) -> EntryView:
        with self._read() as conn:
            found = load_entries(conn, [entry_uid]).get(entry_uid)
            if found is None:
                raise NotFoundError("Không tìm thấy mục trong sổ.", "Entry not found.")
            volume = load_volume(conn, found["volume_uid"])
        assert volume is not None
        return _entry_view(volume, found)

    # --- maintenance -------------------------------------------------------------------------

    def check(self) -> Any:
        """SQLite integrity, hash chains and projections rebuilt from events (motcua check)."""
        from desktop.register.check import run_check

        return run_check(self.engine)

    def backup(self, dest: Path) -> Path:
        """A consistent copy while the register is in use (SQLite online backup)."""
        return backup_mod.online_backup(self.path, Path(dest))


_ROW_SELECT = select(Dossier.uid, Dossier.code, Dossier.applicant_name,
                     Dossier.applicant_id_number, Dossier.applicant_phone,
                     Dossier.procedure_code, Dossier.status, Dossier.received_at,
                     Dossier.due_at)


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
_SEARCH = ("SELECT d.uid, d.code, d.applicant_name, d.applicant_id_number, d.applicant_phone, "
           "d.procedure_code, d.status, d.received_at, d.due_at FROM dossiers d WHERE d.id IN ("
           "SELECT rowid FROM dossier_search WHERE dossier_search MATCH ? ORDER BY rowid DESC "
           "LIMIT ?) ORDER BY d.id DESC")


def _add_search_terms(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    """Connect hook (installed by Register.open): the TEMP word list that fts_query reads."""
    dbapi_connection.execute(_TERMS_DDL)


def _dbapi(conn: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under a SQLAlchemy one (same transaction), for hot statements."""
    return conn.connection.driver_connection  # type: ignore[return-value]


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


def _row(r: Sequence[Any]) -> DossierRow:
    uid, code, name, id_number, phone, procedure_code, status, received_at, due_at = r
    return DossierRow(uid, code, name, id_number, phone, procedure_code, status,
                      parse_utc(received_at) if received_at else None,
                      parse_utc(due_at) if due_at else None)


def _blank_database(path: Path) -> bool:
    """An SQLite file without any table: what a first start killed before the schema was
    committed leaves behind. There is nothing in it to lose, so it is set up as new."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return False


_EARLIEST = datetime(1900, 1, 1, tzinfo=timezone.utc)


def _check_shape(inp: Any) -> None:
    """Refuse a value of the wrong type in any input field before a rule looks at it.

    The UI sends strings, but scripts, imports and a scanner's text can send anything: a
    wrong type must give a clear message, never a crash, and bool is not a number here (True
    as channel 1 would be hashed as `true` and stored as 1, breaking the hash chain).
    """
    def bad(name: str) -> ValidationError:
        return ValidationError(f"Giá trị không hợp lệ ở mục {name}.",
                               f"Invalid value for {name}.", field=name)

    if not isinstance(inp, DossierInput):
        raise bad("dossier")
    for name in ("procedure_code", "authorisation", "request", "appointment_reason",
                 "result_place"):
        if not isinstance(getattr(inp, name), str):
            raise bad(name)
    for name in ("channel", "sets", "pages", "copies", "fee_amount"):
        value = getattr(inp, name)
        if type(value) is not int and not (name == "fee_amount" and value is None):
            raise bad(name)
    for name in ("digitised", "reused_data"):
        if type(getattr(inp, name)) is not bool:
            raise bad(name)
    for name in ("documents", "exemptions"):
        value = getattr(inp, name)
        if not isinstance(value, (tuple, list)) or not all(isinstance(x, str) for x in value):
            raise bad(name)
    for name in ("appointment_at", "received_at"):
        value = getattr(inp, name)
        if value is not None and not isinstance(value, datetime):
            raise bad(name)
    if inp.appointment_at is not None and inp.appointment_at.utcoffset() is None:
        raise ValidationError("Ngày hẹn trả thiếu múi giờ.", "Naive appointment time.",
                              field="appointment_at")
    for role, person in (("applicant", inp.applicant), ("representative", inp.representative)):
        if person is None and role == "representative":
            continue
        if not isinstance(person, ApplicantInput):
            raise bad(role)
        if not isinstance(person.full_name, str):
            raise bad(f"{role}.full_name")
        for name in ("id_number", "sex", "address", "phone", "email"):
            if not isinstance(getattr(person, name), (str, type(None))):
                raise bad(f"{role}.{name}")
        if not isinstance(person.birth_date, (str, date, type(None))):
            raise bad(f"{role}.birth_date")


def _clean_data(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, str):
            out[key] = validate_text(value, field=key, max_len=2000)
        elif isinstance(value, (int, float, bool)) or value is None:
            out[key] = value
        elif isinstance(value, (list, dict)):
            canonical_json(value)  # must be JSON-serialisable
            out[key] = value
        elif isinstance(value, (date, datetime)):
            out[key] = value.isoformat()
        else:
            raise ValidationError(f"Giá trị không hợp lệ ở mục {key}.", f"Invalid value: {key}.",
                                  field=key)
    return out


def _volume_view(v: dict[str, Any]) -> VolumeView:
    return VolumeView(v["uid"], v["book_kind"], v["field_code"], v["year"], v["volume_no"],
                      v["device_id"], parse_utc(v["opened_at"]), v["first_number"],
                      v["last_number"], v["capacity"],
                      parse_utc(v["closed_at"]) if v["closed_at"] else None, v["closing"])


def _entry_view(v: dict[str, Any], e: dict[str, Any]) -> EntryView:
    return EntryView(e["uid"], e["volume_uid"], v["book_kind"], v["year"], v["volume_no"],
                     e["number"], parse_utc(e["registered_at"]), e["dossier_uid"], e["data"],
                     e["corrects_uid"], parse_utc(e["voided_at"]) if e["voided_at"] else None,
                     e["void_reason"], e["actor"])


# --- accounts: the rules every change to an account follows ----------------------------------

def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValidationError("Vai trò không hợp lệ.", "Invalid role.", field="role")


def _check_administrator(conn: Connection, actor: str | None) -> None:
    role = conn.execute(select(Account.role).where(Account.username == (actor or ""),
                                                   Account.active == 1)).scalar()
    if not can(role or "", "accounts"):
        raise ValidationError("Chỉ quản trị viên được quản lý tài khoản.",
                              "Only an administrator may manage accounts.")


def _account_row(conn: Connection, username: str) -> Any:
    a = Account
    row = conn.execute(select(a.username, a.full_name, a.role, a.active).where(
        a.username == (username or "").strip().lower())).first()
    if row is None:
        raise NotFoundError(f"Không có tài khoản {username}.", f"No account {username}.")
    return row


def _keep_an_administrator(conn: Connection, username: str) -> None:
    """Refuse to demote or deactivate the last active administrator: nobody could then
    manage the accounts."""
    others = conn.execute(select(func.count()).select_from(Account).where(
        Account.role == "admin", Account.active == 1, Account.username != username)).scalar()
    if not others:
        raise ValidationError(
            f"{username} là quản trị viên duy nhất còn hoạt động; hãy giao vai trò quản trị "
            "cho một tài khoản khác trước.",
            f"{username} is the only active administrator; make another account an "
            "administrator first.", field="username")


def _not_oneself(username: str, actor: str) -> None:
    if username == actor:
        raise ValidationError(
            "Không thể tự khóa hoặc tự đổi vai trò của tài khoản đang dùng; hãy nhờ một quản "
            "trị viên khác.",
            "You cannot deactivate your own account or change its role; ask another "
            "administrator.", field="username")
