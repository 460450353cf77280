"""The change bus, locally: a step taken in one dossier window shows at once in the other
open window of the same dossier and in the dossier list; new rules are read when they
change; each dossier window names the catalogue version its dossier was received under."""

from __future__ import annotations

from typing import Any

from desktop.register.writer import Changes
from sync.lifecycle import Status, status_label
from tests.conftest import wait_ops
from tests.ui.test_ui_dossier import open_window, step


def _list_status(page: Any, code: str) -> str | None:
    model = page.model
    for i, row in enumerate(model.rows):
        if row.code == code:
            return str(model.data(model.index(i, 4)))
    return None


def test_a_step_in_one_window_refreshes_the_other_window_and_the_list(
        qtbot: Any, make_ctx: Any, register: Any, make_input: Any) -> None:
    from desktop.ui.main_window import MainWindow

    received = register.receive(make_input("marital_status_confirmation"), "tn.hoa")
    ctx = make_ctx("admin")
    main = MainWindow(ctx.settings)
    qtbot.addWidget(main)
    main.set_context(ctx)
    main.go_list()
    wait_ops(qtbot)
    received_label = status_label(Status.RECEIVED, "vi")
    assert _list_status(main.list_page, received.code) == received_label
    heard: list[Changes] = []
    ctx.bus.changed.connect(heard.append)
    acting = open_window(qtbot, ctx, received.code)
    watching = open_window(qtbot, ctx, received.uid)  # the same dossier, opened by its uid
    assert watching.status_label.text() == received_label
    assert watching.catalogue_label.text() == f"Danh mục {received.catalogue_version}"

    step(qtbot, acting, "hand_over", {"to_unit": "Công chức Tư pháp - Hộ tịch"})
    processing = status_label(Status.PROCESSING, "vi")
    qtbot.waitUntil(lambda: watching.status_label.text() == processing, timeout=10_000)
    qtbot.waitUntil(lambda: _list_status(main.list_page, received.code) == processing,
                    timeout=10_000)
    assert [c.dossiers for c in heard if c.dossiers] == [frozenset({received.uid})]
    assert watching.timeline.rowCount() == 2
    main.close()


def test_new_rules_are_read_when_they_change_not_once_at_login(
        qtbot: Any, make_ctx: Any, register: Any) -> None:
    from datetime import date

    ctx = make_ctx("admin")
    before = ctx.register.calendar()
    heard: list[Changes] = []
    ctx.bus.changed.connect(heard.append)
    register.set_calendar_override(date(2026, 12, 24), "off", "Nghỉ bù", "UBND tỉnh", "admin")
    assert heard and heard[-1].rules
    after = ctx.register.calendar()
    assert after is not before and not after.is_working_day(date(2026, 12, 24))
    assert ctx.catalogue is register.catalogue()  # the context holds the rules in force
