"""Dossiers: receiving (validation, code, appointment, tracking entry) and every lifecycle step."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import Connection, select

from desktop.register.calendar import DueUnit
from desktop.register.errors import NotFoundError, RegisterError, ValidationError, ValidationWarning
from desktop.register.events import EventRecord, new_uid, parse_utc, utc_iso
from desktop.register.lifecycle import check
from desktop.register.models import Dossier, Event
from desktop.register.projection import load_dossier
from desktop.register.services.base import Service
from desktop.register.validation import (
    validate_birth_date,
    validate_email,
    validate_id_number,
    validate_name,
    validate_phone,
    validate_text,
)
from desktop.register.views import ApplicantInput, DossierInput, DossierView, EventView
from desktop.register.writer import Writer, fold_dossier
from sync.lifecycle import LOCAL_TZ, Kind


class DossierService(Service):
    """Receipts and the steps that follow them, each one transaction of the one writer."""

    # --- receiving ---------------------------------------------------------------------------

    def _validate_applicant(self, a: ApplicantInput, role: str, today: date
                            ) -> tuple[dict[str, Any], list]:
        warnings: list = []
        out: dict[str, Any] = {"full_name": validate_name(a.full_name, field=f"{role}.full_name")}
        birth = None
        if a.birth_date not in (None, ""):
            birth = validate_birth_date(a.birth_date, today=today)
            out["birth_date"] = birth.isoformat()
        if a.sex:
            out["sex"] = validate_text(a.sex, field=f"{role}.sex", max_len=10)
        if a.id_number:
            out["id_number"], w = validate_id_number(a.id_number, birth_date=birth, sex=a.sex)
            warnings.extend(w)
        if a.phone:
            out["phone"] = validate_phone(a.phone)
        if a.email:
            out["email"] = validate_email(a.email)
        if a.address:
            out["address"] = validate_text(a.address, field=f"{role}.address", max_len=300)
        return out, warnings

    def _prepare(self, inp: DossierInput, at: datetime) -> tuple[dict[str, Any], list, Any]:
        """Validate and compute everything before the transaction starts (no half writes)."""
        _check_shape(inp)
        if inp.received_at is not None and inp.received_at.utcoffset() is not None and not (
                _EARLIEST <= inp.received_at <= at):
            raise ValidationError("Thời điểm tiếp nhận phải sau năm 1900 và không được sau "
                                  "thời điểm hiện tại.",
                                  "The receipt time must be after 1900 and not in the future.",
                                  field="received_at")
        if inp.channel not in (1, 2, 3):
            raise ValidationError("Kênh tiếp nhận không hợp lệ.", "Invalid channel.",
                                  field="channel")
        received_at = inp.received_at or at
        if received_at.tzinfo is None:
            raise ValidationError("Thời điểm tiếp nhận thiếu múi giờ.", "Naive receipt time.")
        local_day = received_at.astimezone(LOCAL_TZ).date()
        catalogue = self.catalogue(local_day)
        proc = catalogue.procedure(inp.procedure_code)
        applicant, warnings = self._validate_applicant(inp.applicant, "applicant", local_day)
        payload: dict[str, Any] = {
            "procedure_code": proc.code,
            "field_code": proc.field,
            "catalogue_version": catalogue.version,
            "applicant": applicant,
            "received_at": utc_iso(received_at),
        }
        if inp.representative is not None:
            payload["representative"], w = self._validate_applicant(
                inp.representative, "representative", local_day)
            warnings.extend(w)
            payload["representative"]["authorisation"] = validate_text(
                inp.authorisation, field="authorisation", max_len=300)
        known = {d.code for d in proc.documents}
        unknown = [d for d in inp.documents if d not in known]
        if unknown:
            raise ValidationError(
                f"Giấy tờ không thuộc thủ tục {proc.name}: {', '.join(unknown)}.",
                f"Documents not in the checklist of {proc.code}: {', '.join(unknown)}.",
                field="documents")
        missing = [d.name for d in proc.documents if d.required and d.code not in inp.documents]
        if missing:
            raise ValidationError(
                "Hồ sơ còn thiếu giấy tờ bắt buộc: " + "; ".join(missing)
                + ". Hãy lập Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02).",
                "Required documents are missing: " + "; ".join(missing) + ".",
                field="documents")
        payload["documents"] = [{"code": d.code, "name": d.name} for d in proc.documents
                                if d.code in inp.documents]
        if not 1 <= inp.sets <= 20 or not 1 <= inp.pages <= 10_000 or not 1 <= inp.copies <= 1000:
            raise ValidationError("Số bộ, số trang hoặc số bản không hợp lệ.",
                                  "Invalid number of sets, pages or copies.")
        payload["sets"] = inp.sets
        payload["request"] = validate_text(inp.request, field="request", max_len=1000) or proc.name
        if proc.fee.amount is None and not proc.fee.per_page:
            # Fee set by the provincial council and not (yet) in this catalogue version.
            fee = 0 if set(inp.exemptions) & {e.code for e in proc.fee.exemptions} else int(
                inp.fee_amount or 0)
            if not 0 <= fee <= 100_000_000:
                raise ValidationError("Lệ phí không hợp lệ.", "Invalid fee.", field="fee_amount")
            if inp.fee_amount is None and not inp.exemptions:
                warnings.append(ValidationWarning(
                    "Mức lệ phí của thủ tục này do HĐND tỉnh quy định và chưa có trong danh mục; "
                    "đã ghi 0 đồng.",
                    "The fee is set by the province and missing from the catalogue; 0 recorded.",
                    field="fee_amount"))
        else:
            fee = proc.fee.compute(pages=inp.pages, copies=inp.copies, exemptions=inp.exemptions)
        payload["fee"] = {"amount": fee, "pages": inp.pages, "copies": inp.copies,
                          "exemptions": list(inp.exemptions)}
        payload["fee_amount"] = fee
        payload["fee_paid"] = bool(inp.fee_paid and fee)
        # Only when true: a receipt without them keeps the payload (and hash) it always had.
        for flag in ("digitised", "reused_data"):
            if getattr(inp, flag):
                payload[flag] = True
        computed = self.calendar().appointment(received_at, proc.processing.amount,
                                               cast(DueUnit, proc.processing.unit))
        if inp.appointment_at is not None:
            reason = validate_text(inp.appointment_reason, field="appointment_reason",
                                   max_len=300)
            if not reason:
                raise ValidationError("Đổi ngày hẹn trả phải ghi lý do.",
                                      "Changing the appointment needs a reason.",
                                      field="appointment_reason")
            if inp.appointment_at <= received_at:
                raise ValidationError("Ngày hẹn trả phải sau thời điểm tiếp nhận.",
                                      "The appointment must be after the receipt.",
                                      field="appointment_at")
            payload["appointment_at"] = utc_iso(inp.appointment_at)
            payload["appointment_reason"] = reason
            payload["computed_appointment_at"] = utc_iso(computed)
        else:
            payload["appointment_at"] = utc_iso(computed)
        payload["result_place"] = validate_text(inp.result_place, field="result_place",
                                                max_len=200) or self._meta().get(
                                                    "office_name", "")
        payload["holder"] = self._meta().get("office_name")
        return payload, warnings, proc

    def receive(self, inp: DossierInput, actor: str, at: datetime | None = None) -> DossierView:
        """Receive a complete dossier: code, appointment, tracking-book entry (Mẫu 01 data)."""
        return self.receive_many([inp], actor, [at] if at else None)[0]

    def receive_many(self, inputs: Sequence[DossierInput], actor: str,
                     at: Sequence[datetime] | None = None) -> list[DossierView]:
        """Receive several dossiers in one transaction (bulk entry, demo data, benchmarks)."""
        if not self.reg.is_set_up():
            raise RegisterError("Chưa khai báo thông tin cơ quan (mã định danh, xã/phường).",
                                "Set up the office first.")
        actor = validate_text(actor, field="actor", max_len=64, required=True)
        now = self.clock()
        prepared = [self._prepare(inp, (at[i] if at else now)) for i, inp in enumerate(inputs)]
        views = []
        with self._write() as w:
            for inp, (payload, warnings, proc) in zip(inputs, prepared):
                received = parse_utc(payload["received_at"])
                uid = new_uid()
                payload["code"] = self._next_code(w, received)
                entry = self.reg.books._append_entry(
                    w, "STD", proc.field, received, actor, dossier_uid=uid,
                    data={"code": payload["code"], "procedure": proc.name,
                          "applicant": payload["applicant"]["full_name"],
                          "address": payload["applicant"].get("address", ""),
                          "phone": payload["applicant"].get("phone", ""),
                          "processing_body": payload["holder"],
                          "received_at": payload["received_at"],
                          "appointment_at": payload["appointment_at"]},
                    defer_event=True)
                payload["tracking_entry"] = entry["entry_uid"]
                payload["tracking"] = {"volume_no": entry["volume_no"],
                                       "number": entry["number"], "year": entry["year"]}
                rec = w.emit(uid, "dossier", Kind.RECEIVED, payload, actor, inp.channel, received)
                state = fold_dossier([rec])
                assert state is not None
                w.add_dossier(state)
                entry["flush"]()
                views.append(DossierView.from_state(state, now, tuple(warnings)))
        return views

    def _next_code(self, w: Writer, received: datetime) -> str:
        """Dossier code <agency id>-YYMMDD-<slot><sequence ≥ 3 digits>; see README."""
        day = received.astimezone(LOCAL_TZ).strftime("%y%m%d")
        value = w.counter(f"dossier:{day}")
        meta = self._meta()
        return f"{meta['agency_id']}-{day}-{meta['device_slot']}{value:03d}"

    # --- lifecycle steps -------------------------------------------------------------------

    def _step(self, ref: str, kind: str, payload: dict[str, Any], actor: str,
              at: datetime | None = None,
              prepare: Callable[[dict[str, Any], datetime], dict[str, Any]] | None = None
              ) -> DossierView:
        actor = validate_text(actor, field="actor", max_len=64, required=True)
        with self._write() as w:
            uid = self._resolve(w.conn, ref)
            rowid, state = load_dossier(w.conn, uid)
            assert state is not None
            moment = at or w.now
            if prepare is not None:
                payload = prepare(state, moment)
            probe = EventRecord(new_uid(), uid, "dossier", kind, payload, actor, state["channel"],
                                utc_iso(moment), "", self.device_id, 0, "")
            check(state, probe)  # refuse before anything is written
            new = w.dossier_step(rowid, state, kind, payload, actor, moment)
        return DossierView.from_state(new, self.clock())

    def _resolve(self, conn: Connection, ref: str) -> str:
        row = conn.execute(select(Dossier.uid).where(
            (Dossier.uid == ref) | (Dossier.code == ref))).scalar()
        if row is None:
            raise NotFoundError(f"Không tìm thấy hồ sơ {ref}.", f"Dossier {ref} not found.")
        return row

    def hand_over(self, ref: str, to_unit: str, actor: str, *, from_unit: str | None = None,
                  agency: bool = False, note: str = "", at: datetime | None = None
                  ) -> DossierView:
        """Hand the dossier to a unit (Mẫu 06 row); `agency=True` is a transfer (liên thông)."""
        to_unit = validate_text(to_unit, field="to_unit", max_len=200, required=True)

        def prep(state: dict[str, Any], moment: datetime) -> dict[str, Any]:
            return {"from_unit": from_unit or state["holder"] or "", "to_unit": to_unit,
                    "agency": agency, "note": validate_text(note, field="note", max_len=500),
                    "due_at": state["due_at"]}
        return self._step(ref, Kind.HANDED_OVER, {}, actor, at, prep)

    def request_supplement(self, ref: str, items: Sequence[str], reason: str, actor: str, *,
                           second_request_reason: str = "", contact: str = "",
                           at: datetime | None = None) -> DossierView:
        """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02); once, unless a reason is given."""
        payload = {
            "items": [validate_text(i, field="items", max_len=300, required=True) for i in items],
            "reason": validate_text(reason, field="reason", max_len=1000),
            "second_request_reason": validate_text(second_request_reason,
                                                   field="second_request_reason", max_len=1000),
            "contact": validate_text(contact, field="contact", max_len=200),
        }
        return self._step(ref, Kind.SUPPLEMENT_REQUESTED, payload, actor, at)

    def receive_supplement(self, ref: str, actor: str, at: datetime | None = None
                           ) -> DossierView:
        """The applicant brought the papers: the waiting time moves the due date later."""
        def prep(state: dict[str, Any], moment: datetime) -> dict[str, Any]:
            since = parse_utc(state["supplement_since"]) if state["supplement_since"] else moment
            new_due = self.calendar().shift_for_pause(parse_utc(state["due_at"]), since, moment)
            return {"new_due_at": utc_iso(new_due), "paused_from": utc_iso(since)}
        return self._step(ref, Kind.SUPPLEMENT_RECEIVED, {}, actor, at, prep)

    def refuse(self, ref: str, reasons: Sequence[str], actor: str, at: datetime | None = None
               ) -> DossierView:
        """Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03)."""
        payload = {"reasons": [validate_text(r, field="reasons", max_len=500, required=True)
                               for r in reasons]}
        return self._step(ref, Kind.REFUSED, payload, actor, at)

    def request_financial(self, ref: str, amount: int, actor: str, at: datetime | None = None
                          ) -> DossierView:
        if not 0 <= int(amount) <= 1_000_000_000:
            raise ValidationError("Số tiền không hợp lệ.", "Invalid amount.", field="amount")
        return self._step(ref, Kind.FINANCIAL_REQUESTED, {"amount": int(amount)}, actor, at)

    def record_fee_paid(self, ref: str, amount: int, actor: str, *, online: bool = False,
                        at: datetime | None = None) -> DossierView:
        if not 0 <= int(amount) <= 1_000_000_000:
            raise ValidationError("Số tiền không hợp lệ.", "Invalid amount.", field="amount")
        return self._step(ref, Kind.FEE_PAID, {"amount": int(amount), "online": online}, actor, at)

    def process(self, ref: str, outcome: str, actor: str, *, note: str = "",
                at: datetime | None = None) -> DossierView:
        """Record the processing result ("approved" or "rejected")."""
        payload = {"outcome": outcome, "note": validate_text(note, field="note", max_len=1000)}
        return self._step(ref, Kind.PROCESSED, payload, actor, at)

    def return_result(self, ref: str, method: str, actor: str, *,
                      postal: dict[str, str] | None = None, at: datetime | None = None
                      ) -> DossierView:
        """Return the result at the desk, by post (slip and tracking number) or electronically."""
        if method == "post":
            postal = {k: validate_text(v, field=f"postal.{k}", max_len=200)
                      for k, v in (postal or {}).items()}
            for required in ("slip_no", "tracking_no", "recipient", "address"):
                if not postal.get(required):
                    raise ValidationError(
                        "Trả qua bưu chính phải ghi số phiếu gửi, mã bưu gửi, người nhận và "
                        "địa chỉ nhận.",
                        "Postal return needs the slip number, tracking number, recipient and "
                        "address.", field=f"postal.{required}")
        return self._step(ref, Kind.RETURNED, {"method": method, "postal": postal}, actor, at)

    def reschedule(self, ref: str, new_due: datetime, reason: str, actor: str,
                   at: datetime | None = None) -> DossierView:
        """Phiếu xin lỗi và đề nghị gia hạn (Mẫu 04): once, ≥ 1 day before the due date."""
        payload = {"new_due_at": utc_iso(new_due),
                   "reason": validate_text(reason, field="reason", max_len=1000)}

        def prep(state: dict[str, Any], moment: datetime) -> dict[str, Any]:
            return {**payload, "old_due_at": state["due_at"]}
        return self._step(ref, Kind.RESCHEDULED, payload, actor, at, prep)

    def withdraw(self, ref: str, reason: str, actor: str, at: datetime | None = None
                 ) -> DossierView:
        return self._step(ref, Kind.WITHDRAWN,
                          {"reason": validate_text(reason, field="reason", max_len=1000)},
                          actor, at)

    def stop(self, ref: str, reason: str, actor: str, *, stage: str = "",
             at: datetime | None = None) -> DossierView:
        """Thông báo dừng giải quyết hồ sơ (Mẫu 05), only while no result exists."""
        payload = {"reason": validate_text(reason, field="reason", max_len=1000),
                   "stage": validate_text(stage, field="stage", max_len=300)}
        return self._step(ref, Kind.STOPPED, payload, actor, at)

    def rate(self, ref: str, rating: str, actor: str, at: datetime | None = None
             ) -> DossierView:
        return self._step(ref, Kind.RATED, {"rating": rating}, actor, at)

    def complain(self, ref: str, content: str, actor: str, at: datetime | None = None
                 ) -> DossierView:
        payload = {"content": validate_text(content, field="content", max_len=2000,
                                            required=True)}
        return self._step(ref, Kind.COMPLAINED, payload, actor, at)

    def correct_applicant(self, ref: str, applicant: ApplicantInput, reason: str, actor: str,
                          at: datetime | None = None) -> tuple[DossierView, list]:
        """Sửa thông tin người nộp: a typing error fixed, with its reason, before the result
        is returned. The event holds only the fields that change; returns the dossier and the
        identification-number warnings, like a receipt."""
        reason = validate_text(reason, field="reason", max_len=1000, required=True)
        today = (at or self.clock()).astimezone(LOCAL_TZ).date()
        fixed, warnings = self._validate_applicant(applicant, "applicant", today)
        for key in ("id_number", "birth_date", "sex", "address", "phone", "email"):
            fixed.setdefault(key, "")  # a field left empty is cleared

        def prepare(state: dict[str, Any], _moment: datetime) -> dict[str, Any]:
            before = state["details"].get("applicant", {})
            changes = {k: v for k, v in fixed.items() if (before.get(k) or "") != v}
            if not changes:
                raise ValidationError("Thông tin người nộp không thay đổi.",
                                      "The applicant's details are unchanged.",
                                      field="applicant")
            return {"applicant": changes, "reason": reason}

        return self._step(ref, Kind.DETAILS_CORRECTED, {}, actor, at, prepare), warnings

    def record_printed(self, ref: str, form: str, actor: str) -> DossierView:
        return self._step(ref, Kind.PRINTED, {"form": form}, actor)

    # --- reading ---------------------------------------------------------------------------

    def get(self, ref: str) -> DossierView:
        with self._read() as conn:
            _, state = load_dossier(conn, self._resolve(conn, ref))
        assert state is not None
        return DossierView.from_state(state, self.clock())

    def history(self, ref: str) -> list[EventView]:
        """A dossier's events in replica order (the timeline and Mẫu 06 source)."""
        with self._read() as conn:
            uid = self._resolve(conn, ref)
            rows = conn.execute(select(Event).where(Event.stream == uid).order_by(
                Event.hlc, Event.device_id, Event.uid)).all()  # rows: a Connection, not ORM
            return [EventView.from_record(EventRecord.from_row(r), r.origin, r.acked_at is not None)
                    for r in rows]


_EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)


def _check_shape(inp: Any) -> None:
    """Refuse a value of the wrong type in any input field before a rule looks at it.

    The UI sends strings, but scripts, imports and a scanner's text can send anything: a
    wrong type must give a clear message, never a crash, and bool is not a number here (True
    as channel 1 would be hashed as `true` and stored as 1, breaking the hash chain).
    """
    def bad(name: str) -> ValidationError:
        return ValidationError(f"Giá trị không hợp lệ ở mục {name}.",
                               f"Invalid value for {name}.", field=name)

    if not isinstance(inp, DossierInput):
        raise bad("dossier")
    for name in ("procedure_code", "authorisation", "request", "appointment_reason",
                 "result_place"):
        if not isinstance(getattr(inp, name), str):
            raise bad(name)
    for name in ("channel", "sets", "pages", "copies", "fee_amount"):
        value = getattr(inp, name)
        if type(value) is not int and not (name == "fee_amount" and value is None):
            raise bad(name)
    for name in ("digitised", "reused_data"):
        if type(getattr(inp, name)) is not bool:
            raise bad(name)
    for name in ("documents", "exemptions"):
        value = getattr(inp, name)
        if not isinstance(value, (tuple, list)) or not all(isinstance(x, str) for x in value):
            raise bad(name)
    for name in ("appointment_at", "received_at"):
        value = getattr(inp, name)
        if value is not None and not isinstance(value, datetime):
            raise bad(name)
    if inp.appointment_at is not None and inp.appointment_at.utcoffset() is None:
        raise ValidationError("Ngày hẹn trả thiếu múi giờ.", "Naive appointment time.",
                              field="appointment_at")
    for role, person in (("applicant", inp.applicant), ("representative", inp.representative)):
        if person is None and role == "representative":
            continue
        if not isinstance(person, ApplicantInput):
            raise bad(role)
        if not isinstance(person.full_name, str):
            raise bad(f"{role}.full_name")
        for name in ("id_number", "sex", "address", "phone", "email"):
            if not isinstance(getattr(person, name), (str, type(None))):
                raise bad(f"{role}.{name}")
        if not isinstance(person.birth_date, (str, date, type(None))):
            raise bad(f"{role}.birth_date")


