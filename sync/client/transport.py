"""The HTTP transport of the sync client: one `requests.Session`, timeouts, error mapping."""

from __future__ import annotations

import email.utils
import gzip
import json
import logging
import platform
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from sync.client.values import SyncError
from sync.protocol import (
    API_PREFIX,
    PROTOCOL_VERSION,
    EnrollRequest,
    EnrollResponse,
    ProtocolError,
    PullResponse,
    PushRequest,
    PushResponse,
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
