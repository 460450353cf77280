"""Receiving a batch: every row of every table written together, or none of them."""

from __future__ import annotations

import sqlite3

import pytest

from desktop.register.service import Register
from tests.conftest import table_counts, valid_input

NAMES = ["Phạm Ngọc Ẩn", "Hoàng Văn Thụ", "Vũ Thị Hường", "Bùi Đức Mạnh", "Đinh Thị Lan"]


def _batch(register: Register, names: list[str]) -> list:
    return register.receive_many(
        [valid_input(register, "certified_copy", name=n) for n in names], "canbo1")


def test_each_dossier_of_a_batch_is_found_by_its_own_name(register: Register) -> None:
    first = register.receive(valid_input(register, "certified_copy", name="Lê Thị Ánh"),
                             "canbo1")
    views = _batch(register, NAMES)
    for view in [first, *views]:
        found = register.search(view.applicant_name)
        assert [(r.uid, r.code) for r in found] == [(view.uid, view.code)]
    con = sqlite3.connect(register.path)
    try:
        ids = [r[0] for r in con.execute("SELECT id FROM dossiers ORDER BY id")]
    finally:
        con.close()
    assert ids == list(range(1, len(NAMES) + 2))
    assert register.check().ok


def test_a_batch_takes_the_next_tracking_numbers_and_the_book_keeps_count(
        register: Register) -> None:
    views = _batch(register, NAMES[:3]) + _batch(register, NAMES[3:])
    numbers = [v.details["tracking"]["number"] for v in views]
    assert numbers == list(range(1, len(NAMES) + 1))
    [volume] = [v for v in register.volumes() if v.book_kind == "STD"]
    assert volume.last_number == len(NAMES)
    assert [e.number for e in register.entries(volume.uid)] == numbers
    assert register.check().ok


def test_a_batch_that_fails_while_being_written_leaves_nothing_behind(
        register: Register) -> None:
    register.receive(valid_input(register, "certified_copy", name="Lê Thị Ánh"), "canbo1")
    before = table_counts(register.path)
    volumes_before = register.volumes()
    # Wind the day's code sequence back: the batch's first code is taken, and its dossier row
    # fails when the batch is written, after its events and before its book entries.
    con = sqlite3.connect(register.path)
    with con:
        con.execute("UPDATE counters SET value = 0")
    con.close()
    with pytest.raises(sqlite3.IntegrityError):
        _batch(register, NAMES)
    assert table_counts(register.path) == before
    assert register.volumes() == volumes_before
    assert all(register.search(n) == [] for n in NAMES)
    con = sqlite3.connect(register.path)
    with con:
        con.execute("UPDATE counters SET value = 1")
    con.close()
    views = _batch(register, NAMES)
    assert [v.details["tracking"]["number"] for v in views] == list(range(2, len(NAMES) + 2))
    assert register.check().ok

