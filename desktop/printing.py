"""Printing from the register: builds the forms' frozen records from register data, renders PDFs.

The UI calls the `*_record` functions for a preview (then `forms.render.render`), or
`print_form` / `print_book` to write a file; the CLI's `print` and `print-book` use the same.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from desktop.register.catalogue import BookKind, Procedure
from desktop.register.errors import NotFoundError, ValidationError
from desktop.register.events import parse_utc
from desktop.register.queries import DossierFilter
from desktop.register.service import ENTRIES_PER_PAGE, Register
from desktop.register.views import DossierView, EntryView, EventView, VolumeView
from forms.config import FormConfig, FormKind
from forms.errors import UnknownFormError
from forms.records import (
    ApologyExtension,
    BookClosing,
    BookColumn,
    BookEntry,
    BookLayout,
    CertificationBook,
    CivilStatusBook,
    ControlSlip,
    FormRecord,
    HandOverRow,
    OfficeHeader,
    Person,
    Receipt,
    Refusal,
    StopNotice,
    SupplementRequest,
    TrackingBook,
    TrackingRow,
)
from forms.render import render
from sync.lifecycle import LOCAL_TZ, Kind

Record = FormRecord

UNIT_PREFIXES = ("Phường ", "Xã ", "Đặc khu ", "Thị trấn ")
RETURN_METHODS = {"desk": "Tại Bộ phận một cửa", "post": "Qua dịch vụ bưu chính công ích",
                  "electronic": "Trực tuyến (kho dữ liệu điện tử)"}
OUTCOMES = {"approved": "Đã giải quyết", "rejected": "Không giải quyết (có văn bản trả lời)"}


def default_config() -> FormConfig:
    """Print settings matching the register (book pages as the year-end closing counts them)."""
    return FormConfig(book_entries_per_page=ENTRIES_PER_PAGE)


# --------------------------------------------------------------------------- shared pieces


def office_header(reg: Register) -> OfficeHeader:
    """The office block and the place name of the date line ("Hoàn Kiếm, ngày …")."""
    info = reg.office()
    place = info.commune.name
    for prefix in UNIT_PREFIXES:
        if place.startswith(prefix):
            place = place[len(prefix):]
            break
    return OfficeHeader(province=info.province.name, commune=info.commune.name,
                        office_name=info.office_name, place_name=place,
                        agency_id=info.agency_id)


def _names(reg: Register) -> Callable[[str], str]:
    """Account username -> full name; unknown usernames print as a blank to sign over."""
    names = {a.username: a.full_name for a in reg.accounts()}
    return lambda username: names.get(username, "")


def _local_day(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TZ).date()


def _procedure(reg: Register, view: DossierView) -> Procedure:
    """The procedure as it stood in the catalogue version the dossier was received under."""
    return reg.catalogues().get(view.catalogue_version).procedure(view.procedure_code)


def processing_time_text(proc: Procedure, cutoff_hour: int = 15) -> str:
    """"03 ngày làm việc"; same-day procedures mention the afternoon cut-off."""
    p = proc.processing
    if p.unit == "same_day":
        return (f"Trong ngày (hồ sơ nhận sau {cutoff_hour} giờ thì trả kết quả trong ngày "
                "làm việc tiếp theo)") if p.cutoff_15h else "Trong ngày"
    unit = "ngày làm việc" if p.unit == "working_days" else "giờ làm việc"
    return f"{p.amount:02d} {unit}"


def _person(data: dict[str, Any] | None, fallback_name: str = "") -> Person:
    data = data or {}
    return Person(full_name=data.get("full_name") or fallback_name,
                  id_number=data.get("id_number") or "", address=data.get("address") or "",
                  phone=data.get("phone") or "", email=data.get("email") or "")


def _applicant(view: DossierView) -> Person:
    return _person(view.details.get("applicant"), view.applicant_name)


def _last_event(reg: Register, view: DossierView, kind: str, what_vi: str,
                what_en: str) -> EventView:
    events = [e for e in reg.history(view.uid) if e.kind == kind]
    if not events:
        raise NotFoundError(f"Hồ sơ {view.code} chưa có {what_vi}.",
                            f"Dossier {view.code} has no {what_en}.")
    return events[-1]


def _when(text: str | None) -> datetime | None:
    return parse_utc(text) if text else None


# --------------------------------------------------------------------------- forms 01–06


def receipt_record(reg: Register, ref: str) -> Receipt:
    """Mẫu 01 from the dossier as received (its appointment, fee and tracking number)."""
    view = reg.get(ref)
    if view.received_at is None or view.appointment_at is None or not view.code:
        raise ValidationError(f"Hồ sơ {ref} chưa được tiếp nhận: chưa có giấy tiếp nhận.",
                              f"Dossier {ref} has not been received: no receipt yet.")
    proc = _procedure(reg, view)
    d = view.details
    rep = d.get("representative")
    tracking = d.get("tracking") or {}
    return Receipt(
        office=office_header(reg), dossier_code=view.code, applicant=_applicant(view),
        representative=_person(rep) if rep else None,
        authorisation=(rep or {}).get("authorisation", ""),
        request=d.get("request") or proc.name,
        documents=tuple(doc["name"] for doc in d.get("documents", [])),
        processing_time=processing_time_text(proc, reg.settings().cutoff_hour),
        received_at=view.received_at, appointment_at=view.appointment_at,
        result_place=d.get("result_place") or reg.office().office_name,
        sets=int(d.get("sets", 1)), tracking_volume=tracking.get("volume_no"),
        tracking_number=tracking.get("number"), fee=view.fee_amount, fee_paid=view.fee_paid,
        receiving_officer=_names(reg)(view.officer))


def supplement_record(reg: Register, ref: str) -> SupplementRequest:
    """Mẫu 02 from the dossier's latest supplement request."""
    view = reg.get(ref)
    event = _last_event(reg, view, Kind.SUPPLEMENT_REQUESTED, "yêu cầu bổ sung hồ sơ",
                        "supplement request")
    p = event.payload
    reason = p.get("reason", "")
    if p.get("second_request_reason"):
        reason = "; ".join(x for x in (reason, p["second_request_reason"]) if x)
    return SupplementRequest(
        office=office_header(reg), applicant=_applicant(view),
        request=view.details.get("request") or view.procedure_code, items=tuple(p["items"]),
        reason=reason, contact=p.get("contact", ""),
        guiding_officer=_names(reg)(event.actor), issued_on=_local_day(event.occurred_at),
        dossier_code=view.code or "")


