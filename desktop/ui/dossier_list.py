"""The dossier list: a model that fetches pages on demand (never all), filters, scanner search."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from desktop.register.queries import DossierFilter, home_filter
from desktop.register.textnorm import nfc
from desktop.register.views import DossierRow
from desktop.register.writer import Changes
from desktop.ui import settings as opts
from desktop.ui.context import AppContext
from desktop.ui.i18n import N_, _, lang
from desktop.ui.ops import run_op
from desktop.ui.qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QCheckBox,
    QComboBox,
    QDate,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QModelIndex,
    QObject,
    QPushButton,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desktop.ui.widgets import (
    DUE_TODAY_BG,
    OVERDUE_BG,
    OVERDUE_FG,
    fmt_date,
    fmt_dt,
)
from sync.lifecycle import LOCAL_TZ, OPEN_STATUS_CODES, Status, status_label

CODE_RE = re.compile(r"^[A-Z0-9]+(\.[A-Z0-9]+)*-\d{6}-\d{4,}$", re.IGNORECASE)
COLUMNS = (N_("Mã hồ sơ"), N_("Người nộp"), N_("Số định danh"), N_("Thủ tục"),
           N_("Trạng thái"), N_("Ngày nhận"), N_("Hẹn trả"))
SORTS = (("newest", N_("Mới nhận trước")), ("oldest", N_("Cũ trước")),
         ("due", N_("Hạn trả sớm trước")), ("name", N_("Tên người nộp")))


def looks_like_code(text: str) -> bool:
    """A dossier code as a scanner types it (agency id, date, sequence)."""
    return bool(CODE_RE.match(text.strip()))


_ROOT = QModelIndex()  # the invisible root of a flat table

class DossierTableModel(QAbstractTableModel):
    """Rows of the dossier list, fetched a page at a time in a worker as the view scrolls."""

    total_known = Signal(int)
    page_arrived = Signal(int)  # rows now loaded

    def __init__(self, register: Any, procedure_name: Callable[[str], str],
                 page_size: int = 200, parent: QObject | None = None):
        super().__init__(parent)
        self.register = register
        self.procedure_name = procedure_name
        self.page_size = page_size
        self.rows: list[DossierRow] = []
        self.filter = DossierFilter()
        self.sort = "newest"
        self._more = False
        self._loading = False
        self._generation = 0
        self._fixed = False  # search results: a fixed list, nothing more to fetch
        self.now = register.clock()
        self.total: int | None = None
        self._states: dict[int, str] = {}  # row -> due state at self.now, judged once

    # --- queries -----------------------------------------------------------------------------

    def set_query(self, flt: DossierFilter, sort: str = "newest", count: bool = True) -> None:
        self._generation += 1
        self.beginResetModel()
        self.rows, self.filter, self.sort = [], flt, sort
        self._more, self._loading, self._fixed, self.total = True, False, False, None
        self.now, self._states = self.register.clock(), {}
        self.endResetModel()
        self.fetchMore(QModelIndex())
        if count:
            generation = self._generation
            run_op(lambda ctx: self.register.count_matching(flt),
                   on_success=lambda n: self._counted(generation, n), parent=self)

    def set_rows(self, rows: list[DossierRow]) -> None:
        self._generation += 1
        self.beginResetModel()
        self.rows, self._more, self._loading, self._fixed = list(rows), False, False, True
        self.total = len(rows)
        self.now, self._states = self.register.clock(), {}
        self.endResetModel()
        self.total_known.emit(len(rows))
        self.page_arrived.emit(len(rows))

    def refresh(self) -> None:
        if not self._fixed:
            self.set_query(self.filter, self.sort)

    def _counted(self, generation: int, n: int) -> None:
        if generation == self._generation:
            self.total = n
            self.total_known.emit(n)

    def loading(self) -> bool:
        return self._loading

    # --- Qt model ------------------------------------------------------------------------------

    def canFetchMore(self, parent: QModelIndex = _ROOT) -> bool:
        return not parent.isValid() and self._more and not self._loading

    def fetchMore(self, parent: QModelIndex = _ROOT) -> None:
        if parent.isValid() or not self._more or self._loading:
            return
        self._loading = True
        generation, offset = self._generation, len(self.rows)
        flt, sort, size = self.filter, self.sort, self.page_size
        run_op(lambda ctx: self.register.list_dossiers(flt, offset=offset, limit=size, sort=sort),
               on_success=lambda page: self._arrived(generation, page),
               on_failure=lambda exc: self._page_failed(generation, exc), parent=self)

    def _arrived(self, generation: int, page: list[DossierRow]) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._more = len(page) == self.page_size
        if page:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self.rows.extend(page)
            self.endInsertRows()
        self.page_arrived.emit(len(self.rows))

    def _page_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._loading = False
            self._more = False
        from desktop.ui.errors import report

        report(None, exc)

    def rowCount(self, parent: QModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMNS[section])
        return None

    def due_state(self, index: int) -> str:
        """"overdue", "due_soon" or "" for a row (DossierRow.due_state: sync.lifecycle's
        rule, the home screen's), judged at the time the rows were asked for."""
        state = self._states.get(index)
        if state is None:
            state = self._states[index] = self.rows[index].due_state(self.now)
        return state

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return row.code or ""
            if col == 1:
                return row.applicant_name
            if col == 2:
                return row.applicant_id_number or ""
            if col == 3:
                return self.procedure_name(row.procedure_code)
            if col == 4:
                return status_label(row.status, lang())
            if col == 5:
                return fmt_date(row.received_at)
            if col == 6:
                return fmt_dt(row.due_at)
        elif role == Qt.ItemDataRole.BackgroundRole:
            state = self.due_state(index.row())
            if state == "overdue":
                return OVERDUE_BG
            if state == "due_soon":
                return DUE_TODAY_BG
        elif role == Qt.ItemDataRole.ForegroundRole:
            if col == 6 and self.due_state(index.row()) == "overdue":
                return OVERDUE_FG
        elif role == Qt.ItemDataRole.ToolTipRole:
            state = self.due_state(index.row())
            if state == "overdue":
                return _("Quá hạn trả kết quả")
            if state == "due_soon":
                return _("Đến hạn trả kết quả hôm nay")
        elif role == Qt.ItemDataRole.UserRole:
            return row.uid
        return None


class DossierTable(QTableView):
    """The table view; Enter or a double click opens the dossier."""

    open_requested = Signal(str)

    def __init__(self, model: DossierTableModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.setModel(model)
        self.setObjectName("dossierTable")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(24)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for col, width in enumerate((215, 170, 110, 300, 140, 90, 120)):
            self.setColumnWidth(col, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.doubleClicked.connect(self._open_index)

    def _open_index(self, index: QModelIndex) -> None:
        uid = self.model().data(index, Qt.ItemDataRole.UserRole)
        if uid:
            self.open_requested.emit(uid)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open_index(self.currentIndex())
            return
        super().keyPressEvent(event)


class ScanSearchBox(QLineEdit):
    """A search field that also takes a barcode/QR scanner's input: a code + Enter opens it."""

    open_code = Signal(str)
    search = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("scanSearch")
        self.setPlaceholderText(_("Tìm theo tên, số định danh, điện thoại — hoặc quét mã hồ sơ"))
        self.setClearButtonEnabled(True)
        self.returnPressed.connect(self._enter)

    def _enter(self) -> None:
        text = nfc(self.text()).strip()
        if looks_like_code(text):
            self.open_code.emit(text.upper())
            self.selectAll()
        else:
            self.search.emit(text)


class DossierListPage(QWidget):
    """Filters, the table, and the count of what matches."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("dossierListPage")
        layout = QVBoxLayout(self)
        self.search_box = ScanSearchBox()
        self.search_box.search.connect(self.run_search)
        self.search_box.open_code.connect(ctx.bus.open_dossier.emit)
        layout.addWidget(self.search_box)

        bar = QHBoxLayout()
        self.status = QComboBox()
        self.status.setObjectName("statusFilter")
        # Item data are comma-separated status codes (a plain string survives QVariant).
        self.status.addItem(_("Mọi trạng thái"), "")
        self.status.addItem(_("Đang giải quyết (chưa xong)"),
                            ",".join(str(c) for c in OPEN_STATUS_CODES))
        for s in Status:
            self.status.addItem(status_label(s, lang()), str(int(s)))
        self.procedure = QComboBox()
        self.procedure.setObjectName("procedureFilter")
        self.procedure.addItem(_("Mọi thủ tục"), None)
        for proc in ctx.catalogue.procedures:
            self.procedure.addItem(proc.name, proc.code)
        self.procedure.setMaximumWidth(320)
        self.officer = QComboBox()
        self.officer.setObjectName("officerFilter")
        self.officer.addItem(_("Mọi cán bộ"), None)
        self.due = QComboBox()
        self.due.setObjectName("dueFilter")
        self.due.addItem(_("Mọi thời hạn"), None)
        self.due.addItem(_("Đến hạn hôm nay"), "today")
        self.due.addItem(_("Quá hạn"), "overdue")
        self.date_on = QCheckBox(_("Nhận từ"))
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setEnabled(False)
        today = QDate.currentDate()
        self.date_from.setDate(today.addDays(-30))
        self.date_to.setDate(today)
        self.date_on.toggled.connect(self.date_from.setEnabled)
        self.date_on.toggled.connect(self.date_to.setEnabled)
        self.unsynced = QCheckBox(_("Chưa đồng bộ"))
        self.sort = QComboBox()
        self.sort.setObjectName("sortOrder")
        for key, label in SORTS:
            self.sort.addItem(_(label), key)
        for w in (self.status, self.procedure, self.officer, self.due):
            bar.addWidget(w)
        bar.addWidget(self.date_on)
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("–"))
        bar.addWidget(self.date_to)
        bar.addWidget(self.unsynced)
        bar.addStretch(1)
        bar.addWidget(QLabel(_("Sắp xếp")))
        bar.addWidget(self.sort)
        layout.addLayout(bar)

        self.model = DossierTableModel(ctx.register, ctx.procedure_name,
                                       page_size=ctx.settings.get(opts.LIST_PAGE_SIZE),
                                       parent=self)
        self.table = DossierTable(self.model)
        self.table.open_requested.connect(ctx.bus.open_dossier.emit)
        layout.addWidget(self.table, 1)
        footer = QHBoxLayout()
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        footer.addWidget(self.count_label)
        footer.addStretch(1)
        legend_today = QLabel(_("  Đến hạn hôm nay  "))
        legend_today.setStyleSheet(f"background: {DUE_TODAY_BG.name()};")
        legend_over = QLabel(_("  Quá hạn  "))
        legend_over.setStyleSheet(f"background: {OVERDUE_BG.name()};")
        footer.addWidget(legend_today)
        footer.addWidget(legend_over)
        self.reset_button = QPushButton(_("Bỏ lọc"))
        self.reset_button.clicked.connect(self.reset_filters)
        footer.addWidget(self.reset_button)
        layout.addLayout(footer)
        self.model.total_known.connect(self._show_count)
        for combo in (self.status, self.procedure, self.officer, self.due, self.sort):
            combo.currentIndexChanged.connect(self.apply)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self.apply)
        self.date_on.toggled.connect(self.apply)
        self.unsynced.toggled.connect(self.apply)
        ctx.bus.changed.connect(self._register_changed)
        self._applying = False
        self._mode_label = ""
        self._searched = ""  # the search whose results are shown ("" for the filters)

    def load_officers(self) -> None:
        run_op(lambda c: self.ctx.register.accounts(), on_success=self._officers, parent=self)

    def _officers(self, accounts: list) -> None:
        self._applying = True
        for a in accounts:
            self.officer.addItem(f"{a.full_name} ({a.username})", a.username)
        self._applying = False

    def current_filter(self) -> DossierFilter:
        received_from = received_to = None
        if self.date_on.isChecked():
            start = self.date_from.date().toPyDate()
            end = self.date_to.date().toPyDate()
            received_from = datetime.combine(start, time(0), LOCAL_TZ)
            received_to = datetime.combine(end + timedelta(days=1), time(0), LOCAL_TZ)
        codes = str(self.status.currentData() or "")
        return DossierFilter(statuses=tuple(int(c) for c in codes.split(",") if c),
                             procedure_code=self.procedure.currentData(),
                             officer=self.officer.currentData(), due=self.due.currentData(),
                             received_from=received_from, received_to=received_to,
                             unsynced=self.unsynced.isChecked())

    def apply(self) -> None:
        if self._applying:
            return
        self._mode_label = ""
        self.count_label.setText(_("Đang đếm…"))
        self.model.set_query(self.current_filter(), self.sort.currentData())

    def show_filter(self, flt: DossierFilter, label: str = "") -> None:
        """Show the list behind a home-screen count (filters that the bar cannot express)."""
        self._mode_label = label
        self.count_label.setText(_("Đang đếm…"))
        self.model.set_query(flt, self.sort.currentData())

    def show_home_list(self, key: str, label: str) -> None:
        self.show_filter(home_filter(key, self.ctx.now()), label)

    def reset_filters(self) -> None:
        self._applying = True
        for combo in (self.status, self.procedure, self.officer, self.due):
            combo.setCurrentIndex(0)
        self.date_on.setChecked(False)
        self.unsynced.setChecked(False)
        self.search_box.clear()
        self._applying = False
        self.apply()

    def _register_changed(self, changes: Changes) -> None:
        """A write, here or pulled from the province: the rows shown are read again (the
        search again when search results are shown, the officers when accounts changed)."""
        if changes.accounts:
            self.load_officers()
        if not changes.dossiers:
            return
        if self.model._fixed:
            if self._searched and {r.uid for r in self.model.rows} & changes.dossiers:
                self.run_search(self._searched)
        else:
            self.model.refresh()

    def run_search(self, text: str) -> None:
        text = text.strip()
        self._searched = text
        if not text:
            self.apply()
            return
        self._mode_label = _("Kết quả tìm «{text}»").format(text=text)
        self.count_label.setText(_("Đang tìm…"))
        run_op(lambda c: self.ctx.register.search(text, limit=200),
               on_success=self.model.set_rows, parent=self)

    def _show_count(self, n: int) -> None:
        prefix = f"{self._mode_label}: " if self._mode_label else ""
        self.count_label.setText(prefix + _("{n} hồ sơ").format(n=f"{n:,}".replace(",", ".")))


def day_range(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), LOCAL_TZ)
    return start, start + timedelta(days=1)
