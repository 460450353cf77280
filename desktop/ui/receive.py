"""Receive a dossier at the desk (or from the post): procedure, checklist, applicant, receipt.

Keyboard flow, top to bottom: type the procedure (accents optional) and Enter; Space ticks
papers, Enter moves on; scan the chip ID card's QR code (or type the identification number
first: a known applicant fills in); Ctrl+Enter saves and prints the receipt. Esc cancels,
after asking if anything was typed.
"""

from __future__ import annotations

from datetime import UTC, datetime

from desktop.register.catalogue import Procedure
from desktop.register.errors import RegisterError
from desktop.register.textnorm import nfc
from desktop.register.views import DossierInput, DossierView
from desktop.ui.context import AppContext
from desktop.ui.errors import is_known, report, user_message
from desktop.ui.i18n import _, lang
from desktop.ui.ops import run_op
from desktop.ui.qt import (
    QCheckBox,
    QCloseEvent,
    QComboBox,
    QDateTime,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QShortcut,
    QSpinBox,
    QStackedWidget,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desktop.ui.receive_applicant import ApplicantMixin
from desktop.ui.widgets import (
    EnterMovesForward,
    FilterList,
    banner,
    confirm,
    fmt_dt,
    fmt_money,
    heading,
    hint,
    install_enter_navigation,
    show_banner,
)
from sync.lifecycle import LOCAL_TZ

CHANNELS = ((1, "Trực tiếp tại quầy"), (3, "Qua dịch vụ bưu chính công ích"))


class ReceiveDialog(ApplicantMixin, QDialog):
    """Tiếp nhận hồ sơ: one screen, keyboard first."""

    received = Signal(object)  # DossierView

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.procedure: Procedure | None = None
        self.view: DossierView | None = None
        self._lookup_id = ""
        self._saving = False
        self.setObjectName("receiveDialog")
        self.setWindowTitle(_("Tiếp nhận hồ sơ"))
        self.resize(1100, 780)
        outer = QVBoxLayout(self)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack)
        self.form_page = QWidget()
        self.done_page = QWidget()
        self.stack.addWidget(self.form_page)
        self.stack.addWidget(self.done_page)
        self._build_form()
        self._build_done()
        self.mover = EnterMovesForward(self)
        install_enter_navigation(self.form_page, self.mover)
        self.documents.installEventFilter(self.mover)
        for keys in ("Ctrl+Return", "Ctrl+Enter", "Ctrl+S"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self._shortcut_save)
        self.picker.edit.setFocus()

    # --- building -----------------------------------------------------------------------------

    def _build_form(self) -> None:
        page = QVBoxLayout(self.form_page)
        top = QHBoxLayout()
        top.addWidget(heading(_("Tiếp nhận hồ sơ"), 15))
        top.addStretch(1)
        top.addWidget(QLabel(_("Kênh tiếp nhận")))
        self.channel = QComboBox()
        self.channel.setObjectName("channel")
        for code, label in CHANNELS:
            self.channel.addItem(_(label), code)
        top.addWidget(self.channel)
        self.received_at = QDateTimeEdit(self._local_now())
        self.received_at.setObjectName("receivedAt")
        self.received_at.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.received_at.setCalendarPopup(True)
        self.received_at.setVisible(False)
        self.received_label = QLabel(_("Ký biên bản giao nhận lúc"))
        self.received_label.setVisible(False)
        top.addWidget(self.received_label)
        top.addWidget(self.received_at)
        page.addLayout(top)

        grid = QGridLayout()
        page.addLayout(grid, 1)

        # Left: procedure, papers, fee.
        left = QGroupBox(_("1. Thủ tục và giấy tờ"))
        lv = QVBoxLayout(left)
        self.picker = FilterList(_("Gõ tên thủ tục, không cần dấu (ví dụ: khai sinh, xac nhan "
                                   "hon nhan)…"), visible_rows=4)
        self.picker.setObjectName("procedurePicker")
        self.picker.edit.setObjectName("procedureSearch")
        fields = {f.code: f.name for f in self.ctx.catalogue.fields}
        self.picker.set_items([(p.name, p.code) for p in self.ctx.catalogue.procedures],
                              {p.code: " ".join((fields.get(p.field, ""), p.national_code or ""))
                               for p in self.ctx.catalogue.procedures})
        lv.addWidget(self.picker)
        self.proc_info = hint("")
        self.proc_info.setObjectName("procedureInfo")
        lv.addWidget(self.proc_info)
        lv.addWidget(QLabel(_("Giấy tờ nộp (Phím cách để đánh dấu):")))
        self.documents = QListWidget()
        self.documents.setObjectName("documentList")
        self.documents.setMinimumHeight(130)
        self.documents.setWordWrap(True)
        self.documents.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.documents.setResizeMode(QListWidget.ResizeMode.Adjust)
        lv.addWidget(self.documents, 1)
        self.digitised = QCheckBox(_("Đã số hóa thành phần hồ sơ"))
        self.digitised.setObjectName("digitised")
        self.reused_data = QCheckBox(_("Có sử dụng lại dữ liệu đã số hóa"))
        self.reused_data.setObjectName("reusedData")
        self.reused_data.setToolTip(_("Giấy tờ lấy từ kho dữ liệu điện tử của người dân hoặc "
                                      "Cơ sở dữ liệu quốc gia về dân cư, không nộp bản giấy"))
        lv.addWidget(self.digitised)
        lv.addWidget(self.reused_data)
        fee_form = QFormLayout()
        self.sets = QSpinBox()
        self.sets.setObjectName("sets")
        self.sets.setRange(1, 20)
        fee_form.addRow(_("Số bộ hồ sơ"), self.sets)
        self.pages = QSpinBox()
        self.pages.setRange(1, 10_000)
        self.copies = QSpinBox()
        self.copies.setRange(1, 1000)
        self.pages_label, self.copies_label = QLabel(_("Số trang")), QLabel(_("Số bản"))
        fee_form.addRow(self.pages_label, self.pages)
        fee_form.addRow(self.copies_label, self.copies)
        self.exemption = QComboBox()
        self.exemption.setObjectName("exemption")
        self.exemption_label = QLabel(_("Miễn phí, lệ phí"))
        fee_form.addRow(self.exemption_label, self.exemption)
        self.fee_amount = QSpinBox()
        self.fee_amount.setObjectName("feeAmount")
        self.fee_amount.setRange(0, 100_000_000)
        self.fee_amount.setSingleStep(1000)
        self.fee_amount.setSuffix(" đ")
        self.fee_amount_label = QLabel(_("Lệ phí (theo HĐND tỉnh)"))
        fee_form.addRow(self.fee_amount_label, self.fee_amount)
        self.fee_label = QLabel()
        self.fee_label.setObjectName("feeLabel")
        self.fee_paid = QCheckBox(_("Đã thu phí, lệ phí"))
        self.fee_paid.setObjectName("feePaid")
        fee_form.addRow(_("Phí, lệ phí"), self.fee_label)
        fee_form.addRow("", self.fee_paid)
        lv.addLayout(fee_form)
        grid.addWidget(left, 0, 0)

        # Right: applicant and appointment.
        grid.addWidget(self._build_applicant(), 0, 1)

        appt = QGroupBox(_("3. Hẹn trả kết quả"))
        av = QVBoxLayout(appt)
        self.appointment_label = QLabel(_("Chọn thủ tục để tính ngày hẹn trả."))
        self.appointment_label.setObjectName("appointmentLabel")
        font = self.appointment_label.font()
        font.setPointSize(12)
        font.setBold(True)
        self.appointment_label.setFont(font)
        av.addWidget(self.appointment_label)
        row = QHBoxLayout()
        self.change_appt = QCheckBox(_("Đổi ngày hẹn (phải ghi lý do)"))
        self.change_appt.setObjectName("changeAppointment")
        self.appt_edit = QDateTimeEdit()
        self.appt_edit.setObjectName("appointmentEdit")
        self.appt_edit.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.appt_edit.setCalendarPopup(True)
        self.appt_reason = QLineEdit()
        self.appt_reason.setObjectName("appointmentReason")
        self.appt_reason.setPlaceholderText(_("Lý do đổi ngày hẹn"))
        for w in (self.appt_edit, self.appt_reason):
            w.setEnabled(False)
        self.change_appt.toggled.connect(self.appt_edit.setEnabled)
        self.change_appt.toggled.connect(self.appt_reason.setEnabled)
        row.addWidget(self.change_appt)
        row.addWidget(self.appt_edit)
        row.addWidget(self.appt_reason, 1)
        av.addLayout(row)
        grid.addWidget(appt, 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        self.error = banner("error")
        self.error.setObjectName("receiveError")
        page.addWidget(self.error)
        buttons = QHBoxLayout()
        keys = QLabel(_("Enter: sang ô tiếp theo · Ctrl+Enter: lưu và in · Esc: hủy"))
        keys.setStyleSheet("color: #5f6368;")
        buttons.addWidget(keys)
        buttons.addStretch(1)
        self.cancel_button = QPushButton(_("Hủy (Esc)"))
        self.cancel_button.setObjectName("cancelButton")
        self.save_only = QPushButton(_("Chỉ lưu"))
        self.save_only.setObjectName("saveOnlyButton")
        self.save_button = QPushButton(_("Lưu và in giấy tiếp nhận (Ctrl+Enter)"))
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        for b in (self.cancel_button, self.save_only, self.save_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        page.addLayout(buttons)

        self.cancel_button.clicked.connect(self.reject)
        self.save_only.clicked.connect(lambda: self.save(print_after=False))
        self.save_button.clicked.connect(lambda: self.save(print_after=True))
        self.picker.chosen.connect(self._procedure_chosen)
        self.channel.currentIndexChanged.connect(self._channel_changed)
        self.received_at.dateTimeChanged.connect(lambda *_a: self._update_appointment())
        self.documents.itemChanged.connect(lambda *_a: self._update_missing())
        for w in (self.pages, self.copies):
            w.valueChanged.connect(lambda *_a: self._update_fee())
        self.exemption.currentIndexChanged.connect(lambda *_a: self._update_fee())
        self.qr.editingFinished.connect(self._qr_scanned)
        self.id_number.editingFinished.connect(self._id_entered)
        self._show_fee_widgets(None)

    def _build_done(self) -> None:
        v = QVBoxLayout(self.done_page)
        v.addStretch(1)
        self.done_title = heading(_("Đã tiếp nhận hồ sơ"), 16)
        v.addWidget(self.done_title, 0, Qt.AlignmentFlag.AlignHCenter)
        self.done_code = QLabel()
        self.done_code.setObjectName("doneCode")
        self.done_code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.done_code.font()
        font.setPointSize(20)
        font.setBold(True)
        self.done_code.setFont(font)
        v.addWidget(self.done_code, 0, Qt.AlignmentFlag.AlignHCenter)
        self.done_info = QLabel()
        self.done_info.setObjectName("doneInfo")
        self.done_info.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        v.addWidget(self.done_info, 0, Qt.AlignmentFlag.AlignHCenter)
        self.done_warnings = banner("warning")
        v.addWidget(self.done_warnings)
        row = QHBoxLayout()
        row.addStretch(1)
        self.print_button = QPushButton(_("In giấy tiếp nhận"))
        self.print_button.setObjectName("printReceiptButton")
        self.new_button = QPushButton(_("Tiếp nhận hồ sơ khác"))
        self.new_button.setObjectName("newButton")
        self.open_button = QPushButton(_("Mở hồ sơ"))
        self.close_button = QPushButton(_("Đóng"))
        self.close_button.setObjectName("closeButton")
        for b in (self.print_button, self.new_button, self.open_button, self.close_button):
            row.addWidget(b)
        row.addStretch(1)
        v.addLayout(row)
        v.addStretch(2)
        self.print_button.clicked.connect(self.print_receipt)
        self.new_button.clicked.connect(self._new)
        self.open_button.clicked.connect(self._open_saved)
        self.close_button.clicked.connect(self.accept)

    # --- procedure, papers, fee, appointment ---------------------------------------------------

    def choose_procedure(self, code: str) -> None:
        self.picker.select(code)

    def _procedure_chosen(self, code: object) -> None:
        proc = self.ctx.catalogue.procedure(str(code))
        self.procedure = proc
        self.documents.clear()
        for doc in proc.documents:
            text = doc.name + ("" if doc.required else _(" (nếu có)"))
            if doc.original_shown:
                text += _(" — xuất trình bản chính")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, doc.code)
            item.setData(Qt.ItemDataRole.UserRole + 1, doc.required)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.documents.addItem(item)
        if self.documents.count():
            self.documents.setCurrentRow(0)
        unit = {"same_day": _("trong ngày"), "working_days": _("ngày làm việc"),
                "working_hours": _("giờ làm việc")}.get(proc.processing.unit, "")
        amount = "" if proc.processing.unit == "same_day" else f"{proc.processing.amount} "
        info = _("Thời hạn giải quyết: {time}. Kết quả: {result}.").format(
            time=amount + unit, result=proc.result)
        if not proc.postal_return:
            info += " " + _("Không trả kết quả qua bưu chính.")
        self.proc_info.setText(info)
        self.exemption.clear()
        self.exemption.addItem(_("Không"), "")
        for ex in proc.fee.exemptions:
            self.exemption.addItem(ex.label, ex.code)
        self._show_fee_widgets(proc)
        self._update_fee()
        self._update_appointment()
        self._update_missing()
        self._check_open_dossiers()

    def _show_fee_widgets(self, proc: Procedure | None) -> None:
        per_page = bool(proc and proc.fee.per_page)
        by_province = bool(proc and proc.fee.amount is None and not proc.fee.per_page)
        for w in (self.pages, self.copies, self.pages_label, self.copies_label):
            w.setVisible(per_page)
        for w in (self.fee_amount, self.fee_amount_label):
            w.setVisible(by_province)
        has_exemptions = bool(proc and proc.fee.exemptions)
        self.exemption.setVisible(has_exemptions)
        self.exemption_label.setVisible(has_exemptions)

    def _update_fee(self) -> None:
        proc = self.procedure
        if proc is None:
            self.fee_label.setText("")
            return
        exemptions = (self.exemption.currentData(),) if self.exemption.currentData() else ()
        if proc.fee.amount is None and not proc.fee.per_page:
            if exemptions:
                self.fee_label.setText(_("Miễn"))
            else:
                self.fee_label.setText(_("Do HĐND tỉnh quy định — nhập số tiền ở trên"))
            return
        try:
            fee = proc.fee.compute(pages=self.pages.value(), copies=self.copies.value(),
                                   exemptions=exemptions)
        except RegisterError as exc:
            self.fee_label.setText(exc.message(lang()))
            return
        self.fee_label.setText(fmt_money(fee) if fee else _("Không thu"))

    def _receipt_time(self) -> datetime:
        if self.channel.currentData() == 3:
            return self.received_at.dateTime().toPyDateTime().replace(
                tzinfo=LOCAL_TZ).astimezone(UTC)
        return self.ctx.now()

    def _local_now(self) -> QDateTime:
        local = self.ctx.now().astimezone(LOCAL_TZ)
        return QDateTime(local.date(), local.time().replace(second=0, microsecond=0))

    def _update_appointment(self) -> None:
        proc = self.procedure
        if proc is None:
            return
        try:
            due = self.ctx.register.calendar().appointment(
                self._receipt_time(), proc.processing.amount, proc.processing.unit)
        except RegisterError as exc:
            self.appointment_label.setText(exc.message(lang()))
            return
        self.computed_appointment = due
        self.appointment_label.setText(_("Hẹn trả kết quả: {when}").format(when=fmt_dt(due)))
        local = due.astimezone(LOCAL_TZ)
        if not self.change_appt.isChecked():
            self.appt_edit.setDateTime(QDateTime(local.date(), local.time().replace(
                microsecond=0)))

    def _channel_changed(self) -> None:
        postal = self.channel.currentData() == 3
        self.received_at.setVisible(postal)
        self.received_label.setVisible(postal)
        if postal:
            self.received_at.setDateTime(self._local_now())
        self._update_appointment()

    def _checked_documents(self) -> tuple[str, ...]:
        out = []
        for row in range(self.documents.count()):
            item = self.documents.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return tuple(out)

    def _missing_required(self) -> list[str]:
        out = []
        for row in range(self.documents.count()):
            item = self.documents.item(row)
            if item.data(Qt.ItemDataRole.UserRole + 1) and \
                    item.checkState() != Qt.CheckState.Checked:
                out.append(item.text())
        return out

    def _update_missing(self) -> None:
        missing = self._missing_required()
        if self.procedure is not None:
            self.proc_info.setStyleSheet("color: #5f6368;")
        self.save_button.setToolTip(
            _("Còn thiếu: {docs}").format(docs="; ".join(missing)) if missing else "")

    # --- saving ------------------------------------------------------------------------------------

    def is_dirty(self) -> bool:
        if self.view is not None:
            return False
        fields = (self.full_name, self.id_number, self.address, self.phone, self.email,
                  self.birth_date, self.qr)
        return self.procedure is not None or any(f.text().strip() for f in fields)

    def build_input(self) -> DossierInput:
        proc = self.procedure
        if proc is None:
            raise RegisterError("Hãy chọn thủ tục hành chính.",
                                "Choose the administrative procedure.", field="procedure")
        exemptions = (self.exemption.currentData(),) if self.exemption.currentData() else ()
        applicant, representative = self.applicant_inputs()
        appointment_at = None
        if self.change_appt.isChecked():
            appointment_at = self.appt_edit.dateTime().toPyDateTime().replace(
                tzinfo=LOCAL_TZ).astimezone(UTC)
        by_province = proc.fee.amount is None and not proc.fee.per_page
        return DossierInput(
            procedure_code=proc.code, applicant=applicant,
            channel=int(self.channel.currentData()), representative=representative,
            authorisation=nfc(self.proxy_paper.text()).strip(),
            documents=self._checked_documents(), sets=self.sets.value(),
            pages=self.pages.value(), copies=self.copies.value(), exemptions=exemptions,
            fee_paid=self.fee_paid.isChecked(),
            digitised=self.digitised.isChecked(), reused_data=self.reused_data.isChecked(),
            fee_amount=self.fee_amount.value() if by_province else None,
            appointment_at=appointment_at,
            appointment_reason=nfc(self.appt_reason.text()).strip(),
            received_at=self._receipt_time() if self.channel.currentData() == 3 else None)

    def _shortcut_save(self) -> None:
        if self.stack.currentWidget() is self.form_page:
            self.save(print_after=True)

    def save(self, print_after: bool = True) -> None:
        if self._saving:
            return
        try:
            inp = self.build_input()
        except RegisterError as exc:
            self._show_error(exc)
            return
        self._saving = True
        self.save_button.setEnabled(False)
        self.save_only.setEnabled(False)
        actor = self.ctx.user.username
        run_op(lambda c: self.ctx.register.receive(inp, actor),
               on_success=lambda view: self._saved(view, print_after),
               on_failure=self._failed, parent=self, kind="write")

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.save_only.setEnabled(True)
        if is_known(exc):
            self._show_error(exc)
        else:
            report(self, exc)

    def _show_error(self, exc: BaseException) -> None:
        show_banner(self.error, user_message(exc))
        field = getattr(exc, "field", None) or ""
        target = self._widget_for(field)
        if target is not None:
            target.setFocus()

    def _widget_for(self, field: str) -> QWidget | None:
        if field == "procedure":
            return self.picker.edit
        if field == "documents":
            return self.documents
        last = field.split(".")[-1]
        if field.startswith("representative"):
            return {"full_name": self.proxy_name, "id_number": self.proxy_id}.get(
                last, self.proxy_name)
        return {"full_name": self.full_name, "id_number": self.id_number,
                "birth_date": self.birth_date, "sex": self.sex, "phone": self.phone,
                "email": self.email, "address": self.address, "fee_amount": self.fee_amount,
                "appointment_reason": self.appt_reason, "appointment_at": self.appt_edit,
                "authorisation": self.proxy_paper, "name": self.full_name}.get(last)

    def _saved(self, view: DossierView, print_after: bool) -> None:
        self._saving = False
        self.view = view
        self.done_code.setText(view.code or "")
        tracking = view.details.get("tracking") or {}
        info = _("{name} — {procedure}\nHẹn trả kết quả: {due}").format(
            name=view.applicant_name, procedure=self.ctx.procedure_name(view.procedure_code),
            due=fmt_dt(view.appointment_at))
        if tracking:
            info += "\n" + _("Vào sổ theo dõi hồ sơ: quyển số {volume}, số {number}").format(
                volume=f"{tracking.get('volume_no', 0):02d}",
                number=f"{tracking.get('number', 0):02d}")
        self.done_info.setText(info)
        show_banner(self.done_warnings, "\n".join(w.message(lang()) for w in view.warnings))
        self.stack.setCurrentWidget(self.done_page)
        self.print_button.setFocus()
        self.received.emit(view)
        if print_after:
            self.print_receipt()

    def print_receipt(self) -> None:
        if self.view is not None and self.view.code:
            self.ctx.printer.print_form(self, self.view.code, "receipt", self.ctx.user.username)

    def _open_saved(self) -> None:
        if self.view is not None:
            self.ctx.bus.open_dossier.emit(self.view.uid)
            self.accept()

    def _new(self) -> None:
        self.done(NEW_RECEIVE)

    # --- leaving -------------------------------------------------------------------------------------

    def reject(self) -> None:
        if self.is_dirty() and not confirm(
                self, _("Bỏ hồ sơ đang nhập? Những gì đã nhập sẽ không được lưu."),
                _("Bỏ hồ sơ"), _("Tiếp tục nhập")):
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent | None) -> None:
        if event is not None and self.is_dirty() and not confirm(
                self, _("Bỏ hồ sơ đang nhập? Những gì đã nhập sẽ không được lưu."),
                _("Bỏ hồ sơ"), _("Tiếp tục nhập")):
            event.ignore()
            return
        super().closeEvent(event)


NEW_RECEIVE = 2  # the dialog's result when the officer asked for another dossier
__all__ = ["NEW_RECEIVE", "ReceiveDialog"]
