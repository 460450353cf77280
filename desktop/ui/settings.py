"""UI preferences kept with QSettings; each option declared once, with its type and default.

Only preferences of this PC's interface live here (language, paper, printer, window layout,
the last user name). Domain data (cut-off hour, calendar overrides, accounts) lives in the
register. The file is an INI in the data folder, so tests and benchmarks stay isolated.
"""

from __future__ import annotations

from typing import Any, Generic, NamedTuple, TypeVar

from desktop import paths
from desktop.ui.qt import QByteArray, QSettings

T = TypeVar("T")


class Option(NamedTuple, Generic[T]):
    """One preference. A NamedTuple rather than a dataclass: this module loads before the
    first screen, where `dataclasses` (and the `inspect` it imports) would add ~5 ms."""

    key: str
    type: type
    default: T
    doc: str = ""


LANGUAGE: Option[str] = Option("ui/language", str, "vi", "vi or en; applied at next start")
PAPER_SIZE: Option[str] = Option("print/paper_size", str, "A4", "A4 or A5")
PRINTER: Option[str] = Option("print/printer", str, "", "printer name; empty = system default")
BACKUP_FOLDER: Option[str] = Option("backup/folder", str, "",
                                    "extra folder for manual backups (e.g. a USB drive)")
LAST_USER: Option[str] = Option("login/last_user", str, "", "pre-filled user name")
MAIN_GEOMETRY: Option[bytes] = Option("window/main_geometry", bytes, b"", "saved geometry")
LIST_SORT: Option[str] = Option("list/sort", str, "newest", "newest|oldest|due|name")
LIST_PAGE_SIZE: Option[int] = Option("list/page_size", int, 200, "rows fetched at a time")

ALL_OPTIONS = (LANGUAGE, PAPER_SIZE, PRINTER, BACKUP_FOLDER, LAST_USER, MAIN_GEOMETRY,
               LIST_SORT, LIST_PAGE_SIZE)


class UiSettings:
    """Typed access to the options above."""

    def __init__(self, qsettings: QSettings | None = None):
        self._q = qsettings or QSettings(str(paths.data_dir() / "settings.ini"),
                                         QSettings.Format.IniFormat)

    def get(self, option: Option[T]) -> T:
        raw: Any = self._q.value(option.key, None)
        if raw is None:
            return option.default
        try:
            if option.type is bool:
                return (raw if isinstance(raw, bool) else str(raw).lower() in ("1", "true")
                        )  # type: ignore[return-value]
            if option.type is bytes:
                return bytes(raw) if isinstance(raw, (QByteArray, bytes)) else option.default
            return option.type(raw)  # type: ignore[no-any-return]
        except (TypeError, ValueError):
            return option.default

    def set(self, option: Option[T], value: T) -> None:
        if option.type is bytes:
            self._q.setValue(option.key, QByteArray(value))  # type: ignore[arg-type]
        else:
            self._q.setValue(option.key, value)
        self._q.sync()
