"""Tests of the input validators: ID numbers, names, dates of birth, phones, e-mails, text."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.register.errors import ValidationError, ValidationWarning
from desktop.register.validation import (
    PROVINCE_CODES,
    SEX_FEMALE,
    SEX_MALE,
    describe_id_number,
    normalize_sex,
    validate_birth_date,
    validate_email,
    validate_id_number,
    validate_name,
    validate_phone,
    validate_text,
)

TODAY = date(2026, 3, 10)


def _is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


# --- Province codes ----------------------------------------------------------------------


def test_province_codes_list_the_63_provinces_from_ha_noi_to_ca_mau() -> None:
    assert len(PROVINCE_CODES) == 63
    assert PROVINCE_CODES["001"] == "Hà Nội"
    assert PROVINCE_CODES["079"] == "Hồ Chí Minh"
    assert PROVINCE_CODES["096"] == "Cà Mau"
    assert all(len(code) == 3 and code.isdigit() for code in PROVINCE_CODES)
    assert all(_is_nfc(name) for name in PROVINCE_CODES.values())


# --- ID numbers --------------------------------------------------------------------------


def test_a_well_formed_id_number_passes_without_warnings() -> None:
    number, warnings = validate_id_number("001098012345", birth_date=date(1998, 3, 15), sex="nam")
    assert number == "001098012345"
    assert warnings == []


@pytest.mark.parametrize("typed", ["001 098 012 345", " 001098012345 ", "001\u00a0098012345"])
def test_spaces_inside_an_id_number_are_removed(typed: str) -> None:
    assert validate_id_number(typed) == ("001098012345", [])


@pytest.mark.parametrize(
    "typed", ["00109801234", "0010980123456", "00109801234a", "001-098-012345", "０01098012345"]
)
def test_an_id_number_that_is_not_twelve_ascii_digits_is_refused(typed: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_id_number(typed)
    assert info.value.message_vi.startswith("Số định danh cá nhân phải gồm đúng 12 chữ số.")
    assert info.value.field == "id_number"
    assert "12 digits" in info.value.message_en


def test_a_nine_digit_old_id_card_number_is_refused_with_a_hint() -> None:
    with pytest.raises(ValidationError, match="chứng minh nhân dân"):
        validate_id_number("123456789")


def test_an_empty_id_number_is_refused_as_missing() -> None:
    with pytest.raises(ValidationError, match="Chưa nhập số định danh cá nhân"):
        validate_id_number("   ")


def test_an_unknown_province_code_is_only_a_warning() -> None:
    number, warnings = validate_id_number("999098012345")
    assert number == "999098012345"
    assert len(warnings) == 1
    assert isinstance(warnings[0], ValidationWarning)
    assert "999" in warnings[0].message_vi and "nước ngoài" in warnings[0].message_vi
    assert warnings[0].field == "id_number"


@pytest.mark.parametrize("g", "6789")
def test_a_century_digit_above_five_is_only_a_warning(g: str) -> None:
    number, warnings = validate_id_number(f"001{g}98012345")
    assert number == f"001{g}98012345"
    assert [w for w in warnings if "Chữ số thứ tư" in w.message_vi]


@pytest.mark.parametrize(
    ("number", "born"),
    [
        ("001098012345", date(1999, 3, 15)),  # wrong year
        ("001298012345", date(1998, 3, 15)),  # 2000s digit, born in the 1900s
        ("001005012345", date(2005, 1, 1)),  # 1900s digit, born in the 2000s
    ],
)
def test_an_id_number_disagreeing_with_the_year_of_birth_gives_a_warning(
    number: str, born: date
) -> None:
    _, warnings = validate_id_number(number, birth_date=born)
    assert any("Năm sinh" in w.message_vi for w in warnings)


def test_the_id_number_agrees_with_a_birth_in_the_2000s() -> None:
    assert validate_id_number("079305001234", birth_date=date(2005, 6, 1), sex="nữ")[1] == []


@pytest.mark.parametrize(
    ("number", "sex"),
    [("001098012345", "nữ"), ("001098012345", "F"), ("001198012345", "Nam"), ("001198012345", "M")],
)
def test_an_id_number_disagreeing_with_the_sex_gives_a_warning(number: str, sex: str) -> None:
    _, warnings = validate_id_number(number, sex=sex)
    assert any("Giới tính" in w.message_vi for w in warnings)


@pytest.mark.parametrize("sex", ["nam", "Nam", "NAM", "M", "m", "male"])
def test_every_spelling_of_male_agrees_with_an_even_century_digit(sex: str) -> None:
    assert validate_id_number("001098012345", sex=sex)[1] == []


def test_a_sex_that_cannot_be_recognized_is_not_compared() -> None:
    assert validate_id_number("001098012345", sex="?")[1] == []


def test_warnings_accumulate_when_several_parts_disagree() -> None:
    _, warnings = validate_id_number("999798012345", birth_date=date(1999, 1, 1), sex="nữ")
    assert len(warnings) == 3  # province, century digit, year; sex unknown with digit 7


def test_describe_id_number_explains_the_digits() -> None:
    info = describe_id_number("001 098 012345")
    assert info == {
        "id_number": "001098012345",
        "province_code": "001",
        "province_name": "Hà Nội",
        "century": 1900,
        "sex": SEX_MALE,
        "birth_year_2d": "98",
        "birth_year": 1998,
        "serial": "012345",
    }


def test_describe_id_number_leaves_unknown_parts_empty() -> None:
    info = describe_id_number("840705012345")
    assert info["province_name"] is None
    assert info["century"] is None and info["sex"] is None and info["birth_year"] is None
    assert info["birth_year_2d"] == "05"


def test_describe_id_number_of_a_woman_born_in_the_2000s() -> None:
    info = describe_id_number("096305000001")
    assert (info["province_name"], info["century"], info["sex"], info["birth_year"]) == (
        "Cà Mau",
        2000,
        SEX_FEMALE,
        2005,
    )


def test_describe_id_number_refuses_what_is_not_twelve_digits() -> None:
    with pytest.raises(ValidationError):
        describe_id_number("12345")


@given(st.from_regex(r"[0-9]{12}", fullmatch=True), st.none() | st.dates(), st.none() | st.text())
def test_every_twelve_digit_id_number_passes_or_warns_but_never_raises(
    number: str, born: date | None, sex: str | None
) -> None:
    normalized, warnings = validate_id_number(number, birth_date=born, sex=sex)
    assert normalized == number
    assert all(isinstance(w, ValidationWarning) and w.field == "id_number" for w in warnings)


@given(
    st.sampled_from(sorted(PROVINCE_CODES)),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)),
    st.sampled_from([SEX_MALE, SEX_FEMALE]),
    st.from_regex(r"[0-9]{6}", fullmatch=True),
)
def test_an_id_number_built_from_true_facts_gives_no_warning(
    province: str, born: date, sex: str, serial: str
) -> None:
    g = (born.year // 100 - 19) * 2 + (sex == SEX_FEMALE)
    number = f"{province}{g}{born.year % 100:02d}{serial}"
    assert validate_id_number(number, birth_date=born, sex=sex) == (number, [])
    info = describe_id_number(number)
    assert (info["birth_year"], info["sex"]) == (born.year, sex)


# --- Sex ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "sex"),
    [("Nam", SEX_MALE), ("M", SEX_MALE), ("Nữ", SEX_FEMALE), ("nu", SEX_FEMALE), ("F", SEX_FEMALE)],
)
def test_normalize_sex_accepts_vietnamese_and_letter_codes(typed: str, sex: str) -> None:
    assert normalize_sex(typed) == sex
    assert normalize_sex(unicodedata.normalize("NFD", typed)) == sex


def test_normalize_sex_refuses_anything_else() -> None:
    with pytest.raises(ValidationError, match=r"Nam.*Nữ") as info:
        normalize_sex("khác")
    assert info.value.field == "sex"


# --- Names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Nguyễn Thị Ngọc Ánh",
        "H'Hen Niê",
        "H’Hen Niê",
        "Ksor Y-Bơi",
        "Nguyễn Văn A",
        "Trần Thị B.",
        "Đàm Vĩnh Hưng",
        "Y Moan Ênuôl",
    ],
)
def test_vietnamese_and_minority_names_pass_unchanged(name: str) -> None:
    assert validate_name(name) == name


def test_a_name_is_composed_to_nfc_and_its_spaces_are_collapsed() -> None:
    typed = unicodedata.normalize("NFD", "  Nguyễn   Văn\tDũng \n")
    assert validate_name(typed) == "Nguyễn Văn Dũng"


@pytest.mark.parametrize("typed", ["", "   ", "\n\t"])
def test_an_empty_name_is_refused_as_missing(typed: str) -> None:
    with pytest.raises(ValidationError, match="Chưa nhập họ và tên") as info:
        validate_name(typed)
    assert info.value.field == "full_name"


def test_a_name_with_digits_is_refused() -> None:
    with pytest.raises(ValidationError, match="chữ số"):
        validate_name("Nguyễn Văn 2")


@pytest.mark.parametrize("typed", ["Nguyễn@Văn", "Lê_Thị", "Trần, Văn", "A/B", "Nguyễn (Tí)"])
def test_a_name_with_other_symbols_is_refused_and_the_symbol_is_shown(typed: str) -> None:
    with pytest.raises(ValidationError, match="chỉ được gồm chữ cái") as info:
        validate_name(typed)
    assert "«" in info.value.message_vi


@pytest.mark.parametrize("typed", ["Nguyễn\x00Văn", "Nguyễn\u200bVăn", "Lê\x7f"])
def test_a_name_with_control_or_invisible_characters_is_refused(typed: str) -> None:
    with pytest.raises(ValidationError, match="ký tự điều khiển"):
        validate_name(typed)


def test_a_name_of_punctuation_only_is_refused() -> None:
    with pytest.raises(ValidationError, match="ít nhất một chữ cái"):
        validate_name("- ' .")


def test_a_name_longer_than_the_limit_is_refused() -> None:
    assert validate_name("A" * 100) == "A" * 100
    with pytest.raises(ValidationError, match="dài quá 100 ký tự"):
        validate_name("A" * 101)
    with pytest.raises(ValidationError, match="dài quá 5 ký tự"):
        validate_name("Nguyễn", max_len=5)


def test_a_name_error_names_the_field_and_label_given() -> None:
    with pytest.raises(ValidationError) as info:
        validate_name("", field="proxy_name", label=("Họ tên người được ủy quyền", "Proxy name"))
    assert info.value.field == "proxy_name"
    assert info.value.message_vi == "Chưa nhập họ tên người được ủy quyền."
    assert info.value.message_en == "Proxy name is missing."


def test_a_combining_mark_that_nfc_cannot_compose_is_kept_after_a_letter() -> None:
    assert validate_name("Ŋ\u0301a") == "Ŋ\u0301a"
    with pytest.raises(ValidationError):
        validate_name("\u0301a")


# --- Dates of birth ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        date(1998, 3, 15),
        datetime(1998, 3, 15, 8, 30),
        "15/03/1998",
        "15/3/1998",
        "15.03.1998",
        "15-03-1998",
        "1998-03-15",
        " 15/03/1998 ",
    ],
)
def test_a_date_of_birth_is_accepted_as_date_or_dd_mm_yyyy_or_iso(typed: date | str) -> None:
    assert validate_birth_date(typed, today=TODAY) == date(1998, 3, 15)


def test_a_date_of_birth_may_be_today_or_the_first_day_of_1900() -> None:
    assert validate_birth_date(TODAY, today=TODAY) == TODAY
    assert validate_birth_date("01/01/1900", today=TODAY) == date(1900, 1, 1)


def test_a_date_of_birth_in_the_future_is_refused() -> None:
    with pytest.raises(ValidationError, match="không được sau ngày hôm nay") as info:
        validate_birth_date("11/03/2026", today=TODAY)
    assert info.value.field == "birth_date"


def test_a_date_of_birth_before_1900_is_refused() -> None:
    with pytest.raises(ValidationError, match="không được trước ngày 01/01/1900"):
        validate_birth_date(date(1899, 12, 31), today=TODAY)


def test_a_date_that_is_not_on_the_calendar_is_refused() -> None:
    with pytest.raises(ValidationError, match="không có thật"):
        validate_birth_date("29/02/2001", today=TODAY)
    assert validate_birth_date("29/02/2000", today=TODAY) == date(2000, 2, 29)


@pytest.mark.parametrize("typed", ["1998/03/15", "15 tháng 3 năm 1998", "15/03/98", "15031998x"])
def test_a_date_of_birth_in_another_format_is_refused_with_an_example(typed: str) -> None:
    with pytest.raises(ValidationError, match="ngày/tháng/năm"):
        validate_birth_date(typed, today=TODAY)


def test_an_empty_date_of_birth_is_refused_as_missing() -> None:
    with pytest.raises(ValidationError, match="Chưa nhập ngày sinh"):
        validate_birth_date("  ", today=TODAY)


def test_a_date_of_birth_of_another_type_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        validate_birth_date(19980315, today=TODAY)  # type: ignore[arg-type]


# --- Phones ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "phone"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("0912-345-678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0084 912 345 678", "0912345678"),
        ("+84 (0) 912 345 678", "0912345678"),
        ("0321234567", "0321234567"),
        ("0561234567", "0561234567"),
        ("0701234567", "0701234567"),
        ("0861234567", "0861234567"),
        ("024 3825 1234", "02438251234"),
        ("(028) 3822-1234", "02838221234"),
        ("+84 24 3825 1234", "02438251234"),
    ],
)
def test_vietnamese_mobile_and_landline_numbers_are_normalized(typed: str, phone: str) -> None:
    assert validate_phone(typed) == phone


@pytest.mark.parametrize(
    "typed",
    [
        "091234567",
        "09123456789",
        "0112345678",
        "0412345678",
        "0612345678",
        "0212345678",
        "02438251234 5",
        "+1 212 555 1234",
        "+4412345678",
        "12345",
    ],
)
def test_numbers_that_are_not_vietnamese_phones_are_refused(typed: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_phone(typed)
    assert info.value.field == "phone"


def test_an_old_eleven_digit_mobile_number_is_refused_with_a_hint() -> None:
    with pytest.raises(ValidationError, match="2018"):
        validate_phone("01234567890")


@pytest.mark.parametrize("typed", ["0912abc678", "0912/345/678", "09１2345678"])
def test_a_phone_with_letters_or_other_symbols_is_refused(typed: str) -> None:
    with pytest.raises(ValidationError, match="chỉ được gồm chữ số"):
        validate_phone(typed)


def test_an_empty_phone_is_refused_as_missing() -> None:
    with pytest.raises(ValidationError, match="Chưa nhập số điện thoại"):
        validate_phone(" ")


# --- E-mail ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "email"),
    [
        ("ten.nguoi@example.vn", "ten.nguoi@example.vn"),
        ("  Ten.Nguoi@Example.GOV.VN ", "Ten.Nguoi@example.gov.vn"),
        ("a+tag@sub-domain.example.com", "a+tag@sub-domain.example.com"),
        ("ubnd_xa@gmail.com", "ubnd_xa@gmail.com"),
    ],
)
def test_a_plain_email_address_is_accepted_with_its_domain_lowercased(
    typed: str, email: str
) -> None:
    assert validate_email(typed) == email


@pytest.mark.parametrize(
    "typed",
    [
        "plain",
        "a@b",
        "a@b.c",
        "@example.vn",
        "a@.vn",
        "a..b@example.vn",
        ".a@example.vn",
        "a.@example.vn",
        "a@-example.vn",
        "a@example-.vn",
        "a b@example.vn",
        "a@b@example.vn",
        "nguyễn@example.vn",
        "a@ví-dụ.vn",
        "a@example.vn.",
        "x" * 65 + "@example.vn",
    ],
)
def test_a_malformed_email_address_is_refused(typed: str) -> None:
    with pytest.raises(ValidationError, match="thư điện tử không hợp lệ") as info:
        validate_email(typed)
    assert info.value.field == "email"


# --- Free text ---------------------------------------------------------------------------


def test_free_text_is_composed_and_stripped() -> None:
    typed = unicodedata.normalize("NFD", "  Số 5 ngõ 12 phố Huế, Hà Nội \r\n")
    assert validate_text(typed, field="address", max_len=200) == "Số 5 ngõ 12 phố Huế, Hà Nội"


def test_empty_free_text_is_allowed_unless_required() -> None:
    assert validate_text("   ", field="note", max_len=10) == ""
    with pytest.raises(ValidationError, match="Chưa nhập địa chỉ") as info:
        validate_text("   ", field="address", max_len=10, required=True)
    assert info.value.field == "address"


@pytest.mark.parametrize("typed", ["dòng 1\ndòng 2", "a\tb", "a\x00b", "a\u200bb", "a\ufeffb"])
def test_free_text_with_control_characters_inside_is_refused(typed: str) -> None:
    with pytest.raises(ValidationError, match="ký tự điều khiển"):
        validate_text(typed, field="address", max_len=200)


def test_free_text_longer_than_the_limit_is_refused() -> None:
    assert validate_text("ư" * 10, field="note", max_len=10) == "ư" * 10
    with pytest.raises(ValidationError, match="Ghi chú dài quá 10 ký tự"):
        validate_text("ư" * 11, field="note", max_len=10)


def test_free_text_counts_length_after_composition() -> None:
    assert validate_text(unicodedata.normalize("NFD", "Huế"), field="note", max_len=3) == "Huế"


# --- Properties: any text gives a normalized value or a ValidationError --------------------


@given(st.text())
def test_validate_id_number_of_any_text_is_a_value_or_a_validation_error(text: str) -> None:
    try:
        number, warnings = validate_id_number(text)
    except ValidationError as exc:
        assert exc.field == "id_number" and exc.message_vi and exc.message_en
        return
    assert len(number) == 12 and number.isascii() and number.isdigit()
    assert validate_id_number(number) == (number, warnings)


@given(st.text())
def test_describe_id_number_of_any_text_is_a_description_or_a_validation_error(
    text: str,
) -> None:
    try:
        info = describe_id_number(text)
    except ValidationError:
        return
    assert info["id_number"] == "".join(text.split())


@given(st.text())
def test_validate_name_of_any_text_is_a_normalized_name_or_a_validation_error(
    text: str,
) -> None:
    try:
        name = validate_name(text)
    except ValidationError as exc:
        assert exc.field == "full_name" and exc.message_vi and exc.message_en
        return
    assert name and _is_nfc(name) and name == " ".join(name.split()) and len(name) <= 100
    assert not any(ch.isdigit() for ch in name)
    assert validate_name(name) == name


@given(st.text())
def test_validate_birth_date_of_any_text_is_a_date_or_a_validation_error(text: str) -> None:
    try:
        born = validate_birth_date(text, today=TODAY)
    except ValidationError as exc:
        assert exc.field == "birth_date"
        return
    assert date(1900, 1, 1) <= born <= TODAY


@given(st.dates())
def test_validate_birth_date_of_any_date_is_the_date_or_a_validation_error(born: date) -> None:
    try:
        assert validate_birth_date(born, today=TODAY) == born
    except ValidationError:
        assert not date(1900, 1, 1) <= born <= TODAY
    else:
        assert validate_birth_date(f"{born.day:02d}/{born.month:02d}/{born.year}", today=TODAY)


@given(st.text())
def test_validate_phone_of_any_text_is_a_normalized_number_or_a_validation_error(
    text: str,
) -> None:
    try:
        phone = validate_phone(text)
    except ValidationError as exc:
        assert exc.field == "phone"
        return
    assert phone.isascii() and phone.isdigit() and phone[0] == "0"
    assert len(phone) == (11 if phone.startswith("02") else 10)
    assert validate_phone(phone) == phone


@given(st.from_regex(r"0[35789][0-9]{8}|02[0-9]{9}", fullmatch=True))
def test_every_vietnamese_number_survives_any_usual_way_of_writing_it(phone: str) -> None:
    national = phone[1:]
    for written in (phone, f"+84{national}", f"84 {national}", f"{phone[:4]}.{phone[4:]}"):
        assert validate_phone(written) == phone


@given(st.text())
def test_validate_email_of_any_text_is_an_address_or_a_validation_error(text: str) -> None:
    try:
        email = validate_email(text)
    except ValidationError as exc:
        assert exc.field == "email"
        return
    assert email.count("@") == 1 and email.isascii()
    assert validate_email(email) == email


@given(st.emails())
def test_validate_email_of_a_generated_address_is_that_address_or_a_validation_error(
    email: str,
) -> None:
    try:
        value = validate_email(email)
    except ValidationError:
        return
    assert value.lower() == email.lower()


@given(st.text(), st.integers(min_value=0, max_value=50), st.booleans())
def test_validate_text_of_any_text_is_normalized_text_or_a_validation_error(
    text: str, max_len: int, required: bool
) -> None:
    try:
        value = validate_text(text, field="address", max_len=max_len, required=required)
    except ValidationError as exc:
        assert exc.field == "address"
        return
    assert value == value.strip() and _is_nfc(value) and len(value) <= max_len
    assert value.isprintable() or all(unicodedata.category(ch)[0] != "C" for ch in value)
    assert validate_text(value, field="address", max_len=max_len) == value


@given(st.text())
def test_normalize_sex_of_any_text_is_a_sex_or_a_validation_error(text: str) -> None:
    try:
        assert normalize_sex(text) in (SEX_MALE, SEX_FEMALE)
    except ValidationError as exc:
        assert exc.field == "sex"
