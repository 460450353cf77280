"""First start: the commune this PC serves, the office's identity, the first administrator."""

from __future__ import annotations

from typing import Any

from desktop.register.accounts import check_password_strength
from desktop.register.errors import RegisterError
from desktop.register.office import communes, provinces, validate_agency_id
from desktop.ui import settings as opts
from desktop.ui.errors import is_known, report, user_message
from desktop.ui.i18n import _, lang
from desktop.ui.ops import run_op
from desktop.ui.qt import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)
from desktop.ui.widgets import FilterList, banner, hint, show_banner


class PlacePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_("Xã, phường nơi đặt máy"))
        self.setSubTitle(_("Gõ tên tỉnh và tên xã, không cần dấu (ví dụ «ha noi», «hoan kiem»)."))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Tỉnh, thành phố")))
        self.province = FilterList(_("Tìm tỉnh, thành phố…"), visible_rows=5)
        self.province.setObjectName("provinceList")
        self.province.set_items([(p.name, p.code) for p in provinces()])
        layout.addWidget(self.province)
        layout.addWidget(QLabel(_("Xã, phường, đặc khu")))
        self.commune = FilterList(_("Tìm xã, phường…"), visible_rows=7)
        self.commune.setObjectName("communeList")
        layout.addWidget(self.commune)
        self.error = banner("error")
        layout.addWidget(self.error)
        self.province.chosen.connect(self._province_chosen)

    def _province_chosen(self, code: object) -> None:
        self.commune.edit.clear()
        self.commune.set_items([(c.name, c.code) for c in communes(int(code))])  # type: ignore[call-overload]

    def validatePage(self) -> bool:
        if self.province.selected() is None:
            show_banner(self.error, _("Hãy chọn tỉnh, thành phố."))
            return False
        if self.commune.selected() is None:
            show_banner(self.error, _("Hãy chọn xã, phường."))
            return False
        show_banner(self.error, "")
        return True


class OfficePage(QWizardPage):
    def __init__(self, settings: opts.UiSettings) -> None:
        super().__init__()
        self.settings = settings
        self.setTitle(_("Thông tin cơ quan"))
        self.setSubTitle(_("Tên in trên các phiếu và mã định danh điện tử dùng trong mã hồ sơ."))
        form = QFormLayout(self)
        self.office_name = QLineEdit()
        self.office_name.setObjectName("officeName")
        self.agency_id = QLineEdit()
        self.agency_id.setObjectName("agencyId")
        self.agency_id.setPlaceholderText("000.00.01.H29")
        self.device_slot = QSpinBox()
        self.device_slot.setRange(1, 9)
        self.paper = QComboBox()
        self.paper.addItem("A4", "A4")
        self.paper.addItem("A5", "A5")
        form.addRow(_("Tên bộ phận một cửa"), self.office_name)
        form.addRow(_("Mã định danh điện tử"), self.agency_id)
        form.addRow("", hint(_("Tối đa 35 ký tự A–Z, 0–9, phân cấp bằng dấu chấm; do tỉnh cấp.")))
        form.addRow(_("Số máy trong cơ quan"), self.device_slot)
        form.addRow("", hint(_("Mỗi máy của cùng cơ quan một số khác nhau (1–9), để mã hồ sơ "
                              "không trùng khi làm việc không có mạng.")))
        form.addRow(_("Khổ giấy in"), self.paper)
        self.error = banner("error")
        form.addRow(self.error)

    def initializePage(self) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, FirstStartWizard)
        if not self.office_name.text():
            name = wizard.place.commune.edit.text()
            # Printed on the forms: Vietnamese whatever the UI language.
            self.office_name.setText(f"Bộ phận một cửa {name}")

    def validatePage(self) -> bool:
        try:
            self.agency_id.setText(validate_agency_id(self.agency_id.text()))
            if not self.office_name.text().strip():
                raise RegisterError("Hãy nhập tên bộ phận một cửa.",
                                    "Enter the office's name.")
        except RegisterError as exc:
            show_banner(self.error, exc.message(lang()))
            return False
        self.settings.set(opts.PAPER_SIZE, self.paper.currentData())
        show_banner(self.error, "")
        return True


class AdminPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_("Tài khoản quản trị đầu tiên"))
        self.setSubTitle(_("Quản trị viên tạo tài khoản cho các công chức khác sau khi đăng nhập."))
        form = QFormLayout(self)
        self.username = QLineEdit("admin")
        self.username.setObjectName("adminUsername")
        self.full_name = QLineEdit()
        self.full_name.setObjectName("adminFullName")
        self.password = QLineEdit()
        self.password.setObjectName("adminPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit()
        self.password2.setObjectName("adminPassword2")
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_("Tên đăng nhập"), self.username)
        form.addRow(_("Họ và tên"), self.full_name)
        form.addRow(_("Mật khẩu (ít nhất 8 ký tự)"), self.password)
        form.addRow(_("Nhập lại mật khẩu"), self.password2)
        self.error = banner("error")
        form.addRow(self.error)

    def validatePage(self) -> bool:
        wizard = self.wizard()
        assert isinstance(wizard, FirstStartWizard)
        if wizard.finished_setup:
            return True
        try:
            check_password_strength(self.password.text())
        except RegisterError as exc:
            show_banner(self.error, exc.message(lang()))
            return False
        if self.password.text() != self.password2.text():
            show_banner(self.error, _("Hai lần nhập mật khẩu không giống nhau."))
            return False
        show_banner(self.error, "")
        wizard.save()
        return False  # the wizard closes itself when the register has saved


class FirstStartWizard(QWizard):
    """Declares the office on an empty register and creates its administrator."""

    def __init__(self, register: Any, settings: opts.UiSettings, parent: QWidget | None = None,
                 need_office: bool = True):
        super().__init__(parent)
        self.register = register
        self.settings = settings
        self.need_office = need_office
        self.finished_setup = False
        self.admin_username = ""
        self.setObjectName("firstStartWizard")
        self.setWindowTitle(_("Thiết lập lần đầu — motcua"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, _("Tiếp theo >"))
        self.setButtonText(QWizard.WizardButton.BackButton, _("< Quay lại"))
        self.setButtonText(QWizard.WizardButton.FinishButton, _("Hoàn tất"))
        self.setButtonText(QWizard.WizardButton.CancelButton, _("Hủy"))
        self.resize(640, 560)
        self.place = PlacePage()
        self.office = OfficePage(settings)
        self.admin = AdminPage()
        if need_office:
            self.addPage(self.place)
            self.addPage(self.office)
        self.addPage(self.admin)

    def save(self) -> None:
        place, office, admin = self.place, self.office, self.admin
        values = {
            "province": place.province.selected(), "commune": place.commune.selected(),
            "agency": office.agency_id.text(), "office": office.office_name.text().strip(),
            "slot": office.device_slot.value(), "username": admin.username.text().strip(),
            "full_name": admin.full_name.text().strip(), "password": admin.password.text(),
        }
        need_office = self.need_office

        def work(ctx: Any) -> str:
            if need_office and not self.register.is_set_up():
                self.register.setup_office(
                    province_code=values["province"], commune_code=values["commune"],
                    agency_id=values["agency"], office_name=values["office"],
                    device_slot=values["slot"])
            account = self.register.create_account(values["username"], values["full_name"],
                                                   "admin", values["password"])
            return str(account.username)

        self.button(QWizard.WizardButton.FinishButton).setEnabled(False)
        run_op(work, on_success=self._saved, on_failure=self._failed, parent=self, kind="write")

    def _saved(self, username: str) -> None:
        self.finished_setup = True
        self.admin_username = username
        self.settings.set(opts.LAST_USER, username)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.button(QWizard.WizardButton.FinishButton).setEnabled(True)
        if is_known(exc):
            show_banner(self.admin.error, user_message(exc))
        else:
            report(self, exc)
