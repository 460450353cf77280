"""Logbooks (sổ): browse by kind, year and volume; add, void and correct entries; print pages.

Entries are append-only: a void keeps the number with its reason, a correction is a new
entry pointing at the old one. A volume's entries are fetched a page at a time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from desktop.register.catalogue import BookKind, EntryField, prefill, prefill_sources
from desktop.register.entry_validation import validate_entry
from desktop.register.errors import ValidationError
from desktop.register.textnorm import nfc
from desktop.register.views import DossierView, EntryView, VolumeView
from desktop.ui import widgets
from desktop.ui.context import AppContext
from desktop.ui.errors import is_known, report, user_message
from desktop.ui.forms_dialog import Field, StepDialog
from desktop.ui.i18n import N_, _, lang
from desktop.ui.ops import run_op
from desktop.ui.qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QModelIndex,
    QObject,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.widgets import (
    MUTED_FG,
    OVERDUE_FG,
    EnterMovesForward,
    banner,
    button_row,
    fmt_date,
    heading,
    hint,
    install_enter_navigation,
    show_banner,
)
from sync.lifecycle import LOCAL_TZ

ENTRY_COLUMNS = (N_("Số"), N_("Ngày ghi"), N_("Nội dung"), N_("Tình trạng"), N_("Người ghi"))
PAGE = 200


def closing_line(volume: VolumeView) -> str:
    """The year-end closing line of a volume, worded as the printed book words it."""
    k = volume.closing or {}
    return _("Quyển số {no}: {pages} trang, đã ghi {entries} mục (từ số {first} đến số "
             "{last}), trong đó {voided} số bị hủy.").format(
        no=f"{volume.volume_no:02d}", pages=k.get("pages", 0), entries=k.get("entries", 0),
        first=f"{k.get('first_number', 0):02d}", last=f"{k.get('last_number', 0):02d}",
        voided=k.get("voided", 0))


def entry_summary(entry: EntryView) -> str:
    data = {k: v for k, v in entry.data.items() if k != "correction_reason"}
    return " · ".join(str(v) for v in data.values() if v not in ("", None))


_ROOT = QModelIndex()  # the invisible root of a flat table

class EntryTableModel(QAbstractTableModel):
    """A volume's entries, fetched a page at a time."""

    def __init__(self, register: Any, parent: QObject | None = None):
        super().__init__(parent)
        self.register = register
        self.volume_uid: str | None = None
        self.rows: list[EntryView] = []
        self.numbers: dict[str, int] = {}
        self._more = False
        self._loading = False
        self._generation = 0

    def set_volume(self, volume_uid: str | None) -> None:
        self._generation += 1
        self.beginResetModel()
        self.volume_uid, self.rows, self.numbers = volume_uid, [], {}
        self._more, self._loading = volume_uid is not None, False
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def canFetchMore(self, parent: QModelIndex = _ROOT) -> bool:
        return not parent.isValid() and self._more and not self._loading

    def fetchMore(self, parent: QModelIndex = _ROOT) -> None:
        if not self._more or self._loading or self.volume_uid is None:
            return
        self._loading = True
        generation, uid, offset = self._generation, self.volume_uid, len(self.rows)
        run_op(lambda c: self.register.entries(uid, offset=offset, limit=PAGE),
               on_success=lambda page: self._arrived(generation, page), parent=self)

    def _arrived(self, generation: int, page: list[EntryView]) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._more = len(page) == PAGE
        if page:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self.rows.extend(page)
            for e in page:
                self.numbers[e.uid] = e.number
            self.endInsertRows()

    def rowCount(self, parent: QModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(ENTRY_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(ENTRY_COLUMNS[section])
        return None

    def status_text(self, e: EntryView) -> str:
        if e.voided_at is not None:
            return _("Đã hủy: {reason}").format(reason=e.void_reason or "")
        if e.corrects_uid:
            number = self.numbers.get(e.corrects_uid)
            reason = e.data.get("correction_reason", "")
            return _("Sửa đổi cho số {n}: {reason}").format(
                n=f"{number:02d}" if number else "?", reason=reason)
        return ""

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        e = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (f"{e.number:02d}", fmt_date(e.registered_at), entry_summary(e),
                    self.status_text(e), e.actor)[col]
        if role == Qt.ItemDataRole.ForegroundRole and e.voided_at is not None:
            return MUTED_FG if col != 3 else OVERDUE_FG
        if role == Qt.ItemDataRole.ToolTipRole and col == 2:
            return "\n".join(f"{k}: {v}" for k, v in e.data.items())
        if role == Qt.ItemDataRole.UserRole:
            return e.uid
        return None


class EntryDialog(QDialog):
    """A new entry (or a correction of one): the fields its book kind's schema asks for.

    Inputs, labels (in the UI language), required marks and pre-filled values all come from
    the catalogue's definition of the book; saving checks the data against that definition.
    """

    def __init__(self, ctx: AppContext, book_kind: str, parent: QWidget | None = None, *,
                 dossier: DossierView | None = None, correct: EntryView | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.book_kind = book_kind
        self.dossier = dossier
        self.correct = correct
        self.entry: EntryView | None = None
        kind: BookKind = ctx.catalogue.book_kind(book_kind)
        self.kind = kind
        self.group = kind.group
        self.fields: tuple[EntryField, ...] = kind.fields
        # A new certification takes one number per document: one line each in this field.
        self.split = kind.split_field if correct is None else None
        self.setObjectName("entryDialog")
        title = (_("Ghi sửa đổi — {book}") if correct else _("Ghi vào {book}")).format(
            book=kind.name)
        self.setWindowTitle(title)
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(title, 13))
        if correct is not None:
            layout.addWidget(hint(_("Mục cũ ({label}) giữ nguyên trong sổ; mục mới ghi lại "
                                    "đầy đủ nội dung đúng và trỏ về mục cũ.").format(
                label=correct.label)))
        form = QFormLayout()
        self.inputs: dict[str, QLineEdit | QPlainTextEdit | QCheckBox] = {}
        self.dossier_code = QLineEdit(dossier.code if dossier and dossier.code else "")
        self.dossier_code.setObjectName("entryDossier")
        self.dossier_code.setPlaceholderText(_("Mã hồ sơ (nếu có)"))
        if correct is None:
            form.addRow(_("Hồ sơ"), self.dossier_code)
        values: dict[str, str] = {}
        if dossier is not None:
            values = prefill(kind, prefill_sources(
                dossier.applicant_name, dossier.details, id_number=dossier.applicant_id_number
                or "", address=dossier.applicant_address or ""))
        if correct is not None:
            values = {k: str(v) for k, v in kind.canonical(correct.data).items()
                      if k != "correction_reason" and v not in (None, "")}
        for f in self.fields:
            edit = self._input(f, values.get(f.key, ""))
            edit.setObjectName(f"entry_{f.key}")
            if f.type in _TYPE_HINTS:
                edit.setToolTip(_(_TYPE_HINTS[f.type]))
            self.inputs[f.key] = edit
            if isinstance(edit, QCheckBox):
                edit.setText(f.label(lang()))
                form.addRow("", edit)
            else:
                form.addRow(f.label(lang()) + (" *" if f.required else ""), edit)
        self.reason = QLineEdit()
        self.reason.setObjectName("entryReason")
        if correct is not None:
            form.addRow(_("Lý do sửa đổi") + " *", self.reason)
        layout.addLayout(form)
        self.error = banner("error")
        layout.addWidget(self.error)
        self.ok = button_row(self, layout, _("Ghi vào sổ"), self.save, name="entryOk")
        self.mover = EnterMovesForward(self)
        install_enter_navigation(self, self.mover)

    def _input(self, f: EntryField, value: str) -> QLineEdit | QPlainTextEdit | QCheckBox:
        if f.type == "flag":
            box = QCheckBox()
            box.setChecked(value not in ("", "False", "Không"))
            return box
        if f is self.split or f.type == "long_text":
            edit = QPlainTextEdit(value)
            if f is self.split:
                edit.setPlaceholderText(_("Mỗi giấy tờ một dòng: mỗi giấy tờ được cấp một số "
                                          "chứng thực"))
            edit.setTabChangesFocus(True)
            edit.setMaximumHeight(90)
            return edit
        line = QLineEdit(value)
        if f.type in _TYPE_PLACEHOLDERS:
            line.setPlaceholderText(_(_TYPE_PLACEHOLDERS[f.type]))
        return line

    def data(self) -> dict[str, str]:
        out = {}
        for key, edit in self.inputs.items():
            if isinstance(edit, QCheckBox):
                out[key] = "Có" if edit.isChecked() else ""
                continue
            text = edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()
            out[key] = nfc(text).strip()
        return out

    def _documents(self, data: dict[str, str]) -> list[dict[str, str]]:
        """One entry's data per document line of the split field (one entry otherwise)."""
        if self.split is None:
            return [data]
        lines = [x.strip() for x in data.get(self.split.key, "").splitlines() if x.strip()]
        return [{**data, self.split.key: line} for line in lines] or [data]

    def save(self) -> None:
        data = self.data()
        documents = self._documents(data)
        try:
            documents = [validate_entry(self.kind, d) for d in documents]
        except ValidationError as exc:
            show_banner(self.error, user_message(exc))
            key = getattr(exc, "field", None)
            if key in self.inputs:
                self.inputs[key].setFocus()
            return
        if self.correct is not None and not self.reason.text().strip():
            show_banner(self.error, _("Hãy ghi lý do sửa đổi."))
            self.reason.setFocus()
            return
        reg, actor, kind = self.ctx.register, self.ctx.user.username, self.book_kind
        dossier_ref = self.dossier_code.text().strip() or None
        correct, reason = self.correct, nfc(self.reason.text()).strip()
        split = self.split is not None

        def work(c: Any) -> EntryView:
            if correct is not None:
                return reg.correct_entry(correct.uid, documents[0], reason, actor)
            if split:
                return reg.certify(kind, documents, actor, dossier_ref=dossier_ref)[-1]
            return reg.add_logbook_entry(kind, documents[0], actor, dossier_ref=dossier_ref)

        self.ok.setEnabled(False)
        run_op(work, on_success=self._saved, on_failure=self._failed, parent=self, kind="write")

    def _saved(self, entry: EntryView) -> None:
        self.entry = entry
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        if is_known(exc):
            show_banner(self.error, user_message(exc))
        else:
            report(self, exc)


_TYPE_PLACEHOLDERS = {
    "date": N_("NN/TT/NNNN"),
    "time": N_("GG:PP"),
    "datetime": N_("NN/TT/NNNN GG:PP"),
    "year": N_("NNNN"),
    "id_number": N_("12 chữ số"),
    "sex": N_("Nam / Nữ"),
    "money": N_("Số tiền, đồng"),
    "number": N_("Số"),
}
_TYPE_HINTS = {
    "date": N_("Ngày theo dạng ngày/tháng/năm, ví dụ 05/03/2026."),
    "datetime": N_("Ngày và giờ, ví dụ 05/03/2026 14:30."),
    "id_number": N_("Số định danh cá nhân gồm 12 chữ số."),
}


class LogbooksPage(QWidget):
    """Sổ: kind, year, volume on the left; the volume's entries on the right."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("logbooksPage")
        self.volumes: list[VolumeView] = []
        self._wanted: tuple[str, int] | None = None  # the kind and year last asked for
        layout = QHBoxLayout(self)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.addWidget(heading(_("Sổ"), 13))
        self.kind = QComboBox()
        self.kind.setObjectName("bookKind")
        for k in ctx.catalogue.book_kinds:
            self.kind.addItem(k.name, k.code)
        lv.addWidget(self.kind)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Năm")))
        self.year = QSpinBox()
        self.year.setObjectName("bookYear")
        self.year.setRange(2000, 2100)
        self.year.setValue(ctx.now().astimezone(LOCAL_TZ).year)
        row.addWidget(self.year)
        lv.addLayout(row)
        lv.addWidget(QLabel(_("Quyển")))
        self.volume_list = QListWidget()
        self.volume_list.setObjectName("volumeList")
        lv.addWidget(self.volume_list, 1)
        self.kind_note = hint("")
        lv.addWidget(self.kind_note)
        self.close_button = QPushButton(_("Khóa sổ cuối năm…"))
        self.close_button.setObjectName("closeYear")
        self.close_button.setToolTip(_("Ghi dòng tổng cộng (số trang, số mục, số bị hủy) vào "
                                       "các quyển đang mở của sổ này trong năm đã chọn."))
        self.close_button.setVisible(ctx.can("close_books"))
        lv.addWidget(self.close_button)
        left.setFixedWidth(360)
        layout.addWidget(left)

        right = QWidget()
        rv = QVBoxLayout(right)
        self.volume_title = heading("", 12)
        rv.addWidget(self.volume_title)
        self.closing_note = hint("")
        self.closing_note.setObjectName("closingNote")
        self.closing_note.setVisible(False)
        rv.addWidget(self.closing_note)
        self.model = EntryTableModel(ctx.register, self)
        self.table = QTableView()
        self.table.setObjectName("entryTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 60)
        self.table.setColumnWidth(1, 95)
        self.table.setColumnWidth(3, 230)
        rv.addWidget(self.table, 1)
        self.message = banner("ok")
        rv.addWidget(self.message)
        self.error = banner("error")
        rv.addWidget(self.error)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(_("Thêm mục…"))
        self.add_button.setObjectName("addEntry")
        self.void_button = QPushButton(_("Hủy số…"))
        self.void_button.setObjectName("voidEntry")
        self.correct_button = QPushButton(_("Ghi sửa đổi…"))
        self.correct_button.setObjectName("correctEntry")
        self.print_button = QPushButton(_("In sổ…"))
        self.print_button.setObjectName("printBook")
        for b in (self.add_button, self.void_button, self.correct_button):
            b.setVisible(ctx.can("logbook") or ctx.can("certify"))
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.print_button.setVisible(ctx.can("print"))
        buttons.addWidget(self.print_button)
        rv.addLayout(buttons)
        layout.addWidget(right, 1)

        self.kind.currentIndexChanged.connect(self._book_changed)
        self.year.valueChanged.connect(self._book_changed)
        self.volume_list.currentRowChanged.connect(self._volume_chosen)
        self.add_button.clicked.connect(self.add_entry)
        self.void_button.clicked.connect(self.void_entry)
        self.correct_button.clicked.connect(self.correct_entry)
        self.print_button.clicked.connect(self.print_volume)
        self.close_button.clicked.connect(self.close_year)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())
        self._update_buttons()
        ctx.bus.changed.connect(self._register_changed)

    def _register_changed(self, changes: Any) -> None:
        """Entries written here or pulled from the province: the shown book is read again."""
        if changes.volumes and self._wanted is not None:  # once the page has shown a book
            self.load_volumes()

    def ask(self, dialog: QDialog) -> bool:
        return dialog.exec() == QDialog.DialogCode.Accepted

    def current_kind(self) -> str:
        return str(self.kind.currentData())

    def select_kind(self, code: str) -> None:
        self.kind.setCurrentIndex(max(0, self.kind.findData(code)))

    def _book_changed(self) -> None:
        show_banner(self.message, "")  # what was said was about the other book or year
        show_banner(self.error, "")
        self.load_volumes()

    def load_volumes(self) -> None:
        kind, year = self.current_kind(), self.year.value()
        book = self.ctx.catalogue.book_kind(kind)
        self.kind_note.setText(book.note)
        self.add_button.setEnabled(book.group != "tracking")
        self.add_button.setToolTip(_("Sổ theo dõi hồ sơ được ghi tự động khi tiếp nhận.")
                                   if book.group == "tracking" else "")
        self._wanted = (kind, year)
        run_op(lambda c: self.ctx.register.volumes(kind, year),
               on_success=lambda volumes: self._volumes_loaded(volumes, (kind, year)),
               parent=self)

    def _volumes_loaded(self, volumes: list[VolumeView], key: tuple[str, int]) -> None:
        if key != self._wanted:
            return  # reads run side by side: an earlier kind or year answered late
        self.volumes = volumes
        self.volume_list.clear()
        for v in volumes:
            state = _("đã khóa") if v.closed_at else _("đang mở")
            count = v.last_number - v.first_number + 1 if v.last_number else 0
            field = f" · {v.field_code}" if v.field_code else ""
            item = QListWidgetItem(_("Quyển {no} · {year}{field} · {n} mục · {state}").format(
                no=f"{v.volume_no:02d}", year=v.year, field=field, n=count, state=state))
            item.setData(Qt.ItemDataRole.UserRole, v.uid)
            self.volume_list.addItem(item)
        if volumes:
            self.volume_list.setCurrentRow(len(volumes) - 1)
        else:
            self.volume_title.setText(_("Chưa có quyển nào năm {year}.").format(
                year=self.year.value()))
            self.closing_note.setVisible(False)
            self.model.set_volume(None)
        self._update_buttons()

    def current_volume(self) -> VolumeView | None:
        row = self.volume_list.currentRow()
        return self.volumes[row] if 0 <= row < len(self.volumes) else None

    def _volume_chosen(self, row: int) -> None:
        v = self.current_volume()
        if v is None:
            return
        self.volume_title.setText(_("{book} — năm {year}, quyển số {no}").format(
            book=self.kind.currentText(), year=v.year, no=f"{v.volume_no:02d}"))
        if v.closed_at is not None:
            self.closing_note.setText(_("Đã khóa sổ ngày {day}. {line}").format(
                day=fmt_date(v.closed_at), line=closing_line(v)))
        self.closing_note.setVisible(v.closed_at is not None)
        self.model.set_volume(v.uid)
        self._update_buttons()

    def current_entry(self) -> EntryView | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= len(self.model.rows):
            return None
        return self.model.rows[index.row()]

    def _update_buttons(self) -> None:
        entry = self.current_entry()
        book = self.ctx.catalogue.book_kind(self.current_kind()) if self.kind.count() else None
        editable = book is not None and book.group != "tracking"
        self.void_button.setEnabled(entry is not None and entry.voided_at is None and editable)
        self.correct_button.setEnabled(entry is not None and entry.voided_at is None
                                       and editable)
        self.print_button.setEnabled(self.current_volume() is not None)
        self.close_button.setEnabled(any(v.closed_at is None for v in self.volumes))

    def _reload_after(self, message: str) -> None:
        show_banner(self.error, "")
        show_banner(self.message, message)
        self.load_volumes()

    def add_entry(self) -> None:
        dialog = EntryDialog(self.ctx, self.current_kind(), self)
        if self.ask(dialog) and dialog.entry is not None:
            self.year.setValue(dialog.entry.year)
            self._reload_after(_("Đã ghi: {label}").format(label=dialog.entry.label))

    def void_entry(self) -> None:
        entry = self.current_entry()
        if entry is None:
            return
        dialog = StepDialog(_("Hủy số {label}").format(label=entry.label), [
            Field("reason", _("Lý do hủy"), "multiline", required=True)], self,
            intro=_("Số đã hủy vẫn nằm trong sổ cùng lý do; không thể xóa."),
            ok_text=_("Hủy số"))
        if not self.ask(dialog):
            return
        reason, actor = dialog.values()["reason"], self.ctx.user.username
        run_op(lambda c: self.ctx.register.void_entry(entry.uid, reason, actor),
               on_success=lambda e: self._reload_after(_("Đã hủy {label}.").format(
                   label=e.label)), parent=self, kind="write")

    def correct_entry(self) -> None:
        entry = self.current_entry()
        if entry is None:
            return
        dialog = EntryDialog(self.ctx, entry.book_kind, self, correct=entry)
        if self.ask(dialog) and dialog.entry is not None:
            self._reload_after(_("Đã ghi sửa đổi: {label}").format(label=dialog.entry.label))

    def close_year(self) -> None:
        """Year-end closing: the register says what it would close (or why not), the officer
        confirms, then the closing lines are shown."""
        kind, year, reg = self.current_kind(), self.year.value(), self.ctx.register
        show_banner(self.message, "")
        show_banner(self.error, "")
        run_op(lambda c: reg.volumes_to_close(kind, year),
               on_success=lambda volumes: self._confirm_closing(kind, year, volumes),
               on_failure=self._failed, parent=self)

    def _confirm_closing(self, kind: str, year: int, volumes: list[VolumeView]) -> None:
        book = self.ctx.catalogue.book_kind(kind).name
        numbers = ", ".join(f"{v.volume_no:02d}" for v in volumes)
        entries = sum(v.last_number - v.first_number + 1 for v in volumes)
        question = _("Khóa sổ cuối năm: {book}, năm {year}?\n\nQuyển số {numbers} ({n} mục) "
                     "sẽ được khóa và ghi dòng tổng cộng: số trang, số mục, số bị hủy. Sau khi "
                     "khóa, không ghi thêm được vào sổ năm {year}. Không thể mở lại sổ đã "
                     "khóa.").format(book=book, year=year, numbers=numbers, n=entries)
        if not widgets.confirm(self, question, _("Khóa sổ"), _("Không")):
            return
        reg, actor = self.ctx.register, self.ctx.user.username

        def closed(done: list[VolumeView]) -> None:
            self._reload_after("\n".join(
                [_("Đã khóa {book} năm {year}.").format(book=book, year=year)]
                + [closing_line(v) for v in done]))

        run_op(lambda c: reg.close_year(kind, year, actor), on_success=closed,
               on_failure=self._failed, parent=self, kind="write")

    def _failed(self, exc: BaseException) -> None:
        if is_known(exc):
            show_banner(self.error, user_message(exc))
        else:
            report(self, exc)

    def print_volume(self) -> None:
        v = self.current_volume()
        if v is None:
            return
        self.ctx.printer.print_book(self, v.book_kind, v.year, v.volume_no,
                                    self.volume_title.text())


def _now_local(ctx: AppContext) -> datetime:
    return ctx.now().astimezone(LOCAL_TZ)
