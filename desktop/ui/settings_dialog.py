"""Settings: this PC's preferences (language, paper, printer, backup folder) and, for the
administrator, the office's rules kept in the register (cut-off hour, calendar, accounts)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from desktop.register.accounts import ROLES
from desktop.register.calendar import CalendarOverride
from desktop.register.ui_support import backup_now
from desktop.register.views import AccountView
from desktop.ui import settings as opts
from desktop.ui.context import AppContext
from desktop.ui.errors import is_known, report, user_message
from desktop.ui.i18n import LANGUAGES, _, pair
from desktop.ui.ops import run_op
from desktop.ui.qt import (
    QComboBox,
    QDate,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
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
from desktop.ui.widgets import banner, hint, show_banner

log = logging.getLogger(__name__)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(len(headers) - 1,
                                                  QHeaderView.ResizeMode.Stretch)
    return table


class SettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
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
        buttons = QDialogButtonBox()
        save = buttons.addButton(_("Lưu"), QDialogButtonBox.ButtonRole.AcceptRole)
        save.setObjectName("saveSettings")
        close = buttons.addButton(_("Đóng"), QDialogButtonBox.ButtonRole.RejectRole)
        save.clicked.connect(self.save)
        close.clicked.connect(self.reject)
        layout.addWidget(buttons)

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
        try:
            info = self.ctx.register.office()
            form.addRow(_("Cơ quan"), QLabel(info.office_name))
            form.addRow(_("Xã, phường"), QLabel(f"{info.commune.name}, {info.province.name}"))
            form.addRow(_("Mã định danh"), QLabel(info.agency_id))
            form.addRow(_("Số máy"), QLabel(str(info.device_slot)))
        except Exception as exc:  # noqa: BLE001 - shown without the office block
            log.warning("office details unavailable: %s", exc)
        self.cutoff = QSpinBox()
        self.cutoff.setObjectName("cutoffHour")
        self.cutoff.setRange(11, 17)
        self.cutoff.setSuffix(_(" giờ"))
        self.cutoff.setValue(self.ctx.register.settings().cutoff_hour)
        self.cutoff.setEnabled(self.ctx.can("settings"))
        form.addRow(_("Giờ chốt nhận hồ sơ trong ngày"), self.cutoff)
        form.addRow("", hint(_("Hồ sơ nhận sau giờ này được tính từ ngày làm việc tiếp theo "
                              "(Luật Hộ tịch, Điều 5: 15 giờ).")
                             + ("" if self.ctx.can("settings") else " " + _(
                                 "Chỉ quản trị viên được thay đổi."))))
        self.tabs.addTab(page, _("Cơ quan"))

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
        self.accounts_table = _table([_("Tên đăng nhập"), _("Họ tên"), _("Vai trò")])
        self.accounts_table.setObjectName("accountsTable")
        v.addWidget(self.accounts_table, 1)
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
        form.addRow("", create)
        v.addLayout(form)
        self.tabs.addTab(page, _("Tài khoản"))
        self.load_accounts()

    # --- loading and saving --------------------------------------------------------------------

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
        run_op(lambda c: self.ctx.register.accounts(), on_success=self._account_rows,
               parent=self)

    def _account_rows(self, rows: list[AccountView]) -> None:
        table = self.accounts_table
        if table is None:
            return
        table.setRowCount(len(rows))
        for i, a in enumerate(rows):
            role = pair(*ROLES.get(a.role, (a.role, a.role)))
            for col, value in enumerate((a.username, a.full_name, role)):
                table.setItem(i, col, QTableWidgetItem(value))

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
            self.load_calendar()

        run_op(lambda c: self.ctx.register.set_calendar_override(day, kind, reason, source,
                                                                 actor),
               on_success=done, on_failure=self._failed, parent=self, kind="write")

    def create_account(self) -> None:
        values = (self.new_username.text(), self.new_full_name.text(),
                  self.new_role.currentData(), self.new_password.text())

        def done(a: AccountView) -> None:
            self._ok(_("Đã tạo tài khoản {user}.").format(user=a.username))
            for w in (self.new_username, self.new_full_name, self.new_password):
                w.clear()
            self.load_accounts()

        run_op(lambda c: self.ctx.register.create_account(*values, actor=self.ctx.user.username),
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
        if self.ctx.can("settings") and \
                self.cutoff.value() != self.ctx.register.settings().cutoff_hour:
            hour = self.cutoff.value()
            run_op(lambda c: self.ctx.register.set_cutoff_hour(hour),
                   on_success=lambda _r: self._ok(text), on_failure=self._failed, parent=self,
                   kind="write")
            return
        self._ok(text)
