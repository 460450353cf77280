"""Reports over a register with a known history: every figure checked against a hand count.

The office's first quarter of 2026 (Q1, judged at the end of 31 March) holds sixteen dossiers,
each with a story: early, on time, late (past the make-up Saturday 10 January), supplemented
once and twice, stopped, withdrawn online, transferred to an agency and back and returned by
post, refused, exempted from the fee, carried over from 2025 across the New Year days off,
two across Tết 2026 (14–22 February off; one rescheduled with an apology, then late), and two
still open at the end (one overdue, one not yet due). Eight of the fifteen received in Q1 had
their papers digitised on receipt, three of them reusing already-digitised data. Appointments are computed by the
register's calendar; the comments show the hand count of each.
"""

from __future__ import annotations

import json
import random
import subprocess
from collections.abc import Iterator
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

from desktop.register import reports as R
from desktop.register.service import Register
from desktop.register.syncstore import RegisterSyncStore
from desktop.reporting import report_bytes
from reports import (
    IndexRules,
    ReportParams,
    fold_dossier,
    holder_at,
    mask_id,
    mask_name,
    report_data,
)
from reports.tables import tabulate
from tests.conftest import (
    FixedClock,
    cli_env,
    local_time,
    motcua_command,
    open_register,
    valid_input,
)
from tests.support.server_fixtures import ServerProcess
from tests.sync.test_sync_client_support import credentials, keyring_backend  # noqa: F401 (fixtures)

Q1 = ReportParams(date(2026, 1, 1), date(2026, 3, 31))
TU_PHAP = "Công chức Tư pháp - Hộ tịch"
KINH_TE = "Phòng Kinh tế"
THUE = "Chi cục Thuế khu vực I"
ACCOUNTS = {"admin": ("Nguyễn Văn Quản", "admin"), "tn.hoa": ("Trần Thị Hoa", "receiving"),
            "tn.lan": ("Lê Thị Lan", "receiving"), "tp.duc": ("Vũ Minh Đức", "processing")}
POSTAL = {"slip_no": "PG26000123", "tracking_no": "EH123456785VN",
          "recipient": "Phạm Văn Hải", "address": "Số 3 phố Hàng Bạc"}


def at(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2026) -> datetime:
    return local_time(year, month, day, hour, minute)


def receive(reg: Register, procedure: str, when: datetime, name: str, **kw: Any) -> str:
    view = reg.receive(valid_input(reg, procedure, name=name, **kw), "tn.hoa", at=when)
    assert view.code is not None
    return view.code


