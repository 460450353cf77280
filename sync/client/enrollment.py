"""Enrollment of a device with the province server, and wiring an engine from saved settings."""

from __future__ import annotations

import json
import logging
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sync.client.engine import CURSOR_KEY, SyncEngine, _parse_time, _utc_now
from sync.client.transport import HttpTransport, app_version
from sync.client.values import Notice, Progress, SyncError, SyncStore, Transport
from sync.credentials import CredentialStore
from sync.errors import KnownError
from sync.protocol import (
    EnrollRequest,
    OfficeDescriptor,
)

log = logging.getLogger(__name__)

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
    except Exception as exc:  # the register's refusal, in its own words when it has them
        known = exc if isinstance(exc, KnownError) else None
        raise SyncError("enroll_conflict", transient=False, detail=type(exc).__name__,
                        message_vi=known.message_vi if known else None,
                        message_en=known.message_en if known else None) from exc
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
