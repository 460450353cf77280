"""Search: how the last word typed is completed from the words of the index."""

from __future__ import annotations

from desktop.register.service import LONGEST_INDEXED_PREFIX, MAX_EXPANSION, Register, fts_query
from tests.conftest import valid_input


def _receive(register: Register, names: list[str]) -> None:
    register.receive_many([valid_input(register, "certified_copy", name=n) for n in names],
                          "canbo1")


def test_a_word_many_dossiers_share_does_not_hide_the_words_after_it(register) -> None:
    # More "nguyen" rows than one page of the word list: the next word must still be found.
    _receive(register, ["Nguyễn Văn An"] * (MAX_EXPANSION + 6) + ["Lê Thị Nguyệt"])
    with register._read() as conn:
        assert fts_query("nguy", conn) == '("nguyen" OR "nguyet")'
        assert fts_query("nguyen", conn) == '("nguyen")'
    found = register.search("nguy")
    assert len(found) == MAX_EXPANSION + 7
    assert {r.applicant_name for r in found} == {"Nguyễn Văn An", "Lê Thị Nguyệt"}
    assert {r.applicant_name for r in register.search("le thi nguye")} == {"Lê Thị Nguyệt"}


def test_a_word_nothing_starts_with_finds_nothing(register) -> None:
    _receive(register, ["Nguyễn Văn An"])
    with register._read() as conn:
        assert fts_query("nguyen xyzt", conn) == ""
    assert register.search("nguyen xyzt") == []


def test_a_last_word_as_short_as_a_prefix_index_is_read_from_it(register) -> None:
    _receive(register, ["Trần Thị Hằng", "Trịnh Văn Long", "Lê Văn Tú"])
    short = "t" * LONGEST_INDEXED_PREFIX
    with register._read() as conn:
        assert fts_query("tr", conn) == '"tr"*'
        assert fts_query(f"le {short}", conn) == f'"le" AND "{short}"*'
    assert {r.applicant_name for r in register.search("tr")} == {"Trần Thị Hằng",
                                                                "Trịnh Văn Long"}
    assert {r.applicant_name for r in register.search("van tu")} == {"Lê Văn Tú"}
