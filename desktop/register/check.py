"""`motcua check`: SQLite integrity, every device's hash chain, projections rebuilt from events."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, select, text

from desktop.register.events import GENESIS_HASH, EventRecord
from desktop.register.lifecycle import apply
from desktop.register.logbooks import apply_volume
from desktop.register.models import Dossier, Event, LogbookEntry, LogbookVolume
from desktop.register.projection import (
    DOSSIER_COLUMNS,
    ENTRY_COLUMNS,
    VOLUME_COLUMNS,
    from_row,
    to_row,
)

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
    with engine.connect() as conn:
        problems = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
        timings["integrity"] = time.perf_counter() - started
        if problems != ["ok"]:
            for p in problems[:MAX_LISTED]:
                report.add(f"SQLite: {p}", f"SQLite: {p}")
            return report
        for name, stage in (("chains", _check_chains), ("dossiers", _check_dossiers),
                            ("volumes", _check_volumes), ("counters", _check_counters)):
            t = time.perf_counter()
            stage(conn, report)
            timings[name] = time.perf_counter() - t
        conn.rollback()
    report.stats["seconds"] = time.perf_counter() - started
    # Time per stage; "projections" is the rebuild of every projection from the events.
    report.stats["stage_seconds"] = {k: round(v, 2) for k, v in timings.items()}
    report.stats["projection_rebuild_seconds"] = round(
        timings["dossiers"] + timings["volumes"], 2)
    return report


def _records(conn: Connection, query: Any) -> Iterator[EventRecord]:
    for row in conn.execute(query).yield_per(5000):
        yield EventRecord.from_row(row)


def _check_chains(conn: Connection, report: CheckReport) -> None:
    """Each device's events: contiguous sequence, every hash recomputes and links."""
    cols = [Event.__table__.c[c] for c in (
        "uid", "stream", "stream_type", "kind", "payload", "actor", "channel", "occurred_at",
        "hlc", "device_id", "device_seq", "prev_hash", "hash")]
    query = select(*cols, Event.origin).order_by(Event.device_id, Event.device_seq)
    device, expected_seq, prev, count, devices = None, 0, GENESIS_HASH, 0, 0
    for row in conn.execute(query).yield_per(5000):
        rec = EventRecord.from_row(row)
        count += 1
        if rec.device_id != device:
            device, devices = rec.device_id, devices + 1
            expected_seq, prev = 1, GENESIS_HASH
            if row.origin == "remote" and rec.device_seq != 1:
                expected_seq, prev = rec.device_seq, rec.prev_hash  # partial remote chain
        if rec.device_seq != expected_seq:
            report.add(
                f"Máy {device[-12:]}: thiếu sự kiện số {expected_seq} (gặp số {rec.device_seq}).",
                f"Device {device[-12:]}: event {expected_seq} is missing "
                f"(found {rec.device_seq}).")
        if rec.prev_hash != prev:
            report.add(f"Sự kiện {rec.uid}: chuỗi băm bị đứt (sự kiện trước bị sửa hoặc xóa).",
                       f"Event {rec.uid}: hash chain broken (previous event edited or removed).")
        if rec.compute_hash() != rec.hash:
            report.add(f"Sự kiện {rec.uid}: nội dung đã bị sửa sau khi ghi.",
                       f"Event {rec.uid}: content was edited after it was written.")
        expected_seq, prev = rec.device_seq + 1, rec.hash
    report.stats["events"] = count
    report.stats["devices"] = devices


def _streams(conn: Connection, stream_type: str) -> Iterator[tuple[str, list[EventRecord]]]:
    e = Event.__table__
    query = (select(*(e.c[c] for c in ("uid", "stream", "stream_type", "kind", "payload",
                                          "actor", "channel", "occurred_at", "hlc",
                                          "device_id", "device_seq", "prev_hash", "hash")))
             .where(e.c.stream_type == stream_type)
             .order_by(e.c.stream, e.c.hlc, e.c.device_id, e.c.uid))
    current, batch = None, []
    for rec in _records(conn, query):
        if rec.stream != current:
            if batch:
                yield current, batch  # type: ignore[misc]
            current, batch = rec.stream, []
        batch.append(rec)
    if batch:
        yield current, batch  # type: ignore[misc]


def rebuild_dossiers(conn: Connection) -> Iterator[dict[str, Any]]:
    """Every dossier state folded from its events, in uid order."""
    for _, events in _streams(conn, "dossier"):
        state = None
        for rec in events:
            state = apply(state, rec)
        assert state is not None
        yield state


