"""Book kinds and their entry schemas: each book's fields and printed columns, as catalogue data.

A book kind's ``fields`` are what an entry holds (key, labels, type, required, where the
dossier can pre-fill it) and ``columns`` what its printed page shows. Every field names the
column it is printed in, and a column that prints values lists no field that is not among the
fields: nothing entered can be left off the paper. The entry dialog, validation, the printed
book, the demo generator and ``motcua check`` all read this one definition.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from desktop.register.catalogue.reader import CODE_RE, Reader
from desktop.register.errors import NotFoundError, ValidationError

BOOK_GROUPS = ("tracking", "civil_status", "certification")
GROUP_LABELS_VI = {
    "tracking": "sổ theo dõi",
    "civil_status": "sổ hộ tịch",
    "certification": "sổ chứng thực",
}

FIELD_TYPES = ("text", "long_text", "date", "time", "datetime", "year", "number", "money",
               "id_number", "sex", "flag")
"""Value types of entry fields; validation checks the format, the demo generates by type."""
FIELD_TYPE_LABELS_VI = {
    "text": "chữ",
    "long_text": "đoạn văn",
    "date": "ngày (NN/TT/NNNN)",
    "time": "giờ (GG:PP)",
    "datetime": "ngày, giờ (NN/TT/NNNN GG:PP)",
    "year": "năm (NNNN)",
    "number": "số nguyên",
    "money": "số tiền (đồng)",
    "id_number": "số định danh cá nhân (12 chữ số)",
    "sex": "giới tính (Nam / Nữ)",
    "flag": "có / không (ô đánh dấu)",
}
PREFILL_SOURCES = ("name", "birth_date", "id_number", "address", "sex")
"""What a dossier's applicant can pre-fill: full name, birth date, ID number, address, sex."""
PREFILL_LABELS_VI = {
    "name": "họ tên người nộp",
    "birth_date": "ngày sinh người nộp",
    "id_number": "số định danh người nộp",
    "address": "địa chỉ người nộp",
    "sex": "giới tính người nộp",
}

COLUMN_KINDS = ("text", "number", "money", "note", "sign")
"""How a column prints: "text" its fields as "label: value", "number" the entry's number and
date (no fields), "money" amounts with dotted thousands, "note" voids and corrections then its
fields, "sign" left blank for a signature (no fields)."""
COLUMN_KIND_LABELS_VI = {
    "text": "nội dung",
    "number": "số và ngày ghi sổ",
    "money": "số tiền",
    "note": "ghi chú",
    "sign": "chữ ký",
}
VALUE_COLUMN_KINDS = ("text", "money", "note")

SYSTEM_KEYS = ("correction_reason",)
"""Keys the register itself adds to entry data (a correction's reason), never typed in a field."""


@dataclass(frozen=True)
class EntryField:
    """One field of a book entry, as the dialog asks for it and the book prints it.

    ``column`` is the id of the printed column that shows it. ``print_label`` is what precedes
    the value in that column ("Ngày sinh: 01/02/2026"): None means the Vietnamese label, ""
    prints the value bare (the column heading names it). ``aliases`` are
    keys older entries used for the same value, read as this key (a legacy key several fields
    claim goes to the first of them the entry does not already have). ``one_per_line``: in a
    certification book each line typed here is a document of its own, with its own number.
    """

    key: str
    label_vi: str
    label_en: str
    type: str = "text"
    required: bool = False
    prefill: str | None = None
    column: str = ""
    print_label: str | None = None
    aliases: tuple[str, ...] = ()
    one_per_line: bool = False

    def label(self, lang: str = "vi") -> str:
        return self.label_en if lang == "en" else self.label_vi

    @property
    def printed_label(self) -> str:
        """What precedes the value in the printed column ("" for none)."""
        return self.label_vi if self.print_label is None else self.print_label

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "key": self.key, "label_vi": self.label_vi, "label_en": self.label_en,
            "type": self.type, "column": self.column}
        if self.required:
            out["required"] = True
        if self.prefill is not None:
            out["prefill"] = self.prefill
        if self.print_label is not None:
            out["print_label"] = self.print_label
        if self.aliases:
            out["aliases"] = list(self.aliases)
        if self.one_per_line:
            out["one_per_line"] = True
        return out


