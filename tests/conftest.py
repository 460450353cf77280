"""Shared fixtures: a real register file in tmp_path, a clock the test moves, valid inputs."""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from desktop.register.service import Register
from desktop.register.views import ApplicantInput, DossierInput
from sync.lifecycle import LOCAL_TZ

AGENCY = "000.00.01.H29"
OFFICE_NAME = "Bộ phận một cửa phường Hoàn Kiếm"
# Hà Nội (province 1), phường Hoàn Kiếm (commune 70) in the official list.
PROVINCE_CODE, COMMUNE_CODE = 1, 70


def local_time(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """An instant given in office (Vietnam) local time, as an aware UTC datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ).astimezone(UTC)


class FixedClock:
    """A clock that stands still until the test moves it."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: datetime) -> None:
        self.now = now

    def advance(self, **delta: float) -> datetime:
        self.now = self.now + timedelta(**delta)
        return self.now


def open_register(path: Path, clock: Callable[[], datetime], *, slot: int = 1,
                  agency: str = AGENCY, auto_backup: bool = True) -> Register:
    """Open (creating) a register file and declare the office on it."""
    reg = Register.open(path, clock=clock, auto_backup=auto_backup)
    if not reg.is_set_up():
        reg.setup_office(province_code=PROVINCE_CODE, commune_code=COMMUNE_CODE,
                         agency_id=agency, office_name=OFFICE_NAME, device_slot=slot)
    return reg


def valid_input(reg: Register, procedure_code: str, *, name: str = "Nguyễn Văn Dũng",
                **overrides: Any) -> DossierInput:
    """A complete DossierInput for any procedure: every required document, a full applicant."""
    on = overrides.get("received_at")
    catalogue = reg.catalogue(on.astimezone(LOCAL_TZ).date() if on else None)
    proc = catalogue.procedure(procedure_code)
    applicant = ApplicantInput(full_name=name, id_number="001098012345",
                               birth_date="15/03/1998", sex="Nam", phone="0912345678",
                               address="Số 5 phố Huế")
    values: dict[str, Any] = {
        "procedure_code": proc.code,
        "applicant": applicant,
        "documents": tuple(d.code for d in proc.documents if d.required),
    }
    if proc.fee.amount is None and not proc.fee.per_page:
        values["fee_amount"] = 0  # set by the province, absent from the catalogue
    values.update(overrides)
    return DossierInput(**values)


PROCEDURES = ("marital_status_confirmation", "birth_registration", "certified_copy",
              "contract_certification", "guardianship_registration", "civil_status_change")
NAMES = ("Nguyễn Văn Dũng", "Trần Thị Mai", "Đặng Quốc Huy", "Lê Thị Ánh Tuyết",
         "Phạm Ngọc Ẩn", "Hoàng Văn Thụ", "Vũ Thị Hường", "Bùi Đức Mạnh")


def fill_busy(reg: Register, clock: FixedClock, n: int = 24) -> list[str]:
    """Dossiers in every state but 1, plus book entries, a void, a correction and certifications.

    Returns the dossier codes. The clock advances; nothing is random, so a failure repeats.
    """
    codes = []
    for i in range(n):
        clock.advance(minutes=17)
        v = reg.receive(valid_input(reg, PROCEDURES[i % len(PROCEDURES)],
                                    name=NAMES[i % len(NAMES)], channel=1 + i % 3), "canbo1")
        codes.append(v.code)
        path = i % 8
        if path == 0:
            continue  # stays received
        if path == 1:
            reg.refuse(v.code, ["Không thuộc thẩm quyền"], "canbo1")
            continue
        if path == 2:
            reg.withdraw(v.code, "Công dân rút", "canbo1")
            continue
        reg.hand_over(v.code, "Công chức Tư pháp - Hộ tịch", "canbo1")
        if path == 3:
            reg.request_supplement(v.code, ["Tờ khai"], "Thiếu chữ ký", "canbo2")
            continue
        if path == 4:
            reg.request_financial(v.code, 50_000, "canbo2")
            if i % 16 == 4:
                continue  # awaits payment
            reg.record_fee_paid(v.code, 50_000, "canbo1", online=True)
        if path == 5:
            if i % 16 == 5:
                reg.stop(v.code, "Công dân đề nghị dừng", "canbo1")
            continue  # stopped, or still in processing
        if path == 6:
            reg.request_supplement(v.code, ["Tờ khai"], "Thiếu", "canbo2")
            clock.advance(hours=1)
            reg.receive_supplement(v.code, "canbo1")
            reg.request_supplement(v.code, ["Giấy tờ"], "Mờ", "canbo2",
                                   second_request_reason="Bản chụp không đọc được")
            reg.receive_supplement(v.code, "canbo1")
        reg.process(v.code, "approved", "canbo2")
        if path in (4, 7):
            reg.return_result(v.code, "desk", "canbo1")
            reg.rate(v.code, "satisfied", "canbo1")
    first = reg.add_logbook_entry("XNHN", {"ho_ten": NAMES[0]}, "hotich", dossier_ref=codes[0])
    reg.add_logbook_entry("KS", {"ho_ten": "Bé Na"}, "hotich")
    reg.void_entry(first.uid, "Ghi nhầm", "hotich")
    reg.correct_entry(first.uid, {"ho_ten": NAMES[0]}, "Sai tên", "hotich")
    reg.certify("SCT_BS", [{"giay_to": "Giấy khai sinh"}, {"giay_to": "Bằng"}], "chungthuc")
    return codes


def table_counts(path: Path) -> dict[str, int]:
    """Committed row counts of the register's tables, read with a separate connection."""
    con = sqlite3.connect(path)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("events", "dossiers", "logbook_volumes", "logbook_entries",
                          "counters")}
    finally:
        con.close()


