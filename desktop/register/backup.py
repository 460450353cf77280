"""Backups of the register: SQLite online backup, rotation (7 daily, 4 weekly), restore."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from desktop import paths
from desktop.register import db
from desktop.register.errors import IntegrityProblem, RegisterVersionError
from sync.lifecycle import LOCAL_TZ

if TYPE_CHECKING:
    from desktop.register.service import Register

log = logging.getLogger(__name__)

KEEP_DAILY = 7
KEEP_WEEKLY = 4


def online_backup(src: Path, dest: Path) -> Path:
    """Copy `src` to `dest` consistently, even while other connections write to it.

    The copy is written beside the destination and renamed into place, so a crash never
    leaves a half-written backup under the final name.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=dest.name + ".", suffix=".part", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        source = sqlite3.connect(src)
        target = sqlite3.connect(tmp)
        try:
            source.execute(f"PRAGMA busy_timeout = {db.BUSY_TIMEOUT_MS}")
            source.backup(target, pages=4096)
            # A backup is a single file: no -wal beside it.
            target.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.DatabaseError as exc:  # a full disk, a locked or damaged source
            mapped = db.storage_error(exc)
            if mapped is None:
                raise
            raise mapped from exc
        finally:
            target.close()
            source.close()
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def _unused(path: Path) -> Path:
    """`path`, or `path` with -1, -2, ... when a copy of that name exists: never overwrite."""
    candidate, n = path, 0
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def pre_migration_backup(path: Path, backup_dir: Path, revision: str | None) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    dest = _unused(backup_dir / f"pre-migration-{revision or 'none'}-{stamp}.sqlite3")
    log.info("backing up the register before migrating: %s", dest)
    return online_backup(path, dest)


def auto_backup(path: Path, backup_dir: Path, now: datetime) -> list[Path]:
    """Take today's daily and this week's weekly copy if missing, then rotate."""
    made = []
    day = now.astimezone(LOCAL_TZ).date()  # the office's day, not UTC's
    daily = backup_dir / f"daily-{day.isoformat()}.sqlite3"
    if not daily.exists():
        made.append(online_backup(path, daily))
    year, week, _ = day.isocalendar()
    weekly = backup_dir / f"weekly-{year}-W{week:02d}.sqlite3"
    if not weekly.exists():
        shutil.copyfile(daily, weekly)
        made.append(weekly)
    rotate(backup_dir)
    return made


def rotate(backup_dir: Path) -> list[Path]:
    """Keep the newest 7 daily and 4 weekly copies; returns what was removed."""
    removed = []
    for prefix, keep in (("daily-", KEEP_DAILY), ("weekly-", KEEP_WEEKLY)):
        copies = sorted(backup_dir.glob(f"{prefix}*.sqlite3"))
        for old in copies[:-keep]:
            old.unlink()
            removed.append(old)
    return removed


def verify_backup_file(path: Path) -> None:
    """Refuse a file that is not a motcua register or fails its check (on a temporary copy)."""
    path = Path(path)
    if not path.is_file() or not db.is_motcua_register(path):
        raise RegisterVersionError(
            f"Tệp {path} không phải là sổ đăng ký motcua; không khôi phục.",
            f"{path} is not a motcua register; nothing was restored.",
        )
    from desktop.register.check import run_check

    with tempfile.TemporaryDirectory() as tmpdir:
        copy = Path(tmpdir) / "candidate.sqlite3"
        online_backup(path, copy)
        engine = db.make_engine(copy)
        try:
            from desktop.register import migrate

            if migrate.needs_upgrade(engine):
                migrate.upgrade(engine)
            report = run_check(engine)
        finally:
            engine.dispose()
    if not report.ok:
        raise IntegrityProblem(
            "Tệp sao lưu không vượt qua kiểm tra, không khôi phục:\n" + report.text("vi"),
            "The backup failed its check; nothing was restored:\n" + report.text("en"),
        )


def restore(backup: Path, register: Path, backup_dir: Path) -> Path:
    """Replace the register with a verified backup; the current file is kept aside first."""
    verify_backup_file(backup)
    kept = None
    if register.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = online_backup(register, _unused(backup_dir / f"pre-restore-{stamp}.sqlite3"))
        for suffix in ("-wal", "-shm"):
            Path(str(register) + suffix).unlink(missing_ok=True)
    online_backup(backup, register)
    log.info("register restored from %s (previous copy kept at %s)", backup, kept)
    return register


def daily_backup(register: Register, extra_folder: str | None = None) -> list[Path]:
    """Today's daily and this week's weekly copy (if missing), plus one in `extra_folder`.

    The UI opens the register without the automatic backup (a copy of a large register
    takes seconds) and runs this in the background once the officer is at work.
    """
    made = auto_backup(register.path, paths.backup_dir(), register.clock())
    if extra_folder:
        day = register.clock().astimezone(LOCAL_TZ).date().isoformat()
        target = Path(extra_folder) / f"motcua-{day}.sqlite3"
        if not target.exists():
            made.append(register.backup(target))
    return made


def backup_now(register: Register, folder: str) -> Path:
    """A copy of the register in `folder` now, named after the local date and time."""
    stamp = register.clock().astimezone(LOCAL_TZ).strftime("%Y-%m-%d_%H%M")
    return Path(register.backup(Path(folder) / f"motcua-{stamp}.sqlite3"))
