"""Validators for what a clerk types: ID numbers, names, dates, phones, e-mails, free text."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import TypedDict

from desktop.register.errors import ValidationError, ValidationWarning
from desktop.register.textnorm import fold, nfc

__all__ = [
    "FIELD_LABELS",
    "PROVINCE_CODES",
    "SEX_FEMALE",
    "SEX_MALE",
    "IdNumberInfo",
    "describe_id_number",
    "normalize_sex",
    "validate_birth_date",
    "validate_email",
    "validate_id_number",
    "validate_name",
    "validate_phone",
    "validate_text",
]

# Province codes of birth registration, the first three digits of a citizen identification
# number (Circular 59/2021/TT-BCA, appendix). These are the 63 provinces before the 2025
# merger; the codes stay valid on numbers already issued, so the list is frozen history.
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

# Field name → (Vietnamese label, English label), used to name the field in messages.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "id_number": ("Số định danh cá nhân", "Personal identification number"),
    "old_id_number": ("Số chứng minh nhân dân cũ", "Former ID card number"),
    "full_name": ("Họ và tên", "Full name"),
    "birth_date": ("Ngày sinh", "Date of birth"),
    "sex": ("Giới tính", "Sex"),
    "phone": ("Số điện thoại", "Phone number"),
    "email": ("Thư điện tử", "E-mail"),
    "address": ("Địa chỉ", "Address"),
    "permanent_address": ("Nơi thường trú", "Permanent address"),
    "issued_on": ("Ngày cấp", "Date of issue"),
    "note": ("Ghi chú", "Note"),
}

SEX_MALE = "nam"
SEX_FEMALE = "nữ"

_SEX_WORDS: dict[str, str] = {
    "nam": SEX_MALE,
    "m": SEX_MALE,
    "male": SEX_MALE,
    "nu": SEX_FEMALE,
    "f": SEX_FEMALE,
    "female": SEX_FEMALE,
}

# Fourth digit of an ID number: first year of the century of birth and sex.
_CENTURY_SEX: dict[str, tuple[int, str]] = {
    "0": (1900, SEX_MALE),
    "1": (1900, SEX_FEMALE),
    "2": (2000, SEX_MALE),
    "3": (2000, SEX_FEMALE),
    "4": (2100, SEX_MALE),
    "5": (2100, SEX_FEMALE),
}

_ID_NUMBER = re.compile(r"[0-9]{12}")
_MOBILE = re.compile(r"0[35789][0-9]{8}")
_LANDLINE = re.compile(r"02[0-9]{9}")
_OLD_MOBILE = re.compile(r"01[0-9]{9}")
# Digits and the separators people write phone numbers with (any Unicode space included).
_PHONE_CHARS = re.compile(r"[0-9.\-()\s]+")
_DMY = re.compile(r"([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_EMAIL_ATOM = r"[A-Za-z0-9_%+\-]+"
_EMAIL = re.compile(
    rf"(?P<local>{_EMAIL_ATOM}(?:\.{_EMAIL_ATOM})*)"
    r"@(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})"
)
# Besides letters (and combining marks after a letter), a name may hold spaces, apostrophes
# (straight or typographic, as in Ê Đê and Gia Rai names such as "H'Hen Niê"; the modifier
# letter ʼ U+02BC is a letter already), hyphens and periods.
_NAME_PUNCTUATION = frozenset(" '’-.")
_MIN_BIRTH_DATE = date(1900, 1, 1)


def _labels(field: str, label: tuple[str, str] | None = None) -> tuple[str, str]:
    if label is not None:
        return label
    return FIELD_LABELS.get(field, (field, field))


def _codepoint(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def _shown(ch: str) -> str:
    """A character as a message can show it: itself if visible, else its code point."""
    if unicodedata.category(ch)[0] in "CZ" and ch != " ":
        return _codepoint(ch)
    return f"«{ch}» ({_codepoint(ch)})"


def _first_control(s: str) -> str | None:
    """The first character of Unicode category C* (control, format, unassigned...), if any."""
    if s.isprintable():
        # isprintable() is False for every C* character (and for Z* other than the space),
        # so printable text, the usual case, needs no per-character look-up.
        return None
    for ch in s:
        if unicodedata.category(ch).startswith("C"):
            return ch
    return None


def _refuse_control(s: str, field: str, label: tuple[str, str]) -> None:
    bad = _first_control(s)
    if bad is not None:
        vi, en = label
        raise ValidationError(
            f"{vi} chứa ký tự điều khiển hoặc ký tự ẩn không hợp lệ ({_codepoint(bad)}).",
            f"{en} contains an invalid control or invisible character ({_codepoint(bad)}).",
            field=field,
        )


def _refuse_too_long(s: str, max_len: int, field: str, label: tuple[str, str]) -> None:
    if len(s) > max_len:
        vi, en = label
        raise ValidationError(
            f"{vi} dài quá {max_len} ký tự (đang có {len(s)} ký tự).",
            f"{en} is longer than {max_len} characters ({len(s)}).",
            field=field,
        )


# --- Sex -------------------------------------------------------------------------------


def normalize_sex(value: str) -> str:
    """SEX_MALE or SEX_FEMALE from "nam"/"nữ", "Nam"/"Nữ", "nu", "M"/"F" or "male"/"female"."""
    sex = _SEX_WORDS.get(fold(value))
    if sex is None:
        raise ValidationError(
            "Giới tính phải là «Nam» hoặc «Nữ».",
            'Sex must be "Nam" (male) or "Nữ" (female).',
            field="sex",
        )
    return sex


# --- Citizen identification number ---------------------------------------------------


class IdNumberInfo(TypedDict):
    """What the digits of a citizen identification number say, for display."""

    id_number: str
    province_code: str
    province_name: str | None  # None: not a Vietnamese province (e.g. a country code)
    century: int | None  # first year of the century of birth: 1900, 2000, 2100
    sex: str | None  # SEX_MALE, SEX_FEMALE
    birth_year_2d: str  # "98"
    birth_year: int | None  # 1998, when the century is known
    serial: str  # the last six digits


def _clean_id_number(value: str) -> str:
    number = "".join(value.split())
    if not number:
        raise ValidationError(
            "Chưa nhập số định danh cá nhân.",
            "The personal identification number is missing.",
            field="id_number",
        )
    if _ID_NUMBER.fullmatch(number) is None:
        vi = "Số định danh cá nhân phải gồm đúng 12 chữ số."
        en = "The personal identification number must be exactly 12 digits."
        if number.isascii() and number.isdigit() and len(number) == 9:
            vi += " Số có 9 chữ số là số chứng minh nhân dân cũ."
            en += " A 9-digit number is a former ID card (CMND) number."
        else:
            vi += f" Đã nhập {len(number)} ký tự."
            en += f" {len(number)} characters were entered."
        raise ValidationError(vi, en, field="id_number")
    return number


def describe_id_number(value: str) -> IdNumberInfo:
    """Split a 12-digit ID number into province of birth registration, century, sex, year.

    Raises ValidationError if the value is not 12 digits; unknown parts come back as None.
    """
    number = _clean_id_number(value)
    ppp, g, yy = number[:3], number[3], number[4:6]
    century, sex = _CENTURY_SEX.get(g, (None, None))
    return IdNumberInfo(
        id_number=number,
        province_code=ppp,
        province_name=PROVINCE_CODES.get(ppp),
        century=century,
        sex=sex,
        birth_year_2d=yy,
        birth_year=None if century is None else century + int(yy),
        serial=number[6:],
    )


def validate_id_number(
    value: str, *, birth_date: date | None = None, sex: str | None = None
) -> tuple[str, list[ValidationWarning]]:
    """The 12-digit citizen identification number, without spaces, and what looks wrong in it.

    Only the 12 digits are required (Identity Law 2023); the structure PPP G YY NNNNNN is
    checked with warnings: births registered abroad carry a country code in place of PPP.
    A sex that normalize_sex() does not recognize is not compared.
    """
    number = _clean_id_number(value)
    info = describe_id_number(number)
    warnings: list[ValidationWarning] = []
    ppp, g, yy = info["province_code"], number[3], info["birth_year_2d"]

    if info["province_name"] is None:
        warnings.append(
            ValidationWarning(
                f"Ba chữ số đầu của số định danh cá nhân ({ppp}) không phải mã tỉnh, thành phố "
                "nơi đăng ký khai sinh; hãy kiểm tra lại (người đăng ký khai sinh ở nước ngoài "
                "có mã quốc gia ở vị trí này).",
                f"The first three digits of the identification number ({ppp}) are not a "
                "province code of birth registration; please check it (births registered "
                "abroad carry a country code there).",
                field="id_number",
            )
        )
    if info["century"] is None:
        warnings.append(
            ValidationWarning(
                f"Chữ số thứ tư của số định danh cá nhân ({g}, mã thế kỷ và giới tính) phải từ "
                "0 đến 5; hãy kiểm tra lại.",
                f"The fourth digit of the identification number ({g}, century and sex) should "
                "be 0 to 5; please check it.",
                field="id_number",
            )
        )

    if birth_date is not None:
        birth_year = info["birth_year"]
        if birth_year is not None:
            agrees = birth_year == birth_date.year
            shown = str(birth_year)
        else:
            agrees = int(yy) == birth_date.year % 100
            shown = f"..{yy}"
        if not agrees:
            warnings.append(
                ValidationWarning(
                    f"Năm sinh theo số định danh cá nhân ({shown}) không khớp với ngày sinh "
                    f"đã nhập ({birth_date:%d/%m/%Y}).",
                    f"The year of birth in the identification number ({shown}) does not match "
                    f"the date of birth entered ({birth_date:%d/%m/%Y}).",
                    field="id_number",
                )
            )

    if sex is not None and info["sex"] is not None:
        given = _SEX_WORDS.get(fold(sex))
        if given is not None and given != info["sex"]:
            warnings.append(
                ValidationWarning(
                    f"Giới tính theo số định danh cá nhân ({info['sex']}) không khớp với giới "
                    f"tính đã nhập ({given}).",
                    f"The sex in the identification number "
                    f"({'male' if info['sex'] == SEX_MALE else 'female'}) does not match the "
                    f"sex entered ({'male' if given == SEX_MALE else 'female'}).",
                    field="id_number",
                )
            )
    return number, warnings


# --- Names -------------------------------------------------------------------------------


def validate_name(
    value: str,
    *,
    field: str = "full_name",
    max_len: int = 100,
    label: tuple[str, str] | None = None,
) -> str:
    """A person's name in NFC with single spaces: letters, spaces, ' ’ - and . only.

    "Nguyễn Thị Ngọc Ánh", "H'Hen Niê" and "Ksor Y-Bơi" pass; the apostrophe is kept as
    typed, since the spelling on the ID card is what counts. label overrides the field's
    (Vietnamese, English) name in messages, e.g. for the name of a representative.
    """
    vi, en = lbl = _labels(field, label)
    name = " ".join(nfc(value).split())
    if not name:
        raise ValidationError(f"Chưa nhập {vi.lower()}.", f"{en} is missing.", field=field)
    _refuse_control(name, field, lbl)
    if not all(ch.isalpha() or ch in _NAME_PUNCTUATION for ch in name):
        for i, ch in enumerate(name):
            if ch.isalpha() or ch in _NAME_PUNCTUATION:
                continue
            category = unicodedata.category(ch)
            if (
                category[0] == "M"
                and i > 0
                and (name[i - 1].isalpha() or unicodedata.category(name[i - 1])[0] == "M")
            ):
                continue  # a combining mark NFC could not compose onto its letter
            if category[0] == "N":
                raise ValidationError(
                    f"{vi} không được chứa chữ số.",
                    f"{en} must not contain digits.",
                    field=field,
                )
            raise ValidationError(
                f"{vi} chỉ được gồm chữ cái, dấu cách, dấu nháy ('), dấu gạch nối (-) và "
                f"dấu chấm (.); không nhận ký tự {_shown(ch)}.",
                f"{en} may only contain letters, spaces, apostrophes ('), hyphens (-) and "
                f"periods (.); {_shown(ch)} is not allowed.",
                field=field,
            )
    if not any(ch.isalpha() for ch in name):
        raise ValidationError(
            f"{vi} phải có ít nhất một chữ cái.",
            f"{en} must contain at least one letter.",
            field=field,
        )
    _refuse_too_long(name, max_len, field, lbl)
    return name


# --- Dates -------------------------------------------------------------------------------


def validate_birth_date(value: date | str, *, today: date) -> date:
    """A date of birth from a date or from "dd/mm/yyyy" (also "." or "-") or ISO "yyyy-mm-dd".

    Refuses dates after today and before 01/01/1900.
    """
    field = "birth_date"
    if isinstance(value, datetime):
        born = value.date()
    elif isinstance(value, date):
        born = value
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValidationError(
                "Chưa nhập ngày sinh.", "The date of birth is missing.", field=field
            )
        if (m := _DMY.fullmatch(text)) is not None:
            day, month, year = (int(x) for x in m.groups())
        elif (m := _ISO.fullmatch(text)) is not None:
            year, month, day = (int(x) for x in m.groups())
        else:
            raise ValidationError(
                "Ngày sinh phải viết theo dạng ngày/tháng/năm, ví dụ 15/03/1998.",
                "The date of birth must be written day/month/year, e.g. 15/03/1998.",
                field=field,
            )
        try:
            born = date(year, month, day)
        except ValueError:
            raise ValidationError(
                f"Ngày sinh {day:02d}/{month:02d}/{year:04d} không có thật trên lịch.",
                f"The date of birth {day:02d}/{month:02d}/{year:04d} does not exist.",
                field=field,
            ) from None
    else:
        raise TypeError(f"validate_birth_date() takes a date or a str, not {type(value).__name__}")

    if born > today:
        raise ValidationError(
            f"Ngày sinh ({born:%d/%m/%Y}) không được sau ngày hôm nay ({today:%d/%m/%Y}).",
            f"The date of birth ({born:%d/%m/%Y}) cannot be after today ({today:%d/%m/%Y}).",
            field=field,
        )
    if born < _MIN_BIRTH_DATE:
        raise ValidationError(
            f"Ngày sinh ({born.day:02d}/{born.month:02d}/{born.year:04d}) không được trước "
            "ngày 01/01/1900.",
            f"The date of birth ({born.day:02d}/{born.month:02d}/{born.year:04d}) cannot be "
            "before 01/01/1900.",
            field=field,
        )
    return born


# --- Phone, e-mail -----------------------------------------------------------------------


def validate_phone(value: str) -> str:
    """A Vietnamese phone number as "0" + national digits, e.g. "+84 912.345.678" → "0912345678".

    Mobiles: 10 digits starting 03, 05, 07, 08, 09. Landlines: 11 digits starting 02.
    Spaces, dots, dashes, brackets and a +84, 84 or 0084 prefix are accepted.
    """
    field = "phone"
    text = value.strip()
    if not text:
        raise ValidationError(
            "Chưa nhập số điện thoại.", "The phone number is missing.", field=field
        )
    international = text.startswith("+")
    body = text[1:] if international else text
    if _PHONE_CHARS.fullmatch(body) is None:
        raise ValidationError(
            "Số điện thoại chỉ được gồm chữ số, dấu cách, dấu chấm, dấu gạch nối và tiền tố +84.",
            "A phone number may only contain digits, spaces, dots, dashes and a +84 prefix.",
            field=field,
        )
    digits = "".join(ch for ch in body if "0" <= ch <= "9")
    if international or digits.startswith(("84", "0084")):
        if digits.startswith("0084") and not international:
            digits = digits[2:]
        if not digits.startswith("84"):
            raise ValidationError(
                "Chỉ nhận số điện thoại Việt Nam (mã quốc gia +84).",
                "Only Vietnamese phone numbers (country code +84) are accepted.",
                field=field,
            )
        national = digits[2:]
        # "+84 (0) 912 345 678": the trunk zero is sometimes written after the country code.
        digits = national if national.startswith("0") else "0" + national
    if _MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits):
        return digits
    vi = (
        "Số điện thoại không hợp lệ: số di động gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 "
        "hoặc 09; số cố định gồm 11 chữ số, bắt đầu bằng 02."
    )
    en = (
        "Invalid phone number: a mobile number has 10 digits starting with 03, 05, 07, 08 or "
        "09; a landline has 11 digits starting with 02."
    )
    if _OLD_MOBILE.fullmatch(digits):
        vi += " Số di động 11 chữ số đầu 01 đã chuyển sang 10 chữ số từ năm 2018."
        en += " 11-digit mobile numbers starting with 01 were changed to 10 digits in 2018."
    raise ValidationError(vi, en, field=field)


def validate_email(value: str) -> str:
    """An e-mail address, trimmed, with its domain in lower case; ASCII addresses only."""
    field = "email"
    text = value.strip()
    if not text:
        raise ValidationError(
            "Chưa nhập thư điện tử.", "The e-mail address is missing.", field=field
        )
    m = _EMAIL.fullmatch(text)
    if m is None or len(m["local"]) > 64 or len(text) > 254:
        raise ValidationError(
            "Địa chỉ thư điện tử không hợp lệ (ví dụ đúng: ten.nguoi@example.vn).",
            "Invalid e-mail address (a valid one looks like name@example.vn).",
            field=field,
        )
    return f"{m['local']}@{m['domain'].lower()}"


# --- Free text ---------------------------------------------------------------------------


def validate_text(
    value: str,
    *,
    field: str,
    max_len: int,
    required: bool = False,
    label: tuple[str, str] | None = None,
) -> str:
    """Free text such as an address: NFC, stripped, at most max_len characters.

    Control and invisible format characters (Unicode category C*, line breaks included) are
    refused anywhere inside. An empty value gives "" unless required.
    """
    vi, en = lbl = _labels(field, label)
    text = nfc(value).strip()
    if not text:
        if required:
            raise ValidationError(f"Chưa nhập {vi.lower()}.", f"{en} is missing.", field=field)
        return ""
    _refuse_control(text, field, lbl)
    _refuse_too_long(text, max_len, field, lbl)
    return text
