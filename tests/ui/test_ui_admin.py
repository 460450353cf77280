"""Administration from the UI: own password, accounts (reset, role, deactivate), year-end
closing of a book, and Qt's own buttons and dialogs in Vietnamese."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop.register.errors import ValidationError
from desktop.register.service import Register
from desktop.ui import qt_translations
from desktop.ui.forms_dialog import StepDialog
from desktop.ui.logbooks import LogbooksPage
from desktop.ui.login import LoginDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.qt import QAction, QDialog, QLineEdit, QLocale, QMessageBox
from desktop.ui.settings_dialog import PasswordDialog, SettingsDialog
from tests.conftest import UI_PASSWORD, local_time, wait_ops
from tests.ui.test_ui_receive import pdf_text


def log_in(qtbot: Any, register: Register, ui_settings: Any, username: str,
           password: str) -> LoginDialog:
    login = LoginDialog(register, ui_settings)
    qtbot.addWidget(login)
    login.username.setText(username)
    login.password.setText(password)
    login.ok.click()
    wait_ops(qtbot)
    return login


def settings_for(qtbot: Any, ctx: Any) -> SettingsDialog:
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    wait_ops(qtbot)
    return dialog


def select_account(dialog: SettingsDialog, username: str) -> None:
    [row] = [i for i, a in enumerate(dialog.accounts_shown) if a.username == username]
    dialog.accounts_table.selectRow(row)  # type: ignore[union-attr]
    assert dialog.selected_account() is not None
    assert dialog.selected_account().username == username  # type: ignore[union-attr]


def cell(dialog: SettingsDialog, username: str, column: int) -> str:
    [row] = [i for i, a in enumerate(dialog.accounts_shown) if a.username == username]
    return dialog.accounts_table.item(row, column).text()  # type: ignore[union-attr]


def questions(monkeypatch: pytest.MonkeyPatch, answer: bool = True) -> list[str]:
    """The confirmations asked (answered with `answer`)."""
    asked: list[str] = []

    def confirm(parent: Any, text: str, yes: str, no: str, title: str = "") -> bool:
        asked.append(text)
        return answer
    monkeypatch.setattr("desktop.ui.widgets.confirm", confirm)
    return asked


def test_a_user_changes_their_own_password_and_logs_in_with_the_new_one(
        qtbot: Any, make_ctx: Any, register: Register, ui_settings: Any) -> None:
    ctx = make_ctx("tn.hoa")
    window = MainWindow(ctx.settings)
    qtbot.addWidget(window)
    window.set_context(ctx)
    window.show()
    wait_ops(qtbot)
    action = window.findChild(QAction, "changePassword")
    assert action is not None and action.text() == "Đổi mật khẩu"
    action.trigger()
    dialog = window.password_dialog
    assert isinstance(dialog, PasswordDialog) and dialog.isVisible()
    dialog.current.setText("khong-phai-mat-khau")
    dialog.password.setText("mat-khau-moi-2026")
    dialog.password2.setText("mat-khau-moi-2027")
    dialog.ok.click()
    assert dialog.error.text() == "Hai lần nhập mật khẩu không giống nhau."
    dialog.password2.setText("mat-khau-moi-2026")
    dialog.ok.click()
    wait_ops(qtbot)
    assert dialog.isVisible()
    assert dialog.error.text() == "Mật khẩu hiện tại không đúng."
    dialog.current.setText(UI_PASSWORD)
    dialog.ok.click()
    wait_ops(qtbot)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Accepted
    assert window.status.currentMessage() == "Đã đổi mật khẩu."

    old = log_in(qtbot, register, ui_settings, "tn.hoa", UI_PASSWORD)
    assert old.user is None
    assert old.error.text() == "Tên đăng nhập hoặc mật khẩu không đúng."
    new = log_in(qtbot, register, ui_settings, "tn.hoa", "mat-khau-moi-2026")
    assert new.user is not None and new.user.username == "tn.hoa"
    assert [c.change for c in register.account_changes("tn.hoa")][-1] == "password_changed"


def test_the_administrator_deactivates_an_account_which_then_cannot_log_in(
        qtbot: Any, make_ctx: Any, register: Register, ui_settings: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = settings_for(qtbot, make_ctx("admin"))
    assert cell(dialog, "tn.hoa", 3) == "Đang dùng"
    select_account(dialog, "tn.hoa")
    assert dialog.active_button.text() == "Khóa tài khoản…"
    asked = questions(monkeypatch)
    dialog.active_button.click()
    wait_ops(qtbot)
    assert asked and asked[0].startswith("Khóa tài khoản tn.hoa (Trần Thị Hoa)?")
    assert dialog.message.text() == "Đã khóa tài khoản tn.hoa."
    assert cell(dialog, "tn.hoa", 3) == "Đã khóa"
    assert cell(dialog, "tn.hoa", 4).endswith("khóa tài khoản (bởi admin)")
    refused = log_in(qtbot, register, ui_settings, "tn.hoa", UI_PASSWORD)
    assert refused.user is None and refused.result() != QDialog.DialogCode.Accepted
    assert refused.error.text() == "Tên đăng nhập hoặc mật khẩu không đúng."

    assert dialog.selected_account().username == "tn.hoa"  # type: ignore[union-attr]
    assert dialog.active_button.text() == "Mở khóa tài khoản…"
    dialog.active_button.click()
    wait_ops(qtbot)
    assert cell(dialog, "tn.hoa", 3) == "Đang dùng"
    assert log_in(qtbot, register, ui_settings, "tn.hoa", UI_PASSWORD).user is not None


def test_answering_no_leaves_the_account_as_it_was(
        qtbot: Any, make_ctx: Any, register: Register,
        monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = settings_for(qtbot, make_ctx("admin"))
    select_account(dialog, "tp.duc")
    questions(monkeypatch, answer=False)
    dialog.active_button.click()
    wait_ops(qtbot)
    assert {a.username: a.active for a in register.accounts()}["tp.duc"] is True
    assert not dialog.message.isVisibleTo(dialog)


def test_the_last_administrator_cannot_be_deactivated_and_is_told_why(
        qtbot: Any, make_ctx: Any, register: Register,
        monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = settings_for(qtbot, make_ctx("admin"))
    select_account(dialog, "admin")
    assert not dialog.reset_button.isEnabled()  # one's own: "Đổi mật khẩu"
    questions(monkeypatch)
    dialog.active_button.click()
    wait_ops(qtbot)
    assert dialog.error.text() == (
        "admin là quản trị viên duy nhất còn hoạt động; hãy giao vai trò quản trị cho một "
        "tài khoản khác trước.")
    assert cell(dialog, "admin", 3) == "Đang dùng"
    assert register.authenticate("admin", UI_PASSWORD).role == "admin"


def test_the_administrator_resets_a_password_and_changes_a_role(
        qtbot: Any, make_ctx: Any, register: Register) -> None:
    dialog = settings_for(qtbot, make_ctx("admin"))

    def ask(child: QDialog) -> bool:
        if isinstance(child, PasswordDialog):
            assert not child.current.isVisibleTo(child)  # no current password to give
            child.password.setText("mat-khau-cap-lai")
            child.password2.setText("mat-khau-cap-lai")
            child.ok.click()
            wait_ops(qtbot)
        elif isinstance(child, StepDialog):
            child.set_value("role", "leader")
            child.ok.click()
        return child.result() == QDialog.DialogCode.Accepted

    dialog.ask = ask  # type: ignore[method-assign]
    select_account(dialog, "tp.duc")
    dialog.reset_button.click()
    wait_ops(qtbot)
    assert dialog.message.text() == "Đã đặt lại mật khẩu cho tp.duc."
    assert register.authenticate("tp.duc", "mat-khau-cap-lai").username == "tp.duc"
    select_account(dialog, "tp.duc")
    dialog.role_button.click()
    wait_ops(qtbot)
    assert dialog.message.text() == "tp.duc nay có vai trò Lãnh đạo."
    assert cell(dialog, "tp.duc", 2) == "Lãnh đạo"
    assert [(c.change, c.actor) for c in register.account_changes("tp.duc")][1:] == [
        ("password_reset", "admin"), ("role_changed", "admin")]


def test_a_leader_closes_a_year_from_the_logbooks_page_and_prints_the_closing_line(
        qtbot: Any, make_ctx: Any, register: Register, clock: Any, printed: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(12):
        register.add_logbook_entry("XNHN", {"ho_ten": f"Nguyễn Văn {i:02d}"}, "tp.duc")
    officer = LogbooksPage(make_ctx("tp.duc"))
    qtbot.addWidget(officer)
    assert not officer.close_button.isVisibleTo(officer)  # a processing officer may not
    page = LogbooksPage(make_ctx("ld.son"))
    qtbot.addWidget(page)
    page.show()
    page.select_kind("XNHN")
    page.year.setValue(2026)
    page.load_volumes()
    wait_ops(qtbot)
    assert page.close_button.isVisible() and page.close_button.isEnabled()
    asked = questions(monkeypatch)
    page.close_button.click()  # 16 November: the year is not over
    wait_ops(qtbot)
    assert not asked
    assert page.error.text().startswith("Chưa hết năm 2026:")
    assert register.volumes("XNHN", 2026)[0].closed_at is None

    clock.set(local_time(2026, 12, 31, 16, 30))
    page.close_button.click()
    wait_ops(qtbot)
    assert asked[0].startswith("Khóa sổ cuối năm: Sổ cấp Giấy xác nhận tình trạng hôn nhân, "
                               "năm 2026?\n\nQuyển số 01 (12 mục)")
    assert page.message.text() == (
        "Đã khóa Sổ cấp Giấy xác nhận tình trạng hôn nhân năm 2026.\n"
        "Quyển số 01: 2 trang, đã ghi 12 mục (từ số 01 đến số 12), trong đó 0 số bị hủy.")
    assert not page.error.isVisibleTo(page)
    assert "đã khóa" in page.volume_list.item(0).text()
    assert page.closing_note.isVisibleTo(page)
    assert page.closing_note.text() == (
        "Đã khóa sổ ngày 31/12/2026. Quyển số 01: 2 trang, đã ghi 12 mục (từ số 01 đến số "
        "12), trong đó 0 số bị hủy.")
    assert not page.close_button.isEnabled()

    page.print_button.click()
    wait_ops(qtbot)
    [pdf] = printed.glob("*.pdf")
    text = " ".join(pdf_text(pdf).split())
    assert "Sổ này có 2 trang, đã ghi 12 mục (từ số 01 đến số 12), trong đó 0 số bị hủy. " \
           "Khóa sổ ngày 31 tháng 12 năm 2026." in text


def test_a_late_answer_for_another_book_neither_replaces_the_list_nor_keeps_old_messages(
        qtbot: Any, make_ctx: Any, register: Register) -> None:
    register.add_logbook_entry("XNHN", {"ho_ten": "Nguyễn Văn An"}, "tp.duc")
    page = LogbooksPage(make_ctx("ld.son"))
    qtbot.addWidget(page)
    page.select_kind("XNHN")
    page.load_volumes()
    wait_ops(qtbot)
    page.close_button.click()
    wait_ops(qtbot)
    assert page.error.text().startswith("Chưa hết năm 2026")
    shown = [page.volume_list.item(i).text() for i in range(page.volume_list.count())]
    page._volumes_loaded([], ("KS", 2026))  # the answer to an earlier choice, arriving late
    assert [page.volume_list.item(i).text() for i in range(page.volume_list.count())] == shown
    page.year.setValue(2025)
    wait_ops(qtbot)
    assert page.error.text() == "" and page.volume_list.count() == 0


def test_qt_standard_buttons_and_dialogs_speak_vietnamese_and_english_stays_english(
        qapp: Any) -> None:
    def texts() -> list[str]:
        box = QMessageBox(QMessageBox.Icon.Question, "motcua", "?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                          | QMessageBox.StandardButton.Cancel)
        labels = [box.button(b).text().replace("&", "") for b in (  # type: ignore[union-attr]
            QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Cancel)]
        box.deleteLater()
        return labels

    from desktop.ui.qt import QPrinter, QPrintPreviewDialog

    try:
        qt_translations.set_qt_language(qapp, "vi")
        assert texts() == ["Có", "Không", "Hủy"]
        preview = QPrintPreviewDialog(QPrinter())
        assert preview.windowTitle() == "Xem trước khi in"
        actions = {a.text() for a in preview.findChildren(QAction)}
        assert {"Trang sau", "Phóng to", "Vừa trang", "In", "Thiết lập trang"} <= actions
        preview.deleteLater()
        edit = QLineEdit()
        menu = edit.createStandardContextMenu()
        assert menu is not None
        assert {"&Sao chép", "&Dán", "Chọn tất cả"} <= {
            a.text().split("\t")[0] for a in menu.actions()}
        assert QLocale().monthName(11) == "tháng 11"
    finally:
        qt_translations.set_qt_language(qapp, "en")
    assert texts() == ["Yes", "No", "Cancel"]
    assert QLocale().monthName(11) == QLocale.system().monthName(11)


def test_a_password_the_administrator_chose_is_replaced_at_the_next_login(
        qtbot: Any, register: Register, ui_settings: Any, ui_accounts: Any) -> None:
    register.reset_password("tp.duc", "mat-khau-cap-lai", "admin")
    assert register.authenticate("tp.duc", "mat-khau-cap-lai").must_change_password
    login = log_in(qtbot, register, ui_settings, "tp.duc", "mat-khau-cap-lai")
    asked = login.password_dialog
    assert isinstance(asked, PasswordDialog) and asked.isVisible()
    assert login.user is None and login.result() != QDialog.DialogCode.Accepted
    asked.reject()  # not now: no login
    assert login.user is None and "Cần đặt mật khẩu mới" in login.error.text()

    login.password.setText("mat-khau-cap-lai")
    login.ok.click()
    wait_ops(qtbot)
    asked = login.password_dialog
    assert isinstance(asked, PasswordDialog)
    asked.password.setText("mat-khau-rieng-cua-duc")
    asked.password2.setText("mat-khau-rieng-cua-duc")
    asked.ok.click()
    wait_ops(qtbot)
    assert login.user is not None and login.user.username == "tp.duc"
    assert login.result() == QDialog.DialogCode.Accepted
    again = register.authenticate("tp.duc", "mat-khau-rieng-cua-duc")
    assert not again.must_change_password
    with pytest.raises(ValidationError):
        register.authenticate("tp.duc", "mat-khau-cap-lai")


def test_accounts_an_administrator_creates_must_change_their_password_unless_told_not_to(
        qtbot: Any, make_ctx: Any, register: Register) -> None:
    dialog = settings_for(qtbot, make_ctx("admin"))
    for username, must in (("tn.lan", True), ("tn.mai", False)):
        dialog.new_username.setText(username)
        dialog.new_full_name.setText("Phạm Thị Lan")
        dialog.new_password.setText(UI_PASSWORD)
        dialog.new_must_change.setChecked(must)
        dialog.create_account()
        wait_ops(qtbot)
        assert register.authenticate(username, UI_PASSWORD).must_change_password is must


def test_a_session_ends_at_the_next_refresh_once_its_account_is_deactivated_or_changed(
        qtbot: Any, make_ctx: Any, register: Register) -> None:
    windows = {}
    for user in ("tn.hoa", "tp.duc"):
        ctx = make_ctx(user)
        window = windows[user] = MainWindow(ctx.settings)
        qtbot.addWidget(window)
        window.set_context(ctx)
        window.show()
        wait_ops(qtbot)
    ended: list[str] = []
    for user, window in windows.items():
        window.logout_requested.connect(lambda u=user: ended.append(u))
    for window in windows.values():  # nothing changed: nobody is logged out
        window.refresh()
        wait_ops(qtbot)
    assert ended == []
    register.set_active("tn.hoa", False, "admin")
    register.set_role("tp.duc", "leader", "admin")
    for window in windows.values():
        window.refresh()
        wait_ops(qtbot)
    assert ended == ["tn.hoa", "tp.duc"]
    assert windows["tn.hoa"].logout_message == (
        "Tài khoản tn.hoa đã bị khóa: phiên làm việc đã kết thúc.")
    assert windows["tp.duc"].logout_message == (
        "Vai trò của tài khoản tp.duc vừa thay đổi: hãy đăng nhập lại.")
