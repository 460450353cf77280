"""Year-end closing of the books (khóa sổ): when the register allows it, and what it refuses."""

from __future__ import annotations

import pytest

from desktop.register.errors import TransitionError
from desktop.register.service import Register
from tests.conftest import FixedClock, local_time, table_counts


def test_a_book_is_not_closed_before_the_last_working_day_of_its_year(
        register: Register, clock: FixedClock) -> None:
    register.add_logbook_entry("XNHN", {"ho_ten": "Nguyễn Văn An"}, "hotich")
    counts = table_counts(register.path)
    with pytest.raises(TransitionError) as early:
        register.close_year("XNHN", 2026, "hotich")
    assert early.value.message_vi == (
        "Chưa hết năm 2026: Sổ cấp Giấy xác nhận tình trạng hôn nhân được khóa từ ngày làm "
        "việc cuối năm (31/12/2026).")
    assert table_counts(register.path) == counts
    clock.set(local_time(2026, 12, 31, 16, 30))
    assert [v.volume_no for v in register.volumes_to_close("XNHN", 2026)] == [1]
    [closed] = register.close_year("XNHN", 2026, "hotich")
    assert closed.closing is not None and closed.closing["entries"] == 1


def test_the_last_working_day_skips_a_weekend_at_the_end_of_the_year(
        register: Register, clock: FixedClock) -> None:
    clock.set(local_time(2027, 6, 1, 9))
    register.add_logbook_entry("XNHN", {"ho_ten": "Nguyễn Văn An"}, "hotich")
    clock.set(local_time(2027, 12, 30, 9))  # Thursday; 31/12/2027 is a Friday
    with pytest.raises(TransitionError) as early:
        register.volumes_to_close("XNHN", 2027)
    assert "(31/12/2027)" in early.value.message_vi
    clock.set(local_time(2028, 12, 29, 9))  # Friday; 30-31/12/2028 are Saturday and Sunday
    with pytest.raises(TransitionError) as nothing:
        register.volumes_to_close("XNHN", 2028)  # allowed in time, but nothing to close
    assert "không có quyển nào đang mở" in nothing.value.message_vi


def test_a_closed_year_is_not_closed_twice(register: Register, clock: FixedClock) -> None:
    register.add_logbook_entry("XNHN", {"ho_ten": "Nguyễn Văn An"}, "hotich")
    clock.set(local_time(2027, 1, 4, 8))
    register.close_year("XNHN", 2026, "hotich")
    events = table_counts(register.path)["events"]
    with pytest.raises(TransitionError) as twice:
        register.close_year("XNHN", 2026, "hotich")
    assert twice.value.message("en") == (
        "The XNHN book of 2026 has no open volume to close (already closed, or nothing was "
        "entered).")
    assert table_counts(register.path)["events"] == events
