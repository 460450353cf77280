"""Frozen, validated records of everything the forms print: built first, then rendered.

Every text field is stripped and normalised to Unicode NFC on construction (the font has
precomposed Vietnamese letters only, so decomposed input would print badly), and each record
checks what its legal template cannot do without. Datetimes are moved onto the office's
wall clock (Asia/Ho_Chi_Minh); naive ones are taken as already local.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from forms.errors import FormDataError
from forms.text import as_day, local

DOSSIER_CODE_RE = re.compile(r"^[A-Z0-9]+(\.[A-Z0-9]+)*-\d{6}-\d{4,}$")
MAX_TEXT = 2000


def _clean(value: Any) -> Any:
    if type(value) is str:  # not enum members, which are str too
        return unicodedata.normalize("NFC", value).strip()
    if isinstance(value, datetime):
        return local(value)
    if isinstance(value, tuple) and all(isinstance(v, str) for v in value):
        return tuple(unicodedata.normalize("NFC", v).strip() for v in value)
    return value


def _fail(field_name: str, vi: str, en: str) -> FormDataError:
    return FormDataError(vi, en, field=field_name)


class _Record:
    """Normalises fields, then runs `validate()`; subclasses are frozen dataclasses."""

    def __post_init__(self) -> None:
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, list):
                value = tuple(value)
            cleaned = _clean(value)
            if isinstance(cleaned, str) and len(cleaned) > MAX_TEXT:
                raise _fail(f.name, f"Nội dung mục {f.name} quá dài để in.",
                            f"{f.name} is too long to print.")
            if cleaned is not value or isinstance(value, tuple):
                object.__setattr__(self, f.name, cleaned)
        self.validate()

    def validate(self) -> None:
        """Raise FormDataError when the record cannot be printed as it stands."""

    def _require(self, *names: str) -> None:
        for name in names:
            value = getattr(self, name)
            if value is None or value == "" or value == ():
                raise _fail(name, f"Thiếu thông tin bắt buộc để in: {name}.",
                            f"Required for printing: {name}.")


def _check_code(code: str, required: bool = True) -> None:
    if not code and not required:
        return
    if not DOSSIER_CODE_RE.match(code):
        raise _fail("dossier_code", f"Mã hồ sơ không đúng định dạng: {code!r}.",
                    f"Malformed dossier code: {code!r}.")


# --------------------------------------------------------------------------- parties


@dataclass(frozen=True)
class OfficeHeader(_Record):
    """The issuing office as its papers name it, and the place name of the date line."""

    province: str
    commune: str
    office_name: str
    place_name: str  # "Hoàn Kiếm" in "Hoàn Kiếm, ngày 22 tháng 11 năm 2026"
    parent_body: str = ""  # governing body printed above the office; default UBND <commune>
    agency_id: str = ""

    def validate(self) -> None:
        self._require("commune", "office_name", "place_name")

    @property
    def governing_body(self) -> str:
        """"Ủy ban nhân dân phường Hoàn Kiếm" (the unit word in lower case, as in prose)."""
        if self.parent_body:
            return self.parent_body
        commune = self.commune
        if commune.startswith(("Phường ", "Xã ", "Thị trấn ", "Đặc khu ")):
            commune = commune[:1].lower() + commune[1:]
        return f"Ủy ban nhân dân {commune}"


@dataclass(frozen=True)
class Person(_Record):
    """An applicant, an authorised representative or an addressee."""

    full_name: str
    id_number: str = ""  # số định danh cá nhân / mã số doanh nghiệp
    address: str = ""
    phone: str = ""
    email: str = ""

    def validate(self) -> None:
        self._require("full_name")


# --------------------------------------------------------------------------- forms 01–06


@dataclass(frozen=True)
class Receipt(_Record):
    """Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả."""

    office: OfficeHeader
    dossier_code: str
    applicant: Person
    request: str  # nội dung yêu cầu giải quyết
    documents: tuple[str, ...]  # thành phần hồ sơ, in the order handed in
    processing_time: str  # "03 ngày làm việc"
    received_at: datetime
    appointment_at: datetime
    result_place: str
    sets: int = 1
    representative: Person | None = None
    authorisation: str = ""  # giấy ủy quyền
    tracking_volume: int | None = None
    tracking_number: int | None = None
    fee: int = 0
    fee_paid: bool = False
    receiving_officer: str = ""
    issued_on: date | None = None  # the date line; the day received by default

    def validate(self) -> None:
        self._require("dossier_code", "request", "processing_time", "result_place")
        _check_code(self.dossier_code)
        if self.appointment_at <= self.received_at:
            raise _fail("appointment_at", "Thời gian hẹn trả phải sau thời gian nhận hồ sơ.",
                        "The appointment must come after the receipt.")
        if not 1 <= self.sets <= 99:
            raise _fail("sets", "Số bộ hồ sơ không hợp lệ.", "Invalid number of sets.")
        if self.fee < 0:
            raise _fail("fee", "Phí, lệ phí không được âm.", "The fee cannot be negative.")
        if self.authorisation and self.representative is None:
            raise _fail("authorisation", "Có giấy ủy quyền nhưng thiếu người được ủy quyền.",
                        "An authorisation paper needs the authorised person.")

    @property
    def date(self) -> date:
        return self.issued_on or as_day(self.received_at)


@dataclass(frozen=True)
class SupplementRequest(_Record):
    """Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ."""

    office: OfficeHeader
    applicant: Person
    request: str
    items: tuple[str, ...]  # what to supplement, numbered when printed
    issued_on: date
    reason: str = ""
    contact: str = ""  # whom to ask, with a phone number
    guiding_officer: str = ""
    dossier_code: str = ""
    number: str = ""  # the serial in "Số: …/PBS"; blank for the officer to write

    def validate(self) -> None:
        self._require("request", "items")
        if any(not item for item in self.items):
            raise _fail("items", "Có mục cần bổ sung để trống.", "An item to supplement is empty.")
        _check_code(self.dossier_code, required=False)


@dataclass(frozen=True)
class Refusal(_Record):
    """Mẫu 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ."""

    office: OfficeHeader
    applicant: Person
    request: str
    reasons: tuple[str, ...]
    issued_on: date
    dossier_code: str = ""
    receiving_officer: str = ""
    number: str = ""

    def validate(self) -> None:
        self._require("request", "reasons")
        if any(not r for r in self.reasons):
            raise _fail("reasons", "Có lý do từ chối để trống.", "A refusal reason is empty.")
        _check_code(self.dossier_code, required=False)


@dataclass(frozen=True)
class ApologyExtension(_Record):
    """Mẫu 04: Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết."""

    office: OfficeHeader
    applicant: Person  # the addressee ("Kính gửi")
    dossier_code: str
    request: str  # the procedure
    received_at: datetime
    old_appointment: datetime
    new_appointment: datetime
    reason: str
    issued_on: date
    processing_body: str = ""  # who apologises; the office by default
    signer_title: str = "Thủ trưởng cơ quan"
    signer_name: str = ""
    number: str = ""

    def validate(self) -> None:
        self._require("dossier_code", "request", "reason")
        _check_code(self.dossier_code)
        if self.new_appointment <= self.old_appointment:
            raise _fail("new_appointment", "Ngày hẹn mới phải sau ngày hẹn cũ.",
                        "The new appointment must be after the old one.")
        if as_day(self.issued_on) >= as_day(self.old_appointment):
            raise _fail("issued_on", "Phiếu xin lỗi phải lập trước ngày hẹn trả kết quả.",
                        "The apology must be issued before the missed appointment.")

    @property
    def apologising_body(self) -> str:
        return self.processing_body or self.office.office_name


@dataclass(frozen=True)
class StopNotice(_Record):
    """Mẫu 05: Thông báo dừng giải quyết hồ sơ (at the applicant's request, before a result)."""

    office: OfficeHeader
    applicant: Person
    dossier_code: str
    request: str
    received_at: datetime
    stop_requested_at: datetime
    reason: str
    issued_on: date
    stage: str = ""  # the step the dossier had reached
    fee_amount: int = 0
    fee_paid: bool = False
    fee_settlement: str = ""  # how fees already paid are settled
    signer_title: str = "Thủ trưởng cơ quan"
    signer_name: str = ""
    number: str = ""

    def validate(self) -> None:
        self._require("dossier_code", "request", "reason")
        _check_code(self.dossier_code)
        if self.stop_requested_at < self.received_at:
            raise _fail("stop_requested_at", "Đề nghị dừng không thể trước khi nhận hồ sơ.",
                        "The stop request cannot precede the receipt.")
        if self.fee_amount < 0:
            raise _fail("fee_amount", "Phí, lệ phí không được âm.", "The fee cannot be negative.")


class DeadlineResult(StrEnum):
    """Column "kết quả giải quyết" of the control slip."""

    BEFORE = "before"
    ON = "on"
    AFTER = "after"

    @property
    def label(self) -> str:
        return {"before": "Trước hạn", "on": "Đúng hạn", "after": "Quá hạn"}[self.value]

    @classmethod
    def judge(cls, at: datetime, due: datetime) -> DeadlineResult:
        """Before the due day, on the due day (not after the due time), or after it."""
        at, due = local(at), local(due)
        if at > due:
            return cls.AFTER
        return cls.ON if at.date() == due.date() else cls.BEFORE


@dataclass(frozen=True)
class HandOverRow(_Record):
    """One hand-over on the control slip: giver, receiver, when, and how it stood."""

    giver: str
    receiver: str
    at: datetime
    due_at: datetime | None = None  # the due date in force at that step
    result: DeadlineResult | None = None
    note: str = ""

    def validate(self) -> None:
        self._require("giver", "receiver")
        if self.result is None and self.due_at is not None:
            object.__setattr__(self, "result", DeadlineResult.judge(self.at, self.due_at))


@dataclass(frozen=True)
class ControlSlip(_Record):
    """Mẫu 06: Phiếu kiểm soát quá trình giải quyết hồ sơ."""

    office: OfficeHeader
    dossier_code: str
    applicant_name: str
    request: str
    processing_body: str
    received_at: datetime
    appointment_at: datetime
    rows: tuple[HandOverRow, ...]
    issued_on: date
    cooperating_bodies: tuple[str, ...] = ()
    due_at: datetime | None = None  # when an extension or supplement moved it
    number: str = ""

    def validate(self) -> None:
        self._require("dossier_code", "applicant_name", "request", "processing_body", "rows")
        _check_code(self.dossier_code)
        times = [r.at for r in self.rows]
        if times != sorted(times):
            raise _fail("rows", "Các lần giao nhận phải theo thứ tự thời gian.",
                        "Hand-overs must be in time order.")


# --------------------------------------------------------------------------- books


@dataclass(frozen=True)
class TrackingRow(_Record):
    """One dossier in the tracking book (Mẫu 07)."""

    number: int
    dossier_code: str
    procedure: str
    applicant: str
    received_at: datetime
    appointment_at: datetime
    address: str = ""
    phone: str = ""
    processing_body: str = ""
    returned_at: datetime | None = None  # the result was returned (or processed)
    result_method: str = ""  # how the result was received
    note: str = ""

    def validate(self) -> None:
        self._require("dossier_code", "procedure", "applicant")
        _check_code(self.dossier_code)
        if self.number < 1:
            raise _fail("number", "Số thứ tự phải từ 1.", "Numbers start at 1.")


@dataclass(frozen=True)
class TrackingBook(_Record):
    """Mẫu 07: Sổ theo dõi hồ sơ of one field (lĩnh vực) over a date range."""

    office: OfficeHeader
    field_name: str
    date_from: date
    date_to: date
    rows: tuple[TrackingRow, ...]
    issued_on: date
    volume: int | None = None
    year: int | None = None
    number: str = ""

    def validate(self) -> None:
        self._require("field_name")
        if self.date_from > self.date_to:
            raise _fail("date_from", "Ngày bắt đầu phải trước ngày kết thúc.",
                        "The range must start before it ends.")


@dataclass(frozen=True)
class BookEntry(_Record):
    """A numbered entry of a civil-status or certification book; `values` by entry key."""

    number: int
    registered_on: date
    values: tuple[tuple[str, str], ...] = ()  # (column key, text); see `of` for a mapping
    void_reason: str = ""  # a voided number stays in the book with its reason
    corrects_number: int | None = None
    correction_reason: str = ""

    @classmethod
    def of(cls, number: int, registered_on: date, values: Mapping[str, Any],
           **extra: Any) -> BookEntry:
        """An entry from the register's free-form data (dates, numbers, lists made text)."""
        return cls(number, registered_on,
                   tuple((str(k), _value_text(v)) for k, v in values.items()), **extra)

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", tuple((str(k), _value_text(v))
                                                 for k, v in self.values))
        super().__post_init__()

    def validate(self) -> None:
        if self.number < 1:
            raise _fail("number", "Số thứ tự phải từ 1.", "Numbers start at 1.")

    def get(self, key: str) -> str:
        for k, v in self.values:
            if k == key:
                return v
        return ""


