"""Engines, transactions and start-up migrations of the server database (SQLite or PostgreSQL)."""

from __future__ import annotations

import logging
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from sync.server.errors import AdminError
from sync.server.models import Meta

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest revision in migrations/versions (a test checks it against Alembic's own view):
# a database already there is opened without loading Alembic at all.
SCHEMA_HEAD = "s0002"
BUSY_TIMEOUT_MS = 10_000


def _sqlite_on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # pysqlite's own implicit transactions are off so that the "begin" hook decides.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    # An acknowledged push must survive a power cut: the client forgets what was acknowledged.
    cur.execute("PRAGMA synchronous = FULL")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def _sqlite_on_begin(conn: Any) -> None:
    # Writers take the write lock up front, so two pushes queue instead of failing on upgrade.
    if conn.get_execution_options().get("write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get WAL, synchronous=FULL and BEGIN IMMEDIATE writes."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    try:
        return create_engine(url, pool_size=8, max_overflow=8, pool_pre_ping=True)
    except ModuleNotFoundError as exc:
        raise AdminError(f"The database driver {exc.name} is missing; for PostgreSQL install "
                         "the extra: pip install 'motcua[postgres]'.") from None


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One transaction that writes; commits on success, rolls back on any error."""
    with Session(engine.execution_options(write=True), expire_on_commit=False) as session, \
            session.begin():
        yield session


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A read-only transaction (rolled back at the end)."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session
        session.rollback()


# --- migrations ---------------------------------------------------------------------------


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def known_revisions() -> tuple[str | None, set[str]]:
    """(head, every revision) as Alembic reads them from migrations/versions."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return script.get_current_head(), {rev.revision for rev in script.walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _backup_sqlite(engine: Engine, revision: str) -> Path | None:
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = Path(f"{database}.before-{revision}-{stamp}")
    src = sqlite3.connect(database)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision and make sure the epoch exists.

    A database written by a newer server is refused; an SQLite file is copied aside before
    an upgrade of an existing schema (PostgreSQL operators keep their own backups).
    """
    current = current_revision(engine)
    if current != SCHEMA_HEAD:
        from alembic import command

        head, known = known_revisions()
        if current is not None and current not in known:
            raise AdminError(f"The server database has schema {current}, newer than this "
                             "motcua-server; update motcua-server.")
        if current is not None and is_sqlite(engine):
            copy = _backup_sqlite(engine, current)
            log.info("database copied to %s before migrating", copy)
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        log.info("server schema now at %s", head)
    with read_session(engine) as session:
        has_epoch = session.get(Meta, "epoch") is not None
    if not has_epoch:  # a schema made by other means: draw the epoch now
        with write_session(engine) as session:
            if session.get(Meta, "epoch") is None:
                session.add(Meta(key="epoch", value=secrets.token_hex(8)))


def read_epoch(engine: Engine) -> str:
    with read_session(engine) as session:
        value = session.scalar(select(Meta.value).where(Meta.key == "epoch"))
    if value is None:
        raise AdminError("The server database has no epoch; run `motcua-server run` once.")
    return value
