"""SQLite's storage failures become the register's clear errors, and nothing saved is lost.

A register locked by another process, a full disk (a real small tmpfs, or a page cap on the
connection), a read-only connection and a damaged file each raise their `StorageError` kind
with a message saying what to do; the failed transaction rolls back whole and `check` passes
afterwards. The CLI half runs the installed `motcua` console script in a subprocess.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from desktop.register import db
from desktop.register.errors import (
    CorruptRegister,
    DiskFull,
    ReadOnlyRegister,
    RegisterLocked,
    StorageError,
)
from desktop.register.service import Register
from sync.errors import KnownError
from tests.conftest import (
    NAMES,
    FixedClock,
    cli_env,
    motcua_command,
    open_register,
    table_counts,
    valid_input,
)
from tests.support.storage import fill_disk, lock_held_by_another_process, page_cap, small_disk

EXIT_STORAGE = 5  # desktop.cli.EXIT_STORAGE, the documented code


def _receive(reg: Register, clock: FixedClock, i: int) -> str:
    clock.advance(minutes=7)
    view = reg.receive(valid_input(reg, "certified_copy", name=NAMES[i % len(NAMES)]), "canbo1")
    assert view.code
    return view.code


def _codes(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT code FROM dossiers")}
    finally:
        con.close()


def _motcua(home: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(motcua_command() + list(args), env=cli_env(home), capture_output=True, check=False,
                          text=True, encoding="utf-8", timeout=timeout)


@pytest.fixture
def quick_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Connections made from now on wait 0.3 s for a lock instead of 10 s."""
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 300)


# --- the mapping, one kind per SQLite failure ----------------------------------------------


@pytest.mark.parametrize(("message", "kind"), [
    ("database is locked", RegisterLocked),
    ("database or disk is full", DiskFull),
    ("attempt to write a readonly database", ReadOnlyRegister),
    ("file is not a database", CorruptRegister),
    ("database disk image is malformed", CorruptRegister),
    ("disk I/O error", StorageError),
])
def test_each_sqlite_storage_failure_has_its_kind_and_a_message_in_both_languages(
        message: str, kind: type[StorageError]) -> None:
    mapped = db.storage_error(sqlite3.OperationalError(message))
    assert type(mapped) is kind and isinstance(mapped, KnownError)
    assert mapped.detail == message
    assert mapped.message("vi") != mapped.message("en")
    assert all(mapped.message(lang).strip() for lang in ("vi", "en"))


def test_constraint_and_sql_errors_stay_bugs() -> None:
    assert db.storage_error(sqlite3.IntegrityError("UNIQUE constraint failed: x.y")) is None
    assert db.storage_error(sqlite3.OperationalError("no such table: nowhere")) is None
    assert db.storage_error(ValueError("database is locked")) is None


def test_the_messages_say_what_to_do() -> None:
    assert "đóng motcua" in RegisterLocked().message("vi").lower()
    assert "close the other motcua" in RegisterLocked().message("en").lower()
    assert "giải phóng dung lượng" in DiskFull().message("vi")
    assert "free some disk space" in DiskFull().message("en").lower()
    assert "quyền ghi" in ReadOnlyRegister().message("vi")
    assert "permissions" in ReadOnlyRegister().message("en")
    assert "motcua restore" in CorruptRegister().message("vi")
    assert "motcua restore" in CorruptRegister().message("en")


# --- real failures on a real register file ----------------------------------------------------


def test_a_register_locked_by_another_process_refuses_the_write_and_loses_nothing(
        home: Path, clock: FixedClock, quick_busy_timeout: None) -> None:
    reg = open_register(home / "register.sqlite3", clock, auto_backup=False)
    try:
        saved = [_receive(reg, clock, i) for i in range(3)]
        before = table_counts(reg.path)
        with lock_held_by_another_process(reg.path):
            with pytest.raises(RegisterLocked) as refused:
                _receive(reg, clock, 3)
            assert refused.value.detail == "database is locked"
            assert reg.get(saved[0]).code == saved[0]  # reading still works (WAL)
        assert table_counts(reg.path) == before
        after = _receive(reg, clock, 4)  # the lock is gone: the register works again
        assert _codes(reg.path) == {*saved, after}
        assert reg.check().ok
    finally:
        reg.close()


def test_a_full_file_refuses_the_write_whole_and_keeps_every_dossier_saved_before(
        home: Path, clock: FixedClock) -> None:
    reg = open_register(home / "register.sqlite3", clock, auto_backup=False)
    try:
        saved = [_receive(reg, clock, i) for i in range(2)]
        with page_cap(reg, extra_pages=12):
            with pytest.raises(DiskFull) as full:
                for i in range(2, 500):
                    before = table_counts(reg.path)
                    saved.append(_receive(reg, clock, i))
            assert "full" in full.value.detail
            assert len(saved) < 500
            assert table_counts(reg.path) == before  # the failed receipt left no row behind
        assert _codes(reg.path) == set(saved)
        assert reg.check().ok
        saved.append(_receive(reg, clock, 600))  # room again: the register goes on
        assert reg.check().ok
    finally:
        reg.close()


