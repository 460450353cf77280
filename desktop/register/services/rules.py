"""Rules the register works under: procedure catalogue versions, working calendar, office settings."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, insert, select, text

from desktop.register import db
from desktop.register.calendar import CalendarOverride as CalendarDay
from desktop.register.calendar import WorkingCalendar, load_overrides
from desktop.register.catalogue import (
    Catalogue,
    CatalogueSet,
    book_schema_amendment,
    load_catalogue,
    parse_catalogue,
)
from desktop.register.errors import ValidationError
from desktop.register.events import new_uid, utc_iso
from desktop.register.models import CalendarOverride, Meta, RuleVersion
from desktop.register.services.base import Service
from desktop.register.validation import validate_name, validate_text
from desktop.register.writer import Changes
from resources import resource_path
from sync.lifecycle import LOCAL_TZ


@dataclass(frozen=True)
class Settings:
    """Office settings kept in the register (domain data, not UI preferences)."""

    cutoff_hour: int = 15
    # Chủ tịch Ủy ban nhân dân xã: the name typed under the signature of the forms the
    # commune's head signs (04 apology and extension, 05 stop notice); blank leaves the line
    # to be written by hand.
    head_name: str = ""


class RulesService(Service):
    """Catalogue versions (each dossier keeps the one it was received under), the working
    calendar with its overrides, and the office settings they depend on."""

    _calendar: WorkingCalendar | None = None
    _catalogues: CatalogueSet | None = None

    def settings(self) -> Settings:
        meta = self._meta()
        return Settings(cutoff_hour=int(meta.get("cutoff_hour", 15)),
                        head_name=meta.get("head_name", ""))

    def forget(self, changes: Changes) -> None:
        """Drop what a committed write made stale: read again at the next use."""
        if changes.catalogue:
            self._catalogues = None
        if changes.calendar or changes.settings:
            self._calendar = None

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
        with self._write() as w:
            conn = w.conn
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
            w.touch(catalogue=True)
            if amendment == "replace":  # the same rules with book entry schemas added
                conn.execute(delete(RuleVersion).where(RuleVersion.kind == "catalogue",
                             RuleVersion.version == catalogue.version))
            conn.execute(insert(RuleVersion), [{
                "kind": "catalogue", "version": catalogue.version,
                "effective_from": catalogue.effective_from.isoformat(), "content": content,
                "sha256": digest, "installed_at": utc_iso(self.clock())}])
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
        with self._write() as w:
            w.touch(calendar=True)
            w.conn.execute(
                text("INSERT OR REPLACE INTO calendar_overrides (day, kind, reason, source, "
                     "added_by) VALUES (:d, :k, :r, :s, :a)"),
                {"d": day.isoformat(), "k": kind, "r": reason, "s": source, "a": actor})

    def set_cutoff_hour(self, hour: int) -> None:
        if not 11 <= int(hour) <= 17:
            raise ValidationError("Giờ chốt nhận hồ sơ phải từ 11 đến 17 giờ.",
                                  "The cut-off hour must be between 11 and 17.")
        with self._write() as w:
            w.touch(settings=True, calendar=True)
            self._set_meta(w.conn, {"cutoff_hour": str(int(hour))})

    def set_head_name(self, name: str) -> None:
        """The commune head's name printed under their signature ("" to leave it blank)."""
        name = validate_name(name, field="head_name") if (name or "").strip() else ""
        with self._write() as w:
            w.touch(settings=True)
            self._set_meta(w.conn, {"head_name": name})

