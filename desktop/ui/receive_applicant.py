"""The receiving dialog's applicant part: the ID card's QR code, a known applicant filled in,
open dossiers of the same person warned about, an authorised representative.

A mixin of desktop.ui.receive.ReceiveDialog (whose widgets and context it uses); kept apart so
that each module stays readable.
"""

from __future__ import annotations

from typing import Any, cast

from desktop.register.catalogue import Procedure
from desktop.register.errors import RegisterError
from desktop.register.idcard import parse_id_card_qr
from desktop.register.textnorm import nfc
from desktop.register.validation import SEX_FEMALE, SEX_MALE
from desktop.register.views import ApplicantInput, DossierRow
from desktop.ui.context import AppContext
from desktop.ui.i18n import _, lang
from desktop.ui.ops import run_op
from desktop.ui.qt import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.widgets import banner, fmt_dt, show_banner
from sync.lifecycle import LOCAL_TZ


def _sex_label(value: str | None) -> str:
    if not value:
        return ""
    return {SEX_MALE: "Nam", SEX_FEMALE: "Nữ"}.get(value.lower(), value)


def _dmy(iso: str | None) -> str:
    if not iso:
        return ""
    parts = str(iso).split("-")
    return f"{parts[2]}/{parts[1]}/{parts[0]}" if len(parts) == 3 else str(iso)


