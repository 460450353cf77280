"""Reports computed from dossier events alone: shared by the desktop register and the server.

Nothing here imports `desktop`: the register (desktop/register/reports.py) and the province
server (sync/server/reports.py) stream the same wire events, dossier by dossier in replica
order (hlc, device_id, uid), into `fold_dossier`, and hand the folded `DossierFacts` to the
`compute_*` functions. No calendar is needed to judge a deadline: every deadline is in the
events (received.appointment_at, supplement_received.new_due_at — the applicant's supplement
time is already subtracted there —, rescheduled.new_due_at). A working-day counter is used
only for "days late", and is optional (calendar days without it; each report says which).

Instants are the events' fixed-width UTC ISO text ("2026-11-16T02:00:00.000000Z"), compared
as strings; local days are Asia/Ho_Chi_Minh dates as "YYYY-MM-DD".

Definitions (Decision 766/QĐ-TTg as summarised in regulations.md §5):

- A dossier counts from its receipt (dossier.received); one registered online and never
  received is in no report.
- Its *end* is the first of processed / refused / withdrawn / stopped (the register's
  `finished_at`); returned never comes before processed. A dossier *is late* when its end is
  after its due instant (the appointment moved by supplements and by the one extension), or
  when a second supplement was requested (late from that request on, whatever happens next).
- Finished dossiers are judged once: **before** deadline = not late and ended on an earlier
  local day than the due date; **on** deadline = not late and ended on the due date (at or
  before the due instant); **after** deadline = late.
- Open dossiers are judged at the end of the period (or at `as_of`, when that is earlier):
  overdue when a second supplement was requested by then, or when the judging instant is
  after the due instant in force then; while the applicant is supplementing, the clock is
  stopped at the request.
- Period [date_from, date_to] is whole local days. *Carried over*: received before it and not
  ended before it. The handling report balances: carried over + received = processed +
  refused + withdrawn + stopped + still in processing.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FORMAT = "motcua-report/1"

# Wire kinds (the register's desktop.register.lifecycle.Kind spells them the same).
REGISTERED = "dossier.registered"
RECEIVED = "dossier.received"
REFUSED = "dossier.refused"
HANDED_OVER = "dossier.handed_over"
SUPPLEMENT_REQUESTED = "dossier.supplement_requested"
SUPPLEMENT_RECEIVED = "dossier.supplement_received"
FINANCIAL_REQUESTED = "dossier.financial_requested"
FEE_PAID = "dossier.fee_paid"
PROCESSED = "dossier.processed"
RETURNED = "dossier.returned"
RESCHEDULED = "dossier.rescheduled"
WITHDRAWN = "dossier.withdrawn"
STOPPED = "dossier.stopped"
RATED = "dossier.rated"
COMPLAINED = "dossier.complained"
DETAILS_CORRECTED = "dossier.details_corrected"

KINDS = ("handling", "late", "index", "satisfaction", "fees")
CHANNELS = {1: "Trực tiếp", 2: "Trực tuyến", 3: "Bưu chính công ích"}
RATING_LEVELS = ("very_satisfied", "satisfied", "neutral", "dissatisfied")
RATING_LABELS = {"very_satisfied": "Rất hài lòng", "satisfied": "Hài lòng",
                 "neutral": "Bình thường", "dissatisfied": "Không hài lòng"}
RETURN_METHODS = ("desk", "post", "electronic")
FINISH_KINDS = {PROCESSED: "P", REFUSED: "R", WITHDRAWN: "W", STOPPED: "S"}

# The lifecycle's transition table, mirrored from desktop.register.lifecycle (status codes
# 1–10): an event that does not fit is ignored here as the register's apply() ignores it.
_OPEN = frozenset({1, 2, 4, 5, 6})
_ALLOWED: dict[str, frozenset[int | None]] = {
    REGISTERED: frozenset({None}),
    RECEIVED: frozenset({None, 1}),
    REFUSED: frozenset({1, 2}),
    HANDED_OVER: frozenset({2, 4, 9}),
    SUPPLEMENT_REQUESTED: frozenset({2, 4}),
    SUPPLEMENT_RECEIVED: frozenset({5}),
    FINANCIAL_REQUESTED: frozenset({4}),
    FEE_PAID: frozenset({2, 4, 6}),
    PROCESSED: frozenset({2, 4}),
    RETURNED: frozenset({9}),
    RESCHEDULED: frozenset({2, 4, 5, 6}),
    WITHDRAWN: _OPEN,
    STOPPED: _OPEN,
    RATED: frozenset({9, 10}),
    DETAILS_CORRECTED: _OPEN | {9},
}
# Events that show an officer taking the dossier up (who held it after a hand-over).
_WORK_KINDS = frozenset({HANDED_OVER, SUPPLEMENT_REQUESTED, FINANCIAL_REQUESTED, PROCESSED,
                         RESCHEDULED, STOPPED, REFUSED})


# --------------------------------------------------------------------------- time helpers


def utc_text(moment: datetime) -> str:
    """The events' instant format: fixed-width UTC ISO 8601 with microseconds."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


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


# --------------------------------------------------------------------------- folded facts