def build_history(reg: Register) -> dict[str, str]:
    """The sixteen dossiers of the module docstring; returns their codes by story."""
    for username, (name, role) in ACCOUNTS.items():
        reg.create_account(username, name, role, "matkhau123",
                           actor=None if username == "admin" else "admin",
                           must_change_password=False)
    c: dict[str, str] = {}
    # D13 carried over: received Tue 30/12/2025; Wed 31, (1–4/1 off), Mon 5, Tue 6 → 6/1 17:00.
    c["carried"] = receive(reg, "marital_status_confirmation", at(12, 30, year=2025),
                           "Hồ Văn Nam", fee_amount=30_000, fee_paid=True, digitised=True)
    reg.process(c["carried"], "approved", "tp.duc", at=at(1, 5, 10))  # before
    reg.return_result(c["carried"], "desk", "tn.hoa", at=at(1, 6))
    # D1 early: Mon 5/1 → Tue 6, Wed 7, Thu 8 → 8/1 17:00; processed Wed 7.
    c["early"] = receive(reg, "marital_status_confirmation", at(1, 5), "Nguyễn Văn An",
                         fee_amount=30_000, fee_paid=True, digitised=True, reused_data=True)
    reg.process(c["early"], "approved", "tp.duc", at=at(1, 7, 10))
    reg.return_result(c["early"], "desk", "tn.hoa", at=at(1, 8))
    reg.rate(c["early"], "very_satisfied", "tn.hoa", at=at(1, 8, 9, 5))
    # D2 on time: contract (2 working days) Tue 6/1 → Wed 7, Thu 8 → 8/1 17:00; done 8/1 16:00.
    c["on_time"] = receive(reg, "contract_certification", at(1, 6), "Trần Thị Bình",
                           fee_paid=True, digitised=True)
    reg.process(c["on_time"], "approved", "tp.duc", at=at(1, 8, 16))
    reg.return_result(c["on_time"], "electronic", "tn.lan", at=at(1, 9))
    reg.rate(c["on_time"], "satisfied", "tn.lan", at=at(1, 9, 9, 5))
    # D3 late: guardianship Wed 7/1 → Thu 8, Fri 9, Sat 10 (make-up day) → 10/1 17:00;
    # processed Mon 12/1: 1 working day late (Sunday 11 is not one).
    c["late"] = receive(reg, "guardianship_registration", at(1, 7), "Lê Văn Cường",
                        digitised=True)
    reg.hand_over(c["late"], TU_PHAP, "tn.hoa", at=at(1, 7, 10))
    reg.process(c["late"], "approved", "tp.duc", at=at(1, 12, 10))
    reg.return_result(c["late"], "desk", "tn.lan", at=at(1, 12, 14))
    reg.rate(c["late"], "dissatisfied", "tn.lan", at=at(1, 12, 14, 5))
    reg.complain(c["late"], "Giải quyết chậm so với giấy hẹn", "tn.lan", at=at(1, 12, 15))
    # D4 supplemented once: Thu 8/1 → Fri 9, Sat 10, Mon 12 → 12/1 17:00; waiting from Fri 9
    # to Wed 14 moves it 4 working days (Sat 10, Mon 12, Tue 13, Wed 14) → Fri 16/1 17:00.
    c["supplement"] = receive(reg, "marital_status_confirmation", at(1, 8), "Phạm Thị Dung",
                              fee_amount=30_000)
    reg.hand_over(c["supplement"], TU_PHAP, "tn.hoa", at=at(1, 8, 10))
    reg.request_supplement(c["supplement"], ["Tờ khai"], "Thiếu chữ ký", "tp.duc",
                           at=at(1, 9, 10))
    reg.receive_supplement(c["supplement"], "tn.hoa", at=at(1, 14))
    reg.record_fee_paid(c["supplement"], 30_000, "tn.hoa", at=at(1, 14, 9, 30))
    reg.process(c["supplement"], "approved", "tp.duc", at=at(1, 16, 11))  # on the due day
    reg.return_result(c["supplement"], "desk", "tn.hoa", at=at(1, 19))
    # D5 supplemented twice: Mon 12/1 → Thu 15; +1 (13→14) → Fri 16; +1 (15→16) → Mon 19/1
    # 17:00; processed Mon 19 10:00, before the time, but late: a second request.
    c["twice"] = receive(reg, "civil_status_change", at(1, 12), "Hoàng Thị Em")
    reg.hand_over(c["twice"], TU_PHAP, "tn.hoa", at=at(1, 12, 10))
    reg.request_supplement(c["twice"], ["Tờ khai"], "Thiếu", "tp.duc", at=at(1, 13, 10))
    reg.receive_supplement(c["twice"], "tn.hoa", at=at(1, 14))
    reg.request_supplement(c["twice"], ["Bản sao giấy khai sinh"], "Mờ", "tp.duc",
                           second_request_reason="Bản chụp không đọc được", at=at(1, 15, 10))
    reg.receive_supplement(c["twice"], "tn.hoa", at=at(1, 16))
    reg.process(c["twice"], "approved", "tp.duc", at=at(1, 19, 10))
    # D6 stopped: contract Tue 13/1 (fee paid), stopped Wed 14.
    c["stopped"] = receive(reg, "contract_certification", at(1, 13), "Vũ Văn Giang",
                           fee_paid=True)
    reg.stop(c["stopped"], "Công dân đề nghị dừng", "tn.hoa", at=at(1, 14, 10))
    # D7 withdrawn: signature certification filed online Wed 14/1, withdrawn an hour later.
    c["withdrawn"] = receive(reg, "signature_certification", at(1, 14), "Đặng Thị Hà",
                             channel=2, digitised=True)
    reg.withdraw(c["withdrawn"], "Nộp nhầm thủ tục", "tn.hoa", at=at(1, 14, 10))
    # D8 transferred and returned: household business by post Thu 15/1 → Fri 16, Mon 19,
    # Tue 20 → 20/1 17:00; to the tax office and back; fee paid online; done Tue 20 09:00.
    c["transfer"] = receive(reg, "household_business_registration", at(1, 15), "Bùi Văn Hải",
                            channel=3, digitised=True, reused_data=True)
    reg.hand_over(c["transfer"], KINH_TE, "tn.hoa", at=at(1, 15, 10))
    reg.hand_over(c["transfer"], THUE, "tp.duc", agency=True, at=at(1, 16))
    reg.hand_over(c["transfer"], KINH_TE, "tp.duc", from_unit=THUE, at=at(1, 19))
    reg.request_financial(c["transfer"], 100_000, "tp.duc", at=at(1, 19, 10))
    reg.record_fee_paid(c["transfer"], 100_000, "tn.hoa", online=True, at=at(1, 19, 11))
    reg.process(c["transfer"], "approved", "tp.duc", at=at(1, 20))
    reg.return_result(c["transfer"], "post", "tn.hoa", postal=POSTAL, at=at(1, 21))
    # D14 refused: certified copy Mon 19/1 (fee 2.000 đ on the receipt, not paid).
    c["refused"] = receive(reg, "certified_copy", at(1, 19), "Đỗ Thị Khánh")
    reg.refuse(c["refused"], ["Bản chính giấy tờ bị tẩy xóa"], "tn.hoa", at=at(1, 19, 9, 30))
    # D15 awaiting return: extract copy Tue 20/1 14:00 (before 15:00) → the same day 17:00.
    c["waiting"] = receive(reg, "civil_status_extract_copy", at(1, 20, 14), "Ngô Văn Lâm",
                           fee_paid=True)
    reg.process(c["waiting"], "approved", "tp.duc", at=at(1, 20, 15))
    # D16 exempt: Wed 21/1 → Thu 22, Fri 23, Mon 26; poor household, no fee; result online.
    c["exempt"] = receive(reg, "marital_status_confirmation", at(1, 21), "Dương Thị Mai",
                          fee_amount=30_000, exemptions=("poor_household",), digitised=True)
    reg.process(c["exempt"], "approved", "tp.duc", at=at(1, 23, 10))
    reg.return_result(c["exempt"], "electronic", "tn.hoa", at=at(1, 26))
    # D9 across Tết, rescheduled: Thu 12/2 → Fri 13, (14–22 off), Mon 23, Tue 24 → 24/2
    # 17:00; apology Mon 23 (a day before) to Thu 26/2 17:00; done Fri 27: 1 working day late.
    c["tet_late"] = receive(reg, "marital_status_confirmation", at(2, 12), "Lý Văn Phúc",
                            fee_amount=30_000, fee_paid=True, digitised=True, reused_data=True)
    reg.hand_over(c["tet_late"], TU_PHAP, "tn.hoa", at=at(2, 12, 10))
    reg.reschedule(c["tet_late"], at(2, 26, 17), "Chờ xác minh nơi cư trú", "tp.duc",
                   at=at(2, 23, 10))
    reg.process(c["tet_late"], "approved", "tp.duc", at=at(2, 27, 10))
    # D10 across Tết, early: guardianship Fri 13/2 14:00 → Mon 23, Tue 24, Wed 25 → 25/2.
    c["tet_early"] = receive(reg, "guardianship_registration", at(2, 13, 14), "Mai Thị Quỳnh")
    reg.process(c["tet_early"], "approved", "tp.duc", at=at(2, 24, 10))
    reg.return_result(c["tet_early"], "desk", "tn.hoa", at=at(2, 25))
    reg.rate(c["tet_early"], "neutral", "tn.hoa", at=at(2, 25, 9, 5))
    # D11 open and overdue: Mon 23/3 → Thu 26/3 17:00; still with the justice officer.
    c["overdue"] = receive(reg, "marital_status_confirmation", at(3, 23), "Tạ Văn Sơn",
                           fee_amount=30_000, fee_paid=True, digitised=True)
    reg.hand_over(c["overdue"], TU_PHAP, "tn.hoa", at=at(3, 23, 10))
    # D12 open, not yet due: contract Mon 30/3 → Tue 31, Wed 1/4 17:00.
    c["not_due"] = receive(reg, "contract_certification", at(3, 30), "Phan Thị Uyên")
    return c


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(local_time(2026, 4, 15, 9, 0))