@dataclass(frozen=True)
class BookColumn:
    """A printed column of a book: id, heading, relative width (mm) and how it prints."""

    id: str
    heading: str
    width: float
    kind: str = "text"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "heading": self.heading, "width": self.width}
        if self.kind != "text":
            out["kind"] = self.kind
        return out


@dataclass(frozen=True)
class BookKind:
    """A kind of logbook (sổ) the commune keeps, how its entries are numbered, what they hold.

    ``fields`` and ``columns`` are empty only in catalogues written before entry schemas were
    data; a catalogue set fills those from a version that has them (see ``with_schema``).
    """

    code: str
    name: str
    group: str
    symbol: str | None
    restart_yearly: bool
    per_field: bool = False
    check: bool = False
    note: str = ""
    columns: tuple[BookColumn, ...] = ()
    fields: tuple[EntryField, ...] = ()
    _by_key: dict[str, EntryField] = dc_field(init=False, repr=False, compare=False)
    _aliases: dict[str, tuple[str, ...]] = dc_field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "fields", tuple(self.fields))
        by_key, aliases = _check_schema(self)
        object.__setattr__(self, "_by_key", by_key)
        object.__setattr__(self, "_aliases", aliases)

    @property
    def has_schema(self) -> bool:
        return bool(self.fields)

    @property
    def keys(self) -> tuple[str, ...]:
        """The canonical entry keys, in dialog order."""
        return tuple(f.key for f in self.fields)

    def field(self, key: str) -> EntryField:
        """The field with this key (or one of its legacy aliases)."""
        found = self._by_key.get(self._aliases.get(key, (key,))[0])
        if found is None:
            raise NotFoundError(
                f'Sổ "{self.name}" không có trường "{key}".',
                f'Book kind {self.code} has no entry field "{key}".', field=key)
        return found

    def column(self, column_id: str) -> BookColumn:
        for column in self.columns:
            if column.id == column_id:
                return column
        raise NotFoundError(
            f'Sổ "{self.name}" không có cột "{column_id}".',
            f'Book kind {self.code} has no column "{column_id}".', field=column_id)

    def fields_in(self, column_id: str) -> tuple[EntryField, ...]:
        """The fields printed in a column, in field order."""
        return tuple(f for f in self.fields if f.column == column_id)

    def column_number(self, key: str) -> int:
        """The printed column number, from 1, of the column showing this field."""
        wanted = self.field(key).column
        return next(i for i, c in enumerate(self.columns, 1) if c.id == wanted)

    @property
    def split_field(self) -> EntryField | None:
        """The field whose lines each become an entry of their own (one number a document)."""
        return next((f for f in self.fields if f.one_per_line), None)

    def canonical(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """Entry data with legacy keys read as today's keys; the one place aliases are mapped.

        A legacy key goes to the first field claiming it that the entry does not have yet
        (the old BSTL dialog's ``ho_ten`` is the requester; beside a ``nguoi_yeu_cau`` it is
        the person the extract is about). With no free field it stays as it is, and is then
        reported by ``unknown_keys``: two values are never merged silently.
        """
        out: dict[str, Any] = {k: v for k, v in data.items() if k not in self._aliases}
        for key, value in data.items():
            if key not in self._aliases:
                continue
            target = next((t for t in self._aliases[key] if t not in out), None)
            out[target if target is not None else key] = value
        return out

    def unknown_keys(self, data: Mapping[str, Any]) -> list[str]:
        """Keys of (canonical) entry data that no field of this book defines."""
        return [k for k in data if k not in self._by_key and k not in SYSTEM_KEYS]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "group": self.group,
            "symbol": self.symbol,
            "restart_yearly": self.restart_yearly,
            "per_field": self.per_field,
            "check": self.check,
            "note": self.note,
        }
        if self.has_schema:
            out["columns"] = [c.to_dict() for c in self.columns]
            out["fields"] = [f.to_dict() for f in self.fields]
        return out

    def with_schema(self, other: BookKind) -> BookKind:
        """This book kind with the columns and fields of ``other`` (same code)."""
        return BookKind(code=self.code, name=self.name, group=self.group, symbol=self.symbol,
                        restart_yearly=self.restart_yearly, per_field=self.per_field,
                        check=self.check, note=self.note, columns=other.columns,
                        fields=other.fields)


def _schema_error(kind: BookKind, what: str, vi: str, en: str) -> ValidationError:
    return ValidationError(f'Loại sổ "{kind.code}" ({kind.name}): {vi}.',
                           f"Book kind {kind.code}: {en}.",
                           field=f"book_kinds[{kind.code}].{what}")


