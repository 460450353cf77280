"""The UI's plumbing: translations, bundled fonts, background ops, errors and the log."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import pytest

from desktop.register.errors import ValidationError
from desktop.ui import errors, i18n, ops
from desktop.ui.i18n_tools import extract, problems
from tests.conftest import wait_ops


def test_every_ui_string_has_an_english_translation_and_the_mo_is_current() -> None:
    assert len(extract()) > 300
    assert problems() == []


def test_english_is_shipped_and_vietnamese_is_the_default(qtbot: Any, make_ctx: Any) -> None:
    from desktop.ui.main_window import MainWindow

    try:
        assert i18n.set_language("en") == "en"
        assert i18n._("Trang chủ") == "Home"
        ctx = make_ctx("tn.hoa")
        window = MainWindow(ctx.settings)
        qtbot.addWidget(window)
        window.set_context(ctx)
        wait_ops(qtbot)
        assert window.home_action.text() == "Home"
        assert window.home.tiles["overdue"].caption.text() == "Overdue"
        assert window.status.user.text().endswith("Receiving officer")
        assert errors.user_message(ValidationError("Sai.", "Wrong.")) == "Wrong."
    finally:
        i18n.set_language("vi")
    assert i18n._("Trang chủ") == "Trang chủ"


def test_the_bundled_font_draws_every_vietnamese_letter(qapp: Any) -> None:
    from desktop.ui.fonts import load_fonts, missing_vietnamese_glyphs

    family = load_fonts(qapp)
    assert family == "Liberation Sans"
    assert qapp.font().family() == "Liberation Sans"
    assert missing_vietnamese_glyphs() == ""


def test_an_op_runs_off_the_gui_thread_and_reports_back_on_it(qtbot: Any, qapp: Any) -> None:
    seen: dict[str, Any] = {}
    gui = threading.get_ident()

    def work(ctx: Any) -> int:
        seen["worker"] = threading.get_ident()
        return 42

    def done(value: int) -> None:
        seen["value"], seen["delivered_on"] = value, threading.get_ident()

    ops.run_op(work, on_success=done)
    wait_ops(qtbot)
    assert seen["value"] == 42
    assert seen["worker"] != gui
    assert seen["delivered_on"] == gui


def test_a_failed_op_is_never_swallowed(qtbot: Any, qapp: Any,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    reported: list[tuple[str, str]] = []
    monkeypatch.setattr(errors, "presenter", lambda p, kind, text: reported.append((kind, text)))
    failures: list[BaseException] = []
    ops.run_op(lambda c: 1 / 0, on_failure=failures.append)
    ops.run_op(lambda c: 1 / 0)  # no handler: the bug report
    ops.run_op(lambda c: (_ for _ in ()).throw(ValidationError("Thiếu tên.", "No name.")))
    wait_ops(qtbot)
    assert isinstance(failures[0], ZeroDivisionError)
    kinds = sorted(kind for kind, _text in reported)
    assert kinds == ["bug", "message"]
    assert ("message", "Thiếu tên.") in reported
    assert any("ZeroDivisionError" in text for kind, text in reported if kind == "bug")


def test_writes_run_one_at_a_time_in_order(qtbot: Any, qapp: Any) -> None:
    order: list[int] = []
    active = {"n": 0, "max": 0}
    lock = threading.Lock()

    def write(i: int) -> Any:
        def run(ctx: Any) -> None:
            with lock:
                active["n"] += 1
                active["max"] = max(active["max"], active["n"])
            order.append(i)
            with lock:
                active["n"] -= 1
        return run

    for i in range(20):
        ops.run_op(write(i), kind="write")
    wait_ops(qtbot)
    assert order == list(range(20))
    assert active["max"] == 1


def test_an_uncaught_exception_is_logged_and_shown_with_details(
        qtbot: Any, qapp: Any, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(errors, "presenter", lambda p, kind, text: shown.append((kind, text)))
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        errors.setup_logging()
        try:
            raise RuntimeError("boom")
        except RuntimeError as exc:
            errors._excepthook(RuntimeError, exc, exc.__traceback__)
        for handler in root.handlers:
            handler.flush()
        log_text = (home / "logs" / errors.LOG_NAME).read_text(encoding="utf-8")
        assert "RuntimeError: boom" in log_text
        assert shown and shown[0][0] == "bug" and "RuntimeError: boom" in shown[0][1]
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
                handler.close()


def test_qt_messages_go_to_the_log(caplog: pytest.LogCaptureFixture) -> None:
    from desktop.ui.qt import QtMsgType

    with caplog.at_level(logging.WARNING, logger="qt"):
        errors._qt_message(QtMsgType.QtWarningMsg, None, "QPainter::begin: Paint device "
                           "returned engine == 0")
    assert "Paint device" in caplog.text


def test_the_bug_dialog_copies_its_details(qtbot: Any, qapp: Any) -> None:
    dialog = errors.BugDialog(None, "Traceback: ZeroDivisionError")
    qtbot.addWidget(dialog)
    dialog.copy_details()
    assert "ZeroDivisionError" in qapp.clipboard().text()
    assert "motcua" in qapp.clipboard().text()


def test_the_desktop_defers_the_integrity_check_only_after_a_clean_close(home: Path,
                                                                         clock: Any) -> None:
    from desktop.register.opening import closed_cleanly, deferred_check, open_for_desktop

    path = home / "desk.sqlite3"
    first = open_for_desktop(path, clock)
    assert first.full_check_done, "a new register is opened the ordinary way"
    first.register.setup_office(province_code=1, commune_code=70, agency_id="000.00.01.H29",
                                office_name="Bộ phận một cửa phường Hoàn Kiếm")
    first.register.close()
    crashed = open_for_desktop(path, clock)
    assert crashed.full_check_done, "no clean close: check before anything else"
    assert deferred_check(crashed.register) == []
    crashed.register.close()
    closed_cleanly(crashed.register)
    quick = open_for_desktop(path, clock)
    assert not quick.full_check_done
    assert quick.register.office().agency_id == "000.00.01.H29"
    (home / "register.check-failed").write_text("page 7: btree damaged")
    quick.register.close()
    closed_cleanly(quick.register)
    again = open_for_desktop(path, clock)
    assert again.full_check_done, "a failed deferred check forces the full one next time"
    again.register.close()


def test_message_strips_show_markup_as_typed_and_the_placeholder_is_centred(qtbot: Any) -> None:
    from desktop.ui.main_window import MainWindow
    from desktop.ui.qt import Qt
    from desktop.ui.widgets import banner, show_banner

    strip = banner("error")
    qtbot.addWidget(strip)
    show_banner(strip, "<b>Nguyễn</b> &amp;")
    strip.show()
    assert strip.textFormat() == Qt.TextFormat.PlainText  # from its style sheet, once polished
    window = MainWindow(None)
    qtbot.addWidget(window)
    window.show()
    assert window.placeholder.alignment() == Qt.AlignmentFlag.AlignCenter