@pytest.fixture
def history(home: Path, clock: FixedClock) -> Iterator[tuple[Register, dict[str, str]]]:
    reg = open_register(home / "register.sqlite3", clock, auto_backup=False)
    codes = build_history(reg)
    # The server acknowledged the first four dossiers of January (for the synced share).
    uids = [e.uid for code in ("early", "on_time", "late", "supplement")
            for e in reg.history(codes[code])]
    RegisterSyncStore(reg).mark_acked(uids, "2026-01-31T00:00:00.000000Z")
    yield reg, codes
    reg.close()


def by_key(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["key"]: r for r in rows}


# --------------------------------------------------------------------------- the history


def test_the_register_sets_the_appointments_counted_by_hand(history: Any) -> None:
    reg, c = history
    due = {k: reg.get(v).due_at for k, v in c.items()}
    assert due["carried"] == at(1, 6, 17)  # across the New Year days off
    assert due["late"] == at(1, 10, 17)  # the make-up Saturday counts
    assert due["supplement"] == at(1, 16, 17)
    assert due["twice"] == at(1, 19, 17)
    assert due["transfer"] == at(1, 20, 17)
    assert reg.get(c["tet_late"]).appointment_at == at(2, 24, 17)  # across Tết
    assert due["tet_late"] == at(2, 26, 17)
    assert due["tet_early"] == at(2, 25, 17)
    assert due["overdue"] == at(3, 26, 17)
    assert due["not_due"] == at(4, 1, 17)
    assert reg.get(c["refused"]).fee_amount == 2_000


def test_the_fold_agrees_with_the_registers_own_projection(history: Any) -> None:
    reg, _ = history
    cache = R.FactsCache(reg)
    cache.refresh()
    facts = list(cache.facts("all"))
    assert len(facts) == 16
    for f in facts:
        view = reg.get(f.uid)
        assert f.status == view.status
        assert f.due == (view.due_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if view.due_at else None)
        assert (f.finished is None) == (view.finished_at is None)
        assert f.judged in (None, "A", "B", "O")
        assert (f.judged == "A") == (view.late and view.finished_at is not None)


# --------------------------------------------------------------------------- (a) handling


