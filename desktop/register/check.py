"""`motcua check`: SQLite integrity, every device's hash chain, projections rebuilt from events."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Engine

from desktop.register.entry_check import check_entry_keys
from desktop.register.events import GENESIS_HASH, ROW_COLUMNS, EventRecord, canonical_json
from desktop.register.projection import (
    DOSSIER_COLUMNS,
    ENTRY_COLUMNS,
    VOLUME_COLUMNS,
    from_row,
    to_row,
    values_of,
)
from desktop.register.writer import fold_dossier, fold_volume
from sync.protocol import EVENT_FIELDS

MAX_LISTED = 20


@dataclass
class CheckReport:
    """What `motcua check` found; `ok` only when every part holds."""

    problems: list[tuple[str, str]] = field(default_factory=list)  # (vi, en)
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, vi: str, en: str) -> None:
        self.problems.append((vi, en))

    def text(self, lang: str = "vi") -> str:
        head = ("Sổ đăng ký nguyên vẹn." if lang == "vi" else "The register is sound.") \
            if self.ok else (f"Phát hiện {len(self.problems)} vấn đề:" if lang == "vi"
                             else f"{len(self.problems)} problem(s) found:")
        lines = [head]
        for vi, en in self.problems[:MAX_LISTED]:
            lines.append(f"  - {vi if lang == 'vi' else en}")
        if len(self.problems) > MAX_LISTED:
            lines.append(f"  … (+{len(self.problems) - MAX_LISTED})")
        labels = {
            "events": ("sự kiện", "events"), "dossiers": ("hồ sơ", "dossiers"),
            "volumes": ("quyển sổ", "volumes"), "entries": ("mục trong sổ", "entries"),
            "devices": ("máy", "devices"),
        }
        for key, (vi, en) in labels.items():
            if key in self.stats:
                lines.append(f"  {vi if lang == 'vi' else en}: {self.stats[key]:,}")
        if "seconds" in self.stats:
            lines.append(f"  {'thời gian' if lang == 'vi' else 'time'}: "
                         f"{self.stats['seconds']:.1f} s")
        return "\n".join(lines)


def run_check(engine: Engine) -> CheckReport:
    report = CheckReport()
    started = time.perf_counter()
    timings: dict[str, float] = {}
    # SQLite's integrity check runs in C without holding the GIL: on a connection of its own
    # it overlaps the stages below, which are mostly Python. Its verdict comes first: on a
    # damaged file it is all that is reported, whatever the other stages found or raised.
    with engine.connect() as conn, engine.connect() as side, ThreadPoolExecutor(1) as pool:
        integrity = pool.submit(_integrity_check, _dbapi(side))
        # The stages read through the DB-API connection, in one snapshot (one transaction):
        # millions of rows as plain tuples, without a Row object each.
        raw = _dbapi(conn)
        conn.begin()
        try:
            for name, stage in (("chains", _check_chains), ("projections", _check_projections),
                                ("counters", _check_counters),
                                ("entry_keys", check_entry_keys)):
                t = time.perf_counter()
                stage(raw, report)
                timings[name] = time.perf_counter() - t
        except Exception:
            if integrity.result()[0] == ["ok"]:
                raise
        except BaseException:  # Ctrl-C: do not wait for the integrity check to finish
            _dbapi(side).interrupt()
            raise
        finally:
            conn.rollback()
        problems, timings["integrity"] = integrity.result()
    if problems != ["ok"]:
        damaged = CheckReport()
        for p in problems[:MAX_LISTED]:
            damaged.add(f"SQLite: {p}", f"SQLite: {p}")
        return damaged
    report.stats["seconds"] = time.perf_counter() - started
    # Time per stage; "projections" is the rebuild of every projection from the events.
    report.stats["stage_seconds"] = {k: round(v, 2) for k, v in timings.items()}
    report.stats["projection_rebuild_seconds"] = round(timings["projections"], 2)
    return report


def _dbapi(conn: Connection) -> sqlite3.Connection:
    raw = conn.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _integrity_check(raw: sqlite3.Connection) -> tuple[list[str], float]:
    """SQLite's own problems (["ok"] when there are none) and the seconds it took."""
    started = time.perf_counter()
    problems = [r[0] for r in raw.execute("PRAGMA integrity_check")]
    return problems, time.perf_counter() - started


# Events are read as tuples in EventRecord's field order.
_EVENT_COLUMNS = ROW_COLUMNS
_EVENT_SELECT = f"SELECT {', '.join(_EVENT_COLUMNS)}"
_UID, _STREAM, _STREAM_TYPE, _PAYLOAD, _DEVICE_ID, _DEVICE_SEQ, _PREV_HASH, _HASH = (
    _EVENT_COLUMNS.index(c) for c in ("uid", "stream", "stream_type", "payload", "device_id",
                                      "device_seq", "prev_hash", "hash"))