def _value_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, int):
        return str(value)  # years stay "1995"; money columns add their own separators
    if isinstance(value, (datetime, date)):
        return as_day(value).strftime("%d/%m/%Y")
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return f"{value[8:10]}/{value[5:7]}/{value[:4]}"  # ISO dates from the register
    if isinstance(value, (list, tuple)):
        return "; ".join(_value_text(v) for v in value)
    return unicodedata.normalize("NFC", str(value)).strip()


@dataclass(frozen=True)
class BookClosing(_Record):
    """The year-end closing line (khóa sổ): totals, as the register recorded them."""

    closed_on: date
    total_pages: int
    total_entries: int
    voided: int = 0
    first_number: int = 1
    last_number: int = 0

    def validate(self) -> None:
        if min(self.total_pages, self.total_entries, self.voided) < 0:
            raise _fail("total_entries", "Số liệu khóa sổ không được âm.",
                        "Closing totals cannot be negative.")
        if self.voided > self.total_entries:
            raise _fail("voided", "Số mục hủy vượt quá tổng số mục.",
                        "More voided entries than entries.")


COLUMN_KINDS = ("text", "number", "money", "note", "sign")


@dataclass(frozen=True)
class BookColumn(_Record):
    """A printed column of a book: heading, relative width (mm) and the entry keys it shows.

    `keys` pairs a printed label with an entry key; the cell prints "label: value" for each
    non-empty value (an empty label prints the bare value), joined by "; ". `kind`: "text",
    "number" (the entry's number and date), "money" (amounts, thousands dotted), "note"
    (voids and corrections, then its keys) or "sign" (left blank for a signature).
    """

    heading: str
    width: float
    keys: tuple[tuple[str, str], ...] = ()
    kind: str = "text"

    def validate(self) -> None:
        self._require("heading")
        if self.kind not in COLUMN_KINDS or self.width <= 0:
            raise _fail("kind", f"Cột «{self.heading}» không hợp lệ.",
                        f"Invalid book column {self.heading!r}.")
        if self.keys and self.kind in ("number", "sign"):
            raise _fail("keys", f"Cột «{self.heading}» không in giá trị nào.",
                        f"Column {self.heading!r} prints no values.")


