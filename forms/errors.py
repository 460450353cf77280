"""The forms package's errors: a record that cannot be printed as it stands."""

from __future__ import annotations

from sync.errors import KnownError


class FormsError(KnownError):
    """Root of the forms package's errors, with a Vietnamese and an English message."""


class FormDataError(FormsError):
    """A record failed validation (a required field is empty, a date is out of order...)."""


class UnknownFormError(FormsError):
    """No form with this number or record type in the configured numbering."""
