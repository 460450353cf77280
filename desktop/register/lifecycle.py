"""The dossier lifecycle: national status codes, legal transitions and the pure apply()."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import IntEnum
from typing import Any
from zoneinfo import ZoneInfo

from desktop.register.errors import TransitionError
from desktop.register.events import EventRecord, parse_utc

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


STATUS_LABELS: dict[Status, tuple[str, str]] = {
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

OPEN_STATES = {Status.REGISTERED, Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT,
               Status.FINANCIAL}
TERMINAL_STATES = {Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED}

RATINGS = {
    "very_satisfied": ("Rất hài lòng", "Very satisfied"),
    "satisfied": ("Hài lòng", "Satisfied"),
    "neutral": ("Bình thường", "Neutral"),
    "dissatisfied": ("Không hài lòng", "Dissatisfied"),
}
RETURN_METHODS = {"desk", "post", "electronic"}


class Kind:
    """Event kinds of a dossier stream."""

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


# Which states each step may start from. Absent = allowed from any state.
ALLOWED_FROM: dict[str, set[Status | None]] = {
    Kind.REGISTERED: {None},
    Kind.RECEIVED: {None, Status.REGISTERED},
    Kind.REFUSED: {Status.REGISTERED, Status.RECEIVED},
    Kind.HANDED_OVER: {Status.RECEIVED, Status.PROCESSING, Status.PROCESSED},
    Kind.SUPPLEMENT_REQUESTED: {Status.RECEIVED, Status.PROCESSING},
    Kind.SUPPLEMENT_RECEIVED: {Status.SUPPLEMENT},
    Kind.FINANCIAL_REQUESTED: {Status.PROCESSING},
    Kind.FEE_PAID: {Status.RECEIVED, Status.PROCESSING, Status.FINANCIAL},
    Kind.PROCESSED: {Status.RECEIVED, Status.PROCESSING},
    Kind.RETURNED: {Status.PROCESSED},
    Kind.RESCHEDULED: {Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.FINANCIAL},
    Kind.WITHDRAWN: set(OPEN_STATES),
    Kind.STOPPED: set(OPEN_STATES),
    Kind.RATED: {Status.PROCESSED, Status.RETURNED},
    Kind.DETAILS_CORRECTED: set(OPEN_STATES) | {Status.PROCESSED},
}

KIND_LABELS: dict[str, str] = {
    Kind.REGISTERED: "nộp hồ sơ trực tuyến",
    Kind.RECEIVED: "tiếp nhận hồ sơ",
    Kind.REFUSED: "từ chối tiếp nhận",
    Kind.HANDED_OVER: "chuyển hồ sơ",
    Kind.SUPPLEMENT_REQUESTED: "yêu cầu bổ sung hồ sơ",
    Kind.SUPPLEMENT_RECEIVED: "nhận hồ sơ bổ sung",
    Kind.FINANCIAL_REQUESTED: "yêu cầu thực hiện nghĩa vụ tài chính",
    Kind.FEE_PAID: "ghi nhận nộp phí, lệ phí",
    Kind.PROCESSED: "ghi kết quả giải quyết",
    Kind.RETURNED: "trả kết quả",
    Kind.RESCHEDULED: "xin lỗi và gia hạn",
    Kind.WITHDRAWN: "rút hồ sơ",
    Kind.STOPPED: "dừng giải quyết hồ sơ",
    Kind.RATED: "ghi nhận đánh giá",
    Kind.COMPLAINED: "ghi nhận phản ánh, kiến nghị",
    Kind.DETAILS_CORRECTED: "sửa thông tin hồ sơ",
    Kind.PRINTED: "in phiếu",
}


def status_label(status: int | None, lang: str = "vi") -> str:
    if status is None:
        return "chưa có" if lang == "vi" else "none"
    vi, en = STATUS_LABELS[Status(status)]
    return en if lang == "en" else vi


def _refuse(vi: str, en: str) -> TransitionError:
    return TransitionError(vi, en, field="status")


def check(state: dict[str, Any] | None, event: EventRecord) -> None:
    """Raise TransitionError when the rules forbid `event` on a dossier in `state`."""
    kind = event.kind
    status = Status(state["status"]) if state else None
    allowed = ALLOWED_FROM.get(kind)
    if allowed is not None and status not in allowed:
        if kind == Kind.STOPPED and state and state.get("result_at"):
            raise _refuse(
                "Không thể dừng giải quyết: hồ sơ đã có kết quả.",
                "Cannot stop processing: the dossier already has a result.",
            )
        raise _refuse(
            f"Không thể {KIND_LABELS.get(kind, kind)} khi hồ sơ đang ở trạng thái "
            f"«{status_label(status)}».",
            f"Cannot do '{kind}' while the dossier is '{status_label(status, 'en')}'.",
        )
    if state is None and kind not in (Kind.RECEIVED, Kind.REGISTERED):
        raise _refuse("Hồ sơ chưa được tiếp nhận.", "The dossier has not been received.")
    p = event.payload
    if kind == Kind.SUPPLEMENT_REQUESTED:
        assert state is not None
        if not p.get("items"):
            raise _refuse("Phải ghi rõ giấy tờ cần bổ sung.", "List what must be supplemented.")
        if state["supplement_count"] >= 1 and not str(p.get("second_request_reason", "")).strip():
            raise _refuse(
                "Hồ sơ đã được yêu cầu bổ sung một lần. Yêu cầu bổ sung lần thứ hai phải ghi rõ "
                "lý do và hồ sơ sẽ bị tính là trễ hạn.",
                "A supplement was already requested once. A second request needs a reason and "
                "marks the dossier late.",
            )
    elif kind == Kind.RESCHEDULED:
        assert state is not None
        if state["extension_count"] >= 1:
            raise _refuse(
                "Hồ sơ đã được gia hạn một lần; thời hạn trả kết quả chỉ được điều chỉnh một lần.",
                "The return date was already extended once; it may be reset only once.",
            )
        if not str(p.get("reason", "")).strip():
            raise _refuse("Phải ghi lý do gia hạn.", "Give the reason for the extension.")
        due = parse_utc(state["due_at"])
        at = parse_utc(event.occurred_at)
        if at.astimezone(LOCAL_TZ).date() > (due.astimezone(LOCAL_TZ) - timedelta(days=1)).date():
            raise _refuse(
                "Phiếu xin lỗi và gia hạn phải được lập chậm nhất 01 ngày trước hạn trả kết quả "
                f"({due.astimezone(LOCAL_TZ):%d/%m/%Y}).",
                "The apology and extension must be issued at least one day before the due date "
                f"({due.astimezone(LOCAL_TZ):%d/%m/%Y}).",
            )
        if parse_utc(p["new_due_at"]) <= due:
            raise _refuse(
                "Ngày hẹn mới phải sau ngày hẹn cũ.", "The new date must be after the old one."
            )
    elif kind == Kind.REFUSED and not p.get("reasons"):
        raise _refuse("Phải ghi rõ lý do từ chối.", "Give the reasons for refusing.")
    elif kind == Kind.PROCESSED and p.get("outcome") not in ("approved", "rejected"):
        raise _refuse("Kết quả giải quyết không hợp lệ.", "Invalid processing outcome.")
    elif kind == Kind.RETURNED and p.get("method") not in RETURN_METHODS:
        raise _refuse("Hình thức trả kết quả không hợp lệ.", "Invalid return method.")
    elif kind == Kind.RATED and p.get("rating") not in RATINGS:
        raise _refuse("Mức đánh giá không hợp lệ.", "Invalid rating.")
    elif kind == Kind.HANDED_OVER and not str(p.get("to_unit", "")).strip():
        raise _refuse("Phải ghi đơn vị nhận hồ sơ.", "Name the receiving unit.")
    elif kind in (Kind.WITHDRAWN, Kind.STOPPED) and not str(p.get("reason", "")).strip():
        raise _refuse("Phải ghi lý do.", "Give the reason.")


def _finish(state: dict[str, Any], at: str) -> None:
    if state["finished_at"] is None:
        state["finished_at"] = at


def apply(state: dict[str, Any] | None, event: EventRecord) -> dict[str, Any]:
    """Pure transition: the dossier state after `event`. Never raises on a legal event.

    An event that does not fit (possible only for events merged from another replica) is kept
    and flagged in `conflict` for a person to look at; it never disappears.
    """
    try:
        check(state, event)
    except TransitionError as exc:
        if state is None:
            state = _blank(event)
        new = dict(state)
        new["conflict"] = f"{event.uid}: {exc.message_vi}"
        new["event_count"] += 1
        new["last_hlc"] = max(new["last_hlc"], event.hlc)
        return new
    p = event.payload
    at = event.occurred_at
    kind = event.kind
    if kind in (Kind.RECEIVED, Kind.REGISTERED):
        new = _blank(event) if state is None else dict(state)
        new.update(
            code=p.get("code"),
            procedure_code=p["procedure_code"],
            field_code=p["field_code"],
            catalogue_version=p["catalogue_version"],
            channel=event.channel or 1,
            applicant_name=p["applicant"]["full_name"],
            applicant_id_number=p["applicant"].get("id_number"),
            applicant_phone=p["applicant"].get("phone"),
            applicant_address=p["applicant"].get("address"),
            details=_details_from(p, new.get("details")),
            officer=event.actor,
        )
        if kind == Kind.RECEIVED:
            new.update(
                status=Status.RECEIVED,
                received_at=p.get("received_at", at),
                appointment_at=p["appointment_at"],
                due_at=p["appointment_at"],
                holder=p.get("holder"),
                fee_amount=p.get("fee_amount", 0),
                fee_paid=1 if p.get("fee_paid") else 0,
                tracking_entry=p.get("tracking_entry"),
            )
        else:
            new["status"] = Status.REGISTERED
    else:
        assert state is not None
        new = dict(state)
        if kind == Kind.REFUSED:
            new["status"] = Status.REFUSED
            _finish(new, at)
        elif kind == Kind.HANDED_OVER:
            new["holder"] = p["to_unit"]
            if new["status"] == Status.RECEIVED:
                new["status"] = Status.PROCESSING
        elif kind == Kind.SUPPLEMENT_REQUESTED:
            new["resume_status"] = int(new["status"])
            new["status"] = Status.SUPPLEMENT
            new["supplement_since"] = at
            new["supplement_count"] += 1
            if new["supplement_count"] >= 2:
                new["late_forced"] = 1
        elif kind == Kind.SUPPLEMENT_RECEIVED:
            new["status"] = new["resume_status"] or Status.PROCESSING
            new["resume_status"] = None
            new["supplement_since"] = None
            new["due_at"] = p["new_due_at"]
        elif kind == Kind.FINANCIAL_REQUESTED:
            new["status"] = Status.FINANCIAL
            new["fee_amount"] = p.get("amount", new["fee_amount"])
        elif kind == Kind.FEE_PAID:
            new["fee_paid"] = 1
            if "amount" in p:
                new["fee_amount"] = p["amount"]
            if new["status"] == Status.FINANCIAL:
                new["status"] = Status.PROCESSING
        elif kind == Kind.PROCESSED:
            new["status"] = Status.PROCESSED
            new["result_at"] = at
            new["details"] = {**new["details"], "outcome": p["outcome"],
                              "result_note": p.get("note", "")}
            _finish(new, at)
        elif kind == Kind.RETURNED:
            new["status"] = Status.RETURNED
            new["returned_at"] = at
            new["details"] = {**new["details"], "return_method": p["method"],
                              "postal": p.get("postal")}
        elif kind == Kind.RESCHEDULED:
            new["extension_count"] += 1
            new["due_at"] = p["new_due_at"]
        elif kind == Kind.WITHDRAWN:
            new["status"] = Status.WITHDRAWN
            _finish(new, at)
        elif kind == Kind.STOPPED:
            new["status"] = Status.STOPPED
            _finish(new, at)
        elif kind == Kind.RATED:
            new["rating"] = p["rating"]
        elif kind == Kind.COMPLAINED:
            new["details"] = {**new["details"],
                              "complaints": new["details"].get("complaints", 0) + 1}
        elif kind == Kind.DETAILS_CORRECTED:
            applicant = p.get("applicant", {})
            for key, column in (("full_name", "applicant_name"), ("id_number",
                                "applicant_id_number"), ("phone", "applicant_phone"),
                                ("address", "applicant_address")):
                if key in applicant:
                    new[column] = applicant[key]
            new["details"] = {**new["details"],
                              "applicant": {**new["details"].get("applicant", {}), **applicant}}
        # PRINTED changes nothing but the count: the audit trail keeps it.
    new["event_count"] += 1
    new["last_hlc"] = max(new["last_hlc"], event.hlc)
    return new


def _details_from(payload: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    details = dict(previous or {})
    for key in ("applicant", "representative", "request", "documents", "sets", "fee",
                "appointment_reason", "result_place", "tracking", "digitised", "reused_data"):
        if key in payload:
            details[key] = payload[key]
    return details


def _blank(event: EventRecord) -> dict[str, Any]:
    return {
        "uid": event.stream,
        "code": None,
        "procedure_code": "",
        "field_code": "",
        "catalogue_version": "",
        "channel": event.channel or 1,
        "status": Status.REGISTERED,
        "applicant_name": "",
        "applicant_id_number": None,
        "applicant_phone": None,
        "applicant_address": None,
        "details": {},
        "received_at": None,
        "appointment_at": None,
        "due_at": None,
        "holder": None,
        "officer": event.actor,
        "supplement_count": 0,
        "supplement_since": None,
        "extension_count": 0,
        "late_forced": 0,
        "resume_status": None,
        "fee_amount": 0,
        "fee_paid": 0,
        "result_at": None,
        "finished_at": None,
        "returned_at": None,
        "rating": None,
        "tracking_entry": None,
        "conflict": None,
        "event_count": 0,
        "last_hlc": event.hlc,
    }


def is_late(state: dict[str, Any], now: datetime | None = None) -> bool:
    """On-time rule of the service index: end ≤ due (supplement time already excluded)."""
    if state["late_forced"]:
        return True
    if not state["due_at"]:
        return False
    end = state["finished_at"] or state["returned_at"]
    if end is None:
        if now is None:
            return False
        return now > parse_utc(state["due_at"])
    return parse_utc(end) > parse_utc(state["due_at"])


def local(moment_text: str | None) -> datetime | None:
    return parse_utc(moment_text).astimezone(LOCAL_TZ) if moment_text else None