def refusal_record(reg: Register, ref: str) -> Refusal:
    """Mẫu 03 from the refusal event and its reasons."""
    view = reg.get(ref)
    event = _last_event(reg, view, Kind.REFUSED, "quyết định từ chối tiếp nhận", "refusal")
    return Refusal(
        office=office_header(reg), applicant=_applicant(view),
        request=view.details.get("request") or view.procedure_code,
        reasons=tuple(event.payload["reasons"]), issued_on=_local_day(event.occurred_at),
        dossier_code=view.code or "", receiving_officer=_names(reg)(event.actor))


def apology_record(reg: Register, ref: str) -> ApologyExtension:
    """Mẫu 04 from the (single) rescheduling: the missed appointment and the new one."""
    view = reg.get(ref)
    event = _last_event(reg, view, Kind.RESCHEDULED, "phiếu xin lỗi và gia hạn",
                        "apology and extension")
    p = event.payload
    old = _when(p.get("old_due_at")) or view.appointment_at
    new = _when(p["new_due_at"])
    assert view.received_at is not None and old is not None and new is not None
    office = office_header(reg)
    return ApologyExtension(
        office=office, applicant=_applicant(view), dossier_code=view.code or "",
        request=view.details.get("request") or view.procedure_code,
        received_at=view.received_at, old_appointment=old, new_appointment=new,
        reason=p["reason"], issued_on=_local_day(event.occurred_at),
        processing_body=office.governing_body, signer_title="Chủ tịch Ủy ban nhân dân",
        signer_name=reg.settings().head_name)


