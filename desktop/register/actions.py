"""What a dossier's state and the user's role allow: the step buttons, their reasons, the forms.

The state rules are sync.lifecycle's table (ALLOWED_FROM, the extension and supplement
rules): this module only says *why* a step the table refuses is not offered now, in words
for the officer (the UI explains a forbidden step instead of silently greying it out). No Qt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from desktop.register.accounts import can
from desktop.register.catalogue import Procedure
from desktop.register.views import DossierView, EventView
from sync.lifecycle import (
    ALLOWED_FROM,
    FORCING_SUPPLEMENT,
    RESULT_STATES,
    TERMINAL_STATES,
    Kind,
    Status,
    extension_refusal,
    status_label,
    utc_text,
)

__all__ = [
    "ACTIONS",
    "ACTION_BY_KEY",
    "FORM_LABELS",
    "FORM_NUMBERS",
    "ActionSpec",
    "Availability",
    "available_actions",
    "printable_forms",
]


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
            if status in RESULT_STATES:
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
        if spec.kind == Kind.RESCHEDULED:
            due = utc_text(view.due_at) if view.due_at is not None else None
            refused = extension_refusal(utc_text(now), view.extension_count, due)
            if refused is not None:
                out.append(Availability(spec, offered, False, refused.message("vi"),
                                        refused.message("en")))
                continue
        if spec.kind == Kind.SUPPLEMENT_REQUESTED and \
                view.supplement_count + 1 >= FORCING_SUPPLEMENT:
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
