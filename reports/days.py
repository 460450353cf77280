"""Instant and day helpers of the reports, and the working-day counter the server uses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from sync.lifecycle import LOCAL_TZ, utc_text

__all__ = ["DayCounter", "WorkingDays", "day_start", "local_day", "parse_instant", "utc_text"]


def parse_instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def local_day(text: str | None) -> str | None:
    """The local (Asia/Ho_Chi_Minh) date of an instant, as "YYYY-MM-DD"."""
    if not text:
        return None
    return datetime.fromisoformat(text).astimezone(LOCAL_TZ).date().isoformat()


def day_start(day: date) -> str:
    """Local midnight at the start of `day`, as event instant text."""
    return utc_text(datetime.combine(day, time(0), LOCAL_TZ))


class DayCounter(Protocol):
    """What the late report needs of a working-day calendar (WorkingCalendar has it)."""

    def working_days_between(self, a: date, b: date) -> int: ...


class WorkingDays:
    """Monday–Friday minus the `holidays` package's VN days, with overrides winning.

    The same rule as the register's WorkingCalendar.is_working_day, for the server, which
    cannot import the desktop package: `overrides` maps a day to True (worked) or False (off).
    """

    def __init__(self, overrides: Mapping[date, bool] | None = None):
        self.overrides = dict(overrides or {})
        self._years: dict[int, set[date]] = {}

    @classmethod
    def from_files(cls, documents: Iterable[Mapping[str, Any]]) -> WorkingDays:
        """From calendar documents shaped like resources/calendar/*.json (later ones win)."""
        found: dict[date, bool] = {}
        for doc in documents:
            for o in doc.get("overrides", []):
                found[date.fromisoformat(o["date"])] = o["kind"] == "work"
        return cls(found)

    def is_working_day(self, d: date) -> bool:
        if d in self.overrides:
            return self.overrides[d]
        if d.year not in self._years:
            import holidays

            self._years[d.year] = set(holidays.country_holidays("VN", years=d.year))
        return d.weekday() < 5 and d not in self._years[d.year]

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b]."""
        if b < a:
            return -self.working_days_between(b, a)
        return sum(self.is_working_day(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))
