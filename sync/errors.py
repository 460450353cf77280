"""The one root of expected failures: something the user or the environment caused, never a bug.

Every package's errors derive from `KnownError` (the register's, the forms', sync's, the
server's admin commands', the UI's). It carries the message in Vietnamese (the UI's default
language) and English; the UI shows it as a plain message, the CLI prints it without a
traceback. Anything that is not a `KnownError` is a bug and goes to the crash dialog and the log.
This module sits at the bottom of the house: it imports nothing of the project.
"""

from __future__ import annotations


class KnownError(Exception):
    """An expected failure with a message for a person, in Vietnamese and English.

    Args:
        message_vi: the message in Vietnamese (shown by default).
        message_en: the message in English (shown when the UI is switched); defaults to the
            Vietnamese one.
        field: the input field the message is about, when there is one.
    """

    def __init__(self, message_vi: str, message_en: str | None = None, *,
                 field: str | None = None):
        super().__init__(message_vi)
        self.message_vi = message_vi
        self.message_en = message_en or message_vi
        self.field = field

    def message(self, lang: str = "vi") -> str:
        """The message in the given UI language ("vi" or "en")."""
        return self.message_en if lang == "en" else self.message_vi


class TransitionError(KnownError):
    """A lifecycle step (or a book step) that the rules (sync.lifecycle) forbid in the current
    state. Defined here, on the floor, so that importing it costs nothing."""
