"""Sync with the province server in the background: periodically and on demand (F5).

`SyncController` owns one QThread; `SyncEngine.run_once` runs there, never on the GUI thread.
The worker touches no widget: it emits the result, and the controller (GUI thread) updates
the status bar. A register that is not enrolled (no "server_url") never starts a timer.
"""

from __future__ import annotations

import logging
from collections import deque
from datetime import datetime
from typing import Any

from desktop.ui.i18n import _, pair
from desktop.ui.qt import (
    QDialog,
    QDialogButtonBox,
    QListWidget,
    QObject,
    QThread,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from sync.lifecycle import LOCAL_TZ

log = logging.getLogger(__name__)
FIRST_RUN_MS = 3_000
MAX_ERRORS = 20


class _Worker(QObject):
    """Lives in the sync thread; runs the engine and reports by signal only."""

    done = Signal(object, int)  # SyncResult, pending count

    def __init__(self, engine: Any, store: Any):
        super().__init__()
        self.engine, self.store = engine, store

    def run(self) -> None:
        result = self.engine.run_once()
        try:
            pending = self.store.pending_count()
        except Exception:  # noqa: BLE001 - the engine's own figure will do
            pending = result.pending
        self.done.emit(result, pending)


class SyncController(QObject):
    """Drives the engine from the GUI: a timer, `sync_now()`, the status bar and an error log."""

    _start = Signal()
    finished = Signal(object)  # SyncResult (tests, other windows)

    def __init__(self, store: Any, status: Any, parent: QObject | None = None, *,
                 credentials: Any = None, clock: Any = None, **engine_options: Any):
        super().__init__(parent)
        self.store, self.status = store, status
        self.credentials, self.clock, self.engine_options = credentials, clock, engine_options
        self.errors: deque[tuple[str, str]] = deque(maxlen=MAX_ERRORS)
        self.running = False
        self.last_success = ""
        self.pending = 0
        self.engine: Any = None
        self.sync_thread: QThread | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.sync_now)
        status.sync.clicked.connect(self.show_errors)

    # --- public ------------------------------------------------------------------------------

    def enrolled(self) -> bool:
        return bool(self.store.get_state("server_url"))

    def start(self) -> None:
        """Show the state; when enrolled, schedule the first run."""
        if not self.enrolled():
            self.status.set_sync_state("not_configured", _("Chưa đăng ký máy chủ tỉnh"))
            return
        self.last_success = self.store.get_state("last_success") or ""
        self.pending = self.store.pending_count()
        self.status.set_sync_state("idle", self._detail())
        self.timer.start(FIRST_RUN_MS)

    def sync_now(self) -> None:
        if self.running:
            return
        if not self.enrolled():
            self.timer.stop()
            self.status.set_sync_state("not_configured", _("Chưa đăng ký máy chủ tỉnh"))
            return
        if self.engine is None and not self._make_engine():
            return
        self.timer.stop()
        self.running = True
        self.status.set_sync_state("running", self._detail())
        self._start.emit()

    def stop(self) -> None:
        self.timer.stop()
        if self.engine is not None:
            self.engine.cancel()
        if self.sync_thread is not None:
            self.sync_thread.quit()
            self.sync_thread.wait(30_000)
            self.sync_thread = None
        if self.engine is not None:
            self.engine.transport.close()

    def show_errors(self, parent: QWidget | None = None) -> QDialog:
        dialog = SyncErrorsDialog(list(self.errors), parent or self.status.window())
        dialog.show()
        self.errors_dialog = dialog
        return dialog

    # --- inside ------------------------------------------------------------------------------

    def _make_engine(self) -> bool:
        from sync.client import SyncError, engine_for
        from sync.credentials import CredentialStore

        try:  # the wiring of `motcua sync` (desktop/cli.py)
            self.engine = engine_for(self.store, self.credentials or CredentialStore(),
                                     clock=self.clock, transport_options={
                                         "stall_timeout_s": 60, "connect_timeout_s": 15},
                                     **self.engine_options)
        except SyncError as exc:
            self._error(pair(exc.message_vi, exc.message_en), transient=False)
            return False
        self.sync_thread = QThread(self)
        self.worker = _Worker(self.engine, self.store)
        self.worker.moveToThread(self.sync_thread)
        self._start.connect(self.worker.run)
        self.worker.done.connect(self._done)
        self.sync_thread.finished.connect(self.worker.deleteLater)
        self.sync_thread.start()
        return True

    def _done(self, result: Any, pending: int) -> None:
        self.running = False
        self.pending = pending
        if result.ok:
            self.last_success = result.server_time or self.last_success
            self.status.set_sync_state("pending" if pending else "idle", self._detail())
        else:
            err = result.error
            self._error(pair(err.message_vi, err.message_en), transient=err.transient)
        self.timer.start(int(self.engine.next_delay(result) * 1000))
        self.finished.emit(result)

    def _error(self, message: str, *, transient: bool) -> None:
        self.errors.appendleft((datetime.now(LOCAL_TZ).strftime("%d/%m/%Y %H:%M:%S"), message))
        self.status.set_sync_state("offline" if transient else "error",
                                   self._detail(message))

    def _detail(self, error: str = "") -> str:
        parts = []
        if self.last_success:
            try:
                when = datetime.fromisoformat(self.last_success)
                shown = when.astimezone(LOCAL_TZ).strftime("%d/%m %H:%M")
            except ValueError:
                shown = self.last_success
            parts.append(_("lần cuối: {time}").format(time=shown))
        parts.append(_("chờ gửi: {n}").format(n=self.pending))
        if error:
            parts.append(error)
        return " · ".join(parts)


class SyncErrorsDialog(QDialog):
    """The recent sync errors (kept in memory, newest first)."""

    def __init__(self, errors: list[tuple[str, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("syncErrors")
        self.setWindowTitle(_("Lỗi đồng bộ gần đây"))
        self.list = QListWidget()
        for when, message in errors:
            self.list.addItem(f"{when} — {message}")
        if not errors:
            self.list.addItem(_("Chưa có lỗi đồng bộ."))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(560, 320)
