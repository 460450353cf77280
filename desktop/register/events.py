"""Event records: canonical JSON, the hybrid logical clock and each device's hash chain."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sync.protocol import EVENT_FIELDS, GENESIS_HASH, canonical_json, event_hash

__all__ = [
    "GENESIS_HASH",
    "ROW_COLUMNS",
    "EventRecord",
    "canonical_json",
    "new_uid",
    "next_hlc",
    "parse_utc",
    "seal",
    "utc_iso",
]

# The columns of the events table that a record fills, in the order of to_values().
ROW_COLUMNS = (*EVENT_FIELDS, "hash")
_PAYLOAD_AT = ROW_COLUMNS.index("payload")


def utc_iso(moment: datetime) -> str:
    """UTC instant as fixed-width ISO 8601 text, sortable as a string."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: instants must carry a time zone")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_utc(text: str) -> datetime:
    """Inverse of utc_iso (fromisoformat reads the trailing Z since Python 3.11)."""
    return datetime.fromisoformat(text)


def uuid7() -> str:
    """A time-ordered UUID (version 7, RFC 9562): 48-bit Unix milliseconds, then randomness.

    Ids made one after another sort together, so the unique indexes on ids grow at their end
    instead of at random pages: on a register of a million dossiers that keeps inserts from
    reading scattered pages from disk. Ordering never relies on these bits (the HLC does).
    """
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & ((1 << 48) - 1)) << 80 | 0x7 << 76 | (rand >> 68) << 64 \
        | 0b10 << 62 | (rand & ((1 << 62) - 1))
    return str(uuid.UUID(int=value))


# Replaceable for reproducible fixtures (tests/data/make_fixture_0001.py seeds it).
uid_factory: Callable[[], str] = uuid7


def new_uid() -> str:
    """A fresh id for an event, a dossier, a volume or an entry."""
    return uid_factory()


# --- hybrid logical clock ------------------------------------------------------------------
# Text form "<13-digit ms since epoch>.<5-digit counter>": fixed width, so string order is
# clock order. A device's clock never goes behind any HLC it has seen (its own or remote), so
# a PC clock that is days off cannot reorder history.


def format_hlc(millis: int, counter: int) -> str:
    return f"{millis:013d}.{counter:05d}"


def parse_hlc(text: str) -> tuple[int, int]:
    millis, counter = text.split(".")
    return int(millis), int(counter)


def next_hlc(last: str | None, now: datetime) -> str:
    """The next HLC after `last` given the wall clock `now`."""
    wall = int(now.timestamp() * 1000)
    if last is None:
        return format_hlc(wall, 0)
    last_ms, last_counter = parse_hlc(last)
    if wall > last_ms:
        return format_hlc(wall, 0)
    if last_counter >= 99_999:  # keep the fixed width: move the logical time on by 1 ms
        return format_hlc(last_ms + 1, 0)
    return format_hlc(last_ms, last_counter + 1)


# --- event records -------------------------------------------------------------------------


@dataclass(frozen=True)
class EventRecord:
    """An event as stored and as sent over the wire (plain data, no ORM)."""

    uid: str
    stream: str
    stream_type: str
    kind: str
    payload: dict[str, Any]
    actor: str
    channel: int | None
    occurred_at: str
    hlc: str
    device_id: str
    device_seq: int
    prev_hash: str
    hash: str = field(default="")

    def wire(self) -> dict[str, Any]:
        """The event as sent over the wire (sync.protocol): payload as an object."""
        out = {f: getattr(self, f) for f in EVENT_FIELDS}
        out["hash"] = self.hash
        return out

    def compute_hash(self) -> str:
        return event_hash({f: getattr(self, f) for f in EVENT_FIELDS})

    @classmethod
    def from_wire(cls, obj: dict[str, Any]) -> EventRecord:
        return cls(**{f: obj[f] for f in (*EVENT_FIELDS, "hash")})

    def order_key(self) -> tuple[str, str, str]:
        return (self.hlc, self.device_id, self.uid)

    def to_row(self) -> dict[str, Any]:
        return dict(zip(ROW_COLUMNS, self.to_values(), strict=True))

    def to_values(self) -> tuple[Any, ...]:
        """The row's values in ROW_COLUMNS order (the payload as canonical JSON text)."""
        return (self.uid, self.stream, self.stream_type, self.kind, canonical_json(self.payload),
                self.actor, self.channel, self.occurred_at, self.hlc, self.device_id,
                self.device_seq, self.prev_hash, self.hash)

    @classmethod
    def from_values(cls, values: Sequence[Any]) -> EventRecord:
        """Inverse of to_values: a raw row in ROW_COLUMNS order, the payload as JSON text."""
        fields = list(values[:len(ROW_COLUMNS)])
        fields[_PAYLOAD_AT] = json.loads(fields[_PAYLOAD_AT])
        return cls(*fields)

    @classmethod
    def from_row(cls, row: Any) -> EventRecord:
        return cls(
            uid=row.uid,
            stream=row.stream,
            stream_type=row.stream_type,
            kind=row.kind,
            payload=json.loads(row.payload),
            actor=row.actor,
            channel=row.channel,
            occurred_at=row.occurred_at,
            hlc=row.hlc,
            device_id=row.device_id,
            device_seq=row.device_seq,
            prev_hash=row.prev_hash,
            hash=row.hash,
        )


def seal(
    *,
    stream: str,
    stream_type: str,
    kind: str,
    payload: dict[str, Any],
    actor: str,
    channel: int | None,
    occurred_at: datetime,
    hlc: str,
    device_id: str,
    device_seq: int,
    prev_hash: str,
    uid: str | None = None,
) -> EventRecord:
    """Build an event and compute its chained hash."""
    fields: dict[str, Any] = {
        "uid": uid or new_uid(),
        "stream": stream,
        "stream_type": stream_type,
        "kind": kind,
        "payload": payload,
        "actor": actor,
        "channel": channel,
        "occurred_at": utc_iso(occurred_at),
        "hlc": hlc,
        "device_id": device_id,
        "device_seq": device_seq,
        "prev_hash": prev_hash,
    }
    return EventRecord(**fields, hash=event_hash(fields))