@dataclass(slots=True)
class DossierFacts:
    """What the reports need of one dossier, folded from its events (see `fold_dossier`).

    Scalars are read on every report; the JSON text fields hold the rare, longer histories
    and are parsed only when a report needs them (a dossier with a supplement, an extension,
    a payment, a complaint, or a late dossier's hand-overs).
    """

    uid: str
    office: str = ""
    code: str | None = None
    procedure: str = ""
    field: str = ""
    channel: int = 1
    receiver: str = ""  # the officer who received it
    applicant: str = ""
    id_number: str | None = None
    status: int = 2
    received: str | None = None
    received_day: str | None = None
    appointment: str | None = None  # first promised
    due: str | None = None  # after supplements and the extension
    finished: str | None = None
    finished_day: str | None = None
    finish_kind: str | None = None  # P processed, R refused, W withdrawn, S stopped
    judged: str | None = None  # for finished dossiers: B before, O on, A after the deadline
    outcome: str | None = None  # approved | rejected
    returned: str | None = None
    returned_day: str | None = None
    return_method: str | None = None
    returner: str | None = None
    sup_count: int = 0
    sup_at: str | None = None  # space-separated request instants
    forced_at: str | None = None  # the second supplement request: late from then on
    timeline: str | None = None  # JSON [[at, due, paused_from|null], ...] when the due moved
    resched: str | None = None  # JSON [at, old_due, new_due]
    holders: str | None = None  # JSON [[at, unit, giver, taker|null], ...]
    fee: int = 0  # on the receipt
    fee_paid: int = 0  # paid at the desk on receipt
    exemptions: str | None = None  # JSON list of exemption codes
    digitised: int = 0  # its papers were scanned into the electronic dossier on receipt
    reused: int = 0  # already-digitised data was reused instead of a new paper copy
    payments: str | None = None  # JSON [[at, amount, online, actor], ...] (fee_paid events)
    rating: str | None = None
    rated_at: str | None = None
    rater: str | None = None
    complaints: str | None = None  # JSON [[at, actor, content], ...]
    actors: str = ""  # every officer who acted on it, "\x1f"-joined
    conflicts: int = 0  # events that did not fit and were ignored
    n: int = 1  # how many dossiers these facts stand for (a cache may group alike ones)

    # --- parsed views of the JSON text (cheap to call; small lists)

    def due_timeline(self) -> list[tuple[str, str, str | None]]:
        """[(from, due in force, paused since or None)], oldest first."""
        if self.timeline is None:
            return [(self.received or "", self.due or "", None)]
        return [tuple(x) for x in json.loads(self.timeline)]  # type: ignore[misc]

    def supplement_times(self) -> list[str]:
        return self.sup_at.split() if self.sup_at else []

    def payment_list(self) -> list[tuple[str, int, bool, str]]:
        return [tuple(x) for x in json.loads(self.payments)] if self.payments else []  # type: ignore[misc]

    def complaint_list(self) -> list[tuple[str, str, str]]:
        return [tuple(x) for x in json.loads(self.complaints)] if self.complaints else []  # type: ignore[misc]

    def exemption_list(self) -> list[str]:
        return list(json.loads(self.exemptions)) if self.exemptions else []

    def holder_list(self) -> list[tuple[str, str, str, str | None]]:
        return [tuple(x) for x in json.loads(self.holders)] if self.holders else []  # type: ignore[misc]

    def actor_set(self) -> set[str]:
        return set(self.actors.split("\x1f")) if self.actors else set()

    def due_at(self, moment: str) -> tuple[str | None, str | None]:
        """(due instant, paused since) in force just before `moment`."""
        if self.timeline is None:
            return self.due, None
        due, paused = None, None
        for at, d, p in self.due_timeline():
            if at >= moment and due is not None:
                break
            due, paused = d, p
        return due, paused

    def row(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f) for f in FACT_COLUMNS)


FACT_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(DossierFacts))


def facts_row_type(columns: Sequence[str]) -> type:
    """A tuple type with DossierFacts' attributes and methods for some of its columns.

    A cache that reads a million rows builds these straight from its rows
    (`row_type._make(row)`), much faster than DossierFacts; the computations read the same
    attributes from either. `columns` must hold every attribute the computation reads.
    """
    from collections import namedtuple

    base = namedtuple("FactsRow", columns)  # type: ignore[misc]
    methods = {name: getattr(DossierFacts, name) for name in (
        "due_timeline", "supplement_times", "payment_list", "complaint_list",
        "exemption_list", "holder_list", "actor_set", "due_at")}
    return type("FactsRow", (base,), {"__slots__": (), **methods})


class _Fold:
    """A dossier's state while its events are folded (a subset of the register's)."""

    __slots__ = (
        "actors",
        "changed",
        "complaints",
        "dues",
        "ext",
        "f",
        "holders",
        "payments",
        "resume",
        "since",
        "status",
        "sups",
    )

    def __init__(self, uid: str, office: str):
        self.f = DossierFacts(uid=uid, office=office)
        self.status: int | None = None
        self.resume: int | None = None
        self.since: str | None = None
        self.ext = 0
        self.dues: list[list[Any]] = []
        self.holders: list[list[Any]] = []
        self.payments: list[list[Any]] = []
        self.complaints: list[list[Any]] = []
        self.actors: dict[str, None] = {}
        self.sups: list[str] = []
        self.changed = False


def _fits(s: _Fold, kind: str, p: Mapping[str, Any], at: str) -> bool:
    """The register's check(): False where its apply() would flag a conflict."""
    allowed = _ALLOWED.get(kind)
    if allowed is not None and s.status not in allowed:
        return False
    if s.status is None and kind not in (RECEIVED, REGISTERED):
        return False
    if kind == SUPPLEMENT_REQUESTED:
        if not p.get("items"):
            return False
        if s.f.sup_count >= 1 and not str(p.get("second_request_reason", "")).strip():
            return False
    elif kind == RESCHEDULED:
        if s.ext >= 1 or not str(p.get("reason", "")).strip() or not s.f.due:
            return False
        due_local = datetime.fromisoformat(s.f.due).astimezone(LOCAL_TZ)
        if datetime.fromisoformat(at).astimezone(LOCAL_TZ).date() > (
                due_local - timedelta(days=1)).date():
            return False
        if datetime.fromisoformat(p["new_due_at"]) <= datetime.fromisoformat(s.f.due):
            return False
    elif kind == REFUSED and not p.get("reasons") or kind == PROCESSED and p.get("outcome") not in ("approved", "rejected") or kind == RETURNED and p.get("method") not in RETURN_METHODS or kind == RATED and p.get("rating") not in RATING_LABELS or kind == HANDED_OVER and not str(p.get("to_unit", "")).strip() or kind in (WITHDRAWN, STOPPED) and not str(p.get("reason", "")).strip():
        return False
    return True


def fold_dossier(events: Iterable[Mapping[str, Any]], office: str = "") -> DossierFacts | None:
    """Fold one dossier's wire events (in replica order) into its facts.

    Mirrors the register's lifecycle.apply(): an event that does not fit the dossier's state
    is counted in `conflicts` and otherwise ignored. Returns None for a stream with no event.
    """
    s: _Fold | None = None
    for e in events:
        if s is None:
            s = _Fold(e["stream"], office)
        p = e["payload"]
        if isinstance(p, str):
            p = json.loads(p)
        kind, at, actor = e["kind"], e["occurred_at"], e["actor"]
        if not _fits(s, kind, p, at):
            s.f.conflicts += 1
            continue
        _step(s, kind, p, at, actor, e.get("channel"))
    if s is None:
        return None
    return _finish(s)


