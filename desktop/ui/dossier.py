"""One dossier: its data, papers, timeline and sync state, and the steps its state allows.

Every step the user's role may take is listed. A step the dossier's state or the rules
forbid stays visible, disabled, with the reason written beside it (a second extension, a
stop after the result exists...). Steps that issue a form print it right after.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from desktop.register.actions import (
    FORM_LABELS,
    Availability,
    available_actions,
    printable_forms,
)
from desktop.register.catalogue import Procedure
from desktop.register.views import ApplicantInput, DossierView, EventView, sync_summary
from desktop.register.writer import Changes
from desktop.ui.context import AppContext
from desktop.ui.forms_dialog import Field, StepDialog
from desktop.ui.i18n import N_, _, lang, pair
from desktop.ui.ops import run_op
from desktop.ui.qt import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMenu,
    QPushButton,
    QScrollArea,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.widgets import (
    MUTED_FG,
    OK_FG,
    OVERDUE_FG,
    banner,
    fmt_dt,
    fmt_money,
    heading,
    show_banner,
)
from sync.errors import KnownError
from sync.lifecycle import (
    FORCING_SUPPLEMENT,
    RATINGS,
    RESULT_STATES,
    TERMINAL_STATES,
    Kind,
    Status,
    status_label,
)

# The status line's colour: green only once there is a result, amber while the applicant
# must act (supplement, payment), neutral while the office works, grey when it ended without
# a result, red when late.
WAITING_STATES = frozenset({Status.SUPPLEMENT, Status.FINANCIAL})
WAITING_FG, WORKING_FG = "#8a5a00", "#1a4a85"

EVENT_LABELS = {
    Kind.REGISTERED: N_("Nộp hồ sơ trực tuyến"),
    Kind.RECEIVED: N_("Nhận hồ sơ"),
    Kind.REFUSED: N_("Từ chối tiếp nhận"),
    Kind.HANDED_OVER: N_("Chuyển hồ sơ"),
    Kind.SUPPLEMENT_REQUESTED: N_("Yêu cầu bổ sung hồ sơ"),
    Kind.SUPPLEMENT_RECEIVED: N_("Nhận hồ sơ bổ sung"),
    Kind.FINANCIAL_REQUESTED: N_("Yêu cầu thực hiện nghĩa vụ tài chính"),
    Kind.FEE_PAID: N_("Ghi nhận nộp phí, lệ phí"),
    Kind.PROCESSED: N_("Có kết quả giải quyết"),
    Kind.RETURNED: N_("Trả kết quả"),
    Kind.RESCHEDULED: N_("Xin lỗi và gia hạn"),
    Kind.WITHDRAWN: N_("Công dân rút hồ sơ"),
    Kind.STOPPED: N_("Dừng giải quyết"),
    Kind.RATED: N_("Đánh giá của công dân"),
    Kind.COMPLAINED: N_("Phản ánh, kiến nghị"),
    Kind.DETAILS_CORRECTED: N_("Sửa thông tin hồ sơ"),
    Kind.PRINTED: N_("In phiếu"),
}
RETURN_METHOD_LABELS = (("desk", N_("Tại quầy (Bộ phận một cửa)")),
                        ("post", N_("Qua dịch vụ bưu chính công ích")),
                        ("electronic", N_("Bản điện tử (kho dữ liệu của công dân)")))
CHANNEL_LABELS = {1: N_("Trực tiếp"), 2: N_("Trực tuyến"), 3: N_("Bưu chính công ích")}


def event_detail(e: EventView) -> str:
    p = e.payload
    if e.kind == Kind.RECEIVED:
        return _("Hẹn trả {due}").format(due=fmt_dt(_parse(p.get("appointment_at"))))
    if e.kind == Kind.HANDED_OVER:
        return f"{p.get('from_unit', '')} → {p.get('to_unit', '')}" + (
            f" ({p['note']})" if p.get("note") else "")
    if e.kind == Kind.SUPPLEMENT_REQUESTED:
        return "; ".join(p.get("items", [])) + (f" — {p['reason']}" if p.get("reason") else "")
    if e.kind == Kind.REFUSED:
        return "; ".join(p.get("reasons", []))
    if e.kind == Kind.PROCESSED:
        outcome = _("Giải quyết") if p.get("outcome") == "approved" else _("Không giải quyết")
        return outcome + (f" — {p['note']}" if p.get("note") else "")
    if e.kind == Kind.RETURNED:
        label = dict(RETURN_METHOD_LABELS).get(p.get("method", ""), p.get("method", ""))
        postal = p.get("postal") or {}
        return _(label) + (_(", mã bưu gửi {no}").format(no=postal["tracking_no"])
                           if postal.get("tracking_no") else "")
    if e.kind == Kind.RESCHEDULED:
        return _("Hẹn mới {due} — {reason}").format(due=fmt_dt(_parse(p.get("new_due_at"))),
                                                    reason=p.get("reason", ""))
    if e.kind in (Kind.WITHDRAWN, Kind.STOPPED):
        return str(p.get("reason", ""))
    if e.kind == Kind.RATED:
        return pair(*RATINGS.get(p.get("rating", ""), ("", "")))
    if e.kind == Kind.COMPLAINED:
        return str(p.get("content", ""))
    if e.kind in (Kind.FEE_PAID, Kind.FINANCIAL_REQUESTED):
        return fmt_money(p.get("amount"))
    if e.kind == Kind.PRINTED:
        return str(p.get("form", ""))
    if e.kind == Kind.SUPPLEMENT_RECEIVED:
        return _("Hạn mới {due}").format(due=fmt_dt(_parse(p.get("new_due_at"))))
    if e.kind == Kind.DETAILS_CORRECTED:
        changed = ", ".join(f"{v or '—'}" for v in (p.get("applicant") or {}).values())
        return f"{changed} — {p.get('reason', '')}"
    return ""


def _dmy(iso: Any) -> str:
    parts = str(iso or "").split("-")
    return f"{parts[2]}/{parts[1]}/{parts[0]}" if len(parts) == 3 else str(iso or "")


def _parse(text: Any) -> Any:
    from desktop.register.events import parse_utc

    return parse_utc(text) if text else None


def status_colour(view: DossierView) -> str:
    """The status line's colour (WAITING_STATES above): red when late, green for a result."""
    if view.status in TERMINAL_STATES - RESULT_STATES:
        return str(MUTED_FG.name())
    if view.late:
        return str(OVERDUE_FG.name())
    if view.status in RESULT_STATES:
        return str(OK_FG.name())
    return WAITING_FG if view.status in WAITING_STATES else WORKING_FG