def _check_dossiers(conn: Connection, report: CheckReport) -> None:
    d = Dossier.__table__
    stored = conn.execute(select(*(d.c[c] for c in DOSSIER_COLUMNS)).order_by(d.c.uid)
                          ).yield_per(5000)
    stored_iter = iter(stored)
    count = 0
    pending = next(stored_iter, None)
    for state in rebuild_dossiers(conn):
        rebuilt = to_row(state, DOSSIER_COLUMNS)
        while pending is not None and pending.uid < rebuilt["uid"]:
            report.add(f"Hồ sơ {pending.code or pending.uid} không có sự kiện nào.",
                       f"Dossier {pending.code or pending.uid} has no events.")
            pending = next(stored_iter, None)
        if pending is None or pending.uid != rebuilt["uid"]:
            report.add(f"Hồ sơ {rebuilt['code'] or rebuilt['uid']} thiếu trong bảng hồ sơ.",
                       f"Dossier {rebuilt['code'] or rebuilt['uid']} missing from the table.")
            continue
        row = to_row(from_row(pending, DOSSIER_COLUMNS), DOSSIER_COLUMNS)
        diff = [c for c in DOSSIER_COLUMNS if row[c] != rebuilt[c]]
        if diff:
            report.add(
                f"Hồ sơ {rebuilt['code'] or rebuilt['uid']}: dữ liệu khác với lịch sử sự kiện "
                f"({', '.join(diff)}).",
                f"Dossier {rebuilt['code'] or rebuilt['uid']}: differs from its events "
                f"({', '.join(diff)}).")
        count += 1
        pending = next(stored_iter, None)
    while pending is not None:
        report.add(f"Hồ sơ {pending.code or pending.uid} không có sự kiện nào.",
                   f"Dossier {pending.code or pending.uid} has no events.")
        pending = next(stored_iter, None)
    report.stats["dossiers"] = count


def _check_volumes(conn: Connection, report: CheckReport) -> None:
    v, e = LogbookVolume.__table__, LogbookEntry.__table__
    stored_volumes = {r.uid: to_row(from_row(r, VOLUME_COLUMNS), VOLUME_COLUMNS)
                      for r in conn.execute(select(*(v.c[c] for c in VOLUME_COLUMNS)))}
    volumes = entries_total = 0
    for uid, events in _streams(conn, "volume"):
        volume: dict[str, Any] | None = None
        entries: dict[str, dict[str, Any]] = {}
        for rec in events:
            volume, changed = apply_volume(volume, entries, rec)
            for entry in changed:
                entries[entry["uid"]] = entry
        volumes += 1
        stored = stored_volumes.pop(uid, None)
        if volume is None or stored != to_row(volume, VOLUME_COLUMNS):
            report.add(f"Quyển sổ {uid}: dữ liệu khác với lịch sử sự kiện.",
                       f"Volume {uid}: differs from its events.")
            continue
        rows = {r.uid: to_row(from_row(r, ENTRY_COLUMNS), ENTRY_COLUMNS) for r in conn.execute(
            select(*(e.c[c] for c in ENTRY_COLUMNS)).where(e.c.volume_uid == uid))}
        rebuilt = {k: to_row(x, ENTRY_COLUMNS) for k, x in entries.items()}
        entries_total += len(rebuilt)
        if rows != rebuilt:
            bad = sorted({*rows} ^ {*rebuilt} | {k for k in rows if rows[k] != rebuilt.get(k)})
            label = f"{volume['book_kind']} {volume['year']}/{volume['volume_no']}"
            report.add(f"Quyển sổ {label}: {len(bad)} mục khác với lịch sử sự kiện.",
                       f"Volume {label}: {len(bad)} entries differ from their events.")
        numbers = sorted(x["number"] for x in entries.values())
        if numbers != list(range(volume["first_number"], volume["first_number"] + len(numbers))):
            report.add(f"Quyển sổ {uid}: số thứ tự không liền mạch.",
                       f"Volume {uid}: numbering has gaps.")
    for uid in stored_volumes:
        report.add(f"Quyển sổ {uid} không có sự kiện nào.", f"Volume {uid} has no events.")
    report.stats["volumes"] = volumes
    report.stats["entries"] = entries_total


def _check_counters(conn: Connection, report: CheckReport) -> None:
    """The daily dossier sequence must never fall behind a code already issued."""
    slot = conn.execute(text("SELECT value FROM meta WHERE key = 'device_slot'")).scalar()
    if slot is None:
        return
    counters = dict(conn.execute(text("SELECT name, value FROM counters")).all())
    rows = conn.execute(text(
        "SELECT code FROM dossiers WHERE code IS NOT NULL")).scalars()
    highest: dict[str, int] = {}
    for code in rows:
        _, day, seq = code.rsplit("-", 2)
        if seq[:1] == str(slot):
            highest[day] = max(highest.get(day, 0), int(seq[1:]))
    for day, value in highest.items():
        if counters.get(f"dossier:{day}", 0) < value:
            report.add(f"Bộ đếm mã hồ sơ ngày {day} thấp hơn mã đã cấp.",
                       f"The dossier-code counter for {day} is behind an issued code.")