def stop_record(reg: Register, ref: str) -> StopNotice:
    """Mẫu 05 from the stop event: the request, the stage reached, fees already settled."""
    view = reg.get(ref)
    event = _last_event(reg, view, Kind.STOPPED, "thông báo dừng giải quyết", "stop notice")
    assert view.received_at is not None
    p = event.payload
    return StopNotice(
        office=office_header(reg), applicant=_applicant(view), dossier_code=view.code or "",
        request=view.details.get("request") or view.procedure_code,
        received_at=view.received_at, stop_requested_at=event.occurred_at,
        reason=p["reason"], stage=p.get("stage", ""), issued_on=_local_day(event.occurred_at),
        fee_amount=view.fee_amount, fee_paid=view.fee_paid,
        signer_title="Chủ tịch Ủy ban nhân dân", signer_name=reg.settings().head_name)


def control_slip_record(reg: Register, ref: str) -> ControlSlip:
    """Mẫu 06: receipt, every hand-over, the result coming back and its return.

    Each row is judged against the due date in force at that moment: the appointment,
    moved by a supplement's waiting time or by the one allowed extension.
    """
    view = reg.get(ref)
    if view.received_at is None or view.appointment_at is None:
        raise ValidationError(f"Hồ sơ {ref} chưa được tiếp nhận.",
                              f"Dossier {ref} has not been received.")
    office = reg.office().office_name
    applicant = _applicant(view).full_name
    due: datetime = view.appointment_at
    holder = office
    rows: list[HandOverRow] = []
    processing: list[str] = []
    cooperating: list[str] = []
    for event in reg.history(view.uid):
        p = event.payload
        if event.kind == Kind.RECEIVED:
            due = _when(p.get("appointment_at")) or due
            holder = p.get("holder") or office
            rows.append(HandOverRow("Người nộp hồ sơ: " + applicant, office,
                                    _when(p.get("received_at")) or event.occurred_at, due,
                                    note="Tiếp nhận hồ sơ"))
        elif event.kind == Kind.HANDED_OVER:
            to_unit = p["to_unit"]
            note = "; ".join(x for x in ("Liên thông" if p.get("agency") else "",
                                         p.get("note", "")) if x)
            rows.append(HandOverRow(p.get("from_unit") or holder, to_unit, event.occurred_at,
                                    due, note=note))
            (cooperating if p.get("agency") else processing).append(to_unit)
            holder = to_unit
        elif event.kind in (Kind.SUPPLEMENT_RECEIVED, Kind.RESCHEDULED):
            due = _when(p.get("new_due_at")) or due
        elif event.kind == Kind.PROCESSED and holder != office:
            rows.append(HandOverRow(holder, office, event.occurred_at, due,
                                    note=OUTCOMES.get(p.get("outcome", ""), "")))
            holder = office
        elif event.kind == Kind.RETURNED:
            method = RETURN_METHODS.get(p.get("method", ""), "")
            postal = p.get("postal") or {}
            if postal.get("tracking_no"):
                method += f", mã bưu gửi {postal['tracking_no']}"
            rows.append(HandOverRow(office, "Người nộp hồ sơ: " + applicant,
                                    event.occurred_at, due, note=f"Trả kết quả: {method}"))
    processing_body = processing[0] if processing else office
    return ControlSlip(
        office=office_header(reg), dossier_code=view.code or "", applicant_name=applicant,
        request=view.details.get("request") or view.procedure_code,
        processing_body=processing_body,
        cooperating_bodies=tuple(dict.fromkeys(u for u in cooperating + processing[1:]
                                               if u != processing_body)),
        received_at=view.received_at, appointment_at=view.appointment_at, rows=tuple(rows),
        issued_on=_local_day(view.received_at), due_at=view.due_at)


# --------------------------------------------------------------------------- books


