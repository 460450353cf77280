"""The reports window (filters, tables, a chart, export) and the public board of overdue dossiers.

Every figure is computed in a worker (desktop.ui.ops.run_op) by desktop.register.reports, with
progress and a cancel button; the GUI thread only lays out the finished tables. The chart is
drawn with QPainter (no extra Qt module to ship). The board is a full-screen window for a
screen in the waiting area: overdue dossiers with masked names, refreshed by itself.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.ui.i18n import N_, _
from desktop.ui.ops import OpContext, OpHandle, run_op
from desktop.ui.qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QColor,
    QComboBox,
    QDate,
    QDateEdit,
    QFileDialog,
    QFont,
    QHBoxLayout,
    QHeaderView,
    QKeySequence,
    QLabel,
    QMainWindow,
    QModelIndex,
    QObject,
    QPainter,
    QPushButton,
    QRectF,
    QShortcut,
    QSplitter,
    Qt,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTimer,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from desktop.ui.context import AppContext

log = logging.getLogger(__name__)

KIND_LABELS = {
    "handling": N_("Tình hình tiếp nhận và giải quyết"),
    "late": N_("Hồ sơ quá hạn"),
    "index": N_("Chỉ số phục vụ (Quyết định 766)"),
    "satisfaction": N_("Mức độ hài lòng, phản ánh"),
    "fees": N_("Phí, lệ phí"),
}
SERIES_COLOURS = ("#2e7d32", "#1565c0", "#c62828", "#f9a825", "#6a1b9a")
BOARD_REFRESH_MS = 60_000
BOARD_PAGE_MS = 10_000
BOARD_ROWS_PER_PAGE = 10
_NUMERIC = ("int", "money", "share", "points")


def _cell(kind: str, value: Any) -> str:
    from reports.tables import cell_text

    return cell_text(kind, value)


# --------------------------------------------------------------------------- the chart


class BarChart(QWidget):
    """Bars by category, several series stacked, drawn with QPainter."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("reportChart")
        self.setMinimumHeight(220)
        self.title = ""
        self.categories: list[str] = []
        self.series: list[tuple[str, list[float]]] = []
        self.percent = False

    def set_data(self, title: str, categories: Sequence[str],
                 series: Sequence[tuple[str, Sequence[float]]], percent: bool = False) -> None:
        self.title = title
        self.categories = list(categories)
        self.series = [(name, [float(v or 0) for v in values]) for name, values in series]
        self.percent = percent
        self.update()

    def paintEvent(self, event: Any) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        w, h = self.width(), self.height()
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#202124"))
        painter.drawText(QRectF(8, 4, w - 16, 20), int(Qt.AlignmentFlag.AlignLeft), self.title)
        painter.setFont(self.font())
        if not self.categories or not self.series:
            painter.drawText(QRectF(0, 0, w, h), int(Qt.AlignmentFlag.AlignCenter),
                             _("Không có số liệu."))
            painter.end()
            return
        left, top, bottom, legend_h = 48.0, 30.0, 54.0, 18.0
        plot_h = h - top - bottom - legend_h
        plot_w = w - left - 12
        totals = [sum(values[i] for _, values in self.series)
                  for i in range(len(self.categories))]
        peak = max(totals + [1e-9])
        if self.percent:
            peak = max(peak, 1.0)
        painter.setPen(QColor("#9aa0a6"))
        for step in range(5):
            y = top + plot_h - plot_h * step / 4
            painter.drawLine(int(left), int(y), int(left + plot_w), int(y))
            value = peak * step / 4
            text = f"{value * 100:.0f}%" if self.percent else f"{value:,.0f}".replace(",", ".")
            painter.drawText(QRectF(0, y - 8, left - 4, 16),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                             text)
        slot = plot_w / len(self.categories)
        bar = max(4.0, slot * 0.6)
        for i, category in enumerate(self.categories):
            x = left + slot * i + (slot - bar) / 2
            base = top + plot_h
            for s, (_name, values) in enumerate(self.series):
                height = plot_h * values[i] / peak
                painter.fillRect(QRectF(x, base - height, bar, height),
                                 QColor(SERIES_COLOURS[s % len(SERIES_COLOURS)]))
                base -= height
            painter.setPen(QColor("#202124"))
            label = category if len(category) <= 14 else category[:13] + "…"
            painter.drawText(QRectF(left + slot * i, top + plot_h + 2, slot, bottom - 4),
                             int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                                 | Qt.TextFlag.TextWordWrap), label)
        x = left
        for s, (name, _values) in enumerate(self.series):
            painter.fillRect(QRectF(x, h - legend_h, 12, 12),
                             QColor(SERIES_COLOURS[s % len(SERIES_COLOURS)]))
            painter.drawText(QRectF(x + 16, h - legend_h - 2, 220, 16),
                             int(Qt.AlignmentFlag.AlignLeft), name)
            x += 24 + painter.fontMetrics().horizontalAdvance(name)
        painter.end()


