"""Form numbering, titles and symbols, and print settings, as configuration with legal defaults.

Circular 03/2025/TT-VPCP numbers the one-stop forms 01–07; several provinces still print the
older Circular 01/2018/TT-VPCP set (01–06, no stop notice). Both sets ship here and a province
can supply its own `Numbering`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Literal

from forms.errors import UnknownFormError


class FormKind(StrEnum):
    """The one-stop forms, independent of the number a circular gives them."""

    RECEIPT = "receipt"  # Giấy tiếp nhận hồ sơ và hẹn trả kết quả
    SUPPLEMENT = "supplement"  # Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
    REFUSAL = "refusal"  # Phiếu từ chối tiếp nhận giải quyết hồ sơ
    APOLOGY = "apology"  # Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết
    STOP = "stop"  # Thông báo dừng giải quyết hồ sơ
    CONTROL_SLIP = "control_slip"  # Phiếu kiểm soát quá trình giải quyết hồ sơ
    TRACKING_BOOK = "tracking_book"  # Sổ theo dõi hồ sơ


@dataclass(frozen=True)
class FormSpec:
    """How one form is numbered, titled and symbolised in a numbering set."""

    number: str | None  # "01"; None when the set has no such form
    title: str  # printed in capitals
    symbol: str | None = None  # the part after "Số: …/"; None prints no number line

    @property
    def label(self) -> str:
        """The form label printed in the top corner, e.g. "Mẫu số 01" ("" without a number)."""
        return f"Mẫu số {self.number}" if self.number else ""


@dataclass(frozen=True)
class Numbering:
    """A full set of form specs, e.g. the one of Circular 03/2025/TT-VPCP."""

    name: str
    specs: tuple[tuple[FormKind, FormSpec], ...]

    def __post_init__(self) -> None:
        kinds = [kind for kind, _ in self.specs]
        if sorted(kinds) != sorted(FormKind):
            raise UnknownFormError(
                f"Bộ mẫu «{self.name}» phải khai báo đủ {len(FormKind)} loại phiếu.",
                f"Numbering '{self.name}' must declare all {len(FormKind)} form kinds.")
        numbers = [spec.number for _, spec in self.specs if spec.number]
        if len(numbers) != len(set(numbers)):
            raise UnknownFormError(f"Bộ mẫu «{self.name}» có số hiệu mẫu trùng nhau.",
                                   f"Numbering '{self.name}' repeats a form number.")

    def __iter__(self) -> Iterator[tuple[FormKind, FormSpec]]:
        return iter(self.specs)

    def spec(self, kind: FormKind) -> FormSpec:
        for k, spec in self.specs:
            if k == kind:
                return spec
        raise UnknownFormError(f"Không có mẫu {kind}.", f"No form {kind}.")  # pragma: no cover

    def kind_for(self, number: str | int) -> FormKind:
        """The form kind printed under this number ("5", "05" or 5)."""
        wanted = str(number).strip().zfill(2)
        for kind, spec in self.specs:
            if spec.number == wanted:
                return kind
        known = ", ".join(spec.number for _, spec in self.specs if spec.number)
        raise UnknownFormError(
            f"Không có mẫu số {wanted} trong bộ mẫu {self.name} (có các mẫu: {known}).",
            f"No form {wanted} in the {self.name} set (known: {known}).", field="form")

    def with_spec(self, kind: FormKind, **changes: str | None) -> Numbering:
        """A copy with one form's number, title or symbol changed (provincial practice)."""
        specs = tuple((k, replace(s, **changes) if k == kind else s)  # type: ignore[arg-type]
                      for k, s in self.specs)
        return replace(self, specs=specs)


CIRCULAR_03_2025 = Numbering("Thông tư 03/2025/TT-VPCP", (
    (FormKind.RECEIPT, FormSpec("01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")),
    (FormKind.SUPPLEMENT, FormSpec("02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "PBS")),
    (FormKind.REFUSAL, FormSpec("03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "PTC")),
    (FormKind.APOLOGY, FormSpec(
        "04", "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT", "PXL")),
    # The symbol of the stop notice was not found in the circular's annex [check].
    (FormKind.STOP, FormSpec("05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ")),
    (FormKind.CONTROL_SLIP, FormSpec("06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "PKS")),
    (FormKind.TRACKING_BOOK, FormSpec("07", "SỔ THEO DÕI HỒ SƠ", "STD")),
))
"""The numbering in force since 15 September 2025 (7 forms)."""

CIRCULAR_01_2018 = Numbering("Thông tư 01/2018/TT-VPCP", (
    (FormKind.RECEIPT, FormSpec("01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")),
    (FormKind.SUPPLEMENT, FormSpec("02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "PBS")),
    (FormKind.REFUSAL, FormSpec("03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "PTC")),
    (FormKind.APOLOGY, FormSpec("04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "PXL")),
    (FormKind.STOP, FormSpec(None, "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ")),
    (FormKind.CONTROL_SLIP, FormSpec("05", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "PKS")),
    (FormKind.TRACKING_BOOK, FormSpec("06", "SỔ THEO DÕI HỒ SƠ", "STD")),
))
"""The older 01–06 numbering some provinces still print (no stop notice number)."""

NUMBERINGS: dict[str, Numbering] = {"2025": CIRCULAR_03_2025, "2018": CIRCULAR_01_2018}

ReceiptLayout = Literal["a4_two_copies", "a5"]
RECEIPT_LAYOUTS: tuple[ReceiptLayout, ...] = ("a4_two_copies", "a5")


@dataclass(frozen=True)
class FormConfig:
    """Everything about printing that is a province's or an office's choice."""

    numbering: Numbering = CIRCULAR_03_2025
    receipt_layout: ReceiptLayout = "a4_two_copies"
    """"a4_two_copies": office and citizen copies on one A4 sheet, with a cut line;
    "a5": each copy on its own A5 sheet."""
    receipt_copies: tuple[str, ...] = field(default=(
        "Liên 1: Lưu tại Bộ phận tiếp nhận và trả kết quả",
        "Liên 2: Giao người nộp hồ sơ",
    ))
    receipt_qr: bool = True
    """Print the dossier code as a QR code on the receipt (tracking and rating)."""
    book_entries_per_page: int = 10
    """Civil-status and certification book entries per printed page; the year-end closing
    counts pages the same way."""

    def __post_init__(self) -> None:
        if self.receipt_layout not in RECEIPT_LAYOUTS:
            raise UnknownFormError(
                f"Khổ in giấy tiếp nhận không hợp lệ: {self.receipt_layout!r}.",
                f"Unknown receipt layout {self.receipt_layout!r}; use one of "
                f"{', '.join(RECEIPT_LAYOUTS)}.", field="receipt_layout")
        if self.receipt_layout == "a4_two_copies" and len(self.receipt_copies) != 2:
            raise UnknownFormError("Khổ A4 hai liên cần đúng hai nhãn liên.",
                                   "The two-copy A4 layout needs exactly two copy labels.",
                                   field="receipt_copies")
        if not self.receipt_copies:
            raise UnknownFormError("Phải in ít nhất một liên.", "Print at least one copy.",
                                   field="receipt_copies")
        if not 1 <= self.book_entries_per_page <= 50:
            raise UnknownFormError("Số mục mỗi trang sổ phải từ 1 đến 50.",
                                   "Book entries per page must be 1 to 50.",
                                   field="book_entries_per_page")

    def spec(self, kind: FormKind) -> FormSpec:
        return self.numbering.spec(kind)

    def kind_for(self, number: str | int) -> FormKind:
        return self.numbering.kind_for(number)
