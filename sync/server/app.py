"""The HTTP API of sync.protocol on FastAPI: bodies checked and bounded, every request authenticated."""

from __future__ import annotations

import json
import logging
import zlib
from importlib import metadata
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync.protocol import (
    API_PREFIX,
    MAX_PULL_EVENTS,
    MAX_PUSH_BYTES,
    MAX_PUSH_EVENTS,
    EnrollResponse,
    ProtocolError,
    PullResponse,
    PushResponse,
    RulesResponse,
    StatusResponse,
    error_body,
    parse_push_request,
    to_json,
)
from sync.server.errors import ServerError
from sync.server.ratelimit import DEVICE_RATE, ENROLL_RATE, Rate, RateLimiter
from sync.server.store import DeviceAuth, ServerStore

log = logging.getLogger(__name__)

MAX_ENROLL_BYTES = 64 * 1024
# Past its limit, a body is still read (and thrown away) up to this size, so that the client
# gets the 413 answer instead of a connection reset in the middle of its upload.
DRAIN_LIMIT = 4 * MAX_PUSH_BYTES

_STATUS_CODES = {401: "unauthorized", 403: "forbidden", 413: "too_large", 429: "rate_limited",
                 503: "unavailable"}

_ERROR_DOC = {"description": 'Error: {"error": {"code", "message_vi", "message_en"}}'}
ERRORS: dict[int | str, dict[str, Any]] = {
    400: _ERROR_DOC, 401: _ERROR_DOC, 403: _ERROR_DOC, 413: _ERROR_DOC, 429: _ERROR_DOC,
    503: _ERROR_DOC}

_EVENT_SCHEMA = {
    "type": "object",
    "required": ["uid", "stream", "stream_type", "kind", "payload", "actor", "channel",
                 "occurred_at", "hlc", "device_id", "device_seq", "prev_hash", "hash"],
    "properties": {
        "uid": {"type": "string"}, "stream": {"type": "string"},
        "stream_type": {"type": "string", "enum": ["dossier", "volume"]},
        "kind": {"type": "string"}, "payload": {"type": "object"}, "actor": {"type": "string"},
        "channel": {"type": ["integer", "null"], "enum": [1, 2, 3, None]},
        "occurred_at": {"type": "string"}, "hlc": {"type": "string"},
        "device_id": {"type": "string"}, "device_seq": {"type": "integer", "minimum": 1},
        "prev_hash": {"type": "string"}, "hash": {"type": "string"},
    },
}


def _json_body_doc(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"requestBody": {"required": True, "description": description,
                            "content": {"application/json": {"schema": schema}}}}


PUSH_BODY_DOC = _json_body_doc({
    "type": "object", "required": ["device_id", "events"],
    "properties": {"device_id": {"type": "string"}, "protocol": {"type": "integer", "const": 1},
                   "events": {"type": "array", "maxItems": MAX_PUSH_EVENTS,
                              "items": _EVENT_SCHEMA}},
}, f"PushRequest, gzip-compressed (Content-Encoding: gzip); at most {MAX_PUSH_EVENTS} events "
   f"and {MAX_PUSH_BYTES} bytes once decompressed.")
ENROLL_BODY_DOC = _json_body_doc({
    "type": "object", "required": ["code", "device_id", "device_name", "app_version"],
    "properties": {"code": {"type": "string"}, "device_id": {"type": "string"},
                   "device_name": {"type": "string"}, "app_version": {"type": "string"},
                   "protocol": {"type": "integer", "const": 1}},
}, "EnrollRequest: the one-time code from `motcua-server admin enroll-code`.")


async def read_body(request: Request, limit: int) -> bytes:
    """The raw request body, at most `limit` bytes (413 beyond it)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise ServerError(400, "bad_request", "invalid Content-Length")
        if int(declared) > DRAIN_LIMIT:
            raise ServerError(413, "too_large", f"body over {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            if size > DRAIN_LIMIT:
                break
            continue
        chunks.append(chunk)
    if size > limit:
        raise ServerError(413, "too_large", f"body over {limit} bytes")
    return b"".join(chunks)


def decode_json(request: Request, raw: bytes, limit: int) -> Any:
    """Check Content-Type and Content-Encoding, inflate gzip within `limit`, parse JSON."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json":
        raise ServerError(400, "bad_request", "Content-Type must be application/json")
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding == "gzip":
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            data = inflater.decompress(raw, limit + 1)
        except zlib.error:
            raise ServerError(400, "bad_request", "the body is not valid gzip") from None
        if len(data) > limit or inflater.unconsumed_tail:
            raise ServerError(413, "too_large", f"decompressed body over {limit} bytes")
        if not inflater.eof:
            raise ServerError(400, "bad_request", "truncated gzip body")
        if inflater.unused_data:
            raise ServerError(400, "bad_request", "data after the end of the gzip stream")
    elif encoding in ("identity", ""):
        data = raw
    else:
        raise ServerError(400, "bad_request", f"unsupported Content-Encoding {encoding[:20]}")
    try:
        return json.loads(data)
    except (UnicodeDecodeError, ValueError):
        raise ServerError(400, "bad_request", "malformed JSON") from None


