"""The procedure catalogue: versioned, validated rules for procedures, fees, deadlines and books.

A catalogue is data with an effective-from date (``resources/catalogue/catalogue-<version>.json``
or a version pulled from the province server). A dossier keeps the version in force on the day
it was received; a newer version never rewrites an older one. Everything here is pure Python:
no database, no Qt.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from desktop.register.errors import NotFoundError, ValidationError
from resources import resource_path

CATALOGUE_FORMAT = 1
"""The layout of the JSON document; bumped only when old readers could misread a new file."""

PROCESSING_UNITS = ("same_day", "working_days", "working_hours")
EXTENSION_MODES = ("additional", "total")
BOOK_GROUPS = ("tracking", "civil_status", "certification")

_UNIT_LABELS_VI = {
    "same_day": "trong ngày",
    "working_days": "ngày làm việc",
    "working_hours": "giờ làm việc",
}
_GROUP_LABELS_VI = {
    "tracking": "sổ theo dõi",
    "civil_status": "sổ hộ tịch",
    "certification": "sổ chứng thực",
}
_CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_NATIONAL_CODE_RE = re.compile(r"^\d\.\d{6}$")
_VERSION_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
_FILE_RE = re.compile(r"^catalogue-(?P<version>.+)\.json$")


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Field:
    """A field of administration (lĩnh vực), e.g. Hộ tịch; the tracking book is kept per field."""

    code: str
    name: str
    check: bool = False
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "check": self.check, "note": self.note}


@dataclass(frozen=True)
class BookKind:
    """A kind of logbook (sổ) the commune keeps, and how its entries are numbered."""

    code: str
    name: str
    group: str
    symbol: str | None
    restart_yearly: bool
    per_field: bool = False
    check: bool = False
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "group": self.group,
            "symbol": self.symbol,
            "restart_yearly": self.restart_yearly,
            "per_field": self.per_field,
            "check": self.check,
            "note": self.note,
        }


@dataclass(frozen=True)
class DocumentRequirement:
    """One paper of a dossier's composition (thành phần hồ sơ)."""

    code: str
    name: str
    required: bool
    original_shown: bool
    """True when the original is shown for comparison (xuất trình) rather than handed in."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "required": self.required,
            "original_shown": self.original_shown,
        }


@dataclass(frozen=True)
class Extension:
    """The longest a processing time may run when a verification is needed.

    ``mode`` is "additional" when the amount is added to the normal time (recognition: 3 days
    plus up to 5) and "total" when it replaces it (marriage: same day, at most 5 days in all).
    """

    amount: int
    unit: str
    mode: str
    condition: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "amount": self.amount,
            "unit": self.unit,
            "mode": self.mode,
            "condition": self.condition,
        }


@dataclass(frozen=True)
class Processing:
    """The statutory processing time of a procedure.

    ``same_day`` has amount 0: the result is due on the day of receipt, or on the next working
    day when ``cutoff_15h`` is set and the dossier arrived after 15:00.
    """

    amount: int
    unit: str
    cutoff_15h: bool
    max_extension: Extension | None = None
    note: str = ""
    check: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "amount": self.amount,
            "unit": self.unit,
            "cutoff_15h": self.cutoff_15h,
            "max_extension": self.max_extension.to_dict() if self.max_extension else None,
            "note": self.note,
            "check": self.check,
        }


@dataclass(frozen=True)
class PageTier:
    """Per-page rate from ``from_page`` up to ``to_page`` inclusive (None: no upper bound)."""

    from_page: int
    amount: int
    to_page: int | None = None

    def pages_in(self, pages: int) -> int:
        """How many of the first ``pages`` pages fall in this tier."""
        upper = pages if self.to_page is None else min(pages, self.to_page)
        return max(0, upper - self.from_page + 1)

    def to_dict(self) -> dict[str, Any]:
        return {"from_page": self.from_page, "to_page": self.to_page, "amount": self.amount}


@dataclass(frozen=True)
class Exemption:
    """A ground on which the fee is waived, e.g. a person with disabilities."""

    code: str
    label: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label}


@dataclass(frozen=True)
class Fee:
    """The fee (phí, lệ phí) of a procedure, in đồng.

    ``amount`` is None when the provincial council sets it and this catalogue does not carry
    the figure: such a fee cannot be computed (unless an exemption applies) rather than guessed.
    """

    amount: int | None
    per_page: tuple[PageTier, ...] = ()
    max_per_copy: int | None = None
    exemptions: tuple[Exemption, ...] = ()
    note: str = ""
    check: bool = False

    @property
    def set_by_province(self) -> bool:
        """True when the figure is left to the provincial council and not configured here."""
        return self.amount is None

    @property
    def exemption_codes(self) -> frozenset[str]:
        return frozenset(exemption.code for exemption in self.exemptions)

    def compute(self, pages: int = 1, copies: int = 1, exemptions: Iterable[str] = ()) -> int:
        """The amount due, in đồng.

        Per copy: the fixed amount plus the per-page tiers for ``pages`` pages, capped at
        ``max_per_copy``; times ``copies``. Zero when any of ``exemptions`` is one this fee
        grants (codes it does not know are ignored: they do not waive this fee).
        """
        if isinstance(pages, bool) or not isinstance(pages, int) or pages < 1:
            raise ValidationError(
                f"Số trang phải là số nguyên từ 1 trở lên (nhận được: {pages!r}).",
                f"The page count must be a whole number of at least 1 (got {pages!r}).",
                field="pages",
            )
        if isinstance(copies, bool) or not isinstance(copies, int) or copies < 1:
            raise ValidationError(
                f"Số bản phải là số nguyên từ 1 trở lên (nhận được: {copies!r}).",
                f"The number of copies must be a whole number of at least 1 (got {copies!r}).",
                field="copies",
            )
        claimed = {exemptions} if isinstance(exemptions, str) else set(exemptions)
        if claimed & self.exemption_codes:
            return 0
        if self.amount is None:
            raise ValidationError(
                "Mức lệ phí của thủ tục này do Hội đồng nhân dân cấp tỉnh quy định và chưa được "
                "khai báo trong danh mục; không tính được lệ phí.",
                "This fee is set by the provincial council and is not configured in the "
                "catalogue; it cannot be computed.",
                field="fee.amount",
            )
        per_copy = self.amount + sum(tier.amount * tier.pages_in(pages) for tier in self.per_page)
        if self.max_per_copy is not None:
            per_copy = min(per_copy, self.max_per_copy)
        return per_copy * copies

    def to_dict(self) -> dict[str, Any]:
        return {
            "amount": self.amount,
            "per_page": [tier.to_dict() for tier in self.per_page],
            "max_per_copy": self.max_per_copy,
            "exemptions": [exemption.to_dict() for exemption in self.exemptions],
            "note": self.note,
            "check": self.check,
        }


@dataclass(frozen=True)
class Procedure:
    """An administrative procedure (thủ tục hành chính) received at the one-stop desk."""

    code: str
    national_code: str | None
    name: str
    field: str
    processing: Processing
    fee: Fee
    documents: tuple[DocumentRequirement, ...]
    result: str
    book_kind: str | None
    transfer_agency: str | None
    postal_return: bool
    requires_declarant_signature: bool
    check: bool = False
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "national_code": self.national_code,
            "name": self.name,
            "field": self.field,
            "processing": self.processing.to_dict(),
            "fee": self.fee.to_dict(),
            "documents": [document.to_dict() for document in self.documents],
            "result": self.result,
            "book_kind": self.book_kind,
            "transfer_agency": self.transfer_agency,
            "postal_return": self.postal_return,
            "requires_declarant_signature": self.requires_declarant_signature,
            "check": self.check,
            "note": self.note,
        }


@dataclass(frozen=True)
class Catalogue:
    """One version of the procedure catalogue, in force from ``effective_from``."""

    version: str
    effective_from: date
    legal_basis: str
    fields: tuple[Field, ...]
    book_kinds: tuple[BookKind, ...]
    procedures: tuple[Procedure, ...]
    _fields_by_code: dict[str, Field] = dc_field(init=False, repr=False, compare=False)
    _books_by_code: dict[str, BookKind] = dc_field(init=False, repr=False, compare=False)
    _procedures_by_code: dict[str, Procedure] = dc_field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Tuples, so that a catalogue built by hand is as immutable as a parsed one.
        for name in ("fields", "book_kinds", "procedures"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        fields = _index(self.fields, "Lĩnh vực", "Field", "fields")
        books = _index(self.book_kinds, "Loại sổ", "Book kind", "book_kinds")
        procedures = _index(self.procedures, "Thủ tục", "Procedure", "procedures")
        for procedure in self.procedures:
            where_vi, where_en = _procedure_where(procedure.code, procedure.name)
            if procedure.field not in fields:
                raise ValidationError(
                    f'{where_vi}: lĩnh vực "{procedure.field}" không có trong danh sách lĩnh vực '
                    "của danh mục.",
                    f'{where_en}: field "{procedure.field}" is not among the catalogue\'s fields.',
                    field=f"procedures[{procedure.code}].field",
                )
            if procedure.book_kind is not None and procedure.book_kind not in books:
                raise ValidationError(
                    f'{where_vi}: loại sổ "{procedure.book_kind}" không có trong danh sách loại '
                    "sổ của danh mục.",
                    f'{where_en}: book kind "{procedure.book_kind}" is not among the catalogue\'s '
                    "book kinds.",
                    field=f"procedures[{procedure.code}].book_kind",
                )
        object.__setattr__(self, "_fields_by_code", fields)
        object.__setattr__(self, "_books_by_code", books)
        object.__setattr__(self, "_procedures_by_code", procedures)

    def procedure(self, code: str) -> Procedure:
        """The procedure with this internal code."""
        try:
            return self._procedures_by_code[code]
        except KeyError:
            raise NotFoundError(
                f'Danh mục {self.version} không có thủ tục mã "{code}".',
                f'Catalogue {self.version} has no procedure "{code}".',
                field="procedure",
            ) from None

    def procedure_by_national_code(self, national_code: str) -> tuple[Procedure, ...]:
        """The procedures published under this national TTHC code (usually one)."""
        return tuple(p for p in self.procedures if p.national_code == national_code)

    def book_kind(self, code: str) -> BookKind:
        """The book kind with this code."""
        try:
            return self._books_by_code[code]
        except KeyError:
            raise NotFoundError(
                f'Danh mục {self.version} không có loại sổ mã "{code}".',
                f'Catalogue {self.version} has no book kind "{code}".',
                field="book_kind",
            ) from None

    def field(self, code: str) -> Field:
        """The field (lĩnh vực) with this code."""
        try:
            return self._fields_by_code[code]
        except KeyError:
            raise NotFoundError(
                f'Danh mục {self.version} không có lĩnh vực mã "{code}".',
                f'Catalogue {self.version} has no field "{code}".',
                field="field",
            ) from None

    def procedures_in_field(self, code: str) -> tuple[Procedure, ...]:
        """The procedures of one field, in catalogue order."""
        self.field(code)  # an unknown field is an error, not an empty list
        return tuple(p for p in self.procedures if p.field == code)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": CATALOGUE_FORMAT,
            "version": self.version,
            "effective_from": self.effective_from.isoformat(),
            "legal_basis": self.legal_basis,
            "fields": [f.to_dict() for f in self.fields],
            "book_kinds": [b.to_dict() for b in self.book_kinds],
            "procedures": [p.to_dict() for p in self.procedures],
        }

    def to_json(self) -> str:
        """Canonical JSON (sorted keys, no spaces, UTF-8 text): the form stored and hashed."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def digest(self) -> str:
        """SHA-256 of the canonical JSON, to record which exact version a dossier used."""
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()


