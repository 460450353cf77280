"""The forms package's errors: a record that cannot be printed as it stands."""

from __future__ import annotations


class FormsError(Exception):
    """Root of the forms package's errors, with a Vietnamese and an English message."""

    def __init__(self, message_vi: str, message_en: str | None = None, *,
                 field: str | None = None):
        super().__init__(message_vi)
        self.message_vi = message_vi
        self.message_en = message_en or message_vi
        self.field = field

    def message(self, lang: str = "vi") -> str:
        """The message in the given UI language ("vi" or "en")."""
        return self.message_en if lang == "en" else self.message_vi


class FormDataError(FormsError):
    """A record failed validation (a required field is empty, a date is out of order...)."""


class UnknownFormError(FormsError):
    """No form with this number or record type in the configured numbering."""
