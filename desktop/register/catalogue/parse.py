"""Loading and validating catalogue files: JSON in, a Catalogue (or a set of versions) out."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from desktop.register.catalogue.books import parse_book_kind
from desktop.register.catalogue.model import (
    CATALOGUE_FORMAT,
    EXTENSION_MODES,
    PROCESSING_UNITS,
    Catalogue,
    CatalogueSet,
    DocumentRequirement,
    Exemption,
    Extension,
    Fee,
    Field,
    PageTier,
    Procedure,
    Processing,
    _index,
    _procedure_where,
)
from desktop.register.catalogue.reader import Reader
from desktop.register.errors import NotFoundError, ValidationError
from resources import resource_path

_UNIT_LABELS_VI = {
    "same_day": "trong ngày",
    "working_days": "ngày làm việc",
    "working_hours": "giờ làm việc",
}
_NATIONAL_CODE_RE = re.compile(r"^\d\.\d{6}$")
_VERSION_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
_FILE_RE = re.compile(r"^catalogue-(?P<version>.+)\.json$")

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
    top = Reader(data, "Danh mục thủ tục", "Procedure catalogue", "")
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
        parse_book_kind(r) for r in top.records("book_kinds", "Loại sổ", "Book kind")
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


def _parse_field(r: Reader) -> Field:
    r.allow("code", "name", "check", "note")
    return Field(
        code=r.code("code"),
        name=r.text("name"),
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
    r = Reader(raw, where_vi, where_en, path)
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
        d = Reader(
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


def _parse_processing(r: Reader) -> Processing:
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


def _parse_fee(r: Reader) -> Fee:
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
        t = Reader(
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
        x = Reader(
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


def book_schema_amendment(stored_content: str, incoming: Catalogue) -> str | None:
    """How to install ``incoming`` over the stored content of the same version.

    Entry schemas (book columns and fields) became catalogue data after version 2026.1 was
    first installed: the same version with schemas added is an amendment, not a new rule.
    Returns "replace" when ``incoming`` adds schemas to otherwise identical rules, "keep" when
    the stored content already has them (an older copy arrived, e.g. from a server that still
    publishes the file without schemas), None when the rules differ (a new version is needed).
    """
    stored = parse_catalogue(json.loads(stored_content))

    def rules(c: Catalogue) -> dict[str, Any]:
        data = c.to_dict()
        for kind in data["book_kinds"]:
            kind.pop("columns", None)
            kind.pop("fields", None)
        return data

    if rules(stored) != rules(incoming):
        return None
    schemas = sum(k.has_schema for k in incoming.book_kinds)
    return "replace" if schemas > sum(k.has_schema for k in stored.book_kinds) else "keep"
