"""The sync client: enrollment, and one sync run in named stages over HTTPS with requests.

A run goes: status (is the server there, what does it hold of this device) → clock (the
PC's clock against the server's; reported, never used for ordering) → check (did the server
come back from an older backup?) → push (unacknowledged events in small gzip batches; only
the server's answer acknowledges) → pull (the server's cursor, saved with each batch in one
local transaction) → rules (catalogue and calendar publications) → finish. Every stage
ends in a value: `run_once()` returns a `SyncResult`, never a bare boolean, and never raises
for a network, server or keyring problem.

This module does not import the desktop package: it talks to a `SyncStore` (the register
implements one) with plain dicts as wire events (sync.protocol), to a `Transport` (one
`requests.Session`), and to a `CredentialStore` (the keyring).
"""

from __future__ import annotations

import email.utils
import gzip
import json
import logging
import platform
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import Enum
from functools import partial
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from sync.credentials import CredentialError, CredentialStore
from sync.protocol import (
    API_PREFIX,
    ERROR_CODES,
    MAX_PULL_EVENTS,
    MAX_PUSH_BYTES,
    MAX_PUSH_EVENTS,
    PROTOCOL_VERSION,
    EnrollRequest,
    EnrollResponse,
    OfficeDescriptor,
    ProtocolError,
    PullResponse,
    PushRequest,
    PushResponse,
    Rejected,
    RulesResponse,
    StatusResponse,
    canonical_json,
    parse_enroll_response,
    parse_pull_response,
    parse_push_response,
    parse_rules_response,
    parse_status_response,
    to_json,
)

log = logging.getLogger(__name__)

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


class SyncError(Exception):
    """A sync step failed. `transient` errors are retried within the run (bounded)."""

    def __init__(self, code: str, *, transient: bool, detail: str = "",
                 retry_after: float | None = None, status: int | None = None,
                 message_vi: str | None = None, message_en: str | None = None):
        vi, en = _messages(code)
        self.code = code
        self.transient = transient
        self.retry_after = retry_after
        self.status = status
        self.detail = detail  # technical, English, never personal data nor a token
        self.message_vi = message_vi or vi
        self.message_en = message_en or en
        super().__init__(f"{code}: {self.message_en}" + (f" [{detail}]" if detail else ""))


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


# --- HTTP transport ----------------------------------------------------------------------


def app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("motcua")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0"


def user_agent() -> str:
    return (f"motcua/{app_version()} (sync protocol {PROTOCOL_VERSION}; "
            f"Python {platform.python_version()}; {platform.system() or 'unknown'})")


class _TimeoutSession(requests.Session):
    """A Session whose every request has a (connect, read) timeout unless one is given."""

    def __init__(self, timeout: tuple[float, float]):
        super().__init__()
        self.default_timeout = timeout

    def request(self, method: Any, url: Any, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.default_timeout)
        return super().request(method, url, *args, **kwargs)


