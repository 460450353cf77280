"""The main window: today's counts and the lists behind them, the dossier list, the books.

F2 receives a dossier from anywhere; F3 (or the scanner) goes to the search field, where a
dossier code followed by Enter opens the dossier.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, ClassVar

from desktop.ui import settings as opts
from desktop.ui.i18n import N_, _
from desktop.ui.ops import run_op
from desktop.ui.qt import (
    QAction,
    QByteArray,
    QCloseEvent,
    QKeySequence,
    QLabel,
    QMainWindow,
    QShortcut,
    QSizePolicy,
    QStackedWidget,
    QStatusBar,
    Qt,
    QTimer,
    QToolBar,
    QWidget,
    Signal,
)

if TYPE_CHECKING:
    from desktop.register.writer import Changes
    from desktop.ui.context import AppContext
    from desktop.ui.dossier import DossierWindow

# The window's frame imports only Qt: it is painted before the register (SQLAlchemy,
# Alembic) has finished loading in a worker. The pages are imported in set_context().

REFRESH_MS = 60_000

log = logging.getLogger(__name__)


class ClickableLabel(QLabel):
    """A label that says when it was clicked (the sync indicator opens the error list)."""

    clicked = Signal()

    def mouseReleaseEvent(self, event: Any) -> None:
        self.clicked.emit()
        super().mouseReleaseEvent(event)


class StatusBar(QStatusBar):
    """Office, user and — for the sync helper to drive — the sync indicator."""

    SYNC_TEXT: ClassVar[dict[str, str]] = {
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
        self.sync = ClickableLabel()
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


class MainWindow(QMainWindow):
    """The application window; `set_context` fills it once someone has logged in."""

    logout_requested = Signal()
    shown = Signal()
    first_paint = Signal()  # the frame is on screen: start the heavy loading now

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
        # Centred through the style sheet: the first Python use of a Qt.* enum builds all
        # ~90 of them (~10 ms), which the window shown at start-up can do without.
        self.placeholder.setStyleSheet("qproperty-alignment: AlignCenter;")
        self.setCentralWidget(self.placeholder)
        if settings is not None:
            geometry = settings.get(opts.MAIN_GEOMETRY)
            if geometry:
                self.restoreGeometry(QByteArray(geometry))
        self.logout_message = ""  # why the session ended, shown on the next login
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)

    def set_placeholder(self, text: str) -> None:
        self.placeholder.setText(text)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.shown.emit()

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        if not getattr(self, "_painted", False):
            self._painted = True
            QTimer.singleShot(0, self.first_paint.emit)

    # --- after login -----------------------------------------------------------------------

    def set_context(self, ctx: AppContext) -> None:
        from desktop.ui.dossier_list import DossierListPage
        from desktop.ui.home import HomePage

        self.ctx = ctx
        office = ""
        try:
            info = ctx.register.office()
            office = f"{info.office_name} · {info.agency_id}"
        except Exception as exc:  # noqa: BLE001 - the status line can do without it
            log.warning("office details unavailable: %s", exc)
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
        self._start_sync(ctx)
        ctx.bus.open_dossier.connect(self.open_dossier)
        ctx.bus.changed.connect(self._changed)
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
        from desktop.ui.dossier_list import ScanSearchBox

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
            self.receive_action = action(_("Tiếp nhận hồ sơ mới"), self.receive, "F2",
                                         "receive")
        if ctx.can("reports"):
            self.reports_action = action(_("Báo cáo"), self.open_reports, "Ctrl+4",
                                         "openReports")
        self.sync_action = action(_("Đồng bộ ngay"), self.sync_now, "F5", "syncNow")
        action(_("Cài đặt"), self.open_settings, None, "settings")
        action(_("Đổi mật khẩu"), self.change_password, None, "changePassword")
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

    def _start_sync(self, ctx: AppContext) -> None:
        from desktop.register import writequeue
        from desktop.register.syncstore import RegisterSyncStore, SerialSyncStore
        from desktop.ui.sync_worker import SyncController

        # The sync thread's writes (pulled events above all) run on the register's one write
        # worker, after or before the UI's, never beside them.
        store = SerialSyncStore(RegisterSyncStore(ctx.register), writequeue.shared())
        self.sync = SyncController(store, self.status, self,
                                   credentials=ctx.extras.get("sync_credentials"),
                                   clock=ctx.register.clock,
                                   **ctx.extras.get("sync_options", {}))
        self.sync.finished.connect(lambda _r: self._changed_soon())
        self.sync.start()

    def sync_now(self) -> None:
        if getattr(self, "sync", None) is not None:
            self.sync.sync_now()

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
        self.check_account()

    def check_account(self) -> None:
        """Log out a user whose account was deactivated, or whose role changed, meanwhile
        (by an administrator at another session of this PC): checked at every refresh."""
        ctx = self.ctx
        if ctx is None:
            return
        user = ctx.user

        def found(accounts: list[Any]) -> None:
            if self.ctx is not ctx or getattr(self, "_ending", None) is ctx:
                return  # logged out meanwhile, or already asked to be (once per session)
            now = next((a for a in accounts if a.username == user.username), None)
            if now is not None and now.active and now.role == user.role:
                return
            self._ending = ctx
            self.logout_message = (
                _("Tài khoản {user} đã bị khóa: phiên làm việc đã kết thúc.")
                if now is None or not now.active else
                _("Vai trò của tài khoản {user} vừa thay đổi: hãy đăng nhập lại.")
            ).format(user=user.username)
            self.logout_requested.emit()

        run_op(lambda _c: ctx.register.accounts(), on_success=found, parent=self)

    def _changed_soon(self) -> None:
        self._pending_refresh.start()

    def _changed(self, changes: Changes) -> None:
        """A write, local or pulled: today's counts again (a burst of writes refreshes once),
        the account checked again when accounts changed."""
        if changes.dossiers or changes.rules or changes.settings:
            self._changed_soon()
        if changes.accounts:
            self.check_account()

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
        from desktop.ui.dossier import DossierWindow

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

    def open_reports(self) -> None:
        from desktop.ui.reports import ReportsWindow

        if self.ctx is None:
            return
        if getattr(self, "reports_window", None) is None:
            self.reports_window = ReportsWindow(self.ctx, self)
        self.reports_window.show()
        self.reports_window.raise_()
        self.reports_window.activateWindow()

    def open_settings(self) -> None:
        from desktop.ui.settings_dialog import SettingsDialog

        if self.ctx is not None:
            SettingsDialog(self.ctx, self).exec()

    def change_password(self) -> None:
        from desktop.ui.settings_dialog import change_own_password

        if self.ctx is not None:
            self.password_dialog = change_own_password(self.ctx, self)
            self.password_dialog.accepted.connect(
                lambda: self.status.showMessage(_("Đã đổi mật khẩu."), 10_000))

    def closeEvent(self, event: QCloseEvent | None) -> None:
        if self.ui_settings is not None:
            self.ui_settings.set(opts.MAIN_GEOMETRY, bytes(self.saveGeometry()))
        for window in list(self.windows.values()):
            window.close()
        if getattr(self, "sync", None) is not None:
            self.sync.stop()
        super().closeEvent(event)