def _check_schema(kind: BookKind) -> tuple[dict[str, EntryField], dict[str, tuple[str, ...]]]:
    """Validate a book kind's columns and fields; the key and alias indexes."""
    if bool(kind.columns) != bool(kind.fields):
        raise _schema_error(kind, "fields", "phải khai báo cả các cột in (columns) lẫn các "
                            "trường (fields), hoặc không khai báo cả hai",
                            "columns and fields go together: give both or neither")
    columns: dict[str, BookColumn] = {}
    for column in kind.columns:
        if not CODE_RE.match(column.id) or column.id in columns:
            raise _schema_error(kind, "columns", f'mã cột "{column.id}" không hợp lệ hoặc bị trùng',
                                f'column id "{column.id}" is invalid or duplicated')
        if column.kind not in COLUMN_KINDS:
            raise _schema_error(kind, f"columns[{column.id}].kind",
                                f'loại cột "{column.kind}" không hợp lệ; chỉ nhận: '
                                + ", ".join(f"{k} ({v})" for k, v in COLUMN_KIND_LABELS_VI.items()),
                                f'column kind "{column.kind}" is invalid')
        if not column.heading.strip() or column.width <= 0:
            raise _schema_error(kind, f"columns[{column.id}]",
                                f'cột "{column.id}" phải có tiêu đề và độ rộng lớn hơn 0',
                                f'column "{column.id}" needs a heading and a positive width')
        columns[column.id] = column
    by_key: dict[str, EntryField] = {}
    aliases: dict[str, tuple[str, ...]] = {}
    for f in kind.fields:
        where = f"fields[{f.key}]"
        if not CODE_RE.match(f.key) or f.key in by_key or f.key in aliases \
                or f.key in SYSTEM_KEYS:
            raise _schema_error(kind, where, f'khóa trường "{f.key}" không hợp lệ hoặc bị trùng',
                                f'field key "{f.key}" is invalid or duplicated')
        if not f.label_vi.strip() or not f.label_en.strip():
            raise _schema_error(kind, where, f'trường "{f.key}" phải có nhãn tiếng Việt và '
                                "tiếng Anh", f'field "{f.key}" needs both labels')
        if f.type not in FIELD_TYPES:
            raise _schema_error(kind, f"{where}.type", f'kiểu "{f.type}" của trường "{f.key}" '
                                "không hợp lệ; chỉ nhận: " + ", ".join(FIELD_TYPES),
                                f'field "{f.key}" has an invalid type "{f.type}"')
        if f.prefill is not None and f.prefill not in PREFILL_SOURCES:
            raise _schema_error(kind, f"{where}.prefill", f'nguồn điền sẵn "{f.prefill}" của '
                                f'trường "{f.key}" không hợp lệ; chỉ nhận: '
                                + ", ".join(PREFILL_SOURCES),
                                f'field "{f.key}" has an invalid prefill "{f.prefill}"')
        placed = columns.get(f.column)
        if placed is None:
            raise _schema_error(kind, f"{where}.column", f'trường "{f.key}" ghi vào cột '
                                f'"{f.column}" nhưng sổ không có cột đó: giá trị sẽ không được '
                                "in ra", f'field "{f.key}" names column "{f.column}", which the '
                                "book does not have: its value would never be printed")
        if placed.kind not in VALUE_COLUMN_KINDS:
            raise _schema_error(kind, f"{where}.column", f'trường "{f.key}" ghi vào cột '
                                f'"{placed.id}" là cột {COLUMN_KIND_LABELS_VI[placed.kind]}, '
                                "không in giá trị", f'field "{f.key}" names column '
                                f'"{placed.id}", a {placed.kind} column that prints no values')
        if f.one_per_line and any(g.one_per_line for g in by_key.values()):
            raise _schema_error(kind, where, "chỉ một trường được tách mỗi dòng một số",
                                "only one field may be one_per_line")
        by_key[f.key] = f
        for alias in f.aliases:
            if not CODE_RE.match(alias) or alias in by_key or alias in f.aliases[
                    :f.aliases.index(alias)]:
                raise _schema_error(kind, f"{where}.aliases", f'khóa cũ "{alias}" không hợp lệ '
                                    "hoặc bị trùng", f'alias "{alias}" is invalid or duplicated')
            aliases[alias] = (*aliases.get(alias, ()), f.key)
    clash = sorted(set(aliases) & set(by_key))
    if clash:
        raise _schema_error(kind, "fields", f'khóa cũ "{clash[0]}" trùng với một trường',
                            f'alias "{clash[0]}" is also a field key')
    for column in kind.columns:
        if column.kind in ("text", "money") and not any(f.column == column.id
                                                        for f in kind.fields):
            raise _schema_error(kind, f"columns[{column.id}]", f'cột "{column.heading}" không '
                                "có trường nào để in", f'column "{column.id}" prints no field')
    return by_key, aliases


