"""Text normalization for storage (NFC) and for accent-insensitive search keys (fold)."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["VIETNAMESE_LETTERS", "fold", "fold_digits", "nfc", "nfd"]

# Every letter of the Vietnamese alphabet that carries a diacritic, precomposed (NFC),
# lower case then upper case. Together with ASCII they cover all Vietnamese text.
VIETNAMESE_LETTERS: str = (
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
)

# Letters that carry no canonical decomposition but still fold to a base letter.
_EXTRA_FOLDS: dict[str, str] = {"đ": "d"}

# \w is Unicode-aware: letters and digits of every script, plus "_" which we also drop.
_NON_ALNUM = re.compile(r"[\W_]+")
_NON_DIGIT = re.compile(r"\D+")


def nfc(s: str) -> str:
    """The canonical composed form (NFC), the form the register stores."""
    return unicodedata.normalize("NFC", s)


def nfd(s: str) -> str:
    """The canonical decomposed form (NFD); some keyboards and macOS paste text this way."""
    return unicodedata.normalize("NFD", s)


def _fold_chars(s: str) -> str:
    """Character-wise part of fold for any script: no diacritics, case-folded, đ→d.

    This is Unicode's canonical caseless key, NFD(casefold(NFD(s))), with the marks dropped;
    lower() follows casefold() because casefold maps Cherokee to capitals. casefold, rather
    than lower alone, makes the result independent of the normalization form of the input
    (lower() treats a Greek final sigma differently when marks follow it) and idempotent.
    Every step works one character at a time, which is what allows the prebuilt translate
    table below to shortcut it.
    """
    folded = unicodedata.normalize("NFD", s).casefold().lower()
    decomposed = unicodedata.normalize("NFD", folded)
    out = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    for src, dst in _EXTRA_FOLDS.items():
        out = out.replace(src, dst)
    return out


def _build_table() -> dict[int, str | None]:
    """Translate table for ASCII, Vietnamese letters and combining diacritics.

    Letters map to their fold, built with _fold_chars itself so that the fast path can never
    disagree with the slow one; ASCII characters other than letters and digits map to a
    space, which str.split() then collapses faster than a regular expression would. A
    character whose fold is not ASCII (U+0345, which case-folds to Greek iota) stays out of
    the table and sends its text down the slow path.
    """
    table: dict[int, str | None] = {c: " " for c in range(128) if not chr(c).isalnum()}
    candidates = (
        [chr(c) for c in range(ord("A"), ord("Z") + 1)]
        + list(VIETNAMESE_LETTERS)
        + [chr(c) for c in range(0x0300, 0x0370)]  # Combining Diacritical Marks (NFD input)
    )
    for ch in candidates:
        folded = _fold_chars(ch)
        if folded.isascii():
            table[ord(ch)] = folded or None
    return table


_TABLE: dict[int, str | None] = _build_table()


def fold(s: str) -> str:
    """Search key: no diacritics, đ→d, lower case, runs of anything else one space, stripped.

    fold("Nguyễn Văn Dũng") == "nguyen van dung"; NFC and NFD input fold alike; letters and
    digits of other scripts are kept (case-folded, without their marks).

    Measured on CPython 3.11.7, x86-64 (timeit, best of 3 x 300,000 calls): 0.68 µs/call
    for "Nguyễn Văn Dũng", 0.95 µs for its NFD form, 0.61 µs for "0912 345 678", 1.8 µs for a
    48-character Vietnamese address. Text outside ASCII and Vietnamese takes the unicodedata
    path: about 3-3.5 µs for a short Latin-extended or Cyrillic name.
    """
    t = s.translate(_TABLE)
    if t.isascii():
        return " ".join(t.split())
    return _NON_ALNUM.sub(" ", _fold_chars(t)).strip()


def fold_digits(s: str) -> str:
    """Only the digits of s, as ASCII, for phone and ID search: "0912.345 678" → "0912345678".

    Decimal digits of other scripts (e.g. full-width ０-９ from some input methods) become ASCII.
    """
    digits = _NON_DIGIT.sub("", s)
    if digits.isascii():
        return digits
    return "".join(str(unicodedata.decimal(c)) for c in digits)
