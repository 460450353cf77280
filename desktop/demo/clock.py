"""Instants inside office hours, drawn from the register's own working-day calendar."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from desktop.demo.tables import ONLINE_HOURS
from desktop.register.service import Register
from sync.lifecycle import LOCAL_TZ


class OfficeClock:
    """Instants inside office hours, from the register's own working-day calendar."""

    def __init__(self, reg: Register, rng: random.Random):
        self.cal = reg.calendar()
        self.rng = rng
        self.intervals = self.cal.hours.intervals()

    def segments(self, a: datetime, b: datetime) -> list[tuple[datetime, datetime]]:
        a, b = a.astimezone(LOCAL_TZ), b.astimezone(LOCAL_TZ)
        out, d = [], a.date()
        while d <= b.date():
            if self.cal.is_working_day(d):
                for start, end in self.intervals:
                    lo = max(a, datetime.combine(d, start, LOCAL_TZ))
                    hi = min(b, datetime.combine(d, end, LOCAL_TZ))
                    if (hi - lo).total_seconds() >= 120:
                        out.append((lo, hi))
            d += timedelta(days=1)
        return out

    def between(self, a: datetime, b: datetime) -> datetime | None:
        """A random office instant strictly inside (a, b), whole seconds; None if there is none."""
        segs = self.segments(a + timedelta(seconds=60), b - timedelta(seconds=1))
        total = sum((hi - lo).total_seconds() for lo, hi in segs)
        if not segs:
            return None
        x = self.rng.random() * total
        for lo, hi in segs:
            span = (hi - lo).total_seconds()
            if x <= span:
                return (lo + timedelta(seconds=int(x))).replace(microsecond=0)
            x -= span
        lo, hi = segs[-1]
        return lo.replace(microsecond=0)

    def soon(self, t: datetime, minutes: int = 90) -> datetime:
        """A random office instant shortly after t (within `minutes` of office time)."""
        d = t.astimezone(LOCAL_TZ).date()
        for _ in range(60):
            segs = self.segments(t + timedelta(seconds=60), datetime.combine(
                d, time(23, 59), LOCAL_TZ))
            if segs:
                lo, hi = segs[0]
                hi = min(hi, lo + timedelta(minutes=minutes))
                x = self.rng.random() * (hi - lo).total_seconds()
                return (lo + timedelta(seconds=int(x))).replace(microsecond=0)
            d += timedelta(days=1)
        raise AssertionError("no office time within 60 days")  # pragma: no cover

    def within_days(self, t: datetime, lo_days: int, hi_days: int) -> datetime:
        """An office instant from `lo_days` to `hi_days` working days after t's day."""
        day = t.astimezone(LOCAL_TZ).date()
        start = t if lo_days == 0 else datetime.combine(
            self.cal.add_working_days(day, lo_days), time(0, 0), LOCAL_TZ)
        end = self.end_of_day(self.cal.add_working_days(day, hi_days))
        return self.between(start, end) or self.soon(max(t, start))

    def end_of_day(self, d: date) -> datetime:
        return datetime.combine(d, self.intervals[1][1], LOCAL_TZ)

    def receipt(self, day: date, channel: int) -> datetime:
        """A receipt instant on `day` (in person and postal: office hours of a working day)."""
        rng = self.rng
        if channel == 2:  # the national portal takes dossiers day and night
            hour = rng.choices(range(24), ONLINE_HOURS)[0]
            return datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)),
                                    LOCAL_TZ)
        while not self.cal.is_working_day(day):
            day += timedelta(days=1)
        if channel == 3:  # the postal hand-over is signed mid-morning or mid-afternoon
            start, minutes = (time(8, 0), 150) if rng.random() < 0.6 else (time(14, 0), 120)
        elif rng.random() < 0.62:
            start, minutes = time(7, 35), 230
        else:
            start, minutes = time(13, 35), 200
        moment = datetime.combine(day, start, LOCAL_TZ)
        return moment + timedelta(seconds=rng.randrange(minutes * 60))

