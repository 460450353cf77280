"""Book entries checked against their book's schema (the catalogue's entry fields): the one
definition the entry dialog, the register's book service and `motcua check` read."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from desktop.register.catalogue import SYSTEM_KEYS, BookKind, EntryField
from desktop.register.errors import ValidationError
from desktop.register.textnorm import fold, nfc
from desktop.register.validation import SEX_MALE, _refuse_too_long, normalize_sex, validate_text

ENTRY_TEXT_MAX = 500
ENTRY_LONG_TEXT_MAX = 2000
_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TIME_RE = re.compile(r"^(\d{1,2})[:hg](\d{2})$")


def entry_keys(kind: BookKind, data: Mapping[str, Any]) -> dict[str, Any]:
    """An entry's data under its book's keys (legacy keys read as today's); a key the schema
    lacks is refused, since the book would never print it."""
    canonical = kind.canonical(data)
    unknown = kind.unknown_keys(canonical)
    if unknown:
        listed = ", ".join(unknown)
        raise ValidationError(
            f"{kind.name} không có mục: {listed}. Giá trị của mục không có trong mẫu sổ sẽ "
            "không được in ra, nên không được ghi.",
            f"The {kind.code} book has no field {listed}: a value the book does not print "
            "cannot be entered.", field=unknown[0])
    return canonical


def validate_entry(kind: BookKind, data: Mapping[str, object]) -> dict[str, str]:
    """An entry's data checked against its book kind's schema: legacy keys read as today's, a
    key the schema lacks refused (it would never be printed), required fields filled, each
    value in its type's one form (DD/MM/YYYY, HH:MM, 12 digits, "Nam"/"Nữ"...). Returns the
    cleaned values (NFC, stripped, normalised), empty ones left out."""
    canonical = entry_keys(kind, data)
    out: dict[str, str] = {}
    for key in SYSTEM_KEYS:
        if canonical.get(key) not in (None, ""):
            out[key] = validate_text(str(canonical[key]), field=key, max_len=ENTRY_TEXT_MAX)
    for f in kind.fields:
        value = _entry_value(f, canonical.get(f.key))
        if not value:
            if f.required:
                raise ValidationError(f"Hãy điền «{f.label_vi}».",
                                      f"Fill in “{f.label_en}”.", field=f.key)
            continue
        out[f.key] = value
    return out


def _entry_value(f: EntryField, raw: object) -> str:
    label = (f.label_vi, f.label_en)
    if raw is None or raw == "":
        return ""
    if f.type == "flag":
        return _flag(f, raw)
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise ValidationError(f"{f.label_vi}: giá trị không hợp lệ.",
                              f"{f.label_en}: invalid value.", field=f.key)
    text = nfc(str(raw)).strip()
    if f.type == "long_text":
        lines = [validate_text(line, field=f.key, max_len=ENTRY_LONG_TEXT_MAX, label=label)
                 for line in text.splitlines()]
        text = "\n".join(line for line in lines if line)
        _refuse_too_long(text, ENTRY_LONG_TEXT_MAX, f.key, label)
        return text
    text = validate_text(text, field=f.key, max_len=ENTRY_TEXT_MAX, label=label)
    if not text or f.type == "text":
        return text
    return _typed(f, text)


def _bad(f: EntryField, text: str, form_vi: str, form_en: str) -> ValidationError:
    return ValidationError(f"{f.label_vi}: «{text}» không đúng dạng {form_vi}.",
                           f"{f.label_en}: “{text}” is not {form_en}.", field=f.key)


def _typed(f: EntryField, text: str) -> str:
    """The value of a typed field in its one written form, or a ValidationError."""
    if f.type == "date":
        return _entry_date(f, text)
    if f.type == "datetime":  # "DD/MM/YYYY HH:MM", the time optional, either order
        parts = text.replace(",", " ").replace("lúc", " ").replace("ngày", " ").split()
        days, times = [p for p in parts if "/" in p], [p for p in parts if "/" not in p]
        if len(days) != 1 or len(times) > 1:
            raise _bad(f, text, "ngày, giờ (NN/TT/NNNN GG:PP)", "a date and time")
        day = _entry_date(f, days[0])
        return f"{day} {_entry_time(f, times[0])}" if times else day
    if f.type == "time":
        return _entry_time(f, text)
    if f.type == "year":
        if not (text.isdigit() and len(text) == 4 and 1800 <= int(text) <= 2200):
            raise _bad(f, text, "năm (NNNN)", "a year (YYYY)")
        return text
    if f.type == "number":
        if not text.isdigit():
            raise _bad(f, text, "số nguyên", "a whole number")
        return str(int(text))
    if f.type == "money":
        digits = text.lower().removesuffix("đồng").removesuffix("đ").strip()
        digits = digits.replace(".", "").replace(",", "").replace(" ", "")
        if not digits.isdigit():
            raise _bad(f, text, "số tiền bằng đồng (ví dụ 10.000)", "an amount in đồng")
        return str(int(digits))
    if f.type == "id_number":
        number = "".join(text.split())
        if not (number.isdigit() and len(number) == 12):
            raise _bad(f, text, "số định danh cá nhân (12 chữ số)",
                       "a personal identification number (12 digits)")
        return number
    if f.type == "sex":
        try:
            return "Nam" if normalize_sex(text) == SEX_MALE else "Nữ"
        except ValidationError:
            raise _bad(f, text, "giới tính («Nam» hoặc «Nữ»)", "a sex (Nam or Nữ)") from None
    return text


FLAG_YES = "Có"
_FLAG_WORDS = {"co": True, "x": True, "1": True, "true": True, "yes": True,
               "khong": False, "0": False, "false": False, "no": False}


def _flag(f: EntryField, raw: object) -> str:
    """A yes/no field: "Có" when set, "" (left out) when not."""
    value = raw if isinstance(raw, bool) else _FLAG_WORDS.get(fold(str(raw)).strip())
    if value is None:
        raise ValidationError(f"{f.label_vi}: chỉ nhận «Có» hoặc «Không».",
                              f"{f.label_en}: yes or no only.", field=f.key)
    return FLAG_YES if value else ""


def _entry_time(f: EntryField, text: str) -> str:
    match = _TIME_RE.match(text.replace(" giờ ", ":").removesuffix(" phút").replace(" ", ""))
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise _bad(f, text, "giờ (GG:PP)", "a time (HH:MM)")
    return f"{int(match[1]):02d}:{match[2]}"


def _entry_date(f: EntryField, text: str) -> str:
    match = _DATE_RE.match(text)
    try:
        if match is None:
            raise ValueError(text)
        day = date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        raise _bad(f, text, "ngày (NN/TT/NNNN)", "a date (DD/MM/YYYY)") from None
    return f"{day:%d/%m/%Y}"