def _step(s: _Fold, kind: str, p: Mapping[str, Any], at: str, actor: str,
          channel: int | None) -> None:
    f = s.f
    if actor:
        s.actors[actor] = None
    if kind in _WORK_KINDS and s.holders and s.holders[-1][3] is None and kind != HANDED_OVER:
        s.holders[-1][3] = actor
    if kind in (RECEIVED, REGISTERED):
        applicant = p.get("applicant") or {}
        f.code = p.get("code")
        f.procedure = p.get("procedure_code", "")
        f.field = p.get("field_code", "")
        f.channel = channel or 1
        f.applicant = applicant.get("full_name", "")
        f.id_number = applicant.get("id_number")
        f.receiver = actor
        if kind == RECEIVED:
            s.status = 2
            f.received = p.get("received_at", at)
            f.appointment = f.due = p["appointment_at"]
            s.dues = [[f.received, f.due, None]]
            s.holders = [[f.received, p.get("holder") or "", actor, actor]]
            f.fee = int(p.get("fee_amount", 0) or 0)
            f.fee_paid = 1 if p.get("fee_paid") else 0
            exemptions = (p.get("fee") or {}).get("exemptions") or []
            f.exemptions = json.dumps(list(exemptions), ensure_ascii=False) if exemptions \
                else None
            f.digitised = 1 if p.get("digitised") else 0
            f.reused = 1 if p.get("reused_data") else 0
        else:
            s.status = 1
        return
    if kind == REFUSED:
        s.status = 3
        _end(f, at, kind)
    elif kind == HANDED_OVER:
        if s.holders and s.holders[-1][3] is None:
            s.holders[-1][3] = actor
        s.holders.append([at, p["to_unit"], actor, None])
        if s.status == 2:
            s.status = 4
    elif kind == SUPPLEMENT_REQUESTED:
        s.resume = s.status
        s.status = 5
        s.since = at
        f.sup_count += 1
        s.sups.append(at)
        if f.sup_count >= 2 and f.forced_at is None:
            f.forced_at = at
        s.dues.append([at, f.due, at])
        s.changed = True
    elif kind == SUPPLEMENT_RECEIVED:
        s.status = s.resume or 4
        s.resume = None
        s.since = None
        f.due = p["new_due_at"]
        s.dues.append([at, f.due, None])
    elif kind == FINANCIAL_REQUESTED:
        s.status = 6
    elif kind == FEE_PAID:
        amount = p.get("amount")
        s.payments.append([at, int(amount if amount is not None else f.fee),
                           bool(p.get("online")), actor])
        if s.status == 6:
            s.status = 4
    elif kind == PROCESSED:
        s.status = 9
        f.outcome = p.get("outcome")
        _end(f, at, kind)
    elif kind == RETURNED:
        s.status = 10
        f.returned = at
        f.return_method = p.get("method")
        f.returner = actor
    elif kind == RESCHEDULED:
        s.ext += 1
        old = f.due
        f.due = p["new_due_at"]
        f.resched = json.dumps([at, old, f.due])
        s.dues.append([at, f.due, s.since])
        s.changed = True
    elif kind == WITHDRAWN:
        s.status = 7
        _end(f, at, kind)
    elif kind == STOPPED:
        s.status = 8
        _end(f, at, kind)
    elif kind == RATED:
        f.rating = p.get("rating")
        f.rated_at = at
        f.rater = actor
    elif kind == COMPLAINED:
        s.complaints.append([at, actor, str(p.get("content", ""))])
    elif kind == DETAILS_CORRECTED:
        applicant = p.get("applicant") or {}
        if "full_name" in applicant:
            f.applicant = applicant["full_name"]
        if "id_number" in applicant:
            f.id_number = applicant["id_number"]


def _end(f: DossierFacts, at: str, kind: str) -> None:
    if f.finished is None:
        f.finished = at
        f.finish_kind = FINISH_KINDS[kind]


def _finish(s: _Fold) -> DossierFacts:
    f = s.f
    f.status = s.status or 1
    f.received_day = local_day(f.received)
    f.finished_day = local_day(f.finished)
    f.returned_day = local_day(f.returned)
    if s.sups:
        f.sup_at = " ".join(s.sups)
    if s.changed:
        f.timeline = json.dumps(s.dues)
    if len(s.holders) > 1 or (s.holders and s.holders[0][1]):
        f.holders = json.dumps(s.holders, ensure_ascii=False)
    if s.payments:
        f.payments = json.dumps(s.payments, ensure_ascii=False)
    if s.complaints:
        f.complaints = json.dumps(s.complaints, ensure_ascii=False)
    f.actors = "\x1f".join(s.actors)
    if f.finished is not None and f.due is not None:
        if f.forced_at is not None or f.finished > f.due:
            f.judged = "A"
        elif local_day(f.finished) < local_day(f.due):  # type: ignore[operator]
            f.judged = "B"
        else:
            f.judged = "O"
    return f


def replica_order(e: Mapping[str, Any]) -> tuple[str, str, str]:
    """The order of a dossier's events on every replica: (hlc, device_id, uid), as code
    points (a database's text collation may order device ids otherwise)."""
    return e["hlc"], e["device_id"], e["uid"]


def fold_streams(events: Iterable[Mapping[str, Any]], office: str = ""
                 ) -> Iterator[DossierFacts]:
    """Facts of every dossier from events grouped by stream (each stream's events
    contiguous). Events that carry hlc, device_id and uid are put in replica order here."""
    current: str | None = None
    batch: list[Mapping[str, Any]] = []

    def fold() -> DossierFacts | None:
        if "hlc" in batch[0]:
            batch.sort(key=replica_order)
        return fold_dossier(batch, office)

    for e in events:
        if e["stream"] != current:
            if batch:
                found = fold()
                if found is not None:
                    yield found
            current, batch = e["stream"], []
        batch.append(e)
    if batch:
        found = fold()
        if found is not None:
            yield found


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class ReportParams:
    """A report's period (whole local days, both included) and its filters."""

    date_from: date
    date_to: date
    field: str | None = None
    procedure: str | None = None
    officer: str | None = None

    def __post_init__(self) -> None:
        if self.date_from > self.date_to:
            raise ValueError("date_from is after date_to")

    @property
    def start(self) -> str:
        return day_start(self.date_from)

    @property
    def end(self) -> str:
        return day_start(self.date_to + timedelta(days=1))

    def keeps(self, f: DossierFacts) -> bool:
        if f.received is None:
            return False
        if self.field and f.field != self.field:
            return False
        if self.procedure and f.procedure != self.procedure:
            return False
        return not (self.officer and self.officer not in f.actor_set())

    def months(self) -> list[tuple[str, date, date]]:
        """("YYYY-MM", first day, last day) of each month the period touches, clipped to it."""
        out = []
        d = self.date_from
        while d <= self.date_to:
            nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
            out.append((f"{d:%Y-%m}", d, min(nxt - timedelta(days=1), self.date_to)))
            d = nxt
        return out


