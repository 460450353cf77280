"""Log in with a local account (passwords checked by the register with scrypt, in a worker).

The dialog may show before the register is open (the desktop opens it in a worker meanwhile):
a login asked for then waits, saying so, and goes ahead once `register_ready` hands it over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop.ui import settings as opts
from desktop.ui.errors import is_known, report, user_message
from desktop.ui.i18n import _
from desktop.ui.ops import run_op
from desktop.ui.qt import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.widgets import banner, button_row, heading, show_banner

if TYPE_CHECKING:
    from desktop.register.views import AccountView


class LoginDialog(QDialog):
    """`register` is None while the register is still opening."""

    def __init__(self, register: Any, settings: opts.UiSettings, office_name: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.register = register
        self.settings = settings
        self.user: AccountView | None = None
        self.waiting = False  # a login was asked for before the register was open
        self.password_dialog: QDialog | None = None  # the one asking for one's own password
        self.setObjectName("loginDialog")
        self.setWindowTitle(_("Đăng nhập — motcua"))
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(_("Đăng nhập"), 15))
        if office_name:
            layout.addWidget(QLabel(office_name))
        form = QFormLayout()
        self.username = QLineEdit(settings.get(opts.LAST_USER))
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_("Tên đăng nhập"), self.username)
        form.addRow(_("Mật khẩu"), self.password)
        layout.addLayout(form)
        self.error = banner("error")
        layout.addWidget(self.error)
        self.opening = banner("info")
        self.opening.setObjectName("registerOpening")
        layout.addWidget(self.opening)
        self.ok = button_row(self, layout, _("Đăng nhập"), self.attempt, name="loginButton",
                             cancel_text=_("Thoát"))
        self.ok.setDefault(True)
        (self.password if self.username.text() else self.username).setFocus()

    def attempt(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            show_banner(self.error, _("Hãy nhập tên đăng nhập và mật khẩu."))
            return
        self.ok.setEnabled(False)
        show_banner(self.error, "")
        if self.register is None:
            self.waiting = True
            show_banner(self.opening, _("Đang mở sổ đăng ký…"))
            return
        register = self.register
        run_op(lambda ctx: register.authenticate(username, password),
               on_success=self._done, on_failure=self._failed, parent=self)

    def register_ready(self, register: Any) -> None:
        """The register is open: a login asked for meanwhile goes ahead now, with what the
        fields hold now."""
        self.register = register
        show_banner(self.opening, "")
        if self.waiting:
            self.waiting = False
            self.ok.setEnabled(True)
            self.attempt()

    def _done(self, user: AccountView) -> None:
        if user.must_change_password:
            self._ask_own_password(user)
            return
        self.user = user
        self.settings.set(opts.LAST_USER, user.username)
        self.accept()

    def _ask_own_password(self, user: AccountView) -> None:
        """A password an administrator chose: its owner sets their own before working."""
        from desktop.ui.settings_dialog import PasswordDialog

        register, given = self.register, self.password.text()
        dialog = PasswordDialog(
            _("Đặt mật khẩu của bạn"),
            _("Mật khẩu vừa dùng do quản trị viên đặt. Hãy đặt mật khẩu của riêng bạn trước "
              "khi làm việc; không cho ai biết mật khẩu này."),
            lambda _current, new: register.change_password(user.username, given, new), self)
        self.password_dialog = dialog
        dialog.finished.connect(lambda result: self._own_password_set(user, result))
        dialog.open()

    def _own_password_set(self, user: AccountView, result: int) -> None:
        if result == QDialog.DialogCode.Accepted:
            from dataclasses import replace  # not at start-up: the login shows without it

            self._done(replace(user, must_change_password=False))
            return
        self.ok.setEnabled(True)
        show_banner(self.error, _("Cần đặt mật khẩu mới trước khi đăng nhập."))
        self.password.clear()
        self.password.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        if not is_known(exc):
            report(self, exc)
            return
        show_banner(self.error, user_message(exc))
        self.password.selectAll()
        self.password.setFocus()
