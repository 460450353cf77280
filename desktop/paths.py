"""Every filesystem location motcua uses, decided in one place."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "motcua"


def data_dir() -> Path:
    """The user data folder: $MOTCUA_HOME if set, else the platform's user data dir."""
    env = os.environ.get("MOTCUA_HOME")
    base = Path(env) if env else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    base.mkdir(parents=True, exist_ok=True)
    return base


def register_path() -> Path:
    """The local SQLite register (sổ đăng ký hồ sơ)."""
    return data_dir() / "register.sqlite3"


def backup_dir() -> Path:
    """Automatic rotating backups of the register."""
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    """Rotating log files."""
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def quarantine_dir() -> Path:
    """Where a register that failed its start-up check is moved, never deleted."""
    path = data_dir() / "quarantine"
    path.mkdir(parents=True, exist_ok=True)
    return path


def report_cache_path(register: Path) -> Path:
    """The reports' facts cache beside a register file (derived data: safe to delete)."""
    return register.with_name(register.stem + ".reports-cache.sqlite3")
