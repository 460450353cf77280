"""First start, login, roles in the main window, settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.app import AppController
from desktop.register.service import Register
from desktop.ui.main_window import MainWindow
from desktop.ui.qt import Qt, QWizard
from desktop.ui.settings_dialog import SettingsDialog
from tests.conftest import UI_PASSWORD, wait_ops


def test_first_start_declares_the_office_and_its_administrator_then_logs_in(
        qtbot: Any, controller: AppController) -> None:
    with qtbot.waitSignal(controller.wizard_shown, timeout=10_000) as shown:
        controller.start()
    wizard = shown.args[0]
    place = wizard.place
    place.province.edit.setFocus()
    qtbot.keyClicks(place.province.edit, "ha noi")  # accents optional
    qtbot.keyClick(place.province.edit, Qt.Key.Key_Return)
    assert place.province.selected() == 1
    qtbot.keyClicks(place.commune.edit, "hoan kiem")
    qtbot.keyClick(place.commune.edit, Qt.Key.Key_Return)
    assert place.commune.selected() == 70
    wizard.next()
    assert wizard.office.office_name.text() == "Bộ phận một cửa Phường Hoàn Kiếm"
    wizard.office.agency_id.setText("000.00.01.h29")
    wizard.next()
    admin = wizard.admin
    admin.username.setText("admin")
    admin.full_name.setText("Nguyễn Văn Quản")
    admin.password.setText("ngan")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert "8 ký tự" in admin.error.text()
    admin.password.setText(UI_PASSWORD)
    admin.password2.setText(UI_PASSWORD)
    with qtbot.waitSignal(controller.login_shown, timeout=10_000) as login_shown:
        wizard.button(QWizard.WizardButton.FinishButton).click()
    reg = controller.register
    assert reg.office().agency_id == "000.00.01.H29"
    assert reg.office().commune.code == 70
    assert [a.role for a in reg.accounts()] == ["admin"]
    login = login_shown.args[0]
    assert login.username.text() == "admin"
    login.password.setText(UI_PASSWORD)
    with qtbot.waitSignal(controller.main_ready, timeout=10_000):
        login.ok.click()
    window = controller.window
    assert window.ctx is not None and window.ctx.user.username == "admin"
    assert "000.00.01.H29" in window.status.office.text()
    assert window.status.sync.property("syncState") == "not_configured"


def test_a_wrong_password_is_refused_in_words(qtbot: Any, controller: AppController,
                                              clock: Any) -> None:
    reg = Register.open(controller.register_path, clock=clock, auto_backup=False)
    reg.setup_office(province_code=1, commune_code=70, agency_id="000.00.01.H29",
                     office_name="Bộ phận một cửa phường Hoàn Kiếm")
    reg.create_account("admin", "Nguyễn Văn Quản", "admin", UI_PASSWORD)
    reg.close()
    with qtbot.waitSignal(controller.login_shown, timeout=10_000) as shown:
        controller.start()
    login = shown.args[0]
    login.username.setText("admin")
    login.password.setText("sai-mat-khau")
    login.ok.click()
    qtbot.waitUntil(login.error.isVisible, timeout=10_000)  # the register may still be opening
    assert login.isVisible()
    assert login.error.text() == "Tên đăng nhập hoặc mật khẩu không đúng."
    login.password.setText(UI_PASSWORD)
    with qtbot.waitSignal(controller.main_ready, timeout=10_000):
        login.ok.click()
    with qtbot.waitSignal(controller.login_shown, timeout=10_000):
        controller.window.logout_requested.emit()
    assert controller.window.ctx is None


def window_for(qtbot: Any, ctx: Any) -> MainWindow:
    window = MainWindow(ctx.settings)
    qtbot.addWidget(window)
    window.set_context(ctx)
    window.show()
    wait_ops(qtbot)
    return window


def test_a_leader_is_not_offered_receiving_and_a_receiving_officer_cannot_edit_books(
        qtbot: Any, make_ctx: Any) -> None:
    leader = window_for(qtbot, make_ctx("ld.son"))
    assert not hasattr(leader, "receive_action")
    assert not leader.home.receive_button.isVisibleTo(leader)
    officer = window_for(qtbot, make_ctx("tn.hoa"))
    assert officer.receive_action.shortcut().toString() == "F2"
    assert officer.logbooks is not None  # may read and print the books
    assert not officer.logbooks.add_button.isVisibleTo(officer.logbooks)
    processing = window_for(qtbot, make_ctx("tp.duc"))
    assert processing.logbooks is not None
    assert processing.logbooks.add_button.isVisibleTo(processing.logbooks)


def test_only_the_administrator_sees_calendar_and_accounts(qtbot: Any, make_ctx: Any) -> None:
    officer = SettingsDialog(make_ctx("tn.hoa"))
    qtbot.addWidget(officer)
    tabs = [officer.tabs.tabText(i) for i in range(officer.tabs.count())]
    assert tabs == ["Chung", "Cơ quan"]
    assert not officer.cutoff.isEnabled()
    admin = SettingsDialog(make_ctx("admin"))
    qtbot.addWidget(admin)
    tabs = [admin.tabs.tabText(i) for i in range(admin.tabs.count())]
    assert tabs == ["Chung", "Cơ quan", "Lịch làm việc", "Tài khoản"]


def test_the_administrator_changes_calendar_cutoff_and_accounts(
        qtbot: Any, make_ctx: Any, register: Any, ui_settings: Any) -> None:
    from desktop.ui import settings as opts
    from desktop.ui.qt import QDate

    dialog = SettingsDialog(make_ctx("admin"))
    qtbot.addWidget(dialog)
    wait_ops(qtbot)
    dialog.override_day.setDate(QDate(2026, 12, 24))
    dialog.override_reason.setText("Nghỉ bù theo quyết định của UBND tỉnh")
    dialog.override_source.setText("Quyết định 12/QĐ-UBND")
    dialog.add_override()
    wait_ops(qtbot)
    assert any(o.day.isoformat() == "2026-12-24" for o in register.calendar_overrides())
    dialog.new_username.setText("tn.lan")
    dialog.new_full_name.setText("Phạm Thị Lan")
    dialog.new_role.setCurrentIndex(dialog.new_role.findData("receiving"))
    dialog.new_password.setText(UI_PASSWORD)
    dialog.create_account()
    wait_ops(qtbot)
    assert "tn.lan" in {a.username for a in register.accounts()}
    dialog.cutoff.setValue(16)
    dialog.head_name.setText("Lê Văn Bình")
    dialog.paper.setCurrentIndex(dialog.paper.findData("A5"))
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.save()
    wait_ops(qtbot)
    assert register.settings().cutoff_hour == 16
    assert register.settings().head_name == "Lê Văn Bình"
    assert ui_settings.get(opts.PAPER_SIZE) == "A5"
    assert ui_settings.get(opts.LANGUAGE) == "en"
    assert "mở lại" in dialog.message.text()


def test_a_backup_goes_to_the_chosen_folder(qtbot: Any, make_ctx: Any, home: Path) -> None:
    dialog = SettingsDialog(make_ctx("admin"))
    qtbot.addWidget(dialog)
    dialog.backup_folder.setText(str(home / "usb"))
    dialog.backup()
    wait_ops(qtbot)
    copies = list((home / "usb").glob("motcua-*.sqlite3"))
    assert len(copies) == 1
    assert "Đã sao lưu" in dialog.message.text()
