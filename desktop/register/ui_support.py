"""What the desktop UI needs from the register beyond the services: no Qt, plain data.

- which actions a dossier's state and the user's role allow, and *why* one is not allowed
  (the UI explains a forbidden step instead of silently greying it out);
- the filters behind the home screen's counts;
- a dossier's sync state from its events;
- the daily backup, run in the background after start-up rather than while opening.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from desktop import paths
from desktop.register import backup as backup_mod
from desktop.register.accounts import can
from desktop.register.catalogue import Procedure
from desktop.register.lifecycle import (
    ALLOWED_FROM,
    LOCAL_TZ,
    OPEN_STATES,
    TERMINAL_STATES,
    Kind,
    Status,
    status_label,
)
from desktop.register.queries import DossierFilter
from desktop.register.views import DossierView, EventView

# --- actions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionSpec:
    key: str
    permission: str
    kind: str | None  # the event it writes (None: not a lifecycle step)
    label_vi: str
    label_en: str
    form: str | None = None  # the form printed after it (forms.config.FormKind value)


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("hand_over", "hand_over", Kind.HANDED_OVER,
               "Chuyển xử lý / liên thông", "Transfer for processing"),
    ActionSpec("request_supplement", "request_supplement", Kind.SUPPLEMENT_REQUESTED,
               "Yêu cầu bổ sung hồ sơ (Mẫu 02)", "Request a supplement (form 02)", "supplement"),
    ActionSpec("receive_supplement", "receive_supplement", Kind.SUPPLEMENT_RECEIVED,
               "Nhận hồ sơ bổ sung", "Record the supplement received"),
    ActionSpec("refuse", "refuse", Kind.REFUSED,
               "Từ chối tiếp nhận (Mẫu 03)", "Refuse the dossier (form 03)", "refusal"),
    ActionSpec("request_financial", "request_financial", Kind.FINANCIAL_REQUESTED,
               "Yêu cầu thực hiện nghĩa vụ tài chính", "Request payment"),
    ActionSpec("fee", "fee", Kind.FEE_PAID, "Ghi nhận đã nộp phí, lệ phí", "Record the fee paid"),
    ActionSpec("process", "process", Kind.PROCESSED,
               "Ghi kết quả giải quyết (kết quả sẵn sàng trả)",
               "Record the result (ready to return)"),
    ActionSpec("return_result", "return_result", Kind.RETURNED,
               "Trả kết quả (tại quầy / bưu chính)", "Return the result (desk / post)"),
    ActionSpec("rate", "rate", Kind.RATED, "Ghi nhận đánh giá của công dân",
               "Record the citizen's rating"),
    ActionSpec("reschedule", "reschedule", Kind.RESCHEDULED,
               "Xin lỗi và gia hạn (Mẫu 04)", "Apology and extension (form 04)", "apology"),
    ActionSpec("withdraw", "withdraw", Kind.WITHDRAWN, "Công dân rút hồ sơ", "Withdraw"),
    ActionSpec("stop", "stop", Kind.STOPPED, "Dừng giải quyết theo đề nghị (Mẫu 05)",
               "Stop at the applicant's request (form 05)", "stop"),
    ActionSpec("complain", "complain", Kind.COMPLAINED, "Ghi nhận phản ánh, kiến nghị",
               "Record a complaint"),
    ActionSpec("correct_details", "correct_details", Kind.DETAILS_CORRECTED,
               "Sửa thông tin người nộp", "Correct the applicant's details"),
    ActionSpec("logbook", "logbook", None, "Ghi vào sổ hộ tịch / chứng thực",
               "Enter in the civil-status / certification book"),
)
ACTION_BY_KEY = {a.key: a for a in ACTIONS}


@dataclass(frozen=True)
class Availability:
    """Whether one action is offered and allowed now; if not allowed, why (in both languages).

    `offered` is False when the user's role may never do it (the UI does not show it);
    `note_*` is a caution on an allowed step (a second supplement request makes it late).
    """

    action: ActionSpec
    offered: bool
    allowed: bool
    reason_vi: str = ""
    reason_en: str = ""
    note_vi: str = ""
    note_en: str = ""

    def reason(self, lang: str = "vi") -> str:
        return self.reason_en if lang == "en" else self.reason_vi

    def note(self, lang: str = "vi") -> str:
        return self.note_en if lang == "en" else self.note_vi


def _state_reason(spec: ActionSpec, view: DossierView, now: datetime) -> tuple[str, str]:
    status = Status(view.status)
    label_vi, label_en = status_label(status), status_label(status, "en")
    if status in TERMINAL_STATES:
        return (f"Hồ sơ đã kết thúc («{label_vi}»): không còn bước xử lý nào.",
                f"The dossier is closed ('{label_en}'): no further step is possible.")
    key = spec.key
    if key == "stop" and view.result_at is not None:
        return (("Hồ sơ đã có kết quả giải quyết: không thể dừng giải quyết (Thông báo dừng, "
                 "Mẫu 05, chỉ dùng khi chưa có kết quả)."),
                "The dossier already has a result: processing can no longer be stopped.")
    if key == "withdraw" and view.result_at is not None:
        return ("Hồ sơ đã có kết quả giải quyết: không thể rút hồ sơ.",
                "The dossier already has a result: it can no longer be withdrawn.")
    if key == "return_result":
        return ("Chưa có kết quả giải quyết: hãy ghi kết quả trước khi trả.",
                "There is no result yet: record the result first.")
    if key == "receive_supplement":
        return ("Hồ sơ không ở trạng thái chờ bổ sung.",
                "The dossier is not awaiting a supplement.")
    if key == "refuse":
        return (("Chỉ từ chối tiếp nhận khi hồ sơ vừa được tiếp nhận, chưa chuyển xử lý; "
                 f"hồ sơ đang «{label_vi}»."),
                ("A dossier can be refused only before it goes to processing; it is "
                 f"'{label_en}'."))
    if key == "rate":
        return ("Công dân đánh giá sau khi hồ sơ đã có kết quả.",
                "The citizen rates the service once the result exists.")
    if key == "request_financial":
        return ("Chỉ yêu cầu nghĩa vụ tài chính khi hồ sơ đang được xử lý.",
                "Payment can be requested only while the dossier is in processing.")
    if key == "process" and status == Status.PROCESSED:
        return ("Hồ sơ đã có kết quả giải quyết.", "The dossier already has a result.")
    if key == "reschedule" and status == Status.PROCESSED:
        return ("Hồ sơ đã có kết quả: không cần gia hạn.",
                "The dossier has its result: no extension is needed.")
    return (f"Bước này không thực hiện được khi hồ sơ đang «{label_vi}».",
            f"This step is not possible while the dossier is '{label_en}'.")


def available_actions(view: DossierView, role: str, now: datetime,
                      procedure: Procedure | None = None) -> list[Availability]:
    """Every action with whether the role offers it and the dossier's state allows it."""
    out = []
    status = Status(view.status)
    for spec in ACTIONS:
        offered = can(role, spec.permission)
        if spec.key == "logbook":
            offered = offered and procedure is not None and bool(procedure.book_kind) \
                and procedure.book_kind != "STD"
            if status in (Status.PROCESSED, Status.RETURNED):
                out.append(Availability(spec, offered, True))
            else:
                out.append(Availability(
                    spec, offered, False,
                    "Ghi sổ sau khi hồ sơ đã có kết quả giải quyết.",
                    "The book entry is written once the dossier has its result."))
            continue
        allowed_from = ALLOWED_FROM.get(spec.kind or "")
        if allowed_from is not None and status not in allowed_from:
            vi, en = _state_reason(spec, view, now)
            out.append(Availability(spec, offered, False, vi, en))
            continue
        if spec.key == "reschedule":
            if view.extension_count >= 1:
                out.append(Availability(
                    spec, offered, False,
                    "Hồ sơ đã được gia hạn một lần; thời hạn trả kết quả chỉ được điều chỉnh "
                    "một lần.",
                    "The return date was already extended once; it may be reset only once."))
                continue
            if view.due_at is not None:
                due_local = view.due_at.astimezone(LOCAL_TZ)
                if now.astimezone(LOCAL_TZ).date() > (due_local - timedelta(days=1)).date():
                    out.append(Availability(
                        spec, offered, False,
                        "Phiếu xin lỗi và gia hạn phải lập chậm nhất 01 ngày trước hạn trả "
                        f"kết quả ({due_local:%d/%m/%Y}); đã quá thời điểm đó.",
                        "The apology and extension must be issued at least one day before "
                        f"the due date ({due_local:%d/%m/%Y}); that time has passed."))
                    continue
        if spec.key == "request_supplement" and view.supplement_count >= 1:
            out.append(Availability(
                spec, offered, True, note_vi=(
                    "Hồ sơ đã được yêu cầu bổ sung một lần. Lần thứ hai phải ghi rõ lý do và "
                    "hồ sơ sẽ bị tính là trễ hạn."),
                note_en=("A supplement was already requested once. A second request needs a "
                         "reason and makes the dossier late.")))
            continue
        out.append(Availability(spec, offered, True))
    return out