def chart_data(report: Any) -> tuple[str, list[str], list[tuple[str, list[float]]], bool]:
    """What the chart shows for a report: (title, categories, series, as percentages)."""
    kind = report.kind
    if kind == "handling":
        rows = report.by_field
        return (_("Hồ sơ đã giải quyết theo lĩnh vực"), [r.label for r in rows], [
            (_("Trước hạn"), [r.processed_before for r in rows]),
            (_("Đúng hạn"), [r.processed_on for r in rows]),
            (_("Quá hạn"), [r.processed_after for r in rows])], False)
    if kind == "index":
        months = report.months
        share = {m.label: {i.code: i.value for i in m.indicators} for m in months}
        return (_("Tỷ lệ đúng hạn theo tháng"), [m.label for m in months],
                [(_("Đúng hạn"), [share[m.label]["on_time_share"] or 0 for m in months])],
                True)
    if kind == "late":
        units: dict[str, int] = {}
        for r in report.rows:
            units[r.holding_unit] = units.get(r.holding_unit, 0) + 1
        top = sorted(units.items(), key=lambda kv: -kv[1])[:8]
        return (_("Hồ sơ quá hạn theo đơn vị giữ hồ sơ"), [k for k, _v in top],
                [(_("Quá hạn"), [v for _k, v in top])], False)
    if kind == "satisfaction":
        t = report.total
        return (_("Đánh giá của người dân"), [_("Rất hài lòng"), _("Hài lòng"),
                                             _("Bình thường"), _("Không hài lòng")],
                [(_("Lượt đánh giá"), [t.very_satisfied, t.satisfied, t.neutral,
                                       t.dissatisfied])], False)
    rows = sorted(report.by_procedure, key=lambda r: -r.collected)[:8]
    return (_("Phí, lệ phí đã thu theo thủ tục (đồng)"), [r.label for r in rows], [
        (_("Thu khi tiếp nhận"), [r.paid_on_receipt for r in rows]),
        (_("Thu sau"), [r.later_amount for r in rows])], False)


# --------------------------------------------------------------------------- the window


class ReportTableModel(QAbstractTableModel):
    """One report table; cells are formatted when the view asks for them."""

    def __init__(self, table: Any, parent: QObject | None = None):
        super().__init__(parent)
        self.table = table
        self.bold = QFont()
        self.bold.setBold(True)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.table.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.table.columns)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        col = self.table.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(col.kind, self.table.rows[index.row()][index.column()])
        if role == Qt.ItemDataRole.TextAlignmentRole and col.kind in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and index.row() < self.table.total_rows:
            return self.bold
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.table.columns[section].title
        return None


