"""Error taxonomy of the register: every error a user can cause carries a Vietnamese message."""

from __future__ import annotations

import logging
import sqlite3

from sync.errors import (
    KnownError,
    TransitionError,  # noqa: F401 - re-exported: one class, on the floor
)

log = logging.getLogger(__name__)


class RegisterError(KnownError):
    """Root of the register's errors: something the user or the environment caused."""


class ValidationError(RegisterError):
    """An input value was refused (Dữ liệu nhập không hợp lệ)."""


class NotFoundError(RegisterError):
    """A dossier, book or entry that does not exist."""


class RegisterVersionError(RegisterError):
    """The register file was written by a newer motcua, or is not a motcua register."""


class IntegrityProblem(RegisterError):
    """The register failed a consistency check (integrity, hash chain, projections)."""


# --- the register's file could not be used (mapped from SQLite by desktop.register.db) ------

_NOTHING_LOST_VI = " Dữ liệu đã lưu trước đó không bị mất; thao tác vừa rồi chưa được ghi."
_NOTHING_LOST_EN = " Nothing saved before is lost; the last action was not recorded."


class StorageError(RegisterError):
    """SQLite could not read or write the register file; the failed transaction rolled back.

    Each kind has its own message saying what to do. `detail` keeps SQLite's own words for
    the log (English, technical, never shown as the message).
    """

    MESSAGE_VI = ("Không đọc hoặc ghi được tệp sổ đăng ký. Hãy kiểm tra ổ đĩa rồi thử lại."
                  + _NOTHING_LOST_VI)
    MESSAGE_EN = ("The register file could not be read or written. Check the disk and try "
                  "again." + _NOTHING_LOST_EN)

    def __init__(self, detail: str = ""):
        super().__init__(self.MESSAGE_VI, self.MESSAGE_EN)
        self.detail = detail


class RegisterLocked(StorageError):
    """Another process holds the register's write lock beyond the busy timeout."""

    MESSAGE_VI = ("Sổ đăng ký đang bị một chương trình khác giữ (có thể một cửa sổ motcua "
                  "khác đang mở trên máy này, hoặc một bản sao lưu đang chạy). Hãy đóng "
                  "motcua kia rồi thử lại." + _NOTHING_LOST_VI)
    MESSAGE_EN = ("The register is held by another program (perhaps another motcua is open "
                  "on this PC, or a backup is running). Close the other motcua and try "
                  "again." + _NOTHING_LOST_EN)


class DiskFull(StorageError):
    """The disk (or the file's size limit) is full: SQLITE_FULL."""

    MESSAGE_VI = ("Ổ đĩa chứa sổ đăng ký đã đầy. Hãy giải phóng dung lượng (xóa tệp không "
                  "cần, chuyển bản sao lưu cũ sang ổ khác) rồi thử lại." + _NOTHING_LOST_VI)
    MESSAGE_EN = ("The disk holding the register is full. Free some disk space (delete files "
                  "you do not need, move old backups to another disk) and try again."
                  + _NOTHING_LOST_EN)


class ReadOnlyRegister(StorageError):
    """The file, its folder or the disk does not allow writing: SQLITE_READONLY."""

    MESSAGE_VI = ("Không ghi được vào sổ đăng ký: tệp, thư mục chứa nó hoặc ổ đĩa chỉ cho "
                  "phép đọc. Hãy kiểm tra quyền ghi của tài khoản Windows/Linux đang dùng "
                  "trên tệp và thư mục (hoặc khóa ghi của USB) rồi thử lại." + _NOTHING_LOST_VI)
    MESSAGE_EN = ("The register cannot be written: the file, its folder or the disk is "
                  "read-only. Check the permissions of this user account on the file and its "
                  "folder (or the USB stick's write lock) and try again." + _NOTHING_LOST_EN)


class CorruptRegister(StorageError):
    """The file is not a database, or its image is malformed: SQLITE_NOTADB / SQLITE_CORRUPT."""

    MESSAGE_VI = ("Sổ đăng ký bị hỏng (tệp không còn đọc được như một cơ sở dữ liệu). Hãy "
                  "đóng motcua và khôi phục bản sao lưu gần nhất bằng lệnh "
                  "`motcua restore <tệp sao lưu>` (các bản sao lưu nằm trong thư mục backups).")
    MESSAGE_EN = ("The register is damaged (the file no longer reads as a database). Close "
                  "motcua and restore the latest backup with `motcua restore <backup file>` "
                  "(backups are in the backups folder).")


# SQLite's primary result codes (the low byte of the extended code).
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_IOERR = 5, 6, 8, 10
_SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 11, 13, 14, 26
_BY_CODE: dict[int, type[StorageError]] = {
    _SQLITE_BUSY: RegisterLocked, _SQLITE_LOCKED: RegisterLocked,
    _SQLITE_FULL: DiskFull, _SQLITE_READONLY: ReadOnlyRegister,
    _SQLITE_CORRUPT: CorruptRegister, _SQLITE_NOTADB: CorruptRegister,
    _SQLITE_IOERR: StorageError, _SQLITE_CANTOPEN: StorageError,
}
# The same by SQLite's message, for errors that carry no code.
_BY_TEXT: tuple[tuple[str, type[StorageError]], ...] = (
    ("database is locked", RegisterLocked), ("database table is locked", RegisterLocked),
    ("database or disk is full", DiskFull), ("readonly database", ReadOnlyRegister),
    ("file is not a database", CorruptRegister), ("disk image is malformed", CorruptRegister),
    ("disk i/o error", StorageError), ("unable to open database file", StorageError),
)


def storage_error(exc: BaseException) -> StorageError | None:
    """The register's error for an SQLite failure of the file itself, or None for the rest.

    A constraint violation or an SQL mistake is not a storage problem (it stays a bug).
    """
    if isinstance(exc, StorageError):
        return exc
    if not isinstance(exc, sqlite3.DatabaseError) or isinstance(
            exc, sqlite3.IntegrityError | sqlite3.ProgrammingError):
        return None
    detail = str(exc)
    code = getattr(exc, "sqlite_errorcode", None)
    kind = _BY_CODE.get(code & 0xFF) if isinstance(code, int) else None
    if kind is None:
        text = detail.lower()
        kind = next((k for marker, k in _BY_TEXT if marker in text), None)
    if kind is None:
        return None
    log.warning("register storage problem (%s): %s", kind.__name__, detail)
    return kind(detail)



class ValidationWarning:
    """A check that did not pass but does not block saving (cảnh báo, không chặn)."""

    def __init__(self, message_vi: str, message_en: str | None = None, *, field: str | None = None):
        self.message_vi = message_vi
        self.message_en = message_en or message_vi
        self.field = field

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi

    def __repr__(self) -> str:
        return f"ValidationWarning({self.field!r}: {self.message_vi!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ValidationWarning) and (self.field, self.message_vi) == (
            other.field,
            other.message_vi,
        )

    def __hash__(self) -> int:
        return hash((self.field, self.message_vi))
