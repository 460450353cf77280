"""A real `motcua-server run` process on 127.0.0.1 for tests, on SQLite and on PostgreSQL.

Use from a test module with ``from tests.support.server_fixtures import server`` (or ``sqlite_server``).
The `server` fixture is parametrized over the back ends: SQLite always, PostgreSQL when
MOTCUA_TEST_PG_URL is set (tests/run.sh starts one and sets it; on CI it must be there).

    server.url              "http://127.0.0.1:PORT" (the base URL a client is given)
    server.api(path)        server.url + "/api/v1" + path
    server.db_url           the SQLAlchemy URL the process runs on
    server.admin(*args)     `motcua-server admin --db URL ...` → CompletedProcess (check=True)
    server.stop() / .start() / .kill() / .restart()   same port, same database
    server.add_office(), .enroll_code(office), .enroll(office) → Device (token, ids)
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from sync.protocol import API_PREFIX

PG_ENV = "MOTCUA_TEST_PG_URL"
BACKENDS = ("sqlite", "postgresql")
START_TIMEOUT = 30.0


def server_command() -> list[str]:
    """The installed `motcua-server` console script of the running interpreter's environment."""
    found = shutil.which("motcua-server", path=str(Path(sys.executable).parent))
    assert found, "the motcua-server console script is not installed (pip install -e .)"
    return [found]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Device:
    """An enrolled device: what a client keeps after /enroll."""

    token: str
    device_id: str
    slot: int
    office_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class ServerProcess:
    """One `motcua-server run` process; stop/start/kill keep the port and the database."""

    def __init__(self, db_url: str, home: Path, port: int | None = None,
                 tls: tuple[Path, Path] | None = None, extra_args: tuple[str, ...] = ()):
        """`tls` = (certificate PEM, key PEM) serves HTTPS; the certificate's issuer must be
        trusted by the caller (the readiness probe trusts the certificate file itself)."""
        self.db_url = db_url
        self.tls = tls
        self.extra_args = extra_args
        self.home = home
        self.port = port or free_port()
        self.log_path = home / "server.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self._store: Any = None
        home.mkdir(parents=True, exist_ok=True)

    # --- addresses --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def api(self, path: str = "") -> str:
        return f"{self.url}{API_PREFIX}{path}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(MOTCUA_SERVER_HOME=str(self.home), PYTHONIOENCODING="utf-8",
                   PYTHONUNBUFFERED="1")
        env.pop("MOTCUA_SERVER_DB", None)
        return env

    # --- process ----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self, timeout: float = START_TIMEOUT) -> None:
        """Start the process and wait until /api/v1/status answers (migrations are done)."""
        assert not self.running, "the server is already running"
        with open(self.log_path, "ab") as log:  # the child keeps its own copy of the handle
            tls = ["--ssl-certfile", str(self.tls[0]), "--ssl-keyfile", str(self.tls[1])] \
                if self.tls else []
            self.proc = subprocess.Popen(
                [*server_command(), "run", "--db", self.db_url, "--host", "127.0.0.1",
                 "--port", str(self.port), *tls, *self.extra_args],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=self.env(),
                cwd=self.home)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"motcua-server exited with {self.proc.returncode}:\n"
                                   f"{self.log_tail()}")
            try:
                requests.get(self.api("/status"), timeout=1,
                             verify=str(self.tls[0]) if self.tls else True)
                return
            except requests.RequestException:
                time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"motcua-server not ready after {timeout}s:\n{self.log_tail()}")

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM (graceful shutdown), SIGKILL when it does not end in time."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout)
        self.proc = None

    def kill(self) -> None:
        """SIGKILL: no shutdown of any kind, as a power cut or the OOM killer would do."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(15)
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") \
            if self.log_path.exists() else ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    # --- admin ------------------------------------------------------------------------------

    def admin(self, *args: Any, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run `motcua-server admin --db <this db> ARGS...`; raises on failure when check."""
        result = subprocess.run(
            [*server_command(), "admin", "--db", self.db_url, *(str(a) for a in args)],
            capture_output=True, text=True, encoding="utf-8", env=self.env(), timeout=120,
            check=False)
        if check and result.returncode != 0:
            raise AssertionError(f"motcua-server admin {' '.join(map(str, args))} failed "
                                 f"({result.returncode}):\n{result.stderr}")
        return result

    def store(self) -> Any:
        """The server's store opened in this process on the same database (test set-up).

        Set-up goes through the same code as the admin commands without a process start per
        call; the commands themselves are tested through `admin()`.
        """
        if self._store is None:
            from sync.server.db import make_engine, migrate
            from sync.server.store import ServerStore

            engine = make_engine(self.db_url)
            migrate(engine)
            self._store = ServerStore(engine)
        return self._store

    def close_store(self) -> None:
        if self._store is not None:
            self._store.engine.dispose()
            self._store = None

    def add_office(self, province_code: int = 1, commune_code: int = 70, agency_id: str = "",
                   name: str | None = None) -> str:
        """A new office (Hà Nội, phường Hoàn Kiếm by default); returns its id."""
        return str(self.store().add_office(province_code, commune_code, agency_id,
                                           name).office_id)

    def enroll_code(self, office_id: str, ttl_hours: float = 72) -> str:
        """A one-time enrollment code for the office."""
        return str(self.store().make_enroll_code(office_id, ttl_hours)[0])

    def enroll(self, office_id: str, device_id: str | None = None, name: str = "PC một cửa"
               ) -> Device:
        """Enroll a new device over HTTP with a fresh one-time code."""
        code = self.enroll_code(office_id)
        answer = requests.post(self.api("/enroll"), json={
            "code": code, "device_id": device_id or str(uuid.uuid4()), "device_name": name,
            "app_version": "test", "protocol": 1}, timeout=10)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        return Device(body["token"], body["device_id"], body["device_slot"],
                      body["office"]["office_id"])


