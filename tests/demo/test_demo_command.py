"""`motcua demo-data 200` through the console script: the same office as before, every book
entry complete by its book kind's schema, and `check` passes.

The pinned facts were read from `motcua demo-data 200` (seed 2026) made by the generator when it
still lived in `desktop/register/demo.py`: moving or reshaping the generator must not change a
single dossier. The demo ends on 20 November 2026, before today, so the real clock does not
matter.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from desktop.register.catalogue import BookKind
from desktop.register.entry_validation import validate_entry
from desktop.register.service import Register
from sync.lifecycle import LOCAL_TZ
from tests.conftest import cli_env, motcua_command

STATUS_COUNTS = {2: 2, 3: 5, 4: 4, 5: 3, 6: 3, 7: 2, 8: 3, 9: 5, 10: 173}
CHANNEL_COUNTS = {1: 159, 2: 31, 3: 10}
PROCEDURE_COUNTS = {
    "birth_registration": 14, "birth_reregistration": 5, "certified_copy": 47,
    "civil_status_change": 7, "civil_status_extract_copy": 11, "contract_certification": 9,
    "death_registration": 9, "guardianship_registration": 3, "guardianship_termination": 2,
    "household_business_registration": 14, "marital_status_confirmation": 40,
    "marriage_registration": 8, "monthly_social_allowance": 8, "parent_child_recognition": 8,
    "signature_certification": 15,
}
# (code, applicant, status, procedure, channel), by code: the first five, three from the middle
# and the last three.
SAMPLES = {
    0: ("000.00.01.H29-240105-1001", "Nguyễn Thế Kiên", 10, "birth_registration", 1),
    1: ("000.00.01.H29-240115-1001", "Nguyễn Duy Cường", 10, "parent_child_recognition", 1),
    2: ("000.00.01.H29-240119-1001", "Đào Công Duy", 10, "civil_status_extract_copy", 1),
    3: ("000.00.01.H29-240129-1001", "Hoàng Xuân Anh", 10, "birth_registration", 2),
    4: ("000.00.01.H29-240212-1001", "Phạm Thị Trinh", 7, "certified_copy", 2),
    100: ("000.00.01.H29-250704-1002", "Đinh Văn Hùng", 10, "civil_status_change", 1),
    101: ("000.00.01.H29-250707-1001", "Lê Ngọc Tuyết Dung", 10, "guardianship_termination", 1),
    102: ("000.00.01.H29-250709-1001", "Nguyễn Hoài Phương", 10,
          "marital_status_confirmation", 3),
    197: ("000.00.01.H29-261109-1001", "Nguyễn Quốc Dũng", 9, "marital_status_confirmation", 1),
    198: ("000.00.01.H29-261112-1001", "Nguyễn Thị Hương", 10, "marital_status_confirmation", 1),
    199: ("000.00.01.H29-261118-1001", "Phạm Xuân Đình Hải", 10, "certified_copy", 1),
}
# sha256 of the JSON list of every dossier's [code, applicant, status, procedure, channel].
DIGEST = "3da52ea43099ae3c25c4558470d431b119032d90c423c5dfb289f909bf580e53"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder filled once by `motcua demo-data 200`."""
    home = tmp_path_factory.mktemp("demo-cli")
    done = subprocess.run([*motcua_command(), "--lang", "en", "demo-data", "200"],
                          env=cli_env(home), capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "Created 200 demo dossiers." in done.stdout
    return home


def _dossiers(home: Path) -> list[tuple[str, str, int, str, int]]:
    con = sqlite3.connect(home / "register.sqlite3")
    try:
        return [tuple(r) for r in con.execute(
            "SELECT code, applicant_name, status, procedure_code, channel FROM dossiers "
            "ORDER BY code")]
    finally:
        con.close()


def test_demo_data_200_makes_the_same_dossiers_as_before(made: Path) -> None:
    rows = _dossiers(made)
    assert len(rows) == 200
    assert dict(Counter(r[2] for r in rows)) == STATUS_COUNTS
    assert dict(Counter(r[4] for r in rows)) == CHANNEL_COUNTS
    assert dict(Counter(r[3] for r in rows)) == PROCEDURE_COUNTS
    assert {i: rows[i] for i in SAMPLES} == SAMPLES
    digest = hashlib.sha256(json.dumps([list(r) for r in rows], ensure_ascii=False)
                            .encode()).hexdigest()
    assert digest == DIGEST


def test_the_demo_register_passes_the_check_command(made: Path) -> None:
    checked = subprocess.run([*motcua_command(), "check"], env=cli_env(made),
                             capture_output=True, text=True, timeout=300, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def _entries_by_kind(home: Path) -> dict[str, list[tuple[BookKind, dict[str, object]]]]:
    """Every entry of the demo register with the book kind (and schema) in force on its day."""
    out: dict[str, list[tuple[BookKind, dict[str, object]]]] = {}
    with Register.open(home / "register.sqlite3") as reg:
        for volume in reg.volumes():
            for e in reg.entries(volume.uid):
                kind = reg.catalogue(e.registered_at.astimezone(LOCAL_TZ).date()).book_kind(
                    e.book_kind)
                out.setdefault(e.book_kind, []).append((kind, e.data))
    return out


def test_every_book_entry_fills_its_schema(made: Path) -> None:
    books = _entries_by_kind(made)
    # Every civil-status and certification book a demo procedure writes in, and the tracking book.
    assert {"STD", "KS", "KT", "KH", "XNHN", "NCMC", "GH", "TDCC", "BSTL", "SCT_BS",
            "SCT_CK_DC", "SCT_HD_GD"} <= set(books)
    for code, entries in books.items():
        for kind, data in entries:
            assert kind.has_schema, code
            assert kind.unknown_keys(kind.canonical(data)) == [], (code, data)
            missing = [f.key for f in kind.fields if f.required and data.get(f.key) in (None, "")]
            assert missing == [], (code, data)
        # Every field of the schema is filled in some entry: the printed book has no column
        # (nor line of a column) that the demo leaves empty throughout.
        filled = {k for _, data in entries for k, v in data.items() if v not in (None, "")}
        assert [f.key for f in entries[0][0].fields if f.key not in filled] == [], code


def test_demo_entries_are_written_as_the_entry_dialog_would_clean_them(made: Path) -> None:
    for code, entries in _entries_by_kind(made).items():
        if code == "STD":  # written by the register itself on receipt
            continue
        for kind, data in entries:
            assert validate_entry(kind, data) == {k: str(v) for k, v in data.items()}, code


def test_requester_and_certifying_officer_are_different_people(made: Path) -> None:
    books = _entries_by_kind(made)
    for code in ("SCT_BS", "SCT_CK_DC", "SCT_HD_GD"):
        for _, data in books[code]:
            assert data["nguoi_yeu_cau"] != data["nguoi_ky_chung_thuc"]
            assert str(data["nguoi_ky_chung_thuc"]).endswith(("Chủ tịch", "Phó Chủ tịch"))


def test_the_printed_books_show_every_field_of_their_schema(made: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    """Each field is printed, under its label, in some entry of the book's printed volumes."""
    from desktop.printing import print_book

    monkeypatch.setenv("MOTCUA_HOME", str(made))
    with Register.open(made / "register.sqlite3") as reg:
        latest = reg.catalogues().latest()
        for kind in latest.book_kinds:
            if kind.group == "tracking" or not reg.volumes(kind.code):
                continue
            text = ""
            values: dict[str, set[str]] = {}
            for v in reg.volumes(kind.code):
                pdf = print_book(reg, kind.code, v.year, v.volume_no,
                                 tmp_path / f"{kind.code}-{v.year}-{v.volume_no}.pdf")
                text += subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True,
                                       capture_output=True, text=True).stdout
                for e in reg.entries(v.uid):
                    for key, value in e.data.items():
                        values.setdefault(key, set()).add(str(value))
            flat = " ".join(text.split())
            unseen = [f.key for f in kind.fields
                      if not any(_printed(kind, f.key, x) in flat for x in values.get(f.key, ()))]
            assert unseen == [], kind.code


def _printed(kind: BookKind, key: str, value: str) -> str:
    """How a value reads in the printed book: "label: value", amounts with dotted thousands."""
    f = kind.field(key)
    if kind.column(f.column).kind == "money":
        return f"{int(value):,}".replace(",", ".")
    shown = " ".join(value.split())
    return f"{f.printed_label}: {shown}" if f.printed_label else shown