class CatalogueSet:
    """Every known catalogue version; picks the one in force on a given day."""

    def __init__(self, catalogues: Iterable[Catalogue]):
        ordered = sorted(catalogues, key=lambda c: c.effective_from)
        if not ordered:
            raise ValidationError(
                "Chưa có phiên bản danh mục thủ tục nào.",
                "No procedure catalogue version was given.",
                field="catalogues",
            )
        seen_versions: dict[str, Catalogue] = {}
        seen_dates: dict[date, Catalogue] = {}
        for catalogue in ordered:
            if catalogue.version in seen_versions:
                raise ValidationError(
                    f"Phiên bản danh mục {catalogue.version} xuất hiện hai lần.",
                    f"Catalogue version {catalogue.version} appears twice.",
                    field="version",
                )
            other = seen_dates.get(catalogue.effective_from)
            if other is not None:
                raise ValidationError(
                    f"Hai phiên bản danh mục {other.version} và {catalogue.version} cùng có hiệu "
                    f"lực từ ngày {_date_vi(catalogue.effective_from)}.",
                    f"Catalogue versions {other.version} and {catalogue.version} share the "
                    f"effective date {catalogue.effective_from.isoformat()}.",
                    field="effective_from",
                )
            seen_versions[catalogue.version] = catalogue
            seen_dates[catalogue.effective_from] = catalogue
        self._catalogues: tuple[Catalogue, ...] = tuple(ordered)
        self._by_version = seen_versions

    def __iter__(self) -> Iterator[Catalogue]:
        return iter(self._catalogues)

    def __len__(self) -> int:
        return len(self._catalogues)

    @property
    def versions(self) -> tuple[str, ...]:
        """Version labels, oldest effective date first."""
        return tuple(c.version for c in self._catalogues)

    def latest(self) -> Catalogue:
        """The version with the latest effective date (possibly not yet in force)."""
        return self._catalogues[-1]

    def get(self, version: str) -> Catalogue:
        """A version by its label, e.g. the one a dossier recorded when it was received."""
        try:
            return self._by_version[version]
        except KeyError:
            raise NotFoundError(
                f"Không có phiên bản danh mục {version}.",
                f"There is no catalogue version {version}.",
                field="version",
            ) from None

    def in_force(self, on: date) -> Catalogue:
        """The version in force on ``on``: the latest whose effective date is on or before it."""
        chosen: Catalogue | None = None
        for catalogue in self._catalogues:
            if catalogue.effective_from <= on:
                chosen = catalogue
            else:
                break
        if chosen is None:
            raise NotFoundError(
                f"Không có phiên bản danh mục nào có hiệu lực vào ngày {_date_vi(on)} (phiên "
                f"bản sớm nhất có hiệu lực từ {_date_vi(self._catalogues[0].effective_from)}).",
                f"No catalogue version is in force on {on.isoformat()} (the earliest takes effect "
                f"on {self._catalogues[0].effective_from.isoformat()}).",
                field="effective_from",
            )
        return chosen


