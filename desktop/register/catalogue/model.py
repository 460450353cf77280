"""The catalogue's records: procedures, fees, deadlines, fields, and versions of the catalogue.

A catalogue is data with an effective-from date (``resources/catalogue/catalogue-<version>.json``
or a version pulled from the province server). A dossier keeps the version in force on the day
it was received; a newer version never rewrites an older one. Everything here is pure Python:
no database, no Qt.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from typing import Any

from desktop.register.catalogue.books import BookKind
from desktop.register.errors import NotFoundError, ValidationError

CATALOGUE_FORMAT = 1
"""The layout of the JSON document; bumped only when old readers could misread a new file."""

PROCESSING_UNITS = ("same_day", "working_days", "working_hours")
EXTENSION_MODES = ("additional", "total")

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

    def book_kinds_in(self, group: str) -> tuple[BookKind, ...]:
        """The book kinds of one group ("civil_status", "certification", "tracking")."""
        return tuple(b for b in self.book_kinds if b.group == group)

    def with_book_schemas_from(self, newer: Sequence[Catalogue]) -> Catalogue:
        """This catalogue, each book kind without an entry schema taking the schema of the same
        book kind in the first of ``newer`` that has one (catalogues written before schemas
        were data); itself when nothing is missing."""
        missing = [b for b in self.book_kinds if not b.has_schema]
        if not missing:
            return self
        kinds = []
        for kind in self.book_kinds:
            source = None if kind.has_schema else next(
                (c._books_by_code[kind.code] for c in newer if kind.code in c._books_by_code
                 and c._books_by_code[kind.code].has_schema), None)
            kinds.append(kind.with_schema(source) if source is not None else kind)
        return Catalogue(version=self.version, effective_from=self.effective_from,
                         legal_basis=self.legal_basis, fields=self.fields,
                         book_kinds=tuple(kinds), procedures=self.procedures)

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
        # A version written before book entry schemas were data reads them from the newest
        # version that has them: old entries stay printable, checkable and editable.
        newest_first = ordered[::-1]
        ordered = [c.with_book_schemas_from(newest_first) for c in ordered]
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


def _procedure_where(code: str | None, name: str | None) -> tuple[str, str]:
    label = f'"{code}"' if code else "(không có mã)"
    label_en = f'"{code}"' if code else "(no code)"
    if name:
        return f"Thủ tục {label} ({name})", f"Procedure {label_en} ({name})"
    return f"Thủ tục {label}", f"Procedure {label_en}"


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
