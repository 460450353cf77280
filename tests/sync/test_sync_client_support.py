"""Helpers for the sync client tests (no tests here): keyring in a temporary folder, registers,
a small in-memory server that speaks sync.protocol, and CLI subprocess environments."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring

from desktop.register.service import Register
from desktop.register.syncstore import RegisterSyncStore
from sync.client import SyncError
from sync.credentials import CredentialStore
from sync.protocol import (
    PROTOCOL_VERSION,
    EnrollRequest,
    EnrollResponse,
    OfficeDescriptor,
    PullResponse,
    PushResponse,
    RulesResponse,
    StatusResponse,
    validate_event,
)
from tests.conftest import (
    AGENCY,
    COMMUNE_CODE,
    NAMES,
    PROCEDURES,
    PROVINCE_CODE,
    FixedClock,
    valid_input,
)

KEYRING_BACKEND = "keyrings.alt.file.PlaintextKeyring"


def keyring_in(folder: Path) -> PlaintextKeyring:
    """The plaintext file keyring that a subprocess with XDG_DATA_HOME=folder also uses."""
    backend = PlaintextKeyring()
    backend.file_path = str(folder / "python_keyring" / "keyring_pass.cfg")
    return backend


@pytest.fixture
def keyring_backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A real keyring backend in tmp_path, for this process and the CLI subprocesses."""
    xdg = tmp_path / "xdg"
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", KEYRING_BACKEND)
    monkeypatch.setenv("XDG_DATA_HOME", str(xdg))
    backend = keyring_in(xdg)
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def credentials(keyring_backend: Any) -> CredentialStore:
    return CredentialStore(keyring_backend)


def cli_env_with_keyring(home: Path, xdg: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"MOTCUA_HOME": str(home), "PYTHONIOENCODING": "utf-8",
                "PYTHON_KEYRING_BACKEND": KEYRING_BACKEND, "XDG_DATA_HOME": str(xdg)})
    return env


def make_register(path: Path, clock: Callable[[], datetime], *, slot: int = 1,
                  set_up: bool = True) -> Register:
    reg = Register.open(path, clock=clock, auto_backup=False)
    if set_up and not reg.is_set_up():
        reg.setup_office(province_code=PROVINCE_CODE, commune_code=COMMUNE_CODE,
                         agency_id=AGENCY, office_name="Bộ phận một cửa phường Hoàn Kiếm",
                         device_slot=slot)
    return reg


def add_dossiers(reg: Register, clock: FixedClock, n: int, *, start: int = 0) -> list[str]:
    """n received dossiers (two events each: the receipt and its logbook entry or volume)."""
    codes = []
    for i in range(start, start + n):
        clock.advance(minutes=3)
        view = reg.receive(valid_input(reg, PROCEDURES[i % len(PROCEDURES)],
                                       name=NAMES[i % len(NAMES)]), "canbo1")
        codes.append(view.code)
    return codes


def register_uids(path: Path) -> list[str]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [r[0] for r in con.execute("SELECT uid FROM events")]
    finally:
        con.close()