# --------------------------------------------------------------------------- loading


def bundled_catalogue_dir() -> Path:
    """The folder of catalogue files shipped with motcua."""
    return resource_path("catalogue")


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Read and validate one catalogue file; None means the newest bundled version."""
    if path is None:
        return load_catalogue_set().latest()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFoundError(
            f"Không tìm thấy tệp danh mục thủ tục {path}.",
            f"The procedure catalogue file {path} was not found.",
            field="path",
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"Tệp danh mục {path.name} không phải JSON hợp lệ "
            f"(dòng {exc.lineno}, cột {exc.colno}).",
            f"The catalogue file {path.name} is not valid JSON (line {exc.lineno}, "
            f"column {exc.colno}).",
            field="path",
        ) from None
    catalogue = parse_catalogue(data)
    match = _FILE_RE.match(path.name)
    if match and match.group("version") != catalogue.version:
        raise ValidationError(
            f"Tệp {path.name} chứa phiên bản {catalogue.version}, không khớp với tên tệp.",
            f"The file {path.name} holds version {catalogue.version}, not the one its name says.",
            field="version",
        )
    return catalogue


def load_catalogue_set(directory: str | Path | None = None) -> CatalogueSet:
    """Every ``catalogue-*.json`` in a folder (default: the bundled one)."""
    folder = Path(directory) if directory is not None else bundled_catalogue_dir()
    files = sorted(folder.glob("catalogue-*.json"))
    if not files:
        raise NotFoundError(
            f"Không có tệp danh mục thủ tục nào trong thư mục {folder}.",
            f"There is no procedure catalogue file in {folder}.",
            field="path",
        )
    return CatalogueSet(load_catalogue(file) for file in files)


def parse_catalogue(data: Mapping[str, Any]) -> Catalogue:
    """Validate a catalogue document (a parsed JSON object) and build the catalogue.

    Raises ValidationError with a Vietnamese message naming the procedure (or book kind, or
    field) at fault and a ``field`` path such as ``procedures[birth_registration].fee.amount``.
    """
    top = _Reader(data, "Danh mục thủ tục", "Procedure catalogue", "")
    top.allow(
        "format", "version", "effective_from", "legal_basis", "fields", "book_kinds", "procedures"
    )
    fmt = top.integer("format", minimum=1)
    if fmt != CATALOGUE_FORMAT:
        raise ValidationError(
            f"Danh mục dùng định dạng {fmt}, phiên bản motcua này chỉ đọc được định dạng "
            f"{CATALOGUE_FORMAT}; hãy cập nhật motcua.",
            f"The catalogue uses format {fmt}; this motcua reads format {CATALOGUE_FORMAT} only. "
            "Update motcua.",
            field="format",
        )
    version = top.text("version")
    if not _VERSION_RE.match(version):
        top.fail(
            "version", f'phiên bản "{version}" không hợp lệ', f'version "{version}" is invalid'
        )
    effective_from = top.iso_date("effective_from")
    legal_basis = top.text("legal_basis")

    fields = tuple(_parse_field(r) for r in top.records("fields", "Lĩnh vực", "Field"))
    book_kinds = tuple(
        _parse_book_kind(r) for r in top.records("book_kinds", "Loại sổ", "Book kind")
    )
    field_codes = _unique_codes(fields, "Lĩnh vực", "Field", "fields")
    book_codes = _unique_codes(book_kinds, "Loại sổ", "Book kind", "book_kinds")

    procedures: list[Procedure] = []
    for index, raw in enumerate(top.sequence("procedures")):
        procedures.append(_parse_procedure(raw, index, field_codes, book_codes))
    _unique_codes(procedures, "Thủ tục", "Procedure", "procedures")
    return Catalogue(
        version=version,
        effective_from=effective_from,
        legal_basis=legal_basis,
        fields=fields,
        book_kinds=book_kinds,
        procedures=tuple(procedures),
    )


# --------------------------------------------------------------------------- parsing helpers


class _Reader:
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
        if not _CODE_RE.match(value):
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

    def choice(self, key: str, allowed: Sequence[str], labels_vi: Mapping[str, str]) -> str:
        value = self._get(key, True)
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

    def child(self, key: str, where_vi: str, where_en: str, *, required: bool = True) -> _Reader:
        value = self._get(key, required)
        return _Reader(value, where_vi, where_en, self._field(key))

    def records(self, key: str, label_vi: str, label_en: str) -> Iterator[_Reader]:
        """Each object of a list of coded records, named by its code in errors."""
        for index, raw in enumerate(self.sequence(key)):
            code = raw.get("code") if isinstance(raw, Mapping) else None
            shown = code if isinstance(code, str) and code else f"thứ {index + 1}"
            shown_en = code if isinstance(code, str) and code else f"#{index + 1}"
            quoted_vi = f'"{shown}"' if shown == code else shown
            quoted_en = f'"{shown_en}"' if shown_en == code else shown_en
            yield _Reader(
                raw,
                f"{label_vi} {quoted_vi}",
                f"{label_en} {quoted_en}",
                self._field(f"{key}[{shown_en}]"),
            )


def _procedure_where(code: str | None, name: str | None) -> tuple[str, str]:
    label = f'"{code}"' if code else "(không có mã)"
    label_en = f'"{code}"' if code else "(no code)"
    if name:
        return f"Thủ tục {label} ({name})", f"Procedure {label_en} ({name})"
    return f"Thủ tục {label}", f"Procedure {label_en}"


def _parse_field(r: _Reader) -> Field:
    r.allow("code", "name", "check", "note")
    return Field(
        code=r.code("code"),
        name=r.text("name"),
        check=r.boolean("check", default=False),
        note=r.text("note", required=False),
    )


def _parse_book_kind(r: _Reader) -> BookKind:
    r.allow("code", "name", "group", "symbol", "restart_yearly", "per_field", "check", "note")
    return BookKind(
        code=r.code("code"),
        name=r.text("name"),
        group=r.choice("group", BOOK_GROUPS, _GROUP_LABELS_VI),
        symbol=r.optional_text("symbol"),
        restart_yearly=r.boolean("restart_yearly"),
        per_field=r.boolean("per_field", default=False),
        check=r.boolean("check", default=False),
        note=r.text("note", required=False),
    )


def _parse_procedure(
    raw: Any, index: int, field_codes: set[str], book_codes: set[str]
) -> Procedure:
    code = raw.get("code") if isinstance(raw, Mapping) else None
    name = raw.get("name") if isinstance(raw, Mapping) else None
    where_vi, where_en = _procedure_where(
        code if isinstance(code, str) and code else None,
        name if isinstance(name, str) and name else None,
    )
    if not (isinstance(code, str) and code):
        where_vi, where_en = f"Thủ tục thứ {index + 1}", f"Procedure #{index + 1}"
    path = f"procedures[{code if isinstance(code, str) and code else index}]"
    r = _Reader(raw, where_vi, where_en, path)
    r.allow(
        "code",
        "national_code",
        "name",
        "field",
        "processing",
        "fee",
        "documents",
        "result",
        "book_kind",
        "transfer_agency",
        "postal_return",
        "requires_declarant_signature",
        "check",
        "note",
    )
    code = r.code("code")
    name = r.text("name")

    national_code = r.optional_text("national_code")
    if national_code is not None and not _NATIONAL_CODE_RE.match(national_code):
        r.fail(
            "national_code",
            f'mã thủ tục quốc gia "{national_code}" không đúng dạng "1.001193"',
            f'national code "{national_code}" is not of the form "1.001193"',
        )

    field_code = r.text("field")
    if field_code not in field_codes:
        r.fail(
            "field",
            f'lĩnh vực "{field_code}" không có trong danh sách lĩnh vực của danh mục',
            f'field "{field_code}" is not among the catalogue\'s fields',
        )

    book_kind = r.optional_text("book_kind")
    if book_kind is not None and book_kind not in book_codes:
        r.fail(
            "book_kind",
            f'loại sổ "{book_kind}" không có trong danh sách loại sổ của danh mục',
            f'book kind "{book_kind}" is not among the catalogue\'s book kinds',
        )

    processing = _parse_processing(
        r.child("processing", f"{where_vi}, thời hạn giải quyết", f"{where_en}, processing time")
    )
    fee = _parse_fee(r.child("fee", f"{where_vi}, lệ phí", f"{where_en}, fee"))

    documents: list[DocumentRequirement] = []
    seen_docs: set[str] = set()
    for doc_index, raw_doc in enumerate(r.sequence("documents")):
        doc_code = raw_doc.get("code") if isinstance(raw_doc, Mapping) else None
        shown = (
            f'"{doc_code}"' if isinstance(doc_code, str) and doc_code else f"thứ {doc_index + 1}"
        )
        shown_en = (
            f'"{doc_code}"' if isinstance(doc_code, str) and doc_code else f"#{doc_index + 1}"
        )
        d = _Reader(
            raw_doc,
            f"{where_vi}, giấy tờ {shown}",
            f"{where_en}, document {shown_en}",
            f"{path}.documents[{doc_code if isinstance(doc_code, str) else doc_index}]",
        )
        d.allow("code", "name", "required", "original_shown")
        document = DocumentRequirement(
            code=d.code("code"),
            name=d.text("name"),
            required=d.boolean("required"),
            original_shown=d.boolean("original_shown"),
        )
        if document.code in seen_docs:
            d.fail(
                "code",
                f'mã giấy tờ "{document.code}" bị trùng',
                f'document code "{document.code}" is duplicated',
            )
        seen_docs.add(document.code)
        documents.append(document)

    postal_return = r.boolean("postal_return")
    requires_signature = r.boolean("requires_declarant_signature")
    if postal_return and requires_signature:
        r.fail(
            "postal_return",
            "người yêu cầu phải có mặt ký vào sổ nên không trả kết quả qua bưu chính được "
            "(Quyết định 45/2016/QĐ-TTg); đặt postal_return là false",
            "the declarant must sign in person, so the result cannot be returned by post; "
            "set postal_return to false",
        )

    return Procedure(
        code=code,
        national_code=national_code,
        name=name,
        field=field_code,
        processing=processing,
        fee=fee,
        documents=tuple(documents),
        result=r.text("result"),
        book_kind=book_kind,
        transfer_agency=r.optional_text("transfer_agency"),
        postal_return=postal_return,
        requires_declarant_signature=requires_signature,
        check=r.boolean("check", default=False),
        note=r.text("note", required=False),
    )


def _parse_processing(r: _Reader) -> Processing:
    r.allow("amount", "unit", "cutoff_15h", "max_extension", "note", "check")
    unit = r.choice("unit", PROCESSING_UNITS, _UNIT_LABELS_VI)
    amount = r.integer("amount", minimum=0)
    if unit == "same_day" and amount != 0:
        r.fail(
            "amount",
            f'thời hạn "trong ngày" (same_day) phải có amount bằng 0 (đang là {amount}); '
            'dùng "working_days" nếu thời hạn tính bằng ngày làm việc',
            f'a same_day processing time must have amount 0 (is {amount}); use "working_days" '
            "for a number of working days",
        )
    if unit != "same_day" and amount == 0:
        r.fail(
            "amount",
            f"thời hạn tính bằng {_UNIT_LABELS_VI[unit]} phải lớn hơn 0",
            f"a processing time in {unit} must be greater than 0",
        )
    extension: Extension | None = None
    if r.data.get("max_extension") is not None:
        e = r.child(
            "max_extension",
            f"{r.where_vi}, thời hạn kéo dài",
            f"{r.where_en}, extension",
        )
        e.allow("amount", "unit", "mode", "condition")
        ext_unit = e.choice("unit", PROCESSING_UNITS[1:], _UNIT_LABELS_VI)
        extension = Extension(
            amount=e.integer("amount", minimum=1),
            unit=ext_unit,
            mode=e.choice(
                "mode",
                EXTENSION_MODES,
                {"additional": "kéo dài thêm", "total": "tổng thời hạn"},
            ),
            condition=e.text("condition", required=False),
        )
    return Processing(
        amount=amount,
        unit=unit,
        cutoff_15h=r.boolean("cutoff_15h"),
        max_extension=extension,
        note=r.text("note", required=False),
        check=r.boolean("check", default=False),
    )


def _parse_fee(r: _Reader) -> Fee:
    r.allow("amount", "per_page", "max_per_copy", "exemptions", "note", "check")
    if "amount" not in r.data:
        r.fail(
            "amount",
            'thiếu mục bắt buộc "amount" (ghi null nếu mức thu do Hội đồng nhân dân cấp tỉnh '
            "quy định và chưa khai báo)",
            'required key "amount" is missing (null when the provincial council sets it)',
        )
    amount = r.optional_integer("amount", minimum=0)

    tiers: list[PageTier] = []
    expected_from = 1
    open_ended = False
    for tier_index, raw_tier in enumerate(r.sequence("per_page", required=False)):
        t = _Reader(
            raw_tier,
            f"{r.where_vi}, bậc tính theo trang thứ {tier_index + 1}",
            f"{r.where_en}, page tier #{tier_index + 1}",
            f"{r.path}.per_page[{tier_index}]",
        )
        t.allow("from_page", "to_page", "amount")
        if open_ended:
            t.fail(
                "from_page",
                "bậc trước đã không có trang cuối (to_page) nên không được có thêm bậc sau",
                "the previous tier has no to_page, so no tier may follow it",
            )
        from_page = t.integer("from_page", minimum=1)
        if from_page != expected_from:
            t.fail(
                "from_page",
                f"các bậc phải liên tiếp, bắt đầu từ trang 1: bậc này phải bắt đầu từ trang "
                f"{expected_from} (đang là {from_page})",
                f"tiers must be contiguous from page 1: this one must start at page "
                f"{expected_from} (starts at {from_page})",
            )
        to_page = t.optional_integer("to_page", minimum=from_page)
        tiers.append(PageTier(from_page=from_page, to_page=to_page, amount=t.integer("amount")))
        if to_page is None:
            open_ended = True
        else:
            expected_from = to_page + 1

    max_per_copy = r.optional_integer("max_per_copy", minimum=1)
    if amount is None and (tiers or max_per_copy is not None):
        r.fail(
            "amount",
            "mức thu theo trang hoặc mức tối đa chỉ dùng được khi đã có amount (ghi 0 nếu chỉ "
            "tính theo trang)",
            "per-page tiers or a cap need an amount (0 when the fee is per page only)",
        )

    exemptions: list[Exemption] = []
    seen: set[str] = set()
    for ex_index, raw_ex in enumerate(r.sequence("exemptions", required=False)):
        x = _Reader(
            raw_ex,
            f"{r.where_vi}, trường hợp miễn thứ {ex_index + 1}",
            f"{r.where_en}, exemption #{ex_index + 1}",
            f"{r.path}.exemptions[{ex_index}]",
        )
        x.allow("code", "label")
        exemption = Exemption(code=x.code("code"), label=x.text("label"))
        if exemption.code in seen:
            x.fail(
                "code",
                f'mã miễn lệ phí "{exemption.code}" bị trùng',
                f'exemption code "{exemption.code}" is duplicated',
            )
        seen.add(exemption.code)
        exemptions.append(exemption)

    return Fee(
        amount=amount,
        per_page=tuple(tiers),
        max_per_copy=max_per_copy,
        exemptions=tuple(exemptions),
        note=r.text("note", required=False),
        check=r.boolean("check", default=False),
    )


def _unique_codes(records: Sequence[Any], label_vi: str, label_en: str, path: str) -> set[str]:
    return set(_index(records, label_vi, label_en, path))


def _index(records: Sequence[Any], label_vi: str, label_en: str, path: str) -> dict[str, Any]:
    by_code: dict[str, Any] = {}
    for record in records:
        if record.code in by_code:
            name = getattr(record, "name", "")
            suffix = f" ({name})" if name else ""
            raise ValidationError(
                f'{label_vi} mã "{record.code}"{suffix} bị trùng: mỗi mã chỉ được dùng một lần.',
                f'{label_en} code "{record.code}"{suffix} is duplicated: each code must be unique.',
                field=f"{path}[{record.code}].code",
            )
        by_code[record.code] = record
    return by_code


def _date_vi(day: date) -> str:
    return day.strftime("%d/%m/%Y")
