"""`motcua-server admin`: offices checked against the official list, agency events that fold
into the register's dossiers, schema and storage rules of the server database."""

# ruff: noqa: F811  (fixtures imported from server_fixtures are test arguments)

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from desktop.register.events import EventRecord
from desktop.register.lifecycle import apply
from desktop.register.service import Register
from desktop.register.syncstore import RegisterSyncStore
from desktop.register.views import DossierInput
from sync import protocol
from sync.lifecycle import Kind, Status
from sync.server import db as server_db
from sync.server.errors import AdminError
from tests.support.server_fixtures import (  # noqa: F401  (fixtures)
    ServerProcess,
    module_server,
    pull_all,
    push,
    server_command,
)


@pytest.fixture
def offline_admin(tmp_path: Path) -> ServerProcess:
    """Admin commands on an SQLite file with no server running."""
    return ServerProcess(f"sqlite:///{tmp_path / 'admin.sqlite3'}", tmp_path)


def test_add_office_checks_codes_against_the_official_list(offline_admin: ServerProcess) -> None:
    first = offline_admin.admin("add-office", 1, 70, "--agency-id", "000.00.01.H29")
    assert first.stdout.strip() == "00070"
    assert "Bộ phận một cửa phường Hoàn Kiếm" in first.stderr
    refused = offline_admin.admin("add-office", 1, 99999, check=False)
    assert refused.returncode == 1
    assert refused.stderr.strip() == "motcua-server: Commune code 99999 is not a known commune."
    store = offline_admin.store()
    # A second office in the same commune (another agency) gets its own id.
    assert store.add_office(1, 70, name="Tư pháp").office_id == "00070-2"
    assert store.add_office(79, 26506).name.startswith("Bộ phận một cửa ")
    for args, message in (((99, 70), "not one of the 34 provinces"),
                          ((79, 70), "is not in"),
                          ((1, 70, "bad id!"), "agency electronic id")):
        with pytest.raises(AdminError, match=message):
            store.add_office(*args)
    offline_admin.close_store()
    listing = offline_admin.admin("list-offices").stdout.splitlines()
    assert [line.split("\t")[0] for line in listing] == ["00070", "00070-2", "26506"]


def test_admin_commands_refuse_unknown_offices_and_devices(offline_admin: ServerProcess
                                                          ) -> None:
    result = offline_admin.admin("revoke", "no-such-device", check=False)
    assert (result.returncode, result.stderr.strip()) == (
        1, "motcua-server: No device no-such-device.")
    store = offline_admin.store()
    with pytest.raises(AdminError, match="No office"):
        store.make_enroll_code("00070")
    with pytest.raises(AdminError, match="No office"):
        store.agency_event("x", "00070", "processed", "Công an", outcome="approved")
    office = store.add_office(1, 70).office_id
    with pytest.raises(AdminError, match="ttl-hours"):
        store.make_enroll_code(office, 0)
    with pytest.raises(AdminError, match="--outcome"):
        store.agency_event("x", office, "processed", "Công an")
    with pytest.raises(AdminError, match="No dossier"):
        store.agency_event("x", office, "processed", "Công an", outcome="approved")
    offline_admin.close_store()


def test_without_a_database_url_the_server_keeps_its_file_in_its_home(tmp_path: Path) -> None:
    env = {**os.environ, "MOTCUA_SERVER_HOME": str(tmp_path / "home")}
    env.pop("MOTCUA_SERVER_DB", None)
    result = subprocess.run([*server_command(), "admin", "add-office", "1", "70"], env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "home" / "motcua-server.sqlite3").exists()