def test_the_handling_report_matches_the_hand_count(history: Any) -> None:
    reg, _ = history
    data = report_data(R.compute(reg, "handling", Q1))
    total = data["total"]
    expected = {
        "carried_over": 1, "received": 15, "received_in_person": 13, "received_online": 1,
        "received_post": 1, "to_handle": 16, "processed": 11, "processed_before": 4,
        "processed_on": 4, "processed_after": 3, "refused": 1, "withdrawn": 1, "stopped": 1,
        "in_processing": 2, "in_processing_not_due": 1, "in_processing_overdue": 1,
        "supplement_requested": 2, "second_supplement": 1, "returned": 8,
    }
    assert {k: total[k] for k in expected} == expected
    assert total["on_time_share"] == pytest.approx(8 / 11)
    # It balances: carried over + received = ended + still open.
    assert total["to_handle"] == (total["processed"] + total["refused"] + total["withdrawn"]
                                  + total["stopped"] + total["in_processing"])
    fields = by_key(data["by_field"])
    assert set(fields) == {"HO_TICH", "CHUNG_THUC", "HO_KINH_DOANH"}
    assert fields["HO_TICH"]["label"] == "Hộ tịch"
    ho_tich = {k: fields["HO_TICH"][k] for k in (
        "carried_over", "received", "processed", "processed_before", "processed_on",
        "processed_after", "in_processing_overdue", "supplement_requested", "returned")}
    assert ho_tich == {"carried_over": 1, "received": 9, "processed": 9, "processed_before": 4,
                       "processed_on": 2, "processed_after": 3, "in_processing_overdue": 1,
                       "supplement_requested": 2, "returned": 6}
    chung_thuc = fields["CHUNG_THUC"]
    assert (chung_thuc["received"], chung_thuc["received_online"], chung_thuc["processed_on"],
            chung_thuc["refused"], chung_thuc["withdrawn"], chung_thuc["stopped"],
            chung_thuc["in_processing_not_due"]) == (5, 1, 1, 1, 1, 1, 1)
    hkd = fields["HO_KINH_DOANH"]
    assert (hkd["received_post"], hkd["processed_on"], hkd["returned"]) == (1, 1, 1)
    procs = by_key(data["by_procedure"])
    marital = procs["marital_status_confirmation"]
    assert (marital["carried_over"], marital["received"], marital["processed_before"],
            marital["processed_on"], marital["processed_after"],
            marital["in_processing_overdue"]) == (1, 5, 3, 1, 1, 1)
    assert sum(p["to_handle"] for p in procs.values()) == 16


def test_a_month_with_tet_counts_only_its_own_dossiers(history: Any) -> None:
    reg, _ = history
    data = report_data(R.compute(reg, "handling", ReportParams(date(2026, 2, 1),
                                                               date(2026, 2, 28))))
    t = data["total"]
    assert (t["carried_over"], t["received"], t["processed_before"], t["processed_after"],
            t["returned"], t["in_processing"]) == (0, 2, 1, 1, 1, 0)


def test_filters_keep_a_field_a_procedure_or_an_officers_dossiers(history: Any) -> None:
    reg, _ = history
    marital = report_data(R.compute(reg, "handling", ReportParams(
        Q1.date_from, Q1.date_to, procedure="marital_status_confirmation")))["total"]
    assert (marital["carried_over"], marital["received"], marital["processed"],
            marital["in_processing_overdue"]) == (1, 5, 5, 1)
    lan = report_data(R.compute(reg, "handling", ReportParams(
        Q1.date_from, Q1.date_to, officer="tn.lan")))["total"]
    assert (lan["received"], lan["processed_on"], lan["processed_after"],
            lan["returned"]) == (2, 1, 1, 2)
    field = report_data(R.compute(reg, "handling", ReportParams(
        Q1.date_from, Q1.date_to, field="CHUNG_THUC")))["total"]
    assert field["to_handle"] == 5 and field["withdrawn"] == 1


# --------------------------------------------------------------------------- (b) late


def test_the_late_list_names_the_deadline_the_holder_and_the_apology(history: Any) -> None:
    reg, c = history
    report = R.compute(reg, "late", Q1)
    assert report.days_unit == "working_days"
    rows = {r.code: r for r in report.rows}
    assert [r.code for r in report.rows] == [c["late"], c["twice"], c["tet_late"],
                                             c["overdue"]]
    late = rows[c["late"]]
    assert (late.days_late, late.holding_unit, late.holding_officer,
            late.apology_issued) == (1, TU_PHAP, "tp.duc", False)
    assert late.finished_at is not None and late.appointment_at == late.due_at
    twice = rows[c["twice"]]
    assert (twice.days_late, twice.second_supplement, twice.holding_officer) == (0, True,
                                                                                 "tp.duc")
    tet = rows[c["tet_late"]]
    assert (tet.days_late, tet.apology_issued, tet.apology_in_time) == (1, True, True)
    assert tet.new_due_at == tet.due_at == "2026-02-26T10:00:00.000000Z"
    assert tet.appointment_at == "2026-02-24T10:00:00.000000Z"
    assert tet.apology_at == "2026-02-23T03:00:00.000000Z"
    overdue = rows[c["overdue"]]
    # Open at the end of March: Fri 27, Mon 30, Tue 31 → 3 working days; nobody took it up
    # after the hand-over, so the officer who handed it over is named.
    assert (overdue.finished_at, overdue.days_late, overdue.holding_unit,
            overdue.holding_officer) == (None, 3, TU_PHAP, "tn.hoa")