def _tracking_row(view: DossierView, number: int, fallback: dict[str, Any] | None = None
                  ) -> TrackingRow:
    d = view.details
    data = fallback or {}
    applicant = d.get("applicant") or {}
    method = RETURN_METHODS.get(d.get("return_method") or "", "") if view.returned_at else ""
    assert view.received_at is not None and view.appointment_at is not None
    return TrackingRow(
        number=number, dossier_code=view.code or data.get("code", ""),
        procedure=d.get("request") or data.get("procedure", view.procedure_code),
        applicant=view.applicant_name, address=applicant.get("address", ""),
        phone=applicant.get("phone", ""),
        processing_body=data.get("processing_body") or view.holder or "",
        received_at=view.received_at, appointment_at=view.appointment_at,
        returned_at=view.returned_at, result_method=method)


def tracking_book_record(reg: Register, field_code: str, date_from: date, date_to: date
                         ) -> TrackingBook:
    """Mẫu 07 for one field over a date range (both days included), by receipt time."""
    catalogue = reg.catalogue(date_to)
    field_name = catalogue.field(field_code).name
    start = datetime.combine(date_from, time(0), LOCAL_TZ)
    end = datetime.combine(date_to + timedelta(days=1), time(0), LOCAL_TZ)
    flt = DossierFilter(field_code=field_code, received_from=start, received_to=end)
    rows: list[TrackingRow] = []
    offset = 0
    while True:
        page = reg.list_dossiers(flt, offset=offset, limit=500, sort="oldest")
        for found in page:
            view = reg.get(found.uid)
            tracking = view.details.get("tracking") or {}
            rows.append(_tracking_row(view, int(tracking.get("number") or len(rows) + 1)))
        if len(page) < 500:
            break
        offset += 500
    rows.sort(key=lambda r: (r.received_at, r.number))
    return TrackingBook(office=office_header(reg), field_name=field_name, date_from=date_from,
                        date_to=date_to, rows=tuple(rows),
                        issued_on=_local_day(reg.clock()))


def _pick_volume(reg: Register, kind: str, year: int, volume: int | None) -> VolumeView:
    volumes = [v for v in reg.volumes(kind, year) if volume is None or v.volume_no == volume]
    if not volumes:
        which = f", quyển số {volume:02d}" if volume is not None else ""
        raise NotFoundError(f"Không có sổ {kind} năm {year}{which}.",
                            f"No {kind} book for {year}"
                            + (f", volume {volume}" if volume is not None else "") + ".")
    if len(volumes) > 1:
        listed = ", ".join(f"{v.volume_no:02d}" + (f" ({v.field_code})" if v.field_code else "")
                           for v in volumes)
        raise ValidationError(
            f"Sổ {kind} năm {year} có {len(volumes)} quyển ({listed}); hãy chọn quyển số.",
            f"The {kind} book of {year} has {len(volumes)} volumes ({listed}); choose one.",
            field="volume")
    return volumes[0]


def book_layout(kind: BookKind) -> BookLayout:
    """The printed columns of a book kind, from its entry schema in the catalogue.

    Each column lists the fields the schema places in it, in field order, with their printed
    labels: the forms package prints exactly these keys and refuses any other.
    """
    return BookLayout(title=kind.name, columns=tuple(
        BookColumn(heading=column.heading, width=column.width, kind=column.kind,
                   keys=tuple((f.printed_label, f.key) for f in kind.fields_in(column.id)))
        for column in kind.columns))


def _book_entry(kind: BookKind, entry: EntryView, numbers: dict[str, int]) -> BookEntry:
    data = kind.canonical(entry.data)  # entries written under older keys print as today's
    reason = str(data.pop("correction_reason", "") or "")
    for f in kind.fields:  # a yes/no field prints when set, and only then
        if f.type == "flag" and f.key in data:
            data[f.key] = "Có" if data[f.key] not in (False, "", None, "Không") else ""
    return BookEntry.of(entry.number, _local_day(entry.registered_at), data,
                        void_reason=entry.void_reason or "",
                        corrects_number=numbers.get(entry.corrects_uid or ""),
                        correction_reason=reason)


