"""Sync client values: error codes and `SyncError`, stages, results, retry policy, interfaces."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

from sync.errors import KnownError
from sync.protocol import (
    ERROR_CODES,
    EnrollRequest,
    EnrollResponse,
    PullResponse,
    PushResponse,
    Rejected,
    RulesResponse,
    StatusResponse,
)

SKEW_WARNING_SECONDS = 300  # beyond this the user is told to set the PC's clock

# Errors the client itself names (the server's own codes are in sync.protocol.ERROR_CODES).
CLIENT_ERRORS: dict[str, tuple[str, str]] = {
    "unreachable": ("Không kết nối được máy chủ tỉnh (mạng hoặc máy chủ không sẵn sàng).",
                    "Cannot reach the province server (network or server down)."),
    "timeout": ("Máy chủ tỉnh không trả lời kịp thời.", "The province server did not answer in time."),
    "stall": ("Đường truyền bị treo: không nhận được dữ liệu trong thời gian chờ.",
              "The transfer stalled: no data arrived within the time limit."),
    "connection_lost": ("Mất kết nối giữa chừng khi đang truyền dữ liệu.",
                        "The connection dropped during the transfer."),
    "bad_response": ("Máy chủ trả lời không đúng định dạng (có thể do mạng hoặc proxy chen giữa).",
                     "The server's answer was malformed (a network or proxy in the way?)."),
    "server_error": ("Máy chủ tỉnh gặp lỗi nội bộ.", "The province server had an internal error."),
    "tls": (("Không xác minh được chứng chỉ bảo mật (TLS) của máy chủ. Kiểm tra địa chỉ máy "
             "chủ hoặc khai báo tệp chứng chỉ (CA) của tỉnh."),
            ("The server's TLS certificate could not be verified. Check the server address "
             "or configure the province's CA bundle.")),
    "insecure_url": ("Địa chỉ máy chủ phải bắt đầu bằng https://.",
                     "The server address must start with https://."),
    "not_enrolled": ("Máy này chưa đăng ký với máy chủ tỉnh (chạy `motcua enroll`).",
                     "This PC is not enrolled with the province server (run `motcua enroll`)."),
    "keyring": ("Không đọc được mã xác thực của máy trong kho khóa (keyring).",
                "Cannot read the device token from the keyring."),
    "device_mismatch": ("Máy chủ nhận diện máy này khác với sổ đăng ký; cần đăng ký lại.",
                        "The server knows this device under another id; enroll again."),
    "cancelled": ("Đã dừng đồng bộ theo yêu cầu.", "Sync was cancelled."),
    "local_store": (("Không ghi được dữ liệu đồng bộ vào sổ đăng ký trên máy này; hãy chạy "
                     "`motcua check` và báo cho quản trị."),
                    ("Could not write sync data into this PC's register; run `motcua check` "
                     "and tell the administrator.")),
    "bad_rules": ("Danh mục thủ tục hoặc lịch do tỉnh ban hành không hợp lệ; chưa áp dụng.",
                  "The province's catalogue or calendar publication is invalid; not installed."),
    "enroll_conflict": ("Thông tin cơ quan hoặc số máy do máy chủ cấp không khớp với sổ đăng ký.",
                        "The office or device slot from the server does not fit this register."),
    "regression_loop": ("Máy chủ liên tục mất dữ liệu trong lúc đồng bộ; sẽ thử lại sau.",
                        "The server kept losing data during the sync; will retry later."),
}

# Codes that waiting will not cure: the next periodic run waits long and the user must act.
PERMANENT_CODES = frozenset({"unauthorized", "revoked", "forbidden", "unsupported_protocol",
                             "not_enrolled", "device_mismatch", "insecure_url", "keyring",
                             "enroll_code_invalid", "enroll_conflict"})


def _messages(code: str) -> tuple[str, str]:
    return CLIENT_ERRORS.get(code) or ERROR_CODES.get(code) or ERROR_CODES["bad_request"]


class SyncError(KnownError):
    """A sync step failed. `transient` errors are retried within the run (bounded).

    The message pair is the code's (sync.protocol.ERROR_CODES or CLIENT_ERRORS) unless the
    server sent its own.
    """

    def __init__(self, code: str, *, transient: bool, detail: str = "",
                 retry_after: float | None = None, status: int | None = None,
                 message_vi: str | None = None, message_en: str | None = None):
        vi, en = _messages(code)
        super().__init__(message_vi or vi, message_en or en)
        self.code = code
        self.transient = transient
        self.retry_after = retry_after
        self.status = status
        self.detail = detail  # technical, English, never personal data nor a token
        # str() stays technical (for the log): the code, the English message, the detail.
        self.args = (f"{code}: {self.message_en}" + (f" [{detail}]" if detail else ""),)


# --- values ----------------------------------------------------------------------------------


class Stage(str, Enum):
    """The named stages of a run, cheap checks first."""

    START = "start"
    STATUS = "status"
    CLOCK = "clock"
    CHECK = "check"
    PUSH = "push"
    PULL = "pull"
    RULES = "rules"
    FINISH = "finish"
    DONE = "done"


@dataclass(frozen=True)
class Notice:
    """A message for the user in both languages."""

    code: str
    message_vi: str
    message_en: str

    def message(self, lang: str = "vi") -> str:
        return self.message_vi if lang == "vi" else self.message_en


@dataclass(frozen=True)
class ErrorInfo(Notice):
    """Why a run could not finish."""

    stage: Stage = Stage.START
    transient: bool = True
    retry_after: float | None = None
    detail: str = ""


@dataclass(frozen=True)
class SyncResult:
    """What one run did. `ok` is true only when every stage finished."""

    ok: bool
    stage: Stage  # DONE when ok; otherwise the stage that failed
    pushed: int = 0  # events the server acknowledged in this run (accepted + duplicates)
    duplicates: int = 0  # of those, ones the server already held (an answer lost earlier)
    pulled: int = 0  # events stored locally for the first time
    rules_installed: int = 0
    pending: int = 0  # local events still unacknowledged after the run
    rejected: tuple[Rejected, ...] = ()
    clock_skew_s: float | None = None  # PC clock minus server clock
    regression: bool = False  # the server had lost data; it was sent again / pulled again
    retries: int = 0
    warnings: tuple[Notice, ...] = ()
    error: ErrorInfo | None = None
    server_time: str | None = None
    elapsed_s: float = 0.0

    def message(self, lang: str = "vi") -> str:
        """One line for a status bar or the command line."""
        if self.error is not None:
            return self.error.message(lang)
        if lang == "vi":
            text = f"Đồng bộ xong: gửi {self.pushed}, nhận {self.pulled}"
            if self.pending:
                text += f", còn {self.pending} chưa gửi"
        else:
            text = f"Sync finished: sent {self.pushed}, received {self.pulled}"
            if self.pending:
                text += f", {self.pending} not yet sent"
        return text + "."


@dataclass(frozen=True)
class Progress:
    """Reported to `on_progress` as a run moves on (plain values; the UI makes signals)."""

    stage: Stage
    pushed: int = 0
    pulled: int = 0
    pending: int | None = None
    retry: int = 0  # > 0 while waiting to retry
    delay_s: float = 0.0
    error_code: str = ""


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with exponential backoff and full jitter."""

    attempts: int = 5  # tries per request within one run
    base_s: float = 1.0
    cap_s: float = 240.0  # "a few minutes"
    max_wait_in_run_s: float = 120.0  # a Retry-After longer than this ends the run
    max_retry_after_s: float = 3600.0
    periodic_s: float = 300.0  # between successful runs
    pending_s: float = 30.0  # after a run that left events unsent (rejected, too many)
    permanent_s: float = 3600.0  # after an error that waiting will not cure

    def backoff(self, failures: int, rng: random.Random) -> float:
        """Full jitter: uniform in [0, min(cap, base·2^failures)]."""
        return rng.uniform(0.0, min(self.cap_s, self.base_s * (2 ** min(failures, 30))))


