"""The settings dialog hears the change bus: accounts, the working calendar and the office
settings changed elsewhere (another code path writing to the register) show without reopening;
a field being edited keeps what the user typed."""

from __future__ import annotations

from datetime import date
from typing import Any

from desktop.ui.settings_dialog import SettingsDialog
from tests.conftest import UI_PASSWORD, wait_ops


def _settings(qtbot: Any, ctx: Any) -> SettingsDialog:
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_ops(qtbot)
    return dialog


def _usernames(dialog: SettingsDialog) -> list[str]:
    table = dialog.accounts_table
    assert table is not None
    return [table.item(r, 0).text() for r in range(table.rowCount())]  # type: ignore[union-attr]


def test_an_account_created_elsewhere_appears_in_the_open_accounts_tab(
        qtbot: Any, make_ctx: Any, register: Any) -> None:
    dialog = _settings(qtbot, make_ctx("admin"))
    dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)  # "Tài khoản"
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Tài khoản"
    assert "tn.lan" not in _usernames(dialog)

    # Straight through the register service, as another window or the sync would write.
    register.create_account("tn.lan", "Đỗ Thị Lan", "receiving", UI_PASSWORD, actor="admin")
    qtbot.waitUntil(lambda: "tn.lan" in _usernames(dialog), timeout=10_000)
    row = _usernames(dialog).index("tn.lan")
    assert dialog.accounts_table.item(row, 1).text() == "Đỗ Thị Lan"  # type: ignore[union-attr]

    register.set_active("tn.lan", False, "admin")
    qtbot.waitUntil(lambda: dialog.accounts_table.item(  # type: ignore[union-attr]
        _usernames(dialog).index("tn.lan"), 3).text() == "Đã khóa", timeout=10_000)
    dialog.close()


def test_the_calendar_and_office_settings_refresh_and_an_edit_in_progress_is_kept(
        qtbot: Any, make_ctx: Any, register: Any) -> None:
    dialog = _settings(qtbot, make_ctx("admin"))
    calendar = dialog.calendar_table
    assert calendar is not None

    def days() -> list[str]:
        return [calendar.item(r, 0).text()  # type: ignore[union-attr]
                for r in range(calendar.rowCount())]
    assert "24/12/2026" not in days()
    register.set_calendar_override(date(2026, 12, 24), "off", "Nghỉ bù", "UBND tỉnh", "admin")
    qtbot.waitUntil(lambda: "24/12/2026" in days(), timeout=10_000)

    hour = register.settings().cutoff_hour
    new_hour = 16 if hour != 16 else 15
    register.set_cutoff_hour(new_hour)
    qtbot.waitUntil(lambda: dialog.cutoff.value() == new_hour, timeout=10_000)

    dialog.head_name.setText("Nguyễn Văn Đang Gõ")  # the user is typing here
    register.set_head_name("Trần Văn Chủ Tịch")
    register.set_cutoff_hour(hour)
    qtbot.waitUntil(lambda: dialog.cutoff.value() == hour, timeout=10_000)
    wait_ops(qtbot)
    assert dialog.head_name.text() == "Nguyễn Văn Đang Gõ"
    dialog.close()


def test_a_closed_dialog_stops_listening(qtbot: Any, make_ctx: Any, register: Any) -> None:
    ctx = make_ctx("admin")
    dialog = _settings(qtbot, ctx)
    dialog.reject()
    shown = _usernames(dialog)
    register.create_account("tn.moi", "Lý Văn Mới", "receiving", UI_PASSWORD, actor="admin")
    wait_ops(qtbot)
    assert _usernames(dialog) == shown
