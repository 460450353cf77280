"""Read-side queries for lists and the home screen: filters, paging, today's counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, func, or_, select, text

from desktop.register.events import utc_iso
from desktop.register.models import Dossier
from sync.lifecycle import LOCAL_TZ, OPEN_STATUS_CODES, Status, due_soon_end, due_soon_start

SORTS = {
    "newest": (Dossier.id.desc(),),
    "oldest": (Dossier.id.asc(),),
    "due": (Dossier.due_at.asc(), Dossier.id.asc()),
    "name": (Dossier.applicant_name.asc(), Dossier.id.asc()),
}
_OPEN = list(OPEN_STATUS_CODES)
_WAITING = int(Status.SUPPLEMENT)

# The columns of a list or search row (views.DossierRow.from_values), all of the dossiers
# table itself: the state and the two lateness facts beside the due date cost the list no
# join and no JSON.
ROW_COLUMNS = (Dossier.uid, Dossier.code, Dossier.applicant_name, Dossier.applicant_id_number,
               Dossier.applicant_phone, Dossier.procedure_code, Dossier.status,
               Dossier.received_at, Dossier.due_at, Dossier.supplement_since,
               Dossier.late_forced)
ROW_SELECT = select(*ROW_COLUMNS)
ROW_SQL = ", ".join(f"d.{c.key}" for c in ROW_COLUMNS)  # the same, in raw SQL over `dossiers d`


@dataclass(frozen=True)
class DossierFilter:
    """What the dossier list shows; every part optional."""

    statuses: tuple[int, ...] = ()
    procedure_code: str | None = None
    field_code: str | None = None
    officer: str | None = None
    received_from: datetime | None = None  # aware
    received_to: datetime | None = None  # aware, exclusive
    due: str | None = None  # "today" | "overdue" | None
    unsynced: bool = False
    uids: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class HomeCounts:
    """Today's figures on the home screen."""

    received_today: int
    due_today: int
    overdue: int
    awaiting_supplement: int
    not_synced: int


def day_bounds(now: datetime) -> tuple[str, str]:
    """Start and end (exclusive) of the local day containing `now`, as UTC text."""
    local_day = now.astimezone(LOCAL_TZ).date()
    start = datetime.combine(local_day, time(0), LOCAL_TZ)
    return utc_iso(start), utc_iso(start + timedelta(days=1))


def overdue_clause(now: datetime) -> ColumnElement[bool]:
    """sync.lifecycle.is_overdue in SQL: open and past the due instant at `now`, except while
    waiting for a supplement requested before it (the clock stands still), or late from a
    second supplement request on."""
    # Each term reads a range of the (status, due_at) index: a term "open and forced late"
    # alone would have SQLite scan the whole table (0.7 s at a million dossiers).
    d = Dossier
    held, now_text = [c for c in _OPEN if c != _WAITING], utc_iso(now)
    return or_(
        and_(d.status.in_(held), d.due_at < now_text),
        and_(d.status.in_(held), d.due_at >= now_text, d.late_forced == 1),
        and_(d.status.in_(held), d.due_at.is_(None), d.late_forced == 1),
        and_(d.status == _WAITING, or_(d.supplement_since > d.due_at, d.late_forced == 1)))


def due_soon_clause(now: datetime) -> ColumnElement[bool]:
    """sync.lifecycle.is_due_soon in SQL: open, not overdue, due from the start of today to
    the end of the DUE_SOON_DAYS window. Written per state so that the (status, due_at) index
    reads that range only: not overdue is "due_at >= now" for a dossier the office holds and
    "supplement asked by the due instant" for one waiting; neither forced late."""
    d = Dossier
    end = due_soon_end(now)
    return and_(d.late_forced != 1, or_(
        and_(d.status.in_([c for c in _OPEN if c != _WAITING]), d.due_at >= utc_iso(now),
             d.due_at < end),
        and_(d.status == _WAITING, d.due_at >= due_soon_start(now), d.due_at < end,
             or_(d.supplement_since.is_(None), d.supplement_since <= d.due_at))))


def apply_filter(query: Select[Any], flt: DossierFilter, now: datetime) -> Select[Any]:
    d = Dossier
    if flt.statuses:
        query = query.where(d.status.in_(flt.statuses))
    if flt.procedure_code:
        query = query.where(d.procedure_code == flt.procedure_code)
    if flt.field_code:
        query = query.where(d.field_code == flt.field_code)
    if flt.officer:
        query = query.where(d.officer == flt.officer)
    if flt.received_from:
        query = query.where(d.received_at >= utc_iso(flt.received_from))
    if flt.received_to:
        query = query.where(d.received_at < utc_iso(flt.received_to))
    if flt.due == "today":
        query = query.where(due_soon_clause(now))
    elif flt.due == "overdue":
        query = query.where(overdue_clause(now))
    if flt.unsynced:
        query = query.where(d.uid.in_(text(
            "SELECT stream FROM events WHERE acked_at IS NULL AND origin = 'local'")))
    if flt.uids:
        query = query.where(d.uid.in_(flt.uids))
    return query


def list_rows(conn: Connection, columns: Any, flt: DossierFilter, now: datetime, *,
              offset: int = 0, limit: int = 200, sort: str = "newest") -> list[Any]:
    query = apply_filter(select(*columns), flt, now).order_by(*SORTS[sort])
    return list(conn.execute(query.offset(offset).limit(limit)).all())


def count_rows(conn: Connection, flt: DossierFilter, now: datetime) -> int:
    query = apply_filter(select(func.count()).select_from(Dossier), flt, now)
    return int(conn.execute(query).scalar() or 0)


def home_counts(conn: Connection, now: datetime) -> HomeCounts:
    d = Dossier
    start, end = day_bounds(now)
    received = conn.execute(select(func.count()).select_from(d).where(
        d.received_at >= start, d.received_at < end)).scalar()
    due_today = conn.execute(select(func.count()).select_from(d).where(
        due_soon_clause(now))).scalar()
    overdue = conn.execute(select(func.count()).select_from(d).where(
        overdue_clause(now))).scalar()
    waiting = conn.execute(select(func.count()).select_from(d).where(
        d.status == _WAITING)).scalar()
    not_synced = conn.execute(text(
        "SELECT count(DISTINCT stream) FROM events WHERE acked_at IS NULL "
        "AND origin = 'local' AND stream_type = 'dossier'")).scalar()
    return HomeCounts(int(received or 0), int(due_today or 0), int(overdue or 0),
                      int(waiting or 0), int(not_synced or 0))


# --- the home screen ---------------------------------------------------------------------------

HOME_KEYS = ("received_today", "due_today", "overdue", "awaiting_supplement", "not_synced")


def home_filter(key: str, now: datetime) -> DossierFilter:
    """The list behind each count of the home screen ("due_today": sync.lifecycle's due soon)."""
    if key == "received_today":
        day = now.astimezone(LOCAL_TZ).date()
        start = datetime.combine(day, time(0), LOCAL_TZ)
        return DossierFilter(received_from=start, received_to=start + timedelta(days=1))
    if key == "due_today":
        return DossierFilter(due="today")
    if key == "overdue":
        return DossierFilter(due="overdue")
    if key == "awaiting_supplement":
        return DossierFilter(statuses=(_WAITING,))
    if key == "not_synced":
        return DossierFilter(unsynced=True)
    raise KeyError(key)
