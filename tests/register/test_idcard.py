"""Tests of reading the chip ID card's QR text into the applicant's data."""

from __future__ import annotations

import dataclasses
import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.register.errors import ValidationError
from desktop.register.idcard import IdCardData, parse_id_card_qr
from desktop.register.validation import PROVINCE_CODES, SEX_FEMALE, SEX_MALE

TODAY = date(2026, 3, 10)
SAMPLE = (
    "001098012345|123456789|Nguyễn Văn Dũng|15031998|Nam|"
    "Số 5 ngõ 12 phố Huế, Phường Hai Bà Trưng, Hà Nội|20042021"
)
SAMPLE_DATA = IdCardData(
    id_number="001098012345",
    old_id_number="123456789",
    full_name="Nguyễn Văn Dũng",
    birth_date=date(1998, 3, 15),
    sex=SEX_MALE,
    address="Số 5 ngõ 12 phố Huế, Phường Hai Bà Trưng, Hà Nội",
    issued_on=date(2021, 4, 20),
)
PREFIX = "Không đọc được mã QR trên thẻ căn cước: "


def _with(field_index: int, value: str) -> str:
    parts = SAMPLE.split("|")
    parts[field_index] = value
    return "|".join(parts)


def _refusal(text: str) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        parse_id_card_qr(text, today=TODAY)
    assert info.value.message_vi.startswith(PREFIX)
    assert info.value.message_en.startswith("Could not read the QR code of the ID card: ")
    assert info.value.field == "id_card_qr"
    return info.value


def test_the_sample_qr_text_is_read_into_the_card_data() -> None:
    data = parse_id_card_qr(SAMPLE, today=TODAY)
    assert data == SAMPLE_DATA
    assert data.warnings == ()


@pytest.mark.parametrize(
    "typed",
    [
        SAMPLE + "\r\n",
        SAMPLE + "\n",
        SAMPLE + "\r",
        f"  {SAMPLE}  ",
        f"\t{SAMPLE}\r\n",
        SAMPLE + "|",
    ],
)
def test_line_ends_spaces_and_a_trailing_bar_from_the_scanner_are_ignored(typed: str) -> None:
    assert parse_id_card_qr(typed, today=TODAY) == SAMPLE_DATA


def test_decomposed_text_is_read_as_composed() -> None:
    data = parse_id_card_qr(unicodedata.normalize("NFD", SAMPLE), today=TODAY)
    assert data == SAMPLE_DATA
    assert unicodedata.is_normalized("NFC", data.full_name)
    assert unicodedata.is_normalized("NFC", data.address)


def test_a_card_without_an_old_id_number_has_none() -> None:
    assert parse_id_card_qr(_with(1, ""), today=TODAY).old_id_number is None


def test_a_woman_born_in_the_2000s_is_read_with_her_sex() -> None:
    text = (
        "079305001234||Trần Thị Ngọc Ánh|01062005|Nữ|"
        "Phường Bến Nghé, Thành phố Hồ Chí Minh|01072023"
    )
    data = parse_id_card_qr(text, today=TODAY)
    assert (data.sex, data.birth_date, data.warnings) == (SEX_FEMALE, date(2005, 6, 1), ())


def test_an_id_number_disagreeing_with_the_card_gives_warnings_not_an_error() -> None:
    data = parse_id_card_qr(_with(4, "Nữ"), today=TODAY)
    assert data.sex == SEX_FEMALE
    assert len(data.warnings) == 1 and "Giới tính" in data.warnings[0].message_vi


def test_warnings_do_not_take_part_in_equality() -> None:
    data = parse_id_card_qr(SAMPLE, today=TODAY)
    assert dataclasses.replace(data, warnings=("x",)) == data  # type: ignore[arg-type]


def test_card_data_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        SAMPLE_DATA.full_name = "Khác"  # type: ignore[misc]


@pytest.mark.parametrize("text", ["", "   ", "\r\n"])
def test_an_empty_scan_is_refused(text: str) -> None:
    assert "Không có dữ liệu" in _refusal(text).message_vi


@pytest.mark.parametrize(
    "text",
    [
        "001098012345",
        "001098012345|Nguyễn Văn Dũng|15031998|Nam|Hà Nội|20042021",
        SAMPLE + "|thêm",
        SAMPLE + "\r\n" + SAMPLE,
        "https://example.vn/?id=001098012345",
    ],
)
def test_a_text_without_exactly_seven_fields_is_refused(text: str) -> None:
    assert "7 trường" in _refusal(text).message_vi


def test_an_id_number_that_is_not_twelve_digits_is_refused_with_the_reason() -> None:
    error = _refusal(_with(0, "00109801234"))
    assert "12 chữ số" in error.message_vi
    assert isinstance(error.__cause__, ValidationError)
    assert error.__cause__.field == "id_number"


@pytest.mark.parametrize("old", ["12345", "12345678a", "1234567890"])
def test_an_old_id_number_that_is_not_nine_or_twelve_digits_is_refused(old: str) -> None:
    assert "chứng minh nhân dân" in _refusal(_with(1, old)).message_vi


