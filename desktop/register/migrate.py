"""Schema migrations with Alembic: backup first, refuse a register newer than the program."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text

from desktop.register.errors import RegisterVersionError
from desktop.register.textnorm import fold

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported only when a migration must run: it costs ~0.2 s at every start-up.
# The head is the newest file in versions/ (revision ids are zero-padded and ordered).

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def known_revisions() -> set[str]:
    """Revision ids of the migration scripts shipped with this program (file name prefix)."""
    return {p.name.split("_", 1)[0] for p in (MIGRATIONS_DIR / "versions").glob("[0-9]*_*.py")}


def head_revision() -> str:
    return max(known_revisions())


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        has_table = conn.execute(text(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        )).first()
        if not has_table:
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def needs_upgrade(engine: Engine) -> bool:
    """True when the register is older than the program; raises when it is newer."""
    current = current_revision(engine)
    if current is not None and current not in known_revisions():
        raise RegisterVersionError(
            f"Sổ đăng ký được tạo bởi phiên bản motcua mới hơn (lược đồ {current}). "
            "Hãy cập nhật motcua lên phiên bản mới nhất rồi mở lại.",
            f"The register was written by a newer motcua (schema {current}). "
            "Update motcua to the latest version and open it again.",
        )
    return current != head_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` on one connection, in one transaction per step."""
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        # Migrations that rebuild the search index fold text in SQL with the register's fold.
        conn.connection.driver_connection.create_function(  # type: ignore[union-attr]
            "motcua_fold", 1, fold, deterministic=True)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    log.info("register schema now at %s", current_revision(engine))
