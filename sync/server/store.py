"""Every operation on the server's data: the HTTP API and the admin commands both call these.

Writes that touch an office's events run under that office's row lock (PostgreSQL) or the
database write lock (SQLite, BEGIN IMMEDIATE), so an office's `seq` numbers are committed in
increasing order and a pull never steps over an event that commits later.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync import protocol
from sync.lifecycle import AGENCY_KINDS, OPENING_KINDS, OUTCOMES, Kind, current_due
from sync.protocol import (
    EVENT_FIELDS,
    GENESIS_HASH,
    MAX_PULL_EVENTS,
    EnrollResponse,
    OfficeDescriptor,
    PullResponse,
    PushRequest,
    PushResponse,
    Rejected,
    RulesResponse,
    StatusResponse,
    canonical_json,
    event_hash,
)
from sync.server.db import read_epoch, read_session, write_session
from sync.server.errors import AdminError, ServerError
from sync.server.models import Device, EnrollCode, Event, Office, Publication, Stream

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

DEVICE_SLOTS = range(1, 10)  # the device part of dossier codes is one digit
AGENCY_DEVICE_PREFIX = "agency:"
DEVICE_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
AGENCY_ID_RE = re.compile(r"^[A-Z0-9]+(\.[A-Z0-9]+)*$")
# Enrollment codes are typed by a person: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
CHUNK = 500  # bound on the number of values in one IN (...) list

_EVENT_COLUMNS = tuple(getattr(Event, f) for f in (*EVENT_FIELDS, "hash"))


def utc_iso(moment: datetime) -> str:
    """UTC instant as fixed-width ISO 8601 text (the register's format), sortable as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def system_clock() -> datetime:
    return datetime.now(UTC)


def secret_hash(secret: str) -> str:
    """SHA-256 of a token or enrollment code: all the server ever keeps of either."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _same_retry(code: EnrollCode, device_id: str, retry_key: str) -> bool:
    """A used code asked again by the device that used it, with the key it sent first."""
    return bool(code.used_by == device_id and code.retry_hash and retry_key
                and hmac.compare_digest(code.retry_hash, secret_hash(retry_key)))


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code).upper()


def next_hlc(last: str | None, now: datetime) -> str:
    """The register's hybrid logical clock ("<13-digit ms>.<5-digit counter>") after `last`."""
    wall = int(now.timestamp() * 1000)
    if last is None:
        return f"{wall:013d}.{0:05d}"
    last_ms, last_counter = (int(part) for part in last.split("."))
    if wall > last_ms:
        return f"{wall:013d}.{0:05d}"
    if last_counter >= 99_999:
        return f"{last_ms + 1:013d}.{0:05d}"
    return f"{last_ms:013d}.{last_counter + 1:05d}"


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), CHUNK):
        yield values[i:i + CHUNK]


@dataclass(frozen=True)
class DeviceAuth:
    """The device a request's bearer token belongs to."""

    device_id: str
    office_id: str


@dataclass(frozen=True)
class OfficeRow:
    office_id: str
    province_code: int
    commune_code: int
    agency_id: str
    name: str

    def descriptor(self) -> OfficeDescriptor:
        return OfficeDescriptor(self.office_id, self.province_code, self.commune_code,
                                self.agency_id, self.name)


@dataclass(frozen=True)
class DeviceRow:
    device_id: str
    office_id: str
    slot: int
    name: str
    enrolled_at: str
    revoked_at: str | None
    head_seq: int


def _office_row(o: Office) -> OfficeRow:
    return OfficeRow(o.id, o.province_code, o.commune_code, o.agency_id, o.name)


