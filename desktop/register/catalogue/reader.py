"""Typed, located access to the catalogue's JSON objects: errors say where the bad value is."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any, NoReturn

from desktop.register.errors import ValidationError

CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

class Reader:
    """Typed access to one JSON object, raising errors that say where the bad value is."""

    def __init__(self, data: Any, where_vi: str, where_en: str, path: str):
        self.where_vi = where_vi
        self.where_en = where_en
        self.path = path
        if not isinstance(data, Mapping):
            raise ValidationError(
                f"{where_vi}: phải là một đối tượng JSON (cặp khóa - giá trị).",
                f"{where_en}: must be a JSON object.",
                field=path or None,
            )
        self.data = data

    def _field(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, problem_vi: str, problem_en: str) -> NoReturn:
        raise ValidationError(
            f"{self.where_vi}: {problem_vi}.",
            f"{self.where_en}: {problem_en}.",
            field=self._field(key),
        )

    def allow(self, *keys: str) -> None:
        for key in self.data:
            if key not in keys:
                self.fail(
                    str(key),
                    f'mục "{key}" không được hỗ trợ (gõ nhầm tên mục?)',
                    f'key "{key}" is not supported (a typo?)',
                )

    def _get(self, key: str, required: bool) -> Any:
        if key not in self.data:
            if required:
                self.fail(key, f'thiếu mục bắt buộc "{key}"', f'required key "{key}" is missing')
            return None
        return self.data[key]

    def text(self, key: str, *, required: bool = True) -> str:
        value = self._get(key, required)
        if value is None and not required:
            return ""
        if not isinstance(value, str):
            self.fail(key, f'mục "{key}" phải là chuỗi ký tự', f'"{key}" must be a string')
        if required and not value.strip():
            self.fail(key, f'mục "{key}" không được để trống', f'"{key}" must not be empty')
        if not unicodedata.is_normalized("NFC", value):
            self.fail(
                key,
                f'mục "{key}" chưa được chuẩn hóa Unicode dạng NFC (dấu tiếng Việt phải dựng sẵn)',
                f'"{key}" is not in Unicode NFC form',
            )
        return value

    def optional_text(self, key: str) -> str | None:
        if self.data.get(key) is None:
            return None
        return self.text(key)

    def code(self, key: str) -> str:
        value = self.text(key)
        if not CODE_RE.match(value):
            self.fail(
                key,
                f'mã "{value}" không hợp lệ (chỉ gồm chữ cái không dấu, chữ số và dấu gạch dưới, '
                "bắt đầu bằng chữ cái)",
                f'code "{value}" is invalid (ASCII letters, digits and underscores, starting with '
                "a letter)",
            )
        return value

    def boolean(self, key: str, *, default: bool | None = None) -> bool:
        value = self._get(key, default is None)
        if value is None:
            return bool(default)
        if not isinstance(value, bool):
            self.fail(key, f'mục "{key}" phải là true hoặc false', f'"{key}" must be true or false')
        return value

    def integer(self, key: str, *, minimum: int = 0) -> int:
        value = self._get(key, True)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f'mục "{key}" phải là số nguyên', f'"{key}" must be an integer')
        if value < minimum:
            self.fail(
                key,
                f'mục "{key}" phải từ {minimum} trở lên (đang là {value})',
                f'"{key}" must be at least {minimum} (is {value})',
            )
        return value

    def optional_integer(self, key: str, *, minimum: int = 0) -> int | None:
        if self.data.get(key) is None:
            return None
        return self.integer(key, minimum=minimum)

    def iso_date(self, key: str) -> date:
        value = self.text(key)
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(
                key,
                f'ngày "{value}" không đúng dạng NNNN-TT-NN',
                f'date "{value}" is not in YYYY-MM-DD form',
            )

    def choice(self, key: str, allowed: Sequence[str], labels_vi: Mapping[str, str], *,
               default: str | None = None) -> str:
        value = self._get(key, default is None)
        if value is None and default is not None:
            return default
        if value not in allowed:
            listed_vi = ", ".join(f"{a} ({labels_vi[a]})" for a in allowed)
            self.fail(
                key,
                f'giá trị "{value}" của mục "{key}" không hợp lệ; chỉ nhận: {listed_vi}',
                f'"{key}" value "{value}" is invalid; allowed: {", ".join(allowed)}',
            )
        return str(value)

    def sequence(self, key: str, *, required: bool = True) -> list[Any]:
        value = self._get(key, required)
        if value is None and not required:
            return []
        if not isinstance(value, list):
            self.fail(key, f'mục "{key}" phải là một danh sách', f'"{key}" must be a list')
        return value

    def child(self, key: str, where_vi: str, where_en: str, *, required: bool = True) -> Reader:
        value = self._get(key, required)
        return Reader(value, where_vi, where_en, self._field(key))

    def records(self, key: str, label_vi: str, label_en: str, *, required: bool = True,
                code_key: str = "code") -> Iterator[Reader]:
        """Each object of a list of coded records, named by its code in errors."""
        for index, raw in enumerate(self.sequence(key, required=required)):
            code = raw.get(code_key) if isinstance(raw, Mapping) else None
            shown = code if isinstance(code, str) and code else f"thứ {index + 1}"
            shown_en = code if isinstance(code, str) and code else f"#{index + 1}"
            quoted_vi = f'"{shown}"' if shown == code else shown
            quoted_en = f'"{shown_en}"' if shown_en == code else shown_en
            yield Reader(
                raw,
                f"{label_vi} {quoted_vi}",
                f"{label_en} {quoted_en}",
                self._field(f"{key}[{shown_en}]"),
            )