class ApplicantMixin:
    """The applicant group of ReceiveDialog and what its fields do."""

    ctx: AppContext
    procedure: Procedure | None
    error: QLabel
    _lookup_id: str = ""

    def _build_applicant(self) -> QGroupBox:
        """The group «2. Người nộp hồ sơ»: the card's QR, the applicant, a proxy."""
        right = QGroupBox(_("2. Người nộp hồ sơ"))
        rv = QVBoxLayout(right)
        form = QFormLayout()
        self.qr = QLineEdit()
        self.qr.setObjectName("qrField")
        self.qr.setPlaceholderText(_("Đặt con trỏ vào đây rồi quét mã QR trên thẻ căn cước"))
        self.id_number = QLineEdit()
        self.id_number.setObjectName("idNumber")
        self.id_number.setPlaceholderText(_("12 chữ số"))
        self.full_name = QLineEdit()
        self.full_name.setObjectName("fullName")
        self.birth_date = QLineEdit()
        self.birth_date.setObjectName("birthDate")
        self.birth_date.setPlaceholderText(_("ngày/tháng/năm"))
        self.sex = QComboBox()
        self.sex.setObjectName("sex")
        self.sex.addItem("", "")
        self.sex.addItem("Nam", "Nam")
        self.sex.addItem("Nữ", "Nữ")
        self.address = QLineEdit()
        self.address.setObjectName("address")
        self.phone = QLineEdit()
        self.phone.setObjectName("phone")
        self.email = QLineEdit()
        self.email.setObjectName("email")
        form.addRow(_("Quét thẻ căn cước"), self.qr)
        form.addRow(_("Số định danh cá nhân"), self.id_number)
        form.addRow(_("Họ và tên") + " *", self.full_name)
        form.addRow(_("Ngày sinh"), self.birth_date)
        form.addRow(_("Giới tính"), self.sex)
        form.addRow(_("Địa chỉ"), self.address)
        form.addRow(_("Điện thoại"), self.phone)
        form.addRow(_("Thư điện tử"), self.email)
        rv.addLayout(form)
        self.applicant_note = banner("info")
        self.applicant_note.setObjectName("applicantNote")
        rv.addWidget(self.applicant_note)
        self.open_warning = banner("warning")
        self.open_warning.setObjectName("openDossierWarning")
        rv.addWidget(self.open_warning)

        self.by_proxy = QCheckBox(_("Người được ủy quyền nộp thay"))
        self.by_proxy.setObjectName("byProxy")
        rv.addWidget(self.by_proxy)
        self.proxy_box = QWidget()
        pf = QFormLayout(self.proxy_box)
        pf.setContentsMargins(0, 0, 0, 0)
        self.proxy_name = QLineEdit()
        self.proxy_id = QLineEdit()
        self.proxy_paper = QLineEdit()
        self.proxy_paper.setPlaceholderText(_("Số, ngày giấy ủy quyền"))
        pf.addRow(_("Họ tên người nộp thay"), self.proxy_name)
        pf.addRow(_("Số định danh"), self.proxy_id)
        pf.addRow(_("Giấy ủy quyền"), self.proxy_paper)
        self.proxy_box.setVisible(False)
        self.by_proxy.toggled.connect(self.proxy_box.setVisible)
        rv.addWidget(self.proxy_box)
        rv.addStretch(1)
        return right

    def _qr_scanned(self) -> None:
        text = self.qr.text()
        if text.strip():
            self.fill_from_qr(text)

    def fill_from_qr(self, text: str) -> bool:
        today = self.ctx.now().astimezone(LOCAL_TZ).date()
        try:
            card = parse_id_card_qr(text, today=today)
        except RegisterError as exc:
            show_banner(self.error, exc.message(lang()))
            return False
        self.qr.clear()
        self.id_number.setText(card.id_number)
        self.full_name.setText(card.full_name)
        self.birth_date.setText(card.birth_date.strftime("%d/%m/%Y"))
        self.sex.setCurrentIndex(max(0, self.sex.findData(_sex_label(card.sex))))
        self.address.setText(card.address)
        notes = [_("Đã đọc thẻ căn cước: {name}.").format(name=card.full_name)]
        notes += [w.message(lang()) for w in card.warnings]
        show_banner(self.applicant_note, " ".join(notes))
        show_banner(self.error, "")
        self._lookup(card.id_number, fill=False)
        self.phone.setFocus()
        return True

    def _id_entered(self) -> None:
        text = self.id_number.text()
        if "|" in text:  # the scanner typed the card's QR code into this field
            self.fill_from_qr(text)
            return
        digits = "".join(ch for ch in text if ch.isdigit())
        if len(digits) == 12:
            self._lookup(digits, fill=True)

    def _lookup(self, id_number: str, fill: bool) -> None:
        if id_number == self._lookup_id:
            self._check_open_dossiers()
            return
        self._lookup_id = id_number
        if fill:
            run_op(lambda c: self.ctx.register.known_applicant(id_number),
                   on_success=lambda found: self._known(id_number, found), parent=cast(QWidget, self))
        self._check_open_dossiers()

    def _known(self, id_number: str, found: dict[str, Any] | None) -> None:
        if not found or self.id_number.text().strip() != id_number:
            return
        filled = False
        for edit, value in ((self.full_name, found.get("full_name")),
                            (self.birth_date, _dmy(found.get("birth_date"))),
                            (self.address, found.get("address")),
                            (self.phone, found.get("phone")), (self.email, found.get("email"))):
            if value and not edit.text().strip():
                edit.setText(str(value))
                filled = True
        if found.get("sex") and not self.sex.currentData():
            self.sex.setCurrentIndex(max(0, self.sex.findData(_sex_label(found["sex"]))))
            filled = True
        if filled:
            show_banner(self.applicant_note, _("Đã điền thông tin từ hồ sơ trước của người này; "
                                               "hãy kiểm tra lại với công dân."))

    def _check_open_dossiers(self) -> None:
        digits = "".join(ch for ch in self.id_number.text() if ch.isdigit())
        if len(digits) != 12 or self.procedure is None:
            show_banner(self.open_warning, "")
            return
        code = self.procedure.code
        run_op(lambda c: self.ctx.register.open_dossiers_of(digits, code),
               on_success=self._open_found, parent=cast(QWidget, self))

    def _open_found(self, rows: list[DossierRow]) -> None:
        if not rows:
            show_banner(self.open_warning, "")
            return
        items = "; ".join(_("{code} (hẹn trả {due})").format(code=r.code, due=fmt_dt(r.due_at))
                          for r in rows[:3])
        show_banner(self.open_warning, _(
            "Người này đang có {n} hồ sơ cùng thủ tục chưa giải quyết xong: {items}. "
            "Hãy kiểm tra trước khi tiếp nhận thêm.").format(n=len(rows), items=items))

    def applicant_inputs(self) -> tuple[ApplicantInput, ApplicantInput | None]:
        """The applicant and the authorised representative (None) as typed."""
        applicant = ApplicantInput(
            full_name=nfc(self.full_name.text()).strip(),
            id_number=self.id_number.text().strip() or None,
            birth_date=self.birth_date.text().strip() or None,
            sex=self.sex.currentData() or None,
            address=nfc(self.address.text()).strip() or None,
            phone=self.phone.text().strip() or None,
            email=self.email.text().strip() or None)
        representative = None
        if self.by_proxy.isChecked():
            representative = ApplicantInput(full_name=nfc(self.proxy_name.text()).strip(),
                                            id_number=self.proxy_id.text().strip() or None)
        return applicant, representative
