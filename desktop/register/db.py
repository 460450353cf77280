"""SQLite engine for the register: one connect hook, explicit write transactions, sanity check.

SQLite's own failures (locked, disk full, read-only, damaged file) are turned into the
register's `StorageError` kinds here, by `errors.storage_error`: the engine's
`handle_error` event for everything that goes through SQLAlchemy, and the session helpers
for the statements run on the DBAPI connection underneath. The failed transaction rolls
back whole, so nothing saved before is lost.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.orm import Session

from desktop.register.errors import (
    IntegrityProblem,
    RegisterVersionError,
    storage_error,
)
from desktop.register.peek import APPLICATION_ID

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000


def _on_error(context: ExceptionContext) -> BaseException | None:
    # Returned, SQLAlchemy raises it in place of its own wrapper (chained to SQLite's error).
    return storage_error(context.original_exception)


def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # The sqlite3 module's own implicit transactions are switched off so that the "begin"
    # hook below decides how each transaction starts.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    # A legal register: a commit that returned must survive a power cut.
    cur.execute("PRAGMA synchronous = FULL")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA temp_store = MEMORY")
    cur.execute("PRAGMA cache_size = -65536")  # 64 MiB page cache
    cur.close()


def _on_begin(conn: Connection) -> None:
    # Writers take the write lock up front (BEGIN IMMEDIATE): two writers never deadlock on
    # a lock upgrade, the second one waits for busy_timeout instead.
    if conn.get_execution_options().get("write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def make_engine(path: Path) -> Engine:
    """An engine on the register file with the connect and begin hooks installed."""
    engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    event.listen(engine, "handle_error", _on_error)
    return engine


@contextmanager
def _storage_errors_mapped() -> Iterator[None]:
    """SQLite errors raised on the DBAPI connection (beside SQLAlchemy) mapped the same way."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        mapped = storage_error(exc)
        if mapped is None or mapped is exc:
            raise
        raise mapped from exc


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One unit of work under the write lock; commits on success, rolls back on any error.

    Raises a `StorageError` kind when the file cannot be written (locked, full, read-only,
    damaged); the transaction is then rolled back whole.
    """
    with (_storage_errors_mapped(),
          Session(engine.execution_options(write=True), expire_on_commit=False) as session,
          session.begin()):
        yield session


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A read-only snapshot (WAL readers never block the writer)."""
    with (_storage_errors_mapped(), Session(engine, expire_on_commit=False) as session,
          session.begin()):
        yield session
        session.rollback()


def is_motcua_register(path: Path) -> bool:
    """True when the file is an SQLite database stamped with motcua's application id."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(100)
    except OSError:
        return False
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return False
    return int.from_bytes(header[68:72], "big") == APPLICATION_ID


def quick_check(path: Path) -> list[str]:
    """SQLite's quick_check; returns the problems found (empty when the file is sound)."""
    # Read-only: closing a read-write connection would checkpoint the WAL into a damaged
    # file and delete the -wal/-shm files that the quarantine must keep.
    con = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = [r[0] for r in con.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        con.close()
    return [] if rows == ["ok"] else rows


def quarantine(path: Path, dest_dir: Path) -> Path:
    """Move a damaged register aside with its -wal and -shm files; never delete it."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = dest_dir / f"{path.stem}-{stamp}{path.suffix}"
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(path) + suffix)
        if src.exists():
            shutil.move(str(src), str(target) + suffix)
    return target


def check_header(path: Path) -> bool:
    """Refuse a file that is not SQLite; True when there is a non-empty file to look at."""
    if not path.exists() or path.stat().st_size == 0:
        return False
    with open(path, "rb") as fh:
        if not fh.read(16).startswith(b"SQLite format 3"):
            raise RegisterVersionError(
                f"Tệp {path} không phải là sổ đăng ký motcua.",
                f"{path} is not a motcua register.",
            )
    return True


def sanity_check_or_quarantine(path: Path, quarantine_dir: Path) -> None:
    """At start-up: refuse foreign files, move a damaged register aside and say how to restore."""
    if not check_header(path):
        return
    problems = quick_check(path)
    if problems:
        moved = quarantine(path, quarantine_dir)
        log.error("register failed quick_check, moved to %s: %s", moved, problems[:5])
        raise IntegrityProblem(
            "Sổ đăng ký bị hỏng và đã được chuyển sang "
            f"{moved}. Hãy khôi phục bản sao lưu gần nhất bằng lệnh "
            "`motcua restore <tệp sao lưu>` (các bản sao lưu nằm trong thư mục backups).",
            f"The register is damaged and was moved to {moved}. Restore the latest backup "
            "with `motcua restore <backup file>` (backups are in the backups folder).",
        )