def test_a_database_newer_than_the_program_is_refused(offline_admin: ServerProcess) -> None:
    offline_admin.admin("list-offices")
    engine = create_engine(offline_admin.db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 's9999'"))
    engine.dispose()
    result = offline_admin.admin("list-offices", check=False)
    assert result.returncode == 1 and "newer than this motcua-server" in result.stderr


def test_the_schema_head_constant_names_the_newest_migration() -> None:
    head, known = server_db.known_revisions()
    assert head == server_db.SCHEMA_HEAD and head in known


def test_the_migrations_build_exactly_the_models(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from sync.server.models import Base

    engine = server_db.make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    server_db.migrate(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_a_first_schema_database_upgrades_and_its_unused_code_still_enrolls(tmp_path: Path
                                                                          ) -> None:
    from alembic import command

    from sync.server.store import ServerStore, secret_hash

    engine = server_db.make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    cfg = server_db.alembic_config()
    with engine.begin() as conn:  # a database made by the first release: schema s0001
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "s0001")
        conn.exec_driver_sql("INSERT INTO offices VALUES "
                             "('o1', 1, 70, '000.00.01.H29', 'Một cửa', '2026-01-01')")
        conn.exec_driver_sql("INSERT INTO enroll_codes (code_hash, office_id, created_at, "
                             "expires_at) VALUES (?, 'o1', '2026-01-01', '2999-01-01')",
                             (secret_hash("ABCDABCDABCD"),))
    server_db.migrate(engine)
    assert server_db.current_revision(engine) == server_db.SCHEMA_HEAD
    assert list(tmp_path.glob("old.sqlite3.before-s0001-*")), "not copied aside first"
    answer = ServerStore(engine).enroll({
        "code": "ABCD-ABCD-ABCD", "device_id": "pc-1", "device_name": "Máy 1",
        "app_version": "0.2", "retry_key": "r" * 43})
    assert answer.device_slot == 1 and answer.office.office_id == "o1"
    engine.dispose()

def test_sqlite_runs_in_wal_mode_with_full_synchronous_writes(tmp_path: Path) -> None:
    engine = server_db.make_engine(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    engine.dispose()


def _transferred_dossier(register: Register, make_input: Callable[..., DossierInput]
                         ) -> tuple[str, str, list[dict]]:
    view = register.receive(make_input(), "canbo1")
    register.hand_over(view.code, "Công an xã Hoàn Kiếm", "canbo1", agency=True)
    events = RegisterSyncStore(register).pending_events(100)
    return view.uid, str(view.code), [e.wire() for e in events]


def _fold(events: list[dict], stream: str) -> dict:
    state = None
    records = (EventRecord.from_wire(e) for e in events if e["stream"] == stream)
    for rec in sorted(records, key=EventRecord.order_key):
        state = apply(state, rec)
    assert state is not None
    return state


def test_agency_events_reach_the_office_and_fold_into_the_dossier(
        module_server: ServerProcess, register: Register,
        make_input: Callable[..., DossierInput]) -> None:
    office = module_server.add_office(1, 70)
    device = module_server.enroll(office, device_id=register.device_id)
    other = module_server.enroll(office)
    uid, code, events = _transferred_dossier(register, make_input)
    assert push(module_server, device, events).json()["accepted"]

    processed = module_server.admin(
        "agency-event", uid, "--office", office, "--kind", "processed",
        "--unit", "Công an xã Hoàn Kiếm", "--outcome", "approved", "--note", "Đã cấp")
    # By the dossier code too, as the agency's letter names it.
    back = module_server.admin("agency-event", code, "--office", office, "--kind",
                               "handed_over", "--unit", "Công an xã Hoàn Kiếm")
    got, _ = pull_all(module_server, device)
    assert [e["uid"] for e in got] == [processed.stdout.strip(), back.stdout.strip()]
    for event in got:
        protocol.validate_event(event)
        assert event["device_id"] == f"agency:{office}"
        assert event["hlc"] > max(e["hlc"] for e in events if e["stream"] == uid)
    assert [e["device_seq"] for e in got] == [1, 2]
    assert got[0]["prev_hash"] == protocol.GENESIS_HASH
    assert got[1]["prev_hash"] == got[0]["hash"]
    assert got[0]["kind"] == Kind.PROCESSED and got[1]["kind"] == Kind.HANDED_OVER
    assert got[1]["payload"]["from_unit"] == "Công an xã Hoàn Kiếm"

    state = _fold(events + got, uid)
    assert state["conflict"] is None
    assert state["status"] == Status.PROCESSED
    assert state["details"]["outcome"] == "approved"
    assert state["holder"] == "Bộ phận một cửa phường Hoàn Kiếm"
    assert got[1]["payload"]["due_at"] == state["due_at"]
    # Other devices of the office get the agency's events as well; the register takes them.
    got_other, _ = pull_all(module_server, other)
    assert [e["uid"] for e in got_other][-2:] == [e["uid"] for e in got]
    result = RegisterSyncStore(register).ingest(EventRecord.from_wire(e) for e in got)
    assert (result.inserted, result.conflicts) == (2, 0)
    assert register.get(code).status == Status.PROCESSED


def test_rate_limits_are_given_as_count_per_unit_with_an_optional_burst() -> None:
    from sync.server.ratelimit import Rate, RateLimiter

    assert Rate.parse("20/s:200") == Rate(20.0, 200)
    assert Rate.parse("600/min") == Rate(10.0, 10)
    assert Rate.parse("1/h:5").burst == 5
    for bad in ("", "20", "0/s", "-1/s", "x/s", "20/day", "20/s:0", "20/s:x"):
        with pytest.raises(ValueError):
            Rate.parse(bad)
    now = [0.0]
    limiter = RateLimiter(Rate(2.0, 2), clock=lambda: now[0])
    assert [limiter.wait_s("pc") for _ in range(3)] == [0.0, 0.0, 0.5]
    assert limiter.wait_s("other-pc") == 0.0  # one bucket per client
    now[0] += 0.5
    assert limiter.wait_s("pc") == 0.0
    bad_flag = subprocess.run([*server_command(), "run", "--device-rate", "fast"],
                              capture_output=True, text=True, timeout=60, check=False)
    assert bad_flag.returncode == 2 and "not a rate: 'fast'" in bad_flag.stderr
