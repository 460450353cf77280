"""The sync client against a real `motcua-server` process on 127.0.0.1, with real register
files and a real keyring backend in a temporary folder: enrollment and `motcua sync` from the
command line, two devices of one office, agency events, a PC clock days off, a revoked
device, and a server that comes back from an older backup."""

# ruff: noqa: F811  (fixtures imported from other test modules are test arguments)

from __future__ import annotations

import random
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from desktop.register.service import Register
from desktop.register.syncstore import RegisterSyncStore
from sync.client import HttpTransport, RetryPolicy, SyncEngine, enroll
from sync.credentials import CredentialStore
from tests.conftest import NAMES, FixedClock, motcua_command
from tests.support.server_fixtures import (  # noqa: F401 (fixtures)
    ServerProcess,
    pull_all,
    server,
    sqlite_server,
)
from tests.sync.test_sync_client_support import (  # noqa: F401 (fixtures)
    add_dossiers,
    cli_env_with_keyring,
    credentials,
    keyring_backend,
    make_register,
    register_uids,
    server_uids,
)

FAST = RetryPolicy(attempts=3, base_s=0.02, cap_s=0.1)


def enroll_register(reg: Register, url: str, code: str, credentials: CredentialStore
                    ) -> RegisterSyncStore:
    store = RegisterSyncStore(reg)
    transport = HttpTransport(url)
    try:
        enroll(store, transport, credentials, code, device_name="test PC")
    finally:
        transport.close()
    return store


def sync(store: RegisterSyncStore, credentials: CredentialStore, url: str | None = None,
         **kw: Any) -> Any:
    transport = HttpTransport(url or store.get_state("server_url") or "",
                              connect_timeout_s=5, stall_timeout_s=10)
    kw.setdefault("policy", FAST)
    try:
        return SyncEngine(store, transport, credentials, rng=random.Random(1), **kw).run_once()
    finally:
        transport.close()


def server_office_uids(srv: ServerProcess, office_id: str) -> list[str]:
    """Every event of the office on the server: pulled by a fresh observer device."""
    observer = srv.enroll(office_id, name="observer")
    events, _ = pull_all(srv, observer)
    return [e["uid"] for e in events]


def run_cli(home: Path, xdg: Path, *args: str, timeout: float = 120
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*motcua_command(), *args], capture_output=True, text=True,
                          encoding="utf-8", env=cli_env_with_keyring(home, xdg), timeout=timeout,
                          check=False)


def _copy_sqlite(src: Path, dest: Path) -> None:
    """Copy a (stopped) SQLite database with its WAL, replacing whatever is at dest."""
    for suffix in ("", "-wal", "-shm"):
        target = Path(str(dest) + suffix)
        target.unlink(missing_ok=True)
        source = Path(str(src) + suffix)
        if source.exists():
            shutil.copy(source, target)


