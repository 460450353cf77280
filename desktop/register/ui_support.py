"""What the desktop UI needs from the register beyond the services: no Qt, plain data.

- the daily backup, run in the background after start-up rather than while opening.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop import paths
from desktop.register import backup as backup_mod
from desktop.register.lifecycle import LOCAL_TZ

# --- maintenance -------------------------------------------------------------------------------


def daily_backup(register: Any, extra_folder: str | None = None) -> list[Path]:
    """Today's daily and this week's weekly copy (if missing), plus one in `extra_folder`.

    The UI opens the register without the automatic backup (a copy of a large register
    takes seconds) and runs this in the background once the officer is at work.
    """
    made = backup_mod.auto_backup(register.path, paths.backup_dir(), register.clock())
    if extra_folder:
        day = register.clock().astimezone(LOCAL_TZ).date().isoformat()
        target = Path(extra_folder) / f"motcua-{day}.sqlite3"
        if not target.exists():
            made.append(register.backup(target))
    return made


def backup_now(register: Any, folder: str) -> Path:
    """A copy of the register in `folder` now, named after the local date and time."""
    stamp = register.clock().astimezone(LOCAL_TZ).strftime("%Y-%m-%d_%H%M")
    return Path(register.backup(Path(folder) / f"motcua-{stamp}.sqlite3"))


# --- opening for the desktop ------------------------------------------------------------------

_OPEN_MARKER = "register.in-use"
_CHECK_FAILED_MARKER = "register.check-failed"


@dataclass(frozen=True)
class Opened:
    register: Any
    full_check_done: bool  # False: run deferred_check() in the background soon


def open_for_desktop(path: Path | None, clock: Any = None) -> Opened:
    """Open the register for the desktop app, deferring SQLite's quick_check when it is safe.

    `Register.open` runs PRAGMA quick_check over the whole file before anything else: 10 s
    (warm cache) to 2 min (cold) on a register of a million dossiers, during which the
    officer could not log in. Here the check runs at start-up only when the last session did
    not close cleanly or the last deferred check failed (then a damaged file is moved aside
    exactly as `Register.open` does); otherwise the app opens at once and `deferred_check`
    runs in the background.
    """
    from desktop.register.service import Register

    path = Path(path) if path else paths.register_path()
    marker_dir = path.parent
    unclean = (marker_dir / _OPEN_MARKER).exists() or \
        (marker_dir / _CHECK_FAILED_MARKER).exists()
    kwargs: dict[str, Any] = {"auto_backup": False}
    if clock is not None:
        kwargs["clock"] = clock
    full = unclean or not path.exists()
    reg = Register.open(path, quick_check=full, **kwargs)
    (marker_dir / _CHECK_FAILED_MARKER).unlink(missing_ok=True)
    (marker_dir / _OPEN_MARKER).write_text("motcua is using this register\n", encoding="utf-8")
    return Opened(reg, full)


def deferred_check(register: Any) -> list[str]:
    """quick_check of the open register (background). Problems leave a marker, so that the
    next start runs the full check, which moves a damaged file aside."""
    from desktop.register import db

    problems = db.quick_check(Path(register.path))
    if problems:
        (Path(register.path).parent / _CHECK_FAILED_MARKER).write_text(
            "\n".join(problems[:20]), encoding="utf-8")
    return problems


def closed_cleanly(register: Any) -> None:
    """The app closed the register normally: the next start may defer the check."""
    (Path(register.path).parent / _OPEN_MARKER).unlink(missing_ok=True)
