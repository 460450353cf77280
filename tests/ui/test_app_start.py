"""Start-up: the login takes input while the register is still opening; the peek behind it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from desktop.app import AppController
from desktop.register.peek import peek
from desktop.register.service import Register
from desktop.ui.qt import QLabel, Qt, sip
from tests.conftest import OFFICE_NAME, UI_PASSWORD, open_register


def ready_register(path: Path, clock: Any) -> None:
    """A register set up with its administrator, closed (as after a day's work)."""
    reg = open_register(path, clock, auto_backup=False)
    reg.create_account("admin", "Nguyễn Văn Quản", "admin", UI_PASSWORD)
    reg.close()


def start_to_login(qtbot: Any, controller: AppController) -> Any:
    """Start the app and return the login it shows (before the register is open)."""
    with qtbot.waitSignal(controller.login_shown, timeout=1_000) as shown:
        controller.start()
    return shown.args[0]


class Lock:
    """Another connection holding the register exclusively: opening it waits until release
    (as when a backup tool or a second copy of motcua holds the file)."""

    def __init__(self, path: Path):
        self.con = sqlite3.connect(path, isolation_level=None)
        self.con.execute("PRAGMA locking_mode = EXCLUSIVE")
        self.con.execute("BEGIN EXCLUSIVE")

    def release(self) -> None:
        self.con.execute("COMMIT")
        self.con.close()


def test_a_login_typed_while_the_register_opens_waits_for_it_then_logs_in(
        qtbot: Any, controller: AppController, clock: Any) -> None:
    path = controller.register_path
    assert path is not None
    ready_register(path, clock)
    login = start_to_login(qtbot, controller)
    assert controller.register is None  # shown before the register is open
    assert OFFICE_NAME in [label.text() for label in login.findChildren(QLabel)]
    lock = Lock(path)
    try:
        qtbot.keyClicks(login.username, "admin")
        qtbot.keyClicks(login.password, UI_PASSWORD)
        qtbot.keyClick(login.password, Qt.Key.Key_Return)
        qtbot.wait(300)  # the worker is blocked on the lock: still opening
        assert controller.register is None
        assert login.opening.isVisible() and login.opening.text() == "Đang mở sổ đăng ký…"
        assert not login.ok.isEnabled()
        assert login.isVisible() and controller.window.ctx is None
    finally:
        lock.release()
    qtbot.waitSignal(controller.main_ready, timeout=10_000).wait()  # raises on a timeout
    assert not login.isVisible()
    assert controller.window.ctx is not None
    assert controller.window.ctx.user.username == "admin"


def test_a_wrong_password_typed_while_the_register_opens_is_still_refused(
        qtbot: Any, controller: AppController, clock: Any) -> None:
    path = controller.register_path
    assert path is not None
    ready_register(path, clock)
    login = start_to_login(qtbot, controller)
    lock = Lock(path)
    try:
        qtbot.keyClicks(login.username, "admin")
        qtbot.keyClicks(login.password, "sai-mat-khau")
        login.ok.click()
        qtbot.wait(100)
        assert login.opening.isVisible() and controller.register is None
    finally:
        lock.release()
    qtbot.waitUntil(login.error.isVisible, timeout=10_000)
    assert login.error.text() == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert not login.opening.isVisible()
    assert login.isVisible() and login.ok.isEnabled() and login.user is None
    assert controller.register is not None and controller.window.ctx is None
    login.password.clear()
    qtbot.keyClicks(login.password, UI_PASSWORD)
    with qtbot.waitSignal(controller.main_ready, timeout=10_000):
        qtbot.keyClick(login.password, Qt.Key.Key_Return)
    assert controller.window.ctx.user.username == "admin"


def test_first_start_without_a_register_file_reaches_the_wizard_not_the_login(
        qtbot: Any, controller: AppController) -> None:
    logins: list[Any] = []
    controller.login_shown.connect(logins.append)
    with qtbot.waitSignal(controller.wizard_shown, timeout=10_000) as shown:
        controller.start()
    assert logins == []
    assert shown.args[0] is controller.dialog and shown.args[0].isVisible()
    assert shown.args[0].need_office
    assert controller.register is not None and not controller.register.is_set_up()


def test_a_register_set_up_without_accounts_reaches_the_wizard_for_its_administrator(
        qtbot: Any, controller: AppController, clock: Any) -> None:
    path = controller.register_path
    assert path is not None
    open_register(path, clock, auto_backup=False).close()
    logins: list[Any] = []
    controller.login_shown.connect(logins.append)
    with qtbot.waitSignal(controller.wizard_shown, timeout=10_000) as shown:
        controller.start()
    assert logins == []
    assert not shown.args[0].need_office


def test_a_register_that_fails_to_open_closes_the_waiting_login_and_says_why(
        qtbot: Any, controller: AppController, clock: Any, ui_errors: Any) -> None:
    path = controller.register_path
    assert path is not None
    ready_register(path, clock)
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")  # from a newer motcua
    con.commit()
    con.close()
    login = start_to_login(qtbot, controller)
    qtbot.keyClicks(login.username, "admin")
    qtbot.keyClicks(login.password, UI_PASSWORD)
    login.ok.click()
    qtbot.waitUntil(lambda: bool(ui_errors), timeout=10_000)
    kind, text = ui_errors[0]
    assert kind == "message" and "phiên bản motcua mới hơn" in text
    assert controller.dialog is None
    qtbot.waitUntil(lambda: sip.isdeleted(login), timeout=1_000)  # closed and gone
    assert controller.window.isVisible()  # the message stays readable; nothing quits
    assert controller.window.placeholder.text().startswith("Không mở được sổ đăng ký: ")
    assert controller.register is None and controller.window.ctx is None


LOGIN_PROBE = """
import json, os, sys
from pathlib import Path
from desktop.app import build

app, controller = build(["motcua"], register_path=Path(sys.argv[1]))

def shown(dialog):
    heavy = sorted(m for m in sys.modules if m == "sqlalchemy" or m.startswith(
        ("desktop.register.service", "desktop.register.models", "desktop.ui.home")))
    print(json.dumps({"login": type(dialog).__name__, "heavy": heavy}), flush=True)
    os._exit(0)

controller.login_shown.connect(shown)
controller.start()
app.exec()
"""


def test_the_login_shows_before_sqlalchemy_and_the_register_are_imported(
        home: Path, clock: Any) -> None:
    path = home / "office.sqlite3"
    ready_register(path, clock)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MOTCUA_HOME": str(home)}
    out = subprocess.run([sys.executable, "-c", LOGIN_PROBE, str(path)], env=env,
                         capture_output=True, text=True, timeout=60, check=True)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen == {"login": "LoginDialog", "heavy": []}


# --- the peek behind the early login (no Qt) ---------------------------------------------------


def test_the_peek_finds_a_register_ready_for_login_and_its_office_name(
        home: Path, clock: Any) -> None:
    path = home / "office.sqlite3"
    ready_register(path, clock)
    before = path.stat().st_mtime_ns
    seen = peek(path)
    assert seen.ready_for_login and seen.office_name == OFFICE_NAME
    assert path.stat().st_mtime_ns == before  # read-only


def test_the_peek_is_not_ready_without_office_accounts_or_a_register_file(
        home: Path, clock: Any) -> None:
    assert not peek(home / "missing.sqlite3").ready_for_login
    blank = home / "blank.sqlite3"
    Register.open(blank, clock=clock, auto_backup=False).close()
    assert not peek(blank).ready_for_login  # no office declared
    office_only = home / "office-only.sqlite3"
    open_register(office_only, clock, auto_backup=False).close()
    assert not peek(office_only).ready_for_login  # no account yet
    foreign = home / "other.sqlite3"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE meta (key TEXT, value TEXT)")
    con.execute("CREATE TABLE accounts (username TEXT)")
    con.execute("INSERT INTO meta VALUES ('agency_id', 'x')")
    con.execute("INSERT INTO accounts VALUES ('admin')")
    con.commit()
    con.close()
    assert not peek(foreign).ready_for_login  # not stamped as a motcua register
    garbage = home / "garbage.sqlite3"
    garbage.write_bytes(b"not a database at all" * 100)
    assert not peek(garbage).ready_for_login


def test_the_peek_reads_beside_a_writer(home: Path, clock: Any) -> None:
    path = home / "office.sqlite3"
    ready_register(path, clock)
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE meta SET value = 'Tên mới' WHERE key = 'office_name'")
    try:
        assert peek(path) == peek(path)
        assert peek(path).office_name == OFFICE_NAME  # the last committed state
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_deactivated_officer_is_sent_back_to_the_login_and_told_why(
        qtbot: Any, controller: AppController, clock: Any) -> None:
    path = controller.register_path
    assert path is not None
    ready_register(path, clock)
    with Register.open(path, clock=clock, auto_backup=False) as reg:
        reg.create_account("tn.hoa", "Trần Thị Hoa", "receiving", UI_PASSWORD, actor="admin",
                           must_change_password=False)
    login = start_to_login(qtbot, controller)
    with qtbot.waitSignal(controller.main_ready, timeout=10_000):
        qtbot.keyClicks(login.username, "tn.hoa")
        qtbot.keyClicks(login.password, UI_PASSWORD)
        qtbot.keyClick(login.password, Qt.Key.Key_Return)
    assert controller.register is not None
    controller.register.set_active("tn.hoa", False, "admin")  # by the administrator
    with qtbot.waitSignal(controller.login_shown, timeout=10_000) as again:
        controller.window.refresh()
    assert controller.window.ctx is None
    assert again.args[0].error.text() == "Tài khoản tn.hoa đã bị khóa: phiên làm việc đã kết thúc."
