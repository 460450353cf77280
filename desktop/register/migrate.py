"""Schema migrations with Alembic: backup first, refuse a register newer than the program."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from desktop.register.errors import RegisterVersionError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


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
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    log.info("register schema now at %s", current_revision(engine))