class ServerStore:
    """The server's data, on one engine (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine, clock: Clock = system_clock):
        self.engine = engine
        self.clock = clock
        self.epoch = read_epoch(engine)

    def now(self) -> str:
        return utc_iso(self.clock())

    # --- admin: offices, codes, devices ------------------------------------------------------

    def add_office(self, province_code: int, commune_code: int, agency_id: str = "",
                   name: str | None = None) -> OfficeRow:
        """Create a commune office; codes are checked against the official 34 / 3,321 list."""
        import vietnam_provinces as vp

        provinces = {int(p.code): p.name for p in vp.Province.iter_all()}
        if province_code not in provinces:
            raise AdminError(f"Province code {province_code} is not one of the 34 provinces.")
        ward = next((w for w in vp.Ward.iter_all() if int(w.code) == commune_code), None)
        if ward is None:
            raise AdminError(f"Commune code {commune_code} is not a known commune.")
        if int(ward.province_code) != province_code:
            raise AdminError(f"{ward.name} ({commune_code}) is not in "
                             f"{provinces[province_code]} ({province_code}).")
        agency_id = (agency_id or "").strip().upper()
        if agency_id and (len(agency_id) > 35 or not AGENCY_ID_RE.match(agency_id)):
            raise AdminError("The agency electronic id has at most 35 characters A-Z, 0-9 "
                             "separated by dots (e.g. 000.00.01.H29).")
        if not name:
            name = f"Bộ phận một cửa {ward.name[0].lower()}{ward.name[1:]}"
        name = name.strip()[:200]
        with write_session(self.engine) as s:
            taken = set(s.scalars(select(Office.id).where(Office.commune_code == commune_code)))
            base = f"{commune_code:05d}"
            office_id = base
            n = 1
            while office_id in taken:
                n += 1
                office_id = f"{base}-{n}"
            office = Office(id=office_id, province_code=province_code, commune_code=commune_code,
                            agency_id=agency_id, name=name, created_at=self.now())
            s.add(office)
            row = _office_row(office)
        log.info("office %s created (%s)", row.office_id, row.name)
        return row

    def offices(self) -> list[OfficeRow]:
        with read_session(self.engine) as s:
            return [_office_row(o) for o in s.scalars(select(Office).order_by(Office.id))]

    def devices(self, office_id: str | None = None) -> list[DeviceRow]:
        query = select(Device).order_by(Device.office_id, Device.slot)
        if office_id:
            query = query.where(Device.office_id == office_id)
        with read_session(self.engine) as s:
            return [DeviceRow(d.id, d.office_id, d.slot, d.name, d.enrolled_at, d.revoked_at,
                              d.head_seq) for d in s.scalars(query)]

    def make_enroll_code(self, office_id: str, ttl_hours: float = 72) -> tuple[str, str]:
        """A one-time enrollment code for the office; returns (code, expires_at)."""
        if not 0 < ttl_hours <= 24 * 90:
            raise AdminError("--ttl-hours must be more than 0 and at most 2160 (90 days).")
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        code = "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))
        now = self.clock()
        expires = utc_iso(now + timedelta(hours=ttl_hours))
        with write_session(self.engine) as s:
            if s.get(Office, office_id) is None:
                raise AdminError(f"No office {office_id}.")
            s.add(EnrollCode(code_hash=secret_hash(raw), office_id=office_id,
                             created_at=utc_iso(now), expires_at=expires))
        log.info("enrollment code made for office %s, expires %s", office_id, expires)
        return code, expires

    def revoke(self, device_id: str) -> DeviceRow:
        with write_session(self.engine) as s:
            device = s.get(Device, device_id)
            if device is None:
                raise AdminError(f"No device {device_id}.")
            if device.revoked_at is None:
                device.revoked_at = self.now()
            row = DeviceRow(device.id, device.office_id, device.slot, device.name,
                            device.enrolled_at, device.revoked_at, device.head_seq)
        log.info("device %s revoked", device_id)
        return row

    # --- API: enrollment and authentication ---------------------------------------------------

    def enroll(self, obj: Any) -> EnrollResponse:
        """Exchange a one-time code for a device token (shown once; only its hash is kept)."""
        if not isinstance(obj, dict):
            raise ServerError(400, "bad_request", "EnrollRequest is not an object")
        if obj.get("protocol", protocol.PROTOCOL_VERSION) != protocol.PROTOCOL_VERSION:
            raise ServerError(400, "unsupported_protocol")
        fields = {}
        for name, limit in (("code", 64), ("device_id", 64), ("device_name", 200),
                            ("app_version", 64)):
            value = obj.get(name)
            if not isinstance(value, str) or len(value) > limit:
                raise ServerError(400, "bad_request", f"{name} must be a string of at most "
                                                      f"{limit} characters")
            fields[name] = value
        device_id = fields["device_id"]
        if not DEVICE_ID_RE.match(device_id):
            raise ServerError(400, "bad_request", "device_id must be 1-64 characters "
                                                  "A-Z a-z 0-9 . _ -")
        retry_key = obj.get("retry_key", "")
        if not isinstance(retry_key, str) or len(retry_key) > 128:
            raise ServerError(400, "bad_request", "retry_key must be a string of at most 128 "
                                                  "characters")
        token = secrets.token_urlsafe(32)
        now = self.now()
        with write_session(self.engine) as s:
            code = s.get(EnrollCode, secret_hash(normalise_code(fields["code"])),
                         with_for_update=True)
            if code is None or code.expires_at <= now or (
                    code.used_at is not None and not _same_retry(code, device_id, retry_key)):
                raise ServerError(400, "enroll_code_invalid")
            office = s.get(Office, code.office_id)
            assert office is not None
            device = s.get(Device, device_id, with_for_update=True)
            if device is not None:
                if device.office_id != office.id:
                    raise ServerError(409, "conflict", "the device is enrolled in another office")
                if device.revoked_at is not None:
                    raise ServerError(401, "revoked")
                # The same PC enrolling again (token lost): same slot, the old token stops working.
                device.token_hash = secret_hash(token)
                device.name = fields["device_name"]
                device.app_version = fields["app_version"]
            else:
                # A slot is never given twice in an office, even after a revocation: the dossier
                # codes numbered under it stay unique.
                used = set(s.scalars(select(Device.slot).where(Device.office_id == office.id)))
                free = [n for n in DEVICE_SLOTS if n not in used]
                if not free:
                    raise ServerError(409, "conflict", "the office has no free device slot (9)")
                device = Device(id=device_id, office_id=office.id, slot=free[0],
                                name=fields["device_name"], app_version=fields["app_version"],
                                token_hash=secret_hash(token), enrolled_at=now, head_seq=0)
                s.add(device)
            if code.used_at is None:
                code.used_at = now
                code.used_by = device_id
                code.retry_hash = secret_hash(retry_key) if retry_key else None
            s.flush()
            response = EnrollResponse(token=token, device_id=device.id, device_slot=device.slot,
                                      office=_office_row(office).descriptor(), server_time=now)
        log.info("device %s enrolled in office %s (slot %d)", device_id, office.id,
                 response.device_slot)
        return response

    def authenticate(self, token: str | None) -> DeviceAuth:
        """The device of a bearer token; 401 "unauthorized" or "revoked" otherwise."""
        if not token or len(token) > 200:
            raise ServerError(401, "unauthorized", headers={"WWW-Authenticate": "Bearer"})
        digest = secret_hash(token)
        with read_session(self.engine) as s:
            row = s.execute(select(Device.id, Device.office_id, Device.token_hash,
                                   Device.revoked_at).where(Device.token_hash == digest)).first()
        if row is None or not hmac.compare_digest(row.token_hash, digest):
            raise ServerError(401, "unauthorized", headers={"WWW-Authenticate": "Bearer"})
        if row.revoked_at is not None:
            raise ServerError(401, "revoked")
        return DeviceAuth(row.id, row.office_id)

    # --- API: status --------------------------------------------------------------------------

    def status(self, auth: DeviceAuth) -> StatusResponse:
        with read_session(self.engine) as s:
            device_head = s.scalar(select(Device.head_seq).where(Device.id == auth.device_id))
            head = self._head(s, auth.office_id)[0]
        return StatusResponse(server_time=self.now(), protocol=protocol.PROTOCOL_VERSION,
                              office_id=auth.office_id, device_id=auth.device_id,
                              device_head=int(device_head or 0), epoch=self.epoch, head=head)

    @staticmethod
    def _head(s: Session, office_id: str) -> tuple[int, str]:
        row = s.execute(select(Event.seq, Event.hash).where(Event.office_id == office_id)
                        .order_by(Event.seq.desc()).limit(1)).first()
        return (int(row.seq), row.hash) if row else (0, "")

    # --- API: push ----------------------------------------------------------------------------

    def push(self, auth: DeviceAuth, request: PushRequest) -> PushResponse:
        """Store a batch in one transaction; idempotent by uid."""
        if request.device_id != auth.device_id:
            raise ServerError(403, "forbidden", "device_id is not the token's device")
        for e in request.events:
            _check_storable(e)
        for attempt in range(3):
            try:
                return self._push_once(auth, request.events)
            except IntegrityError:
                # Two requests raced on the same rows (a client retrying while its first try
                # is still being written): the next attempt sees them as duplicates.
                log.info("push of device %s raced another write (try %d)", auth.device_id,
                         attempt + 1)
        raise ServerError(503, "unavailable", "concurrent writes", headers={"Retry-After": "1"})

    def _push_once(self, auth: DeviceAuth, events: list[dict[str, Any]]) -> PushResponse:
        me, office_id = auth.device_id, auth.office_id
        accepted: list[str] = []
        duplicates: list[str] = []
        rejected: list[Rejected] = []
        now = self.now()
        with write_session(self.engine) as s:
            s.execute(select(Office.id).where(Office.id == office_id).with_for_update())
            device = s.get(Device, me, with_for_update=True)
            if device is None or device.revoked_at is not None:
                raise ServerError(401, "revoked")
            uids = list({e["uid"] for e in events})
            stored: dict[str, str] = {}
            for part in _chunks(uids):
                stored.update(s.execute(select(Event.uid, Event.hash)
                                        .where(Event.uid.in_(part))).tuples().all())
            stream_ids = list({e["stream"] for e in events})
            owners: dict[str, str] = {}
            for part in _chunks(stream_ids):
                owners.update(s.execute(select(Stream.id, Stream.office_id)
                                        .where(Stream.id.in_(part))).tuples().all())
            # The device's stored events at, just before and just after each pushed one.
            wanted = sorted({e["device_seq"] + d for e in events if e["device_id"] == me
                             for d in (-1, 0, 1)} - {0})
            chain: dict[int, tuple[str, str, str]] = {}  # device_seq -> (uid, hash, prev_hash)
            for part in _chunks(wanted):
                for seq_, uid_, hash_, prev_ in s.execute(
                        select(Event.device_seq, Event.uid, Event.hash, Event.prev_hash)
                        .where(Event.device_id == me, Event.device_seq.in_(part))):
                    chain[int(seq_)] = (uid_, hash_, prev_)
            new_streams: dict[str, str] = {}
            rows: list[dict[str, Any]] = []
            seen: dict[str, str] = {}

            def reject(e: dict[str, Any], code: str, message: str) -> None:
                rejected.append(Rejected(e["uid"], code, message))

            # Device order, so that each event's predecessor is judged before it.
            for e in sorted(events, key=lambda e: (e["device_id"] != me, e["device_seq"])):
                uid = e["uid"]
                if e["device_id"] != me:
                    reject(e, "forbidden", "the event belongs to another device")
                    continue
                known = stored.get(uid) or seen.get(uid)
                if known is not None:
                    if known == e["hash"]:
                        duplicates.append(uid)
                    else:
                        reject(e, "conflict", "another event with this uid is stored")
                    continue
                owner = owners.get(e["stream"]) or (office_id if e["stream"] in new_streams
                                                    else None)
                if owner is not None and owner != office_id:
                    reject(e, "forbidden", "the stream belongs to another office")
                    continue
                n = e["device_seq"]
                if n in chain:
                    reject(e, "conflict", f"device_seq {n} is already used by another event")
                    continue
                before = chain.get(n - 1)
                if n == 1 and e["prev_hash"] != GENESIS_HASH:
                    reject(e, "conflict", "the first event of a device must start the chain")
                    continue
                if before is not None and before[1] != e["prev_hash"]:
                    reject(e, "conflict", "prev_hash does not match the device's previous event")
                    continue
                after = chain.get(n + 1)
                if after is not None and after[2] != e["hash"]:
                    reject(e, "conflict", "the device's next stored event does not chain to it")
                    continue
                if owner is None:
                    new_streams[e["stream"]] = e["stream_type"]
                row = dict(e)
                row["payload"] = canonical_json(e["payload"])
                row["office_id"] = office_id
                row["received_at"] = now
                rows.append(row)
                chain[n] = (uid, e["hash"], e["prev_hash"])
                seen[uid] = e["hash"]
                accepted.append(uid)
            if new_streams:
                s.connection().execute(insert(Stream), [
                    {"id": k, "office_id": office_id, "stream_type": v}
                    for k, v in new_streams.items()])
            if rows:
                s.connection().execute(insert(Event), rows)
                device.head_seq = self._contiguous_head(s, me, device.head_seq)
                device.last_push_at = now
            head = device.head_seq
        if rejected:
            log.warning("push of device %s: %d accepted, %d duplicates, %d rejected (%s)", me,
                        len(accepted), len(duplicates), len(rejected),
                        ", ".join(sorted({r.code for r in rejected})))
        return PushResponse(accepted=accepted, duplicates=duplicates, rejected=rejected,
                            device_head=head, server_time=now)

    @staticmethod
    def _contiguous_head(s: Session, device_id: str, head: int) -> int:
        while True:
            later = list(s.scalars(select(Event.device_seq).where(
                Event.device_id == device_id, Event.device_seq > head)
                .order_by(Event.device_seq).limit(5000)))
            for n in later:
                if n != head + 1:
                    return head
                head = n
            if len(later) < 5000:
                return head

    # --- API: pull ----------------------------------------------------------------------------

    def _cursor(self, seq: int, event_hash_: str) -> str:
        return f"{self.epoch}:{seq}:{event_hash_[:12]}" if seq else f"{self.epoch}:0"

    def _cursor_position(self, s: Session, cursor: str | None, office_id: str) -> int:
        """Where a cursor points; 0 when it comes from another history (epoch or restore)."""
        if not cursor:
            return 0
        parts = cursor.split(":")
        if len(parts) not in (2, 3) or not parts[1].isdigit() or len(parts[1]) > 18:
            raise ServerError(400, "bad_request", "malformed cursor")
        epoch, seq = parts[0], int(parts[1])
        if epoch != self.epoch:
            log.info("cursor of epoch %s, server epoch %s: pulling from the start", epoch,
                     self.epoch)
            return 0
        if seq == 0:
            return 0
        row = s.execute(select(Event.office_id, Event.hash).where(Event.seq == seq)).first()
        if row is None or row.office_id != office_id or len(parts) != 3 \
                or not row.hash.startswith(parts[2]) or not parts[2]:
            # The event the cursor was made at is not here (or not the same): this store is
            # not the history the client pulled from, e.g. a restored backup.
            log.info("cursor %s does not match this store: pulling from the start", seq)
            return 0
        return seq

    def pull(self, auth: DeviceAuth, cursor: str | None, limit: int) -> PullResponse:
        """Other devices' and agencies' events of the office after `cursor`, in `seq` order."""
        limit = max(1, min(int(limit), MAX_PULL_EVENTS))
        with read_session(self.engine) as s:
            # The head is read first: every event of the office at or below it is committed
            # (office writes are serialised), so the cursor can move to it safely.
            head, head_hash = self._head(s, auth.office_id)
            after = self._cursor_position(s, cursor, auth.office_id)
            rows = s.execute(select(Event.seq, *_EVENT_COLUMNS).where(
                Event.office_id == auth.office_id, Event.seq > after, Event.seq <= head,
                Event.device_id != auth.device_id).order_by(Event.seq).limit(limit + 1)).all()
        more = len(rows) > limit
        rows = rows[:limit]
        events = []
        for r in rows:
            e = {f: getattr(r, f) for f in (*EVENT_FIELDS, "hash")}
            e["payload"] = json.loads(e["payload"])
            events.append(e)
        if more:
            position, position_hash = int(rows[-1].seq), rows[-1].hash
        else:
            position, position_hash = head, head_hash
        return PullResponse(events=events, cursor=self._cursor(position, position_hash),
                            more=more, epoch=self.epoch, head=head, server_time=self.now())

    # --- publications -------------------------------------------------------------------------

    def publish(self, kind: str, document: Any) -> tuple[int, str]:
        """Publish a catalogue or calendar document; returns (sequence, version)."""
        if kind == "catalogue":
            version = _check_catalogue(document)
        elif kind == "calendar":
            version = _check_calendar(document)
        else:
            raise AdminError(f"Unknown publication kind {kind}.")
        body = canonical_json(document)
        with write_session(self.engine) as s:
            pub = Publication(kind=kind, version=version, body=body,
                              sha256=hashlib.sha256(body.encode("utf-8")).hexdigest(),
                              published_at=self.now())
            s.add(pub)
            s.flush()
            seq = int(pub.seq)
        log.info("%s %s published as %d", kind, version, seq)
        return seq, version

    def rules(self, since: str | None) -> RulesResponse:
        text = since or "0"
        if not text.isdigit() or len(text) > 18:
            raise ServerError(400, "bad_request", "since must be a number")
        after = int(text)
        with read_session(self.engine) as s:
            last = int(s.scalar(select(func.max(Publication.seq))) or 0)
            if after > last:  # a server restored from an older backup: send everything
                after = 0
            pubs = s.execute(select(Publication.kind, Publication.body)
                             .where(Publication.seq > after).order_by(Publication.seq)).all()
        catalogues: list[dict[str, Any]] = []
        calendars: list[dict[str, Any]] = []
        for kind, body in pubs:
            doc = json.loads(body)
            if kind == "catalogue":
                catalogues.append(doc)
            else:
                calendars.extend({k: o.get(k, "") for k in ("date", "kind", "reason", "source")}
                                 for o in doc["overrides"])
        return RulesResponse(catalogues=catalogues, calendars=calendars, since=str(last))

    # --- agency events ------------------------------------------------------------------------

    def agency_event(self, dossier: str, office_id: str, kind: str, unit: str, *,
                     outcome: str | None = None, note: str = "",
                     to_unit: str | None = None) -> dict[str, Any]:
        """Append an agency's event to a transferred dossier, from the office's agency device.

        The event is sealed like a device's: it chains to the previous event of the pseudo
        device "agency:<office_id>", and its HLC is later than every event of the dossier.
        """
        if kind not in AGENCY_KINDS:
            raise AdminError(f"--kind must be one of {', '.join(AGENCY_KINDS)}.")
        unit = (unit or "").strip()
        if not unit or len(unit) > 200:
            raise AdminError("--unit (the agency that sends the update) is required, "
                             "at most 200 characters.")
        note = (note or "").strip()
        if len(note) > 1000:
            raise AdminError("--note is at most 1000 characters.")
        if AGENCY_KINDS[kind] == Kind.PROCESSED and outcome not in OUTCOMES:
            raise AdminError("--outcome approved|rejected is required for --kind processed.")
        device_id = f"{AGENCY_DEVICE_PREFIX}{office_id}"
        with write_session(self.engine) as s:
            office = s.execute(select(Office).where(Office.id == office_id)
                               .with_for_update()).scalar()
            if office is None:
                raise AdminError(f"No office {office_id}.")
            stream = self._find_dossier(s, dossier, office_id)
            history = s.execute(select(Event.kind, Event.payload, Event.hlc, Event.channel)
                                .where(Event.stream == stream)
                                .order_by(Event.hlc, Event.device_id, Event.uid)).all()
            last = s.execute(select(Event.device_seq, Event.hash, Event.hlc)
                             .where(Event.device_id == device_id)
                             .order_by(Event.device_seq.desc()).limit(1)).first()
            latest = max([h.hlc for h in history] + ([last.hlc] if last else []))
            channel = next((h.channel for h in history
                            if h.kind in OPENING_KINDS), None)
            if AGENCY_KINDS[kind] == Kind.HANDED_OVER:
                due = current_due((h.kind, json.loads(h.payload)) for h in history)
                payload: dict[str, Any] = {
                    "from_unit": unit, "to_unit": (to_unit or office.name).strip()[:200],
                    "agency": True, "note": note, "due_at": due}
            else:
                payload = {"outcome": outcome, "note": note, "unit": unit}
            now = self.clock()
            event: dict[str, Any] = {
                "uid": str(uuid.uuid4()), "stream": stream, "stream_type": "dossier",
                "kind": AGENCY_KINDS[kind], "payload": payload, "actor": unit,
                "channel": channel, "occurred_at": utc_iso(now), "hlc": next_hlc(latest, now),
                "device_id": device_id, "device_seq": int(last.device_seq) + 1 if last else 1,
                "prev_hash": last.hash if last else GENESIS_HASH,
            }
            event["hash"] = event_hash(event)
            protocol.validate_event(event)
            row = dict(event, payload=canonical_json(payload), office_id=office_id,
                       received_at=utc_iso(now))
            s.execute(insert(Event), [row])
        log.info("agency event %s (%s) on dossier %s of office %s", event["uid"], kind, stream,
                 office_id)
        return event

    @staticmethod
    def _find_dossier(s: Session, ref: str, office_id: str) -> str:
        """A dossier stream of the office by uid, or by its dossier code."""
        stream = s.get(Stream, ref)
        if stream is None:
            # By code: the code is in the payload of the receipt (or online registration).
            for uid_, payload in s.execute(
                    select(Event.stream, Event.payload).where(
                        Event.office_id == office_id,
                        Event.kind.in_(sorted(OPENING_KINDS)),
                        Event.payload.contains(json.dumps(ref, ensure_ascii=False)))):
                if json.loads(payload).get("code") == ref:
                    stream = s.get(Stream, uid_)
                    break
        if stream is None:
            raise AdminError(f"No dossier {ref} on the server (has the office synced it?).")
        if stream.office_id != office_id:
            raise AdminError(f"Dossier {ref} belongs to another office.")
        if stream.stream_type != "dossier":
            raise AdminError(f"{ref} is not a dossier.")
        return stream.id


MAX_DEVICE_SEQ = 2**62


def _check_storable(event: dict[str, Any]) -> None:
    """What protocol.validate_event lets through but no database column would take."""
    if event["device_seq"] > MAX_DEVICE_SEQ or isinstance(event["device_seq"], bool):
        raise ServerError(400, "bad_request", f"event {event['uid'][:64]}: device_seq too large")
    if isinstance(event["channel"], bool):
        raise ServerError(400, "bad_request", "channel must be 1, 2, 3 or null")
    for name in ("uid", "stream", "stream_type", "kind", "actor", "occurred_at", "hlc",
                 "device_id", "prev_hash", "hash"):
        if "\x00" in event[name]:
            raise ServerError(400, "bad_request", f"event field {name} contains NUL")


def _check_catalogue(doc: Any) -> str:
    if not isinstance(doc, dict):
        raise AdminError("A catalogue is a JSON object.")
    if not isinstance(doc.get("format"), int):
        raise AdminError("The catalogue has no integer `format`.")
    version = doc.get("version")
    if not isinstance(version, str) or not version or len(version) > 64:
        raise AdminError("The catalogue has no `version` (text, at most 64 characters).")
    if not isinstance(doc.get("procedures"), list) or not doc["procedures"]:
        raise AdminError("The catalogue has no `procedures`.")
    try:
        date.fromisoformat(str(doc.get("effective_from")))
    except ValueError:
        raise AdminError("The catalogue's `effective_from` is not a date (YYYY-MM-DD).") from None
    return version


def _check_calendar(doc: Any) -> str:
    if not isinstance(doc, dict) or not isinstance(doc.get("overrides"), list):
        raise AdminError("A calendar file is a JSON object with a list `overrides` "
                         "(the format of resources/calendar/vn-2026.json).")
    for i, o in enumerate(doc["overrides"]):
        where = f"overrides[{i}]"
        if not isinstance(o, dict):
            raise AdminError(f"{where} is not an object.")
        try:
            date.fromisoformat(str(o.get("date")))
        except ValueError:
            raise AdminError(f"{where}.date is not a date (YYYY-MM-DD).") from None
        if o.get("kind") not in ("off", "work"):
            raise AdminError(f"{where}.kind must be off or work.")
        if not isinstance(o.get("reason"), str) or not o["reason"].strip():
            raise AdminError(f"{where}.reason is required.")
        if not isinstance(o.get("source", ""), str):
            raise AdminError(f"{where}.source must be text.")
    version = doc.get("version")
    if version is None:
        years = sorted({str(o["date"])[:4] for o in doc["overrides"]})
        version = "+".join(years) or "empty"
    return str(version)[:64]