class ReportsWindow(QMainWindow):
    """Filters on top, the chart and the report's tables below, export buttons."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("reportsWindow")
        self.setWindowTitle(_("Báo cáo"))
        self.resize(1200, 800)
        self.report: Any = None
        self.running: OpHandle | None = None
        self.board: PublicBoard | None = None

        self.kind = QComboBox()
        self.kind.setObjectName("reportKind")
        for code, label in KIND_LABELS.items():
            self.kind.addItem(_(label), code)
        today = ctx.now().date()
        self.date_from = QDateEdit(QDate(today.year, 1, 1))
        self.date_to = QDateEdit(QDate(today.year, today.month, today.day))
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        self.field = QComboBox()
        self.field.setObjectName("reportField")
        self.field.addItem(_("Mọi lĩnh vực"), None)
        for f in ctx.catalogue.fields:
            self.field.addItem(f.name, f.code)
        self.procedure = QComboBox()
        self.procedure.setObjectName("reportProcedure")
        self.procedure.addItem(_("Mọi thủ tục"), None)
        for p in ctx.catalogue.procedures:
            self.procedure.addItem(p.name, p.code)
        self.procedure.setMaximumWidth(320)
        self.officer = QComboBox()
        self.officer.setObjectName("reportOfficer")
        self.officer.addItem(_("Mọi cán bộ"), None)
        self.compute_button = QPushButton(_("Lập báo cáo"))
        self.compute_button.setObjectName("computeReport")
        self.compute_button.setDefault(True)
        self.compute_button.clicked.connect(self.compute)
        self.exports = []
        for fmt, text in (("pdf", _("In PDF")), ("xlsx", _("Xuất Excel")),
                          ("json", _("Xuất JSON"))):
            button = QPushButton(text)
            button.setObjectName(f"export_{fmt}")
            button.setEnabled(False)
            button.clicked.connect(lambda _checked=False, fmt=fmt: self.export(fmt))
            self.exports.append(button)
        self.board_button = QPushButton(_("Bảng công khai hồ sơ quá hạn"))
        self.board_button.setObjectName("openBoard")
        self.board_button.clicked.connect(self.open_board)

        filters = QHBoxLayout()
        for label, widget in ((_("Báo cáo"), self.kind), (_("Từ ngày"), self.date_from),
                              (_("Đến ngày"), self.date_to), (_("Lĩnh vực"), self.field),
                              (_("Thủ tục"), self.procedure), (_("Cán bộ"), self.officer)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.compute_button)
        for b in self.exports:
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.board_button)
        self.summary = QLabel(_("Chọn loại báo cáo, khoảng ngày rồi bấm «Lập báo cáo»."))
        self.summary.setObjectName("reportSummary")
        self.summary.setWordWrap(True)
        self.chart = BarChart()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("reportTabs")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.chart)
        split.addWidget(self.tabs)
        split.setSizes([260, 520])
        body = QVBoxLayout()
        body.addLayout(filters)
        body.addLayout(buttons)
        body.addWidget(self.summary)
        body.addWidget(split, 1)
        root = QWidget()
        root.setLayout(body)
        self.setCentralWidget(root)
        QShortcut(QKeySequence("F5"), self).activated.connect(self.compute)
        run_op(lambda op: [(a.username, a.full_name) for a in ctx.register.accounts()],
               on_success=self._officers, parent=self)

    def _officers(self, officers: list[tuple[str, str]]) -> None:
        self.names = dict(officers)
        for username, full_name in officers:
            self.officer.addItem(f"{full_name} ({username})", username)

    def params(self) -> Any:
        from reports import ReportParams

        d0, d1 = self.date_from.date(), self.date_to.date()
        return ReportParams(date(d0.year(), d0.month(), d0.day()),
                            date(d1.year(), d1.month(), d1.day()),
                            field=self.field.currentData(),
                            procedure=self.procedure.currentData(),
                            officer=self.officer.currentData())

    # --- computing -------------------------------------------------------------------------

    def compute(self) -> None:
        if self.running is not None and not self.running.finished:
            return
        try:
            params = self.params()
        except ValueError:
            self.summary.setText(_("Khoảng ngày không hợp lệ: «Từ ngày» phải trước «Đến ngày»."))
            return
        kind = self.kind.currentData()
        register = self.ctx.register

        names = dict(getattr(self, "names", {}))

        def work(op: OpContext) -> Any:
            from desktop.register.reports import compute
            from reports.tables import tabulate

            report = compute(register, kind, params, progress=op.report,
                             cancelled=lambda: op.cancelled)
            return report, tabulate(report, names), chart_data(report)

        self.compute_button.setEnabled(False)
        self.summary.setText(_("Đang lập báo cáo…"))
        self.running = run_op(work, on_success=self.show_report, on_failure=self._failed,
                              parent=self, progress=_("Đang lập báo cáo…"))

    def _failed(self, exc: BaseException) -> None:
        from desktop.register.reports import ReportCancelled

        self.compute_button.setEnabled(True)
        if isinstance(exc, ReportCancelled):
            self.summary.setText(_("Đã hủy lập báo cáo."))
            return
        from desktop.ui import errors

        self.summary.setText(_("Không lập được báo cáo."))
        errors.report(self, exc)

    def show_report(self, result: Any) -> None:
        """Lay out a finished report: the tables are models read as they are scrolled, so
        tens of thousands of rows cost the GUI thread nothing up front."""
        from reports.tables import TITLES, period_text

        report, tables, chart = result
        self.report = report
        self.compute_button.setEnabled(True)
        for b in self.exports:
            b.setEnabled(True)
        self.tabs.clear()
        for table in tables:
            self.tabs.addTab(self._table_view(table), table.sheet)
        self.chart.set_data(*chart)
        self.summary.setText(f"{TITLES[report.kind]} — {period_text(report)}. "
                             + self._headline(report))

    @staticmethod
    def _headline(report: Any) -> str:
        kind = report.kind
        if kind == "handling":
            t = report.total
            return _("Phải giải quyết {n}; đã giải quyết {d} ({s} đúng hạn); quá hạn đang "
                     "giải quyết {o}.").format(n=t.to_handle, d=t.processed,
                                                s=_cell("share", t.on_time_share),
                                                o=t.in_processing_overdue)
        if kind == "index":
            return _("Điểm: {p} trên {a} điểm tính được.").format(
                p=_cell("points", report.total.points),
                a=_cell("points", report.total.points_available))
        if kind == "late":
            return _("{n} hồ sơ quá hạn.").format(n=len(report.rows))
        if kind == "satisfaction":
            return _("{n} lượt đánh giá, {c} phản ánh.").format(
                n=report.total.rated, c=len(report.complaints))
        return _("Tổng đã thu: {m} đồng.").format(m=_cell("money", report.total.collected))

    def _table_view(self, table: Any) -> QTableView:
        view = QTableView()
        view.setObjectName(f"reportTable_{table.sheet}")
        view.setModel(ReportTableModel(table, view))
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setWordWrap(False)
        view.verticalHeader().setVisible(False)  # type: ignore[union-attr]
        header = view.horizontalHeader()
        assert header is not None
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(Qt.AlignmentFlag(Qt.AlignmentFlag.AlignCenter.value
                                                     | Qt.TextFlag.TextWordWrap.value))
        header.setMinimumHeight(3 * view.fontMetrics().height() + 6)
        unit = view.fontMetrics().horizontalAdvance("0")
        for c, col in enumerate(table.columns):
            view.setColumnWidth(c, int(max(col.width, len(col.title) * 0.6, 7) * unit * 1.2))
        return view

    # --- export ------------------------------------------------------------------------------

    def export(self, fmt: str) -> None:
        if self.report is None:
            return
        suggested = f"bao-cao-{self.report.kind}-{self.report.params.date_from:%Y%m%d}-" \
                    f"{self.report.params.date_to:%Y%m%d}.{fmt}"
        path, _filter = QFileDialog.getSaveFileName(self, _("Lưu báo cáo"), suggested,
                                                    f"*.{fmt}")
        if path:
            self.save_to(Path(path), fmt)

    def save_to(self, path: Path, fmt: str) -> OpHandle:
        """Write the shown report to `path` in a worker (the tests call this directly)."""
        report, register = self.report, self.ctx.register

        def work(op: OpContext) -> Path:
            from desktop.printing import _write
            from desktop.reporting import report_bytes

            return _write(path, report_bytes(register, report, fmt))

        return run_op(work, parent=self, progress=_("Đang ghi tệp báo cáo…"),
                      on_success=lambda p: self.summary.setText(
                          _("Đã lưu báo cáo: {path}").format(path=p)))

    # --- the public board --------------------------------------------------------------------

    def open_board(self) -> None:
        self.board = PublicBoard(self.ctx)
        self.board.showFullScreen()


class PublicBoard(QWidget):
    """Full-screen list of overdue dossiers for the waiting area; names masked (Law 91/2025).

    Refreshes every minute in a worker and turns its pages every ten seconds; Esc closes it.
    """

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("publicBoard")
        self.setWindowTitle(_("Hồ sơ quá hạn"))
        self.setStyleSheet("QWidget#publicBoard { background: #0d2a4a; } "
                           "QLabel { color: white; } "
                           "QTableWidget { background: #102f54; color: white; "
                           "gridline-color: #2c4f7c; font-size: 20px; } "
                           "QHeaderView::section { background: #1b4a80; color: white; "
                           "font-size: 18px; font-weight: bold; padding: 6px; }")
        self.rows: list[Any] = []
        self.page = 0
        try:
            office = ctx.register.office().office_name
        except Exception:  # noqa: BLE001 - the board can do without the office name
            office = ""
        self.title = QLabel(f"{office.upper()}\n" + _("DANH SÁCH HỒ SƠ QUÁ HẠN — XIN LỖI "
                                                      "NGƯỜI DÂN VÌ SỰ CHẬM TRỄ"))
        self.title.setObjectName("boardTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = QFont(self.title.font())
        font.setPointSize(22)
        font.setBold(True)
        self.title.setFont(font)
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("boardTable")
        self.table.setHorizontalHeaderLabels([
            _("Mã hồ sơ"), _("Người nộp"), _("Thủ tục"), _("Hẹn trả"), _("Số ngày quá hạn"),
            _("Đơn vị đang giải quyết")])
        self.table.verticalHeader().setVisible(False)  # type: ignore[union-attr]
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.table.horizontalHeader()
        assert header is not None
        for column, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents,
                                       QHeaderView.ResizeMode.ResizeToContents,
                                       QHeaderView.ResizeMode.Stretch,
                                       QHeaderView.ResizeMode.ResizeToContents,
                                       QHeaderView.ResizeMode.ResizeToContents,
                                       QHeaderView.ResizeMode.Stretch)):
            header.setSectionResizeMode(column, mode)
        self.table.setWordWrap(True)
        self.footer = QLabel()
        self.footer.setObjectName("boardFooter")
        self.footer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        small = QFont(self.footer.font())
        small.setPointSize(14)
        self.footer.setFont(small)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.footer)
        QShortcut(QKeySequence("Esc"), self).activated.connect(self.close)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(BOARD_REFRESH_MS)
        self.refresh_timer.timeout.connect(self.refresh)
        self.page_timer = QTimer(self)
        self.page_timer.setInterval(BOARD_PAGE_MS)
        self.page_timer.timeout.connect(self.next_page)
        self.refresh_timer.start()
        self.page_timer.start()
        self.refresh()

    def refresh(self) -> None:
        register = self.ctx.register

        def work(op: OpContext) -> list[Any]:
            from desktop.register.reports import board_rows

            return board_rows(register)

        run_op(work, on_success=self.show_rows, parent=self)

    def show_rows(self, rows: list[Any]) -> None:
        self.rows = rows
        self.page = 0
        self._show_page()

    def next_page(self) -> None:
        pages = max(1, -(-len(self.rows) // BOARD_ROWS_PER_PAGE))
        self.page = (self.page + 1) % pages
        self._show_page()

    def _show_page(self) -> None:
        start = self.page * BOARD_ROWS_PER_PAGE
        shown = self.rows[start:start + BOARD_ROWS_PER_PAGE]
        self.table.setRowCount(len(shown))
        for r, row in enumerate(shown):
            values = (row.code, row.applicant, row.procedure_name, _cell("instant", row.due_at),
                      str(row.days_late), row.holding_unit)
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c == 4:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        pages = max(1, -(-len(self.rows) // BOARD_ROWS_PER_PAGE))
        from sync.lifecycle import LOCAL_TZ

        now = self.ctx.now().astimezone(LOCAL_TZ)
        self.footer.setText(_("{n} hồ sơ quá hạn · trang {p}/{t} · cập nhật lúc {time}").format(
            n=len(self.rows), p=self.page + 1, t=pages, time=f"{now:%H:%M %d/%m/%Y}"))


__all__ = ["BarChart", "PublicBoard", "ReportsWindow", "chart_data"]