def test_a_read_only_register_refuses_the_write_with_its_message(
        home: Path, clock: FixedClock) -> None:
    reg = open_register(home / "register.sqlite3", clock, auto_backup=False)
    try:
        saved = _receive(reg, clock, 0)

        def query_only(dbapi_connection: sqlite3.Connection, _record: object) -> None:
            dbapi_connection.execute("PRAGMA query_only = 1")  # SQLITE_READONLY on any write

        reg.engine.dispose()
        event.listen(reg.engine, "connect", query_only)
        with pytest.raises(ReadOnlyRegister):
            _receive(reg, clock, 1)
        event.remove(reg.engine, "connect", query_only)
        reg.engine.dispose()
        assert _codes(reg.path) == {saved}
    finally:
        reg.close()


def test_a_damaged_file_opened_without_the_start_up_check_is_a_corrupt_register(
        home: Path, clock: FixedClock) -> None:
    path = home / "register.sqlite3"
    open_register(path, clock, auto_backup=False).close()
    data = bytearray(path.read_bytes())
    data[100:] = os.urandom(len(data) - 100)  # the header stays: only SQLite can tell
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptRegister) as damaged:
        Register.open(path, clock=clock, auto_backup=False, quick_check=False)
    assert "motcua restore" in damaged.value.message("en")


# --- the CLI --------------------------------------------------------------------------------


def test_the_cli_says_the_register_is_locked_in_the_chosen_language_with_its_exit_code(
        home: Path, clock: FixedClock) -> None:
    reg = open_register(home / "register.sqlite3", clock)
    saved = [_receive(reg, clock, i) for i in range(2)]
    reg.close()
    with lock_held_by_another_process(home / "register.sqlite3"):
        done = _motcua(home, "--lang", "en", "demo-data", "1")
    assert done.returncode == EXIT_STORAGE, done.stderr
    assert RegisterLocked().message("en") in done.stderr
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    assert _codes(home / "register.sqlite3") == set(saved)
    check = _motcua(home, "check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_known_refusal_is_a_message_and_a_bug_keeps_its_traceback(
        home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    refused = _motcua(home, "restore", str(home / "missing" / "nothing.sqlite3"))
    assert refused.returncode == 2  # EXIT_REFUSED: not a motcua register, said in Vietnamese
    assert "không phải là sổ đăng ký motcua" in refused.stderr
    assert "Traceback" not in refused.stderr

    from desktop import cli

    def locked(_args: object) -> int:
        raise RegisterLocked("database is locked")

    monkeypatch.setattr(cli, "cmd_check", locked)
    assert cli.main(["--lang", "en", "check"]) == cli.EXIT_STORAGE == EXIT_STORAGE
    assert capsys.readouterr().err.strip() == RegisterLocked().message("en")

    def raw_full(_args: object) -> int:  # SQLite's own error, outside the session helpers
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(cli, "cmd_check", raw_full)
    assert cli.main(["check"]) == EXIT_STORAGE
    assert capsys.readouterr().err.strip() == DiskFull().message("vi")

    def bug(_args: object) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli, "cmd_check", bug)
    with pytest.raises(RuntimeError, match="a bug"):  # not swallowed: Python prints it
        cli.main(["check"])
    assert "EXIT_STORAGE" not in capsys.readouterr().err


@pytest.fixture
def tiny_home(tmp_path: Path) -> Iterator[Path]:
    """MOTCUA_HOME on a real 8 MB tmpfs; skipped where tmpfs cannot be mounted (not root).

    Where mounting fails, the page-cap test above and the UI's disk-full test still cover
    SQLITE_FULL; only the subprocess half needs a real small file system.
    """
    with small_disk(tmp_path / "disk", "8m") as disk:
        if disk is None:
            pytest.skip("cannot mount a tmpfs here (needs root); the page-cap tests cover it")
        yield disk


def test_the_cli_says_the_disk_is_full_and_every_dossier_saved_before_is_still_there(
        tiny_home: Path, clock: FixedClock) -> None:
    path = tiny_home / "register.sqlite3"
    reg = open_register(path, clock, auto_backup=False)
    saved = {_receive(reg, clock, i) for i in range(4)}
    reg.close()
    filler = fill_disk(tiny_home, leave_bytes=160_000)
    full = _motcua(tiny_home, "demo-data", "2000")
    assert full.returncode == EXIT_STORAGE, full.stdout + full.stderr
    assert DiskFull().message("vi") in full.stderr
    assert "Traceback" not in full.stderr
    kept = _codes(path)
    assert saved <= kept  # the demo's batches that fitted are committed; nothing was lost
    filler.unlink()
    check = _motcua(tiny_home, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    reg = Register.open(path, clock=clock, auto_backup=False)
    try:  # disk space freed: the register goes on
        more = _receive(reg, clock, 9)
        assert _codes(path) == kept | {more}
        assert reg.check().ok
    finally:
        reg.close()
