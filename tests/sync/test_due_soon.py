"""The one "due soon" rule: today's open dossiers that are not overdue, never one whose clock
stands still while the applicant supplements."""

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


def test_a_dossier_waiting_for_a_supplement_is_never_due_soon() -> None:
    # Due on Friday, supplement asked on Thursday: on Monday it is neither late nor due today.
    assert not is_due_soon(at(27, 17), MONDAY_9, paused_since=at(26, 10))
    # Even when its (standing) due instant is later today.
    assert not is_due_soon(at(30, 17), MONDAY_9, paused_since=at(30, 8))
