"""Working-day calendar of a commune office: holidays, swapped days, office hours and deadlines."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from desktop.register.errors import ValidationError

DayKind = Literal["off", "work"]
DueUnit = Literal["same_day", "working_days", "working_hours"]

# The `holidays` package (as of 0.109) offers only the "public" category for VN, no "workday"
# category: make-up Saturdays are therefore not in the package and we did not use categories=.
# They come from the override files in resources/calendar (one file per year).
_HOLIDAY_VI = {
    "New Year's Day": "Nghỉ Tết Dương lịch",
    "Lunar New Year": "Nghỉ Tết Nguyên đán",
    "Hung Kings' Commemoration Day": "Nghỉ Giỗ Tổ Hùng Vương",
    "Liberation Day/Reunification Day": "Nghỉ lễ Ngày Chiến thắng 30/4",
    "International Labor Day": "Nghỉ lễ Quốc tế Lao động 1/5",
    "National Day": "Nghỉ lễ Quốc khánh",
    "Vietnam Cultural Day": "Nghỉ Ngày Văn hóa Việt Nam",
}
_SUBSTITUTED = re.compile(r"^Day off \(substituted from (\d{2})/(\d{2})/(\d{4})\)$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Vietnam has kept UTC+7 without daylight saving since 1975; used only when the OS has no
# tz database (Windows without the tzdata package).
_VN_FIXED = timezone(timedelta(hours=7), "ICT")


@dataclass(frozen=True)
class CalendarOverride:
    """A day whose status the published calendar sets, winning over the package and weekend.

    "off" is a day off the `holidays` package does not know (a swapped day, a local closure);
    "work" is a make-up working day, e.g. a Saturday worked in exchange for a swapped day.
    """

    day: date
    kind: DayKind
    reason: str
    source: str


@dataclass(frozen=True)
class OfficeHours:
    """Office intervals of the one-stop desk and the afternoon cut-off for receipts (local time)."""

    morning_start: time = time(7, 30)
    morning_end: time = time(11, 30)
    afternoon_start: time = time(13, 30)
    afternoon_end: time = time(17, 0)
    cutoff: time = time(15, 0)

    def __post_init__(self) -> None:
        ordered = self.morning_start < self.morning_end <= self.afternoon_start < self.afternoon_end
        if not ordered or not self.morning_start <= self.cutoff <= self.afternoon_end:
            raise ValidationError(
                "Giờ làm việc không hợp lệ: các mốc phải tăng dần (sáng bắt đầu < sáng kết thúc ≤ "
                "chiều bắt đầu < chiều kết thúc) và giờ chốt nhận phải nằm trong giờ làm việc.",
                "Invalid office hours: intervals must be ordered and the cutoff within them.",
                field="hours",
            )

    def intervals(self) -> tuple[tuple[time, time], tuple[time, time]]:
        """The morning and afternoon intervals, in order."""
        return (self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end)


def _file_error(where: str, problem_vi: str, problem_en: str) -> ValidationError:
    return ValidationError(f"{where}: {problem_vi}", f"{where}: {problem_en}", field="overrides")


def _parse_entry(entry: object, where: str, file_source: object) -> CalendarOverride:
    if not isinstance(entry, dict):
        raise _file_error(where, "mục phải là một đối tượng JSON.", "entry must be an object.")
    raw_day, kind, reason = entry.get("date"), entry.get("kind"), entry.get("reason")
    source = entry.get("source", file_source)
    try:
        # The pattern keeps out the other ISO forms fromisoformat accepts (20260102, 2026-W01-5).
        if not isinstance(raw_day, str) or not _ISO_DATE.match(raw_day):
            raise ValueError(raw_day)
        day = date.fromisoformat(raw_day)  # refuses 2026-02-30 and the like
    except ValueError:
        vi = "ngày phải có dạng NNNN-TT-NN, ví dụ 2026-01-02."
        raise _file_error(where, vi, "date must be YYYY-MM-DD.") from None
    if kind not in ("off", "work"):
        raise _file_error(
            where,
            f'loại ngày "{kind}" không hợp lệ; chỉ nhận "off" (nghỉ) hoặc "work" (làm việc).',
            'kind must be "off" or "work".',
        )
    if not isinstance(reason, str) or not reason.strip():
        raise _file_error(where, 'thiếu lý do ("reason").', 'missing "reason".')
    if not isinstance(source, str) or not source.strip():
        raise _file_error(where, 'thiếu căn cứ ("source").', 'missing "source".')
    return CalendarOverride(day, kind, reason.strip(), source.strip())


def load_overrides(path: str | Path) -> list[CalendarOverride]:
    """Read one override file: {"version", "source", "overrides": [{date, kind, reason, source}]}.

    An entry without its own "source" inherits the file's. Unknown top-level keys (e.g. "notes")
    are ignored so that the files can carry explanations.

    Raises:
        ValidationError: the file cannot be read or an entry is malformed; the Vietnamese
            message names the file and the entry (its number, counted from 1, and its date).
    """
    path = Path(path)
    where = f"Tệp lịch ngày nghỉ {path.name}"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _file_error(where, f"không mở được tệp ({exc.strerror}).", "cannot open.") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _file_error(where, "không phải JSON hợp lệ (UTF-8).", "not valid JSON.") from exc
    if not isinstance(data, dict) or not isinstance(data.get("overrides"), list):
        raise _file_error(where, 'thiếu danh sách "overrides".', 'missing "overrides" list.')
    if not isinstance(data.get("version"), str) or not data["version"].strip():
        raise _file_error(where, 'thiếu "version".', 'missing "version".')
    result = []
    for number, entry in enumerate(data["overrides"], start=1):
        raw_day = entry.get("date") if isinstance(entry, dict) else None
        named = f" (ngày {raw_day})" if isinstance(raw_day, str) else ""
        result.append(_parse_entry(entry, f"{where}, mục số {number}{named}", data.get("source")))
    return result


def load_overrides_dir(folder: str | Path) -> list[CalendarOverride]:
    """Read every ``*.json`` override file of a folder (one file per year), in name order."""
    return [o for p in sorted(Path(folder).glob("*.json")) for o in load_overrides(p)]


def _to_vietnamese(name: str) -> str:
    labels = []
    for part in name.split("; "):  # the package joins several names of one day with "; "
        observed = part.endswith(" (observed)")
        base = part.removesuffix(" (observed)")
        if m := _SUBSTITUTED.match(base):
            label = f"Nghỉ hoán đổi (làm bù ngày {m[2]}/{m[1]}/{m[3]})"
        elif "Lunar New Year" in base:  # eve, 29th and the first to fifth days alike
            label = _HOLIDAY_VI["Lunar New Year"]
        else:
            label = _HOLIDAY_VI.get(base, base)
        label = f"{label} (nghỉ bù)" if observed else label
        if label not in labels:
            labels.append(label)
    return "; ".join(labels)


class WorkingCalendar:
    """Vietnamese working days from the `holidays` package plus published overrides.

    Instants given to and returned by the methods are timezone-aware (stored as UTC); days
    and office hours are reckoned in the office's local zone. Nothing here reads the clock.
    """

    def __init__(
        self,
        overrides: Iterable[CalendarOverride] = (),
        hours: OfficeHours = OfficeHours(),
        tz: str = "Asia/Ho_Chi_Minh",
    ) -> None:
        self.hours = hours
        self._overrides: dict[date, CalendarOverride] = {}
        for o in overrides:
            known = self._overrides.get(o.day)
            if known is not None and known.kind != o.kind:
                vi = f"Lịch ngày nghỉ mâu thuẫn: ngày {o.day:%d/%m/%Y} vừa nghỉ vừa làm việc."
                raise ValidationError(vi, f"Conflicting overrides for {o.day}.", field="overrides")
            self._overrides[o.day] = o
        try:
            self.tz: ZoneInfo | timezone = ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            if tz != "Asia/Ho_Chi_Minh":
                vi = f"Không rõ múi giờ {tz}."
                raise ValidationError(vi, f"Unknown time zone {tz}.", field="tz") from None
            self.tz = _VN_FIXED
        self._years: dict[int, dict[date, str]] = {}

    def _holidays(self, year: int) -> dict[date, str]:
        if year not in self._years:
            # English names are stable keys for our table, whatever the package's default language.
            found = holidays.country_holidays("VN", years=year, language="en_US")
            self._years[year] = dict(found.items())
        return self._years[year]

    def is_working_day(self, d: date) -> bool:
        """Monday–Friday minus holidays and "off" overrides, plus "work" overrides."""
        if (o := self._overrides.get(d)) is not None:
            return o.kind == "work"
        return d.weekday() < 5 and d not in self._holidays(d.year)

    def day_off_reason(self, d: date) -> str | None:
        """Why ``d`` is not a working day, in Vietnamese; None for a working day."""
        if (o := self._overrides.get(d)) is not None:
            return o.reason if o.kind == "off" else None
        if (name := self._holidays(d.year).get(d)) is not None:
            return _to_vietnamese(name)
        return {5: "Thứ Bảy", 6: "Chủ nhật"}.get(d.weekday())

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        d += timedelta(days=1)
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day strictly after ``d`` (Civil Code art. 147); ``d`` itself for n=0."""
        if n < 0:
            raise ValidationError("Số ngày làm việc không được âm.", "n must be >= 0.", field="n")
        for _ in range(n):
            d = self.next_working_day(d)
        return d

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b]; negative (minus those in (b, a]) when b is before a."""
        if b < a:
            return -self.working_days_between(b, a)
        return sum(self.is_working_day(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))

    def _local(self, instant: datetime, field: str) -> datetime:
        if instant.tzinfo is None or instant.utcoffset() is None:
            vi = "Thời điểm phải kèm múi giờ (lưu theo UTC)."
            raise ValidationError(vi, "Datetime must be timezone-aware.", field=field)
        return instant.astimezone(self.tz)

    def _at(self, d: date, t: time) -> datetime:
        return datetime.combine(d, t, tzinfo=self.tz).astimezone(UTC)

    def effective_receipt(self, received_at: datetime) -> datetime:
        """When a receipt starts counting (aware, UTC).

        A receipt on a working day up to the cut-off (15:00 itself included: the rule says
        "after 15:00") counts as it is; otherwise, after the cut-off or on a day off, it counts
        from the morning start of the next working day.
        """
        local = self._local(received_at, "received_at")
        if self.is_working_day(local.date()) and local.time() <= self.hours.cutoff:
            return received_at.astimezone(UTC)
        return self._at(self.next_working_day(local.date()), self.hours.morning_start)

    def appointment(self, received_at: datetime, amount: int, unit: DueUnit) -> datetime:
        """The appointment (hẹn trả) for a processing time, aware UTC.

        "same_day" (amount ignored) ends at the close of office on the effective receipt day;
        "working_days" at the close of office on the amount-th working day after it;
        "working_hours" adds amount hours of office time from the effective receipt instant.
        """
        if amount < 0:
            raise ValidationError("Thời hạn không được âm.", "amount < 0.", field="amount")
        start = self._local(self.effective_receipt(received_at), "received_at")
        if unit == "same_day":
            return self._at(start.date(), self.hours.afternoon_end)
        if unit == "working_days":
            return self._at(self.add_working_days(start.date(), amount), self.hours.afternoon_end)
        if unit != "working_hours":
            vi = f"Đơn vị thời hạn không hợp lệ: {unit}."
            raise ValidationError(vi, f"Unknown unit {unit}.", field="unit")
        remaining = timedelta(hours=amount)
        day, cursor = start.date(), start.replace(tzinfo=None)
        while True:
            for begin, end in self.hours.intervals():
                lo, hi = max(cursor, datetime.combine(day, begin)), datetime.combine(day, end)
                if lo < hi:
                    if remaining <= hi - lo:
                        return (lo + remaining).replace(tzinfo=self.tz).astimezone(UTC)
                    remaining -= hi - lo
            day = self.next_working_day(day)
            cursor = datetime.combine(day, self.hours.morning_start)

    def shift_for_pause(
        self, due_at: datetime, paused_from: datetime, paused_to: datetime
    ) -> datetime:
        """Move an appointment later by the working days spent waiting for a supplement.

        Rule: the paused days are the working days after the local date of ``paused_from`` up to
        and including the local date of ``paused_to``, i.e. ``working_days_between`` of the two
        dates. The day the supplement was requested was worked on and still counts; the day the
        supplement came in does not, since the remaining period restarts the next day (Civil Code
        art. 147). The appointment keeps its local time of day and moves forward by that many
        working days.
        """
        start = self._local(paused_from, "paused_from").date()
        end = self._local(paused_to, "paused_to").date()
        if end < start:
            vi = "Ngày nhận bổ sung không được trước ngày yêu cầu bổ sung."
            raise ValidationError(vi, "paused_to is before paused_from.", field="paused_to")
        due = self._local(due_at, "due_at")
        days = self.working_days_between(start, end)
        if not days:
            return due_at.astimezone(UTC)
        return self._at(self.add_working_days(due.date(), days), due.time())

    def working_days_late(self, due_at: datetime, finished_at: datetime) -> int:
        """Working days after the due date up to the finishing date; 0 when on time.

        A dossier finished after the appointment hour but on the appointment day (or on a day
        off just after it) is late by less than one working day and gives 0 too: test lateness
        itself with ``finished_at > due_at``.
        """
        due = self._local(due_at, "due_at")
        finished = self._local(finished_at, "finished_at")
        if finished <= due:
            return 0
        return self.working_days_between(due.date(), finished.date())
