"""Tests of textnorm: NFC for storage, fold() and fold_digits() for search keys."""

from __future__ import annotations

import time
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.register.textnorm import (
    _NON_ALNUM,
    VIETNAMESE_LETTERS,
    _fold_chars,
    fold,
    fold_digits,
    nfc,
    nfd,
)


def _all_code_points(stop: int) -> list[str]:
    return [chr(cp) for cp in range(stop) if not 0xD800 <= cp <= 0xDFFF]


def test_nfc_composes_decomposed_vietnamese() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Dũng")
    assert decomposed != "Nguyễn Văn Dũng"
    assert nfc(decomposed) == "Nguyễn Văn Dũng"
    assert nfd("ễ") == "e\u0302\u0303"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Nguyễn Văn Dũng", "nguyen van dung"),
        ("ĐẶNG", "dang"),
        ("đường Trần Hưng Đạo", "duong tran hung dao"),
        ("Nguyễn Thị Ngọc Ánh", "nguyen thi ngoc anh"),
        ("H'Hen Niê", "h hen nie"),
        ("Ksor Y-Bơi", "ksor y boi"),
        ("Thừa Thiên Huế", "thua thien hue"),
        ("Bà Rịa - Vũng Tàu", "ba ria vung tau"),
        ("  Số 5,  ngõ 12/3 -- phố Huế!  ", "so 5 ngo 12 3 pho hue"),
        ("snake_case\tand\nnewlines", "snake case and newlines"),
        ("0912.345.678", "0912 345 678"),
    ],
)
def test_fold_strips_diacritics_lowercases_and_collapses_separators(text: str, key: str) -> None:
    assert fold(text) == key


def test_fold_gives_the_same_key_for_nfd_input_as_for_nfc() -> None:
    text = "Nguyễn Văn Dũng, Đặng Thị Hương, Phường Hai Bà Trưng"
    assert fold(unicodedata.normalize("NFD", text)) == fold(text)


@pytest.mark.parametrize("text", ["", "   ", "--- ,,, !!!", "\n\r\t", "_"])
def test_fold_of_text_without_letters_or_digits_is_empty(text: str) -> None:
    assert fold(text) == ""


def test_fold_keeps_letters_of_other_scripts_case_folded() -> None:
    assert fold("Иван ПЕТРОВ") == "иван петров"
    assert fold("Straße Müller") == "strasse muller"
    assert fold("Łukasz Ørsted") == "łukasz ørsted"
    assert fold("张伟") == "张伟"


def test_fold_maps_every_vietnamese_letter_to_one_ascii_letter() -> None:
    for letter in VIETNAMESE_LETTERS:
        key = fold(letter)
        assert len(key) == 1 and "a" <= key <= "z", letter
        assert fold(unicodedata.normalize("NFD", letter)) == key, letter


def test_fold_is_idempotent_normalization_insensitive_and_lowercase_per_code_point() -> None:
    for ch in _all_code_points(0x20000):  # the basic and supplementary multilingual planes
        key = fold(ch)
        assert fold(key) == key, hex(ord(ch))
        assert fold(unicodedata.normalize("NFD", ch)) == key, hex(ord(ch))
        assert key.lower() == key, hex(ord(ch))


def test_fold_fast_path_agrees_with_the_unicodedata_path_on_the_basic_plane() -> None:
    for ch in _all_code_points(0x10000):
        text = f"A{ch}b"
        assert fold(text) == _NON_ALNUM.sub(" ", _fold_chars(text)).strip(), hex(ord(ch))


def test_fold_takes_a_few_microseconds_per_name() -> None:
    names = ["Nguyễn Văn Dũng", "Trần Thị Ngọc Ánh", "Lê Hoàng Đức", "H'Hen Niê"] * 2500
    start = time.perf_counter()
    for name in names:
        fold(name)
    per_call_us = (time.perf_counter() - start) / len(names) * 1e6
    # Measured at ~0.7 µs; the bound is loose so that a slow CI machine does not fail it.
    assert per_call_us < 50


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text())
def test_fold_does_not_depend_on_the_normalization_form(text: str) -> None:
    key = fold(text)
    for form in ("NFC", "NFD"):
        assert fold(unicodedata.normalize(form, text)) == key


@given(st.text())
def test_fold_yields_single_spaced_lowercase_words(text: str) -> None:
    key = fold(text)
    assert key == key.strip()
    assert "  " not in key
    assert all(word.isalnum() for word in key.split(" ") if word)
    assert key.lower() == key


@given(st.text())
def test_fold_fast_path_agrees_with_the_unicodedata_path(text: str) -> None:
    assert fold(text) == _NON_ALNUM.sub(" ", _fold_chars(text)).strip()


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("0912.345 678", "0912345678"),
        ("+84 (24) 3825-1234", "842438251234"),
        ("CCCD: 001 098 012 345", "001098012345"),
        ("０９１２３４５６７８", "0912345678"),  # full-width digits from some input methods
        ("không có số", ""),
        ("", ""),
    ],
)
def test_fold_digits_keeps_only_the_digits_as_ascii(text: str, digits: str) -> None:
    assert fold_digits(text) == digits


@given(st.text())
def test_fold_digits_yields_ascii_digits_and_is_idempotent(text: str) -> None:
    digits = fold_digits(text)
    assert all("0" <= ch <= "9" for ch in digits)
    assert fold_digits(digits) == digits