def test_the_holder_follows_the_transfer_and_its_return(history: Any) -> None:
    reg, c = history
    f = fold_dossier([e.__dict__ | {"stream": c["transfer"],
                                    "occurred_at": e.occurred_at.strftime(
                                        "%Y-%m-%dT%H:%M:%S.%fZ")}
                      for e in reg.history(c["transfer"])])
    assert f is not None
    iso = "%Y-%m-%dT%H:%M:%S.%fZ"
    assert holder_at(f, at(1, 15, 9, 30).strftime(iso))[0] == "Bộ phận một cửa phường Hoàn Kiếm"
    assert holder_at(f, at(1, 15, 12).strftime(iso)) == (KINH_TE, "tp.duc")
    assert holder_at(f, at(1, 17).strftime(iso)) == (THUE, "tp.duc")
    assert holder_at(f, at(1, 19, 12).strftime(iso)) == (KINH_TE, "tp.duc")


# --------------------------------------------------------------------------- (c) index


def test_the_index_matches_the_hand_computed_shares_and_points(history: Any) -> None:
    reg, _ = history
    report = R.compute(reg, "index", Q1)
    t = report.total
    assert (t.judged, t.on_time, t.late, t.complained_or_dissatisfied) == (16, 12, 4, 1)
    assert (t.received, t.synced, t.online, t.paying, t.paid_online) == (15, 4, 1, 8, 1)
    assert (t.returned, t.returned_electronic) == (8, 2)
    assert (t.digitised, t.reused) == (8, 3)  # the 2025 receipt, digitised, is not in Q1
    ind = {i.code: i for i in t.indicators}
    expected = {  # value, points (max × min(1, value / full_at))
        "synced_share": (4 / 15, 6 * (4 / 15)),
        "on_time_share": (12 / 16, 20 * 0.75),
        "digitised_share": (8 / 15, 8 * (8 / 15) / 0.8),
        "reuse_share": (3 / 15, 7 * (3 / 15) / 0.8),
        "electronic_result_share": (2 / 8, 7 * 0.25 / 0.8),
        "online_share": (1 / 15, 12 * (1 / 15) / 0.5),
        "paid_online_share": (1 / 8, 10 * 0.125 / 0.5),
        "satisfaction": (1 - 4 / 16 - 1 / 16, 18 * 0.6875 / 0.9),
    }
    for code, (value, points) in expected.items():
        assert ind[code].value == pytest.approx(value), code
        assert ind[code].points == pytest.approx(points), code
    assert (ind["digitised_share"].numerator, ind["digitised_share"].denominator) == (8, 15)
    assert (ind["reuse_share"].numerator, ind["reuse_share"].denominator) == (3, 15)
    assert t.points == pytest.approx(1.6 + 15 + 16 / 3 + 2.1875 + 1.75 + 1.6 + 2.5 + 13.75)
    assert t.points_available == 6 + 20 + 8 + 7 + 7 + 12 + 10 + 18
    months = {m.label: m for m in report.months}
    assert list(months) == ["2026-01", "2026-02", "2026-03"]
    jan, feb, mar = months["2026-01"], months["2026-02"], months["2026-03"]
    assert (jan.judged, jan.late, jan.received, jan.synced, jan.returned,
            jan.returned_electronic, jan.paying, jan.paid_online) == (12, 2, 11, 4, 7, 2, 6, 1)
    assert (feb.judged, feb.late, feb.received, feb.returned, feb.paying) == (2, 1, 2, 1, 1)
    assert (mar.judged, mar.late, mar.received, mar.returned, mar.paying) == (2, 1, 2, 0, 1)
    assert [(m.digitised, m.reused) for m in (jan, feb, mar)] == [(6, 2), (1, 1), (1, 0)]
    assert {i.code: i for i in mar.indicators}["electronic_result_share"].value is None


def test_the_index_thresholds_are_versioned_data() -> None:
    rules = IndexRules.load()
    assert rules.version == "766-2022.1"
    assert sum(g[2] for g in rules.groups) == 100
    assert rules.points("online_share", 0.5) == 12 and rules.points("online_share", 0.9) == 12
    assert rules.points("online_share", 0.25) == pytest.approx(6)
    assert rules.points("satisfaction", 0.9) == 18
    assert rules.points("digitised_share", None) is None


# --------------------------------------------------------------------------- (d), (e)


def test_ratings_count_for_the_officer_who_returned_the_result(history: Any) -> None:
    reg, c = history
    data = report_data(R.compute(reg, "satisfaction", Q1))
    t = data["total"]
    assert (t["very_satisfied"], t["satisfied"], t["neutral"], t["dissatisfied"], t["rated"],
            t["complaints"]) == (1, 1, 1, 1, 4, 1)
    assert t["satisfied_share"] == pytest.approx(0.5)
    officers = by_key(data["by_officer"])
    assert (officers["tn.hoa"]["very_satisfied"], officers["tn.hoa"]["neutral"]) == (1, 1)
    assert (officers["tn.lan"]["satisfied"], officers["tn.lan"]["dissatisfied"],
            officers["tn.lan"]["complaints"]) == (1, 1, 1)
    procs = by_key(data["by_procedure"])
    assert (procs["guardianship_registration"]["rated"],
            procs["guardianship_registration"]["satisfied_share"]) == (2, 0.0)
    only = report_data(R.compute(reg, "satisfaction", ReportParams(
        Q1.date_from, Q1.date_to, procedure="guardianship_registration")))
    assert (only["total"]["rated"], only["total"]["complaints"]) == (2, 1)
    [complaint] = data["complaints"]
    assert (complaint["code"], complaint["officer"], complaint["content"]) == (
        c["late"], "tn.lan", "Giải quyết chậm so với giấy hẹn")


