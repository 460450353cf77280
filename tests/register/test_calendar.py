"""Tests of the working-day calendar: 2026–2027 holidays, the 15:00 cut-off and deadlines."""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.register.calendar import (
    CalendarOverride,
    OfficeHours,
    WorkingCalendar,
    load_overrides,
    load_overrides_dir,
)
from desktop.register.errors import ValidationError
from resources import resource_path

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkingCalendar(load_overrides_dir(resource_path("calendar")))


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN)


def assert_utc_equal(actual: datetime, expected: datetime) -> None:
    assert actual.utcoffset() == timedelta(0)
    assert actual == expected, f"{actual.astimezone(VN)} != {expected}"


# --- the shipped 2026 calendar ------------------------------------------------------------


def test_the_shipped_2026_calendar_is_the_civil_servants_calendar() -> None:
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(365)]
    weekdays_off = {d for d in days if d.weekday() < 5 and not CAL.is_working_day(d)}
    weekends_worked = {d for d in days if d.weekday() >= 5 and CAL.is_working_day(d)}
    expected_off = {date(2026, 1, 1), date(2026, 1, 2), date(2026, 4, 27), date(2026, 4, 30)}
    expected_off |= {date(2026, 2, d) for d in range(16, 21)}
    expected_off |= {date(2026, 5, 1), date(2026, 8, 31), date(2026, 9, 1), date(2026, 9, 2)}
    expected_off |= {date(2026, 11, 24)}
    assert weekdays_off == expected_off
    assert weekends_worked == {date(2026, 1, 10), date(2026, 8, 22)}


def test_the_shipped_override_file_loads_with_sources_and_nfc_text() -> None:
    overrides = load_overrides(resource_path("calendar", "vn-2026.json"))
    assert {(o.day, o.kind) for o in overrides} == {
        (date(2026, 1, 2), "off"),
        (date(2026, 1, 10), "work"),
        (date(2026, 8, 22), "work"),
    }
    for o in overrides:
        assert o.source and o.reason
        assert unicodedata.is_normalized("NFC", o.reason + o.source)


# --- New Year 2026 ------------------------------------------------------------------------


def test_new_year_2026_gives_thursday_and_swapped_friday_off() -> None:
    assert not CAL.is_working_day(date(2026, 1, 1))
    assert not CAL.is_working_day(date(2026, 1, 2))
    assert CAL.day_off_reason(date(2026, 1, 1)) == "Nghỉ Tết Dương lịch"
    assert CAL.day_off_reason(date(2026, 1, 2)).startswith("Nghỉ Tết Dương lịch (hoán đổi")


def test_saturday_10_january_2026_is_a_make_up_working_day() -> None:
    assert CAL.is_working_day(date(2026, 1, 10))
    assert CAL.day_off_reason(date(2026, 1, 10)) is None
    assert CAL.day_off_reason(date(2026, 1, 17)) == "Thứ Bảy"
    assert CAL.day_off_reason(date(2026, 1, 11)) == "Chủ nhật"


def test_three_working_days_from_new_years_eve_end_on_wednesday_7_january() -> None:
    # Thu 1 (holiday), Fri 2 (swapped), Sat 3, Sun 4 off; Mon 5, Tue 6, Wed 7 are days 1–3.
    due = CAL.appointment(local(2025, 12, 31, 9, 0), 3, "working_days")
    assert_utc_equal(due, local(2026, 1, 7, 17, 0))


def test_three_working_days_from_thursday_8_january_count_the_make_up_saturday() -> None:
    due = CAL.appointment(local(2026, 1, 8, 9, 0), 3, "working_days")
    assert_utc_equal(due, local(2026, 1, 12, 17, 0))  # Fri 9, Sat 10, Mon 12


# --- Lunar New Year -----------------------------------------------------------------------


def test_tet_2026_next_working_day_after_friday_13_february_is_monday_23_february() -> None:
    assert CAL.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)
    assert CAL.day_off_reason(date(2026, 2, 17)) == "Nghỉ Tết Nguyên đán"
    assert CAL.day_off_reason(date(2026, 2, 16)) == "Nghỉ Tết Nguyên đán"


def test_a_receipt_after_cutoff_on_friday_13_february_2026_counts_from_23_february() -> None:
    assert_utc_equal(CAL.effective_receipt(local(2026, 2, 13, 16, 0)), local(2026, 2, 23, 7, 30))


