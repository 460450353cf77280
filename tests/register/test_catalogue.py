"""Tests of the procedure catalogue: the bundled data, fee arithmetic, versions and validation."""

from __future__ import annotations

import copy
import json
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.register.catalogue import (
    BookKind,
    Catalogue,
    CatalogueSet,
    Fee,
    Field,
    PageTier,
    load_catalogue,
    load_catalogue_set,
    parse_catalogue,
)
from desktop.register.errors import NotFoundError, ValidationError
from resources import resource_path

BUNDLED = resource_path("catalogue", "catalogue-2026.1.json")

REQUIRED_PROCEDURES = {
    "birth_registration",
    "death_registration",
    "marriage_registration",
    "marital_status_confirmation",
    "parent_child_recognition",
    "guardianship_registration",
    "guardianship_termination",
    "civil_status_change",
    "birth_reregistration",
    "civil_status_extract_copy",
    "certified_copy",
    "signature_certification",
    "contract_certification",
}

REQUIRED_BOOK_KINDS = {
    "STD",
    "KS",
    "KH",
    "KT",
    "GH",
    "NCMC",
    "TDCC",
    "XNHN",
    "BSTL",
    "SCT_BS",
    "SCT_CK_DC",
    "SCT_CKND",
    "SCT_HD_GD",
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture()
def raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(BUNDLED.read_text(encoding="utf-8"))
    return data


def _procedure(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(p for p in data["procedures"] if p["code"] == code)


def _all_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _all_strings(k) + _all_strings(v)]
    if isinstance(value, list):
        return [s for item in value for s in _all_strings(item)]
    return []


# --------------------------------------------------------------------------- bundled data


def test_the_bundled_catalogue_loads_as_version_2026_1_in_force_from_1_july_2025(
    catalogue: Catalogue,
) -> None:
    assert catalogue.version == "2026.1"
    assert catalogue.effective_from == date(2025, 7, 1)
    assert "Luật Hộ tịch" in catalogue.legal_basis


def test_loading_without_a_path_gives_the_same_catalogue_as_the_bundled_file(
    catalogue: Catalogue,
) -> None:
    assert load_catalogue(BUNDLED) == catalogue


def test_the_bundled_catalogue_covers_every_required_procedure(catalogue: Catalogue) -> None:
    codes = {p.code for p in catalogue.procedures}
    assert codes >= REQUIRED_PROCEDURES
    non_civil = [p for p in catalogue.procedures if p.field not in ("HO_TICH", "CHUNG_THUC")]
    assert len(non_civil) >= 2
    assert len({p.field for p in non_civil}) >= 2


def test_the_bundled_catalogue_has_every_required_book_kind(catalogue: Catalogue) -> None:
    assert {b.code for b in catalogue.book_kinds} >= REQUIRED_BOOK_KINDS
    tracking = catalogue.book_kind("STD")
    assert tracking.group == "tracking" and tracking.per_field
    assert tracking.name == "Sổ theo dõi hồ sơ"


def test_certification_books_carry_their_symbols_and_restart_each_year(
    catalogue: Catalogue,
) -> None:
    symbols = {
        "SCT_BS": "SCT/BS",
        "SCT_CK_DC": "SCT/CK,ĐC",
        "SCT_CKND": "SCT/CKND",
        "SCT_HD_GD": "SCT/HĐ,GD",
    }
    for code, symbol in symbols.items():
        book = catalogue.book_kind(code)
        assert book.group == "certification"
        assert book.symbol == symbol
        assert book.restart_yearly is True


def test_every_book_kind_reference_resolves(catalogue: Catalogue) -> None:
    for procedure in catalogue.procedures:
        if procedure.book_kind is not None:
            assert catalogue.book_kind(procedure.book_kind).code == procedure.book_kind
        assert catalogue.field(procedure.field).code == procedure.field


def test_civil_status_entries_signed_in_the_book_are_never_returned_by_post(
    catalogue: Catalogue,
) -> None:
    for code in (
        "birth_registration",
        "death_registration",
        "marriage_registration",
        "guardianship_registration",
        "parent_child_recognition",
        "civil_status_change",
    ):
        procedure = catalogue.procedure(code)
        assert procedure.requires_declarant_signature
        assert not procedure.postal_return
    assert catalogue.procedure("civil_status_extract_copy").postal_return


def test_processing_times_follow_the_regulations(catalogue: Catalogue) -> None:
    def processing(code: str) -> tuple[int, str, bool]:
        p = catalogue.procedure(code).processing
        return p.amount, p.unit, p.cutoff_15h

    assert processing("birth_registration") == (0, "same_day", True)
    assert processing("death_registration") == (0, "same_day", True)
    assert processing("marriage_registration") == (0, "same_day", True)
    assert processing("guardianship_registration") == (3, "working_days", False)
    assert processing("guardianship_termination") == (2, "working_days", False)
    assert processing("parent_child_recognition") == (3, "working_days", False)
    assert processing("civil_status_change") == (3, "working_days", False)
    assert processing("marital_status_confirmation") == (3, "working_days", False)
    assert processing("birth_reregistration") == (5, "working_days", False)
    assert processing("civil_status_extract_copy") == (0, "same_day", True)
    assert processing("certified_copy") == (0, "same_day", True)
    assert processing("signature_certification") == (0, "same_day", True)
    assert processing("contract_certification") == (2, "working_days", False)

    marriage = catalogue.procedure("marriage_registration").processing.max_extension
    assert marriage is not None and (marriage.amount, marriage.mode) == (5, "total")
    recognition = catalogue.procedure("parent_child_recognition").processing.max_extension
    assert recognition is not None and (recognition.amount, recognition.mode) == (5, "additional")
    change = catalogue.procedure("civil_status_change").processing.max_extension
    assert change is not None and (change.amount, change.mode) == (3, "additional")


def test_procedures_in_a_field_are_the_ones_filed_under_it(catalogue: Catalogue) -> None:
    certification = {p.code for p in catalogue.procedures_in_field("CHUNG_THUC")}
    assert {"certified_copy", "signature_certification", "contract_certification"} <= certification
    assert "birth_registration" not in certification
    with pytest.raises(NotFoundError):
        catalogue.procedures_in_field("KHONG_CO")


def test_an_unknown_procedure_code_is_not_found_with_a_vietnamese_message(
    catalogue: Catalogue,
) -> None:
    with pytest.raises(NotFoundError) as info:
        catalogue.procedure("khong_co")
    assert "không có thủ tục" in info.value.message_vi


def test_national_codes_are_unique_where_known(catalogue: Catalogue) -> None:
    known = [p.national_code for p in catalogue.procedures if p.national_code]
    assert len(known) == len(set(known))
    assert catalogue.procedure_by_national_code("1.001193")[0].code == "birth_registration"


def test_every_text_in_the_bundled_file_is_nfc(raw: dict[str, Any]) -> None:
    for text in _all_strings(raw):
        assert unicodedata.is_normalized("NFC", text), text


# --------------------------------------------------------------------------- fees


@pytest.mark.parametrize(
    ("pages", "expected"),
    [(1, 2_000), (2, 4_000), (3, 5_000), (10, 12_000), (500, 200_000)],
)
def test_the_certified_copy_fee_is_tiered_per_page_and_capped_per_copy(
    catalogue: Catalogue, pages: int, expected: int
) -> None:
    assert catalogue.procedure("certified_copy").fee.compute(pages=pages) == expected


def test_the_certified_copy_fee_multiplies_by_copies_after_the_cap(catalogue: Catalogue) -> None:
    fee = catalogue.procedure("certified_copy").fee
    assert fee.compute(pages=3, copies=4) == 20_000
    assert fee.compute(pages=500, copies=2) == 400_000


def test_fixed_fees_are_charged_per_copy(catalogue: Catalogue) -> None:
    assert catalogue.procedure("signature_certification").fee.compute() == 10_000
    assert catalogue.procedure("civil_status_extract_copy").fee.compute(copies=3) == 24_000


def test_an_exemption_the_fee_grants_yields_zero(catalogue: Catalogue) -> None:
    birth = catalogue.procedure("birth_registration").fee
    assert birth.compute(exemptions=["on_time"]) == 0
    assert birth.compute(exemptions=["disability"]) == 0
    change = catalogue.procedure("civil_status_change").fee
    assert change.compute(exemptions=("poor_household",)) == 0
    assert change.compute(exemptions="revolutionary_merit") == 0


def test_domestic_marriage_and_guardianship_are_free(catalogue: Catalogue) -> None:
    assert catalogue.procedure("marriage_registration").fee.compute() == 0
    assert catalogue.procedure("guardianship_registration").fee.compute() == 0


def test_an_exemption_the_fee_does_not_grant_is_ignored(catalogue: Catalogue) -> None:
    fee = catalogue.procedure("signature_certification").fee
    assert fee.compute(exemptions=["disability"]) == 10_000


def test_a_fee_set_by_the_province_and_not_configured_cannot_be_computed(
    catalogue: Catalogue,
) -> None:
    fee = catalogue.procedure("birth_registration").fee
    assert fee.set_by_province
    with pytest.raises(ValidationError) as info:
        fee.compute()
    assert "Hội đồng nhân dân cấp tỉnh" in info.value.message_vi


@pytest.mark.parametrize(("pages", "copies"), [(0, 1), (1, 0), (-3, 1), (True, 1)])
def test_a_page_or_copy_count_below_one_is_refused(pages: int, copies: int) -> None:
    with pytest.raises(ValidationError):
        Fee(amount=1000).compute(pages=pages, copies=copies)


COPY_FEE = Fee(
    amount=0,
    per_page=(PageTier(from_page=1, to_page=2, amount=2000), PageTier(from_page=3, amount=1000)),
    max_per_copy=200_000,
)


@given(pages=st.integers(min_value=1, max_value=5_000), copies=st.integers(1, 50))
def test_the_tiered_fee_never_decreases_with_pages_and_never_exceeds_the_cap(
    pages: int, copies: int
) -> None:
    here = COPY_FEE.compute(pages=pages, copies=copies)
    assert here <= COPY_FEE.compute(pages=pages + 1, copies=copies)
    assert here <= 200_000 * copies
    assert here == copies * COPY_FEE.compute(pages=pages)


# --------------------------------------------------------------------------- versions


def _newer(raw: dict[str, Any]) -> Catalogue:
    data = copy.deepcopy(raw)
    data["version"] = "2026.2"
    data["effective_from"] = "2026-03-01"
    _procedure(data, "signature_certification")["fee"]["amount"] = 20_000
    return parse_catalogue(data)


def test_a_newer_version_is_chosen_only_from_its_effective_date_on(raw: dict[str, Any]) -> None:
    old = parse_catalogue(raw)
    new = _newer(raw)
    versions = CatalogueSet([new, old])
    assert versions.in_force(date(2025, 7, 1)) is old
    assert versions.in_force(date(2026, 2, 28)) is old
    assert versions.in_force(date(2026, 3, 1)) is new
    assert versions.in_force(date(2027, 1, 1)) is new
    assert versions.latest() is new
    assert versions.versions == ("2026.1", "2026.2")


def test_a_newer_version_never_rewrites_the_one_a_dossier_was_received_under(
    raw: dict[str, Any],
) -> None:
    old = parse_catalogue(raw)
    stored = old.to_json()
    digest = old.digest()
    versions = CatalogueSet([old, _newer(raw)])
    received_under = versions.get("2026.1")
    assert received_under.to_json() == stored
    assert received_under.digest() == digest
    assert received_under.procedure("signature_certification").fee.compute() == 10_000
    assert versions.get("2026.2").procedure("signature_certification").fee.compute() == 20_000


def test_no_version_is_in_force_before_the_earliest_effective_date(raw: dict[str, Any]) -> None:
    versions = CatalogueSet([parse_catalogue(raw)])
    with pytest.raises(NotFoundError) as info:
        versions.in_force(date(2025, 6, 30))
    assert "30/06/2025" in info.value.message_vi


def test_two_versions_with_the_same_effective_date_are_refused(raw: dict[str, Any]) -> None:
    twin = copy.deepcopy(raw)
    twin["version"] = "2026.1b"
    with pytest.raises(ValidationError) as info:
        CatalogueSet([parse_catalogue(raw), parse_catalogue(twin)])
    assert "cùng có hiệu lực" in info.value.message_vi


def test_the_bundled_folder_loads_as_a_catalogue_set() -> None:
    versions = load_catalogue_set()
    assert "2026.1" in versions.versions
    assert versions.in_force(date(2026, 1, 15)).version <= versions.latest().version


def test_a_file_whose_name_disagrees_with_its_version_is_refused(
    raw: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "catalogue-2027.1.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValidationError):
        load_catalogue(path)


def test_a_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        load_catalogue(tmp_path / "catalogue-9.json")


def test_a_file_that_is_not_json_gives_a_vietnamese_error(tmp_path: Path) -> None:
    path = tmp_path / "catalogue-x.json"
    path.write_text("{ không phải json", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        load_catalogue(path)
    assert "không phải JSON hợp lệ" in info.value.message_vi


# --------------------------------------------------------------------------- canonical JSON


def test_to_json_round_trips_through_parse_catalogue(catalogue: Catalogue) -> None:
    text = catalogue.to_json()
    again = parse_catalogue(json.loads(text))
    assert again == catalogue
    assert again.to_json() == text
    assert again.digest() == catalogue.digest()


def test_to_json_is_canonical_with_sorted_keys_and_readable_vietnamese(
    catalogue: Catalogue,
) -> None:
    text = catalogue.to_json()
    assert text == json.dumps(
        json.loads(text), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    assert "Đăng ký khai sinh" in text


def test_key_order_in_the_source_does_not_change_the_canonical_json(raw: dict[str, Any]) -> None:
    reordered = dict(reversed(list(raw.items())))
    reordered["procedures"] = [dict(reversed(list(p.items()))) for p in raw["procedures"]]
    assert parse_catalogue(reordered).to_json() == parse_catalogue(raw).to_json()


# --------------------------------------------------------------------------- bad data


def _error(data: dict[str, Any]) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        parse_catalogue(data)
    return info.value


def test_an_unknown_processing_unit_is_refused_naming_the_procedure(raw: dict[str, Any]) -> None:
    _procedure(raw, "birth_registration")["processing"]["unit"] = "days"
    error = _error(raw)
    assert 'Thủ tục "birth_registration" (Đăng ký khai sinh)' in error.message_vi
    assert "không hợp lệ" in error.message_vi
    assert "ngày làm việc" in error.message_vi
    assert error.field == "procedures[birth_registration].processing.unit"
    assert "invalid" in error.message_en


def test_a_missing_required_entry_is_refused_naming_it(raw: dict[str, Any]) -> None:
    del _procedure(raw, "death_registration")["result"]
    error = _error(raw)
    assert 'Thủ tục "death_registration" (Đăng ký khai tử)' in error.message_vi
    assert 'thiếu mục bắt buộc "result"' in error.message_vi
    assert error.field == "procedures[death_registration].result"


def test_a_missing_fee_amount_is_refused_rather_than_taken_as_free(raw: dict[str, Any]) -> None:
    del _procedure(raw, "signature_certification")["fee"]["amount"]
    error = _error(raw)
    assert "lệ phí" in error.message_vi and "amount" in error.message_vi


def test_a_reference_to_a_book_kind_that_does_not_exist_is_refused(raw: dict[str, Any]) -> None:
    _procedure(raw, "marriage_registration")["book_kind"] = "SO_MA"
    error = _error(raw)
    assert 'Thủ tục "marriage_registration" (Đăng ký kết hôn)' in error.message_vi
    assert 'loại sổ "SO_MA" không có' in error.message_vi


def test_a_reference_to_a_field_that_does_not_exist_is_refused(raw: dict[str, Any]) -> None:
    _procedure(raw, "certified_copy")["field"] = "DAT_DAI"
    assert 'lĩnh vực "DAT_DAI" không có' in _error(raw).message_vi


def test_a_duplicate_procedure_code_is_refused(raw: dict[str, Any]) -> None:
    raw["procedures"].append(copy.deepcopy(_procedure(raw, "certified_copy")))
    error = _error(raw)
    assert 'Thủ tục mã "certified_copy"' in error.message_vi
    assert "bị trùng" in error.message_vi


def test_a_duplicate_book_kind_code_is_refused(raw: dict[str, Any]) -> None:
    raw["book_kinds"].append(copy.deepcopy(raw["book_kinds"][0]))
    assert 'Loại sổ mã "STD"' in _error(raw).message_vi


def test_a_duplicate_document_code_within_a_procedure_is_refused(raw: dict[str, Any]) -> None:
    documents = _procedure(raw, "birth_registration")["documents"]
    documents.append(copy.deepcopy(documents[0]))
    error = _error(raw)
    assert "Đăng ký khai sinh" in error.message_vi and "bị trùng" in error.message_vi


def test_an_unknown_book_group_is_refused(raw: dict[str, Any]) -> None:
    raw["book_kinds"][1]["group"] = "misc"
    error = _error(raw)
    assert 'Loại sổ "KS"' in error.message_vi
    assert "sổ hộ tịch" in error.message_vi


def test_a_misspelt_key_is_refused_instead_of_silently_dropped(raw: dict[str, Any]) -> None:
    _procedure(raw, "certified_copy")["fee"]["max_per_cpy"] = 200_000
    error = _error(raw)
    assert '"max_per_cpy" không được hỗ trợ' in error.message_vi
    assert "Chứng thực bản sao" in error.message_vi


def test_same_day_processing_with_a_number_of_days_is_refused(raw: dict[str, Any]) -> None:
    _procedure(raw, "birth_registration")["processing"]["amount"] = 1
    assert "same_day" in _error(raw).message_vi


def test_page_tiers_with_a_gap_are_refused(raw: dict[str, Any]) -> None:
    _procedure(raw, "certified_copy")["fee"]["per_page"][1]["from_page"] = 4
    error = _error(raw)
    assert "liên tiếp" in error.message_vi


def test_a_negative_fee_is_refused(raw: dict[str, Any]) -> None:
    _procedure(raw, "signature_certification")["fee"]["amount"] = -10_000
    assert "từ 0 trở lên" in _error(raw).message_vi


def test_postal_return_for_an_entry_signed_in_person_is_refused(raw: dict[str, Any]) -> None:
    _procedure(raw, "birth_registration")["postal_return"] = True
    assert "bưu chính" in _error(raw).message_vi


def test_text_not_in_nfc_is_refused(raw: dict[str, Any]) -> None:
    _procedure(raw, "birth_registration")["name"] = unicodedata.normalize(
        "NFD", "Đăng ký khai sinh"
    )
    assert "NFC" in _error(raw).message_vi


def test_a_malformed_national_code_is_refused(raw: dict[str, Any]) -> None:
    _procedure(raw, "birth_registration")["national_code"] = "1001193"
    assert "mã thủ tục quốc gia" in _error(raw).message_vi


def test_a_newer_file_format_asks_for_an_update(raw: dict[str, Any]) -> None:
    raw["format"] = 2
    assert "cập nhật motcua" in _error(raw).message_vi


def test_a_catalogue_built_by_hand_still_checks_its_references() -> None:
    with pytest.raises(ValidationError):
        Catalogue(
            version="t",
            effective_from=date(2025, 7, 1),
            legal_basis="x",
            fields=(Field("HO_TICH", "Hộ tịch"),),
            book_kinds=(BookKind("KS", "Sổ đăng ký khai sinh", "civil_status", None, True),),
            procedures=(_hand_made_procedure(book_kind="KH"),),
        )


def _hand_made_procedure(book_kind: str) -> Any:
    from desktop.register.catalogue import Procedure, Processing

    return Procedure(
        code="p",
        national_code=None,
        name="Thử",
        field="HO_TICH",
        processing=Processing(amount=0, unit="same_day", cutoff_15h=True),
        fee=Fee(amount=0),
        documents=(),
        result="Kết quả",
        book_kind=book_kind,
        transfer_agency=None,
        postal_return=True,
        requires_declarant_signature=False,
    )
