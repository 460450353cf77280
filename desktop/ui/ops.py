"""The one helper that runs work off the GUI thread and reports back on it (like Anki's QueryOp).

    run_op(lambda ctx: register.search(text), on_success=show_rows, parent=self)

The function runs in a worker thread and must not touch a widget. Its result goes to
`on_success`, its exception to `on_failure`, both called on the GUI thread. Without an
`on_failure` the error is logged and shown (a register error as a plain message, anything
else as a bug report): a failure is never swallowed.

Writes go through the register's one write worker (kind="write", desktop/register/
writequeue.py, which the sync thread's ingest also uses), so they reach the register one at
a time and in order; reads share a small pool beside it. A long op may show progress with a
cancel button (`progress=...`); the function reads `ctx.cancelled` and calls `ctx.report`.
If the parent widget is gone when the work ends, the callbacks are skipped (but a failure
is still logged).
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from desktop.ui.qt import (
    QObject,
    QProgressDialog,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    QWidget,
    Signal,
    sip,
)

log = logging.getLogger(__name__)

_pools: dict[str, QThreadPool] = {}
_live: set[OpHandle] = set()
_lock = threading.Lock()
_PROGRESS_DELAY_MS = 400


def _pool(kind: str) -> QThreadPool:
    pool = _pools.get(kind)
    if pool is None:
        pool = QThreadPool()
        # Reads beside the write worker; background work (backups) alone.
        pool.setMaxThreadCount({"read": 2, "background": 1}[kind])
        pool.setExpiryTimeout(-1)
        _pools[kind] = pool
    return pool


class OpContext:
    """What the worker function may use: cancellation and progress."""

    def __init__(self, handle: OpHandle):
        self._handle = handle

    @property
    def cancelled(self) -> bool:
        return self._handle.cancel_requested

    def report(self, done: int, total: int = 0, label: str = "") -> None:
        self._handle.bridge.progress.emit(int(done), int(total), label)


class _Bridge(QObject):
    done = Signal(object)
    failed = Signal(object, str)
    progress = Signal(int, int, str)


class _Runnable(QRunnable):
    def __init__(self, handle: OpHandle):
        super().__init__()
        self.handle = handle
        self.setAutoDelete(True)

    def run(self) -> None:
        _execute(self.handle)


def _execute(h: OpHandle) -> None:
    """Run an op's function on the calling (worker) thread and send its outcome home."""
    try:
        result = h.fn(OpContext(h))
    except BaseException as exc:  # noqa: BLE001 - delivered to the GUI thread, not lost
        h.bridge.failed.emit(exc, "".join(traceback.format_exception(exc)))
    else:
        h.bridge.done.emit(result)


class OpHandle:
    """A running op: cancel it, or ask whether it finished."""

    def __init__(self, fn: Callable[[OpContext], Any], on_success: Callable[[Any], None] | None,
                 on_failure: Callable[[BaseException], None] | None, parent: QWidget | None,
                 progress: str | None):
        self.fn = fn
        self.on_success = on_success
        self.on_failure = on_failure
        self.parent = parent
        self.cancel_requested = False
        self.finished = False
        self.bridge = _Bridge()
        self.bridge.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self.bridge.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self.bridge.progress.connect(self._progress, Qt.ConnectionType.QueuedConnection)
        self._dialog: QProgressDialog | None = None
        self._progress_label = progress
        if progress:
            QTimer.singleShot(_PROGRESS_DELAY_MS, self._show_progress)

    def cancel(self) -> None:
        self.cancel_requested = True

    def _parent_alive(self) -> bool:
        return self.parent is None or not sip.isdeleted(self.parent)

    def _show_progress(self) -> None:
        if self.finished or not self._parent_alive():
            return
        from desktop.ui.i18n import _

        dlg = QProgressDialog(self._progress_label or "", _("Hủy"), 0, 0, self.parent)
        dlg.setWindowTitle("motcua")
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(0)
        dlg.canceled.connect(self.cancel)
        dlg.show()
        self._dialog = dlg

    def _progress(self, done: int, total: int, label: str) -> None:
        if self._dialog is not None:
            self._dialog.setMaximum(max(total, 0))
            self._dialog.setValue(done)
            if label:
                self._dialog.setLabelText(label)

    def _finish(self) -> None:
        self.finished = True
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None
        with _lock:
            _live.discard(self)

    def _done(self, result: Any) -> None:
        self._finish()
        if self.on_success is not None and self._parent_alive():
            self.on_success(result)

    def _failed(self, exc: BaseException, details: str) -> None:
        self._finish()
        from desktop.ui import errors

        if not self._parent_alive():
            log.error("background op failed after its window closed:\n%s", details)
            return
        if self.on_failure is not None:
            errors.log_failure(exc, details)
            self.on_failure(exc)
        else:
            errors.report(self.parent, exc, details)


def run_op(fn: Callable[[OpContext], Any], *, on_success: Callable[[Any], None] | None = None,
           on_failure: Callable[[BaseException], None] | None = None,
           parent: QWidget | None = None, kind: str = "read",
           progress: str | None = None) -> OpHandle:
    """Run `fn(ctx)` in a worker; deliver its result or exception on the GUI thread."""
    handle = OpHandle(fn, on_success, on_failure, parent, progress)
    with _lock:
        _live.add(handle)
    if kind == "write":
        # The register's one write worker, shared with the sync thread's ingest (imported on
        # first use: the login shows before any write, and before concurrent.futures loads).
        from desktop.register import writequeue

        writequeue.shared().submit(_execute, handle)
    else:
        _pool(kind).start(_Runnable(handle))
    return handle


def busy() -> int:
    """How many ops have not delivered yet (tests and screenshots wait for zero)."""
    with _lock:
        return len(_live)


def wait_all(timeout_ms: int = 10_000) -> bool:
    """Block until the pools are idle (shutdown, tests); delivery still needs the event loop."""
    from desktop.register import writequeue

    ok = writequeue.shared().wait_idle(timeout_ms / 1000)
    for pool in _pools.values():
        ok = pool.waitForDone(timeout_ms) and ok
    return ok
