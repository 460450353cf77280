"""Backups and restores of the register, schema versions, and a damaged file at start-up."""

from __future__ import annotations

import hashlib
import random
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from desktop.register import backup, db
from desktop.register.errors import IntegrityProblem, NotFoundError, RegisterVersionError
from desktop.register.service import Register
from tests.conftest import (
    FixedClock,
    cli_env,
    local_time,
    motcua_command,
    valid_input,
)


def _run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(motcua_command() + list(args), env=cli_env(home), capture_output=True,
                          text=True, encoding="utf-8", timeout=120, check=False)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _codes(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT code FROM dossiers")}
    finally:
        con.close()


# --- online backup ---------------------------------------------------------------------------


def test_backup_while_another_connection_holds_a_write_transaction_gives_the_committed_data(
        busy_register: Register, home: Path) -> None:
    committed = _codes(busy_register.path)
    busy_register.close()
    writer = sqlite3.connect(busy_register.path, isolation_level=None)
    try:
        writer.execute("PRAGMA busy_timeout = 100")
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE dossiers SET applicant_name = 'CHƯA LƯU'")
        writer.execute("DELETE FROM events WHERE device_seq > 10")
        dest = home / "usb" / "sao-luu.sqlite3"
        done = _run(home, "backup", str(dest))
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == f"Đã sao lưu sổ đăng ký vào {dest}"
    finally:
        writer.rollback()
        writer.close()
    assert not Path(str(dest) + "-wal").exists()  # one self-contained file
    assert db.is_motcua_register(dest)
    copy = Register.open(dest, auto_backup=False)
    try:
        assert copy.check().ok
        assert _codes(dest) == committed
        assert "CHƯA LƯU" not in {r.applicant_name for r in copy.list_dossiers()}
    finally:
        copy.close()


def test_opening_the_register_takes_the_days_automatic_backup_named_by_the_office_date(
        busy_register: Register, home: Path, clock: FixedClock) -> None:
    busy_register.close()
    clock.set(local_time(2026, 11, 18, 6, 30))  # still 17/11 in UTC
    Register.open(busy_register.path, clock=clock).close()
    assert sorted(p.name for p in (home / "backups").iterdir()) == [
        "daily-2026-11-18.sqlite3", "weekly-2026-W47.sqlite3"]
    assert _codes(home / "backups" / "daily-2026-11-18.sqlite3") == _codes(busy_register.path)


def test_automatic_backups_keep_the_last_7_daily_and_4_weekly_copies(
        register: Register, home: Path, clock: FixedClock) -> None:
    folder = home / "backups"
    start = date(2026, 11, 16)  # 60 days, across the new year
    for k in range(60):
        day = start + timedelta(days=k)
        clock.set(local_time(day.year, day.month, day.day, 9))
        register.receive(valid_input(register, "certified_copy"), "canbo1")
        backup.auto_backup(register.path, folder, clock())
        assert len(list(folder.glob("daily-*.sqlite3"))) <= 7
        assert len(list(folder.glob("weekly-*.sqlite3"))) <= 4
    last = start + timedelta(days=59)
    assert last == date(2027, 1, 14)
    dailies = sorted(p.name for p in folder.glob("daily-*"))
    assert dailies == [f"daily-{last - timedelta(days=d)}.sqlite3" for d in range(6, -1, -1)]
    weeklies = sorted(p.name for p in folder.glob("weekly-*"))
    assert weeklies == ["weekly-2026-W52.sqlite3", "weekly-2026-W53.sqlite3",
                        "weekly-2027-W01.sqlite3", "weekly-2027-W02.sqlite3"]
    # Each copy holds the register as it was that day (one dossier a day).
    assert len(_codes(folder / f"daily-{last}.sqlite3")) == 60
    assert len(_codes(folder / "daily-2027-01-08.sqlite3")) == 54
    # A week's copy is taken on its first day: Monday 11 January 2027 is day 57.
    assert len(_codes(folder / "weekly-2027-W02.sqlite3")) == 57


# --- restore ---------------------------------------------------------------------------------


def _not_a_register(kind: str, path: Path) -> None:
    if kind == "text":
        path.write_text("Danh sách hồ sơ\nNguyễn Văn Dũng\n", encoding="utf-8")
    elif kind == "other-sqlite":
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE dossiers (code TEXT)")
        con.execute("INSERT INTO dossiers VALUES ('000.00.01.H29-261116-1001')")
        con.commit()
        con.close()
    elif kind == "empty":
        path.write_bytes(b"")


@pytest.mark.parametrize("kind", ["text", "other-sqlite", "empty", "missing"])
def test_restore_refuses_a_file_that_is_not_a_register_and_leaves_the_register_alone(
        busy_register: Register, home: Path, kind: str) -> None:
    busy_register.close()
    before = _digest(busy_register.path)
    candidate = home / "khong-phai.sqlite3"
    _not_a_register(kind, candidate)
    done = _run(home, "restore", str(candidate))
    assert done.returncode == 2
    assert done.stderr.strip() == \
        f"Tệp {candidate} không phải là sổ đăng ký motcua; không khôi phục."
    assert _digest(busy_register.path) == before
    assert not list((home / "backups").glob("pre-restore-*"))


def test_restore_refuses_a_register_that_fails_its_check(busy_register: Register,
                                                         home: Path) -> None:
    tampered = busy_register.backup(home / "tampered.sqlite3")
    busy_register.close()
    con = sqlite3.connect(tampered)
    with con:
        con.execute("UPDATE events SET payload = replace(payload, 'Đặng', 'Đỗ') "
                    "WHERE kind = 'dossier.received'")
    con.close()
    before = _digest(busy_register.path)
    done = _run(home, "restore", str(tampered))
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert lines[0] == "Tệp sao lưu không vượt qua kiểm tra, không khôi phục:"
    assert lines[1].startswith("Phát hiện ")
    assert any(line.endswith("nội dung đã bị sửa sau khi ghi.") for line in lines)
    assert _digest(busy_register.path) == before
    assert not list((home / "backups").glob("pre-restore-*"))


def test_restore_refuses_a_backup_from_a_newer_motcua(busy_register: Register,
                                                      home: Path) -> None:
    newer = busy_register.backup(home / "newer.sqlite3")
    busy_register.close()
    con = sqlite3.connect(newer)
    with con:
        con.execute("UPDATE alembic_version SET version_num = 'ffff'")
    con.close()
    before = _digest(busy_register.path)
    done = _run(home, "restore", str(newer))
    assert done.returncode == 2
    assert "phiên bản motcua mới hơn (lược đồ ffff)" in done.stderr
    assert _digest(busy_register.path) == before


def test_restore_puts_a_good_backup_in_place_and_keeps_the_previous_register(
        busy_register: Register, home: Path, clock: FixedClock) -> None:
    saved = busy_register.backup(home / "usb" / "thu-sau.sqlite3")
    clock.advance(days=1)
    extra = busy_register.receive(valid_input(busy_register, "certified_copy"), "canbo1").code
    after_backup = _codes(busy_register.path)
    busy_register.close()
    done = _run(home, "restore", str(saved))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Đã khôi phục sổ đăng ký từ {saved}"
    restored = Register.open(busy_register.path, clock=clock, auto_backup=False)
    try:
        assert restored.check().ok
        assert _codes(busy_register.path) == after_backup - {extra}
        with pytest.raises(NotFoundError):
            restored.get(extra)
    finally:
        restored.close()
    [kept] = (home / "backups").glob("pre-restore-*.sqlite3")
    assert _codes(kept) == after_backup  # what was replaced is still there


class _SameSecond(datetime):
    @classmethod
    def now(cls, tz: object = None) -> datetime:  # type: ignore[override]
        return datetime(2026, 11, 20, 8, 0, 0, tzinfo=UTC)


def test_two_restores_in_the_same_second_keep_both_previous_registers(
        busy_register: Register, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup, "datetime", _SameSecond)
    older = busy_register.backup(home / "older.sqlite3")
    busy_register.receive(valid_input(busy_register, "certified_copy"), "canbo1")
    newest = _codes(busy_register.path)
    busy_register.close()
    backup.restore(older, busy_register.path, home / "backups")
    backup.restore(older, busy_register.path, home / "backups")
    kept = sorted((home / "backups").glob("pre-restore-*.sqlite3"))
    assert len(kept) == 2
    assert newest in [_codes(k) for k in kept]  # the register replaced first is not lost


# --- schema versions and damaged files ---------------------------------------------------------


def test_a_register_newer_than_the_program_is_refused_with_a_clear_message(
        busy_register: Register, home: Path) -> None:
    busy_register.close()
    con = sqlite3.connect(busy_register.path)
    with con:
        con.execute("UPDATE alembic_version SET version_num = 'ffff'")
    con.close()
    before = _digest(busy_register.path)
    with pytest.raises(RegisterVersionError) as refused:
        Register.open(busy_register.path)
    assert refused.value.message_vi == (
        "Sổ đăng ký được tạo bởi phiên bản motcua mới hơn (lược đồ ffff). "
        "Hãy cập nhật motcua lên phiên bản mới nhất rồi mở lại.")
    assert _digest(busy_register.path) == before  # neither migrated nor "fixed"
    assert not list((home / "backups").glob("pre-migration-*"))
    done = _run(home, "check")
    assert done.returncode == 2
    assert done.stderr.strip() == refused.value.message_vi


def _leave_wal_behind(path: Path) -> None:
    """A writer that dies after its commit: -wal and -shm stay beside the register."""
    script = ("import os, sqlite3, sys\n"
              "con = sqlite3.connect(sys.argv[1])\n"
              "con.execute('PRAGMA wal_autocheckpoint = 0')\n"
              "con.execute(\"UPDATE meta SET value = value WHERE key = 'office_name'\")\n"
              "con.commit()\n"
              "os._exit(0)\n")
    subprocess.run([sys.executable, "-c", script, str(path)], check=True, timeout=60)


def _damage_a_middle_page(path: Path) -> None:
    """Overwrite a page in the middle of the file with random bytes (seeded: repeatable)."""
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA freelist_count").fetchone()[0] == 0  # every page in use
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        pages = con.execute("PRAGMA page_count").fetchone()[0]
    finally:
        con.close()
    middle = pages // 2
    assert middle > 10
    with open(path, "r+b") as fh:
        fh.seek((middle - 1) * page_size)
        fh.write(random.Random(20261116).randbytes(page_size))


def test_a_damaged_register_is_quarantined_and_the_error_says_how_to_restore(
        busy_register: Register, home: Path, clock: FixedClock) -> None:
    busy_register.receive_many([valid_input(busy_register, "certified_copy")] * 300, "canbo1")
    saved = busy_register.backup(home / "backups" / "daily-2026-11-16.sqlite3")
    busy_register.close()
    path = busy_register.path
    _damage_a_middle_page(path)
    damaged = _digest(path)

    with pytest.raises(IntegrityProblem) as refused:
        Register.open(path, clock=clock)
    message = refused.value.message_vi
    assert message.startswith("Sổ đăng ký bị hỏng và đã được chuyển sang ")
    assert "motcua restore <tệp sao lưu>" in message
    assert "backups" in message
    assert not path.exists()
    moved, *companions = sorted((home / "quarantine").iterdir())
    assert {p.name.removeprefix(moved.name) for p in companions} <= {"-wal", "-shm"}
    assert str(moved) in message
    assert _digest(moved) == damaged  # kept as it was, never deleted

    done = _run(home, "restore", str(saved))
    assert done.returncode == 0, done.stderr
    reopened = Register.open(path, clock=clock)
    try:
        assert reopened.check().ok
        assert reopened.count_dossiers() == 324
    finally:
        reopened.close()


def test_a_file_that_is_not_sqlite_is_refused_at_start_up_and_left_in_place(home: Path) -> None:
    path = home / "register.sqlite3"
    path.write_text("không phải cơ sở dữ liệu", encoding="utf-8")
    with pytest.raises(RegisterVersionError, match="không phải là sổ đăng ký motcua"):
        Register.open(path)
    assert path.read_text(encoding="utf-8") == "không phải cơ sở dữ liệu"


def test_a_damaged_register_goes_to_quarantine_with_its_wal_and_shm_untouched(
        busy_register: Register, home: Path, clock: FixedClock) -> None:
    busy_register.receive_many([valid_input(busy_register, "certified_copy")] * 300, "canbo1")
    busy_register.close()
    path = busy_register.path
    _damage_a_middle_page(path)
    _leave_wal_behind(path)
    left = {suffix: _digest(Path(f"{path}{suffix}")) for suffix in ("", "-wal")}
    with pytest.raises(IntegrityProblem):
        Register.open(path, clock=clock)
    assert not any(Path(f"{path}{s}").exists() for s in ("", "-wal", "-shm"))
    moved = sorted((home / "quarantine").iterdir())
    assert [p.name.removeprefix(moved[0].name) for p in moved] == ["", "-shm", "-wal"]
    assert {s: _digest(Path(f"{moved[0]}{s}")) for s in ("", "-wal")} == left
