"""PC A changes a dossier and syncs; PC B syncs through its real SyncController: B's dossier
list and B's open dossier window both show the new status without being reopened."""

# ruff: noqa: F811  (fixtures imported from other test modules are test arguments)

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from desktop.register.service import Register
from desktop.register.writer import Changes
from sync.credentials import CredentialStore
from sync.lifecycle import Status, status_label
from tests.conftest import AGENCY, FixedClock, valid_input, wait_ops
from tests.support.server_fixtures import ServerProcess, server  # noqa: F401 (fixture)
from tests.sync.test_sync_client_server import enroll_register, sync
from tests.sync.test_sync_client_support import (  # noqa: F401 (fixtures)
    credentials,
    keyring_backend,
    make_register,
)
from tests.ui.test_ui_sync import _window as sync_window


def _sync_b(qtbot: Any, window: Any) -> Any:
    with qtbot.waitSignal(window.sync.finished, timeout=30_000) as blocker:
        window.sync_action.trigger()
    result = blocker.args[0]
    assert result.ok, result.error
    return result


def _list_status(window: Any, code: str) -> str | None:
    model = window.list_page.model
    for i, row in enumerate(model.rows):
        if row.code == code:
            return str(model.data(model.index(i, 4)))
    return None


def test_a_status_pulled_from_another_pc_shows_in_the_open_list_and_dossier_window(
        qtbot: Any, make_ctx: Any, register: Register, server: ServerProcess,
        credentials: CredentialStore, home: Path, clock: FixedClock) -> None:
    office = server.add_office(agency_id=AGENCY)
    b = register  # the PC whose windows are open
    enroll_register(b, server.url, server.enroll_code(office), credentials)
    a = make_register(home / "pc-a.sqlite3", clock, set_up=False)
    try:
        sa = enroll_register(a, server.url, server.enroll_code(office), credentials)
        received = a.receive(valid_input(a, "marital_status_confirmation"), "canbo1")
        code = received.code
        assert code is not None
        assert sync(sa, credentials).ok

        window = sync_window(qtbot, make_ctx, credentials)
        heard: list[Changes] = []
        window.ctx.bus.changed.connect(heard.append)
        window.go_list()
        wait_ops(qtbot)
        assert _list_status(window, code) is None  # B has not pulled it yet
        first = _sync_b(qtbot, window)
        assert first.pulled >= 1
        # The list shows the pulled dossier without being reopened.
        qtbot.waitUntil(lambda: _list_status(window, code) is not None, timeout=10_000)
        assert any(received.uid in c.dossiers for c in heard)
        dossier = window.open_dossier(code)
        assert dossier is not None
        qtbot.waitUntil(lambda: dossier.view is not None, timeout=10_000)
        received_label = status_label(Status.RECEIVED, "vi")
        assert _list_status(window, code) == received_label
        assert dossier.status_label.text() == received_label
        assert dossier.catalogue_label.text() == f"Danh mục {received.catalogue_version}"

        a.withdraw(code, "Công dân xin rút hồ sơ", "canbo1")
        assert sync(sa, credentials).ok
        heard.clear()
        _sync_b(qtbot, window)
        withdrawn = status_label(Status.WITHDRAWN, "vi")
        assert withdrawn != received_label
        # Both views follow the pulled event, with neither reopened.
        qtbot.waitUntil(lambda: _list_status(window, code) == withdrawn, timeout=10_000)
        qtbot.waitUntil(lambda: dossier.status_label.text() == withdrawn, timeout=10_000)
        assert window.windows[code] is dossier and dossier.isVisible()  # the same window
        assert b.get(code).status == Status.WITHDRAWN
        assert [c for c in heard if received.uid in c.dossiers]
        window.close()
    finally:
        a.close()


def test_the_sync_threads_ingest_runs_on_the_uis_write_worker(
        qtbot: Any, make_ctx: Any, register: Register, server: ServerProcess,
        credentials: CredentialStore, home: Path, clock: FixedClock) -> None:
    """The pulled events are written by the same single worker thread as the UI's writes."""
    office = server.add_office(agency_id=AGENCY)
    enroll_register(register, server.url, server.enroll_code(office), credentials)
    a = make_register(home / "pc-a.sqlite3", clock, set_up=False)
    try:
        sa = enroll_register(a, server.url, server.enroll_code(office), credentials)
        a.receive(valid_input(a, "marital_status_confirmation"), "canbo1")
        assert sync(sa, credentials).ok
        writers: list[str] = []
        register.add_listener(lambda _c: writers.append(threading.current_thread().name))
        window = sync_window(qtbot, make_ctx, credentials)
        from desktop.ui.ops import run_op

        run_op(lambda _c: register.set_head_name("Trần Văn Bình"), kind="write", parent=window)
        wait_ops(qtbot)
        _sync_b(qtbot, window)
        assert len(writers) >= 2
        assert len(set(writers)) == 1 and writers[0].startswith("motcua-write")
        window.close()
    finally:
        a.close()