@dataclass(frozen=True)
class BookLayout(_Record):
    """The columns of a book's pages, built by the caller from the book's entry schema."""

    title: str
    columns: tuple[BookColumn, ...]

    def validate(self) -> None:
        self._require("title", "columns")

    @property
    def shown_keys(self) -> frozenset[str]:
        return frozenset(key for column in self.columns for _, key in column.keys)


@dataclass(frozen=True)
class _Logbook(_Record):
    """What civil-status and certification books share: kind, volume, year, entries, layout.

    Every value of every entry must have a column of the layout: a value the page would not
    show is refused here rather than dropped from the printed book.
    """

    office: OfficeHeader
    kind_code: str
    kind_name: str
    year: int
    volume: int
    entries: tuple[BookEntry, ...]
    layout: BookLayout | None = None
    opened_on: date | None = None
    closing: BookClosing | None = None
    cover: bool = True
    signer_title: str = "Chủ tịch Ủy ban nhân dân"
    signer_name: str = ""

    def validate(self) -> None:
        self._require("kind_code", "kind_name", "layout")
        if not 1900 <= self.year <= 2200 or self.volume < 1:
            raise _fail("year", "Năm hoặc quyển số của sổ không hợp lệ.",
                        "Invalid book year or volume.")
        numbers = [e.number for e in self.entries]
        if numbers != sorted(set(numbers)):
            raise _fail("entries", "Số thứ tự trong sổ phải tăng dần, không trùng.",
                        "Entry numbers must increase without repeats.")
        assert self.layout is not None
        shown = self.layout.shown_keys
        for entry in self.entries:
            dropped = [k for k, v in entry.values if v and k not in shown]
            if dropped:
                raise _fail("entries", (
                    f"Mục số {entry.number:02d} có thông tin không có cột nào trong mẫu sổ "
                    f"để in: {', '.join(dropped)}."), (
                    f"Entry {entry.number} holds values no column of the book prints: "
                    f"{', '.join(dropped)}."))

    @property
    def book_layout(self) -> BookLayout:
        assert self.layout is not None  # validate() requires it
        return self.layout

    def pages(self, per_page: int) -> tuple[tuple[BookEntry, ...], ...]:
        """Entries cut into printed pages of `per_page` (the closing counts pages the same)."""
        return tuple(self.entries[i:i + per_page]
                     for i in range(0, len(self.entries), per_page)) or ((),)