def motcua_command() -> list[str]:
    """The installed `motcua` console script of the running interpreter's environment."""
    found = shutil.which("motcua", path=str(Path(sys.executable).parent))
    assert found, "the motcua console script is not installed (pip install -e .)"
    return [found]


def cli_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["MOTCUA_HOME"] = str(home)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """MOTCUA_HOME for the test: register, backups and quarantine all live in tmp_path."""
    monkeypatch.setenv("MOTCUA_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture
def clock() -> FixedClock:
    """Monday 16 November 2026, 09:00 in the office."""
    return FixedClock(local_time(2026, 11, 16, 9, 0))


@pytest.fixture
def register(home: Path, clock: FixedClock) -> Iterator[Register]:
    """An opened, set-up register on a real SQLite file under MOTCUA_HOME."""
    reg = open_register(home / "register.sqlite3", clock)
    yield reg
    reg.close()


@pytest.fixture
def make_input(register: Register) -> Callable[..., DossierInput]:
    """Build a valid DossierInput for a procedure code (keyword overrides allowed)."""
    def make(procedure_code: str = "marital_status_confirmation", **overrides: Any
             ) -> DossierInput:
        return valid_input(register, procedure_code, **overrides)
    return make


@pytest.fixture
def busy_register(register: Register, clock: FixedClock) -> Register:
    """The register fixture filled by fill_busy (24 dossiers in states 2–10, books)."""
    fill_busy(register, clock)
    return register


# ----------------------------------------------------------------------------------------------
# Desktop UI (pytest-qt). Widgets run offscreen; Qt warnings fail a test (pyproject.toml).
# The fixtures build the real windows over a real register; printing writes PDFs to a folder
# instead of opening Qt's print preview.
# ----------------------------------------------------------------------------------------------

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

UI_PASSWORD = "matkhau123"
UI_ACCOUNTS = {"admin": ("Nguyễn Văn Quản", "admin"), "tn.hoa": ("Trần Thị Hoa", "receiving"),
               "tp.duc": ("Vũ Minh Đức", "processing"), "ld.son": ("Bùi Văn Sơn", "leader")}


def wait_ops(qtbot: Any, timeout: int = 10_000) -> None:
    """Wait until every background op has delivered its result on the GUI thread."""
    from desktop.ui import ops

    qtbot.waitUntil(lambda: ops.busy() == 0, timeout=timeout)


@pytest.fixture
def ui_settings(home: Path) -> Any:
    from desktop.ui.qt import QSettings
    from desktop.ui.settings import UiSettings

    return UiSettings(QSettings(str(home / "ui-settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def ui_accounts(register: Register) -> dict[str, Any]:
    """One account per role (admin first, as the register requires)."""
    made = {}
    for username, (name, role) in UI_ACCOUNTS.items():
        made[username] = register.create_account(
            username, name, role, UI_PASSWORD, actor=None if username == "admin" else "admin",
            must_change_password=False)
    return made


@pytest.fixture
def printed(home: Path) -> Path:
    """Where printed forms land in UI tests."""
    return home / "printed"


@pytest.fixture
def controller(qtbot: Any, qapp: Any, home: Path, clock: FixedClock, ui_settings: Any,
               ui_errors: Any) -> Iterator[Any]:
    """The application's start-up controller over `home/office.sqlite3` (not started)."""
    from desktop.app import AppController

    ctl = AppController(qapp, ui_settings, register_path=home / "office.sqlite3", clock=clock)
    qtbot.addWidget(ctl.window)
    yield ctl
    if ctl.dialog is not None:
        ctl.dialog.close()
    wait_ops(qtbot)
    if ctl.register is not None:
        ctl.register.close()


@pytest.fixture
def ui_errors(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str]]]:
    """Errors the UI reported, recorded instead of shown modally; an unexpected bug report
    (not a register message) fails the test."""
    from desktop.ui import errors

    seen: list[tuple[str, str]] = []
    # Questions default to "yes" (tests that look at a question replace this): a modal
    # question left open at teardown would hang the run.
    for module in ("desktop.ui.widgets", "desktop.ui.receive"):
        monkeypatch.setattr(f"{module}.confirm", lambda *a, **k: True)
    monkeypatch.setattr(errors, "presenter", lambda parent, kind, text: seen.append(
        (kind, text)))
    yield seen
    bugs = [text for kind, text in seen if kind == "bug"]
    assert not bugs, "the UI reported a bug:\n" + "\n".join(bugs)


@pytest.fixture
def make_ctx(qapp: Any, register: Register, ui_settings: Any, ui_accounts: dict[str, Any],
             printed: Path, ui_errors: list[tuple[str, str]]) -> Callable[..., Any]:
    """An AppContext for a user name (its role decides what the windows offer)."""
    from desktop.ui import i18n
    from desktop.ui.context import AppContext, Bus
    from desktop.ui.printing import PrintService, save_pdf_presenter

    i18n.set_language("vi")

    def make(username: str = "admin") -> Any:
        printer = PrintService(register, ui_settings, save_pdf_presenter(printed))
        return AppContext(register, ui_accounts[username], ui_settings, printer, Bus(),
                          register.catalogue())
    return make
