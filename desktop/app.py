"""Builds the QApplication and wires the register, printing and the windows together.

Start-up shows the window first and opens the register in a worker (importing SQLAlchemy and
checking a large register file takes longer than painting a window). When a read-only peek at
the register file finds it set up with accounts, the login shows with the window and the
officer types while the register opens; a login asked for before it is open waits for it.
Otherwise (first start, an unreadable file) the first-start wizard or the login follows the
opening. Then the main window's pages. The daily backup runs in the background a little
later, so that it never delays the counter.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from desktop import paths
from desktop.register.peek import peek
from desktop.ui import errors, fonts, i18n
from desktop.ui import settings as opts
from desktop.ui.i18n import _
from desktop.ui.ops import run_op
from desktop.ui.qt import QApplication, QDialog, QObject, QTimer, Signal

log = logging.getLogger(__name__)
BACKUP_DELAY_MS = 60_000
CHECK_DELAY_MS = 5_000
OPEN_FALLBACK_MS = 250


class AppController(QObject):
    """Start-up sequence, login and logout, around one main window."""

    register_opened = Signal(object)
    login_shown = Signal(object)  # the LoginDialog, for tests and the benchmark
    wizard_shown = Signal(object)
    main_ready = Signal()  # the home screen shows today's counts

    def __init__(self, app: QApplication, settings: opts.UiSettings,
                 register_path: Path | None = None, clock: Any = None):
        super().__init__()
        from desktop.ui.main_window import MainWindow

        self.app = app
        self.settings = settings
        self.register_path = register_path
        self.clock = clock
        self.register: Any = None
        # Set by the worker as soon as the register is open: run() closes it even when the
        # app quits before the event loop delivered it.
        self.worker_register: Any = None
        self.ctx: Any = None
        self.dialog: QDialog | None = None
        self.check_pending = False
        self.window = MainWindow(settings)
        self.window.logout_requested.connect(self.logout)

    def start(self) -> None:
        # Open the register once the frame is painted: the worker's imports would otherwise
        # compete with the GUI thread for the interpreter while it paints the first frame.
        self.window.first_paint.connect(self._open_register)
        self.window.show()
        early = peek(self.register_path or paths.register_path())
        if early.ready_for_login:
            self.show_login(early.office_name)
        # A window that is never painted (hidden, or a test's WA_DontShowOnScreen) opens it
        # shortly anyway; opening twice is a no-op.
        QTimer.singleShot(OPEN_FALLBACK_MS, self._open_register)

    def _open_register(self) -> None:
        if getattr(self, "_opening", False):
            return
        self._opening = True
        path, clock = self.register_path, self.clock

        def open_register(ctx: Any) -> Any:
            from desktop.register.opening import open_for_desktop

            opened = open_for_desktop(path, clock)
            reg = opened.register
            self.worker_register = reg
            self.check_pending = not opened.full_check_done
            reg.catalogue()  # warm the caches the windows read on the GUI thread
            reg.calendar()
            if reg.is_set_up():
                reg.office()
            return reg, reg.is_set_up(), reg.has_accounts()

        run_op(open_register, on_success=self._opened, on_failure=self._open_failed,
               parent=self.window, kind="write")

    def _open_failed(self, exc: BaseException) -> None:
        self._drop_early_login()
        errors.report(self.window, exc)
        self.window.set_placeholder(_("Không mở được sổ đăng ký: {msg}").format(
            msg=errors.user_message(exc)))

    def _opened(self, result: tuple[Any, bool, bool]) -> None:
        self.register, set_up, has_accounts = result
        self.register_opened.emit(self.register)
        login = self.dialog  # the login shown before the register was open, if any
        if not set_up or not has_accounts:
            self._drop_early_login()
            self.show_wizard(need_office=not set_up)
        elif login is not None:
            login.register_ready(self.register)  # type: ignore[attr-defined]
        else:
            self.show_login()

    def _drop_early_login(self) -> None:
        """Close the login shown before the register was open, without quitting (the register
        failed to open, or turned out to need the first-start wizard)."""
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.finished.disconnect()
            dialog.close()
            dialog.deleteLater()

    def show_wizard(self, need_office: bool = True) -> None:
        from desktop.ui.wizard import FirstStartWizard

        wizard = FirstStartWizard(self.register, self.settings, self.window, need_office)
        self.dialog = wizard
        wizard.finished.connect(self._wizard_done)
        self.window.set_placeholder(_("Thiết lập lần đầu…"))
        wizard.open()
        self.wizard_shown.emit(wizard)

    def _wizard_done(self, result: int) -> None:
        if result != QDialog.DialogCode.Accepted:
            self.window.close()
            return
        self.show_login()

    def show_login(self, office: str | None = None, message: str = "") -> None:
        """The login over the window; `office` is given when the register is not open yet,
        `message` says why a session ended."""
        from desktop.ui.login import LoginDialog
        from desktop.ui.widgets import show_banner

        if office is None:
            office = ""
            try:
                office = self.register.office().office_name
            except Exception as exc:  # noqa: BLE001 - the login works without the office's name
                log.warning("office details unavailable at login: %s", exc)
        self.window.set_placeholder(_("Mời đăng nhập."))
        dialog = LoginDialog(self.register, self.settings, office, self.window)
        if message:
            show_banner(dialog.error, message)
        self.dialog = dialog
        dialog.finished.connect(lambda r: self._logged_in(dialog, r))
        dialog.open()
        self.login_shown.emit(dialog)

    def _logged_in(self, dialog: Any, result: int) -> None:
        if result != QDialog.DialogCode.Accepted or dialog.user is None:
            self.window.close()
            return
        from desktop.ui.changes import ChangeBus
        from desktop.ui.context import AppContext
        from desktop.ui.printing import PrintService
        from sync.lifecycle import LOCAL_TZ  # noqa: F401 - warms zoneinfo

        printer = PrintService(self.register, self.settings)
        # One change bus per session: every write, local or pulled, reaches its windows.
        self.ctx = AppContext(self.register, dialog.user, self.settings, printer, ChangeBus(),
                              self.register.catalogue())
        self.window.set_context(self.ctx)
        self.window.home.tiles["due_today"].setFocus()
        self.window.home.counts_shown.connect(self._first_counts)
        QTimer.singleShot(BACKUP_DELAY_MS, self.daily_backup)
        if self.check_pending:
            self.check_pending = False
            QTimer.singleShot(CHECK_DELAY_MS, self.deferred_check)

    def deferred_check(self) -> None:
        """The register's integrity check, in the background once the officer is at work."""
        from desktop.register.opening import deferred_check

        reg = self.register
        if reg is None:
            return

        def done(problems: list[str]) -> None:
            if problems:
                log.error("register failed its deferred quick_check: %s", problems[:5])
                errors.show_message(self.window, _(
                    "Kiểm tra định kỳ phát hiện sổ đăng ký có thể bị hỏng. Hãy đóng chương "
                    "trình và mở lại: tệp hỏng sẽ được chuyển sang thư mục quarantine và "
                    "chương trình hướng dẫn khôi phục từ bản sao lưu."))

        run_op(lambda c: deferred_check(reg), on_success=done, parent=self.window,
               kind="background")

    def _first_counts(self) -> None:
        self.window.home.counts_shown.disconnect(self._first_counts)
        self.main_ready.emit()

    def daily_backup(self) -> None:
        from desktop.register.backup import daily_backup

        if self.register is None:
            return
        folder = self.settings.get(opts.BACKUP_FOLDER) or None
        reg = self.register
        run_op(lambda c: daily_backup(reg, folder),
               on_success=lambda made: log.info("daily backup: %s", made),
               on_failure=lambda exc: log.warning("daily backup failed: %s", exc),
               parent=self.window, kind="background")

    def logout(self) -> None:
        for window in list(self.window.windows.values()):
            window.close()
        self.window.timer.stop()
        if hasattr(self.window, "toolbar"):
            self.window.removeToolBar(self.window.toolbar)
        from desktop.ui.qt import QLabel, Qt

        self.window.placeholder = QLabel()
        self.window.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.window.setCentralWidget(self.window.placeholder)
        self.window.ctx = None
        if self.ctx is not None:
            self.ctx.bus.detach()
        self.ctx = None
        self.window.status.user.setText("")
        message, self.window.logout_message = self.window.logout_message, ""
        self.show_login(message=message)