def test_fees_reconcile_receipts_and_payments_by_procedure_and_day(history: Any) -> None:
    reg, _ = history
    data = report_data(R.compute(reg, "fees", Q1))
    t = data["total"]
    assert (t["receipts"], t["receipts_with_fee"], t["fee_on_receipts"], t["paid_on_receipt"],
            t["later_payments"], t["later_amount"], t["online_amount"], t["collected"],
            t["exempt"]) == (15, 10, 290_000, 198_000, 2, 130_000, 100_000, 328_000, 1)
    assert data["reconciled"] is True
    procs = by_key(data["by_procedure"])
    m = procs["marital_status_confirmation"]
    assert (m["receipts"], m["receipts_with_fee"], m["fee_on_receipts"], m["paid_on_receipt"],
            m["later_amount"], m["collected"], m["exempt"]) == (5, 4, 120_000, 90_000, 30_000,
                                                                120_000, 1)
    assert (procs["household_business_registration"]["online_amount"],
            procs["contract_certification"]["collected"]) == (100_000, 100_000)
    days = by_key(data["by_day"])
    assert (days["2026-01-14"]["receipts"], days["2026-01-14"]["fee_on_receipts"],
            days["2026-01-14"]["later_amount"], days["2026-01-14"]["collected"]) == (
        1, 10_000, 30_000, 30_000)
    assert sum(d["collected"] for d in days.values()) == t["collected"]
    assert data["exemptions"] == [{
        "procedure": "marital_status_confirmation",
        "procedure_name": "Cấp Giấy xác nhận tình trạng hôn nhân", "exemption": "poor_household",
        "exemption_name": "Người thuộc hộ nghèo", "dossiers": 1}]


# --------------------------------------------------------------------------- the board


def test_the_public_board_lists_overdue_dossiers_with_masked_names(history: Any,
                                                                   clock: FixedClock) -> None:
    reg, c = history
    rows = R.board_rows(reg, now=at(3, 31, 10))
    assert [r.code for r in rows] == [c["overdue"]]
    row = rows[0]
    assert (row.applicant, row.id_number, row.holding_unit, row.days_late) == (
        "Tạ V. S.", "*********345", TU_PHAP, 3)
    assert mask_name("Lê Thị Ánh Tuyết") == "Lê T. Á. T." and mask_id(None) == ""


# --------------------------------------------------------------------------- the cache


def test_the_cache_folds_only_new_events_and_rebuilds_after_a_restore(history: Any,
                                                                      clock: FixedClock) -> None:
    reg, c = history
    cache = R.FactsCache(reg)
    assert cache.refresh().dossiers == 16
    assert cache.refresh().dossiers == 0
    reg.process(c["overdue"], "approved", "tp.duc", at=at(4, 2))  # open → grouped
    reg.complain(c["early"], "Thái độ", "tn.hoa", at=at(4, 3))  # grouped → its own row
    stats = cache.refresh()
    assert (stats.rebuilt, stats.dossiers) == (False, 2)
    assert cache.verify() == []
    import sqlite3

    con = sqlite3.connect(cache.path)
    con.execute("UPDATE meta SET value = 'x' WHERE key = 'uid'")  # a restored register
    con.commit()
    con.close()
    stats = cache.refresh()
    assert stats.rebuilt and stats.dossiers == 16
    assert cache.verify() == []
    assert R.compute(reg, "handling", ReportParams(date(2026, 4, 1), date(2026, 4, 14))
                     ).total.processed_after == 1
    con = sqlite3.connect(cache.path)
    con.execute("UPDATE hot SET judged = 'B' WHERE judged = 'A'")  # a cache gone wrong
    con.execute("UPDATE agg SET n = n + 1")
    con.commit()
    con.close()
    # The three late dossiers with rows of their own, and the grouped counts.
    assert len(cache.verify()) == 4 and cache.verify()[-1] == "(agg)"


@pytest.fixture(scope="module")
def demo_register(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Register]:
    from desktop.demo import fill_demo

    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MOTCUA_HOME", str(folder))
        reg = open_register(folder / "register.sqlite3",
                            FixedClock(local_time(2026, 11, 20, 10, 0)), auto_backup=False)
        fill_demo(reg, 250, seed=11)
        yield reg
        reg.close()


@pytest.mark.parametrize("period", [((2026, 1, 1), (2026, 10, 31)), ((2024, 1, 1), (2026, 11, 20)),
                                    ((2025, 3, 1), (2025, 3, 31)), ((2026, 9, 5), (2026, 11, 2))])
