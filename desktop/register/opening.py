"""Opening the register for the desktop app, its full check deferred after a clean close."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop import paths
from desktop.register import db

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop.register.service import Register

_OPEN_MARKER = "register.in-use"
_CHECK_FAILED_MARKER = "register.check-failed"


@dataclass(frozen=True)
class Opened:
    """The open register, and whether its full check already ran at start-up."""

    register: Register
    full_check_done: bool  # False: run deferred_check() in the background soon


def open_for_desktop(path: Path | None,
                     clock: Callable[[], datetime] | None = None) -> Opened:
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


def deferred_check(register: Register) -> list[str]:
    """quick_check of the open register (background). Problems leave a marker, so that the
    next start runs the full check, which moves a damaged file aside."""
    problems = db.quick_check(Path(register.path))
    if problems:
        (Path(register.path).parent / _CHECK_FAILED_MARKER).write_text(
            "\n".join(problems[:20]), encoding="utf-8")
    return problems


def closed_cleanly(register: Register) -> None:
    """The app closed the register normally: the next start may defer the check."""
    (Path(register.path).parent / _OPEN_MARKER).unlink(missing_ok=True)
