"""Settings: this PC's preferences (language, paper, printer, backup folder) and, for the
administrator, the office's rules kept in the register (cut-off hour, calendar, accounts)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from desktop.register.accounts import ROLES, AccountChange, check_password_strength
from desktop.register.backup import backup_now
from desktop.register.calendar import CalendarOverride
from desktop.register.errors import RegisterError
from desktop.register.views import AccountView
from desktop.register.writer import Changes
from desktop.ui import settings as opts
from desktop.ui import widgets
from desktop.ui.context import AppContext
from desktop.ui.errors import is_known, report, user_message
from desktop.ui.forms_dialog import Field, StepDialog
from desktop.ui.i18n import LANGUAGES, _, lang, pair
from desktop.ui.ops import run_op
from desktop.ui.qt import (
    QCheckBox,
    QComboBox,
    QDate,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPrinterInfo,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.widgets import banner, button_row, fmt_dt, heading, hint, show_banner

log = logging.getLogger(__name__)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.horizontalHeader().setSectionResizeMode(len(headers) - 1,
                                                  QHeaderView.ResizeMode.Stretch)
    return table


class PasswordDialog(QDialog):
    """A new password typed twice (and the current one, to change one's own); `save(current,
    new)` runs in the write worker and the dialog closes only when it succeeded."""

    def __init__(self, title: str, intro: str, save: Callable[[str, str], None],
                 parent: QWidget | None = None, *, ask_current: bool = False):
        super().__init__(parent)
        self.setObjectName("passwordDialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self._save = save
        layout = QVBoxLayout(self)
        layout.addWidget(heading(title, 13))
        layout.addWidget(hint(intro))
        form = QFormLayout()
        self.current = QLineEdit()
        self.current.setObjectName("currentPassword")
        self.password = QLineEdit()
        self.password.setObjectName("newPassword")
        self.password2 = QLineEdit()
        self.password2.setObjectName("newPassword2")
        for edit in (self.current, self.password, self.password2):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        if ask_current:
            form.addRow(_("Mật khẩu hiện tại"), self.current)
        form.addRow(_("Mật khẩu mới (ít nhất 8 ký tự)"), self.password)
        form.addRow(_("Nhập lại mật khẩu mới"), self.password2)
        layout.addLayout(form)
        self.error = banner("error")
        layout.addWidget(self.error)
        self.ok = button_row(self, layout, _("Lưu mật khẩu"), self.save, name="savePassword")
        self.ok.setDefault(True)
        (self.current if ask_current else self.password).setFocus()

    def save(self) -> None:
        try:
            check_password_strength(self.password.text())
        except RegisterError as exc:
            show_banner(self.error, exc.message(lang()))
            return
        if self.password.text() != self.password2.text():
            show_banner(self.error, _("Hai lần nhập mật khẩu không giống nhau."))
            return
        current, new = self.current.text(), self.password.text()
        self.ok.setEnabled(False)
        run_op(lambda c: self._save(current, new), on_success=lambda _r: self.accept(),
               on_failure=self._failed, parent=self, kind="write")

    def _failed(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        if not is_known(exc):
            report(self, exc)
            return
        show_banner(self.error, user_message(exc))


def change_own_password(ctx: AppContext, parent: QWidget) -> PasswordDialog:
    """Open (window-modal) the logged-in user's "Đổi mật khẩu" dialog."""
    reg, user = ctx.register, ctx.user.username
    dialog = PasswordDialog(
        _("Đổi mật khẩu"),
        _("Tài khoản {user}. Mật khẩu mới dùng từ lần đăng nhập sau; không cho ai biết "
          "mật khẩu của mình.").format(user=user),
        lambda current, new: reg.change_password(user, current, new), parent,
        ask_current=True)
    dialog.open()
    return dialog


class SettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.accounts_shown: list[AccountView] = []
        self.setObjectName("settingsDialog")
        self.setWindowTitle(_("Cài đặt"))
        self.resize(820, 600)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)
        self.message = banner("ok")
        layout.addWidget(self.message)
        self.error = banner("error")
        layout.addWidget(self.error)
        self._general()
        self._office()
        self.calendar_table: QTableWidget | None = None
        self.accounts_table: QTableWidget | None = None
        if ctx.can("calendar"):
            self._calendar()
        if ctx.can("accounts"):
            self._accounts()
        button_row(self, layout, _("Lưu"), self.save, name="saveSettings",
                   cancel_text=_("Đóng"))
        # What another window, the sync or another PC changes shows here without reopening
        # (and so does what this dialog saved: it reads back through the bus, like the rest).
        ctx.bus.changed.connect(self._register_changed)
        self.finished.connect(self._stop_listening)  # the closed dialog lingers as a child

    # --- tabs -------------------------------------------------------------------------------

    def _general(self) -> None:
        page = QWidget()
        form = QFormLayout(page)
        s = self.ctx.settings
        self.language = QComboBox()
        self.language.setObjectName("language")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(s.get(opts.LANGUAGE))))
        form.addRow(_("Ngôn ngữ giao diện"), self.language)
        form.addRow("", hint(_("Đổi ngôn ngữ có hiệu lực khi mở lại chương trình.")))
        self.paper = QComboBox()
        self.paper.setObjectName("paperSize")
        self.paper.addItem(_("A4 (giấy tiếp nhận hai liên trên một tờ)"), "A4")
        self.paper.addItem(_("A5 (mỗi liên một tờ)"), "A5")
        self.paper.setCurrentIndex(max(0, self.paper.findData(s.get(opts.PAPER_SIZE))))
        form.addRow(_("Khổ giấy"), self.paper)
        self.printer = QComboBox()
        self.printer.setObjectName("printer")
        self.printer.addItem(_("Máy in mặc định của hệ thống"), "")
        for name in QPrinterInfo.availablePrinterNames():
            self.printer.addItem(name, name)
        current = s.get(opts.PRINTER)
        if current and self.printer.findData(current) < 0:
            self.printer.addItem(_("{name} (không thấy)").format(name=current), current)
        self.printer.setCurrentIndex(max(0, self.printer.findData(current)))
        form.addRow(_("Máy in"), self.printer)
        row = QHBoxLayout()
        self.backup_folder = QLineEdit(s.get(opts.BACKUP_FOLDER))
        self.backup_folder.setObjectName("backupFolder")
        choose = QPushButton(_("Chọn…"))
        choose.clicked.connect(self._choose_folder)
        self.backup_button = QPushButton(_("Sao lưu ngay"))
        self.backup_button.setObjectName("backupNow")
        self.backup_button.clicked.connect(self.backup)
        row.addWidget(self.backup_folder, 1)
        row.addWidget(choose)
        row.addWidget(self.backup_button)
        form.addRow(_("Thư mục sao lưu thêm"), row)
        form.addRow("", hint(_("Ngoài bản sao lưu tự động hằng ngày trong thư mục dữ liệu, có "
                              "thể chép thêm một bản vào thư mục này (ví dụ ổ USB).")))
        self.tabs.addTab(page, _("Chung"))

    def _office(self) -> None:
        page = QWidget()
        form = QFormLayout(page)
        self.office_labels: dict[str, QLabel] = {}
        try:
            info = self.ctx.register.office()
            for key, label in (("office", _("Cơ quan")), ("commune", _("Xã, phường")),
                               ("agency", _("Mã định danh")), ("slot", _("Số máy"))):
                self.office_labels[key] = QLabel()
                self.office_labels[key].setObjectName(f"office_{key}")
                form.addRow(label, self.office_labels[key])
            self._office_info(info)
        except Exception as exc:  # noqa: BLE001 - shown without the office block
            log.warning("office details unavailable: %s", exc)
        self.cutoff = QSpinBox()
        self.cutoff.setObjectName("cutoffHour")
        self.cutoff.setRange(11, 17)
        self.cutoff.setSuffix(_(" giờ"))
        office_settings = self.ctx.register.settings()
        self.cutoff.setValue(office_settings.cutoff_hour)
        self.cutoff.setEnabled(self.ctx.can("settings"))
        form.addRow(_("Giờ chốt nhận hồ sơ trong ngày"), self.cutoff)
        form.addRow("", hint(_("Hồ sơ nhận sau giờ này được tính từ ngày làm việc tiếp theo "
                              "(Luật Hộ tịch, Điều 5: 15 giờ).")
                             + ("" if self.ctx.can("settings") else " " + _(
                                 "Chỉ quản trị viên được thay đổi."))))
        self.head_name = QLineEdit(office_settings.head_name)
        self.head_name.setObjectName("headName")
        self.head_name.setEnabled(self.ctx.can("settings"))
        form.addRow(_("Chủ tịch UBND xã (ký Mẫu 04, 05)"), self.head_name)
        form.addRow("", hint(_("Họ tên in dưới chữ ký; để trống nếu ký và ghi tên bằng tay.")))
        self.office_shown = (office_settings.cutoff_hour, office_settings.head_name)
        self.tabs.addTab(page, _("Cơ quan"))

    def _office_info(self, info: Any) -> None:
        for key, value in (("office", info.office_name),
                           ("commune", f"{info.commune.name}, {info.province.name}"),
                           ("agency", info.agency_id), ("slot", str(info.device_slot))):
            self.office_labels[key].setText(value)

    def _calendar(self) -> None:
        page = QWidget()
        v = QVBoxLayout(page)
        v.addWidget(hint(_("Ngày nghỉ bù, ngày làm bù do tỉnh công bố hoặc cơ quan quyết định "
                           "thêm. Thời hạn giải quyết tính theo lịch này.")))
        self.calendar_table = _table([_("Ngày"), _("Loại"), _("Lý do"), _("Nguồn")])
        self.calendar_table.setObjectName("calendarTable")
        v.addWidget(self.calendar_table, 1)
        row = QHBoxLayout()
        self.override_day = QDateEdit(QDate.currentDate())
        self.override_day.setObjectName("overrideDay")
        self.override_day.setDisplayFormat("dd/MM/yyyy")
        self.override_day.setCalendarPopup(True)
        self.override_kind = QComboBox()
        self.override_kind.setObjectName("overrideKind")
        self.override_kind.addItem(_("Ngày nghỉ"), "off")
        self.override_kind.addItem(_("Ngày làm việc (làm bù)"), "work")
        self.override_reason = QLineEdit()
        self.override_reason.setObjectName("overrideReason")
        self.override_reason.setPlaceholderText(_("Lý do"))
        self.override_source = QLineEdit()
        self.override_source.setObjectName("overrideSource")
        self.override_source.setPlaceholderText(_("Căn cứ (số văn bản)"))
        add = QPushButton(_("Thêm"))
        add.setObjectName("addOverride")
        add.clicked.connect(self.add_override)
        for w in (self.override_day, self.override_kind, self.override_reason,
                  self.override_source, add):
            row.addWidget(w)
        v.addLayout(row)
        self.tabs.addTab(page, _("Lịch làm việc"))
        self.load_calendar()

    def _accounts(self) -> None:
        page = QWidget()
        v = QVBoxLayout(page)
        self.accounts_table = _table([_("Tên đăng nhập"), _("Họ tên"), _("Vai trò"),
                                      _("Trạng thái"), _("Thay đổi gần nhất")])
        self.accounts_table.setObjectName("accountsTable")
        self.accounts_table.itemSelectionChanged.connect(self._account_buttons)
        v.addWidget(self.accounts_table, 1)
        row = QHBoxLayout()
        self.reset_button = QPushButton(_("Đặt lại mật khẩu…"))
        self.reset_button.setObjectName("resetPassword")
        self.reset_button.clicked.connect(self.reset_password)
        self.role_button = QPushButton(_("Đổi vai trò…"))
        self.role_button.setObjectName("changeRole")
        self.role_button.clicked.connect(self.change_role)
        self.active_button = QPushButton(_("Khóa tài khoản…"))
        self.active_button.setObjectName("toggleActive")
        self.active_button.clicked.connect(self.toggle_active)
        for b in (self.reset_button, self.role_button, self.active_button):
            row.addWidget(b)
        row.addStretch(1)
        v.addLayout(row)
        v.addWidget(hint(_("Tài khoản không bao giờ bị xóa: người đã chuyển công tác thì khóa "
                           "tài khoản, những gì họ đã ghi vẫn giữ nguyên tên họ.")))
        v.addWidget(heading(_("Tạo tài khoản mới"), 11))
        form = QFormLayout()
        self.new_username = QLineEdit()
        self.new_username.setObjectName("newUsername")
        self.new_full_name = QLineEdit()
        self.new_full_name.setObjectName("newFullName")
        self.new_role = QComboBox()
        self.new_role.setObjectName("newRole")
        for code, (vi, en) in ROLES.items():
            self.new_role.addItem(pair(vi, en), code)
        self.new_password = QLineEdit()
        self.new_password.setObjectName("newPassword")
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        create = QPushButton(_("Tạo tài khoản"))
        create.setObjectName("createAccount")
        create.clicked.connect(self.create_account)
        form.addRow(_("Tên đăng nhập"), self.new_username)
        form.addRow(_("Họ và tên"), self.new_full_name)
        form.addRow(_("Vai trò"), self.new_role)
        form.addRow(_("Mật khẩu ban đầu"), self.new_password)
        self.new_must_change = QCheckBox(_("Người dùng phải đổi mật khẩu khi đăng nhập lần đầu"))
        self.new_must_change.setObjectName("newMustChange")
        self.new_must_change.setChecked(True)
        form.addRow("", self.new_must_change)
        form.addRow("", create)
        v.addLayout(form)
        self.tabs.addTab(page, _("Tài khoản"))
        self.load_accounts()

    # --- loading and saving --------------------------------------------------------------------

    def _stop_listening(self, _result: int = 0) -> None:
        try:
            self.ctx.bus.changed.disconnect(self._register_changed)
        except TypeError:  # already
            pass

    def _register_changed(self, changes: Changes) -> None:
        if changes.accounts and self.accounts_table is not None:
            self.load_accounts()
        if changes.calendar and self.calendar_table is not None:
            self.load_calendar()
        if changes.settings:
            reg = self.ctx.register
            run_op(lambda c: (reg.office() if self.office_labels else None, reg.settings()),
                   on_success=self._office_rows, parent=self)

    def _office_rows(self, loaded: tuple[Any, Any]) -> None:
        """New office settings: shown, except in a field the user is editing (changed since
        it was shown), which keeps what they typed."""
        info, office_settings = loaded
        if info is not None:
            self._office_info(info)
        hour, head = self.office_shown
        if self.cutoff.value() == hour:
            self.cutoff.setValue(office_settings.cutoff_hour)
        if self.head_name.text() == head:
            self.head_name.setText(office_settings.head_name)
        self.office_shown = (office_settings.cutoff_hour, office_settings.head_name)

    def load_calendar(self) -> None:
        run_op(lambda c: self.ctx.register.calendar_overrides(), on_success=self._calendar_rows,
               parent=self)

    def _calendar_rows(self, rows: list[CalendarOverride]) -> None:
        table = self.calendar_table
        if table is None:
            return
        table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            kind = _("Nghỉ") if r.kind == "off" else _("Làm việc")
            for col, value in enumerate((r.day.strftime("%d/%m/%Y"), kind, r.reason, r.source)):
                table.setItem(i, col, QTableWidgetItem(value))
        table.resizeColumnsToContents()

    def load_accounts(self) -> None:
        reg = self.ctx.register
        run_op(lambda c: (reg.accounts(), reg.account_changes()),
               on_success=self._account_rows, parent=self)

    def _account_rows(self, loaded: tuple[list[AccountView], list[AccountChange]]) -> None:
        table = self.accounts_table
        if table is None:
            return
        rows, changes = loaded
        last = {c.username: c for c in changes}
        selected = self.selected_account()
        self.accounts_shown = rows
        table.setRowCount(len(rows))
        for i, a in enumerate(rows):
            role = pair(*ROLES.get(a.role, (a.role, a.role)))
            state = _("Đang dùng") if a.active else _("Đã khóa")
            change = last.get(a.username)
            when = _("{when} · {what} (bởi {actor})").format(
                when=fmt_dt(change.at), what=change.describe(lang()),
                actor=change.actor) if change else ""
            for col, value in enumerate((a.username, a.full_name, role, state, when)):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if not a.active:
                    item.setForeground(widgets.MUTED_FG)
                table.setItem(i, col, item)
            if selected is not None and a.username == selected.username:
                table.selectRow(i)
        table.resizeColumnsToContents()
        self._account_buttons()

    def selected_account(self) -> AccountView | None:
        items = self.accounts_table.selectedItems() if self.accounts_table is not None else []
        if not items or items[0].row() >= len(self.accounts_shown):
            return None
        return self.accounts_shown[items[0].row()]

    def _account_buttons(self) -> None:
        # The register decides what may change (the last administrator, one's own account);
        # one's own password is changed with "Đổi mật khẩu", which asks for the current one.
        account = self.selected_account()
        own = account is not None and account.username == self.ctx.user.username
        self.reset_button.setEnabled(account is not None and not own)
        self.reset_button.setToolTip(_("Mật khẩu của chính mình: dùng nút «Đổi mật khẩu» trên "
                                       "thanh công cụ.") if own else "")
        self.role_button.setEnabled(account is not None)
        self.active_button.setEnabled(account is not None)
        self.active_button.setText(_("Mở khóa tài khoản…") if account is not None
                                   and not account.active else _("Khóa tài khoản…"))

    def _failed(self, exc: BaseException) -> None:
        if is_known(exc):
            show_banner(self.error, user_message(exc))
        else:
            report(self, exc)

    def _ok(self, text: str) -> None:
        show_banner(self.error, "")
        show_banner(self.message, text)

    def add_override(self) -> None:
        day: date = self.override_day.date().toPyDate()
        kind, reason = self.override_kind.currentData(), self.override_reason.text()
        source, actor = self.override_source.text(), self.ctx.user.username

        def done(_r: Any) -> None:
            self._ok(_("Đã lưu ngày {day}.").format(day=day.strftime("%d/%m/%Y")))
            self.override_reason.clear()

        run_op(lambda c: self.ctx.register.set_calendar_override(day, kind, reason, source,
                                                                 actor),
               on_success=done, on_failure=self._failed, parent=self, kind="write")

    def ask(self, dialog: QDialog) -> bool:
        return dialog.exec() == QDialog.DialogCode.Accepted

    def _account_write(self, work: Callable[[], Any], done_text: str) -> None:
        def done(_r: Any) -> None:
            self._ok(done_text)

        run_op(lambda c: work(), on_success=done, on_failure=self._failed, parent=self,
               kind="write")

    def reset_password(self) -> None:
        account, reg, actor = self.selected_account(), self.ctx.register, self.ctx.user.username
        if account is None:
            return
        dialog = PasswordDialog(
            _("Đặt lại mật khẩu cho {user}").format(user=account.username),
            _("{name} sẽ đăng nhập bằng mật khẩu mới này. Hãy báo trực tiếp cho người đó và "
              "nhắc họ tự đổi mật khẩu sau khi đăng nhập.").format(name=account.full_name),
            lambda _current, new: reg.reset_password(account.username, new, actor), self)
        if self.ask(dialog):
            self._ok(_("Đã đặt lại mật khẩu cho {user}.").format(user=account.username))

    def change_role(self) -> None:
        account, reg, actor = self.selected_account(), self.ctx.register, self.ctx.user.username
        if account is None:
            return
        dialog = StepDialog(
            _("Đổi vai trò của {user}").format(user=account.username),
            [Field("role", _("Vai trò mới"), "choice", required=True, default=account.role,
                   options=[(code, pair(vi, en)) for code, (vi, en) in ROLES.items()])],
            self, intro=_("Vai trò quyết định những việc {name} được làm; vai trò mới có hiệu "
                          "lực từ lần đăng nhập sau.").format(name=account.full_name),
            ok_text=_("Đổi vai trò"))
        if not self.ask(dialog):
            return
        role = str(dialog.values()["role"])
        label = pair(*ROLES.get(role, (role, role)))
        self._account_write(lambda: reg.set_role(account.username, role, actor),
                            _("{user} nay có vai trò {role}.").format(user=account.username,
                                                                      role=label))

    def toggle_active(self) -> None:
        account, reg, actor = self.selected_account(), self.ctx.register, self.ctx.user.username
        if account is None:
            return
        if account.active:
            question = _("Khóa tài khoản {user} ({name})?\n\nNgười này sẽ không đăng nhập được "
                         "nữa. Hồ sơ và sổ họ đã ghi vẫn giữ nguyên tên họ; có thể mở khóa "
                         "lại sau.").format(user=account.username, name=account.full_name)
            yes, done = _("Khóa tài khoản"), _("Đã khóa tài khoản {user}.")
        else:
            question = _("Mở khóa tài khoản {user} ({name})? Người này sẽ đăng nhập lại được "
                         "bằng mật khẩu cũ.").format(user=account.username,
                                                    name=account.full_name)
            yes, done = _("Mở khóa"), _("Đã mở khóa tài khoản {user}.")
        if not widgets.confirm(self, question, yes, _("Không")):
            return
        active = not account.active
        self._account_write(lambda: reg.set_active(account.username, active, actor),
                            done.format(user=account.username))

    def create_account(self) -> None:
        values = (self.new_username.text(), self.new_full_name.text(),
                  self.new_role.currentData(), self.new_password.text())
        must_change = self.new_must_change.isChecked()

        def done(a: AccountView) -> None:
            self._ok(_("Đã tạo tài khoản {user}.").format(user=a.username))
            for w in (self.new_username, self.new_full_name, self.new_password):
                w.clear()

        actor = self.ctx.user.username
        run_op(lambda c: self.ctx.register.create_account(
            *values, actor=actor, must_change_password=must_change),
            on_success=done, on_failure=self._failed, parent=self, kind="write")

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Chọn thư mục sao lưu"),
                                                  self.backup_folder.text())
        if folder:
            self.backup_folder.setText(folder)

    def backup(self) -> None:
        folder = self.backup_folder.text().strip()
        if not folder:
            show_banner(self.error, _("Hãy chọn thư mục sao lưu trước."))
            return
        self.backup_button.setEnabled(False)

        def done(path: Any) -> None:
            self.backup_button.setEnabled(True)
            self._ok(_("Đã sao lưu vào {path}").format(path=path))

        def failed(exc: BaseException) -> None:
            self.backup_button.setEnabled(True)
            self._failed(exc)

        run_op(lambda c: backup_now(self.ctx.register, folder), on_success=done,
               on_failure=failed, parent=self, kind="background",
               progress=_("Đang sao lưu sổ đăng ký…"))

    def save(self) -> None:
        s = self.ctx.settings
        old_lang = s.get(opts.LANGUAGE)
        s.set(opts.LANGUAGE, self.language.currentData())
        s.set(opts.PAPER_SIZE, self.paper.currentData())
        s.set(opts.PRINTER, self.printer.currentData())
        s.set(opts.BACKUP_FOLDER, self.backup_folder.text().strip())
        text = _("Đã lưu cài đặt.")
        if old_lang != self.language.currentData():
            text += " " + _("Ngôn ngữ mới có hiệu lực khi mở lại chương trình.")
        if not self.ctx.can("settings"):
            self._ok(text)
            return
        reg, current = self.ctx.register, self.ctx.register.settings()
        hour, head = self.cutoff.value(), self.head_name.text().strip()

        def write(_c: Any) -> None:
            if hour != current.cutoff_hour:
                reg.set_cutoff_hour(hour)
            if head != current.head_name:
                reg.set_head_name(head)

        run_op(write, on_success=lambda _r: self._ok(text), on_failure=self._failed,
               parent=self, kind="write")
