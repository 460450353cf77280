"""The later steps of each planned demo dossier's story, in time order."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from desktop.demo.clock import OfficeClock
from desktop.demo.dossiers import Skeleton, Step
from desktop.demo.people import People, Person
from desktop.demo.tables import (
    AFTER_RESULT_AGENCIES,
    COMPLAINTS,
    ELECTRONIC_RESULT,
    FINANCIAL_PROCEDURES,
    RATINGS,
    REFUSAL_REASONS,
    RESCHEDULE_REASONS,
    SECOND_SUPPLEMENT_REASONS,
    SPECIALIST_UNITS,
    STOP_REASONS,
    SUPPLEMENT_REASONS,
    TRANSFER_AGENCIES,
    WITHDRAW_REASONS,
)
from desktop.register.calendar import DueUnit
from desktop.register.catalogue import Procedure
from desktop.register.views import DossierInput
from sync.lifecycle import LOCAL_TZ


class Stories:
    """Plans a dossier's hand-overs, supplements, processing, return and rating."""

    def __init__(self, rng: random.Random, clock: OfficeClock, people: People,
                 desk: Callable[[date], str], specialists: Sequence[str], office_name: str):
        self.rng = rng
        self.clock = clock
        self.cal = clock.cal
        self.people = people
        self.desk = desk
        self.specialists = tuple(specialists)
        self.office_name = office_name

    def appointment(self, proc: Procedure, received: datetime) -> datetime:
        """The appointment the register computes on receipt (same calendar, same rule)."""
        unit = cast(DueUnit, proc.processing.unit)
        due = self.cal.appointment(received, proc.processing.amount, unit)
        return due.astimezone(LOCAL_TZ)

    def plan(self, sk: Skeleton, proc: Procedure, inp: DossierInput, applicant: Person,
             extra: dict[str, Any]) -> list[Step]:
        """The dossier's later steps, in time order (those after the end are dropped later)."""
        rng, clk = self.rng, self.clock
        received = sk.at
        due = (inp.appointment_at or self.appointment(proc, received)).astimezone(LOCAL_TZ)
        start = max(received, self.cal.effective_receipt(received).astimezone(LOCAL_TZ))
        desk = self.desk(received.date())
        specialist = rng.choice(self.specialists)
        unit = SPECIALIST_UNITS.get(proc.field, "Công chức chuyên môn")
        scenario = sk.scenario
        steps: list[Step] = []

        def add(at: datetime, method: str, *args: Any, **kwargs: Any) -> datetime:
            steps.append(Step(at, method, args, kwargs))
            return at

        if scenario == "refused":
            field_key = "CHUNG_THUC" if proc.field == "CHUNG_THUC" else ""
            add(clk.soon(start, 40), "refuse", [rng.choice(REFUSAL_REASONS[field_key])], desk)
            return steps

        t = add(clk.soon(start, 120), "hand_over", unit, desk)
        if scenario == "withdrawn":
            add(clk.between(t, due) or clk.soon(t), "withdraw", rng.choice(WITHDRAW_REASONS),
                desk)
            return steps
        if scenario == "stopped":
            add(clk.between(t, due) or clk.soon(t), "stop", rng.choice(STOP_REASONS), specialist,
                stage=rng.choice(("Đang thẩm định hồ sơ", "Đang xác minh thông tin")))
            return steps
        if scenario == "overdue_open":
            return steps if rng.random() < 0.6 else []

        if scenario in ("transfer", "transfer_open"):
            agency = TRANSFER_AGENCIES.get(proc.code) or self.people.other_commune()
            t = add(clk.soon(t, 240), "hand_over", agency, specialist, agency=True,
                    note="Chuyển hồ sơ liên thông, đề nghị phối hợp xác minh và trả kết quả")
            if scenario == "transfer_open":
                return steps
            t = add(clk.within_days(t, 1, 3), "hand_over", unit, specialist, from_unit=agency,
                    note="Cơ quan phối hợp đã trả kết quả xác minh")

        if scenario in ("supplement", "second_supplement", "supplement_pending"):
            items = self._supplement_items(proc)
            t = add(clk.between(t, due) or clk.soon(t), "request_supplement", items,
                    rng.choice(SUPPLEMENT_REASONS), specialist,
                    contact=applicant.phone or applicant.address)
            if scenario == "supplement_pending":
                return steps
            back = clk.within_days(t, 1, 7)
            due = self.cal.shift_for_pause(due, t, back).astimezone(LOCAL_TZ)
            t = add(back, "receive_supplement", desk)
            if scenario == "second_supplement":
                t = add(clk.between(t, due) or clk.soon(t), "request_supplement",
                        self._supplement_items(proc), rng.choice(SUPPLEMENT_REASONS), specialist,
                        second_request_reason=rng.choice(SECOND_SUPPLEMENT_REASONS),
                        contact=applicant.phone or applicant.address)
                back = clk.within_days(t, 1, 5)
                due = self.cal.shift_for_pause(due, t, back).astimezone(LOCAL_TZ)
                t = add(back, "receive_supplement", desk)

        if scenario in ("financial", "financial_pending"):
            amount = FINANCIAL_PROCEDURES.get(proc.code, 50_000)
            t = add(clk.between(t, due) or clk.soon(t), "request_financial", amount, specialist)
            if scenario == "financial_pending":
                return steps
            t = add(clk.within_days(t, 0, 2), "record_fee_paid", amount, desk,
                    online=sk.channel == 2)

        if scenario == "rescheduled":
            last_day = due.date() - timedelta(days=1)
            moment = clk.between(t, datetime.combine(last_day, time(23, 59), LOCAL_TZ))
            if moment is not None:
                extension = proc.processing.max_extension
                days = extension.amount if extension else rng.randint(2, 3)
                new_due = datetime.combine(self.cal.add_working_days(due.date(), days),
                                           due.timetz())
                t = add(moment, "reschedule", new_due, rng.choice(RESCHEDULE_REASONS), specialist)
                due = new_due

        # Processing: on time, or late for the "late" story (and sometimes by accident).
        if scenario == "late":
            done = clk.within_days(max(t, due), 1, 6)
        else:
            done = clk.between(t + timedelta(minutes=5), due) or clk.soon(t + timedelta(
                minutes=5))
        book = extra.get("book")
        certify = extra.get("certify")
        rejected = extra.get("rejectable") and rng.random() < 0.08
        if proc.book_kind and not rejected:
            entry_at = done - timedelta(minutes=2)
            if certify:
                add(entry_at, "certify", proc.book_kind, certify, specialist)
            elif book is not None:
                add(entry_at, "add_logbook_entry", proc.book_kind, book, specialist)
        outcome = "rejected" if rejected else "approved"
        note = ("Không đủ điều kiện theo quy định; đã trả lời bằng văn bản nêu rõ lý do."
                if rejected else "")
        t = add(done, "process", outcome, specialist, note=note)

        if proc.code in AFTER_RESULT_AGENCIES and rng.random() < 0.3:
            agency, note = rng.choice(AFTER_RESULT_AGENCIES[proc.code])
            t = add(clk.soon(t, 60), "hand_over", agency, specialist, agency=True, note=note)
        elif proc.processing.unit != "same_day" and rng.random() < 0.5:
            t = add(clk.soon(t, 60), "hand_over", self.office_name, specialist,
                    note="Chuyển kết quả về Bộ phận một cửa")
        if scenario == "processed_waiting":
            return steps

        method, postal = self._return_method(sk, proc, applicant)
        if method == "desk":
            pickup = clk.within_days(t, 0, 2 if rng.random() < 0.9 else 12)
        else:
            pickup = clk.within_days(t, 0, 1)
        if postal is not None:
            postal["handover_at"] = pickup.strftime("%H:%M %d/%m/%Y")
        t = add(pickup, "return_result", method, desk, postal=postal)
        if sk.force_rate or rng.random() < 0.4:
            rating = rng.choices([r for r, _ in RATINGS], [w for _, w in RATINGS])[0]
            t = add(t + timedelta(minutes=rng.randint(1, 20)), "rate", rating, desk)
        if rng.random() < 0.005:
            add(t + timedelta(minutes=rng.randint(5, 90)), "complain", rng.choice(COMPLAINTS),
                desk)
        return steps

    def _supplement_items(self, proc: Procedure) -> list[str]:
        names = [d.name for d in proc.documents]
        return self.rng.sample(names, min(len(names), self.rng.choice((1, 1, 2))))

    def _return_method(self, sk: Skeleton, proc: Procedure, applicant: Person
                       ) -> tuple[str, dict[str, str] | None]:
        rng = self.rng
        if sk.channel == 2 and proc.code in ELECTRONIC_RESULT and rng.random() < 0.4:
            return "electronic", None
        by_post = proc.postal_return and (sk.channel == 3 or rng.random() < (
            0.15 if sk.channel == 2 else 0.08))
        if not by_post:
            return "desk", None
        serial = rng.randrange(100_000_000)
        return "post", {
            "slip_no": f"PG{sk.at:%y}{rng.randrange(1_000_000):06d}",
            "tracking_no": s10_code("EH", serial),
            "handover_record_no": f"{rng.randint(1, 999):03d}/BBBG-BĐ",
            "recipient": applicant.full_name,
            "phone": applicant.phone or "",
            "address": applicant.address,
        }


def s10_code(prefix: str, serial: int) -> str:
    """A UPU S10 item identifier (two letters, 8 digits, check digit, VN)."""
    digits = f"{serial % 100_000_000:08d}"
    total = sum(int(d) * w for d, w in zip(digits, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    check = 0 if check == 10 else 5 if check == 11 else check
    return f"{prefix}{digits}{check}VN"

