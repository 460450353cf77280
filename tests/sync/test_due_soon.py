"""The one "due soon" rule: open dossiers due today that are not overdue; a dossier whose clock
stands still while the applicant supplements is due today only if its due instant is today."""

from __future__ import annotations

from datetime import datetime

from sync.lifecycle import LOCAL_TZ, is_due_soon, utc_text

MONDAY_9 = datetime(2026, 11, 30, 9, 0, tzinfo=LOCAL_TZ)


def at(day: int, hour: int) -> str:
    return utc_text(datetime(2026, 11, day, hour, 0, tzinfo=LOCAL_TZ))


def test_a_dossier_due_this_afternoon_is_due_soon() -> None:
    assert is_due_soon(at(30, 17), MONDAY_9)


def test_a_dossier_due_tomorrow_or_already_overdue_is_not_due_soon() -> None:
    assert not is_due_soon(utc_text(datetime(2026, 12, 1, 17, tzinfo=LOCAL_TZ)), MONDAY_9)
    assert not is_due_soon(at(27, 17), MONDAY_9)


def test_a_dossier_waiting_for_a_supplement_is_due_soon_only_on_its_due_day() -> None:
    # Due on Friday, supplement asked on Thursday: on Monday it is neither late nor due today.
    assert not is_due_soon(at(27, 17), MONDAY_9, paused_since=at(26, 10))
    # Due this afternoon, supplement asked this morning: still due today.
    assert is_due_soon(at(30, 17), MONDAY_9, paused_since=at(30, 8))
