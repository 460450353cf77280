"""The sync wire format (version 1), shared by the desktop client and the province server.

Everything here is plain Python and JSON: no HTTP library, no database, no desktop import.

Endpoints (all under /api/v1, JSON; the push body is gzip-compressed):

- POST /enroll            EnrollRequest → EnrollResponse (no token; a one-time code instead)
- GET  /status            → StatusResponse (cheap: reachability, server clock, what the
                            server holds of this device's chain)
- POST /push              PushRequest (gzip) → PushResponse; idempotent by event uid
- GET  /pull?cursor=&limit= → PullResponse; the cursor is the server's, opaque to clients
- GET  /rules?since=      → RulesResponse (catalogue and calendar publications)

Every request but /enroll carries `Authorization: Bearer <device token>`. Errors answer with
an HTTP status and `{"error": {"code": ..., "message_vi": ..., "message_en": ...}}`;
429 and 503 may carry Retry-After (seconds).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

PROTOCOL_VERSION = 1
API_PREFIX = "/api/v1"
MAX_PUSH_EVENTS = 500  # per request; clients send smaller batches
MAX_PUSH_BYTES = 4 * 1024 * 1024  # decompressed body
MAX_PULL_EVENTS = 1000

# The fields of an event, in the order they are hashed. `hash` covers all of them, and
# `prev_hash` is the hash of the same device's previous event (a chain per device).
EVENT_FIELDS = ("uid", "stream", "stream_type", "kind", "payload", "actor", "channel",
                "occurred_at", "hlc", "device_id", "device_seq", "prev_hash")
GENESIS_HASH = "0" * 64

ERROR_CODES = {
    "bad_request": ("Yêu cầu không hợp lệ.", "Bad request."),
    "unauthorized": ("Máy chưa được cấp quyền hoặc mã xác thực sai.",
                     "The device is not enrolled or its token is wrong."),
    "revoked": ("Máy này đã bị thu hồi quyền đồng bộ.", "This device's access was revoked."),
    "forbidden": ("Không được truy cập dữ liệu của cơ quan khác.",
                  "Access to another office's data is forbidden."),
    "enroll_code_invalid": ("Mã đăng ký máy không đúng, đã dùng hoặc đã hết hạn.",
                            "The enrollment code is wrong, used or expired."),
    "unsupported_protocol": ("Phiên bản giao thức đồng bộ không được hỗ trợ; hãy cập nhật motcua.",
                             "Unsupported sync protocol version; update motcua."),
    "too_large": ("Gói dữ liệu quá lớn.", "Payload too large."),
    "rate_limited": ("Máy chủ đang bận, sẽ thử lại sau.", "Server busy; will retry."),
    "unavailable": ("Máy chủ tạm thời không phục vụ được.", "Server temporarily unavailable."),
    "conflict": ("Dữ liệu mâu thuẫn với dữ liệu đã có trên máy chủ.",
                 "The data conflicts with what the server holds."),
}


class ProtocolError(ValueError):
    """A message that does not follow this wire format."""


_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, non-ASCII text kept as is."""
    return _CANONICAL.encode(value)  # one encoder: json.dumps would build one per call


def event_hash(event: Mapping[str, Any]) -> str:
    """SHA-256 over the hashed fields of an event (payload as an object, not text)."""
    content = canonical_json([event[f] for f in EVENT_FIELDS])
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def validate_event(obj: Any) -> dict[str, Any]:
    """Check one wire event's shape and hash; returns it as a plain dict."""
    if not isinstance(obj, dict):
        raise ProtocolError("event is not an object")
    missing = [f for f in (*EVENT_FIELDS, "hash") if f not in obj]
    if missing:
        raise ProtocolError(f"event lacks {', '.join(missing)}")
    for name in ("uid", "stream", "stream_type", "kind", "actor", "occurred_at", "hlc",
                 "device_id", "prev_hash", "hash"):
        if not isinstance(obj[name], str) or not obj[name] or len(obj[name]) > 200:
            raise ProtocolError(f"event field {name} must be a short non-empty string")
    if obj["stream_type"] not in ("dossier", "volume"):
        raise ProtocolError("stream_type must be dossier or volume")
    if not isinstance(obj["payload"], dict):
        raise ProtocolError("payload must be an object")
    if obj["channel"] is not None and obj["channel"] not in (1, 2, 3):
        raise ProtocolError("channel must be 1, 2, 3 or null")
    if not isinstance(obj["device_seq"], int) or obj["device_seq"] < 1:
        raise ProtocolError("device_seq must be a positive integer")
    if event_hash(obj) != obj["hash"]:
        raise ProtocolError(f"event {obj['uid']} fails its hash")
    return {f: obj[f] for f in (*EVENT_FIELDS, "hash")}


@dataclass(frozen=True)
class EnrollRequest:
    code: str
    device_id: str
    device_name: str
    app_version: str
    protocol: int = PROTOCOL_VERSION
    # A random secret the client keeps (in its keyring) until it holds a token. Sent again with
    # the same code, it lets the server answer a second time when the first answer was lost on
    # the way; without it a used code is refused. Optional: older clients do not send it.
    retry_key: str = ""


