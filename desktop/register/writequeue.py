"""The single write worker: one plain thread that runs the register's writes one at a time.

The desktop hands every write to it: the UI's write operations (desktop/ui/ops.py,
kind="write") and the sync thread's ingest of pulled events (`SerialSyncStore` in
syncstore.py), so two writers never meet at SQLite's busy timeout. Network I/O stays on the
threads that ask; only the unit of work on the register runs here. No Qt: the register
layer owns it, the UI only submits.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class WriteQueue:
    """A single-thread executor for register writes, in submission order."""

    def __init__(self, name: str = "motcua-write"):
        self._executor = ThreadPoolExecutor(1, thread_name_prefix=name,
                                            initializer=self._remember_thread)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._pending = 0
        self._idle = threading.Condition(self._lock)

    def _remember_thread(self) -> None:
        self._thread = threading.current_thread()

    def on_worker(self) -> bool:
        """Whether the calling code already runs on the write worker."""
        return threading.current_thread() is self._thread

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
        """Queue `fn(*args, **kwargs)`; its result or exception comes through the future."""
        with self._lock:
            self._pending += 1

        def run() -> T:
            try:
                return fn(*args, **kwargs)
            finally:
                with self._lock:
                    self._pending -= 1
                    if not self._pending:
                        self._idle.notify_all()

        return self._executor.submit(run)

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn` on the write worker and wait for it (in place when already there, where
        waiting for the queue would wait for oneself)."""
        if self.on_worker():
            return fn(*args, **kwargs)
        return self.submit(fn, *args, **kwargs).result()

    def busy(self) -> int:
        """How many writes are queued or running."""
        with self._lock:
            return self._pending

    def wait_idle(self, timeout_s: float | None = None) -> bool:
        """Block until nothing is queued or running; False when `timeout_s` passed first."""
        with self._lock:
            return self._idle.wait_for(lambda: not self._pending, timeout_s)


_shared: WriteQueue | None = None
_shared_lock = threading.Lock()


def shared() -> WriteQueue:
    """The process's write worker (one per process: one register is open at a time)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = WriteQueue()
        return _shared