@dataclass(frozen=True)
class Labels:
    """Names of fields, procedures and exemptions (from the procedure catalogues)."""

    fields: Mapping[str, str] = field(default_factory=dict)
    procedures: Mapping[str, str] = field(default_factory=dict)
    exemptions: Mapping[str, str] = field(default_factory=dict)
    procedure_field: Mapping[str, str] = field(default_factory=dict)
    offices: Mapping[str, str] = field(default_factory=dict)  # office id -> name (server)

    @classmethod
    def from_catalogues(cls, documents: Iterable[Mapping[str, Any]]) -> Labels:
        """From catalogue JSON documents; the one with the latest effective date wins."""
        docs = sorted(documents, key=lambda d: (str(d.get("effective_from", "")),
                                                str(d.get("version", ""))))
        f: dict[str, str] = {}
        p: dict[str, str] = {}
        x: dict[str, str] = {}
        pf: dict[str, str] = {}
        for doc in docs:
            for item in doc.get("fields", []):
                f[item["code"]] = item["name"]
            for proc in doc.get("procedures", []):
                p[proc["code"]] = proc["name"]
                pf[proc["code"]] = proc.get("field", "")
                for ex in (proc.get("fee") or {}).get("exemptions", []) or []:
                    x[f"{proc['code']}:{ex['code']}"] = ex.get("label", ex["code"])
        return cls(f, p, x, pf)

    def field_name(self, code: str) -> str:
        return self.fields.get(code, code)

    def procedure_name(self, code: str) -> str:
        return self.procedures.get(code, code)

    def exemption_name(self, procedure: str, code: str) -> str:
        """Exemptions are per procedure ("on_time" differs for births and deaths)."""
        return self.exemptions.get(f"{procedure}:{code}", code)


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


# --------------------------------------------------------------------------- (a) handling

_H_FIELDS = ("carried_over", "received", "received_in_person", "received_online",
             "received_post", "processed", "processed_before", "processed_on",
             "processed_after", "refused", "withdrawn", "stopped", "in_processing",
             "in_processing_not_due", "in_processing_overdue", "supplement_requested",
             "second_supplement", "returned")
_HI = {name: i for i, name in enumerate(_H_FIELDS)}


@dataclass(frozen=True)
class HandlingRow:
    """One line of the handling report (the total, a field, a procedure or an office)."""

    key: str
    label: str
    carried_over: int
    received: int
    received_in_person: int
    received_online: int
    received_post: int
    processed: int
    processed_before: int
    processed_on: int
    processed_after: int
    refused: int
    withdrawn: int
    stopped: int
    in_processing: int
    in_processing_not_due: int
    in_processing_overdue: int
    supplement_requested: int
    second_supplement: int
    returned: int
    to_handle: int
    on_time_share: float | None

    @classmethod
    def of(cls, key: str, label: str, counts: Sequence[int]) -> HandlingRow:
        c = dict(zip(_H_FIELDS, counts, strict=True))
        good = c["processed_before"] + c["processed_on"]
        return cls(key=key, label=label, **c, to_handle=c["carried_over"] + c["received"],
                   on_time_share=_share(good, c["processed"]))


@dataclass(frozen=True)
class HandlingReport:
    """(a) Tình hình tiếp nhận và giải quyết hồ sơ."""

    params: ReportParams
    judged_at: str
    total: HandlingRow
    by_field: tuple[HandlingRow, ...]
    by_procedure: tuple[HandlingRow, ...]
    by_office: tuple[HandlingRow, ...] = ()
    kind: str = "handling"


def _judge_open(f: DossierFacts, judge: str) -> bool:
    """Overdue at `judge` for a dossier still open then."""
    if f.forced_at is not None and f.forced_at < judge:
        return True
    due, paused = f.due_at(judge)
    if due is None:
        return False
    return (paused or judge) > due


def _judge_instant(params: ReportParams, as_of: str | None) -> str:
    end = params.end
    return min(end, as_of) if as_of else end


def compute_handling(facts: Iterable[DossierFacts], params: ReportParams, labels: Labels,
                     *, as_of: str | None = None, by_office: bool = False) -> HandlingReport:
    """(a) The dossier handling report of a period, by field and by procedure.

    Each fact counts `f.n` times (a cache may hand over alike finished dossiers as one).
    """
    start, end = params.start, params.end
    judge = _judge_instant(params, as_of)
    groups: dict[tuple[str, str, str], list[int]] = {}
    n = len(_H_FIELDS)
    i_carried, i_received = _HI["carried_over"], _HI["received"]
    channel_index = {1: _HI["received_in_person"], 2: _HI["received_online"],
                     3: _HI["received_post"]}
    finish_index = {"R": _HI["refused"], "W": _HI["withdrawn"], "S": _HI["stopped"]}
    judged_index = {"B": _HI["processed_before"], "O": _HI["processed_on"],
                    "A": _HI["processed_after"]}
    i_processed, i_open = _HI["processed"], _HI["in_processing"]
    i_not_due, i_overdue = _HI["in_processing_not_due"], _HI["in_processing_overdue"]
    i_sup, i_sup2, i_returned = (_HI["supplement_requested"], _HI["second_supplement"],
                                 _HI["returned"])
    filtered = bool(params.field or params.procedure or params.officer)
    for f in facts:
        received = f.received
        if received is None or received >= end:
            continue
        if filtered and not params.keeps(f):
            continue
        finished = f.finished
        returned = f.returned
        active = finished is None or finished >= start
        returned_now = returned is not None and start <= returned < end
        if not active and not returned_now:
            continue
        w = f.n
        key = (f.office if by_office else "", f.field, f.procedure)
        row = groups.get(key)
        if row is None:
            row = groups[key] = [0] * n
        if returned_now:
            row[i_returned] += w
        if not active:
            continue
        if received < start:
            row[i_carried] += w
        else:
            row[i_received] += w
            row[channel_index.get(f.channel, channel_index[1])] += w
        if finished is not None and finished < end:
            kind = f.finish_kind
            if kind == "P":
                row[i_processed] += w
                if f.judged:
                    row[judged_index[f.judged]] += w
            else:
                row[finish_index[kind]] += w  # type: ignore[index]
        else:
            row[i_open] += w
            if _judge_open(f, judge):
                row[i_overdue] += w
            else:
                row[i_not_due] += w
        if f.sup_count:
            times = [t for t in f.supplement_times() if start <= t < end]
            if times:
                row[i_sup] += w
            if f.forced_at is not None and start <= f.forced_at < end:
                row[i_sup2] += w
    return HandlingReport(params=params, judged_at=judge, **_handling_rows(groups, labels,
                                                                            by_office))


