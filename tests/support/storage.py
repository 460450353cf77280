"""Storage faults for tests: another process holding the register's lock, a small disk, a page cap."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event

_HOLDER = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN EXCLUSIVE")
print("held", flush=True)
sys.stdin.read()  # until the test closes our stdin
con.execute("ROLLBACK")
"""


@contextmanager
def lock_held_by_another_process(path: Path) -> Iterator[subprocess.Popen[str]]:
    """A separate Python process holds `BEGIN EXCLUSIVE` on the register file until the end."""
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)


@contextmanager
def small_disk(where: Path, size: str = "8m") -> Iterator[Path | None]:
    """A tmpfs of `size` mounted at `where` (we run as root), or None when it cannot be mounted."""
    where.mkdir(parents=True, exist_ok=True)
    mount = shutil.which("mount")
    done = mount is not None and subprocess.run(
        [mount, "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True, check=False).returncode == 0
    try:
        yield where if done else None
    finally:
        if done:
            subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def fill_disk(folder: Path, leave_bytes: int) -> Path:
    """A filler file that leaves about `leave_bytes` free on the file system of `folder`."""
    filler = folder / "filler.bin"
    free = shutil.disk_usage(folder).free - leave_bytes
    with open(filler, "wb") as fh:
        chunk = b"\0" * (1 << 20)
        while free > 0:
            n = min(free, len(chunk))
            fh.write(chunk[:n])
            free -= n
    return filler


@contextmanager
def page_cap(register: Any, extra_pages: int) -> Iterator[None]:
    """Every new connection of the register may grow the file by `extra_pages` pages at most
    (`PRAGMA max_page_count`): SQLite then answers SQLITE_FULL as on a full disk."""

    def cap(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + extra_pages}")

    register.engine.dispose()
    event.listen(register.engine, "connect", cap)
    try:
        yield
    finally:
        event.remove(register.engine, "connect", cap)
        register.engine.dispose()
