"""The main window's sync against a real `motcua-server`: "Đồng bộ ngay" pushes a dossier
received in the UI's register; an unreachable server shows a readable error, GUI responsive."""

# ruff: noqa: F811  (fixtures imported from other test modules are test arguments)

from __future__ import annotations

import time
from typing import Any

from desktop.register.service import Register
from sync.credentials import CredentialStore
from tests.conftest import AGENCY, valid_input, wait_ops
from tests.support.server_fixtures import ServerProcess, free_port, server  # noqa: F401 (fixtures)
from tests.sync.test_sync_client_server import FAST, enroll_register
from tests.sync.test_sync_client_support import credentials, keyring_backend  # noqa: F401 (fixtures)


def _window(qtbot: Any, make_ctx: Any, credentials: CredentialStore) -> Any:
    from desktop.ui.main_window import MainWindow

    ctx = make_ctx("tn.hoa")
    ctx.extras.update(sync_credentials=credentials, sync_options={"policy": FAST})
    window = MainWindow(ctx.settings)
    qtbot.addWidget(window)
    window.set_context(ctx)
    wait_ops(qtbot)
    return window


def test_sync_now_pushes_a_received_dossier_and_shows_nothing_pending(
        qtbot: Any, make_ctx: Any, register: Register, server: ServerProcess,
        credentials: CredentialStore) -> None:
    store = enroll_register(register, server.url, server.enroll_code(server.add_office(agency_id=AGENCY)),
                            credentials)
    register.receive(valid_input(register, "marital_status_confirmation"), "tn.hoa")
    assert store.pending_count() > 0
    window = _window(qtbot, make_ctx, credentials)
    try:
        assert (window.sync_action.text(), window.sync_action.shortcut().toString()) == (
            "Đồng bộ ngay", "F5")
        with qtbot.waitSignal(window.sync.finished, timeout=30_000) as blocker:
            window.sync_action.trigger()
        assert blocker.args[0].ok, blocker.args[0].error
        assert store.pending_count() == 0
        label = window.status.sync
        assert label.property("syncState") == "idle"
        assert "chờ gửi: 0" in label.text() and "lần cuối:" in label.text()
        assert window.sync.timer.isActive()  # the next periodic run is scheduled
    finally:
        window.close()


def test_an_unreachable_server_shows_a_readable_error_without_blocking_the_gui(
        qtbot: Any, make_ctx: Any, register: Register, server: ServerProcess,
        credentials: CredentialStore) -> None:
    from desktop.ui.qt import Qt
    from desktop.ui.sync_worker import SyncErrorsDialog

    store = enroll_register(register, server.url, server.enroll_code(server.add_office(agency_id=AGENCY)),
                            credentials)
    store.set_state("server_url", f"http://127.0.0.1:{free_port()}")
    window = _window(qtbot, make_ctx, credentials)
    try:
        started = time.monotonic()
        window.sync_now()
        assert time.monotonic() - started < 0.5  # run_once is not on the GUI thread
        assert window.status.sync.property("syncState") == "running"
        blocker = qtbot.waitSignal(window.sync.finished, timeout=30_000)
        blocker.wait()  # raises on a timeout
        result = blocker.args[0]
        assert not result.ok
        label = window.status.sync
        assert label.property("syncState") in ("offline", "error")
        assert result.error.message_vi in label.text()
        assert "chờ gửi:" in label.text()
        assert len(window.sync.errors) == 1
        qtbot.mouseClick(label, Qt.MouseButton.LeftButton)
        dialog = window.sync.errors_dialog
        assert isinstance(dialog, SyncErrorsDialog)
        assert result.error.message_vi in str(dialog.list.item(0).text())  # type: ignore[union-attr]
        dialog.close()
    finally:
        window.close()


def test_an_unenrolled_register_runs_no_timer(qtbot: Any, make_ctx: Any,
                                              credentials: CredentialStore) -> None:
    window = _window(qtbot, make_ctx, credentials)
    assert "Chưa đăng ký máy chủ tỉnh" in window.status.sync.text()
    window.sync_now()
    assert not window.sync.timer.isActive() and window.sync.sync_thread is None
    from desktop.ui import i18n

    try:
        i18n.set_language("en")
        window.sync.start()
        assert "Not enrolled with the province server" in window.status.sync.text()
    finally:
        i18n.set_language("vi")
