"""The dossier list fetches pages on demand; search by name without accents or by scanned code."""

from __future__ import annotations

from typing import Any

from desktop.register.queries import DossierFilter
from desktop.ui.dossier_list import DossierTableModel, looks_like_code
from desktop.ui.main_window import MainWindow
from desktop.ui.qt import QModelIndex, Qt
from desktop.ui.widgets import DUE_TODAY_BG, OVERDUE_BG
from sync.lifecycle import Status
from tests.conftest import wait_ops


def fill(register: Any, make_input: Any, n: int, name: str = "Nguyễn Văn Dũng") -> list[Any]:
    return register.receive_many([make_input("certified_copy", name=name) for _ in range(n)],
                                 "tn.hoa")


def main_window(qtbot: Any, ctx: Any) -> MainWindow:
    window = MainWindow(ctx.settings)
    qtbot.addWidget(window)
    window.set_context(ctx)
    window.show()
    wait_ops(qtbot)
    return window


def test_the_list_loads_one_page_at_a_time_never_all(qtbot: Any, qapp: Any, register: Any,
                                                     make_input: Any) -> None:
    fill(register, make_input, 250)
    model = DossierTableModel(register, lambda code: code, page_size=100)
    model.set_query(DossierFilter())
    wait_ops(qtbot)
    assert model.rowCount() == 100
    assert model.total == 250
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    wait_ops(qtbot)
    assert model.rowCount() == 200
    model.fetchMore(QModelIndex())
    wait_ops(qtbot)
    assert model.rowCount() == 250
    assert not model.canFetchMore(QModelIndex())


def test_scrolling_the_table_fetches_the_next_page(qtbot: Any, make_ctx: Any, register: Any,
                                                   make_input: Any) -> None:
    fill(register, make_input, 450)
    ctx = make_ctx("tn.hoa")
    window = main_window(qtbot, ctx)
    window.go_list()
    wait_ops(qtbot)
    table = window.list_page.table
    assert window.list_page.model.rowCount() == 200
    table.scrollToBottom()
    qtbot.waitUntil(lambda: window.list_page.model.rowCount() == 400, timeout=5000)
    assert "450" in window.list_page.count_label.text()


def test_searching_a_name_without_accents_finds_it(qtbot: Any, make_ctx: Any, register: Any,
                                                   make_input: Any) -> None:
    fill(register, make_input, 3, name="Trần Thị Hoa")
    fill(register, make_input, 2, name="Lê Văn Nam")
    window = main_window(qtbot, make_ctx("tn.hoa"))
    window.search.setText("tran thi hoa")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    wait_ops(qtbot)
    model = window.list_page.model
    assert window.stack.currentWidget() is window.list_page
    assert model.rowCount() == 3
    assert {model.data(model.index(r, 1)) for r in range(3)} == {"Trần Thị Hoa"}


def test_a_scanned_dossier_code_and_enter_open_the_dossier(qtbot: Any, make_ctx: Any,
                                                           register: Any,
                                                           make_input: Any) -> None:
    views = fill(register, make_input, 2)
    window = main_window(qtbot, make_ctx("tn.hoa"))
    code = views[1].code
    assert looks_like_code(code)
    window.search.setFocus()
    qtbot.keyClicks(window.search, code.lower())  # scanners may send lower case
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    wait_ops(qtbot)
    opened = window.windows[code]
    assert opened.isVisible()
    assert opened.view is not None and opened.view.uid == views[1].uid
    opened.close()


def test_filters_by_state_and_overdue_with_colours(qtbot: Any, make_ctx: Any, register: Any,
                                                   make_input: Any, clock: Any) -> None:
    views = fill(register, make_input, 3)  # certified copies: due today at 17:00
    register.process(views[0].code, "approved", "admin")
    window = main_window(qtbot, make_ctx("tn.hoa"))
    page = window.list_page
    window.go_list()
    page.status.setCurrentIndex(page.status.findData(str(int(Status.PROCESSED))))
    wait_ops(qtbot)
    assert page.model.rowCount() == 1
    page.reset_filters()
    wait_ops(qtbot)
    model = page.model
    colours = [model.data(model.index(r, 0), Qt.ItemDataRole.BackgroundRole)
               for r in range(model.rowCount())]
    assert colours.count(DUE_TODAY_BG) == 2, "the processed one is no longer due"
    clock.advance(days=1)
    page.due.setCurrentIndex(page.due.findData("overdue"))
    wait_ops(qtbot)
    assert model.rowCount() == 2
    assert model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole) == OVERDUE_BG


def test_home_shows_todays_counts_and_the_list_behind_each(qtbot: Any, make_ctx: Any,
                                                           register: Any,
                                                           make_input: Any) -> None:
    views = fill(register, make_input, 4)
    register.request_supplement(views[0].code, ["Bản chính"], "Thiếu", "tn.hoa")
    window = main_window(qtbot, make_ctx("tn.hoa"))
    home = window.home
    assert home.tiles["received_today"].count == 4
    assert home.tiles["due_today"].count == 4, "waiting for a supplement is still due"
    assert home.tiles["awaiting_supplement"].count == 1
    assert home.tiles["not_synced"].count == 4
    home.tiles["awaiting_supplement"].click()
    wait_ops(qtbot)
    assert home.model.rowCount() == 1
    assert home.model.rows[0].code == views[0].code
    home.tiles["overdue"].click()
    wait_ops(qtbot)
    assert home.model.rowCount() == 0
    assert home.empty.text() == "Không có hồ sơ quá hạn."