# --- printable forms of a dossier --------------------------------------------------------------

FORM_NUMBERS = {"receipt": "01", "supplement": "02", "refusal": "03", "apology": "04",
                "stop": "05", "control_slip": "06", "tracking_book": "07"}
FORM_LABELS = {
    "receipt": ("Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)",
                "Receipt and appointment (form 01)"),
    "supplement": ("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)",
                   "Request to supplement (form 02)"),
    "refusal": ("Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03)", "Refusal (form 03)"),
    "apology": ("Phiếu xin lỗi và đề nghị gia hạn (Mẫu 04)", "Apology and extension (form 04)"),
    "stop": ("Thông báo dừng giải quyết hồ sơ (Mẫu 05)", "Notice of stopping (form 05)"),
    "control_slip": ("Phiếu kiểm soát quá trình giải quyết (Mẫu 06)",
                     "Process control slip (form 06)"),
}
_FORM_EVENTS = {"supplement": Kind.SUPPLEMENT_REQUESTED, "refusal": Kind.REFUSED,
                "apology": Kind.RESCHEDULED, "stop": Kind.STOPPED}


def printable_forms(view: DossierView, events: Sequence[EventView]) -> list[str]:
    """The forms that exist for this dossier (a refusal only once refused, and so on)."""
    kinds = {e.kind for e in events}
    out = []
    if view.code and view.status != Status.REFUSED:
        out.append("receipt")
    out += [form for form, kind in _FORM_EVENTS.items() if kind in kinds]
    out.append("control_slip")
    return out