@dataclass(frozen=True)
class OfficeDescriptor:
    office_id: str
    province_code: int
    commune_code: int
    agency_id: str
    name: str


@dataclass(frozen=True)
class EnrollResponse:
    token: str  # shown once; the server keeps only its hash
    device_id: str
    device_slot: int  # 1..9, fixes the device's dossier-code and volume number space
    office: OfficeDescriptor
    server_time: str  # UTC ISO 8601


@dataclass(frozen=True)
class StatusResponse:
    server_time: str
    protocol: int
    office_id: str
    device_id: str
    device_head: int  # highest device_seq held contiguously for this device (0 = none)
    epoch: str  # changes when the server's store is replaced (restore from backup)
    head: int  # newest cursor position for this office


@dataclass(frozen=True)
class PushRequest:
    device_id: str
    events: list[dict[str, Any]]
    protocol: int = PROTOCOL_VERSION


@dataclass(frozen=True)
class Rejected:
    uid: str
    code: str
    message: str


@dataclass(frozen=True)
class PushResponse:
    accepted: list[str]  # stored now
    duplicates: list[str]  # already stored before: acknowledged all the same
    rejected: list[Rejected]
    device_head: int
    server_time: str


@dataclass(frozen=True)
class PullResponse:
    events: list[dict[str, Any]]  # other devices' and agencies' events of this office
    cursor: str  # pass back unchanged; save it only after the batch is committed
    more: bool
    epoch: str
    head: int
    server_time: str


@dataclass(frozen=True)
class RulesResponse:
    catalogues: list[dict[str, Any]] = field(default_factory=list)  # catalogue JSON objects
    calendars: list[dict[str, Any]] = field(default_factory=list)  # {"date","kind","reason","source"}
    since: str = "0"


def to_json(message: Any) -> dict[str, Any]:
    """A protocol dataclass as a JSON-ready dict."""
    return asdict(message)


def _require(obj: Any, cls: type, fields: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise ProtocolError(f"{cls.__name__} is not an object")
    missing = [f for f in fields if f not in obj]
    if missing:
        raise ProtocolError(f"{cls.__name__} lacks {', '.join(missing)}")
    return obj


def parse_push_request(obj: Any) -> PushRequest:
    obj = _require(obj, PushRequest, ("device_id", "events"))
    if obj.get("protocol", PROTOCOL_VERSION) != PROTOCOL_VERSION:
        raise ProtocolError("unsupported_protocol")
    if not isinstance(obj["events"], list) or len(obj["events"]) > MAX_PUSH_EVENTS:
        raise ProtocolError(f"events must be a list of at most {MAX_PUSH_EVENTS}")
    return PushRequest(str(obj["device_id"]), [validate_event(e) for e in obj["events"]])


def parse_push_response(obj: Any) -> PushResponse:
    obj = _require(obj, PushResponse, ("accepted", "duplicates", "rejected", "device_head",
                                       "server_time"))
    return PushResponse(list(obj["accepted"]), list(obj["duplicates"]),
                        [Rejected(**r) for r in obj["rejected"]], int(obj["device_head"]),
                        str(obj["server_time"]))


def parse_pull_response(obj: Any) -> PullResponse:
    obj = _require(obj, PullResponse, ("events", "cursor", "more", "epoch", "head",
                                       "server_time"))
    return PullResponse([validate_event(e) for e in obj["events"]], str(obj["cursor"]),
                        bool(obj["more"]), str(obj["epoch"]), int(obj["head"]),
                        str(obj["server_time"]))


def parse_status_response(obj: Any) -> StatusResponse:
    obj = _require(obj, StatusResponse, ("server_time", "protocol", "office_id", "device_id",
                                         "device_head", "epoch", "head"))
    return StatusResponse(str(obj["server_time"]), int(obj["protocol"]), str(obj["office_id"]),
                          str(obj["device_id"]), int(obj["device_head"]), str(obj["epoch"]),
                          int(obj["head"]))


def parse_enroll_response(obj: Any) -> EnrollResponse:
    obj = _require(obj, EnrollResponse, ("token", "device_id", "device_slot", "office",
                                         "server_time"))
    office = _require(obj["office"], OfficeDescriptor, ("office_id", "province_code",
                                                        "commune_code", "agency_id", "name"))
    return EnrollResponse(str(obj["token"]), str(obj["device_id"]), int(obj["device_slot"]),
                          OfficeDescriptor(**office), str(obj["server_time"]))


def parse_rules_response(obj: Any) -> RulesResponse:
    obj = _require(obj, RulesResponse, ("catalogues", "calendars", "since"))
    return RulesResponse(list(obj["catalogues"]), list(obj["calendars"]), str(obj["since"]))


def error_body(code: str, detail: str = "") -> dict[str, Any]:
    vi, en = ERROR_CODES.get(code, ERROR_CODES["bad_request"])
    if detail:
        vi, en = f"{vi} ({detail})", f"{en} ({detail})"
    return {"error": {"code": code, "message_vi": vi, "message_en": en}}