def build(argv: list[str] | None = None, register_path: Path | None = None,
          settings: opts.UiSettings | None = None) -> tuple[QApplication, AppController]:
    """The application and its controller, not started (tests and the benchmark use this)."""
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("motcua")
    app.setOrganizationName("motcua")
    errors.setup_logging()
    errors.install_excepthook()
    settings = settings or opts.UiSettings()
    i18n.set_language(settings.get(opts.LANGUAGE))
    fonts.load_fonts(app)
    controller = AppController(app, settings, register_path)
    # Qt's own texts (context menus, standard dialogs) first show after the first screen: their
    # translator is installed once it is painted, off the start-up path.
    controller.window.first_paint.connect(lambda: _translate_qt(app))
    return app, controller


def _translate_qt(app: QApplication) -> None:
    from desktop.ui import qt_translations

    qt_translations.set_qt_language(app, i18n.lang())


def _smoke_quit(app: QApplication, controller: AppController, delay_ms: int) -> None:
    """MOTCUA_SMOKE_QUIT_MS (installer/check): quit `delay_ms` after the register is open and
    the login or first-start dialog shows; exit 1 when that has not happened within 60 s.
    Also loads the printing and PDF libraries (on first use otherwise), and the PDF named by
    MOTCUA_SMOKE_PDF if set, as the print preview does."""
    done = False

    def shown(_arg: object) -> None:
        # The login may show before the register is open, or after: whichever comes last.
        nonlocal done
        dialog = controller.dialog
        if done or controller.register is None or dialog is None:
            return
        done = True
        from desktop.ui import qt

        print(f"smoke: {type(controller.window).__name__} shown, register open, "
              f"{type(dialog).__name__} shown", flush=True)
        pdf_document: Any = qt.QPdfDocument
        printer_info: Any = qt.QPrinterInfo
        doc = pdf_document(controller.window)
        pdf = os.environ.get("MOTCUA_SMOKE_PDF")
        pages = f", {pdf}: {doc.pageCount()} page(s)" if pdf and doc.load(pdf) is \
            pdf_document.Error.None_ else ""
        print(f"smoke: QtPdf loaded{pages}; QtPrintSupport loaded, "
              f"{len(printer_info.availablePrinterNames())} printer(s)", flush=True)
        QTimer.singleShot(delay_ms, app.quit)

    controller.login_shown.connect(shown)
    controller.wizard_shown.connect(shown)
    controller.register_opened.connect(shown)
    QTimer.singleShot(60_000, lambda: app.exit(1))


def run(argv: list[str] | None = None) -> int:
    """`motcua` without a command: the desktop application."""
    started = time.monotonic()
    app, controller = build(argv)
    smoke_ms = os.environ.get("MOTCUA_SMOKE_QUIT_MS")
    if smoke_ms:
        _smoke_quit(app, controller, int(smoke_ms))
    controller.start()
    log.info("window shown %.0f ms after the application object", (time.monotonic() - started)
             * 1000)
    code = app.exec()
    from desktop.ui import ops

    ops.wait_all(5_000)
    register = controller.register or controller.worker_register
    if register is not None:
        from desktop.register.opening import closed_cleanly

        register.close()
        closed_cleanly(register)
    return int(code)


if __name__ == "__main__":
    sys.exit(run())
