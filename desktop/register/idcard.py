"""Reading the QR code of the chip ID card (thẻ căn cước) as typed in by a 2D scanner."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from desktop.register.errors import ValidationError, ValidationWarning
from desktop.register.textnorm import nfc
from desktop.register.validation import (
    normalize_sex,
    validate_birth_date,
    validate_id_number,
    validate_name,
    validate_text,
)

__all__ = ["QR_FIELD_COUNT", "IdCardData", "parse_id_card_qr"]

# ID|old ID|full name|ddMMyyyy birth|sex|permanent address|ddMMyyyy issued
QR_FIELD_COUNT = 7
_ADDRESS_MAX_LEN = 500
_DDMMYYYY = re.compile(r"[0-9]{8}")
_OLD_ID_NUMBER = re.compile(r"[0-9]{9}|[0-9]{12}")
_QR_FIELD = "id_card_qr"


@dataclass(frozen=True)
class IdCardData:
    """The applicant's identity as printed on the chip ID card, validated and in NFC.

    warnings: what the ID number's structure disagrees with (see validate_id_number); they
    do not take part in equality.
    """

    id_number: str
    old_id_number: str | None  # the former 9-digit CMND number; None when the card has none
    full_name: str
    birth_date: date
    sex: str  # validation.SEX_MALE or SEX_FEMALE
    address: str  # permanent address (nơi thường trú)
    issued_on: date
    warnings: tuple[ValidationWarning, ...] = field(default=(), compare=False)


def _qr_error(reason_vi: str, reason_en: str) -> ValidationError:
    return ValidationError(
        f"Không đọc được mã QR trên thẻ căn cước: {reason_vi}",
        f"Could not read the QR code of the ID card: {reason_en}",
        field=_QR_FIELD,
    )


def _parse_ddmmyyyy(text: str, what_vi: str, what_en: str) -> date:
    if _DDMMYYYY.fullmatch(text) is None:
        raise _qr_error(
            f"{what_vi} phải gồm 8 chữ số ngày, tháng, năm (ví dụ 15031998).",
            f"The {what_en} must be 8 digits, day month year (e.g. 15031998).",
        )
    try:
        return date(int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError:
        raise _qr_error(
            f"{what_vi} {text[:2]}/{text[2:4]}/{text[4:]} không có thật trên lịch.",
            f"The {what_en} {text[:2]}/{text[2:4]}/{text[4:]} does not exist.",
        ) from None


def parse_id_card_qr(text: str, *, today: date | None = None) -> IdCardData:
    """Parse the QR text of a chip ID card into validated data for the applicant form.

    The text reads "ID|old ID|full name|ddMMyyyy birth|sex|permanent address|ddMMyyyy issued".
    Surrounding spaces and the CR/LF a scanner adds are ignored, as are empty fields after
    the seventh (a trailing "|"); NFD text is composed to NFC. today defaults to the
    system date and bounds the dates of birth and issue.

    Raises:
        ValidationError: "Không đọc được mã QR trên thẻ căn cước: <reason>", field
            "id_card_qr"; a failing field validator is chained as the cause.
    """
    today = date.today() if today is None else today
    raw = nfc(text).strip()
    if not raw:
        raise _qr_error("Không có dữ liệu.", "There is no data.")
    parts = raw.split("|")
    while len(parts) > QR_FIELD_COUNT and not parts[-1].strip():
        parts.pop()
    if len(parts) != QR_FIELD_COUNT:
        raise _qr_error(
            f"Cần {QR_FIELD_COUNT} trường phân cách bởi dấu «|», đọc được {len(parts)}.",
            f"Expected {QR_FIELD_COUNT} fields separated by '|', found {len(parts)}.",
        )
    id_raw, old_raw, name_raw, birth_raw, sex_raw, address_raw, issued_raw = (
        p.strip() for p in parts
    )

    birth_date = _parse_ddmmyyyy(birth_raw, "Ngày sinh", "date of birth")
    issued_on = _parse_ddmmyyyy(issued_raw, "Ngày cấp", "date of issue")
    try:
        birth_date = validate_birth_date(birth_date, today=today)
        sex = normalize_sex(sex_raw)
        id_number, warnings = validate_id_number(id_raw, birth_date=birth_date, sex=sex)
        full_name = validate_name(name_raw)
        address = validate_text(
            address_raw, field="permanent_address", max_len=_ADDRESS_MAX_LEN, required=True
        )
    except ValidationError as exc:
        raise _qr_error(exc.message_vi, exc.message_en) from exc

    old_id_number: str | None = "".join(old_raw.split()) or None
    if old_id_number is not None and _OLD_ID_NUMBER.fullmatch(old_id_number) is None:
        raise _qr_error(
            "Số chứng minh nhân dân cũ phải gồm 9 hoặc 12 chữ số.",
            "The former ID card number must be 9 or 12 digits.",
        )
    if issued_on > today:
        raise _qr_error(
            f"Ngày cấp {issued_on:%d/%m/%Y} sau ngày hôm nay ({today:%d/%m/%Y}).",
            f"The date of issue {issued_on:%d/%m/%Y} is after today ({today:%d/%m/%Y}).",
        )
    if issued_on < birth_date:
        raise _qr_error(
            f"Ngày cấp {issued_on:%d/%m/%Y} trước ngày sinh {birth_date:%d/%m/%Y}.",
            f"The date of issue {issued_on:%d/%m/%Y} is before the date of birth "
            f"{birth_date:%d/%m/%Y}.",
        )
    return IdCardData(
        id_number=id_number,
        old_id_number=old_id_number,
        full_name=full_name,
        birth_date=birth_date,
        sex=sex,
        address=address,
        issued_on=issued_on,
        warnings=tuple(warnings),
    )
