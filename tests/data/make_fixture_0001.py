"""Builds tests/data/register-0001.sqlite3: a register as schema 0001 left it.

Run from the repository root:  python tests/data/make_fixture_0001.py

How: the rows come from the real register API (so they are what the program writes), in a
scratch register; then a fresh file gets *only* migration 0001 (the program's own migration,
so the schema is exactly the old one: no search index, no accounts) and the rows of the
tables 0001 knows are copied in with plain SQL. build_register() can also stop at a later
revision by running the later migrations on that file, as a real upgrade would have.
Everything is deterministic (fixed clock, seeded ids), so rebuilding gives the same rows.
"""

from __future__ import annotations

import os
import random
import sqlite3
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # the repository root, when run as a script

from desktop.register import db, migrate
from desktop.register.service import Register
from desktop.register.views import ApplicantInput, DossierInput

FIXTURE = HERE / "register-0001.sqlite3"
TABLES_0001 = ("meta", "calendar_overrides", "counters", "rule_versions", "events", "dossiers",
               "logbook_volumes", "logbook_entries")
VN = ZoneInfo("Asia/Ho_Chi_Minh")

APPLICANTS = (
    ("Nguyễn Văn Dũng", "001098012345", "15/03/1998", "Nam", "0912345678"),
    ("Đặng Thị Ánh", "036301004567", "02/09/2001", "Nữ", "0987654321"),
    ("Lê Hữu Phước", "079085001122", "30/04/1985", "Nam", "0903111222"),
    ("Trần Thị Mai", "001190003344", "08/03/1990", "Nữ", "0934555666"),
    ("Phạm Ngọc Ẩn", None, None, None, "0977000111"),
    ("Nguyễn Văn Dương", "001095007788", "01/01/1995", "Nam", None),
)
PROCEDURES = ("marital_status_confirmation", "birth_registration", "certified_copy",
              "contract_certification", "civil_status_change", "signature_certification")


class _Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 16, 8, 30, tzinfo=VN)

    def __call__(self) -> datetime:
        return self.now


@contextmanager
def _seeded_ids(seed: int) -> Iterator[None]:
    from desktop.register import events

    rng, original = random.Random(seed), events.uid_factory
    events.uid_factory = lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4))
    try:
        yield
    finally:
        events.uid_factory = original


@contextmanager
def _home(folder: Path) -> Iterator[None]:
    old = os.environ.get("MOTCUA_HOME")
    os.environ["MOTCUA_HOME"] = str(folder)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("MOTCUA_HOME", None)
        else:
            os.environ["MOTCUA_HOME"] = old


def _fill(reg: Register, clock: _Clock) -> None:
    """A dozen dossiers in several states, with book entries, a void and a correction."""
    reg.setup_office(province_code=1, commune_code=70, agency_id="000.00.01.H29",
                     office_name="Bộ phận một cửa phường Hoàn Kiếm")
    catalogue = reg.catalogue()
    codes = []
    for i in range(12):
        clock.now += timedelta(minutes=23)
        name, id_number, birth, sex, phone = APPLICANTS[i % len(APPLICANTS)]
        proc = catalogue.procedure(PROCEDURES[i % len(PROCEDURES)])
        fee = 0 if proc.fee.amount is None and not proc.fee.per_page else None
        v = reg.receive(DossierInput(
            procedure_code=proc.code, channel=1 + i % 3, fee_amount=fee,
            documents=tuple(d.code for d in proc.documents if d.required),
            applicant=ApplicantInput(full_name=name, id_number=id_number, birth_date=birth,
                                     sex=sex, phone=phone, address="Số 5 phố Huế")),
            actor="canbo1")
        codes.append(v.code)
        if i % 4 == 1:
            continue
        reg.hand_over(v.code, "Công chức Tư pháp - Hộ tịch", "canbo1")
        if i % 4 == 2:
            reg.request_supplement(v.code, ["Tờ khai có chữ ký"], "Thiếu chữ ký", "canbo2")
            continue
        reg.process(v.code, "approved", "canbo2")
        if i % 4 == 3:
            reg.return_result(v.code, "desk", "canbo1")
            reg.rate(v.code, "satisfied", "canbo1")
    clock.now += timedelta(hours=1)
    entry = reg.add_logbook_entry("XNHN", {"ho_ten": "Nguyễn Văn Dũng"}, "hotich",
                                  dossier_ref=codes[0])
    reg.void_entry(entry.uid, "Ghi nhầm", "hotich")
    reg.correct_entry(entry.uid, {"ho_ten": "Nguyễn Văn Dũng"}, "Sai tên", "hotich")
    reg.certify("SCT_BS", [{"giay_to": "Giấy khai sinh"}, {"giay_to": "Bằng tốt nghiệp"}],
                "chungthuc")


def build_register(dest: Path, revision: str = "0001", seed: int = 20261116) -> Path:
    """Write a register at schema `revision` (0001 or later) holding real rows to `dest`."""
    dest = Path(dest)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dest}{suffix}").unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as scratch, _home(Path(scratch)), _seeded_ids(seed):
        clock = _Clock()
        source = Path(scratch) / "source.sqlite3"
        reg = Register.open(source, clock=clock, auto_backup=False)
        try:
            _fill(reg, clock)
        finally:
            reg.close()

        engine = db.make_engine(dest)
        try:
            migrate.upgrade(engine, "0001")
        finally:
            engine.dispose()
        con = sqlite3.connect(dest, isolation_level=None)
        try:
            con.execute("ATTACH DATABASE ? AS source", (str(source),))
            con.execute("BEGIN")
            for table in TABLES_0001:
                cols = [r[1] for r in con.execute(f"PRAGMA main.table_info({table})")]
                have = {r[1] for r in con.execute(f"PRAGMA source.table_info({table})")}
                assert set(cols) <= have, f"{table}: columns {set(cols) - have} vanished"
                names = ", ".join(cols)
                con.execute(f"INSERT INTO main.{table} ({names}) "
                            f"SELECT {names} FROM source.{table}")
            con.execute("COMMIT")
            con.execute("DETACH DATABASE source")
        finally:
            con.close()
        if revision != "0001":
            engine = db.make_engine(dest)
            try:
                migrate.upgrade(engine, revision)
            finally:
                engine.dispose()
    con = sqlite3.connect(dest, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        con.execute("VACUUM")
    finally:
        con.close()
    return dest


if __name__ == "__main__":
    built = build_register(FIXTURE)
    print(f"wrote {built} ({built.stat().st_size:,} bytes)")