def _sum_rows(rows: Iterable[Sequence[int]], n: int) -> list[int]:
    total = [0] * n
    for r in rows:
        for i, v in enumerate(r):
            total[i] += v
    return total


def _handling_rows(groups: Mapping[tuple[str, str, str], Sequence[int]], labels: Labels,
                   by_office: bool) -> dict[str, Any]:
    n = len(_H_FIELDS)
    fields_: dict[str, list[Sequence[int]]] = {}
    procs: dict[str, list[Sequence[int]]] = {}
    offices: dict[str, list[Sequence[int]]] = {}
    for (office, fcode, pcode), counts in groups.items():
        fields_.setdefault(fcode, []).append(counts)
        procs.setdefault(pcode, []).append(counts)
        offices.setdefault(office, []).append(counts)
    total = HandlingRow.of("", "Tổng cộng", _sum_rows(groups.values(), n))
    by_field = tuple(HandlingRow.of(k, labels.field_name(k), _sum_rows(v, n))
                     for k, v in sorted(fields_.items()))
    proc_field = {p: f for (_, f, p) in groups}
    by_proc = tuple(HandlingRow.of(k, labels.procedure_name(k), _sum_rows(v, n))
                    for k, v in sorted(procs.items(), key=lambda kv: (proc_field[kv[0]],
                                                                      kv[0])))
    by_off = tuple(HandlingRow.of(k, labels.offices.get(k, k), _sum_rows(v, n))
                   for k, v in sorted(offices.items())
                   ) if by_office else ()
    return {"total": total, "by_field": by_field, "by_procedure": by_proc, "by_office": by_off}


# --------------------------------------------------------------------------- (b) late


@dataclass(frozen=True)
class LateRow:
    """A dossier late in the period: finished late in it, or open and overdue at its end."""

    code: str
    office: str
    procedure: str
    procedure_name: str
    field: str
    applicant: str
    received_at: str
    appointment_at: str
    due_at: str  # the deadline it missed (after supplements and the extension)
    finished_at: str | None  # None: still open at the end of the period
    days_late: int
    holding_unit: str  # holding the dossier at the deadline
    holding_officer: str
    second_supplement: bool
    apology_issued: bool
    apology_in_time: bool | None
    apology_at: str | None
    new_due_at: str | None


@dataclass(frozen=True)
class LateReport:
    """(b) Danh sách hồ sơ trễ hạn."""

    params: ReportParams
    judged_at: str
    days_unit: str  # "working_days" | "calendar_days"
    rows: tuple[LateRow, ...]
    kind: str = "late"


def holder_at(f: DossierFacts, moment: str) -> tuple[str, str]:
    """(unit, officer) holding the dossier at `moment`, from its hand-overs.

    The unit is the receiving unit of the last hand-over at or before `moment` (the office
    that received it before any hand-over). The officer is whoever took the dossier up in
    that unit: the author of the first working step after the hand-over (a further
    hand-over, a supplement request, processing, ...); when nobody has yet, the officer who
    handed it over.
    """
    holders = f.holder_list()
    if not holders:
        return "", f.receiver
    chosen = holders[0]
    for h in holders:
        if h[0] <= moment:
            chosen = h
        else:
            break
    return chosen[1], chosen[3] or chosen[2]


def _days_late(due: str, end: str, days: DayCounter | None) -> int:
    if end <= due:
        return 0
    a = date.fromisoformat(local_day(due))  # type: ignore[arg-type]
    b = date.fromisoformat(local_day(end))  # type: ignore[arg-type]
    return days.working_days_between(a, b) if days is not None else (b - a).days


def compute_late(facts: Iterable[DossierFacts], params: ReportParams, labels: Labels, *,
                 as_of: str | None = None, days: DayCounter | None = None) -> LateReport:
    """(b) Dossiers finished late in the period or open and overdue at its end."""
    start, end = params.start, params.end
    judge = _judge_instant(params, as_of)
    rows = []
    for f in facts:
        if f.received is None or f.received >= end or not params.keeps(f):
            continue
        finished = f.finished
        if finished is not None and start <= finished < end:
            if f.judged != "A":
                continue
            due, end_at = f.due, finished
        elif finished is None or finished >= end:
            if not _judge_open(f, judge):
                continue
            due, paused = f.due_at(judge)
            # Judged at the end of the period: its last instant, on its last day.
            end_at = paused or utc_text(parse_instant(judge) - timedelta(microseconds=1))
            finished = None
        else:
            continue
        assert due is not None
        resched = json.loads(f.resched) if f.resched else None
        if resched is not None and resched[0] >= (finished or judge):
            resched = None
        unit, officer = holder_at(f, due)
        apology_in_time = None
        if resched is not None:
            old_day = date.fromisoformat(local_day(resched[1]))  # type: ignore[arg-type]
            apology_in_time = date.fromisoformat(local_day(resched[0])) <= (  # type: ignore[arg-type]
                old_day - timedelta(days=1))
        forced = f.forced_at is not None and f.forced_at < (finished or judge)
        rows.append(LateRow(
            code=f.code or f.uid, office=f.office, procedure=f.procedure,
            procedure_name=labels.procedure_name(f.procedure), field=f.field,
            applicant=f.applicant, received_at=f.received, appointment_at=f.appointment or "",
            due_at=due, finished_at=finished, days_late=_days_late(due, end_at, days),
            holding_unit=unit, holding_officer=officer, second_supplement=forced,
            apology_issued=resched is not None, apology_in_time=apology_in_time,
            apology_at=resched[0] if resched else None,
            new_due_at=resched[2] if resched else None))
    rows.sort(key=lambda r: (r.due_at, r.code))
    return LateReport(params=params, judged_at=judge,
                      days_unit="working_days" if days is not None else "calendar_days",
                      rows=tuple(rows))


# --------------------------------------------------------------------------- (c) index


@dataclass(frozen=True)
class IndexRule:
    code: str
    group: str
    name: str
    max_points: float
    scoring: str
    full_at: float
    status: str