# --- the interfaces the engine talks to ------------------------------------------------------


class IngestOutcome(Protocol):
    """What storing a pulled batch did (the register's IngestResult is one)."""

    @property
    def inserted(self) -> int: ...

    @property
    def duplicates(self) -> int: ...


class SyncStore(Protocol):
    """What the client needs from the local register. Events are wire dicts (sync.protocol)."""

    def device_id(self) -> str: ...

    def get_state(self, key: str) -> str | None: ...

    def set_state(self, key: str, value: str | None) -> None: ...

    def pending_count(self) -> int: ...

    def pending_wire_events(self, limit: int, after_seq: int = 0) -> list[dict[str, Any]]:
        """Unacknowledged local events with device_seq > after_seq, in device order."""
        ...

    def mark_acked(self, uids: Sequence[str], at: str) -> None: ...

    def acked_head(self) -> int:
        """The highest device_seq of a local event the server has acknowledged (0 = none)."""
        ...

    def reset_acks(self, after_seq: int = 0) -> int:
        """Forget acknowledgements of local events with device_seq > after_seq."""
        ...

    def ingest_wire_events(self, events: Sequence[dict[str, Any]], cursor_key: str | None,
                           cursor: str | None) -> IngestOutcome:
        """Store pulled events and set state `cursor_key` to `cursor` in one transaction."""
        ...

    def install_catalogue(self, data: dict[str, Any]) -> bool: ...

    def install_calendar(self, overrides: list[dict[str, str]]) -> int: ...

    def setup_office(self, *, province_code: int, commune_code: int, agency_id: str,
                     office_name: str, device_slot: int) -> Any: ...


class Transport(Protocol):
    """The server's API. HttpTransport is the real one; tests may put a fake here."""

    base_url: str

    def enroll(self, request: EnrollRequest) -> EnrollResponse: ...

    def status(self, token: str) -> StatusResponse: ...

    def push(self, token: str, device_id: str, events: Sequence[dict[str, Any]]
             ) -> PushResponse: ...

    def pull(self, token: str, cursor: str | None, limit: int) -> PullResponse: ...

    def rules(self, token: str, since: str) -> RulesResponse: ...

    def close(self) -> None: ...
