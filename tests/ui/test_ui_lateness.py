"""The list's row colours, the home screen's counts and the dossier window's status colour all
follow sync.lifecycle's one rule of lateness: a dossier waiting for a supplement asked before
its due date is not late, a second request makes it late, a dossier due today is due soon."""

from __future__ import annotations

from typing import Any

from desktop.ui.qt import Qt
from desktop.ui.widgets import DUE_TODAY_BG, OK_FG, OVERDUE_BG, OVERDUE_FG
from sync.lifecycle import Status
from tests.conftest import local_time, wait_ops
from tests.ui.test_ui_dossier import open_window
from tests.ui.test_ui_list import main_window


def _receive(register: Any, make_input: Any, name: str) -> Any:
    # A certified copy is due on the day it is received, at 17:00.
    return register.receive(make_input("certified_copy", name=name), "tn.hoa")


def test_list_rows_home_counts_and_status_colour_follow_the_one_rule(
        qtbot: Any, make_ctx: Any, register: Any, make_input: Any, clock: Any) -> None:
    clock.set(local_time(2026, 11, 13, 9, 0))  # Friday
    overdue = _receive(register, make_input, "Nguyễn Văn Quá")
    waiting = _receive(register, make_input, "Trần Thị Chờ")
    clock.set(local_time(2026, 11, 13, 10, 0))  # asked before its due date (17:00)
    register.request_supplement(waiting.code, ["Bản chính"], "Thiếu", "tn.hoa")
    clock.set(local_time(2026, 11, 16, 9, 0))  # Monday: both are past their due date
    due_today = _receive(register, make_input, "Lê Văn Hôm")
    forced = _receive(register, make_input, "Phạm Thị Hai")
    register.request_supplement(forced.code, ["Tờ khai"], "Thiếu", "tn.hoa")
    register.receive_supplement(forced.code, "tn.hoa")
    register.request_supplement(forced.code, ["Giấy tờ"], "Mờ", "tn.hoa",
                                second_request_reason="Bản chụp không đọc được")
    assert register.get(forced.code).status == Status.SUPPLEMENT

    window = main_window(qtbot, make_ctx("tn.hoa"))
    window.go_list()
    wait_ops(qtbot)
    model = window.list_page.model
    assert model.rowCount() == 4
    painted = {row.code: model.data(model.index(i, 0), Qt.ItemDataRole.BackgroundRole)
               for i, row in enumerate(model.rows)}
    assert painted[overdue.code] == OVERDUE_BG
    assert painted[forced.code] == OVERDUE_BG, "a second supplement request makes it late"
    assert painted[due_today.code] == DUE_TODAY_BG
    assert painted[waiting.code] != OVERDUE_BG, "the clock stands still while supplementing"
    due_column = {row.code: model.data(model.index(i, 6), Qt.ItemDataRole.ForegroundRole)
                  for i, row in enumerate(model.rows)}
    assert due_column[waiting.code] != OVERDUE_FG
    assert due_column[overdue.code] == OVERDUE_FG

    # Home counts with the same rule, in SQL: as many overdue and due today as painted.
    tiles = window.home.tiles
    late_rows = sum(1 for c in painted.values() if c == OVERDUE_BG)
    soon_rows = sum(1 for c in painted.values() if c == DUE_TODAY_BG)
    assert tiles["overdue"].count == late_rows == 2
    assert tiles["due_today"].count == soon_rows
    # ... and the list behind the overdue tile holds exactly the rows painted late.
    window.home.tiles["overdue"].click()
    wait_ops(qtbot)
    assert {r.code for r in window.home.model.rows} == {overdue.code, forced.code}

    # The dossier window: not late while waiting, and amber, not green.
    opened = open_window(qtbot, make_ctx("tn.hoa"), waiting.code)
    assert opened.view is not None and not opened.view.late
    style = opened.status_label.styleSheet()
    assert OK_FG.name() not in style and OVERDUE_FG.name() not in style
    assert "trễ hạn" not in opened.status_label.text()
    late_window = open_window(qtbot, make_ctx("tn.hoa"), overdue.code)
    assert OVERDUE_FG.name() in late_window.status_label.styleSheet()
    assert late_window.status_label.text().endswith("trễ hạn")
    opened.close()
    late_window.close()
    window.close()


def test_green_is_for_a_result_only(qtbot: Any, make_ctx: Any, register: Any,
                                    make_input: Any) -> None:
    received = _receive(register, make_input, "Nguyễn Văn Xong")
    ctx = make_ctx("admin")
    window = open_window(qtbot, ctx, received.code)
    assert OK_FG.name() not in window.status_label.styleSheet(), "received is not done"
    register.process(received.code, "approved", "admin")
    qtbot.waitUntil(lambda: OK_FG.name() in window.status_label.styleSheet(), timeout=10_000)
    window.close()