@dataclass(frozen=True)
class CivilStatusBook(_Logbook):
    """A civil-status book (sổ hộ tịch): births, marriages, deaths... one volume of a year."""


CERTIFICATION_SYMBOLS = {"SCT_BS": "SCT/BS", "SCT_CK_DC": "SCT/CK,ĐC",
                         "SCT_CKND": "SCT/CKND", "SCT_HD_GD": "SCT/HĐ,GD"}


@dataclass(frozen=True)
class CertificationBook(_Logbook):
    """A certification book (sổ chứng thực) of Decree 23/2015: SCT/BS, SCT/CK,ĐC..."""

    symbol: str = ""
    month: int | None = None  # books kept by computer are printed monthly
    signer_title: str = "Người ký chứng thực"

    KNOWN: ClassVar[dict[str, str]] = CERTIFICATION_SYMBOLS

    def validate(self) -> None:
        super().validate()
        if not self.symbol:
            object.__setattr__(self, "symbol", self.KNOWN.get(self.kind_code, ""))
        if not self.symbol:  # the catalogue names the symbol; a new book kind may add one
            raise _fail("symbol", "Sổ chứng thực chưa có ký hiệu sổ.",
                        "The certification book has no symbol.")
        if self.month is not None and not 1 <= self.month <= 12:
            raise _fail("month", "Tháng không hợp lệ.", "Invalid month.")

    def certification_number(self, number: int) -> str:
        """Decree 23/2015: "Số 10, quyển số 01/2026-SCT/BS"."""
        return f"Số {number:02d}, quyển số {self.volume:02d}/{self.year}-{self.symbol}"


FormRecord = (Receipt | SupplementRequest | Refusal | ApologyExtension | StopNotice
              | ControlSlip | TrackingBook | CivilStatusBook | CertificationBook)


__all__ = [
    "CERTIFICATION_SYMBOLS",
    "COLUMN_KINDS",
    "ApologyExtension",
    "BookClosing",
    "BookColumn",
    "BookEntry",
    "BookLayout",
    "CertificationBook",
    "CivilStatusBook",
    "ControlSlip",
    "DeadlineResult",
    "FormRecord",
    "HandOverRow",
    "OfficeHeader",
    "Person",
    "Receipt",
    "Refusal",
    "StopNotice",
    "SupplementRequest",
    "TrackingBook",
    "TrackingRow",
]