def book_record(reg: Register, kind: str, year: int, volume: int | None = None
                ) -> CivilStatusBook | CertificationBook | TrackingBook:
    """One volume of a book: civil-status, certification, or the tracking book (STD)."""
    vol = _pick_volume(reg, kind, year, volume)
    book_kind = reg.catalogues().latest().book_kind(kind)
    office = office_header(reg)
    entries = reg.entries(vol.uid)
    if book_kind.group == "tracking":
        rows = []
        for e in entries:
            if e.dossier_uid is None or e.voided_at is not None:
                continue
            rows.append(_tracking_row(reg.get(e.dossier_uid), e.number, e.data))
        days = [_local_day(r.received_at) for r in rows] or [date(year, 1, 1)]
        field_name = reg.catalogues().latest().field(vol.field_code).name if vol.field_code \
            else book_kind.name
        return TrackingBook(office=office, field_name=field_name, date_from=min(days),
                            date_to=max(days), rows=tuple(rows),
                            issued_on=_local_day(reg.clock()), volume=vol.volume_no, year=year)
    numbers = {e.uid: e.number for e in entries}
    items = tuple(_book_entry(book_kind, e, numbers) for e in entries)
    closing = None
    if vol.closed_at is not None and vol.closing:
        c = vol.closing
        closing = BookClosing(closed_on=_local_day(vol.closed_at), total_pages=c["pages"],
                              total_entries=c["entries"], voided=c.get("voided", 0),
                              first_number=c.get("first_number", 1),
                              last_number=c.get("last_number", 0))
    common: dict[str, Any] = {
        "office": office, "kind_code": book_kind.code, "kind_name": book_kind.name,
        "year": year, "volume": vol.volume_no, "entries": items,
        "layout": book_layout(book_kind), "opened_on": _local_day(vol.opened_at),
        "closing": closing}
    if book_kind.group == "certification":
        return CertificationBook(**common, symbol=book_kind.symbol or "")
    return CivilStatusBook(**common)


# --------------------------------------------------------------------------- writing files

BUILDERS: dict[FormKind, Callable[[Register, str], Record]] = {
    FormKind.RECEIPT: receipt_record,
    FormKind.SUPPLEMENT: supplement_record,
    FormKind.REFUSAL: refusal_record,
    FormKind.APOLOGY: apology_record,
    FormKind.STOP: stop_record,
    FormKind.CONTROL_SLIP: control_slip_record,
}


def form_record(reg: Register, ref: str, form_no: str | int | FormKind,
                config: FormConfig | None = None) -> Record:
    """The record of a form for a dossier: a FormKind, or a number in the configured
    numbering ("05" is the stop notice under Circular 03/2025, the control slip under 01/2018).
    """
    config = config or default_config()
    kind = form_no if isinstance(form_no, FormKind) else config.kind_for(form_no)
    builder = BUILDERS.get(kind)
    if builder is None:
        spec = config.spec(kind)
        raise UnknownFormError(
            f"{spec.label} ({spec.title.capitalize()}) là sổ, không in theo từng hồ sơ; "
            "dùng lệnh print-book.",
            f"{spec.label} is a book, not a per-dossier form; use print-book.", field="form")
    return builder(reg, ref)


def _write(path: Path, data: bytes) -> Path:
    """Write atomically: a half-written PDF never replaces a good one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def print_form(reg: Register, ref: str, form_no: str | int | FormKind, out_path: Path,
               config: FormConfig | None = None, *, actor: str | None = None) -> Path:
    """Render one form of one dossier to a PDF file; with `actor`, log the printing."""
    config = config or default_config()
    record = form_record(reg, ref, form_no, config)
    path = _write(out_path, render(record, config))
    if actor:
        kind = form_no if isinstance(form_no, FormKind) else config.kind_for(form_no)
        reg.record_printed(ref, config.spec(kind).label or config.spec(kind).title, actor)
    return path


def print_book(reg: Register, kind: str, year: int, volume: int | None, out_path: Path,
               config: FormConfig | None = None) -> Path:
    """Render a whole book volume (cover, pages, closing line) to a PDF file."""
    config = config or default_config()
    return _write(out_path, render(book_record(reg, kind, year, volume), config))