def test_the_grouped_cache_gives_the_figures_of_every_dossiers_own_facts(
        demo_register: Register, period: Any) -> None:
    """The cache groups alike finished dossiers for speed: it must never change a figure."""
    from reports import compute_handling, compute_index

    cache = R.FactsCache(demo_register)
    cache.refresh()
    assert cache.verify() == []
    params = ReportParams(date(*period[0]), date(*period[1]))
    labels = R.labels_of(demo_register)
    rules = IndexRules.load()
    for as_of in ("2026-11-21T03:00:00.000000Z", "2025-03-10T05:30:00.000000Z",
                  "2026-10-01T08:00:00.000000Z"):
        assert report_data(compute_handling(cache.facts("all"), params, labels, as_of=as_of)
                           ) == report_data(compute_handling(cache.facts("handling", params),
                                                             params, labels, as_of=as_of))
        assert report_data(compute_index(cache.facts("all"), params, rules, as_of=as_of)
                           ) == report_data(compute_index(cache.facts("index", params), params,
                                                          rules, as_of=as_of))


# --------------------------------------------------------------------------- outputs


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


@pytest.mark.parametrize("kind", ["handling", "late", "index", "satisfaction", "fees"])
def test_every_report_prints_on_a4_with_page_numbers_and_the_heads_signature(
        history: Any, kind: str, tmp_path: Path) -> None:
    reg, c = history
    report = R.compute(reg, kind, Q1)
    text = _pdf_text(report_bytes(reg, report, "pdf", signer_name="Nguyễn Văn Quản"),
                     tmp_path)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Từ ngày 01/01/2026 đến ngày 31/03/2026" in text
    assert "Trang 1/" in text and "THỦ TRƯỞNG CƠ QUAN" in text and "Nguyễn Văn Quản" in text
    expected = {"handling": ["TÌNH HÌNH TIẾP NHẬN VÀ GIẢI QUYẾT", "Hộ tịch", "72,7%"],
                "late": [c["tet_late"], "Tư pháp", "Vũ Minh Đức", "ngày làm việc"],
                "index": ["QUYẾT ĐỊNH 766", "75,0%", "15,00"],
                "satisfaction": ["Lê Thị Lan", "Giải quyết chậm so với giấy hẹn"],
                "fees": ["328.000", "Khớp"]}[kind]
    for needle in expected:
        assert needle in text, needle


def test_a_long_table_repeats_its_header_on_every_page(home: Path, clock: FixedClock,
                                                       tmp_path: Path) -> None:
    reg = open_register(home / "register.sqlite3", clock, auto_backup=False)
    try:
        given = ("An", "Bình", "Cường", "Dũng", "Giang", "Hải")
        for i in range(60):
            code = receive(reg, "contract_certification", at(1, 5 + i % 20, 8 + i % 5),
                           f"Nguyễn Văn {given[i % 6]}")
            reg.process(code, "approved", "tp.duc", at=at(2, 2 + i % 20))
        text = _pdf_text(report_bytes(reg, R.compute(reg, "late", Q1), "pdf"), tmp_path)
    finally:
        reg.close()
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) >= 2
    assert all("Mã hồ sơ" in p for p in pages if p.strip())
    assert "Trang 2/" in text


@pytest.mark.parametrize("kind", ["handling", "late", "index", "satisfaction", "fees"])
def test_the_spreadsheet_reads_back_and_agrees_with_the_json(history: Any, kind: str) -> None:
    from openpyxl import load_workbook

    reg, _ = history
    report = R.compute(reg, kind, Q1)
    data = json.loads(report_bytes(reg, report, "json"))["data"]
    wb = load_workbook(BytesIO(report_bytes(reg, report, "xlsx")))
    tables = tabulate(report)
    assert wb.sheetnames == [t.sheet for t in tables] + ["Thông tin"]
    for table in tables:
        ws = wb[table.sheet]
        assert ws.freeze_panes == "A7"
        assert [ws.cell(6, i + 1).value for i in range(len(table.columns))] == [
            col.title for col in table.columns]
        for r, row in enumerate(table.rows, 7):
            for i, col in enumerate(table.columns):
                cell = ws.cell(r, i + 1)
                if col.kind in ("int", "money") and row[i] is not None:
                    assert cell.value == row[i] and cell.number_format == "#,##0"
                if col.kind == "share" and row[i] is not None:
                    assert cell.value == pytest.approx(row[i]) and cell.number_format == "0.0%"
    # The same figures as the JSON, read from the sheets.
    if kind == "handling":
        ws = wb["Theo thủ tục"]
        sheet = {ws.cell(r, 1).value: [ws.cell(r, c).value for c in range(3, 22)]
                 for r in range(8, ws.max_row + 1)}
        for row in data["by_procedure"]:
            assert sheet[row["key"]] == [row[k] for k in (
                "carried_over", "received", "received_in_person", "received_online",
                "received_post", "to_handle", "processed", "processed_before", "processed_on",
                "processed_after", "refused", "withdrawn", "stopped", "in_processing",
                "in_processing_not_due", "in_processing_overdue", "supplement_requested",
                "second_supplement", "returned")]
    elif kind == "late":
        ws = wb["Hồ sơ quá hạn"]
        assert [(ws.cell(r, 2).value, ws.cell(r, 9).value) for r in range(7, ws.max_row + 1)
                ] == [(x["code"], x["days_late"]) for x in data["rows"]]
    elif kind == "index":
        ws = wb["Theo tháng"]
        assert [(ws.cell(r, 1).value, ws.cell(r, 2).value, ws.cell(r, 4).value)
                for r in range(7, ws.max_row + 1)] == [
            (m["label"], m["judged"], m["late"]) for m in data["months"]]
        assert wb["Chỉ số"].cell(7, 7).value == pytest.approx(data["total"]["points"])
    elif kind == "satisfaction":
        ws = wb["Theo thủ tục"]
        assert ws.cell(7, 6).value == data["total"]["rated"]
    else:
        ws = wb["Theo ngày"]
        assert {ws.cell(r, 1).value.date().isoformat(): ws.cell(r, 9).value
                for r in range(8, ws.max_row + 1)} == {
            d["key"]: d["collected"] for d in data["by_day"]}


