"""The dossier lifecycle as one table: statuses, event kinds, transitions, due dates, lateness.

The desktop register (its fold, its UI's action rules, its home screen), the reports package
and the province server all read the rules here; nothing else spells a status number or a
dossier event kind. This module sits beside `sync.protocol` and imports nothing of `desktop`.

Instants are the events' fixed-width UTC ISO text ("2026-11-16T02:00:00.000000Z"), which
sorts as text; the rules below compare them as strings so that the reports can judge a
million dossiers quickly. `utc_text` turns an aware datetime into that form.

The rules (Decree 118/2025/NĐ-CP, Decision 766/QĐ-TTg, as summarised in regulations.md):

- **Due date.** The receipt sets it (`appointment_at`); the applicant's supplement waiting is
  not counted: the supplement's return moves it later by the working days spent waiting
  (the writer computes `new_due_at` on its working-day calendar); one extension (apology and
  extension, form 04) sets `new_due_at`, and only at least one day before the due date.
  `due_after` / `current_due` fold those events; no other code reads due dates from events.
- **End.** The first of processed / refused / withdrawn / stopped (`END_KINDS`); stopping is
  possible only before a result exists.
- **Late.** A second supplement request makes the dossier late from then on. Otherwise a
  finished dossier is late when its end is after its due instant; an open one is overdue at
  an instant after its due instant, except that while the applicant is supplementing the
  clock stands still at the request (`is_overdue`).
- **Due soon** (`DUE_SOON_DAYS`): an open dossier not overdue whose due instant falls on the
  current local day or within the next `DUE_SOON_DAYS` local days (0: today only, the home
  screen's "Đến hạn trả hôm nay"). The window starts at the beginning of the current local
  day: a dossier waiting for a supplement since before a due date that has passed is not due
  today (its clock stands still until the papers come).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, time, timedelta
from enum import IntEnum
from typing import Any
from zoneinfo import ZoneInfo

from sync.errors import TransitionError

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Status(IntEnum):
    """National dossier status codes 1–10 (mã trạng thái hồ sơ)."""

    REGISTERED = 1  # Mới đăng ký
    RECEIVED = 2  # Đã tiếp nhận
    REFUSED = 3  # Không tiếp nhận (từ chối)
    PROCESSING = 4  # Đang xử lý
    SUPPLEMENT = 5  # Yêu cầu bổ sung
    FINANCIAL = 6  # Yêu cầu thực hiện nghĩa vụ tài chính
    WITHDRAWN = 7  # Công dân rút hồ sơ
    STOPPED = 8  # Dừng xử lý
    PROCESSED = 9  # Đã xử lý xong
    RETURNED = 10  # Đã trả kết quả


STATUS_LABELS: Mapping[Status, tuple[str, str]] = {
    Status.REGISTERED: ("Mới đăng ký", "Newly registered"),
    Status.RECEIVED: ("Đã tiếp nhận", "Received"),
    Status.REFUSED: ("Từ chối tiếp nhận", "Refused"),
    Status.PROCESSING: ("Đang xử lý", "In processing"),
    Status.SUPPLEMENT: ("Chờ bổ sung hồ sơ", "Awaiting supplement"),
    Status.FINANCIAL: ("Chờ thực hiện nghĩa vụ tài chính", "Awaiting payment"),
    Status.WITHDRAWN: ("Công dân rút hồ sơ", "Withdrawn"),
    Status.STOPPED: ("Dừng giải quyết", "Stopped"),
    Status.PROCESSED: ("Đã giải quyết xong", "Processed"),
    Status.RETURNED: ("Đã trả kết quả", "Result returned"),
}

OPEN_STATES: frozenset[Status] = frozenset({
    Status.REGISTERED, Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.FINANCIAL})
TERMINAL_STATES: frozenset[Status] = frozenset({
    Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED})
RESULT_STATES: frozenset[Status] = frozenset({Status.PROCESSED, Status.RETURNED})
OPEN_STATUS_CODES: tuple[int, ...] = tuple(sorted(int(s) for s in OPEN_STATES))

RATINGS: Mapping[str, tuple[str, str]] = {
    "very_satisfied": ("Rất hài lòng", "Very satisfied"),
    "satisfied": ("Hài lòng", "Satisfied"),
    "neutral": ("Bình thường", "Neutral"),
    "dissatisfied": ("Không hài lòng", "Dissatisfied"),
}
RATING_LEVELS: tuple[str, ...] = tuple(RATINGS)
RETURN_METHODS: tuple[str, ...] = ("desk", "post", "electronic")
OUTCOMES: tuple[str, ...] = ("approved", "rejected")


class Kind:
    """Event kinds of a dossier stream (the wire's `kind`)."""

    REGISTERED = "dossier.registered"  # nộp trực tuyến, chưa tiếp nhận
    RECEIVED = "dossier.received"  # tiếp nhận, Mẫu 01
    REFUSED = "dossier.refused"  # từ chối tiếp nhận, Mẫu 03
    HANDED_OVER = "dossier.handed_over"  # chuyển xử lý / liên thông (Mẫu 06 rows)
    SUPPLEMENT_REQUESTED = "dossier.supplement_requested"  # Mẫu 02
    SUPPLEMENT_RECEIVED = "dossier.supplement_received"
    FINANCIAL_REQUESTED = "dossier.financial_requested"
    FEE_PAID = "dossier.fee_paid"
    PROCESSED = "dossier.processed"
    RETURNED = "dossier.returned"
    RESCHEDULED = "dossier.rescheduled"  # xin lỗi và gia hạn, Mẫu 04
    WITHDRAWN = "dossier.withdrawn"
    STOPPED = "dossier.stopped"  # dừng theo đề nghị, Mẫu 05
    RATED = "dossier.rated"
    COMPLAINED = "dossier.complained"
    DETAILS_CORRECTED = "dossier.details_corrected"
    PRINTED = "dossier.printed"


DOSSIER_KINDS: frozenset[str] = frozenset(
    v for k, v in vars(Kind).items() if not k.startswith("_") and isinstance(v, str))
OPENING_KINDS: frozenset[str] = frozenset({Kind.RECEIVED, Kind.REGISTERED})
END_KINDS: frozenset[str] = frozenset({Kind.PROCESSED, Kind.REFUSED, Kind.WITHDRAWN,
                                       Kind.STOPPED})
# The kinds an agency (another unit, through the server) may append to a transferred dossier.
AGENCY_KINDS: Mapping[str, str] = {"handed_over": Kind.HANDED_OVER,
                                   "processed": Kind.PROCESSED}

# Which states each step may start from (None: no dossier yet). Absent = from any state.
ALLOWED_FROM: Mapping[str, frozenset[Status | None]] = {
    Kind.REGISTERED: frozenset({None}),
    Kind.RECEIVED: frozenset({None, Status.REGISTERED}),
    Kind.REFUSED: frozenset({Status.REGISTERED, Status.RECEIVED}),
    Kind.HANDED_OVER: frozenset({Status.RECEIVED, Status.PROCESSING, Status.PROCESSED}),
    Kind.SUPPLEMENT_REQUESTED: frozenset({Status.RECEIVED, Status.PROCESSING}),
    Kind.SUPPLEMENT_RECEIVED: frozenset({Status.SUPPLEMENT}),
    Kind.FINANCIAL_REQUESTED: frozenset({Status.PROCESSING}),
    Kind.FEE_PAID: frozenset({Status.RECEIVED, Status.PROCESSING, Status.FINANCIAL}),
    Kind.PROCESSED: frozenset({Status.RECEIVED, Status.PROCESSING}),
    Kind.RETURNED: frozenset({Status.PROCESSED}),
    Kind.RESCHEDULED: frozenset({Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT,
                                 Status.FINANCIAL}),
    Kind.WITHDRAWN: OPEN_STATES,
    Kind.STOPPED: OPEN_STATES,
    Kind.RATED: RESULT_STATES,
    Kind.DETAILS_CORRECTED: OPEN_STATES | {Status.PROCESSED},
}

KIND_LABELS: Mapping[str, tuple[str, str]] = {
    Kind.REGISTERED: ("nộp hồ sơ trực tuyến", "register online"),
    Kind.RECEIVED: ("tiếp nhận hồ sơ", "receive the dossier"),
    Kind.REFUSED: ("từ chối tiếp nhận", "refuse the dossier"),
    Kind.HANDED_OVER: ("chuyển hồ sơ", "hand the dossier over"),
    Kind.SUPPLEMENT_REQUESTED: ("yêu cầu bổ sung hồ sơ", "request a supplement"),
    Kind.SUPPLEMENT_RECEIVED: ("nhận hồ sơ bổ sung", "record the supplement"),
    Kind.FINANCIAL_REQUESTED: ("yêu cầu thực hiện nghĩa vụ tài chính", "request payment"),
    Kind.FEE_PAID: ("ghi nhận nộp phí, lệ phí", "record the fee paid"),
    Kind.PROCESSED: ("ghi kết quả giải quyết", "record the result"),
    Kind.RETURNED: ("trả kết quả", "return the result"),
    Kind.RESCHEDULED: ("xin lỗi và gia hạn", "apologise and extend"),
    Kind.WITHDRAWN: ("rút hồ sơ", "withdraw the dossier"),
    Kind.STOPPED: ("dừng giải quyết hồ sơ", "stop processing"),
    Kind.RATED: ("ghi nhận đánh giá", "record the rating"),
    Kind.COMPLAINED: ("ghi nhận phản ánh, kiến nghị", "record a complaint"),
    Kind.DETAILS_CORRECTED: ("sửa thông tin hồ sơ", "correct the dossier's details"),
    Kind.PRINTED: ("in phiếu", "print a form"),
}

# --- due-date rules ---------------------------------------------------------------------------

MAX_EXTENSIONS = 1  # the return date may be reset once (xin lỗi và gia hạn)
EXTENSION_NOTICE_DAYS = 1  # ... and at least this many local days before the due date
FORCING_SUPPLEMENT = 2  # the request that makes a dossier late from then on (the second)
# "Due soon": due on the current local day or within this many following local days.
DUE_SOON_DAYS = 0
# The payload field through which each kind sets the due date.
DUE_FIELDS: Mapping[str, str] = {Kind.RECEIVED: "appointment_at",
                                 Kind.SUPPLEMENT_RECEIVED: "new_due_at",
                                 Kind.RESCHEDULED: "new_due_at"}


def utc_text(moment: datetime) -> str:
    """An aware instant as the events' text: fixed-width UTC ISO 8601 with microseconds."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: instants must carry a time zone")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def local_date_of(text: str) -> Any:
    """The local (Asia/Ho_Chi_Minh) date of an instant text."""
    return datetime.fromisoformat(text).astimezone(LOCAL_TZ).date()


def due_after(kind: str, payload: Mapping[str, Any], due: str | None) -> str | None:
    """The due instant after an event of `kind` (unchanged by kinds that do not set it)."""
    name = DUE_FIELDS.get(kind)
    if name is None:
        return due
    value = payload.get(name)
    return str(value) if value else due


def current_due(events: Iterable[tuple[str, Mapping[str, Any]]]) -> str | None:
    """The due instant as a dossier's (kind, payload) events, in replica order, set it."""
    due: str | None = None
    for kind, payload in events:
        due = due_after(kind, payload, due)
    return due


def extension_deadline(due: str) -> Any:
    """The last local date on which the extension (form 04) may be issued."""
    return local_date_of(due) - timedelta(days=EXTENSION_NOTICE_DAYS)


def extension_in_time(at: str, due: str) -> bool:
    """Whether an extension issued at `at` is early enough for the due instant `due`."""
    return bool(local_date_of(at) <= extension_deadline(due))


def is_overdue(due: str | None, judge: str, *, paused_since: str | None = None,
               forced_since: str | None = None) -> bool:
    """Whether an open dossier is overdue at the instant `judge`.

    Overdue when a second supplement was requested before `judge`, or when `judge` is after
    the due instant; while the applicant is supplementing (`paused_since`) the clock stands
    still at the request.
    """
    if forced_since is not None and forced_since < judge:
        return True
    if due is None:
        return False
    return (paused_since or judge) > due


def ended_late(due: str | None, end: str, *, forced: bool = False) -> bool:
    """Whether a dossier that ended at `end` was late (the only rule for finished ones)."""
    return forced or (due is not None and end > due)


def is_late(*, due: str | None, end: str | None, now: str | None,
            paused_since: str | None = None, forced: bool = False) -> bool:
    """Late if a second supplement was requested (`forced`: by `end`, or by `now`), if it
    finished (`end`) after its due instant, or if it is open and overdue at `now` (None: an
    open dossier is not judged)."""
    if forced:
        return True
    if end is not None:
        return ended_late(due, end)
    return now is not None and is_overdue(due, now, paused_since=paused_since)


def due_soon_start(now: datetime) -> str:
    """The start of the "due soon" window: the beginning of `now`'s local day."""
    return utc_text(datetime.combine(now.astimezone(LOCAL_TZ).date(), time(0), LOCAL_TZ))


def due_soon_end(now: datetime) -> str:
    """The end (exclusive) of the "due soon" window that starts at `now`."""
    day = now.astimezone(LOCAL_TZ).date() + timedelta(days=DUE_SOON_DAYS + 1)
    return utc_text(datetime.combine(day, time(0), LOCAL_TZ))


def is_due_soon(due: str | None, now: datetime, *, paused_since: str | None = None,
                forced_since: str | None = None) -> bool:
    """An open dossier not overdue at `now` whose due instant falls between the start of the
    current local day and the end of the `DUE_SOON_DAYS` window."""
    if due is None:
        return False
    judge = utc_text(now)
    if is_overdue(due, judge, paused_since=paused_since, forced_since=forced_since):
        return False
    return due_soon_start(now) <= due < due_soon_end(now)


# --- labels and the transition check ----------------------------------------------------------


def status_label(status: int | None, lang: str = "vi") -> str:
    """The status's name in the UI language ("chưa có" for no dossier yet)."""
    if status is None:
        return "chưa có" if lang == "vi" else "none"
    vi, en = STATUS_LABELS[Status(status)]
    return en if lang == "en" else vi


def kind_label(kind: str, lang: str = "vi") -> str:
    vi, en = KIND_LABELS.get(kind, (kind, kind))
    return en if lang == "en" else vi


def _refuse(vi: str, en: str) -> TransitionError:
    return TransitionError(vi, en, field="status")


def refusal(kind: str, payload: Mapping[str, Any], at: str, status: Status | int | None,
            supplements: int = 0, extensions: int = 0, due: str | None = None,
            has_result: bool = False) -> TransitionError | None:
    """Why the rules forbid an event of `kind` at `at` on a dossier in `status`; None if they
    allow it. The register raises the error; the reports count the event as a conflict.

    Called for every event the reports fold (millions): the allowed path does no more than
    a set lookup and the payload check of its kind.
    """
    allowed = ALLOWED_FROM.get(kind)
    if allowed is not None and status not in allowed:
        if kind == Kind.STOPPED and has_result:
            return _refuse("Không thể dừng giải quyết: hồ sơ đã có kết quả.",
                           "Cannot stop processing: the dossier already has a result.")
        return _refuse(
            f"Không thể {kind_label(kind)} khi hồ sơ đang ở trạng thái «{status_label(status)}».",
            f"Cannot do '{kind}' while the dossier is '{status_label(status, 'en')}'.")
    if status is None and kind not in OPENING_KINDS:
        return _refuse("Hồ sơ chưa được tiếp nhận.", "The dossier has not been received.")
    check = _PAYLOAD_CHECKS.get(kind)
    return None if check is None else check(payload, at, supplements, extensions, due)


def _supplement_refusal(p: Mapping[str, Any], at: str, supplements: int, extensions: int,
                        due: str | None) -> TransitionError | None:
    if not p.get("items"):
        return _refuse("Phải ghi rõ giấy tờ cần bổ sung.", "List what must be supplemented.")
    if supplements + 1 >= FORCING_SUPPLEMENT and \
            not str(p.get("second_request_reason", "")).strip():
        return _refuse(
            "Hồ sơ đã được yêu cầu bổ sung một lần. Yêu cầu bổ sung lần thứ hai phải ghi rõ "
            "lý do và hồ sơ sẽ bị tính là trễ hạn.",
            "A supplement was already requested once. A second request needs a reason and "
            "marks the dossier late.")
    return None


def _required(field: str, allowed: Iterable[str] | None, vi: str, en: str
              ) -> Callable[..., TransitionError | None]:
    """A payload check: `field` present and non-blank (or one of `allowed`)."""
    choices = tuple(allowed) if allowed is not None else None

    def check(p: Mapping[str, Any], *_: Any) -> TransitionError | None:
        if choices is not None:
            ok = p.get(field) in choices
        elif field == "reasons":  # a list of reasons
            ok = bool(p.get(field))
        else:
            ok = bool(str(p.get(field, "")).strip())
        return None if ok else _refuse(vi, en)
    return check


def extension_refusal(at: str, extensions: int, due: str | None) -> TransitionError | None:
    """Why an extension (form 04) may not be issued at `at`; None when it may (the reason
    and the new date aside). The UI asks this before offering the step."""
    if extensions >= MAX_EXTENSIONS:
        return _refuse(
            "Hồ sơ đã được gia hạn một lần; thời hạn trả kết quả chỉ được điều chỉnh một lần.",
            "The return date was already extended once; it may be reset only once.")
    if due is None:
        return _refuse("Hồ sơ chưa có hạn trả kết quả.", "The dossier has no due date.")
    if not extension_in_time(at, due):
        shown = datetime.fromisoformat(due).astimezone(LOCAL_TZ)
        return _refuse(
            "Phiếu xin lỗi và gia hạn phải được lập chậm nhất 01 ngày trước hạn trả kết quả "
            f"({shown:%d/%m/%Y}).",
            "The apology and extension must be issued at least one day before the due date "
            f"({shown:%d/%m/%Y}).")
    return None


def _extension_refusal(p: Mapping[str, Any], at: str, supplements: int, extensions: int,
                       due: str | None) -> TransitionError | None:
    if extensions >= MAX_EXTENSIONS:
        return extension_refusal(at, extensions, due)
    if not str(p.get("reason", "")).strip():
        return _refuse("Phải ghi lý do gia hạn.", "Give the reason for the extension.")
    found = extension_refusal(at, extensions, due)
    if found is not None:
        return found
    assert due is not None
    if datetime.fromisoformat(str(p["new_due_at"])) <= datetime.fromisoformat(due):
        return _refuse("Ngày hẹn mới phải sau ngày hẹn cũ.",
                       "The new date must be after the old one.")
    return None


_PAYLOAD_CHECKS: Mapping[str, Callable[..., TransitionError | None]] = {
    Kind.SUPPLEMENT_REQUESTED: _supplement_refusal,
    Kind.RESCHEDULED: _extension_refusal,
    Kind.REFUSED: _required("reasons", None, "Phải ghi rõ lý do từ chối.",
                            "Give the reasons for refusing."),
    Kind.PROCESSED: _required("outcome", OUTCOMES, "Kết quả giải quyết không hợp lệ.",
                              "Invalid processing outcome."),
    Kind.RETURNED: _required("method", RETURN_METHODS, "Hình thức trả kết quả không hợp lệ.",
                             "Invalid return method."),
    Kind.RATED: _required("rating", RATINGS, "Mức đánh giá không hợp lệ.", "Invalid rating."),
    Kind.HANDED_OVER: _required("to_unit", None, "Phải ghi đơn vị nhận hồ sơ.",
                                "Name the receiving unit."),
    Kind.WITHDRAWN: _required("reason", None, "Phải ghi lý do.", "Give the reason."),
    Kind.STOPPED: _required("reason", None, "Phải ghi lý do.", "Give the reason."),
}
