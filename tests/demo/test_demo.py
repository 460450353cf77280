"""`motcua demo-data`: deterministic; every procedure, channel and state; passes its check."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from desktop.demo import DEMO_END, fill_demo
from desktop.register.events import parse_utc
from desktop.register.service import Register
from desktop.register.textnorm import fold
from sync.lifecycle import LOCAL_TZ, OPEN_STATES

N = 300
TET = (date(2024, 2, 10), date(2025, 1, 29), date(2026, 2, 17))


def _fill(path: Path, seed: int = 2026) -> Register:
    reg = Register.open(path)
    assert fill_demo(reg, N, seed=seed) == N
    return reg


def _rows(path: Path) -> list[sqlite3.Row]:
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    try:
        return con.execute("SELECT * FROM dossiers ORDER BY received_at").fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Register, list[sqlite3.Row]]]:
    home = tmp_path_factory.mktemp("demo-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MOTCUA_HOME", str(home))
        reg = _fill(home / "register.sqlite3")
        yield reg, _rows(reg.path)
        reg.close()


def test_the_same_seed_gives_the_same_dossiers(demo, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("MOTCUA_HOME", str(tmp_path))
    _, rows = demo
    again = _fill(tmp_path / "again.sqlite3")
    again.close()
    key = lambda r: (r["procedure_code"], r["status"], r["applicant_name"],
                     _digital(r))
    assert Counter(map(key, rows)) == Counter(map(key, _rows(again.path)))


def _digital(row: sqlite3.Row) -> tuple[bool, bool]:
    details = json.loads(row["details"])
    return bool(details.get("digitised")), bool(details.get("reused_data"))


def test_most_2026_dossiers_are_digitised_fewer_before_and_some_reuse_data(demo) -> None:
    _, rows = demo
    by_year: dict[str, list[tuple[bool, bool]]] = {}
    for r in rows:
        by_year.setdefault(r["received_at"][:4], []).append(_digital(r))
    digitised = {y: sum(d for d, _ in v) / len(v) for y, v in by_year.items()}
    reused = {y: sum(u for _, u in v) / len(v) for y, v in by_year.items()}
    assert digitised["2024"] < digitised["2025"] < digitised["2026"]
    assert digitised["2024"] < 0.5 and digitised["2026"] > 0.8
    assert 0 < reused["2024"] < reused["2026"] < digitised["2026"]
    assert all(d for v in by_year.values() for d, u in v if u)  # reuse only when digitised


def test_another_seed_gives_other_people(demo, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("MOTCUA_HOME", str(tmp_path))
    _, rows = demo
    other = Register.open(tmp_path / "other.sqlite3")
    fill_demo(other, 50, seed=7)
    other.close()
    names = {r["applicant_name"] for r in rows}
    assert len({r["applicant_name"] for r in _rows(other.path)} - names) > 25


def test_every_procedure_channel_and_status_is_there(demo) -> None:
    reg, rows = demo
    assert {r["procedure_code"] for r in rows} == {p.code for p in reg.catalogue().procedures}
    assert {r["channel"] for r in rows} == {1, 2, 3}
    assert {r["status"] for r in rows} >= {2, 3, 4, 5, 6, 7, 8, 9, 10}


def test_supplemented_transferred_rescheduled_and_rated_dossiers_exist(demo) -> None:
    _, rows = demo
    assert any(r["supplement_count"] == 1 and r["status"] == 10 for r in rows)
    assert any(r["supplement_count"] == 2 and r["late_forced"] for r in rows)
    assert any(r["extension_count"] == 1 for r in rows)
    assert any(r["rating"] for r in rows)
    assert any(r["holder"] and r["status"] == 4 and not r["holder"].startswith(
        ("Công chức", "Phòng", "Trung tâm")) for r in rows)  # with another agency
    returned = [r for r in rows if r["status"] == 10]
    methods = {r["details"].split('"return_method":"')[1].split('"')[0] for r in returned}
    assert {"desk", "post"} <= methods


def test_some_open_dossiers_are_overdue_and_some_finished_late(demo) -> None:
    reg, rows = demo
    open_rows = [r for r in rows if r["status"] in OPEN_STATES]
    assert any(reg.get(r["code"]).late for r in open_rows)
    assert any(r["finished_at"] and r["finished_at"] > r["due_at"] for r in rows)


def test_dossiers_span_three_years_and_every_tet(demo) -> None:
    _, rows = demo
    days = [parse_utc(r["received_at"]).astimezone(LOCAL_TZ).date() for r in rows]
    assert {d.year for d in days} == {2024, 2025, 2026}
    assert max(days) <= DEMO_END.date() and min(days) >= date(2024, 1, 1)
    for tet in TET:
        assert any(abs(d - tet) <= timedelta(days=14) for d in days), tet


def test_names_carry_diacritics_and_id_numbers_agree_with_birth(demo) -> None:
    reg, rows = demo
    assert sum(fold(r["applicant_name"]) != r["applicant_name"].lower() for r in rows) > 0.9 * N
    for r in rows[:50]:
        applicant = reg.get(r["code"]).details["applicant"]
        number, born = applicant["id_number"], date.fromisoformat(applicant["birth_date"])
        assert len(number) == 12 and number.isdigit()
        assert number[4:6] == f"{born.year % 100:02d}"
        assert int(number[3]) % 2 == (0 if applicant["sex"] == "Nam" else 1)


def test_returned_civil_status_dossiers_have_their_book_entry(demo) -> None:
    reg, rows = demo
    written: set[str] = set()
    for volume in reg.volumes():
        if volume.book_kind != "STD":
            written.update(e.dossier_uid for e in reg.entries(volume.uid) if e.dossier_uid)
    needed = [r for r in rows if r["status"] == 10 and reg.catalogues().get(
        r["catalogue_version"]).procedure(r["procedure_code"]).book_kind]
    assert needed
    assert [r["code"] for r in needed if r["uid"] not in written] == []


def test_certified_copies_get_one_number_per_document(demo) -> None:
    reg, rows = demo
    copies = {r["uid"] for r in rows if r["procedure_code"] == "certified_copy"
              and r["status"] in (9, 10)}
    per_dossier: Counter[str] = Counter()
    for volume in reg.volumes("SCT_BS"):
        per_dossier.update(e.dossier_uid for e in reg.entries(volume.uid))
    assert copies <= set(per_dossier)
    assert max(per_dossier.values()) > 1


def test_the_demo_register_passes_its_check(demo) -> None:
    reg, _ = demo
    report = reg.check()
    assert report.ok, report.text("en")