def test_motcua_report_writes_each_format_from_the_command_line(history: Any, home: Path
                                                                ) -> None:
    reg, _ = history
    reg.close()  # the command opens the register itself
    for fmt in ("json", "xlsx", "pdf"):
        out = home / f"handling.{fmt}"
        done = subprocess.run([*motcua_command(), "report", "handling", "--from", "2026-01-01",
                               "--to", "31/03/2026", "--format", fmt, "--out", str(out)],
                              capture_output=True, text=True, env=cli_env(home), timeout=120,
                              check=False)
        assert done.returncode == 0, done.stderr
        assert "Đã lập báo cáo handling" in done.stdout
        assert out.stat().st_size > 1000
    data = json.loads((home / "handling.json").read_text(encoding="utf-8"))
    assert data["format"] == "motcua-report/1" and data["data"]["total"]["to_handle"] == 16
    assert data["meta"]["officers"]["tn.lan"] == "Lê Thị Lan"
    bad = subprocess.run([*motcua_command(), "report", "handling", "--from", "2026-03-01",
                          "--to", "2026-01-01", "--out", str(home / "x.pdf")],
                         capture_output=True, text=True, env=cli_env(home), timeout=120,
                              check=False)
    assert bad.returncode == 2 and "Khoảng ngày không hợp lệ" in bad.stderr


# --------------------------------------------------------------------------- the server


@pytest.fixture
def srv(tmp_path: Path) -> Iterator[ServerProcess]:
    home = tmp_path / "server"
    process = ServerProcess(f"sqlite:///{home / 'server.sqlite3'}", home)
    process.start()
    yield process
    process.close_store()
    process.stop()


def test_the_servers_reports_agree_exactly_with_the_offices_own(
        srv: ServerProcess, home: Path, clock: FixedClock, credentials: Any,  # noqa: F811
        tmp_path: Path) -> None:
    from sync.client import HttpTransport, RetryPolicy, SyncEngine, enroll

    office = srv.add_office(1, 70, "000.00.01.H29")
    reg = Register.open(home / "register.sqlite3", clock=clock, auto_backup=False)
    try:
        store = RegisterSyncStore(reg)
        transport = HttpTransport(srv.url)
        try:
            enroll(store, transport, credentials, srv.enroll_code(office), device_name="PC")
            build_history(reg)
            result = SyncEngine(store, transport, credentials, rng=random.Random(1),
                                policy=RetryPolicy(attempts=3, base_s=0.02, cap_s=0.1)
                                ).run_once()
        finally:
            transport.close()
        assert result.ok and result.pending == 0
        for kind in ("handling", "late", "index", "satisfaction", "fees"):
            mine = json.loads(report_bytes(reg, R.compute(reg, kind, Q1), "json"))
            out = tmp_path / f"{kind}.json"
            srv.admin("report", kind, "--office", office, "--from", "2026-01-01", "--to",
                      "2026-03-31", "--format", "json", "--out", out)
            theirs = json.loads(out.read_text(encoding="utf-8"))
            assert theirs["meta"]["source"] == "server"
            assert theirs["data"] == mine["data"], kind
        wide = tmp_path / "province.json"
        srv.admin("report", "handling", "--province", 1, "--from", "2026-01-01", "--to",
                  "2026-03-31", "--out", wide)
        data = json.loads(wide.read_text(encoding="utf-8"))["data"]
        assert [r["key"] for r in data["by_office"]] == [office]
        assert data["by_office"][0]["to_handle"] == data["total"]["to_handle"] == 16
        xlsx = tmp_path / "index.xlsx"
        srv.admin("report", "index", "--office", office, "--from", "2026-01-01", "--to",
                  "2026-03-31", "--format", "xlsx", "--out", xlsx)
        from openpyxl import load_workbook

        assert "Theo tháng" in load_workbook(xlsx).sheetnames
    finally:
        reg.close()