def test_tet_2027_comes_from_the_package_around_saturday_6_february() -> None:
    assert CAL.day_off_reason(date(2027, 2, 6)) == "Nghỉ Tết Nguyên đán"
    worked = [x for x in range(3, 12) if CAL.is_working_day(date(2027, 2, x))]
    assert worked == [3, 11]  # off Thu 4 – Wed 10 February 2027
    assert CAL.next_working_day(date(2027, 2, 3)) == date(2027, 2, 11)


# --- 30/4–1/5, 2/9 and 24/11 of 2026 --------------------------------------------------------


def test_hung_kings_and_reunification_days_2026_are_off() -> None:
    assert not CAL.is_working_day(date(2026, 4, 27))
    assert CAL.day_off_reason(date(2026, 4, 27)) == "Nghỉ Giỗ Tổ Hùng Vương (nghỉ bù)"
    assert not CAL.is_working_day(date(2026, 4, 30))
    assert not CAL.is_working_day(date(2026, 5, 1))
    due = CAL.appointment(local(2026, 4, 29, 9, 0), 1, "working_days")
    assert_utc_equal(due, local(2026, 5, 4, 17, 0))


def test_national_day_2026_is_off_29_august_to_2_september() -> None:
    assert not any(CAL.is_working_day(date(2026, 8, 29) + timedelta(days=i)) for i in range(5))
    assert CAL.day_off_reason(date(2026, 8, 31)) == "Nghỉ hoán đổi (làm bù ngày 22/08/2026)"
    assert CAL.day_off_reason(date(2026, 9, 2)) == "Nghỉ lễ Quốc khánh"
    due = CAL.appointment(local(2026, 8, 28, 10, 0), 2, "working_days")
    assert_utc_equal(due, local(2026, 9, 4, 17, 0))  # Thu 3, Fri 4


def test_saturday_22_august_2026_is_worked_and_takes_friday_afternoon_receipts() -> None:
    assert CAL.is_working_day(date(2026, 8, 22))
    assert_utc_equal(CAL.effective_receipt(local(2026, 8, 21, 16, 0)), local(2026, 8, 22, 7, 30))


def test_culture_day_24_november_2026_is_off_but_monday_23_november_is_worked() -> None:
    assert CAL.is_working_day(date(2026, 11, 23))
    assert not CAL.is_working_day(date(2026, 11, 24))
    assert CAL.day_off_reason(date(2026, 11, 24)) == "Nghỉ Ngày Văn hóa Việt Nam"
    assert CAL.next_working_day(date(2026, 11, 23)) == date(2026, 11, 25)


# --- the 15:00 cut-off and receipts on days off ---------------------------------------------


def test_a_same_day_procedure_received_at_1459_is_due_the_same_evening() -> None:
    due = CAL.appointment(local(2026, 3, 9, 14, 59), 0, "same_day")
    assert_utc_equal(due, local(2026, 3, 9, 17, 0))


def test_a_same_day_procedure_received_at_1501_is_due_the_next_working_day() -> None:
    due = CAL.appointment(local(2026, 3, 9, 15, 1), 0, "same_day")
    assert_utc_equal(due, local(2026, 3, 10, 17, 0))


def test_a_receipt_at_exactly_1500_is_not_after_the_cutoff() -> None:
    assert_utc_equal(CAL.effective_receipt(local(2026, 3, 9, 15, 0)), local(2026, 3, 9, 15, 0))


def test_a_receipt_given_in_utc_is_judged_by_local_time() -> None:
    # 08:30 UTC is 15:30 in Hà Nội: after the cut-off.
    received = datetime(2026, 3, 9, 8, 30, tzinfo=UTC)
    assert_utc_equal(CAL.effective_receipt(received), local(2026, 3, 10, 7, 30))


@pytest.mark.parametrize("day", [7, 8])
def test_a_receipt_on_saturday_or_sunday_counts_from_monday_morning(day: int) -> None:
    assert_utc_equal(CAL.effective_receipt(local(2026, 3, day, 10, 0)), local(2026, 3, 9, 7, 30))
    due = CAL.appointment(local(2026, 3, day, 10, 0), 0, "same_day")
    assert_utc_equal(due, local(2026, 3, 9, 17, 0))


def test_a_naive_receipt_time_is_refused() -> None:
    with pytest.raises(ValidationError) as err:
        CAL.effective_receipt(datetime(2026, 3, 9, 10, 0))
    assert err.value.field == "received_at"


