"""The reports window and the public board over a register with demo dossiers (offscreen)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from desktop.demo import fill_demo
from desktop.register.service import Register
from desktop.ui.qt import QDate
from tests.conftest import FixedClock, local_time, open_register, wait_ops


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(local_time(2026, 11, 20, 10, 0))


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo register made once for the module (each test opens a copy)."""
    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MOTCUA_HOME", str(folder))
        reg = open_register(folder / "register.sqlite3",
                            FixedClock(local_time(2026, 11, 20, 10, 0)), auto_backup=False)
        fill_demo(reg, 300, seed=7)
        reg.close()
    return folder / "register.sqlite3"


@pytest.fixture
def register(home: Path, clock: FixedClock, demo_template: Path) -> Iterator[Register]:
    for suffix in ("", "-wal", "-shm"):
        source = Path(str(demo_template) + suffix)
        if source.exists():
            shutil.copy(source, home / f"register.sqlite3{suffix}")
    reg = open_register(home / "register.sqlite3", clock, auto_backup=False)
    yield reg
    reg.close()


@pytest.fixture
def demo(register: Register) -> Register:
    return register


def open_window(qtbot: Any, ctx: Any) -> Any:
    from desktop.ui.reports import ReportsWindow

    window = ReportsWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    wait_ops(qtbot)
    window.date_from.setDate(QDate(2025, 1, 1))
    window.date_to.setDate(QDate(2026, 10, 31))
    return window


@pytest.mark.parametrize("kind", ["handling", "late", "index", "satisfaction", "fees"])
def test_the_window_computes_each_report_in_a_worker_and_shows_its_tables(
        qtbot: Any, demo: Any, make_ctx: Any, kind: str) -> None:
    from desktop.register.reports import compute
    from reports import ReportParams
    from reports.tables import cell_text, tabulate

    window = open_window(qtbot, make_ctx("ld.son"))
    window.kind.setCurrentIndex(window.kind.findData(kind))
    window.compute()
    wait_ops(qtbot, 30_000)
    assert window.report is not None and window.report.kind == kind
    expected = tabulate(compute(demo, kind, ReportParams(date(2025, 1, 1), date(2026, 10, 31))))
    assert window.tabs.count() == len(expected)
    first = window.tabs.widget(0)
    assert first.model().rowCount() == len(expected[0].rows)
    if expected[0].rows:
        shown = first.model().index(0, 1).data()
        assert shown == cell_text(expected[0].columns[1].kind, expected[0].rows[0][1])
    assert all(b.isEnabled() for b in window.exports)
    assert window.chart.title


def test_a_report_can_be_cancelled_and_saved(qtbot: Any, demo: Any, make_ctx: Any,
                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    from desktop.ui import ops

    window = open_window(qtbot, make_ctx("ld.son"))
    real = ops.run_op

    def cancelled_at_once(fn: Any, **kw: Any) -> Any:
        handle = real(fn, **kw)
        handle.cancel()
        return handle
    monkeypatch.setattr("desktop.ui.reports.run_op", cancelled_at_once)
    window.compute()
    wait_ops(qtbot, 30_000)
    assert window.report is None and "hủy" in window.summary.text()
    monkeypatch.setattr("desktop.ui.reports.run_op", real)
    window.compute()
    wait_ops(qtbot, 30_000)
    window.save_to(tmp_path / "r.json", "json")
    wait_ops(qtbot)
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["data"]["kind"] == "handling"


def test_the_public_board_masks_names_and_id_numbers(qtbot: Any, demo: Any,
                                                     make_ctx: Any) -> None:
    from desktop.register.reports import board_rows
    from desktop.ui.reports import PublicBoard

    board = PublicBoard(make_ctx("ld.son"))
    qtbot.addWidget(board)
    board.show()
    wait_ops(qtbot, 30_000)
    rows = board_rows(demo)
    assert rows and len(board.rows) == len(rows)
    shown = [board.table.item(r, 1).text() for r in range(board.table.rowCount())]
    full_names = {demo.get(r.code).applicant_name for r in rows}
    assert shown and not set(shown) & full_names
    assert all(name.endswith(".") for name in shown)
    assert "hồ sơ quá hạn" in board.footer.text()


def test_screenshots_of_the_window_and_the_board(qtbot: Any, demo: Any, make_ctx: Any,
                                                 home: Path) -> None:
    """PNGs to look at (tests/../screenshots when MOTCUA_SCREENSHOTS is set, else tmp)."""
    import os

    from desktop.ui.reports import PublicBoard

    out = Path(os.environ.get("MOTCUA_SCREENSHOTS", home / "screenshots"))
    out.mkdir(parents=True, exist_ok=True)
    window = open_window(qtbot, make_ctx("ld.son"))
    window.resize(1400, 900)
    window.kind.setCurrentIndex(window.kind.findData("index"))
    window.compute()
    wait_ops(qtbot, 30_000)
    assert window.grab().save(str(out / "reports-index.png"))
    window.kind.setCurrentIndex(window.kind.findData("handling"))
    window.compute()
    wait_ops(qtbot, 30_000)
    assert window.grab().save(str(out / "reports-handling.png"))
    board = PublicBoard(make_ctx("ld.son"))
    qtbot.addWidget(board)
    board.resize(1600, 900)
    board.show()
    wait_ops(qtbot, 30_000)
    assert board.grab().save(str(out / "public-board.png"))