_SPLIT = EVENT_FIELDS.index("payload")
_HASHED_BEFORE = itemgetter(*(_EVENT_COLUMNS.index(f) for f in EVENT_FIELDS[:_SPLIT]))
_HASHED_AFTER = itemgetter(*(_EVENT_COLUMNS.index(f) for f in EVENT_FIELDS[_SPLIT + 1:]))


def _record(row: tuple[Any, ...]) -> EventRecord:
    return EventRecord.from_values(row)


def _hash_holds(row: tuple[Any, ...]) -> bool:
    """Whether the stored event hashes to its `hash` (sync.protocol.event_hash).

    Writers store the payload as canonical JSON, so its text is spliced into the hashed
    content as it is instead of being decoded and encoded again. Only when that does not
    match (an edited event, or a payload stored in another spelling of the same JSON) is the
    hash computed the long way, which alone decides.
    """
    content = (f"{canonical_json(_HASHED_BEFORE(row))[:-1]},{row[_PAYLOAD]},"
               f"{canonical_json(_HASHED_AFTER(row))[1:]}")
    if hashlib.sha256(content.encode("utf-8")).hexdigest() == row[_HASH]:
        return True
    return _record(row).compute_hash() == row[_HASH]


def _check_chains(raw: sqlite3.Connection, report: CheckReport) -> None:
    """Each device's events: contiguous sequence, every hash recomputes and links."""
    rows = raw.execute(f"{_EVENT_SELECT}, origin FROM events ORDER BY device_id, device_seq")
    device, expected_seq, prev, count, devices = None, 0, GENESIS_HASH, 0, 0
    for row in rows:
        uid, device_id = row[_UID], row[_DEVICE_ID]
        seq, prev_hash = row[_DEVICE_SEQ], row[_PREV_HASH]
        count += 1
        if device_id != device:
            device, devices = device_id, devices + 1
            expected_seq, prev = 1, GENESIS_HASH
            if row[-1] == "remote" and seq != 1:
                expected_seq, prev = seq, prev_hash  # partial remote chain
        if seq != expected_seq:
            report.add(
                f"Máy {device_id[-12:]}: thiếu sự kiện số {expected_seq} (gặp số {seq}).",
                f"Device {device_id[-12:]}: event {expected_seq} is missing (found {seq}).")
        if prev_hash != prev:
            report.add(f"Sự kiện {uid}: chuỗi băm bị đứt (sự kiện trước bị sửa hoặc xóa).",
                       f"Event {uid}: hash chain broken (previous event edited or removed).")
        if not _hash_holds(row):
            report.add(f"Sự kiện {uid}: nội dung đã bị sửa sau khi ghi.",
                       f"Event {uid}: content was edited after it was written.")
        expected_seq, prev = seq + 1, row[_HASH]
    report.stats["events"] = count
    report.stats["devices"] = devices


def _streams(raw: sqlite3.Connection) -> Iterator[tuple[str, str, list[EventRecord]]]:
    """(stream type, stream, its events in order) for every stream, in one pass over the log.

    A stream's events of another type (only a tampered log has them) come as a stream of
    their own type, as they would when each type is read alone.
    """
    current = ""
    batches: dict[str, list[EventRecord]] = {}
    for row in raw.execute(f"{_EVENT_SELECT} FROM events ORDER BY stream, hlc, device_id, uid"):
        if row[_STREAM] != current:
            for stream_type, events in batches.items():
                yield stream_type, current, events
            current, batches = row[_STREAM], {}
        batch = batches.get(row[_STREAM_TYPE])
        if batch is None:
            batch = batches[row[_STREAM_TYPE]] = []
        batch.append(_record(row))
    for stream_type, events in batches.items():
        yield stream_type, current, events


def _stored(values: tuple[Any, ...], columns: tuple[str, ...]) -> tuple[Any, ...]:
    """A stored row with its JSON columns re-encoded canonically, as rebuilt rows have them."""
    return tuple(to_row(from_row(dict(zip(columns, values)), columns), columns).values())


def _select(table: str, columns: tuple[str, ...]) -> str:
    return f"SELECT {', '.join(columns)} FROM {table}"


def _check_projections(raw: sqlite3.Connection, report: CheckReport) -> None:
    """Every dossier and volume folded from its events equals its stored rows."""
    dossiers, volumes = _DossierCheck(raw), _VolumeCheck(raw)
    for stream_type, stream, events in _streams(raw):
        if stream_type == "dossier":
            dossiers.add(events)
        elif stream_type == "volume":
            volumes.add(stream, events)
    dossiers.finish()
    volumes.finish()
    for part in (dossiers.report, volumes.report):
        report.problems.extend(part.problems)
        report.stats.update(part.stats)


_D_UID, _D_CODE = DOSSIER_COLUMNS.index("uid"), DOSSIER_COLUMNS.index("code")
_dossier_values = values_of(DOSSIER_COLUMNS)