# --- working hours --------------------------------------------------------------------------


def test_working_hours_skip_the_lunch_break() -> None:
    due = CAL.appointment(local(2026, 3, 9, 10, 0), 2, "working_hours")
    assert_utc_equal(due, local(2026, 3, 9, 14, 0))  # 1.5 h to 11:30, 0.5 h from 13:30


def test_working_hours_ending_at_noon_stop_at_the_end_of_the_morning() -> None:
    due = CAL.appointment(local(2026, 3, 9, 9, 30), 2, "working_hours")
    assert_utc_equal(due, local(2026, 3, 9, 11, 30))


def test_working_hours_carry_over_night() -> None:
    due = CAL.appointment(local(2026, 3, 9, 14, 0), 8, "working_hours")
    assert_utc_equal(due, local(2026, 3, 10, 14, 30))  # 3 h Mon, 4 h Tue morning, 1 h after lunch


def test_working_hours_carry_over_a_weekend_and_tet() -> None:
    due = CAL.appointment(local(2026, 3, 13, 14, 0), 4, "working_hours")
    assert_utc_equal(due, local(2026, 3, 16, 8, 30))
    due = CAL.appointment(local(2026, 2, 13, 14, 0), 4, "working_hours")
    assert_utc_equal(due, local(2026, 2, 23, 8, 30))


def test_working_hours_received_after_cutoff_start_next_morning() -> None:
    due = CAL.appointment(local(2026, 3, 9, 16, 0), 2, "working_hours")
    assert_utc_equal(due, local(2026, 3, 10, 9, 30))


def test_an_unknown_unit_or_negative_amount_is_refused() -> None:
    with pytest.raises(ValidationError):
        CAL.appointment(local(2026, 3, 9, 9), 1, "weeks")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        CAL.appointment(local(2026, 3, 9, 9), -1, "working_days")


# --- supplement pauses and lateness ---------------------------------------------------------


def test_a_pause_across_a_weekend_moves_the_appointment_by_its_working_days() -> None:
    # Paused Thu 5 → Tue 10 March: Fri 6, Mon 9, Tue 10 do not count.
    due = CAL.shift_for_pause(local(2026, 3, 11, 17), local(2026, 3, 5, 10), local(2026, 3, 10, 9))
    assert_utc_equal(due, local(2026, 3, 16, 17, 0))  # Thu 12, Fri 13, Mon 16


def test_a_pause_across_the_april_holidays_counts_only_working_days() -> None:
    # Paused Tue 28 April → Mon 4 May: only Wed 29 April and Mon 4 May are working days.
    due = CAL.shift_for_pause(local(2026, 5, 4, 17), local(2026, 4, 28, 9), local(2026, 5, 4, 8))
    assert_utc_equal(due, local(2026, 5, 6, 17, 0))


def test_a_pause_within_one_day_changes_nothing() -> None:
    due = local(2026, 3, 11, 17)
    assert CAL.shift_for_pause(due, local(2026, 3, 9, 9), local(2026, 3, 9, 16)) == due


def test_a_pause_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationError):
        CAL.shift_for_pause(local(2026, 3, 11, 17), local(2026, 3, 9, 9), local(2026, 3, 6, 9))


def test_a_dossier_finished_on_time_is_not_late() -> None:
    assert CAL.working_days_late(local(2026, 3, 11, 17), local(2026, 3, 11, 16, 59)) == 0


def test_lateness_counts_working_days_after_the_due_date() -> None:
    assert CAL.working_days_late(local(2026, 4, 29, 17), local(2026, 5, 4, 10)) == 1
    assert CAL.working_days_late(local(2026, 3, 13, 17), local(2026, 3, 17, 9)) == 2


# --- overrides ------------------------------------------------------------------------------


def test_an_override_wins_over_the_package_and_the_weekend() -> None:
    cal = WorkingCalendar(
        [
            CalendarOverride(date(2026, 9, 2), "work", "Trực lễ", "test"),
            CalendarOverride(date(2026, 11, 23), "off", "Nghỉ bù do tỉnh quyết định", "test"),
            CalendarOverride(date(2026, 3, 8), "work", "Làm bù Chủ nhật", "test"),
        ]
    )
    assert cal.is_working_day(date(2026, 9, 2))
    assert cal.day_off_reason(date(2026, 9, 2)) is None
    assert not cal.is_working_day(date(2026, 11, 23))
    assert cal.day_off_reason(date(2026, 11, 23)) == "Nghỉ bù do tỉnh quyết định"
    assert cal.is_working_day(date(2026, 3, 8))


