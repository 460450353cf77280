"""In the UI, a locked register or a full disk is a plain message, never the crash dialog.

A real write goes through desktop/ui/ops.py (kind="write") on a real register file while
another process holds the lock, or while the file may grow no further; errors.py's presenter
records what the user would see. The `ui_errors` fixture fails the test on any bug report.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from desktop.register import db
from desktop.register.errors import DiskFull, RegisterLocked
from desktop.register.service import Register
from desktop.ui import errors, i18n, ops
from tests.conftest import NAMES, FixedClock, table_counts, valid_input, wait_ops
from tests.support.storage import lock_held_by_another_process, page_cap


def _receive_in_the_ui(qtbot: Any, register: Register, clock: FixedClock, name: str
                       ) -> list[Any]:
    """One receipt through the UI's write path; returns what reached on_success."""
    delivered: list[Any] = []
    clock.advance(minutes=5)
    inp = valid_input(register, "certified_copy", name=name)
    ops.run_op(lambda ctx: register.receive(inp, "admin").code, on_success=delivered.append,
               kind="write")
    wait_ops(qtbot, timeout=20_000)
    return delivered


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_register_locked_by_another_process_shows_the_message_not_the_crash_dialog(
        qtbot: Any, qapp: Any, register: Register, clock: FixedClock,
        ui_errors: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch,
        language: str) -> None:
    i18n.set_language(language)
    try:
        first = _receive_in_the_ui(qtbot, register, clock, "Trần Thị Mai")
        assert len(first) == 1
        monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 300)
        register.engine.dispose()  # new connections wait 0.3 s instead of 10 s
        before = table_counts(register.path)
        with lock_held_by_another_process(register.path):
            assert _receive_in_the_ui(qtbot, register, clock, "Lê Văn Lợi") == []
        assert ui_errors == [("message", RegisterLocked().message(language))]
        assert errors.is_known(RegisterLocked())
        assert table_counts(register.path) == before
        assert len(_receive_in_the_ui(qtbot, register, clock, "Lê Văn Lợi")) == 1
        assert register.get(first[0]).code == first[0]
        assert register.check().ok
    finally:
        i18n.set_language("vi")


def test_a_full_disk_shows_the_message_and_every_dossier_saved_before_is_kept(
        qtbot: Any, qapp: Any, register: Register, clock: FixedClock,
        ui_errors: list[tuple[str, str]], home: Path) -> None:
    saved = [code for i in range(2)
             for code in _receive_in_the_ui(qtbot, register, clock, NAMES[i])]
    assert len(saved) == 2
    with page_cap(register, extra_pages=12):
        for i in range(200):
            before = table_counts(register.path)
            delivered = _receive_in_the_ui(qtbot, register, clock, NAMES[i % len(NAMES)])
            if not delivered:
                break
            saved += delivered
        else:
            pytest.fail("the page cap never filled the file")
        assert table_counts(register.path) == before  # the refused receipt left nothing
    assert ui_errors == [("message", DiskFull().message("vi"))]
    assert {register.get(code).code for code in saved} == set(saved)
    assert register.check().ok


def test_an_sqlite_failure_outside_the_session_helpers_is_mapped_the_same_way(
        qtbot: Any, qapp: Any, ui_errors: list[tuple[str, str]]) -> None:
    def raw(ctx: Any) -> None:
        raise sqlite3.OperationalError("database is locked")

    ops.run_op(raw, kind="write")
    ops.run_op(lambda ctx: sqlite3.connect(":memory:").execute("SELECT * FROM nowhere"))
    wait_ops(qtbot)
    assert ("message", RegisterLocked().message("vi")) in ui_errors
    assert sorted(kind for kind, _text in ui_errors) == ["bug", "message"]  # no such table
    ui_errors.clear()  # the bug report above was expected