def test_a_twelve_digit_old_id_number_is_accepted() -> None:
    assert parse_id_card_qr(_with(1, "001098012345"), today=TODAY).old_id_number == "001098012345"


@pytest.mark.parametrize("name", ["", "Nguyễn Văn 2", "Nguyễn@Dũng"])
def test_an_invalid_name_is_refused(name: str) -> None:
    assert "họ và tên" in _refusal(_with(2, name)).message_vi.lower()


@pytest.mark.parametrize(("index", "what"), [(3, "Ngày sinh"), (6, "Ngày cấp")])
@pytest.mark.parametrize("value", ["1503199", "15/03/1998", "1998-03-15", "", "150319980"])
def test_a_date_that_is_not_eight_digits_is_refused(index: int, what: str, value: str) -> None:
    message = _refusal(_with(index, value)).message_vi
    assert what in message and "8 chữ số" in message


@pytest.mark.parametrize(("index", "what"), [(3, "Ngày sinh"), (6, "Ngày cấp")])
def test_a_date_that_is_not_on_the_calendar_is_refused(index: int, what: str) -> None:
    message = _refusal(_with(index, "30021998")).message_vi
    assert what in message and "không có thật" in message


def test_a_birth_date_in_the_future_is_refused() -> None:
    assert "sau ngày hôm nay" in _refusal(_with(3, "11032026")).message_vi


def test_a_birth_date_before_1900_is_refused() -> None:
    assert "01/01/1900" in _refusal(_with(3, "31121899")).message_vi


def test_an_issue_date_in_the_future_is_refused() -> None:
    assert "Ngày cấp 11/03/2026 sau ngày hôm nay" in _refusal(_with(6, "11032026")).message_vi


def test_an_issue_date_before_the_birth_date_is_refused() -> None:
    assert "trước ngày sinh" in _refusal(_with(6, "14031998")).message_vi


@pytest.mark.parametrize("sex", ["", "Khác", "X"])
def test_an_unknown_sex_is_refused(sex: str) -> None:
    assert "Giới tính" in _refusal(_with(4, sex)).message_vi


def test_an_empty_address_is_refused() -> None:
    assert "Chưa nhập nơi thường trú" in _refusal(_with(5, " ")).message_vi


def test_the_system_date_bounds_the_dates_when_today_is_not_given() -> None:
    assert parse_id_card_qr(SAMPLE) == SAMPLE_DATA


@given(st.text())
def test_any_text_is_card_data_or_a_validation_error(text: str) -> None:
    try:
        data = parse_id_card_qr(text, today=TODAY)
    except ValidationError as exc:
        assert exc.message_vi.startswith(PREFIX)
        return
    assert isinstance(data, IdCardData)


@given(st.lists(st.text(alphabet=st.characters(exclude_characters="|")), min_size=7, max_size=7))
def test_any_seven_fields_are_card_data_or_a_validation_error(fields: list[str]) -> None:
    try:
        parse_id_card_qr("|".join(fields), today=TODAY)
    except ValidationError as exc:
        assert exc.message_vi.startswith(PREFIX)


_NAME_WORDS = ["Nguyễn", "Trần", "Lê", "Phạm", "Đặng", "Văn", "Thị", "Ngọc", "Ánh", "Dũng", "Hương"]


@given(
    province=st.sampled_from(sorted(PROVINCE_CODES)),
    born=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    sex=st.sampled_from([SEX_MALE, SEX_FEMALE]),
    serial=st.from_regex(r"[0-9]{6}", fullmatch=True),
    old_id=st.sampled_from(["", "123456789"]),
    name=st.lists(st.sampled_from(_NAME_WORDS), min_size=2, max_size=5).map(" ".join),
    address=st.sampled_from(["Thôn 3, Xã Ea Kao, Đắk Lắk", "Số 5 ngõ 12 phố Huế, Hà Nội"]),
    issued_days_after=st.integers(min_value=0, max_value=40000),
    nfd=st.booleans(),
)
def test_a_qr_text_built_from_valid_data_reads_back_the_same_data(
    province: str,
    born: date,
    sex: str,
    serial: str,
    old_id: str,
    name: str,
    address: str,
    issued_days_after: int,
    nfd: bool,
) -> None:
    issued = date.fromordinal(min(born.toordinal() + issued_days_after, TODAY.toordinal()))
    g = (born.year // 100 - 19) * 2 + (sex == SEX_FEMALE)
    number = f"{province}{g}{born.year % 100:02d}{serial}"
    text = "|".join(
        [
            number,
            old_id,
            name,
            f"{born.day:02d}{born.month:02d}{born.year:04d}",
            "Nam" if sex == SEX_MALE else "Nữ",
            address,
            f"{issued.day:02d}{issued.month:02d}{issued.year:04d}",
        ]
    )
    if nfd:
        text = unicodedata.normalize("NFD", text)
    data = parse_id_card_qr(text + "\r\n", today=TODAY)
    assert data == IdCardData(number, old_id or None, name, born, sex, address, issued)
    assert data.warnings == ()