@dataclass(frozen=True)
class IndexRules:
    """The index's scoring, as versioned data (resources/index/*.json)."""

    version: str
    legal_basis: str
    groups: tuple[tuple[str, str, float], ...]
    indicators: tuple[IndexRule, ...]

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> IndexRules:
        if doc.get("format") != "motcua-index-rules/1":
            raise ValueError("not a motcua index rules document")
        groups = tuple((g["code"], g["name"], float(g["points"])) for g in doc["groups"])
        known = {g[0] for g in groups}
        rules = []
        for item in doc["indicators"]:
            if item["group"] not in known or item.get("scoring", "linear") != "linear":
                raise ValueError(f"indicator {item.get('code')}: unknown group or scoring")
            rules.append(IndexRule(item["code"], item["group"], item["name"],
                                   float(item["max_points"]), "linear",
                                   float(item["full_at"]), item.get("status", "check")))
        return cls(str(doc["version"]), str(doc.get("legal_basis", "")), groups, tuple(rules))

    @classmethod
    def load(cls, path: Path | None = None) -> IndexRules:
        if path is None:
            from resources import resource_path

            path = resource_path("index", "decision-766-2022.json")
        return cls.from_document(json.loads(Path(path).read_text(encoding="utf-8")))

    def points(self, code: str, value: float | None) -> float | None:
        for r in self.indicators:
            if r.code == code:
                if value is None:
                    return None
                return r.max_points * min(1.0, value / r.full_at)
        return None


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    group: str
    numerator: int | None
    denominator: int | None
    value: float | None  # share 0..1; None = not recorded / nothing to measure
    max_points: float
    full_at: float
    points: float | None
    status: str  # "reference" | "check" (whether the scoring is confirmed)
    note: str = ""


@dataclass(frozen=True)
class IndexPeriod:
    label: str  # "2026-01" or "" for the whole period
    date_from: date
    date_to: date
    judged: int
    on_time: int
    late: int
    complained_or_dissatisfied: int
    received: int
    synced: int
    online: int
    digitised: int
    reused: int
    paying: int
    paid_online: int
    returned: int
    returned_electronic: int
    indicators: tuple[Indicator, ...]
    points: float
    points_available: float


@dataclass(frozen=True)
class IndexReport:
    """(c) Chỉ số phục vụ người dân (Quyết định 766/QĐ-TTg), the period and month by month."""

    params: ReportParams
    rules_version: str
    judged_at: str
    total: IndexPeriod
    months: tuple[IndexPeriod, ...]
    kind: str = "index"


class _IndexAcc:
    """Counts of one month. A dossier ended in the month is judged in it; one still open at
    the month's end is judged then (`open_*`); the whole period's figures are the months'
    sums with the open dossiers of the last month only."""

    __slots__ = (
        "digitised",
        "electronic",
        "fin",
        "fin_bad",
        "fin_late",
        "online",
        "open",
        "open_bad",
        "open_late",
        "paid_online",
        "paying",
        "received",
        "returned",
        "reused",
        "synced",
    )

    def __init__(self) -> None:
        self.fin = self.fin_late = self.fin_bad = 0
        self.open = self.open_late = self.open_bad = 0
        self.received = self.synced = self.online = self.returned = self.electronic = 0
        self.paying = self.paid_online = 0
        self.digitised = self.reused = 0


def _bad(f: DossierFacts) -> bool:
    """A complaint, or a "dissatisfied" rating, on the dossier (whenever recorded)."""
    return f.rating == "dissatisfied" or f.complaints is not None


def _index_period(label: str, d0: date, d1: date, accs: Sequence[_IndexAcc], last: _IndexAcc,
                  paying: tuple[int, int], rules: IndexRules) -> IndexPeriod:
    """The indicators of the months `accs`, judging open dossiers as `last` holds them."""
    def total(name: str) -> int:
        return sum(getattr(a, name) for a in accs)
    judged = total("fin") + last.open
    late = total("fin_late") + last.open_late
    bad = total("fin_bad") + last.open_bad
    on_time = judged - late
    received, synced, online = total("received"), total("synced"), total("online")
    returned, electronic = total("returned"), total("electronic")
    digitised, reused = total("digitised"), total("reused")
    payers, online_payers = paying
    late_rate = _share(late, judged)
    bad_rate = _share(bad, judged)
    satisfaction = None if late_rate is None else max(0.0, 1.0 - late_rate - (bad_rate or 0))
    values: dict[str, tuple[int | None, int | None, float | None, str]] = {
        "synced_share": (synced, received, _share(synced, received),
                         "hồ sơ tiếp nhận trong kỳ đã được máy chủ tỉnh xác nhận"),
        "on_time_share": (on_time, judged, _share(on_time, judged),
                          "hồ sơ kết thúc trong kỳ và hồ sơ còn mở xét tại cuối kỳ"),
        "digitised_share": (digitised, received, _share(digitised, received),
                            "hồ sơ tiếp nhận trong kỳ có thành phần hồ sơ được số hóa"),
        "electronic_result_share": (electronic, returned, _share(electronic, returned),
                                    "hồ sơ trả kết quả trong kỳ"),
        "reuse_share": (reused, received, _share(reused, received),
                        "hồ sơ tiếp nhận trong kỳ có khai thác, sử dụng lại dữ liệu đã số hóa"),
        "online_share": (online, received, _share(online, received), "hồ sơ tiếp nhận trong kỳ"),
        "paid_online_share": (online_payers, payers, _share(online_payers, payers),
                              "hồ sơ có nộp phí, lệ phí trong kỳ"),
        "satisfaction": (None, judged, satisfaction,
                         "100% − tỷ lệ trễ hạn − tỷ lệ có phản ánh hoặc không hài lòng"),
    }
    out = []
    points = available = 0.0
    for rule in rules.indicators:
        num, den, value, note = values.get(rule.code, (None, None, None,
                                                       "chỉ số không tính được từ sổ"))
        p = rules.points(rule.code, value)
        if p is not None:
            points += p
            available += rule.max_points
        out.append(Indicator(rule.code, rule.name, rule.group, num, den,
                             value, rule.max_points,
                             rule.full_at, p, rule.status, note))
    return IndexPeriod(label, d0, d1, judged, on_time, late, bad, received, synced, online,
                       digitised, reused, payers, online_payers, returned, electronic,
                       tuple(out), points, available)


