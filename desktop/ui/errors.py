"""Errors in the UI: friendly messages for known errors, a bug dialog and the log for the rest.

A `KnownError` (sync.errors: the register's, the forms', sync's, the keyring's, ...) is
something the user or the environment caused (a locked register, a full disk included): it is
shown as a plain message in the UI's language. Anything else is a bug: the global excepthook
writes it to the rotating log in the data folder and shows a dialog whose details can be
copied into a report. Qt's own warnings are routed into the same log.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any

from desktop import __version__, paths
from desktop.register.errors import storage_error
from desktop.ui.i18n import _, lang
from desktop.ui.qt import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QtMsgType,
    QVBoxLayout,
    QWidget,
    qInstallMessageHandler,
    sip,
)
from sync.errors import KnownError

log = logging.getLogger(__name__)
qt_log = logging.getLogger("qt")
LOG_NAME = "motcua.log"

# Where reports go instead of a modal dialog (tests record them; None = show the dialog).
presenter: Callable[[QWidget | None, str, str], None] | None = None


def as_known(exc: BaseException) -> KnownError | None:
    """The expected failure `exc` is, or None for a bug.

    A `KnownError` is one; so is an SQLite storage failure (locked, disk full, ...) raised on
    a raw connection outside the register's session helpers, mapped the register's way.
    """
    if isinstance(exc, KnownError):
        return exc
    return storage_error(exc)


def is_known(exc: BaseException) -> bool:
    """An expected failure with a message for the user (a `KnownError`), not a bug."""
    return as_known(exc) is not None


def user_message(exc: BaseException) -> str:
    known = as_known(exc)
    if known is not None:
        return known.message(lang())
    if isinstance(exc, OSError):
        return _("Lỗi tệp hoặc thiết bị: {detail}").format(detail=exc.strerror or exc)
    return str(exc)


def setup_logging() -> None:
    """A rotating log in the data folder (once), and Qt's messages routed into it."""
    from logging.handlers import RotatingFileHandler

    root = logging.getLogger()
    target = str(paths.log_dir() / LOG_NAME)
    if not any(isinstance(h, RotatingFileHandler) and getattr(h, "baseFilename", "") == target
               for h in root.handlers):
        handler = RotatingFileHandler(target, maxBytes=2_000_000, backupCount=5,
                                      encoding="utf-8")
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"))
        root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    qInstallMessageHandler(_qt_message)


def _qt_message(mode: QtMsgType, context: Any, message: str | None) -> None:
    level = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
             QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
             QtMsgType.QtFatalMsg: logging.CRITICAL}.get(mode, logging.WARNING)
    where = f" ({context.file}:{context.line})" if getattr(context, "file", None) else ""
    qt_log.log(level, "%s%s", message, where)


def log_failure(exc: BaseException, details: str) -> None:
    known = as_known(exc)
    if known is not None:
        log.info("refused (%s): %s", type(known).__name__, known.message_en)
    else:
        log.error("unexpected error:\n%s", details)


def report(parent: QWidget | None, exc: BaseException, details: str | None = None) -> None:
    """Show an error the right way: a message for known errors, the bug dialog otherwise."""
    details = details or "".join(traceback.format_exception(exc))
    log_failure(exc, details)
    if QApplication.instance() is None:
        return
    if parent is not None and sip.isdeleted(parent):
        parent = None
    if is_known(exc) or isinstance(exc, OSError):
        if presenter is not None:
            presenter(parent, "message", user_message(exc))
        else:
            show_message(parent, user_message(exc))
    elif presenter is not None:
        presenter(parent, "bug", details)
    else:
        BugDialog(parent, details).exec()


def show_message(parent: QWidget | None, text: str, title: str | None = None) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title or _("Không thực hiện được"), text,
                      QMessageBox.StandardButton.NoButton, parent)
    box.addButton(_("Đóng"), QMessageBox.ButtonRole.AcceptRole)
    box.setObjectName("errorMessage")
    box.exec()


class BugDialog(QDialog):
    """An unexpected error: what happened in plain words, and details to copy."""

    def __init__(self, parent: QWidget | None, details: str):
        import platform

        super().__init__(parent)
        self.setObjectName("bugDialog")
        self.setWindowTitle(_("Lỗi không mong muốn"))
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        intro = QLabel(_(
            "motcua gặp một lỗi không mong muốn. Dữ liệu đã lưu không bị ảnh hưởng; việc đang "
            "làm có thể chưa được lưu. Hãy sao chép chi tiết dưới đây gửi bộ phận hỗ trợ. "
            "Nhật ký được ghi tại: {path}").format(path=paths.log_dir() / LOG_NAME))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.details = QPlainTextEdit(
            f"motcua {__version__} · Python {platform.python_version()} · "
            f"{platform.platform()}\n\n{details}")
        self.details.setReadOnly(True)
        layout.addWidget(self.details)
        buttons = QDialogButtonBox()
        copy = buttons.addButton(_("Sao chép chi tiết"), QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(_("Đóng"), QDialogButtonBox.ButtonRole.AcceptRole)
        assert copy is not None and close is not None
        copy.clicked.connect(self.copy_details)
        close.clicked.connect(self.accept)
        layout.addWidget(buttons)

    def copy_details(self) -> None:
        clipboard = QApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(self.details.toPlainText())


def _excepthook(kind: type[BaseException], exc: BaseException,
                tb: TracebackType | None) -> None:
    details = "".join(traceback.format_exception(kind, exc, tb))
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    log.error("uncaught exception:\n%s", details)
    try:
        parent = QApplication.activeWindow() if QApplication.instance() else None
        if is_known(exc) or presenter is not None:
            report(parent, exc, details)
        else:
            BugDialog(parent, details).exec()
    except Exception:
        log.exception("could not show the error dialog")


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    log.error("uncaught exception in thread %s:\n%s", getattr(args.thread, "name", "?"),
              "".join(traceback.format_exception(args.exc_type, args.exc_value,
                                                 args.exc_traceback)))


def install_excepthook() -> None:
    sys.excepthook = _excepthook
    threading.excepthook = _thread_hook
