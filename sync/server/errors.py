"""The server's one root exception: an answer with an HTTP status and a protocol error code."""

from __future__ import annotations

from typing import Any

from sync.protocol import error_body


class ServerError(Exception):
    """A refusal the client is told about: `code` is one of sync.protocol.ERROR_CODES."""

    def __init__(self, status: int, code: str, detail: str = "",
                 headers: dict[str, str] | None = None):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.detail)


class AdminError(Exception):
    """A refused admin command: the message is shown to the operator as is."""