def compute_index(facts: Iterable[DossierFacts], params: ReportParams, rules: IndexRules, *,
                  unsynced: Iterable[DossierFacts] = (), as_of: str | None = None
                  ) -> IndexReport:
    """(c) The index indicators of the period and of each month in it, in one pass.

    Each month is judged as a period of its own: dossiers ended in it, and dossiers still
    open at its end (judged then); received (and digitised, or reusing digitised data, on
    receipt), returned and paid in it. The whole period is
    judged the same way (its open dossiers at its end). A dossier is "synced" unless it is
    among `unsynced` (the facts of dossiers whose receipt the server has not acknowledged;
    the server passes none: it holds what it holds). Each fact counts `f.n` times;
    "paying" when a fee was paid on its receipt or by a later payment in the period, and
    "paid online" when one of those payments was made online.
    """
    months = params.months()
    starts = [day_start(a) for _, a, _ in months]
    ends = [day_start(b + timedelta(days=1)) for _, _, b in months]
    judges = [min(e, as_of) if as_of else e for e in ends]
    accs = [_IndexAcc() for _ in months]
    pay_months: list[list[int]] = [[0, 0] for _ in months]
    pay_total = [0, 0]
    start, end = params.start, params.end
    filtered = bool(params.field or params.procedure or params.officer)
    last = len(months) - 1
    bisect_right = bisect.bisect_right
    for f in facts:
        received = f.received
        if received is None or received >= end:
            continue
        if filtered and not params.keeps(f):
            continue
        finished, returned = f.finished, f.returned
        m_recv = bisect_right(starts, received) - 1
        n = f.n
        if m_recv >= 0:  # received in the period
            acc = accs[m_recv]
            acc.received += n
            acc.synced += n
            if f.channel == 2:
                acc.online += n
            if f.digitised:
                acc.digitised += n
            if f.reused:
                acc.reused += n
        bad = f.rating == "dissatisfied" or f.complaints is not None
        # Judged where it ended, and at every month's end while it was open before that.
        first_open = max(m_recv, 0)
        if finished is not None and finished < end:
            m_fin = bisect_right(starts, finished) - 1
            if m_fin >= 0:
                acc = accs[m_fin]
                acc.fin += n
                if f.judged == "A":
                    acc.fin_late += n
                if bad:
                    acc.fin_bad += n
            open_until = m_fin - 1
        else:
            open_until = last
        for m in range(first_open, open_until + 1):
            if finished is not None and finished < ends[m]:
                continue
            acc = accs[m]
            acc.open += n
            if _judge_open(f, judges[m]):
                acc.open_late += n
            if bad:
                acc.open_bad += n
        if returned is not None and start <= returned < end:
            acc = accs[bisect_right(starts, returned) - 1]
            acc.returned += n
            if f.return_method == "electronic":
                acc.electronic += n
        if f.fee_paid or f.payments:
            paid_in: dict[int, bool] = {}
            if f.fee_paid and m_recv >= 0:
                paid_in[m_recv] = False
            if f.payments:
                for at, _amount, on, _actor in f.payment_list():
                    if start <= at < end:
                        m = bisect_right(starts, at) - 1
                        paid_in[m] = paid_in.get(m, False) or bool(on)
            for m, on in paid_in.items():
                pay_months[m][0] += n
                pay_months[m][1] += n if on else 0
            if paid_in:
                pay_total[0] += n
                pay_total[1] += n if any(paid_in.values()) else 0
    for f in unsynced:
        received = f.received
        if received is None or not start <= received < end or (
                filtered and not params.keeps(f)):
            continue
        accs[bisect_right(starts, received) - 1].synced -= f.n
    return IndexReport(
        params=params, rules_version=rules.version,
        judged_at=_judge_instant(params, as_of),
        total=_index_period("", params.date_from, params.date_to, accs, accs[last],
                            (pay_total[0], pay_total[1]), rules),
        months=tuple(_index_period(label, a, b, [acc], acc, (pm[0], pm[1]), rules)
                     for (label, a, b), acc, pm in zip(months, accs, pay_months, strict=True)))


# --------------------------------------------------------------------------- (d) satisfaction


@dataclass(frozen=True)
class RatingRow:
    key: str
    label: str
    very_satisfied: int
    satisfied: int
    neutral: int
    dissatisfied: int
    rated: int
    satisfied_share: float | None  # (very satisfied + satisfied) / rated
    complaints: int


@dataclass(frozen=True)
class ComplaintRow:
    at: str
    code: str
    procedure: str
    procedure_name: str
    officer: str  # who served the applicant (returned the result, else received it)
    recorded_by: str
    content: str


@dataclass(frozen=True)
class SatisfactionReport:
    """(d) Ratings recorded in the period by officer and procedure; complaints."""

    params: ReportParams
    total: RatingRow
    by_officer: tuple[RatingRow, ...]
    by_procedure: tuple[RatingRow, ...]
    complaints: tuple[ComplaintRow, ...]
    kind: str = "satisfaction"


def _served_by(f: DossierFacts) -> str:
    """The officer a rating is about: who returned the result, else who received it."""
    return f.returner or f.receiver


def _rating_row(key: str, label: str, counts: Sequence[int]) -> RatingRow:
    rated = sum(counts[:4])
    return RatingRow(key, label, counts[0], counts[1], counts[2], counts[3], rated,
                     _share(counts[0] + counts[1], rated), counts[4])


def compute_satisfaction(facts: Iterable[DossierFacts], params: ReportParams, labels: Labels,
                         names: Mapping[str, str] | None = None) -> SatisfactionReport:
    """(d) Ratings (from the return step) and complaints recorded in the period.

    A rating counts for the officer who returned the result (who was at the desk when the
    applicant rated), else the receiving officer. `names` maps user names to full names.
    """
    start, end = params.start, params.end
    names = names or {}
    level = {r: i for i, r in enumerate(RATING_LEVELS)}
    officers: dict[str, list[int]] = {}
    procs: dict[str, list[int]] = {}
    total = [0] * 5
    complaints: list[ComplaintRow] = []
    for f in facts:
        if f.received is None or (f.rated_at is None and f.complaints is None):
            continue
        if not params.keeps(f):
            continue
        served = _served_by(f)
        touched = []
        if f.rated_at is not None and start <= f.rated_at < end and f.rating in level:
            touched.append(level[f.rating])
        for at, actor, content in f.complaint_list():
            if start <= at < end:
                touched.append(4)
                complaints.append(ComplaintRow(at, f.code or f.uid, f.procedure,
                                               labels.procedure_name(f.procedure), served,
                                               actor, content))
        for i in touched:
            officers.setdefault(served, [0] * 5)[i] += 1
            procs.setdefault(f.procedure, [0] * 5)[i] += 1
            total[i] += 1
    complaints.sort(key=lambda c: (c.at, c.code))
    return SatisfactionReport(
        params=params, total=_rating_row("", "Tổng cộng", total),
        by_officer=tuple(_rating_row(k, names.get(k, k), v) for k, v in sorted(officers.items())),
        by_procedure=tuple(_rating_row(k, labels.procedure_name(k), v)
                           for k, v in sorted(procs.items())),
        complaints=tuple(complaints))


# --------------------------------------------------------------------------- (e) fees

_F_FIELDS = ("receipts", "receipts_with_fee", "fee_on_receipts", "paid_on_receipt",
             "later_payments", "later_amount", "online_amount", "collected", "exempt")