_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def normalise_url(url: str) -> str:
    """The server's base URL without a trailing slash; https only (http for loopback tests)."""
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname in _LOOPBACK:
        return url
    raise SyncError("insecure_url", transient=False, detail=parts.scheme or "no scheme")


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class HttpTransport:
    """The server's API over one requests.Session.

    Every request has a connect timeout and a read timeout; the read timeout is the stall
    limit (no byte for that long ends the request), and a whole request may not take longer
    than `deadline_s`. TLS certificates are always verified, against `ca_bundle` when set.
    """

    def __init__(self, base_url: str, *, ca_bundle: str | None = None,
                 connect_timeout_s: float = 10.0, stall_timeout_s: float = 30.0,
                 deadline_s: float = 600.0, max_body: int = 64 * 1024 * 1024):
        self.base_url = normalise_url(base_url)
        self.ca_bundle = ca_bundle or None
        self.deadline_s = deadline_s
        self.max_body = max_body
        self.session = _TimeoutSession((connect_timeout_s, stall_timeout_s))
        self.session.verify = self.ca_bundle or True  # never False
        # Not the environment's netrc (it would replace the bearer token) nor its CA bundle
        # (`ca_bundle` is the setting for that); its HTTP(S)_PROXY, yes, for offices that
        # must go through one, but never for a server on this machine.
        self.session.trust_env = False
        if urlsplit(self.base_url).hostname not in _LOOPBACK:
            self.session.proxies.update(requests.utils.get_environ_proxies(self.base_url))
        self.session.mount("https://", HTTPAdapter(pool_connections=1, pool_maxsize=2,
                                                   max_retries=0))
        self.session.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=2,
                                                  max_retries=0))
        self.session.headers.update({"User-Agent": user_agent(), "Accept": "application/json",
                                     "Accept-Encoding": "gzip"})
        self.bytes_sent = 0  # request bodies as sent (compressed), for figures
        self.requests_made = 0

    def close(self) -> None:
        self.session.close()

    # --- the API ---------------------------------------------------------------------------

    def enroll(self, request: EnrollRequest) -> EnrollResponse:
        return self._parse(parse_enroll_response,
                           self._request("POST", "/enroll", body=to_json(request)))

    def status(self, token: str) -> StatusResponse:
        return self._parse(parse_status_response, self._request("GET", "/status", token=token))

    def push(self, token: str, device_id: str, events: Sequence[dict[str, Any]]
             ) -> PushResponse:
        body = to_json(PushRequest(device_id=device_id, events=list(events)))
        return self._parse(parse_push_response,
                           self._request("POST", "/push", token=token, body=body, gzip_body=True))

    def pull(self, token: str, cursor: str | None, limit: int) -> PullResponse:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        return self._parse(parse_pull_response,
                           self._request("GET", "/pull", token=token, params=params))

    def rules(self, token: str, since: str) -> RulesResponse:
        return self._parse(parse_rules_response,
                           self._request("GET", "/rules", token=token, params={"since": since}))

    # --- plumbing ----------------------------------------------------------------------------

    @staticmethod
    def _parse(parser: Callable[[Any], Any], obj: Any) -> Any:
        try:
            return parser(obj)
        except (ProtocolError, TypeError, ValueError, KeyError) as exc:
            raise SyncError("bad_response", transient=True,
                            detail=f"{type(exc).__name__}: {str(exc)[:200]}") from exc

    def _request(self, method: str, path: str, *, token: str | None = None,
                 params: dict[str, Any] | None = None, body: Any = None,
                 gzip_body: bool = False) -> Any:
        headers: dict[str, str] = {}
        data: bytes | None = None
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if body is not None:
            data = canonical_json(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
            if gzip_body:
                data = gzip.compress(data, compresslevel=6, mtime=0)
                headers["Content-Encoding"] = "gzip"
        url = self.base_url + API_PREFIX + path
        started = time.monotonic()
        self.requests_made += 1
        try:
            resp = self.session.request(method, url, params=params, data=data, headers=headers,
                                        stream=True, allow_redirects=False)
        except requests.exceptions.SSLError as exc:
            raise SyncError("tls", transient=False, detail=_why(exc)) from exc
        except requests.exceptions.ConnectTimeout as exc:
            raise SyncError("timeout", transient=True, detail="connect timeout") from exc
        except requests.exceptions.ReadTimeout as exc:
            raise SyncError("stall", transient=True, detail="no answer") from exc
        except requests.exceptions.ConnectionError as exc:
            code = "unreachable" if _refused(exc) else "connection_lost"
            raise SyncError(code, transient=True, detail=_why(exc)) from exc
        except requests.exceptions.RequestException as exc:
            raise SyncError("connection_lost", transient=True, detail=_why(exc)) from exc
        if data is not None:
            self.bytes_sent += len(data)
        try:
            content = self._read_body(resp, started)
        finally:
            resp.close()
        return self._decode(resp, content)

    def _read_body(self, resp: requests.Response, started: float) -> bytes:
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in resp.iter_content(chunk_size=64 * 1024):
                size += len(chunk)
                if size > self.max_body:
                    raise SyncError("bad_response", transient=True, detail="body too large")
                if time.monotonic() - started > self.deadline_s:
                    raise SyncError("stall", transient=True, detail="request deadline passed")
                chunks.append(chunk)
        except requests.exceptions.ContentDecodingError as exc:
            raise SyncError("bad_response", transient=True, detail="body fails to decode"
                            ) from exc
        except requests.exceptions.ConnectionError as exc:  # incl. ReadTimeout in a body
            if isinstance(exc, requests.exceptions.ReadTimeout) or "timed out" in str(exc):
                raise SyncError("stall", transient=True, detail="body stalled") from exc
            raise SyncError("connection_lost", transient=True, detail=_why(exc)) from exc
        except requests.exceptions.RequestException as exc:  # ChunkedEncodingError: cut body
            raise SyncError("connection_lost", transient=True, detail=_why(exc)) from exc
        return b"".join(chunks)

    def _decode(self, resp: requests.Response, content: bytes) -> Any:
        status = resp.status_code
        ctype = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
        obj: Any = None
        if ctype == "application/json" or ctype.endswith("+json"):
            try:
                obj = json.loads(content.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                obj = None
                if status < 400:
                    raise SyncError("bad_response", transient=True, status=status,
                                    detail="malformed JSON") from None
        elif status < 400:
            raise SyncError("bad_response", transient=True, status=status,
                            detail=f"content type {ctype or 'missing'}")
        if status < 300:
            return obj
        err = obj.get("error") if isinstance(obj, dict) else None
        code = err.get("code") if isinstance(err, dict) else None
        vi = err.get("message_vi") if isinstance(err, dict) else None
        en = err.get("message_en") if isinstance(err, dict) else None
        retry_after = _retry_after(resp.headers.get("Retry-After"))
        if status in (429, 503):
            raise SyncError(code or ("rate_limited" if status == 429 else "unavailable"),
                            transient=True, status=status, retry_after=retry_after,
                            message_vi=vi, message_en=en, detail=f"HTTP {status}")
        if status >= 500 or status in (408, 425):
            raise SyncError("server_error", transient=True, status=status,
                            detail=f"HTTP {status}" + (f" {code}" if code else ""))
        if not isinstance(code, str) or not code:
            code = {401: "unauthorized", 403: "forbidden", 413: "too_large"}.get(
                status, "bad_request")
        raise SyncError(code, transient=False, status=status, message_vi=vi, message_en=en,
                        detail=f"HTTP {status}")


def _why(exc: BaseException) -> str:
    """A short technical reason (exception texts carry URLs, never headers or bodies)."""
    return f"{type(exc).__name__}: {str(exc)[:160]}"


def _refused(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "refused" in text or "name or service not known" in text or "no route" in text


# --- the engine ------------------------------------------------------------------------------


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)  # reads a trailing Z since Python 3.11
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _format_skew(seconds: float) -> tuple[str, str]:
    s = abs(seconds)
    if s >= 86400:
        vi, en = f"{s / 86400:.1f} ngày", f"{s / 86400:.1f} days"
    elif s >= 3600:
        vi, en = f"{s / 3600:.1f} giờ", f"{s / 3600:.1f} hours"
    else:
        vi, en = f"{s / 60:.0f} phút", f"{s / 60:.0f} minutes"
    ahead = seconds > 0
    return ((f"Đồng hồ máy tính {'nhanh' if ahead else 'chậm'} {vi} so với máy chủ tỉnh. "
             "Hãy chỉnh lại giờ máy tính; việc đồng bộ vẫn tiếp tục bình thường."),
            (f"The PC clock is {en} {'ahead of' if ahead else 'behind'} the province server. "
             "Please set the PC clock; sync carries on regardless."))


class _Sizer:
    """Batch size, like TCP's window: doubles after each success until the first failure,
    then grows by a quarter per success and halves per failure (a link that drops every N
    bytes settles on batches well inside N). A long run of successes doubles again."""

    def __init__(self, start: int, low: int, high: int):
        self.size, self.low, self.high = start, low, high
        self.cautious = False
        self._streak = 0

    def success(self) -> None:
        self._streak += 1
        if self._streak >= 32:
            self.cautious = False
        grow = max(1, self.size // 4) if self.cautious else self.size
        self.size = min(self.high, self.size + grow)

    def failure(self, failed_size: int | None = None) -> None:
        self.cautious = True
        self._streak = 0
        failed = failed_size or self.size
        self.size = max(self.low, min(self.size, failed) // 2)


@dataclass
class _Run:
    stage: Stage = Stage.START
    pushed: int = 0
    duplicates: int = 0
    pulled: int = 0
    rules: int = 0
    retries: int = 0
    regression: bool = False
    skew: float | None = None
    server_time: str | None = None
    rejected: list[Rejected] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)


CURSOR_KEY = "cursor"  # JSON {"cursor", "epoch", "head"}: saved with each ingested batch


class SyncEngine:
    """Runs sync for one register. `run_once()` from a worker thread; `cancel()` from any."""

    def __init__(self, store: SyncStore, transport: Transport,
                 credentials: CredentialStore, on_progress: Callable[[Progress], None] | None
                 = None, *, clock: Callable[[], datetime] | None = None,
                 policy: RetryPolicy | None = None, sleep: Callable[[float], None] | None = None,
                 rng: random.Random | None = None, push_batch: int = 100,
                 pull_batch: int = 500, push_pipeline: int = 2):
        self.store = store
        self.transport = transport
        self.credentials = credentials
        self.on_progress = on_progress
        self.clock = clock or _utc_now
        self.policy = policy or RetryPolicy()
        self.rng = rng or random.Random()
        self._cancel = threading.Event()
        self._sleep = sleep if sleep is not None else self._cancellable_sleep
        self.push_sizer = _Sizer(min(push_batch, MAX_PUSH_EVENTS), 5, MAX_PUSH_EVENTS)
        self.pull_sizer = _Sizer(min(pull_batch, MAX_PULL_EVENTS), 20, MAX_PULL_EVENTS)
        self.push_pipeline = max(1, push_pipeline)
        self.failures = 0  # consecutive failed runs, for next_delay()

    # --- public -------------------------------------------------------------------------------

    def cancel(self) -> None:
        self._cancel.set()

    def run_once(self) -> SyncResult:
        """One full sync. Every failure, the register's own included, comes back as a value."""
        self._cancel.clear()
        run = _Run()
        started = time.monotonic()
        error: ErrorInfo | None = None
        try:
            self._run(run)
        except SyncError as exc:
            error = ErrorInfo(exc.code, exc.message_vi, exc.message_en, stage=run.stage,
                              transient=exc.transient and exc.code not in PERMANENT_CODES,
                              retry_after=exc.retry_after, detail=exc.detail)
        except CredentialError as exc:
            error = ErrorInfo("keyring", exc.message_vi, exc.message_en, stage=run.stage,
                              transient=False, detail=str(exc))
        except Exception as exc:  # noqa: BLE001 (reported as a value, see below)
            # The register could not do its part (disk full, locked, a pulled event it cannot
            # place). Reported as a value like any other failure; the log gets the type and
            # the statement, never the values (they may hold personal data).
            statement = str(getattr(exc, "statement", "") or "").split("\n")[0][:200]
            log.error("sync stopped at %s by a local error: %s %s", run.stage.value,
                      type(exc).__name__, statement)
            error = ErrorInfo("local_store", CLIENT_ERRORS["local_store"][0],
                              CLIENT_ERRORS["local_store"][1], stage=run.stage,
                              transient=False, detail=type(exc).__name__)
        pending = self._safe_pending()
        result = SyncResult(
            ok=error is None, stage=Stage.DONE if error is None else run.stage,
            pushed=run.pushed, duplicates=run.duplicates, pulled=run.pulled,
            rules_installed=run.rules, pending=pending, rejected=tuple(run.rejected),
            clock_skew_s=run.skew, regression=run.regression, retries=run.retries,
            warnings=tuple(run.warnings), error=error, server_time=run.server_time,
            elapsed_s=round(time.monotonic() - started, 3))
        if error is None:
            self.failures = 0
            log.info("sync done: pushed %d (%d duplicates), pulled %d, rules %d, pending %d, "
                     "retries %d, %.1fs", run.pushed, run.duplicates, run.pulled, run.rules,
                     pending, run.retries, result.elapsed_s)
        else:
            self.failures += 1
            self._record_failure(error)
            log.warning("sync stopped at %s: %s (%s)", error.stage.value, error.code,
                        error.detail)
        self._progress(Progress(result.stage, run.pushed, run.pulled, pending,
                                error_code=error.code if error else ""))
        return result

    def next_delay(self, result: SyncResult) -> float:
        """Seconds until the next periodic run should start."""
        p = self.policy
        if result.ok:
            return p.pending_s if result.pending else p.periodic_s
        err = result.error
        assert err is not None
        if err.code in PERMANENT_CODES:
            return p.permanent_s
        delay = p.backoff(self.failures, self.rng)
        if err.retry_after is not None:
            delay = max(delay, min(err.retry_after, p.max_retry_after_s))
        return delay

    # --- stages -------------------------------------------------------------------------------

    def _run(self, run: _Run) -> None:
        device_id = self.store.device_id()
        token = self._token(device_id)

        self._enter(run, Stage.STATUS)
        sent_at = time.monotonic()
        status: StatusResponse = self._call(run, lambda: self.transport.status(token))
        rtt = time.monotonic() - sent_at
        run.server_time = status.server_time
        if status.protocol != PROTOCOL_VERSION:
            raise SyncError("unsupported_protocol", transient=False,
                            detail=f"server speaks {status.protocol}")
        if status.device_id != device_id:
            raise SyncError("device_mismatch", transient=False)

        self._enter(run, Stage.CLOCK)
        self._clock_stage(run, status, rtt)

        self._enter(run, Stage.CHECK)
        self._check_stage(run, status)

        self._enter(run, Stage.PUSH)
        self._push_stage(run, token, device_id)

        self._enter(run, Stage.PULL)
        self._pull_stage(run, token, status)

        self._enter(run, Stage.RULES)
        self._rules_stage(run, token)

        self._enter(run, Stage.FINISH)
        self.store.set_state("last_success", run.server_time)
        self.store.set_state("last_error", None)

    def _clock_stage(self, run: _Run, status: StatusResponse, rtt: float) -> None:
        try:
            server = _parse_time(status.server_time)
        except ValueError:
            return
        local = self.clock() - timedelta(seconds=rtt / 2)
        run.skew = round((local - server).total_seconds(), 1)
        self.store.set_state("clock_skew", str(run.skew))
        if abs(run.skew) > SKEW_WARNING_SECONDS:
            vi, en = _format_skew(run.skew)
            run.warnings.append(Notice("clock_skew", vi, en))
            log.warning("PC clock differs from the server's by %.0f s", run.skew)

    def _check_stage(self, run: _Run, status: StatusResponse) -> None:
        acked = self.store.acked_head()
        if status.device_head < acked:
            again = self.store.reset_acks(status.device_head)
            self._regressed(run, f"server holds this device up to {status.device_head}, "
                            f"acknowledged up to {acked}; {again} events to send again")
        saved = self._cursor_state()
        if saved and (saved.get("epoch") != status.epoch
                      or int(saved.get("head", 0)) > status.head):
            self.store.set_state(CURSOR_KEY, None)
            self._regressed(run, "server cursor went backwards; pulling again from the start")

    def _regressed(self, run: _Run, why: str) -> None:
        log.warning("server regression: %s", why)
        if not run.regression:
            run.regression = True
            run.warnings.append(Notice(
                "server_regression",
                "Máy chủ tỉnh đã được khôi phục từ bản sao lưu cũ; máy này gửi lại và nhận lại "
                "phần dữ liệu máy chủ bị mất.",
                "The province server was restored from an older backup; this PC sends and "
                "receives again what the server lost."))

    def _push_stage(self, run: _Run, token: str, device_id: str) -> None:
        """Unacknowledged events in device order, in batches, up to `push_pipeline` requests
        in flight (a weak link stays busy while the server answers the previous batch).

        Only an answer acknowledges. A failed batch stops the pipeline: the answers of the
        batches still in flight are taken in (they acknowledge what they carried), then the
        push goes on from the failed batch after a backoff, within the retry bound.
        """
        after_seq = 0
        failures = 0
        regressions = 0
        best_head = 0  # highest device_head any answer of this run reported
        inflight: deque[tuple[list[dict[str, Any]], Future[PushResponse]]] = deque()
        with ThreadPoolExecutor(max_workers=self.push_pipeline,
                                thread_name_prefix="motcua-push") as pool:
            while True:
                while len(inflight) < self.push_pipeline and not self._cancel.is_set():
                    events = self.store.pending_wire_events(self.push_sizer.size, after_seq)
                    if not events:
                        break
                    batch = _within_bytes(events, MAX_PUSH_BYTES // 2)
                    after_seq = batch[-1]["device_seq"]
                    inflight.append((batch, pool.submit(self.transport.push, token, device_id,
                                                        batch)))
                if not inflight:
                    self._check_cancel()
                    return
                batch, future = inflight.popleft()
                try:
                    resp = future.result()
                except SyncError as exc:
                    # Take in the answers already on their way, then go back to this batch.
                    for other, pending in inflight:
                        try:
                            self._take_push_answer(run, other, pending.result())
                        except SyncError:
                            pass
                    inflight.clear()
                    after_seq = batch[0]["device_seq"] - 1
                    if exc.code == "too_large" and self.push_sizer.size > self.push_sizer.low:
                        self.push_sizer.size = max(self.push_sizer.low,
                                                   min(self.push_sizer.size, len(batch)) // 4)
                        continue
                    if not exc.transient:
                        raise
                    failures += 1
                    self.push_sizer.failure(len(batch))
                    if failures >= self.policy.attempts:
                        raise
                    self._wait_before_retry(run, exc, failures)
                    continue
                failures = 0
                self.push_sizer.success()
                best_head = max(best_head, resp.device_head)
                self._take_push_answer(run, batch, resp)
                if not run.rejected and best_head < batch[0]["device_seq"] - 1:
                    # The server lost what it had acknowledged earlier, during this run.
                    for _other, pending in inflight:
                        try:
                            pending.result()
                        except SyncError:
                            pass
                    inflight.clear()
                    regressions += 1
                    if regressions > 3:
                        raise SyncError("regression_loop", transient=True)
                    self.store.reset_acks(resp.device_head)
                    self._regressed(run, f"device head fell to {resp.device_head} during push")
                    after_seq = best_head = resp.device_head
                    continue
                self._progress(Progress(Stage.PUSH, run.pushed, run.pulled))

    def _take_push_answer(self, run: _Run, batch: list[dict[str, Any]],
                          resp: PushResponse) -> None:
        uids = {e["uid"] for e in batch}
        acked = [u for u in (*resp.accepted, *resp.duplicates) if u in uids]
        self.store.mark_acked(acked, resp.server_time)
        run.pushed += len(acked)
        run.duplicates += sum(1 for u in resp.duplicates if u in uids)
        run.rejected.extend(r for r in resp.rejected if r.uid in uids)
        run.server_time = resp.server_time

    def _pull_stage(self, run: _Run, token: str, status: StatusResponse) -> None:
        saved = self._cursor_state()
        cursor = saved.get("cursor") if saved else None
        if saved and cursor and saved.get("epoch") == status.epoch \
                and saved.get("head") == status.head and not run.pushed:
            return  # nothing new on the server since the last pull: no request
        restarts = 0
        while True:
            self._check_cancel()
            resp: PullResponse = self._call(
                run, partial(self._pull_once, token, cursor), sizer=self.pull_sizer)
            self.pull_sizer.success()
            if resp.epoch != status.epoch or (resp.head < status.head and cursor is not None):
                # The server's store was replaced during this run: start the pull again.
                restarts += 1
                if restarts > 2:
                    raise SyncError("regression_loop", transient=True)
                self._regressed(run, "server epoch changed during pull")
                status = replace(status, epoch=resp.epoch, head=resp.head)
                self.store.set_state(CURSOR_KEY, None)
                cursor = None
                continue
            state = json.dumps({"cursor": resp.cursor, "epoch": resp.epoch, "head": resp.head},
                               separators=(",", ":"))
            outcome = self.store.ingest_wire_events(resp.events, CURSOR_KEY, state)
            run.pulled += int(outcome.inserted)
            run.server_time = resp.server_time
            self._progress(Progress(Stage.PULL, run.pushed, run.pulled))
            if not resp.more:
                return
            if resp.cursor == cursor and not resp.events:
                raise SyncError("bad_response", transient=False,
                                detail="pull says more but the cursor did not move")
            cursor = resp.cursor

    def _pull_once(self, token: str, cursor: str | None) -> PullResponse:
        return self.transport.pull(token, cursor, self.pull_sizer.size)

    def _rules_stage(self, run: _Run, token: str) -> None:
        since = self.store.get_state("rules_since") or "0"
        resp: RulesResponse = self._call(run, lambda: self.transport.rules(token, since))
        try:
            for catalogue in resp.catalogues:
                if self.store.install_catalogue(catalogue):
                    run.rules += 1
            if resp.calendars:
                run.rules += int(self.store.install_calendar(list(resp.calendars)) or 0)
        except Exception as exc:  # noqa: BLE001 (remote data the register refuses)
            # The dossiers are in sync all the same: say so, keep the old rules, and ask
            # again next time (`since` does not move).
            log.warning("rules from the server refused by the register: %s",
                        type(exc).__name__)
            vi, en = CLIENT_ERRORS["bad_rules"]
            run.warnings.append(Notice("bad_rules", vi, en))
            return
        if resp.since != since:
            self.store.set_state("rules_since", resp.since)

    # --- helpers ------------------------------------------------------------------------------

    def _token(self, device_id: str) -> str:
        token = self.credentials.get_token(self.transport.base_url, device_id)
        if not token:
            raise SyncError("not_enrolled", transient=False)
        return token

    def _call(self, run: _Run, fn: Callable[[], Any], *, sizer: _Sizer | None = None) -> Any:
        """fn() with bounded retries: exponential backoff with full jitter, or Retry-After."""
        failures = 0
        while True:
            self._check_cancel()
            try:
                return fn()
            except SyncError as exc:
                if not exc.transient:
                    raise
                failures += 1
                if sizer is not None:
                    sizer.failure()
                if failures >= self.policy.attempts:
                    raise
                self._wait_before_retry(run, exc, failures)

    def _wait_before_retry(self, run: _Run, exc: SyncError, failures: int) -> None:
        """Sleep before try number failures + 1; a Retry-After too long for a run ends it."""
        if exc.retry_after is not None:
            if exc.retry_after > self.policy.max_wait_in_run_s:
                raise exc  # next_delay() waits for it
            delay = exc.retry_after
        else:
            delay = self.policy.backoff(failures - 1, self.rng)
        run.retries += 1
        log.info("%s: %s (%s); retry %d in %.1fs", run.stage.value, exc.code, exc.detail,
                 failures, delay)
        self._progress(Progress(run.stage, run.pushed, run.pulled, retry=failures,
                                delay_s=delay, error_code=exc.code))
        self._sleep(delay)
        self._check_cancel()

    def _cancellable_sleep(self, seconds: float) -> None:
        self._cancel.wait(max(0.0, seconds))

    def _check_cancel(self) -> None:
        if self._cancel.is_set():
            raise SyncError("cancelled", transient=False)

    def _enter(self, run: _Run, stage: Stage) -> None:
        self._check_cancel()
        run.stage = stage
        pending = self.store.pending_count() if stage in (Stage.PUSH, Stage.FINISH) else None
        self._progress(Progress(stage, run.pushed, run.pulled, pending))

    def _progress(self, progress: Progress) -> None:
        if self.on_progress is not None:
            try:
                self.on_progress(progress)
            except Exception:  # a listener's bug must not stop the sync
                log.exception("sync progress listener failed")

    def _cursor_state(self) -> dict[str, Any] | None:
        raw = self.store.get_state(CURSOR_KEY)
        if not raw:
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def _safe_pending(self) -> int:
        try:
            return int(self.store.pending_count())
        except Exception:  # noqa: BLE001 (only a figure for the result; the error is reported)
            return 0

    def _record_failure(self, error: ErrorInfo) -> None:
        try:
            self.store.set_state("last_error", json.dumps({
                "code": error.code, "stage": error.stage.value, "message_vi": error.message_vi,
                "message_en": error.message_en, "at": self.clock().isoformat()},
                ensure_ascii=False))
        except Exception:
            log.exception("could not record the sync error")


def _within_bytes(events: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """The longest prefix of events whose JSON stays under `limit` bytes (at least one)."""
    total = 0
    for i, event in enumerate(events):
        total += len(canonical_json(event).encode("utf-8")) + 1
        if total > limit and i > 0:
            return events[:i]
    return events


# --- enrollment and wiring -----------------------------------------------------------------


@dataclass(frozen=True)
class EnrollResult:
    """What enrollment did: the office and slot now in the register, and where the token is."""

    server_url: str
    office: OfficeDescriptor
    device_slot: int
    token_where: str
    keyring_warning: tuple[str, str] | None
    clock_skew_s: float | None


def enroll(store: SyncStore, transport: Transport, credentials: CredentialStore, code: str,
           *, device_name: str | None = None, ca_bundle: str | None = None,
           clock: Callable[[], datetime] | None = None, attempts: int = 3,
           sleep: Callable[[float], None] = time.sleep) -> EnrollResult:
    """Exchange a one-time code for a device token (kept in the keyring) and the office.

    Raises SyncError (with messages in both languages) or CredentialError.
    """
    device_id = store.device_id()
    server_url = transport.base_url
    # Kept before the first try: a lost answer may then be asked again with the same code.
    retry_key = credentials.enroll_key(server_url, device_id)
    request = EnrollRequest(code=code.strip(), device_id=device_id,
                            device_name=(device_name or platform.node() or "motcua")[:100],
                            app_version=app_version(), retry_key=retry_key)
    tries = 0
    while True:
        try:
            sent_at = time.monotonic()
            resp = transport.enroll(request)
            rtt = time.monotonic() - sent_at
            break
        except SyncError as exc:
            tries += 1
            if not exc.transient or exc.code == "enroll_code_invalid" or tries >= attempts:
                if exc.code == "enroll_code_invalid" and tries > 0:
                    raise SyncError(
                        exc.code, transient=False, detail=exc.detail,
                        message_vi=exc.message_vi + " Nếu lần thử trước bị mất kết nối, mã có "
                        "thể đã được dùng: hãy xin mã mới.",
                        message_en=exc.message_en + " If an earlier try lost its connection, "
                        "the code may be used up: ask for a new one.") from exc
                raise
            sleep(min(30.0, 2.0 ** tries))
    if resp.device_id != device_id:
        raise SyncError("device_mismatch", transient=False)
    try:
        # First the office: a register whose numbers would clash refuses, and then no token
        # is kept for it.
        store.setup_office(province_code=resp.office.province_code,
                           commune_code=resp.office.commune_code,
                           agency_id=resp.office.agency_id, office_name=resp.office.name,
                           device_slot=resp.device_slot)
    except Exception as exc:  # the register's refusal, in its own words
        raise SyncError("enroll_conflict", transient=False, detail=type(exc).__name__,
                        message_vi=getattr(exc, "message_vi", None),
                        message_en=getattr(exc, "message_en", None)) from exc
    credentials.set_token(server_url, device_id, resp.token)
    credentials.forget_enroll_key(server_url, device_id)
    previous = store.get_state("server_url")
    if previous and previous != server_url:
        # Another server: its acknowledgements and cursor mean nothing here.
        store.reset_acks(0)
        store.set_state(CURSOR_KEY, None)
        store.set_state("rules_since", None)
    store.set_state("server_url", server_url)
    store.set_state("ca_bundle", ca_bundle or None)
    store.set_state("office_id", resp.office.office_id)
    skew: float | None = None
    try:
        local = (clock or _utc_now)() - timedelta(seconds=rtt / 2)
        skew = round((local - _parse_time(resp.server_time)).total_seconds(), 1)
    except ValueError:
        pass
    log.info("enrolled device on %s, office %s, slot %d", server_url, resp.office.office_id,
             resp.device_slot)
    return EnrollResult(server_url, resp.office, resp.device_slot, credentials.where(),
                        credentials.warning(), skew)


def transport_for(store: SyncStore, **options: Any) -> HttpTransport:
    """The HTTP transport to the server this register is enrolled with."""
    url = store.get_state("server_url")
    if not url:
        raise SyncError("not_enrolled", transient=False)
    return HttpTransport(url, ca_bundle=store.get_state("ca_bundle"), **options)


def engine_for(store: SyncStore, credentials: CredentialStore | None = None,
               on_progress: Callable[[Progress], None] | None = None,
               transport_options: dict[str, Any] | None = None, **options: Any) -> SyncEngine:
    """A SyncEngine wired from the register's saved sync settings."""
    return SyncEngine(store, transport_for(store, **(transport_options or {})),
                      credentials or CredentialStore(), on_progress, **options)


def last_error(store: SyncStore) -> Notice | None:
    """The saved error of the last failed run (for a status bar), or None."""
    raw = store.get_state("last_error")
    if not raw:
        return None
    try:
        obj = json.loads(raw)
        return Notice(obj["code"], obj["message_vi"], obj["message_en"])
    except (ValueError, KeyError, TypeError):
        return None
