"""Where the server keeps its database when no URL is given, and how URLs are normalised."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

HOME_ENV = "MOTCUA_SERVER_HOME"
DB_ENV = "MOTCUA_SERVER_DB"
DEFAULT_DB_NAME = "motcua-server.sqlite3"


def server_home() -> Path:
    """$MOTCUA_SERVER_HOME, else the user data folder of motcua-server (created on demand)."""
    configured = os.environ.get(HOME_ENV)
    home = Path(configured) if configured else Path(platformdirs.user_data_dir("motcua-server"))
    home.mkdir(parents=True, exist_ok=True)
    return home


def normalise_db_url(value: str | None) -> str:
    """A SQLAlchemy URL from --db, $MOTCUA_SERVER_DB, or the default SQLite file.

    A plain path means an SQLite file; ``postgresql://`` uses psycopg 3 (the "postgres" extra).
    """
    value = value or os.environ.get(DB_ENV) or ""
    if not value:
        return f"sqlite:///{server_home() / DEFAULT_DB_NAME}"
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    for prefix in ("postgresql://", "postgres://"):
        if value.startswith(prefix):
            return "postgresql+psycopg://" + value[len(prefix):]
    return value