class _DossierCheck:
    """Rebuilt dossiers merged with the stored ones, both in uid order."""

    def __init__(self, raw: sqlite3.Connection):
        self.report = CheckReport()
        self.stored = raw.execute(f"{_select('dossiers', DOSSIER_COLUMNS)} ORDER BY uid")
        self.pending: tuple[Any, ...] | None = next(self.stored, None)
        self.count = 0

    def _no_events(self) -> None:
        assert self.pending is not None
        label = self.pending[_D_CODE] or self.pending[_D_UID]
        self.report.add(f"Hồ sơ {label} không có sự kiện nào.", f"Dossier {label} has no events.")
        self.pending = next(self.stored, None)

    def add(self, events: list[EventRecord]) -> None:
        state = fold_dossier(events)
        assert state is not None
        rebuilt = _dossier_values(state)
        uid, label = rebuilt[_D_UID], rebuilt[_D_CODE] or rebuilt[_D_UID]
        while self.pending is not None and self.pending[_D_UID] < uid:
            self._no_events()
        if self.pending is None or self.pending[_D_UID] != uid:
            self.report.add(f"Hồ sơ {label} thiếu trong bảng hồ sơ.",
                            f"Dossier {label} missing from the table.")
            return
        if self.pending != rebuilt:
            row = _stored(self.pending, DOSSIER_COLUMNS)
            diff = [c for c, a, b in zip(DOSSIER_COLUMNS, row, rebuilt) if a != b]
            if diff:
                self.report.add(
                    f"Hồ sơ {label}: dữ liệu khác với lịch sử sự kiện ({', '.join(diff)}).",
                    f"Dossier {label}: differs from its events ({', '.join(diff)}).")
        self.count += 1
        self.pending = next(self.stored, None)

    def finish(self) -> None:
        while self.pending is not None:
            self._no_events()
        self.report.stats["dossiers"] = self.count


_E_UID = ENTRY_COLUMNS.index("uid")
_volume_values, _entry_values = values_of(VOLUME_COLUMNS), values_of(ENTRY_COLUMNS)
_ENTRIES_OF_VOLUME = f"{_select('logbook_entries', ENTRY_COLUMNS)} WHERE volume_uid = ?"


class _VolumeCheck:
    """Each rebuilt volume and its entries against the stored ones."""

    def __init__(self, raw: sqlite3.Connection):
        self.raw = raw
        self.report = CheckReport()
        self.stored = {r[VOLUME_COLUMNS.index("uid")]: _stored(r, VOLUME_COLUMNS)
                       for r in raw.execute(_select("logbook_volumes", VOLUME_COLUMNS))}
        self.volumes = self.entries = 0

    def add(self, uid: str, events: list[EventRecord]) -> None:
        volume, entries = fold_volume(events)
        self.volumes += 1
        stored = self.stored.pop(uid, None)
        if volume is None or stored != _volume_values(volume):
            self.report.add(f"Quyển sổ {uid}: dữ liệu khác với lịch sử sự kiện.",
                            f"Volume {uid}: differs from its events.")
            return
        rebuilt = {k: _entry_values(x) for k, x in entries.items()}
        rows = {r[_E_UID]: r for r in self.raw.execute(_ENTRIES_OF_VOLUME, (uid,))}
        self.entries += len(rebuilt)
        if rows != rebuilt:
            rows = {k: _stored(r, ENTRY_COLUMNS) for k, r in rows.items()}
        if rows != rebuilt:
            bad = {*rows} ^ {*rebuilt} | {k for k in rows if rows[k] != rebuilt.get(k)}
            label = f"{volume['book_kind']} {volume['year']}/{volume['volume_no']}"
            self.report.add(f"Quyển sổ {label}: {len(bad)} mục khác với lịch sử sự kiện.",
                            f"Volume {label}: {len(bad)} entries differ from their events.")
        numbers = sorted(x["number"] for x in entries.values())
        if numbers != list(range(volume["first_number"], volume["first_number"] + len(numbers))):
            self.report.add(f"Quyển sổ {uid}: số thứ tự không liền mạch.",
                            f"Volume {uid}: numbering has gaps.")

    def finish(self) -> None:
        for uid in self.stored:
            self.report.add(f"Quyển sổ {uid} không có sự kiện nào.",
                            f"Volume {uid} has no events.")
        self.report.stats["volumes"] = self.volumes
        self.report.stats["entries"] = self.entries


def _check_counters(raw: sqlite3.Connection, report: CheckReport) -> None:
    """The daily dossier sequence must never fall behind a code already issued."""
    slot = raw.execute("SELECT value FROM meta WHERE key = 'device_slot'").fetchone()
    if slot is None:
        return
    counters = dict(raw.execute("SELECT name, value FROM counters").fetchall())
    highest: dict[str, int] = {}
    for (code,) in raw.execute("SELECT code FROM dossiers WHERE code IS NOT NULL"):
        _, day, seq = code.rsplit("-", 2)
        if seq[:1] == str(slot[0]):
            highest[day] = max(highest.get(day, 0), int(seq[1:]))
    for day, value in highest.items():
        if counters.get(f"dossier:{day}", 0) < value:
            report.add(f"Bộ đếm mã hồ sơ ngày {day} thấp hơn mã đã cấp.",
                       f"The dossier-code counter for {day} is behind an issued code.")
