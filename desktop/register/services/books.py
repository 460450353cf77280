"""Books (sổ): numbered entries in the device's volumes, voiding, corrections, year-end closing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from desktop.register.entry_validation import entry_keys
from desktop.register.errors import NotFoundError, TransitionError, ValidationError
from desktop.register.events import EventRecord, canonical_json, new_uid, parse_utc
from desktop.register.logbooks import (
    DEFAULT_CAPACITY,
    VolumeKind,
    check_volume,
    closing_totals,
    volume_number,
)
from desktop.register.models import LogbookEntry, LogbookVolume
from desktop.register.projection import (
    ENTRY_COLUMNS,
    VOLUME_COLUMNS,
    from_row,
    load_entries,
    load_volume,
    save_entry,
    save_volume,
)
from desktop.register.services.base import Service
from desktop.register.validation import validate_text
from desktop.register.views import EntryView, VolumeView
from desktop.register.writer import Writer, fold_volume
from sync.lifecycle import LOCAL_TZ

ENTRIES_PER_PAGE = 10  # civil-status books: entries per printed page, for the closing line


class BookService(Service):
    """The logbooks of this PC's volumes, every entry one event of the one writer."""

    # --- logbooks ----------------------------------------------------------------------------

    def _entry_data(self, book_kind: str, at: datetime, data: dict[str, Any]) -> dict[str, Any]:
        """What a caller gives for an entry, read through its book's schema in force `at` (the
        definition the entry dialog, the printed book and `motcua check` read): legacy keys
        become today's, and a key the book does not print is refused, never stored unseen.
        The entry dialog checks the rest (required fields, each type's form) with
        `entry_validation.validate_entry` before it calls here."""
        kind = self.catalogue(at.astimezone(LOCAL_TZ).date()).book_kind(book_kind)
        if not kind.has_schema:
            return _clean_data(data)
        return _clean_data(entry_keys(kind, data))

    def _append_entry(self, w: Writer, book_kind: str, field_code: str, at: datetime,
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
            new_volume, changed = fold_volume([rec], before, entries)
            assert new_volume is not None
            volume.update(new_volume)
            w.dirty_volumes[volume["uid"]] = volume
            for e in changed.values():
                w.add_entry(e)

        if not defer_event:
            flush()
        return {"entry_uid": entry_uid, "number": number, "volume_no": volume["volume_no"],
                "volume_uid": volume["uid"], "year": volume["year"], "flush": flush}

    def _open_volume(self, w: Writer, kind: Any, field_code: str, year: int, at: datetime,
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
        volume, _ = fold_volume([rec])
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
            uid = self.reg.dossiers._resolve(w.conn, dossier_ref) if dossier_ref else None
            entry = self._append_entry(w, book_kind, field_code, at or w.now, actor,
                                       dossier_uid=uid,
                                       data=self._entry_data(book_kind, at or w.now, data))
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
            uid = self.reg.dossiers._resolve(w.conn, dossier_ref) if dossier_ref else None
            for doc in documents:
                uids.append(self._append_entry(
                    w, book_kind, "", at or w.now, actor, dossier_uid=uid,
                    data=self._entry_data(book_kind, at or w.now, doc))["entry_uid"])
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
            _, changed = fold_volume([rec], volume, entries)
            for e in changed.values():
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
                                     data=self._entry_data(
                                         old.book_kind, w.now,
                                         {**data, "correction_reason": reason}),
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
                new_volume, _ = fold_volume([rec], volume)
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


