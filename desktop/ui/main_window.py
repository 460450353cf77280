"""The main window: today's counts and the lists behind them, the dossier list, the books.

F2 receives a dossier from anywhere; F3 (or the scanner) goes to the search field, where a
dossier code followed by Enter opens the dossier.
"""

from __future__ import annotations

from typing import Any

from desktop.register.queries import HomeCounts
from desktop.register.ui_support import HOME_KEYS
from desktop.ui import settings as opts
from desktop.ui.context import AppContext
from desktop.ui.dossier import DossierWindow
from desktop.ui.dossier_list import (
    DossierListPage,
    DossierTable,
    DossierTableModel,
    ScanSearchBox,
)
from desktop.ui.i18n import N_, _
from desktop.ui.ops import run_op
from desktop.ui.qt import (
    QAction,
    QByteArray,
    QCloseEvent,
    QGridLayout,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QMainWindow,
    QPushButton,
    QShortcut,
    QSizePolicy,
    QStackedWidget,
    QStatusBar,
    Qt,
    QTimer,
    QToolBar,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desktop.ui.widgets import heading, hint

HOME_LABELS = {
    "received_today": N_("Tiếp nhận hôm nay"),
    "due_today": N_("Đến hạn trả hôm nay"),
    "overdue": N_("Quá hạn"),
    "awaiting_supplement": N_("Chờ bổ sung"),
    "not_synced": N_("Chưa đồng bộ"),
}
EMPTY_TEXT = {
    "received_today": N_("Hôm nay chưa tiếp nhận hồ sơ nào."),
    "due_today": N_("Không có hồ sơ nào đến hạn trả hôm nay."),
    "overdue": N_("Không có hồ sơ quá hạn."),
    "awaiting_supplement": N_("Không có hồ sơ chờ bổ sung."),
    "not_synced": N_("Mọi thay đổi đã được đồng bộ."),
}
HOME_COLOURS = {"received_today": "#1a4a85", "due_today": "#8a5a00", "overdue": "#8a1c12",
                "awaiting_supplement": "#5b3b8c", "not_synced": "#3c4043"}
REFRESH_MS = 60_000


class StatusBar(QStatusBar):
    """Office, user and — for the sync helper to drive — the sync indicator."""

    SYNC_TEXT = {
        "not_configured": N_("Đồng bộ: chưa cấu hình"),
        "idle": N_("Đồng bộ: đã xong"),
        "running": N_("Đồng bộ: đang chạy…"),
        "offline": N_("Đồng bộ: không có mạng"),
        "error": N_("Đồng bộ: lỗi"),
        "pending": N_("Đồng bộ: còn thay đổi chờ gửi"),
    }

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.office = QLabel()
        self.user = QLabel()
        self.sync = QLabel()
        self.sync.setObjectName("syncIndicator")
        self.addWidget(self.office, 1)
        self.addPermanentWidget(self.user)
        self.addPermanentWidget(self.sync)
        self.set_sync_state("not_configured")

    def set_sync_state(self, state: str, detail: str = "") -> None:
        """Show the sync engine's state: one of SYNC_TEXT's keys, with an optional detail
        (last success, pending count, the error in words). Called on the GUI thread."""
        text = _(self.SYNC_TEXT.get(state, state))
        self.sync.setText(text + (f" — {detail}" if detail else ""))
        self.sync.setToolTip(detail)
        self.sync.setProperty("syncState", state)
        colour = {"error": "#8a1c12", "offline": "#8a5a00", "running": "#1a4a85"}.get(
            state, "#3c4043")
        self.sync.setStyleSheet(f"color: {colour}; padding: 0 6px;")


class CountTile(QPushButton):
    """A count of the home screen: a big number over its label; a click shows its list."""

    def __init__(self, key: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"tile_{key}")
        self.setCheckable(True)
        self.setMinimumSize(170, 92)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        colour = HOME_COLOURS[key]
        self.setStyleSheet(
            "QPushButton { border: 1px solid #c8ccd0; border-radius: 6px; background: #ffffff; }"
            f"QPushButton:checked {{ border: 3px solid {colour}; background: #f4f7fb; }}"
            "QPushButton:focus { border: 2px solid #1a73e8; }")
        inner = QVBoxLayout(self)
        inner.setContentsMargins(14, 8, 14, 8)
        self.number = QLabel()
        self.number.setObjectName("tileNumber")
        self.number.setStyleSheet(f"color: {colour}; font-size: 24pt; font-weight: bold; "
                                  "background: transparent; border: none;")
        self.caption = QLabel(_(HOME_LABELS[key]))
        self.caption.setStyleSheet("font-size: 11pt; background: transparent; border: none;")
        for label in (self.number, self.caption):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            inner.addWidget(label)
        self.count: int | None = None
        self.set_count(None)

    def set_count(self, count: int | None) -> None:
        self.count = count
        self.number.setText("…" if count is None else f"{count:,}".replace(",", "."))
        self.setAccessibleName(f"{self.number.text()} {self.caption.text()}")


class HomePage(QWidget):
    """Today's figures; a click on one shows its list below."""

    counts_shown = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("homePage")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.title = heading(_("Hôm nay"), 15)
        top.addWidget(self.title)
        top.addStretch(1)
        self.receive_button = QPushButton(_("Tiếp nhận hồ sơ mới (F2)"))
        self.receive_button.setObjectName("homeReceive")
        self.receive_button.setMinimumHeight(40)
        self.receive_button.setStyleSheet(
            "QPushButton { background: #1a73e8; color: white; font-weight: bold; "
            "padding: 6px 18px; border-radius: 5px; } QPushButton:disabled { background: #9bb8e6; }")
        self.receive_button.setVisible(ctx.can("receive"))
        top.addWidget(self.receive_button)
        layout.addLayout(top)
        grid = QGridLayout()
        self.tiles: dict[str, CountTile] = {}
        for i, key in enumerate(HOME_KEYS):
            tile = CountTile(key)
            tile.clicked.connect(lambda _c=False, k=key: self.show_list(k))
            grid.addWidget(tile, 0, i)
            self.tiles[key] = tile
        layout.addLayout(grid)
        self.list_title = heading("", 12)
        layout.addWidget(self.list_title)
        self.model = DossierTableModel(ctx.register, ctx.procedure_name,
                                       page_size=ctx.settings.get(opts.LIST_PAGE_SIZE),
                                       parent=self)
        self.table = DossierTable(self.model)
        self.table.setObjectName("homeTable")
        self.table.open_requested.connect(ctx.bus.open_dossier.emit)
        layout.addWidget(self.table, 1)
        self.empty = QLabel()
        self.empty.setObjectName("emptyList")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #5f6368; font-size: 11pt; padding: 12px;")
        self.empty.setVisible(False)
        layout.addWidget(self.empty)
        self.model.page_arrived.connect(self._rows_arrived)
        self.hint = hint(_("Nhấp đúp hoặc Enter để mở hồ sơ. Màu vàng: đến hạn hôm nay; màu "
                           "đỏ: quá hạn."))
        layout.addWidget(self.hint)
        self.current = "due_today"
        self.counts: HomeCounts | None = None

    def refresh(self) -> None:
        run_op(lambda c: self.ctx.register.home_counts(), on_success=self._counts, parent=self)
        self.model.refresh()

    def _counts(self, counts: HomeCounts) -> None:
        self.counts = counts
        values = {"received_today": counts.received_today, "due_today": counts.due_today,
                  "overdue": counts.overdue, "awaiting_supplement": counts.awaiting_supplement,
                  "not_synced": counts.not_synced}
        for key, tile in self.tiles.items():
            tile.set_count(values[key])
        self.counts_shown.emit()

    def _rows_arrived(self, rows: int) -> None:
        self.empty.setVisible(rows == 0)
        self.empty.setText(_(EMPTY_TEXT[self.current]) if rows == 0 else "")

    def show_list(self, key: str) -> None:
        from desktop.register.ui_support import home_filter

        self.current = key
        for k, tile in self.tiles.items():
            tile.setChecked(k == key)
        self.list_title.setText(_(HOME_LABELS[key]))
        sort = "due" if key in ("due_today", "overdue") else "newest"
        self.model.set_query(home_filter(key, self.ctx.now()), sort, count=False)


class MainWindow(QMainWindow):
    """The application window; `set_context` fills it once someone has logged in."""

    logout_requested = Signal()
    shown = Signal()

    def __init__(self, settings: opts.UiSettings | None = None):
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("motcua")
        self.resize(1280, 820)
        self.ui_settings = settings
        self.ctx: AppContext | None = None
        self.windows: dict[str, DossierWindow] = {}
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self.placeholder = QLabel(_("Đang mở sổ đăng ký…"))
        self.placeholder.setObjectName("placeholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(self.placeholder)
        if settings is not None:
            geometry = settings.get(opts.MAIN_GEOMETRY)
            if geometry:
                self.restoreGeometry(QByteArray(geometry))
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)

    def set_placeholder(self, text: str) -> None:
        self.placeholder.setText(text)

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        self.shown.emit()

    # --- after login -----------------------------------------------------------------------

    def set_context(self, ctx: AppContext) -> None:
        self.ctx = ctx
        office = ""
        try:
            info = ctx.register.office()
            office = f"{info.office_name} · {info.agency_id}"
        except Exception:  # noqa: BLE001 - the status line can do without it
            pass
        self.setWindowTitle(f"motcua — {office}" if office else "motcua")
        self.status.office.setText(office)
        self.status.user.setText(f"{ctx.user.full_name} · {ctx.role_label}")
        self.stack = QStackedWidget()
        self.home = HomePage(ctx)
        self.home.receive_button.clicked.connect(self.receive)
        self.list_page = DossierListPage(ctx)
        self.stack.addWidget(self.home)
        self.stack.addWidget(self.list_page)
        self.logbooks = None
        if ctx.can("logbook") or ctx.can("certify") or ctx.can("print"):
            from desktop.ui.logbooks import LogbooksPage

            self.logbooks = LogbooksPage(ctx)
            self.stack.addWidget(self.logbooks)
        self.setCentralWidget(self.stack)
        self._toolbar(ctx)
        ctx.bus.open_dossier.connect(self.open_dossier)
        ctx.bus.register_changed.connect(self._changed_soon)
        self._pending_refresh = QTimer(self)
        self._pending_refresh.setSingleShot(True)
        self._pending_refresh.setInterval(300)
        self._pending_refresh.timeout.connect(self.refresh_counts)
        self.go_home()
        self.home.show_list("due_today")
        self.refresh_counts()
        self.list_page.load_officers()
        self.timer.start()

    def _toolbar(self, ctx: AppContext) -> None:
        bar = QToolBar(_("Công cụ"))
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(bar)

        def action(text: str, slot: Any, shortcut: str | None = None, name: str = "") -> QAction:
            a = QAction(text, self)
            a.setObjectName(name)
            if shortcut:
                a.setShortcut(QKeySequence(shortcut))
                a.setToolTip(f"{text} ({shortcut})")
            a.triggered.connect(slot)
            bar.addAction(a)
            return a

        self.home_action = action(_("Trang chủ"), self.go_home, "Ctrl+1", "goHome")
        self.list_action = action(_("Danh sách hồ sơ"), self.go_list, "Ctrl+2", "goList")
        if self.logbooks is not None:
            self.books_action = action(_("Sổ"), self.go_books, "Ctrl+3", "goBooks")
        if ctx.can("receive"):
            self.receive_action = action(_("Tiếp nhận hồ sơ"), self.receive, "F2", "receive")
        action(_("Cài đặt"), self.open_settings, None, "settings")
        action(_("Đăng xuất"), self.logout_requested.emit, None, "logout")
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        self.search = ScanSearchBox()
        self.search.setObjectName("topSearch")
        self.search.setMinimumWidth(420)
        self.search.open_code.connect(self.open_dossier)
        self.search.search.connect(self._search)
        bar.addWidget(self.search)
        QShortcut(QKeySequence("F3"), self).activated.connect(self._focus_search)
        self.toolbar = bar

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _search(self, text: str) -> None:
        self.go_list()
        self.list_page.search_box.setText(text)
        self.list_page.run_search(text)

    def go_home(self) -> None:
        self.stack.setCurrentWidget(self.home)

    def go_list(self) -> None:
        if self.list_page.model.rowCount() == 0 and not self.list_page.model.loading() \
                and self.list_page.model.total is None:
            self.list_page.apply()
        self.stack.setCurrentWidget(self.list_page)

    def go_books(self) -> None:
        if self.logbooks is not None:
            if not self.logbooks.volumes:
                self.logbooks.load_volumes()
            self.stack.setCurrentWidget(self.logbooks)

    def refresh_counts(self) -> None:
        if self.ctx is not None:
            self.home.refresh()

    def refresh(self) -> None:
        self.refresh_counts()

    def _changed_soon(self) -> None:
        self._pending_refresh.start()

    # --- windows and dialogs ---------------------------------------------------------------

    def receive(self) -> None:
        from desktop.ui.receive import NEW_RECEIVE, ReceiveDialog

        if self.ctx is None or not self.ctx.can("receive"):
            return
        while True:
            dialog = ReceiveDialog(self.ctx, self)
            self.last_receive = dialog
            if dialog.exec() != NEW_RECEIVE:
                break

    def open_dossier(self, ref: str) -> DossierWindow | None:
        if self.ctx is None:
            return None
        existing = self.windows.get(ref)
        if existing is not None and existing.isVisible():
            existing.raise_()
            existing.activateWindow()
            return existing
        window = DossierWindow(self.ctx, ref, self)
        window.finished.connect(lambda _r, key=ref: self.windows.pop(key, None))
        self.windows[ref] = window
        window.show()
        return window

    def open_settings(self) -> None:
        from desktop.ui.settings_dialog import SettingsDialog

        if self.ctx is not None:
            SettingsDialog(self.ctx, self).exec()

    def closeEvent(self, event: QCloseEvent | None) -> None:  # noqa: N802
        if self.ui_settings is not None:
            self.ui_settings.set(opts.MAIN_GEOMETRY, bytes(self.saveGeometry()))
        for window in list(self.windows.values()):
            window.close()
        super().closeEvent(event)