def server_uids(db_path: Path, office_id: str | None = None) -> list[str]:
    """Event uids in the server's SQLite database, opened read-only."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        if office_id is None:
            return [r[0] for r in con.execute("SELECT uid FROM events")]
        return [r[0] for r in con.execute("SELECT uid FROM events WHERE office_id = ?",
                                          (office_id,))]
    finally:
        con.close()


# --- an in-memory server (for the engine's unit tests) -----------------------------------


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class FakeServer:
    """The protocol's behaviour in a few lines: one office, devices by token, a seq log."""

    tokens: dict[str, str] = field(default_factory=dict)  # token -> device_id
    log: list[dict[str, Any]] = field(default_factory=list)  # events in seq order
    epoch: str = "epoch-1"
    publications: list[tuple[str, Any]] = field(default_factory=list)
    clock: Callable[[], str] = _now
    pushes: int = 0
    push_sizes: list[int] = field(default_factory=list)

    def device_head(self, device_id: str) -> int:
        seqs = {e["device_seq"] for e in self.log if e["device_id"] == device_id}
        head = 0
        while head + 1 in seqs:
            head += 1
        return head

    def uids(self) -> list[str]:
        return [e["uid"] for e in self.log]

    def restore(self, keep: int, new_epoch: str | None = None) -> None:
        """Come back from an older backup holding only the first `keep` events."""
        del self.log[keep:]
        if new_epoch:
            self.epoch = new_epoch

    def auth(self, token: str) -> str:
        if token not in self.tokens:
            raise SyncError("unauthorized", transient=False, status=401)
        return self.tokens[token]

    def status(self, token: str) -> StatusResponse:
        me = self.auth(token)
        return StatusResponse(self.clock(), PROTOCOL_VERSION, "00070", me,
                              self.device_head(me), self.epoch, len(self.log))

    def push(self, token: str, device_id: str, events: Sequence[dict[str, Any]]
             ) -> PushResponse:
        me = self.auth(token)
        assert device_id == me
        self.pushes += 1
        self.push_sizes.append(len(events))
        held = {e["uid"] for e in self.log}
        accepted, duplicates = [], []
        for e in events:
            validate_event(e)
            if e["uid"] in held:
                duplicates.append(e["uid"])
            else:
                self.log.append(dict(e))
                held.add(e["uid"])
                accepted.append(e["uid"])
        return PushResponse(accepted, duplicates, [], self.device_head(me), self.clock())

    def pull(self, token: str, cursor: str | None, limit: int) -> PullResponse:
        me = self.auth(token)
        pos = 0
        if cursor:
            epoch, _, n = cursor.partition(":")
            pos = int(n) if epoch == self.epoch and int(n) <= len(self.log) else 0
        out = []
        i = pos
        while i < len(self.log) and len(out) < limit:
            if self.log[i]["device_id"] != me:
                out.append(self.log[i])
            i += 1
        more = any(e["device_id"] != me for e in self.log[i:])
        end = i if more else len(self.log)
        return PullResponse(out, f"{self.epoch}:{end}", more, self.epoch, len(self.log),
                            self.clock())

    def rules(self, token: str, since: str) -> RulesResponse:
        self.auth(token)
        after = int(since or 0)
        cats = [d for k, d in self.publications[after:] if k == "catalogue"]
        cals = [o for k, d in self.publications[after:] if k == "calendar" for o in d]
        return RulesResponse(cats, cals, str(len(self.publications)))

    def enroll(self, request: EnrollRequest) -> EnrollResponse:
        if request.code != "GOOD-CODE":
            raise SyncError("enroll_code_invalid", transient=False, status=400)
        token = f"token-{request.device_id}"
        self.tokens[token] = request.device_id
        return EnrollResponse(token, request.device_id, 2,
                              OfficeDescriptor("00070", PROVINCE_CODE, COMMUNE_CODE, AGENCY,
                                               "Bộ phận một cửa phường Hoàn Kiếm"), self.clock())


class FakeTransport:
    """A Transport onto a FakeServer that can fail before or after the server does the work."""

    def __init__(self, server: FakeServer, base_url: str = "https://province.example"):
        self.server = server
        self.base_url = base_url
        self.fail_before: list[SyncError] = []  # raised before the server sees the call
        self.fail_after: list[SyncError] = []  # raised after the server did the work
        self.fail_only: str | None = None  # limit failures to one method
        self.calls: list[str] = []

    def _do(self, name: str, fn: Callable[[], Any]) -> Any:
        self.calls.append(name)
        target = self.fail_only in (None, name)
        if target and self.fail_before:
            raise self.fail_before.pop(0)
        result = fn()
        if target and self.fail_after:
            raise self.fail_after.pop(0)
        return result

    def enroll(self, request: EnrollRequest) -> EnrollResponse:
        return self._do("enroll", lambda: self.server.enroll(request))

    def status(self, token: str) -> StatusResponse:
        return self._do("status", lambda: self.server.status(token))

    def push(self, token: str, device_id: str, events: Sequence[dict[str, Any]]
             ) -> PushResponse:
        return self._do("push", lambda: self.server.push(token, device_id, events))

    def pull(self, token: str, cursor: str | None, limit: int) -> PullResponse:
        return self._do("pull", lambda: self.server.pull(token, cursor, limit))

    def rules(self, token: str, since: str) -> RulesResponse:
        return self._do("rules", lambda: self.server.rules(token, since))

    def close(self) -> None:
        """Nothing to release: the fake server lives in this process."""


def enrolled_store(reg: Register, server: FakeServer, transport: FakeTransport,
                   credentials: CredentialStore) -> RegisterSyncStore:
    """A register's sync store with a token in the keyring for the fake server."""
    store = RegisterSyncStore(reg)
    token = f"token-{store.device_id()}"
    server.tokens[token] = store.device_id()
    credentials.set_token(transport.base_url, store.device_id(), token)
    store.set_state("server_url", transport.base_url)
    return store
