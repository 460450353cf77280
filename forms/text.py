"""Vietnamese wording of dates, times and money as administrative papers write them."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from num2words import num2words

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
BLANK = "……"


def local(moment: datetime) -> datetime:
    """The moment on the office's wall clock (naive datetimes are taken as already local)."""
    return moment.astimezone(LOCAL_TZ) if moment.tzinfo else moment.replace(tzinfo=LOCAL_TZ)


def as_day(value: date | datetime) -> date:
    return local(value).date() if isinstance(value, datetime) else value


def day_of_month(day: int) -> str:
    """Decree 30/2020: days below 10 take a leading zero ("ngày 05")."""
    return f"{day:02d}"


def month_of_year(month: int) -> str:
    """Decree 30/2020: months 1 and 2 take a leading zero ("tháng 01"), the others do not."""
    return f"{month:02d}" if month < 3 else str(month)


def date_line(place: str, when: date | datetime | None) -> str:
    """The place-and-date line: "Hoàn Kiếm, ngày 22 tháng 11 năm 2026"."""
    if when is None:
        return f"{place or BLANK}, ngày {BLANK} tháng {BLANK} năm {BLANK}"
    d = as_day(when)
    return (f"{place or BLANK}, ngày {day_of_month(d.day)} tháng {month_of_year(d.month)} "
            f"năm {d.year}")


def long_date(when: date | datetime) -> str:
    """"ngày 23 tháng 11 năm 2026"."""
    d = as_day(when)
    return f"ngày {day_of_month(d.day)} tháng {month_of_year(d.month)} năm {d.year}"


def short_date(when: date | datetime | None) -> str:
    """"27/11/2026"."""
    return as_day(when).strftime("%d/%m/%Y") if when is not None else ""


def moment_text(moment: datetime) -> str:
    """Appointment style: "17 giờ 00 phút, ngày 27/11/2026"."""
    m = local(moment)
    return f"{m.hour:02d} giờ {m.minute:02d} phút, ngày {m:%d/%m/%Y}"


def short_moment(moment: datetime | None) -> str:
    """Tables: "10:05 23/11/2026"."""
    return f"{local(moment):%H:%M %d/%m/%Y}" if moment is not None else ""


def money(amount: int) -> str:
    """"14.000 đồng" (dot as the thousands separator)."""
    return f"{amount:,} đồng".replace(",", ".")


def money_in_words(amount: int) -> str:
    """"Mười bốn nghìn đồng": num2words in Vietnamese, first letter capitalised."""
    words = num2words(amount, lang="vi")
    return f"{words[:1].upper()}{words[1:]} đồng"


def two(n: int | None) -> str:
    """Numbers in papers are written with at least two digits ("quyển số 01")."""
    return BLANK if n is None else f"{n:02d}"