@dataclass(frozen=True)
class FeeRow:
    """Fees of a procedure or a day: what the receipts (Mẫu 01) show and what was paid.

    collected = paid_on_receipt + later_amount (fee_paid events, e.g. after a financial
    obligation request); receipts_with_fee − the receipts paid at the desk is what the
    receipts left to collect.
    """

    key: str
    label: str
    receipts: int
    receipts_with_fee: int
    fee_on_receipts: int
    paid_on_receipt: int
    later_payments: int
    later_amount: int
    online_amount: int
    collected: int
    exempt: int


@dataclass(frozen=True)
class ExemptionRow:
    procedure: str
    procedure_name: str
    exemption: str
    exemption_name: str
    dossiers: int


@dataclass(frozen=True)
class FeesReport:
    """(e) Phí, lệ phí: by procedure and by day, exemptions, and the reconciliation."""

    params: ReportParams
    total: FeeRow
    by_procedure: tuple[FeeRow, ...]
    by_day: tuple[FeeRow, ...]
    exemptions: tuple[ExemptionRow, ...]
    reconciled: bool  # the procedures, the days and the receipts + payments add up alike
    kind: str = "fees"


def compute_fees(facts: Iterable[DossierFacts], params: ReportParams, labels: Labels
                 ) -> FeesReport:
    """(e) Fees collected in the period, by procedure and by local day."""
    start, end = params.start, params.end
    n = len(_F_FIELDS)
    procs: dict[str, list[int]] = {}
    days: dict[str, list[int]] = {}
    exemptions: dict[tuple[str, str], int] = {}
    receipts_total = payments_total = 0
    for f in facts:
        received = f.received
        if received is None or received >= end or not params.keeps(f):
            continue
        on_receipt = received >= start
        payments = [p for p in f.payment_list() if start <= p[0] < end] if f.payments else []
        if not on_receipt and not payments:
            continue
        prow = procs.setdefault(f.procedure, [0] * n)
        if on_receipt:
            drow = days.setdefault(f.received_day or "", [0] * n)
            for row in (prow, drow):
                row[0] += 1
                if f.fee:
                    row[1] += 1
                    row[2] += f.fee
                if f.fee_paid:
                    row[3] += f.fee
                    row[7] += f.fee
            if f.fee_paid:
                receipts_total += f.fee
            if f.exemptions:
                for code in f.exemption_list():
                    exemptions[(f.procedure, code)] = exemptions.get((f.procedure, code), 0) + 1
                prow[8] += 1
                drow[8] += 1
        for at, amount, online, _actor in payments:
            drow = days.setdefault(local_day(at) or "", [0] * n)
            for row in (prow, drow):
                row[4] += 1
                row[5] += amount
                row[7] += amount
                if online:
                    row[6] += amount
            payments_total += amount
    total = _sum_rows(procs.values(), n)
    by_day_total = _sum_rows(days.values(), n)
    reconciled = (total == by_day_total and total[7] == receipts_total + payments_total)
    return FeesReport(
        params=params, total=FeeRow("", "Tổng cộng", *total),
        by_procedure=tuple(FeeRow(k, labels.procedure_name(k), *v)
                           for k, v in sorted(procs.items())),
        by_day=tuple(FeeRow(k, k, *v) for k, v in sorted(days.items())),
        exemptions=tuple(ExemptionRow(p, labels.procedure_name(p), x,
                                      labels.exemption_name(p, x), c)
                         for (p, x), c in sorted(exemptions.items())),
        reconciled=reconciled)


# --------------------------------------------------------------------------- public board


def mask_name(full_name: str) -> str:
    """"Nguyễn Văn Dũng" → "Nguyễn V. D.": the family name, then initials (Law 91/2025)."""
    parts = full_name.split()
    if not parts:
        return ""
    return " ".join([parts[0], *(p[0].upper() + "." for p in parts[1:])])


def mask_id(number: str | None) -> str:
    """"001098012345" → "*********345": only the last three digits shown."""
    if not number:
        return ""
    return "*" * max(0, len(number) - 3) + number[-3:]


@dataclass(frozen=True)
class BoardRow:
    """A line of the public board of overdue dossiers (personal data masked)."""

    code: str
    applicant: str  # masked
    id_number: str  # masked
    procedure_name: str
    due_at: str
    days_late: int
    holding_unit: str
    new_due_at: str | None


def compute_board(facts: Iterable[DossierFacts], now: str, labels: Labels,
                  days: DayCounter | None = None) -> list[BoardRow]:
    """Open dossiers overdue at `now`, oldest deadline first, with masked names."""
    rows = []
    for f in facts:
        if f.received is None or f.finished is not None or f.received > now:
            continue
        if not _judge_open(f, now):
            continue
        due, paused = f.due_at(now)
        assert due is not None
        unit, _ = holder_at(f, due)
        resched = json.loads(f.resched) if f.resched else None
        rows.append(BoardRow(f.code or "", mask_name(f.applicant), mask_id(f.id_number),
                             labels.procedure_name(f.procedure), due,
                             _days_late(due, paused or now, days), unit,
                             resched[2] if resched else None))
    rows.sort(key=lambda r: (r.due_at, r.code))
    return rows


# --------------------------------------------------------------------------- output

Report = HandlingReport | LateReport | IndexReport | SatisfactionReport | FeesReport


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def report_data(report: Report) -> dict[str, Any]:
    """The report as plain JSON data (dates as ISO text)."""
    return _plain(report)  # type: ignore[no-any-return]


def report_json(report: Report, meta: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """{"format", "meta": who made it and when, "data": the figures} — "data" alone is what
    two sources (an office and the server) must agree on."""
    return {"format": FORMAT, "meta": dict(meta or {}), "data": report_data(report)}


__all__ = [
    "FACT_COLUMNS",
    "KINDS",
    "BoardRow",
    "ComplaintRow",
    "DayCounter",
    "DossierFacts",
    "ExemptionRow",
    "FeeRow",
    "FeesReport",
    "HandlingReport",
    "HandlingRow",
    "IndexPeriod",
    "IndexReport",
    "IndexRules",
    "Indicator",
    "Labels",
    "LateReport",
    "LateRow",
    "RatingRow",
    "Report",
    "ReportParams",
    "SatisfactionReport",
    "WorkingDays",
    "compute_board",
    "compute_fees",
    "compute_handling",
    "compute_index",
    "compute_late",
    "compute_satisfaction",
    "day_start",
    "fold_dossier",
    "fold_streams",
    "holder_at",
    "local_day",
    "mask_id",
    "mask_name",
    "replica_order",
    "report_data",
    "report_json",
    "utc_text",
]