class DossierWindow(QDialog):
    """Hồ sơ: read everything about one dossier, and take its next step."""

    def __init__(self, ctx: AppContext, ref: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.ref = ref
        self.view: DossierView | None = None
        self.events: list[EventView] = []
        self.availability: dict[str, Availability] = {}
        self.names: dict[str, str] = {}
        self.setObjectName("dossierWindow")
        self.setWindowTitle(_("Hồ sơ {ref}").format(ref=ref))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.resize(1120, 760)
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        self.code_label = heading(ref, 16)
        self.code_label.setObjectName("dossierCode")
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        head.addWidget(self.code_label)
        self.catalogue_label = QLabel()
        self.catalogue_label.setObjectName("catalogueVersion")
        self.catalogue_label.setStyleSheet("color: #5f6368; padding-left: 12px;")
        head.addWidget(self.catalogue_label)
        head.addStretch(1)
        self.status_label = QLabel()
        self.status_label.setObjectName("statusLabel")
        head.addWidget(self.status_label)
        layout.addLayout(head)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.message = banner("ok")
        self.message.setObjectName("actionMessage")
        layout.addWidget(self.message)
        self.conflict = banner("error")
        layout.addWidget(self.conflict)

        body = QHBoxLayout()
        layout.addLayout(body, 1)
        self.tabs = QTabWidget()
        body.addWidget(self.tabs, 3)
        self.info = QWidget()
        self.info_form = QFormLayout(self.info)
        self.tabs.addTab(self._scroll(self.info), _("Thông tin"))
        self.documents = QListWidget()
        self.documents.setObjectName("dossierDocuments")
        self.tabs.addTab(self.documents, _("Giấy tờ"))
        self.timeline = QTableWidget(0, 5)
        self.timeline.setObjectName("timeline")
        self.timeline.setHorizontalHeaderLabels([_("Thời điểm"), _("Việc"), _("Người làm"),
                                                 _("Chi tiết"), _("Đồng bộ")])
        self.timeline.verticalHeader().setVisible(False)
        self.timeline.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.timeline.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.timeline.setColumnWidth(0, 118)
        self.timeline.setColumnWidth(1, 165)
        self.timeline.setColumnWidth(2, 120)
        self.timeline.setColumnWidth(4, 95)
        self.tabs.addTab(self.timeline, _("Tiến trình"))

        side = QVBoxLayout()
        side.addWidget(heading(_("Bước tiếp theo"), 12))
        self.actions_box = QWidget()
        self.actions_box.setObjectName("actionsBox")
        self.actions_layout = QVBoxLayout(self.actions_box)
        self.actions_layout.setContentsMargins(0, 0, 4, 0)
        self.actions_layout.setSpacing(4)
        side.addWidget(self._scroll(self.actions_box), 1)
        self.print_button = QToolButton()
        self.print_button.setObjectName("reprintButton")
        self.print_button.setText(_("In lại phiếu…"))
        self.print_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.print_menu = QMenu(self.print_button)
        self.print_button.setMenu(self.print_menu)
        side.addWidget(self.print_button)
        close = QPushButton(_("Đóng"))
        close.clicked.connect(self.accept)
        side.addWidget(close)
        body.addLayout(side, 2)
        self.buttons: dict[str, QPushButton] = {}
        self.reasons: dict[str, QLabel] = {}
        ctx.bus.changed.connect(self._register_changed)
        self.reload()

    @staticmethod
    def _scroll(widget: QWidget) -> QScrollArea:
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(widget)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        return area

    # --- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        ref = self.ref
        reg = self.ctx.register
        run_op(lambda c: (reg.get(ref), reg.history(ref), reg.accounts()),
               on_success=self._loaded,
               on_failure=self._load_failed, parent=self)

    def _register_changed(self, changes: Changes) -> None:
        """A write here or pulled from the province: read the dossier again when it changed
        (or the rules or accounts its window shows)."""
        if self.view is None:
            return
        if self.view.uid in changes.dossiers or changes.rules or changes.accounts:
            self.reload()

    def procedure(self, view: DossierView) -> Procedure | None:
        """The dossier's procedure in the catalogue version it was received under."""
        try:
            return self.ctx.catalogue_of(view.catalogue_version).procedure(view.procedure_code)
        except KnownError:  # a code that version does not have
            return None

    def _procedure_name(self, view: DossierView) -> str:
        proc = self.procedure(view)
        return proc.name if proc is not None else view.procedure_code

    def _load_failed(self, exc: BaseException) -> None:
        from desktop.ui.errors import report

        report(self, exc)
        self.reject()

    def _loaded(self, result: tuple[DossierView, list[EventView], list[Any]]) -> None:
        view, events, accounts = result
        self.names = {a.username: a.full_name for a in accounts}
        self.view, self.events = view, events
        self.ref = view.code or view.uid
        self.setWindowTitle(_("Hồ sơ {ref} — {name}").format(ref=self.ref,
                                                             name=view.applicant_name))
        self.code_label.setText(view.code or _("(chưa có mã)"))
        self.catalogue_label.setText(_("Danh mục {version}").format(
            version=view.catalogue_version))
        self._render_status(view)
        self._render_info(view)
        self._render_documents(view)
        self._render_timeline(events)
        self._render_actions(view)
        self._render_print_menu(view, events)
        show_banner(self.conflict, _("Xung đột đồng bộ cần người kiểm tra: {c}").format(
            c=view.conflict) if view.conflict else "")

    def _render_status(self, view: DossierView) -> None:
        late = _(" · trễ hạn") if view.late else ""
        self.status_label.setText(status_label(view.status, lang()) + late)
        self.status_label.setStyleSheet(
            f"font-size: 13pt; font-weight: bold; color: {status_colour(view)};")
        sync = sync_summary(view, self.events)
        sync_text = {"synced": _("đã đồng bộ"),
                     "pending": _("chưa đồng bộ ({n} thay đổi)").format(n=sync.pending),
                     "conflict": _("xung đột đồng bộ")}[sync.state]
        self.summary.setText(_("{name} · {procedure}\nNhận {received} · Hẹn trả {due} · "
                               "Hạn hiện tại {current} · Đồng bộ: {sync}").format(
            name=view.applicant_name, procedure=self._procedure_name(view),
            received=fmt_dt(view.received_at), due=fmt_dt(view.appointment_at),
            current=fmt_dt(view.due_at), sync=sync_text))

    def _render_info(self, view: DossierView) -> None:
        while self.info_form.rowCount():
            self.info_form.removeRow(0)
        d = view.details
        a = d.get("applicant", {}) or {}
        rows = [
            (_("Mã hồ sơ"), view.code or ""),
            (_("Thủ tục"), self._procedure_name(view)),
            (_("Nội dung yêu cầu"), d.get("request", "")),
            (_("Kênh nộp"), _(CHANNEL_LABELS.get(view.channel, ""))),
            (_("Người nộp"), view.applicant_name),
            (_("Số định danh"), view.applicant_id_number or ""),
            (_("Ngày sinh"), _dmy(a.get("birth_date", ""))),
            (_("Địa chỉ"), view.applicant_address or ""),
            (_("Điện thoại"), view.applicant_phone or ""),
            (_("Thư điện tử"), a.get("email", "")),
        ]
        rep = d.get("representative")
        if rep:
            rows.append((_("Người nộp thay"),
                         f"{rep.get('full_name', '')} — {rep.get('authorisation', '')}"))
        tracking = d.get("tracking") or {}
        rows += [
            (_("Thời điểm tiếp nhận"), fmt_dt(view.received_at)),
            (_("Hẹn trả kết quả"), fmt_dt(view.appointment_at)),
            (_("Hạn hiện tại"), fmt_dt(view.due_at)),
            (_("Lý do đổi ngày hẹn"), d.get("appointment_reason", "")),
            (_("Nơi trả kết quả"), d.get("result_place", "")),
            (_("Sổ theo dõi"), _("quyển số {v}, số {n}").format(
                v=f"{tracking.get('volume_no', 0):02d}", n=f"{tracking.get('number', 0):02d}")
             if tracking else ""),
            (_("Đơn vị đang giữ"), view.holder or ""),
            (_("Cán bộ tiếp nhận"), self.names.get(view.officer, view.officer)),
            (_("Số hóa"), (_("Đã số hóa") if d.get("digitised") else _("Chưa số hóa")) + (
                _(", dùng lại dữ liệu số") if d.get("reused_data") else "")),
            (_("Phí, lệ phí"), fmt_money(view.fee_amount) + (
                _(" (đã nộp)") if view.fee_paid else _(" (chưa nộp)") if view.fee_amount else "")),
            (_("Số lần yêu cầu bổ sung"), str(view.supplement_count)),
            (_("Số lần gia hạn"), str(view.extension_count)),
            (_("Kết quả"), {"approved": _("Giải quyết"), "rejected": _("Không giải quyết")}.get(
                d.get("outcome", ""), "")),
            (_("Đánh giá"), pair(*RATINGS[view.rating]) if view.rating in RATINGS else ""),
        ]
        for label, value in rows:
            if value in ("", None):
                continue
            text = QLabel(str(value))
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.info_form.addRow(QLabel(f"<b>{label}</b>"), text)

    def _render_documents(self, view: DossierView) -> None:
        self.documents.clear()
        docs = view.details.get("documents", [])
        for i, doc in enumerate(docs, 1):
            self.documents.addItem(f"{i}. {doc.get('name', doc.get('code', ''))}")
        sets = view.details.get("sets")
        if sets:
            self.documents.addItem(_("Số lượng: {n} bộ").format(n=sets))

    def _render_timeline(self, events: list[EventView]) -> None:
        self.timeline.setRowCount(len(events))
        for row, e in enumerate(events):
            values = (fmt_dt(e.occurred_at), _(EVENT_LABELS.get(e.kind, e.kind)),
                      self.names.get(e.actor, e.actor),
                      event_detail(e),
                      _("✓ đã đồng bộ") if e.acked else (_("chờ gửi") if e.origin == "local"
                                                         else _("từ máy chủ")))
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.timeline.setItem(row, col, item)
        self.timeline.resizeRowsToContents()

    def _render_actions(self, view: DossierView) -> None:
        while self.actions_layout.count():
            item = self.actions_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.buttons.clear()
        self.reasons.clear()
        procedure = self.procedure(view)  # an unknown one: no book entry offered
        found = available_actions(view, self.ctx.user.role, self.ctx.now(), procedure)
        self.availability = {a.action.key: a for a in found}
        offered = [a for a in found if a.offered]  # what the role may never do: not offered
        allowed = [a for a in offered if a.allowed]
        refused = [a for a in offered if not a.allowed]
        # A reason shared by several steps (a closed dossier) is said once, above them.
        counts: dict[str, int] = {}
        for a in refused:
            counts[a.reason(lang())] = counts.get(a.reason(lang()), 0) + 1
        shared = [text for text, n in counts.items() if n >= 3]
        for a in allowed:
            self._action_button(a, a.note(lang()))
        if refused:
            title = QLabel(_("Chưa thực hiện được:"))
            title.setStyleSheet("color: #3c4043; font-weight: bold; margin-top: 10px;")
            self.actions_layout.addWidget(title)
        for text in shared:
            label = QLabel(text)
            label.setObjectName("sharedReason")
            label.setWordWrap(True)
            label.setStyleSheet("color: #5f6368; font-size: 9pt; margin: 0 0 4px 0;")
            self.actions_layout.addWidget(label)
        for a in refused:
            reason = a.reason(lang())
            self._action_button(a, "" if reason in shared else reason, tooltip=reason)
        if not self.buttons:
            self.actions_layout.addWidget(QLabel(_("Vai trò của bạn không có bước nào với hồ "
                                                   "sơ này.")))
        self.actions_layout.addStretch(1)

    def _action_button(self, a: Availability, text: str, tooltip: str = "") -> None:
        button = QPushButton(pair(a.action.label_vi, a.action.label_en))
        button.setObjectName(f"action_{a.action.key}")
        button.setEnabled(a.allowed)
        button.setStyleSheet("text-align: left; padding: 4px 8px;")
        button.clicked.connect(lambda _c=False, key=a.action.key: self.start(key))
        button.setToolTip(tooltip or text)
        self.actions_layout.addWidget(button)
        self.buttons[a.action.key] = button
        if text:
            label = QLabel(text)
            label.setObjectName(f"reason_{a.action.key}")
            label.setWordWrap(True)
            label.setStyleSheet(("color: #8a5a00;" if a.allowed else "color: #5f6368;")
                                + " font-size: 9pt; margin: 0 0 6px 8px;")
            self.actions_layout.addWidget(label)
            self.reasons[a.action.key] = label
        elif not a.allowed and tooltip:
            self.reasons[a.action.key] = QLabel(tooltip)  # kept for tests; shown above

    def _render_print_menu(self, view: DossierView, events: list[EventView]) -> None:
        self.print_menu.clear()
        allowed = self.ctx.can("print")
        self.print_button.setVisible(allowed)
        for form in printable_forms(view, events):
            action = self.print_menu.addAction(pair(*FORM_LABELS[form]))
            action.setObjectName(f"print_{form}")
            action.triggered.connect(lambda _c=False, f=form: self.print_form(f))

    def print_form(self, form: str) -> None:
        if self.view is not None:
            self.ctx.printer.print_form(self, self.view.code or self.view.uid, form,
                                        self.ctx.user.username, on_done=self.reload)

    # --- steps --------------------------------------------------------------------------------

    def ask(self, dialog: QDialog) -> bool:
        """Show a step's dialog modally (tests replace this to fill it in)."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def start(self, key: str) -> None:
        """Ask for what the step needs, then write it (worker) and print its form."""
        view = self.view
        if view is None:
            return
        a = self.availability.get(key)
        if a is None or not a.allowed:
            return
        if key == "logbook":
            self._logbook_entry(view)
            return
        dialog = self.step_dialog(key, view, a)
        if dialog is not None and not self.ask(dialog):
            return
        values = dialog.values() if dialog is not None else {}
        self.perform(key, values)

    def step_dialog(self, key: str, view: DossierView, a: Availability) -> StepDialog | None:
        title = pair(a.action.label_vi, a.action.label_en)
        note = a.note(lang())
        proc = self.procedure(view)
        if key == "hand_over":
            default = (proc.transfer_agency if proc and proc.transfer_agency
                       else "Công chức Tư pháp - Hộ tịch")  # register data: Vietnamese
            return StepDialog(title, [
                Field("to_unit", _("Chuyển đến (đơn vị, người nhận)"), required=True,
                      default=default),
                Field("agency", _("Liên thông sang cơ quan khác"), "check",
                      default=bool(proc and proc.transfer_agency)),
                Field("note", _("Ghi chú"))], self)
        if key == "request_supplement":
            fields = [Field("items", _("Giấy tờ cần bổ sung, hoàn thiện"), "lines",
                            required=True),
                      Field("reason", _("Lý do"), "multiline"),
                      Field("contact", _("Liên hệ (cán bộ, điện thoại)"),
                            default=self.ctx.user.full_name)]
            if view.supplement_count + 1 >= FORCING_SUPPLEMENT:  # this request makes it late
                fields.append(Field("second_request_reason",
                                    _("Lý do yêu cầu bổ sung lần thứ hai"), "multiline",
                                    required=True))
            return StepDialog(title, fields, self, warning=note,
                              ok_text=_("Ghi nhận và in phiếu"))
        if key == "receive_supplement":
            return StepDialog(title, [], self, intro=_(
                "Công dân đã nộp đủ giấy tờ bổ sung. Thời gian chờ bổ sung không tính vào thời "
                "hạn giải quyết: hạn trả sẽ được lùi tương ứng."))
        if key == "refuse":
            return StepDialog(title, [Field("reasons", _("Lý do từ chối (mỗi dòng một lý do)"),
                                            "lines", required=True)], self,
                              ok_text=_("Từ chối và in phiếu"))
        if key == "request_financial":
            return StepDialog(title, [Field("amount", _("Số tiền"), "money", required=True,
                                            default=view.fee_amount)], self)
        if key == "fee":
            return StepDialog(title, [Field("amount", _("Số tiền đã nộp"), "money",
                                            default=view.fee_amount),
                                      Field("online", _("Nộp trực tuyến"), "check")], self)
        if key == "process":
            return StepDialog(title, [
                Field("outcome", _("Kết quả"), "radio", required=True, default="approved",
                      options=[("approved", _("Giải quyết (kết quả sẵn sàng trả)")),
                               ("rejected", _("Không giải quyết (có văn bản trả lời)"))]),
                Field("note", _("Ghi chú"), "multiline")], self)
        if key == "return_result":
            warning = ""
            if proc is not None and not proc.postal_return:
                warning = _("Thủ tục này không trả kết quả qua bưu chính (cần người nhận ký "
                            "sổ).")
            applicant = view.details.get("applicant", {}) or {}
            return StepDialog(title, [
                Field("method", _("Hình thức trả"), "choice", required=True, default="desk",
                      options=[(k, _(label)) for k, label in RETURN_METHOD_LABELS]),
                Field("slip_no", _("Số phiếu gửi"), required=True, visible_when=("method", "post")),
                Field("tracking_no", _("Mã bưu gửi (số hiệu)"), required=True,
                      visible_when=("method", "post")),
                Field("recipient", _("Người nhận"), required=True, default=view.applicant_name,
                      visible_when=("method", "post")),
                Field("address", _("Địa chỉ nhận"), required=True,
                      default=view.applicant_address or "", visible_when=("method", "post")),
                Field("phone", _("Điện thoại người nhận"), default=applicant.get("phone", ""),
                      visible_when=("method", "post")),
                Field("handover_record", _("Số biên bản giao nhận với bưu điện"),
                      visible_when=("method", "post"))], self, warning=warning,
                ok_text=_("Ghi nhận trả kết quả"))
        if key == "rate":
            return self.rating_dialog()
        if key == "reschedule":
            new_due = (view.due_at or self.ctx.now()) + timedelta(days=2)
            return StepDialog(title, [
                Field("new_due", _("Ngày hẹn trả mới"), "datetime", required=True,
                      default=new_due),
                Field("reason", _("Lý do chậm trễ"), "multiline", required=True)], self,
                intro=_("Được gia hạn một lần, lập chậm nhất 01 ngày trước hạn trả ({due})."
                        ).format(due=fmt_dt(view.due_at)),
                ok_text=_("Ghi nhận và in phiếu"))
        if key == "withdraw":
            return StepDialog(title, [Field("reason", _("Lý do rút hồ sơ"), "multiline",
                                            required=True)], self)
        if key == "stop":
            return StepDialog(title, [
                Field("reason", _("Nội dung đề nghị dừng của công dân"), "multiline",
                      required=True),
                Field("stage", _("Giai đoạn đã giải quyết đến"),
                      default=view.holder or "")], self, ok_text=_("Dừng và in thông báo"))
        if key == "complain":
            return StepDialog(title, [Field("content", _("Nội dung phản ánh, kiến nghị"),
                                            "multiline", required=True)], self)
        if key == "correct_details":
            who = view.details.get("applicant", {}) or {}
            born = who.get("birth_date") or ""
            if born:
                born = _dmy(born)
            return StepDialog(title, [
                Field("full_name", _("Họ, chữ đệm, tên"), required=True,
                      default=who.get("full_name", view.applicant_name)),
                Field("id_number", _("Số định danh cá nhân"), default=who.get("id_number", "")),
                Field("birth_date", _("Ngày sinh (ngày/tháng/năm)"), default=born),
                Field("address", _("Địa chỉ"), default=who.get("address", "")),
                Field("phone", _("Điện thoại"), default=who.get("phone", "")),
                Field("email", _("Thư điện tử"), default=who.get("email", "")),
                Field("reason", _("Lý do sửa"), "multiline", required=True)], self,
                intro=_("Sửa lỗi ghi chép thông tin người nộp. Lần sửa được ghi vào lịch sử "
                        "hồ sơ cùng lý do; hãy in lại giấy tiếp nhận nếu cần."),
                ok_text=_("Ghi nhận sửa đổi"))
        return None

    def rating_dialog(self) -> StepDialog:
        return StepDialog(_("Đánh giá của công dân"), [
            Field("rating", _("Mức độ hài lòng"), "radio", required=True,
                  options=[(k, pair(vi, en)) for k, (vi, en) in RATINGS.items()])], self,
            intro=_("Mời công dân đánh giá việc giải quyết hồ sơ."))

    def perform(self, key: str, values: dict[str, Any]) -> None:
        view = self.view
        assert view is not None
        ref = view.uid
        actor = self.ctx.user.username
        reg = self.ctx.register

        def work(c: Any) -> DossierView:
            if key == "hand_over":
                return reg.hand_over(ref, values["to_unit"], actor, agency=values["agency"],
                                     note=values.get("note", ""))
            if key == "request_supplement":
                return reg.request_supplement(
                    ref, values["items"], values.get("reason", ""), actor,
                    second_request_reason=values.get("second_request_reason", ""),
                    contact=values.get("contact", ""))
            if key == "receive_supplement":
                return reg.receive_supplement(ref, actor)
            if key == "refuse":
                return reg.refuse(ref, values["reasons"], actor)
            if key == "request_financial":
                return reg.request_financial(ref, values["amount"], actor)
            if key == "fee":
                return reg.record_fee_paid(ref, values["amount"], actor,
                                           online=values.get("online", False))
            if key == "process":
                return reg.process(ref, values["outcome"], actor, note=values.get("note", ""))
            if key == "return_result":
                postal = None
                if values["method"] == "post":
                    postal = {k: values.get(k, "") for k in (
                        "slip_no", "tracking_no", "recipient", "address", "phone",
                        "handover_record")}
                return reg.return_result(ref, values["method"], actor, postal=postal)
            if key == "rate":
                return reg.rate(ref, values["rating"], actor)
            if key == "reschedule":
                return reg.reschedule(ref, values["new_due"], values["reason"], actor)
            if key == "withdraw":
                return reg.withdraw(ref, values["reason"], actor)
            if key == "stop":
                return reg.stop(ref, values["reason"], actor, stage=values.get("stage", ""))
            if key == "complain":
                return reg.complain(ref, values["content"], actor)
            if key == "correct_details":
                who = view.details.get("applicant", {}) or {}
                applicant = ApplicantInput(
                    full_name=values["full_name"], id_number=values.get("id_number") or None,
                    birth_date=values.get("birth_date") or None, sex=who.get("sex"),
                    address=values.get("address") or None, phone=values.get("phone") or None,
                    email=values.get("email") or None)
                return reg.correct_applicant(ref, applicant, values["reason"], actor)[0]
            raise ValueError(key)

        run_op(work, on_success=lambda v: self._performed(key, v), parent=self, kind="write")

    def _performed(self, key: str, view: DossierView) -> None:
        spec = self.availability[key].action
        show_banner(self.message, _("Đã ghi nhận: {step}.").format(
            step=pair(spec.label_vi, spec.label_en)))
        if spec.form and self.ctx.can("print"):
            self.ctx.printer.print_form(self, view.code or view.uid, spec.form,
                                        self.ctx.user.username, on_done=self.reload)
        if key == "return_result" and self.ctx.can("rate"):
            dialog = self.rating_dialog()
            self.view = view
            if self.ask(dialog):
                self.perform("rate", dialog.values())
                return
        self.reload()

    def _logbook_entry(self, view: DossierView) -> None:
        from desktop.ui.logbooks import EntryDialog

        proc = self.procedure(view)
        if proc is None or not proc.book_kind:
            return
        dialog = EntryDialog(self.ctx, proc.book_kind, self, dossier=view)
        if self.ask(dialog) and dialog.entry is not None:
            show_banner(self.message, _("Đã ghi vào sổ: {label}").format(
                label=dialog.entry.label))