class Admin:
    """The server's admin operations in this process (the CLI costs a second per call);
    the tests that are about an admin command run the command itself."""

    def __init__(self, db_url: str):
        from sync.server.db import make_engine
        from sync.server.store import ServerStore

        self.store = ServerStore(make_engine(db_url))

    def office(self) -> str:
        return self.store.add_office(1, 70, "000.00.01.H29").office_id

    def code(self, office_id: str) -> str:
        return self.store.make_enroll_code(office_id)[0]


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One SQLite server for the module; each test keeps to an office of its own."""
    home = tmp_path_factory.mktemp("server")
    process = ServerProcess(f"sqlite:///{home / 'server.sqlite3'}", home)
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def admin(srv: ServerProcess) -> Admin:
    return Admin(srv.db_url)


@pytest.fixture
def office(admin: Admin) -> str:
    return admin.office()


def srv_db(process: ServerProcess) -> Path:
    return Path(process.db_url.removeprefix("sqlite:///"))


@pytest.fixture
def two_registers(home: Path, clock: FixedClock) -> Iterator[tuple[Register, Register]]:
    a = make_register(home / "a.sqlite3", clock, set_up=False)
    b = make_register(home / "b.sqlite3", clock, set_up=False)
    yield a, b
    a.close()
    b.close()


def test_enroll_and_sync_from_the_command_line_keep_the_token_in_the_keyring_only(
        srv: ServerProcess, admin: Admin, office: str, tmp_path: Path, clock: FixedClock
) -> None:
    home, xdg = tmp_path / "pc", tmp_path / "xdg"
    code = admin.code(office)
    enrolled = run_cli(home, xdg, "enroll", srv.url, code)
    assert enrolled.returncode == 0, enrolled.stderr
    assert "Đã đăng ký máy" in enrolled.stdout and "máy số 1" in enrolled.stdout
    assert "keyring_pass.cfg" in enrolled.stdout  # where the token is kept
    assert "không được mã hóa an toàn" in enrolled.stderr  # and that it is not safe there
    again = run_cli(home, xdg, "enroll", srv.url, code)  # a one-time code
    assert again.returncode == 3 and "Mã đăng ký máy không đúng" in again.stderr

    with Register.open(home / "register.sqlite3", clock=clock, auto_backup=False) as reg:
        assert reg.office().device_slot == 1 and reg.office().agency_id == "000.00.01.H29"
        add_dossiers(reg, clock, 12)
        local = register_uids(reg.path)
    done = run_cli(home, xdg, "sync")
    assert done.returncode == 0, done.stderr
    assert f"gửi {len(local)}" in done.stdout
    assert sorted(server_uids(srv_db(srv), office)) == sorted(local)
    token_file = (xdg / "python_keyring" / "keyring_pass.cfg").read_text()
    assert "motcua" in token_file
    for f in home.rglob("*"):  # the token is nowhere in the register, its WAL or the logs
        if f.is_file():
            data = f.read_bytes()
            assert b"Bearer" not in data
    # The keyring holds it base64-encoded; decode and look for the raw token everywhere.
    import base64
    import configparser

    cfg = configparser.RawConfigParser()
    cfg.read_string(token_file)
    token = base64.b64decode(next(iter(cfg["motcua"].values()))).decode()
    for f in home.rglob("*"):
        if f.is_file():
            assert token.encode() not in f.read_bytes(), f
    logs = "".join(f.read_text(encoding="utf-8") for f in (home / "logs").glob("*.log*"))
    assert "sync done" in logs  # the log speaks of the sync, never of the people in it
    for personal in (*NAMES, "001098012345", "0912345678"):
        assert personal not in logs


def test_sync_without_enrollment_or_with_a_revoked_token_exits_non_zero_in_vietnamese(
        srv: ServerProcess, admin: Admin, office: str, tmp_path: Path, clock: FixedClock
) -> None:
    home, xdg = tmp_path / "pc", tmp_path / "xdg"
    first = run_cli(home, xdg, "sync")
    assert first.returncode == 4 and "chưa đăng ký với máy chủ tỉnh" in first.stderr
    assert run_cli(home, xdg, "enroll", srv.url, admin.code(office)).returncode == 0
    with Register.open(home / "register.sqlite3", clock=clock, auto_backup=False) as reg:
        device_id = reg.device_id
    admin.store.revoke(device_id)
    revoked = run_cli(home, xdg, "sync")
    assert revoked.returncode == 4
    assert "thu hồi quyền đồng bộ" in revoked.stderr and "bước status" in revoked.stderr
    english = run_cli(home, xdg, "--lang", "en", "sync")
    assert "access was revoked" in english.stderr


def test_two_devices_of_one_office_converge_on_each_others_dossiers(
        server: ServerProcess, two_registers: tuple[Register, Register],
        clock: FixedClock, credentials: CredentialStore) -> None:
    """On each back end of the server (SQLite; PostgreSQL where configured)."""
    a, b = two_registers
    own = Admin(server.db_url)
    office = own.office()
    sa = enroll_register(a, server.url, own.code(office), credentials)
    sb = enroll_register(b, server.url, own.code(office), credentials)
    assert {a.office().device_slot, b.office().device_slot} == {1, 2}
    codes_a = add_dossiers(a, clock, 8)
    codes_b = add_dossiers(b, clock, 6)
    assert not set(codes_a) & set(codes_b)  # the device slot keeps the code spaces apart
    b.hand_over(codes_b[0], "Công chức Tư pháp - Hộ tịch", "canbo2")
    for store in (sa, sb, sa):
        result = sync(store, credentials)
        assert result.ok, result.error
    assert set(register_uids(a.path)) == set(register_uids(b.path))
    assert len(register_uids(a.path)) == len(set(register_uids(a.path)))
    assert sorted(server_office_uids(server, office)) == sorted(register_uids(a.path))
    for code in codes_a + codes_b:
        assert a.get(code).status == b.get(code).status
    assert a.get(codes_b[0]).holder == b.get(codes_b[0]).holder
    assert sync(sb, credentials).pulled == 0  # nothing twice


def test_an_agency_event_reaches_the_register_and_changes_the_dossiers_state(
        srv: ServerProcess, admin: Admin, office: str, home: Path, clock: FixedClock,
        credentials: CredentialStore) -> None:
    with make_register(home / "a.sqlite3", clock, set_up=False) as reg:
        store = enroll_register(reg, srv.url, admin.code(office), credentials)
        code = add_dossiers(reg, clock, 1)[0]
        reg.hand_over(code, "Sở Tư pháp", "canbo1", agency=True)
        assert sync(store, credentials).ok
        before = reg.get(code).status
        srv.admin("agency-event", code, "--office", office, "--kind", "processed",
                     "--unit", "Sở Tư pháp tỉnh", "--outcome", "approved",
                     "--note", "Đã giải quyết")
        result = sync(store, credentials)
        assert result.ok and result.pulled == 1
        after = reg.get(code)
        assert after.status != before and after.result_at is not None
        kinds = [e.kind for e in reg.history(code)]
        assert kinds[-1] == "dossier.processed"


def test_a_pc_clock_days_off_still_syncs_and_the_skew_is_reported(
        srv: ServerProcess, admin: Admin, office: str, home: Path, clock: FixedClock,
        credentials: CredentialStore) -> None:
    from datetime import datetime

    real = datetime.now(UTC)
    behind = FixedClock(real - timedelta(days=4))
    right = FixedClock(real)
    with make_register(home / "late.sqlite3", behind, set_up=False) as late, \
            make_register(home / "right.sqlite3", right, set_up=False) as ok:
        s_late = enroll_register(late, srv.url, admin.code(office), credentials)
        s_ok = enroll_register(ok, srv.url, admin.code(office), credentials)
        first = add_dossiers(ok, right, 2)
        assert sync(s_ok, credentials, clock=ok.clock).ok
        result = sync(s_late, credentials, clock=late.clock)
        assert result.ok and result.pulled > 0
        assert result.clock_skew_s is not None and result.clock_skew_s < -3.9 * 86400
        assert any(w.code == "clock_skew" and "chậm" in w.message_vi for w in result.warnings)
        # A dossier touched on the late PC orders after what it pulled, despite its clock.
        late.hand_over(first[0], "Công chức Văn hóa - Xã hội", "canbo3")
        assert sync(s_late, credentials, clock=late.clock).ok
        assert sync(s_ok, credentials, clock=ok.clock).ok
        assert ok.get(first[0]).holder == "Công chức Văn hóa - Xã hội"
        assert set(register_uids(late.path)) == set(register_uids(ok.path))


def test_a_server_back_from_an_older_backup_gets_back_what_it_lost(
        sqlite_server: ServerProcess, home: Path, clock: FixedClock,
        credentials: CredentialStore) -> None:
    srv = sqlite_server
    own = Admin(srv.db_url)
    office = own.office()
    db = srv_db(srv)
    with make_register(home / "a.sqlite3", clock, set_up=False) as a, \
            make_register(home / "b.sqlite3", clock, set_up=False) as b:
        sa = enroll_register(a, srv.url, own.code(office), credentials)
        sb = enroll_register(b, srv.url, own.code(office), credentials)
        add_dossiers(a, clock, 5)
        add_dossiers(b, clock, 5)
        for store in (sa, sb, sa):
            assert sync(store, credentials).ok
        srv.stop()
        backup = home / "server-backup.sqlite3"
        _copy_sqlite(db, backup)
        srv.start()
        add_dossiers(a, clock, 4, start=5)
        add_dossiers(b, clock, 3, start=5)
        for store in (sa, sb, sa):
            assert sync(store, credentials).ok
        srv.stop()
        _copy_sqlite(backup, db)  # the province restores last night's backup
        srv.start()
        ra = sync(sa, credentials)
        assert ra.ok and ra.regression and ra.pushed == 8  # 4 dossiers, 2 events each
        rb = sync(sb, credentials)
        assert rb.ok and rb.regression and rb.pushed == 6
        assert sync(sa, credentials).ok
        everything = set(register_uids(a.path))
        assert everything == set(register_uids(b.path))
        on_server = server_uids(db, office)
        assert sorted(on_server) == sorted(everything)


def test_rules_published_with_the_admin_commands_reach_the_register(
        srv: ServerProcess, admin: Admin, office: str, home: Path, clock: FixedClock,
        credentials: CredentialStore, tmp_path: Path) -> None:
    import json
    from datetime import date

    from resources import resource_path

    bundled = json.loads((resource_path("catalogue") / "catalogue-2026.1.json")
                         .read_text(encoding="utf-8"))
    newer = dict(bundled, version="2027.1", effective_from="2027-03-01")
    (tmp_path / "catalogue.json").write_text(json.dumps(newer, ensure_ascii=False),
                                             encoding="utf-8")
    (tmp_path / "calendar.json").write_text(json.dumps({"overrides": [
        {"date": "2027-01-02", "kind": "off", "reason": "Nghỉ bù", "source": "UBND tỉnh"}]},
        ensure_ascii=False), encoding="utf-8")
    srv.admin("publish-catalogue", tmp_path / "catalogue.json")
    srv.admin("publish-calendar", tmp_path / "calendar.json")
    with make_register(home / "a.sqlite3", clock, set_up=False) as reg:
        store = enroll_register(reg, srv.url, admin.code(office), credentials)
        result = sync(store, credentials)
        assert result.ok and result.rules_installed >= 2
        assert "bad_rules" not in [w.code for w in result.warnings]
        assert "2027.1" in [c.version for c in reg.catalogues()]
        assert reg.catalogue(date(2027, 3, 2)).version == "2027.1"
        assert any(d.day == date(2027, 1, 2) for d in reg.calendar_overrides())
        assert sync(store, credentials).rules_installed == 0  # not twice


def test_a_throttled_server_answers_429_and_the_client_waits_and_finishes(
        tmp_path: Path, credentials: CredentialStore, clock: FixedClock) -> None:
    home = tmp_path / "throttled"
    srv = ServerProcess(f"sqlite:///{home / 'server.sqlite3'}", home,
                        extra_args=("--device-rate", "2/s:3", "--enroll-rate", "2/s:2"))
    srv.start()
    try:
        office = Admin(srv.db_url).office()
        guesses = [requests.post(srv.api("/enroll"), timeout=10, json={
            "code": "AAAA-BBBB-CCCC", "device_id": f"pc-{i}", "device_name": "x",
            "app_version": "0"}) for i in range(3)]
        assert [g.status_code for g in guesses] == [400, 400, 429]
        assert guesses[2].json()["error"]["code"] == "rate_limited"
        assert int(guesses[2].headers["Retry-After"]) >= 1
        time.sleep(1.1)
        reg = make_register(tmp_path / "pc.sqlite3", clock, set_up=False)
        store = enroll_register(reg, srv.url, Admin(srv.db_url).code(office), credentials)
        add_dossiers(reg, clock, 20)
        # status, push, pull and rules: more than the burst of 3, so some wait for 429s.
        result = sync(store, credentials, policy=RetryPolicy(attempts=6, base_s=0.02, cap_s=0.1))
        assert result.ok, result.error
        assert result.retries >= 1
        assert sorted(server_office_uids(srv, office)) == sorted(register_uids(reg.path))
        assert " 429 " in srv.log_text()
    finally:
        srv.stop()