def parse_book_kind(r: Reader) -> BookKind:
    """A book kind from its catalogue JSON object."""
    r.allow("code", "name", "group", "symbol", "restart_yearly", "per_field", "check", "note",
            "columns", "fields")
    code = r.code("code")
    name = r.text("name")
    book_vi, book_en = f'Loại sổ "{code}" ({name}),', f"Book kind {code},"
    columns: list[BookColumn] = []
    for c in r.records("columns", f"{book_vi} cột", f"{book_en} column", required=False,
                       code_key="id"):
        c.allow("id", "heading", "width", "kind")
        width = c.data.get("width")
        if isinstance(width, bool) or not isinstance(width, (int, float)) or width <= 0:
            c.fail("width", 'độ rộng cột "width" phải là số lớn hơn 0',
                   '"width" must be a positive number')
        columns.append(BookColumn(id=c.code("id"), heading=c.text("heading"), width=float(width),
                                  kind=c.choice("kind", COLUMN_KINDS, COLUMN_KIND_LABELS_VI,
                                                default="text")))
    fields: list[EntryField] = []
    for f in r.records("fields", f"{book_vi} trường", f"{book_en} field", required=False,
                       code_key="key"):
        f.allow("key", "label_vi", "label_en", "type", "required", "prefill", "column",
                "print_label", "aliases", "one_per_line")
        prefill = f.optional_text("prefill")
        print_label = f.data.get("print_label")
        if print_label is not None and not isinstance(print_label, str):
            f.fail("print_label", 'mục "print_label" phải là chuỗi ký tự',
                   '"print_label" must be a string')
        aliases = f.sequence("aliases", required=False)
        if not all(isinstance(a, str) for a in aliases):
            f.fail("aliases", 'mục "aliases" phải là danh sách chuỗi', '"aliases" must be strings')
        fields.append(EntryField(
            key=f.code("key"), label_vi=f.text("label_vi"), label_en=f.text("label_en"),
            type=f.choice("type", FIELD_TYPES, FIELD_TYPE_LABELS_VI),
            required=f.boolean("required", default=False),
            prefill=prefill if prefill is None else f.choice("prefill", PREFILL_SOURCES,
                                                             PREFILL_LABELS_VI),
            column=f.code("column"), print_label=print_label, aliases=tuple(aliases),
            one_per_line=f.boolean("one_per_line", default=False)))
    return BookKind(
        code=code,
        name=name,
        group=r.choice("group", BOOK_GROUPS, GROUP_LABELS_VI),
        symbol=r.optional_text("symbol"),
        restart_yearly=r.boolean("restart_yearly"),
        per_field=r.boolean("per_field", default=False),
        check=r.boolean("check", default=False),
        note=r.text("note", required=False),
        columns=tuple(columns),
        fields=tuple(fields),
    )


def prefill_sources(applicant_name: str, details: Mapping[str, Any] | None = None, *,
                    id_number: str = "", address: str = "") -> dict[str, str]:
    """What a dossier gives toward an entry, by prefill source (dates as DD/MM/YYYY)."""
    applicant: Mapping[str, Any] = (details or {}).get("applicant") or {}
    return {"name": applicant_name or "", "id_number": id_number or "",
            "address": address or "", "sex": str(applicant.get("sex") or ""),
            "birth_date": _dmy(str(applicant.get("birth_date") or ""))}


def prefill(kind: BookKind, sources: Mapping[str, str]) -> dict[str, str]:
    """The entry values of ``kind`` that the sources fill (only non-empty ones)."""
    return {f.key: sources[f.prefill] for f in kind.fields
            if f.prefill and sources.get(f.prefill)}


def _dmy(iso: str) -> str:
    try:
        y, m, d = iso.split("-")
    except ValueError:
        return iso
    return f"{d}/{m}/{y}"
