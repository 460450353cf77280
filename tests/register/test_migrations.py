"""Registers made by earlier schemas open, upgrade to head after a backup, and lose nothing."""

from __future__ import annotations

import importlib.util
import shutil
import sqlite3
from pathlib import Path
from types import ModuleType

import pytest

from desktop.register import migrate
from desktop.register.service import Register
from tests.conftest import FixedClock, valid_input

DATA = Path(__file__).resolve().parents[1] / "data"
FIXTURE_0001 = DATA / "register-0001.sqlite3"


def _builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_fixture_0001",
                                                  DATA / "make_fixture_0001.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _snapshot(path: Path) -> dict[str, object]:
    """Every row of the tables schema 0001 had, plus its version and table list."""
    con = sqlite3.connect(path)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        rows = {t: sorted(map(tuple, con.execute(f"SELECT * FROM {t}")))
                for t in ("events", "dossiers", "logbook_volumes", "logbook_entries",
                          "counters", "calendar_overrides")}
        meta = dict(con.execute("SELECT key, value FROM meta"))
        version = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        con.close()
    return {"tables": tables, "rows": rows, "meta": meta, "version": version}


def _assert_upgrades_without_loss(path: Path, home: Path, clock: FixedClock,
                                  from_revision: str) -> None:
    before = _snapshot(path)
    assert before["version"] == from_revision

    reg = Register.open(path, clock=clock)
    try:
        after = _snapshot(path)
        assert after["version"] == migrate.head_revision()
        assert {"dossier_search", "accounts"} <= after["tables"]  # type: ignore[operator]
        assert after["rows"] == before["rows"]  # every event, dossier, book entry kept
        assert after["meta"] == before["meta"]

        [kept] = (home / "backups").glob(f"pre-migration-{from_revision}-*.sqlite3")
        assert _snapshot(kept) == before  # the copy taken before migrating is the old file

        report = reg.check()
        assert report.ok, report.text()
        assert report.stats["dossiers"] == 12

        # Search works on the dossiers that existed before the index did.
        assert {r.applicant_name for r in reg.search("nguyen van d")} == {
            "Nguyễn Văn Dũng", "Nguyễn Văn Dương"}
        assert {r.applicant_name for r in reg.search("nguyen van dung")} == {"Nguyễn Văn Dũng"}
        assert {r.applicant_name for r in reg.search("dang")} == {"Đặng Thị Ánh"}
        assert {r.applicant_name for r in reg.search("0987")} == {"Đặng Thị Ánh"}
        assert [r.code for r in reg.search("000.00.01.H29-261116-1003")] == [
            "000.00.01.H29-261116-1003"]

        # And the register goes on: the day's sequence continues, old dossiers move on.
        new = reg.receive(valid_input(reg, "certified_copy", name="Hoàng Văn Thụ"), "canbo1")
        assert new.code == "000.00.01.H29-261116-1013"
        old = reg.receive_supplement("000.00.01.H29-261116-1003", "canbo1")
        assert old.status == 4
        assert {r.code for r in reg.search("hoang van thu")} == {new.code}
        assert reg.check().ok
    finally:
        reg.close()


def test_the_committed_0001_register_upgrades_to_head_without_loss(
        home: Path, clock: FixedClock) -> None:
    path = home / "register.sqlite3"
    shutil.copyfile(FIXTURE_0001, path)  # never open the committed file in place
    con = sqlite3.connect(path)
    try:
        assert not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'dossier_search'"
                               ).fetchone()
    finally:
        con.close()
    _assert_upgrades_without_loss(path, home, clock, "0001")


def test_the_committed_0001_fixture_is_what_its_script_builds(tmp_path: Path) -> None:
    rebuilt = _builder().build_register(tmp_path / "rebuilt.sqlite3")
    assert _snapshot(rebuilt) == _snapshot(FIXTURE_0001)


EARLIER = sorted(migrate.known_revisions() - {migrate.head_revision()})


@pytest.mark.parametrize("revision", EARLIER)
def test_a_register_made_by_an_earlier_schema_upgrades_to_head_without_loss(
        home: Path, clock: FixedClock, revision: str) -> None:
    path = _builder().build_register(home / "register.sqlite3", revision)
    _assert_upgrades_without_loss(path, home, clock, revision)


def test_a_register_downgraded_by_hand_to_0001_upgrades_again(
        register: Register, home: Path, clock: FixedClock) -> None:
    # The quick way of the brief: today's register, with what 0002 and later added removed.
    codes = [register.receive(valid_input(register, p, name=n), "canbo1").code
             for p, n in (("marital_status_confirmation", "Nguyễn Văn Dũng"),
                          ("certified_copy", "Đặng Thị Ánh"))]
    register.close()
    con = sqlite3.connect(register.path)
    with con:
        con.execute("DROP TABLE dossier_search")
        con.execute("DROP TABLE account_changes")
        con.execute("DROP TABLE accounts")
        con.execute("DROP INDEX ix_events_unacked")
        con.execute("UPDATE alembic_version SET version_num = '0001'")
    con.close()
    reg = Register.open(register.path, clock=clock)
    try:
        assert migrate.current_revision(reg.engine) == migrate.head_revision()
        assert [r.code for r in reg.search("dang")] == [codes[1]]
        assert reg.check().ok
        assert list((home / "backups").glob("pre-migration-0001-*.sqlite3"))
    finally:
        reg.close()
