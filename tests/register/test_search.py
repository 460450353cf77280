"""Search at the desk: diacritic- and NFC/NFD-insensitive, last word a prefix, codes exact."""

from __future__ import annotations

import unicodedata

from desktop.register.service import MAX_EXPANSION, Register, fts_query
from tests.conftest import valid_input

NAMES = ["Nguyễn Văn Dũng", "Đặng Thị Ánh", "Trần Thị Hằng", "Đặng Văn Đạt", "Lê Quỳnh Anh"]


def _fill(register: Register) -> dict[str, str]:
    codes = {}
    for name in NAMES:
        view = register.receive(valid_input(register, "certified_copy", name=name), "canbo1")
        codes[name] = view.code
    return codes


def names(rows: list) -> set[str]:
    return {r.applicant_name for r in rows}


def test_a_name_typed_without_diacritics_finds_the_vietnamese_spelling(register) -> None:
    _fill(register)
    assert names(register.search("nguyen van dung")) == {"Nguyễn Văn Dũng"}
    assert names(register.search("dang")) == {"Đặng Thị Ánh", "Đặng Văn Đạt"}


def test_nfd_input_and_capitals_find_the_same_dossiers_as_nfc(register) -> None:
    _fill(register)
    nfd = unicodedata.normalize("NFD", "ĐẶNG THỊ")
    assert names(register.search(nfd)) == {"Đặng Thị Ánh"}


def test_the_last_word_matches_as_a_prefix_while_typing(register) -> None:
    _fill(register)
    assert names(register.search("tran thi h")) == {"Trần Thị Hằng"}
    assert names(register.search("dang van d")) == {"Đặng Văn Đạt"}
    assert names(register.search("quy")) == {"Lê Quỳnh Anh"}
    assert register.search("zzz") == []


def test_a_dossier_code_opens_exactly_its_dossier(register) -> None:
    codes = _fill(register)
    rows = register.search(codes["Trần Thị Hằng"])
    assert [r.code for r in rows] == [codes["Trần Thị Hằng"]]


def test_a_last_word_with_many_completions_falls_back_to_a_prefix_query(register) -> None:
    with register._read() as conn:  # rolled back when the block ends
        for i in range(MAX_EXPANSION + 5):
            conn.exec_driver_sql(
                "INSERT INTO dossier_search (rowid, body) VALUES (?, ?)",
                (10_000 + i, f"hanh{i}x"))
        assert fts_query("hanh", conn) == '"hanh"*'
        assert fts_query("nguyen hanh1", conn).startswith('"nguyen" AND (')
    assert fts_query("") == ""