_bearer = HTTPBearer(auto_error=False, description="The device token given by /enroll.")


def _device(request: Request,
            credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
            ) -> DeviceAuth:
    """The device of the request's bearer token (401 "unauthorized" / "revoked")."""
    store: ServerStore = request.app.state.store
    auth = store.authenticate(credentials.credentials if credentials else None)
    request.app.state.device_limiter.check(auth.device_id)
    return auth


Authenticated = Annotated[DeviceAuth, Depends(_device)]


def _app_version() -> str:
    try:
        return metadata.version("motcua")
    except metadata.PackageNotFoundError:
        return "0"


def create_app(store: ServerStore, *, device_rate: Rate = DEVICE_RATE,
               enroll_rate: Rate = ENROLL_RATE) -> FastAPI:
    """The FastAPI application over an opened (migrated) store, with per-client rate limits."""
    app = FastAPI(
        title="motcua province server",
        version=_app_version(),
        description="Reference server of the motcua sync protocol (sync/protocol.py).",
        docs_url=None, redoc_url=None,  # no third-party assets; the schema is /openapi.json
    )
    app.state.store = store
    app.state.device_limiter = RateLimiter(device_rate)
    enroll_limiter = RateLimiter(enroll_rate)
    # Pull answers are repetitive JSON: compress them for weak links (requests inflates).
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)

    @app.exception_handler(ServerError)
    async def _server_error(_request: Request, exc: ServerError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
                           for e in list(exc.errors())[:3])
        return JSONResponse(error_body("bad_request", detail), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "bad_request")
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(DBAPIError)
    async def _database(_request: Request, exc: DBAPIError) -> JSONResponse:
        # The driver's message only: SQLAlchemy's own text would carry the statement's values.
        log.warning("database unavailable: %s: %s", type(exc.orig).__name__,
                    str(exc.orig).splitlines()[0] if str(exc.orig) else "")
        return JSONResponse(error_body("unavailable"), status_code=503,
                            headers={"Retry-After": "2"})

    @app.post(f"{API_PREFIX}/enroll", response_model=EnrollResponse, responses=ERRORS,
              openapi_extra=ENROLL_BODY_DOC, tags=["sync"])
    async def enroll(request: Request) -> JSONResponse:
        """Exchange a one-time enrollment code for a device token (no bearer token here)."""
        enroll_limiter.check(request.client.host if request.client else "?")
        obj = decode_json(request, await read_body(request, MAX_ENROLL_BYTES), MAX_ENROLL_BYTES)
        answer = await run_in_threadpool(store.enroll, obj)
        return JSONResponse(to_json(answer))

    @app.get(f"{API_PREFIX}/status", response_model=StatusResponse, responses=ERRORS,
             tags=["sync"])
    def status(auth: Authenticated) -> JSONResponse:
        """Server clock, epoch, the office's head and what the server holds of this device."""
        return JSONResponse(to_json(store.status(auth)))

    @app.post(f"{API_PREFIX}/push", response_model=PushResponse, responses=ERRORS,
              openapi_extra=PUSH_BODY_DOC, tags=["sync"])
    async def push(request: Request, auth: Authenticated) -> JSONResponse:
        """Store a batch of this device's events, all or nothing, idempotent by uid."""
        obj = decode_json(request, await read_body(request, MAX_PUSH_BYTES), MAX_PUSH_BYTES)
        if isinstance(obj, dict) and isinstance(obj.get("events"), list) \
                and len(obj["events"]) > MAX_PUSH_EVENTS:
            raise ServerError(413, "too_large", f"more than {MAX_PUSH_EVENTS} events")
        try:
            parsed = parse_push_request(obj)
        except ProtocolError as exc:
            if str(exc) == "unsupported_protocol":
                raise ServerError(400, "unsupported_protocol") from None
            raise ServerError(400, "bad_request", str(exc)[:300]) from None
        answer = await run_in_threadpool(store.push, auth, parsed)
        return JSONResponse(to_json(answer))

    @app.get(f"{API_PREFIX}/pull", response_model=PullResponse, responses=ERRORS,
             tags=["sync"])
    def pull(auth: Authenticated,
             cursor: Annotated[str | None, Query(max_length=300, description="The cursor of "
                                                 "the previous answer.")] = None,
             limit: Annotated[int, Query(ge=1, le=100_000)] = MAX_PULL_EVENTS // 2
             ) -> JSONResponse:
        """The office's events from other devices and agencies after the cursor."""
        return JSONResponse(to_json(store.pull(auth, cursor, limit)))

    @app.get(f"{API_PREFIX}/rules", response_model=RulesResponse, responses=ERRORS,
             tags=["sync"])
    def rules(auth: Authenticated,
              since: Annotated[str, Query(max_length=20)] = "0") -> JSONResponse:
        """Catalogues and calendar overrides published after `since`."""
        del auth  # publications are province-wide; the token is still required
        return JSONResponse(to_json(store.rules(since)))

    return app
