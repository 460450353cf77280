"""The server's errors: an HTTP answer with a protocol code, and a refused admin command."""

from __future__ import annotations

from typing import Any

from sync.errors import KnownError
from sync.protocol import error_body


class ServerError(KnownError):
    """A refusal the client is told about: `code` is one of sync.protocol.ERROR_CODES.

    It maps to an HTTP answer (`status`, `body()`); the Vietnamese and English messages are
    those the body carries to the person at the desk (the code's message, plus `detail`).
    """

    def __init__(self, status: int, code: str, detail: str = "",
                 headers: dict[str, str] | None = None):
        message = error_body(code, detail)["error"]
        super().__init__(message["message_vi"], message["message_en"])
        self.args = (f"{code}: {detail}" if detail else code,)  # str(): technical, for the log
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.detail)


class AdminError(KnownError):
    """A refused admin command (`motcua-server admin ...`): the message is shown to the operator.

    The operator's console speaks English: the admin commands give one message, which serves
    as both languages.
    """
