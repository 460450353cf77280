"""Error taxonomy of the register: every error a user can cause carries a Vietnamese message."""

from __future__ import annotations

from sync.errors import KnownError
from sync.lifecycle import TransitionError  # noqa: F401 - re-exported: one class, with the table


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