# --- sync state --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncSummary:
    pending: int  # local events the province server has not acknowledged yet
    total: int
    conflict: str | None

    @property
    def state(self) -> str:
        if self.conflict:
            return "conflict"
        return "pending" if self.pending else "synced"


def sync_summary(view: DossierView, events: Iterable[EventView]) -> SyncSummary:
    events = list(events)
    pending = sum(1 for e in events if e.origin == "local" and not e.acked)
    return SyncSummary(pending, len(events), view.conflict)


# --- home screen -------------------------------------------------------------------------------

HOME_KEYS = ("received_today", "due_today", "overdue", "awaiting_supplement", "not_synced")


def home_filter(key: str, now: datetime) -> DossierFilter:
    """The list behind each count of the home screen."""
    if key == "received_today":
        day = now.astimezone(LOCAL_TZ).date()
        start = datetime.combine(day, time(0), LOCAL_TZ)
        return DossierFilter(received_from=start, received_to=start + timedelta(days=1))
    if key == "due_today":
        return DossierFilter(due="today")
    if key == "overdue":
        return DossierFilter(due="overdue")
    if key == "awaiting_supplement":
        return DossierFilter(statuses=(int(Status.SUPPLEMENT),))
    if key == "not_synced":
        return DossierFilter(unsynced=True)
    raise KeyError(key)


OPEN_STATUS_CODES = tuple(sorted(int(s) for s in OPEN_STATES))


# --- maintenance -------------------------------------------------------------------------------


def daily_backup(register: Any, extra_folder: str | None = None) -> list[Path]:
    """Today's daily and this week's weekly copy (if missing), plus one in `extra_folder`.

    The UI opens the register without the automatic backup (a copy of a large register
    takes seconds) and runs this in the background once the officer is at work.
    """
    made = backup_mod.auto_backup(register.path, paths.backup_dir(), register.clock())
    if extra_folder:
        day = register.clock().astimezone(LOCAL_TZ).date().isoformat()
        target = Path(extra_folder) / f"motcua-{day}.sqlite3"
        if not target.exists():
            made.append(register.backup(target))
    return made


def backup_now(register: Any, folder: str) -> Path:
    """A copy of the register in `folder` now, named after the local date and time."""
    stamp = register.clock().astimezone(LOCAL_TZ).strftime("%Y-%m-%d_%H%M")
    return Path(register.backup(Path(folder) / f"motcua-{stamp}.sqlite3"))


# --- opening for the desktop ------------------------------------------------------------------

_OPEN_MARKER = "register.in-use"
_CHECK_FAILED_MARKER = "register.check-failed"


@dataclass(frozen=True)
class Opened:
    register: Any
    full_check_done: bool  # False: run deferred_check() in the background soon


def open_for_desktop(path: Path | None, clock: Any = None) -> Opened:
    """Open the register for the desktop app, deferring SQLite's quick_check when it is safe.

    `Register.open` runs PRAGMA quick_check over the whole file before anything else: 10 s
    (warm cache) to 2 min (cold) on a register of a million dossiers, during which the
    officer could not log in. Here the check runs at start-up only when the last session did
    not close cleanly or the last deferred check failed (then a damaged file is moved aside
    exactly as `Register.open` does); otherwise the app opens at once and `deferred_check`
    runs in the background.
    """
    from desktop.register.service import Register

    path = Path(path) if path else paths.register_path()
    marker_dir = path.parent
    unclean = (marker_dir / _OPEN_MARKER).exists() or \
        (marker_dir / _CHECK_FAILED_MARKER).exists()
    kwargs: dict[str, Any] = {"auto_backup": False}
    if clock is not None:
        kwargs["clock"] = clock
    full = unclean or not path.exists()
    reg = Register.open(path, quick_check=full, **kwargs)
    (marker_dir / _CHECK_FAILED_MARKER).unlink(missing_ok=True)
    (marker_dir / _OPEN_MARKER).write_text("motcua is using this register\n", encoding="utf-8")
    return Opened(reg, full)


def deferred_check(register: Any) -> list[str]:
    """quick_check of the open register (background). Problems leave a marker, so that the
    next start runs the full check, which moves a damaged file aside."""
    from desktop.register import db

    problems = db.quick_check(Path(register.path))
    if problems:
        (Path(register.path).parent / _CHECK_FAILED_MARKER).write_text(
            "\n".join(problems[:20]), encoding="utf-8")
    return problems


def closed_cleanly(register: Any) -> None:
    """The app closed the register normally: the next start may defer the check."""
    (Path(register.path).parent / _OPEN_MARKER).unlink(missing_ok=True)