def test_without_overrides_the_package_alone_lacks_the_new_year_swap() -> None:
    cal = WorkingCalendar()
    assert cal.is_working_day(date(2026, 1, 2))
    assert not cal.is_working_day(date(2026, 1, 10))


def test_conflicting_overrides_for_one_day_are_refused() -> None:
    with pytest.raises(ValidationError, match="mâu thuẫn"):
        WorkingCalendar(
            [
                CalendarOverride(date(2026, 1, 2), "off", "a", "x"),
                CalendarOverride(date(2026, 1, 2), "work", "b", "y"),
            ]
        )


def _write(tmp_path: Path, data: object, name: str = "vn-2099.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _entry(**changes: object) -> dict[str, object]:
    entry: dict[str, object] = {"date": "2099-01-02", "kind": "off", "reason": "Nghỉ"}
    return {**entry, "source": "QĐ", **changes}


@pytest.mark.parametrize(
    ("entry", "fragment"),
    [
        (_entry(kind="holiday"), 'loại ngày "holiday" không hợp lệ'),
        (_entry(date="02/01/2099"), "ngày phải có dạng NNNN-TT-NN"),
        (_entry(date="2099-02-30"), "ngày phải có dạng NNNN-TT-NN"),
        (_entry(reason=""), "thiếu lý do"),
        ("2099-01-02", "mục phải là một đối tượng JSON"),
    ],
)
def test_load_overrides_rejects_a_bad_entry_naming_it_in_vietnamese(
    tmp_path: Path, entry: object, fragment: str
) -> None:
    path = _write(tmp_path, {"version": "1", "source": "QĐ", "overrides": [_entry(), entry]})
    with pytest.raises(ValidationError) as err:
        load_overrides(path)
    assert "vn-2099.json, mục số 2" in err.value.message_vi
    assert fragment in err.value.message_vi
    assert err.value.message_en != err.value.message_vi


def test_load_overrides_rejects_a_file_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "vn-2099.json"
    path.write_text("{ not json", encoding="utf-8")
    with pytest.raises(ValidationError, match="không phải JSON hợp lệ"):
        load_overrides(path)


def test_load_overrides_rejects_a_file_without_overrides_or_version(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match='thiếu danh sách "overrides"'):
        load_overrides(_write(tmp_path, {"version": "1"}))
    with pytest.raises(ValidationError, match='thiếu "version"'):
        load_overrides(_write(tmp_path, {"overrides": []}))


def test_an_entry_without_source_inherits_the_files_source(tmp_path: Path) -> None:
    entry = _entry()
    del entry["source"]
    path = _write(tmp_path, {"version": "1", "source": "Công văn 1/UBND", "overrides": [entry]})
    expected = CalendarOverride(date(2099, 1, 2), "off", "Nghỉ", "Công văn 1/UBND")
    assert load_overrides(path) == [expected]


def test_several_yearly_files_load_together_in_name_order(tmp_path: Path) -> None:
    _write(tmp_path, {"version": "1", "overrides": [_entry(date="2099-01-02")]}, "vn-2099.json")
    _write(tmp_path, {"version": "1", "overrides": [_entry(date="2098-01-02")]}, "vn-2098.json")
    days = [o.day for o in load_overrides_dir(tmp_path)]
    assert days == [date(2098, 1, 2), date(2099, 1, 2)]


# --- office hours ---------------------------------------------------------------------------


def test_office_hours_out_of_order_are_refused() -> None:
    with pytest.raises(ValidationError):
        OfficeHours(morning_start=time(12, 0))
    with pytest.raises(ValidationError):
        OfficeHours(cutoff=time(18, 0))


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(d=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), n=st.integers(0, 60))
def test_adding_n_working_days_lands_on_a_working_day_n_working_days_later(d: date, n: int) -> None:
    result = CAL.add_working_days(d, n)
    if n > 0:
        assert CAL.is_working_day(result)
    else:
        assert result == d
    assert CAL.working_days_between(d, result) == n
    assert CAL.working_days_between(result, d) == -n


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValidationError) as err:
        WorkingCalendar(tz="Asia/Nowhere")
    assert err.value.field == "tz"