# --- PostgreSQL: one fresh database per server --------------------------------------------


def _psycopg_conninfo(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _database_url(url: str, name: str) -> str:
    base, _, rest = url.rpartition("/")
    query = rest.partition("?")[2]
    return f"{base}/{name}" + (f"?{query}" if query else "")


def create_pg_database(base_url: str) -> str:
    """A new empty database beside the test database; returns its SQLAlchemy URL."""
    import psycopg

    name = f"motcua_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_psycopg_conninfo(base_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return _database_url(base_url, name)


def drop_pg_database(base_url: str, url: str) -> None:
    import psycopg

    name = url.rpartition("/")[2].partition("?")[0]
    with psycopg.connect(_psycopg_conninfo(base_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_base_url() -> str | None:
    url = os.environ.get(PG_ENV)
    if url:
        return url
    if os.environ.get("CI"):
        pytest.fail(f"{PG_ENV} is not set on CI: tests/run.sh must start PostgreSQL")
    return None


def _server_for(backend: str, home: Path) -> Iterator[ServerProcess]:
    if backend == "sqlite":
        process = ServerProcess(f"sqlite:///{home / 'server.sqlite3'}", home)
        process.start()
        try:
            yield process
        finally:
            process.close_store()
            process.stop()
        return
    base = pg_base_url()
    if base is None:
        pytest.skip(f"PostgreSQL not configured: set {PG_ENV} (tests/run.sh does, as root)")
    url = create_pg_database(base)
    process = ServerProcess(url, home)
    try:
        process.start()
        yield process
    finally:
        process.close_store()
        process.stop()
        drop_pg_database(base, url)


@pytest.fixture(params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerProcess]:
    """A running server on an empty database, once on SQLite and once on PostgreSQL."""
    yield from _server_for(request.param, tmp_path / f"server-{request.param}")


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A running server on an empty SQLite file only (for long fault loops)."""
    yield from _server_for("sqlite", tmp_path / "server-sqlite")


# --- events as a device makes them ----------------------------------------------------------


@dataclass
class DeviceChain:
    """Sealed events of one device (desktop.register.events.seal): chained, HLC-ordered."""

    device_id: str
    seq: int = 0
    prev_hash: str = "0" * 64
    hlc: str | None = None
    clock: datetime = field(default_factory=lambda: datetime(2026, 11, 16, 2, 0,
                                                             tzinfo=UTC))

    def event(self, stream: str | None = None, kind: str = "dossier.received",
              payload: dict[str, Any] | None = None, stream_type: str = "dossier",
              actor: str = "canbo1", channel: int | None = 1) -> dict[str, Any]:
        from desktop.register.events import next_hlc, seal

        self.clock += timedelta(seconds=7)
        self.hlc = next_hlc(self.hlc, self.clock)
        self.seq += 1
        stream = stream or str(uuid.uuid4())
        if payload is None:
            payload = received_payload(f"000.00.01.H29-261116-{self.seq:04d}", self.clock)
        rec = seal(stream=stream, stream_type=stream_type, kind=kind, payload=payload,
                   actor=actor, channel=channel, occurred_at=self.clock, hlc=self.hlc,
                   device_id=self.device_id, device_seq=self.seq, prev_hash=self.prev_hash)
        self.prev_hash = rec.hash
        return rec.wire()

    def batch(self, n: int, **kwargs: Any) -> list[dict[str, Any]]:
        return [self.event(**kwargs) for _ in range(n)]


def received_payload(code: str, at: datetime) -> dict[str, Any]:
    """A dossier.received payload shaped like the register's (Vietnamese text included)."""
    return {
        "code": code, "procedure_code": "marital_status_confirmation", "field_code": "hotich",
        "catalogue_version": "2026.1",
        "applicant": {"full_name": "Nguyễn Văn Dũng", "id_number": "001098012345",
                      "phone": "0912345678", "address": "Số 5 phố Huế, phường Hoàn Kiếm"},
        "documents": ["to_khai", "cccd"], "received_at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "appointment_at": (at + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "fee_amount": 0, "fee_paid": False,
    }


def push(server: ServerProcess, device: Device, events: list[dict[str, Any]], *,
         device_id: str | None = None, timeout: float = 60) -> requests.Response:
    """POST /push as the client does: gzip-compressed JSON."""
    body = json.dumps({"device_id": device_id or device.device_id, "events": events,
                       "protocol": 1}, ensure_ascii=False).encode("utf-8")
    return requests.post(server.api("/push"), data=gzip.compress(body, 6), timeout=timeout,
                         headers={**device.headers, "Content-Type": "application/json",
                                  "Content-Encoding": "gzip"})


def pull_all(server: ServerProcess, device: Device, cursor: str | None = None,
             limit: int = 1000) -> tuple[list[dict[str, Any]], str]:
    """Pull until `more` is false; returns (events, last cursor)."""
    events: list[dict[str, Any]] = []
    while True:
        params: dict[str, str | int] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        answer = requests.get(server.api("/pull"), params=params, headers=device.headers,
                              timeout=30)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        events.extend(body["events"])
        cursor = body["cursor"]
        if not body["more"]:
            return events, cursor


@pytest.fixture(scope="module", params=BACKENDS)
def module_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                  ) -> Iterator[ServerProcess]:
    """One server per test module and back end, for tests that keep to offices of their own."""
    yield from _server_for(request.param, tmp_path_factory.mktemp(f"server-{request.param}"))
