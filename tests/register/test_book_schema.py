"""Book entry schemas as catalogue data: loaded and validated once, read by validation, the
printed layout and `motcua check`; entries written under older keys stay readable."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from desktop import printing
from desktop.register.catalogue import (
    BookKind,
    CatalogueSet,
    book_schema_amendment,
    find_procedures,
    load_catalogue,
    parse_catalogue,
)
from desktop.register.entry_validation import validate_entry
from desktop.register.errors import ValidationError
from desktop.register.service import Register
from resources import resource_path

BUNDLED = resource_path("catalogue", "catalogue-2026.1.json")
CIVIL_STATUS = ("KS", "KH", "KT", "GH", "NCMC", "TDCC", "XNHN", "GCNN", "BSTL")
CERTIFICATION = ("SCT_BS", "SCT_CK_DC", "SCT_CKND", "SCT_HD_GD")


def raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(BUNDLED.read_text(encoding="utf-8"))
    return data


def book(data: dict[str, Any], code: str) -> dict[str, Any]:
    found: dict[str, Any] = next(k for k in data["book_kinds"] if k["code"] == code)
    return found


# --------------------------------------------------------------------------- the data


def test_every_civil_status_and_certification_book_has_fields_and_columns() -> None:
    catalogue = load_catalogue()
    for code in (*CIVIL_STATUS, *CERTIFICATION, "STD"):
        kind = catalogue.book_kind(code)
        assert kind.fields and kind.columns, code
        for f in kind.fields:  # each field is printed in a column that prints values
            assert kind.column(f.column).kind in ("text", "money", "note"), (code, f.key)
            assert f.label("vi") == f.label_vi and f.label("en") == f.label_en


def test_certification_books_keep_requester_and_certifier_apart() -> None:
    catalogue = load_catalogue()
    for code in CERTIFICATION:
        kind = catalogue.book_kind(code)
        keys = set(kind.keys)
        assert {"nguoi_yeu_cau", "giay_to", "so_ban", "nguoi_ky_chung_thuc", "le_phi",
                "ghi_chu"} <= keys, code
        requester, certifier = kind.field("nguoi_yeu_cau"), kind.field("nguoi_ky_chung_thuc")
        assert requester.column != certifier.column
        assert kind.column(certifier.column).heading == "Người ký chứng thực"
        assert requester.prefill == "name" and certifier.prefill is None
        assert kind.field("le_phi").type == "money"
        assert kind.split_field is not None and kind.split_field.key == "giay_to"
    contract = catalogue.book_kind("SCT_HD_GD")
    assert contract.field("ben_a").required and contract.field("ben_b").required


def test_the_marriage_book_prints_both_spouses() -> None:
    kind = load_catalogue().book_kind("KH")
    assert {f.key for f in kind.fields_in("ben_nam")} >= {"ho_ten_chong", "ngay_sinh_chong",
                                                          "giay_to_chong"}
    assert {f.key for f in kind.fields_in("ben_nu")} >= {"ho_ten_vo", "ngay_sinh_vo",
                                                         "giay_to_vo"}


def test_the_old_dialogs_keys_are_still_the_keys() -> None:
    """What the release's entry dialog wrote is read as it was (or through one alias)."""
    catalogue = load_catalogue()
    release_dialog = {
        "KS": ["ho_ten", "gioi_tinh", "ngay_sinh", "noi_sinh", "que_quan", "dan_toc",
               "quoc_tich", "ho_ten_me", "ho_ten_cha", "so_dinh_danh", "nguoi_di_khai"],
        "KH": ["ho_ten_chong", "ngay_sinh_chong", "giay_to_chong", "ho_ten_vo",
               "ngay_sinh_vo", "giay_to_vo"],
        "KT": ["ho_ten", "ngay_sinh", "ngay_chet", "noi_chet", "nguyen_nhan", "nguoi_di_khai"],
        "GH": ["nguoi_giam_ho", "nguoi_duoc_giam_ho", "noi_dung"],
        "NCMC": ["nguoi_nhan", "nguoi_duoc_nhan", "quan_he"],
        "TDCC": ["ho_ten", "noi_dung", "can_cu"],
        "XNHN": ["ho_ten", "ngay_sinh", "so_dinh_danh", "noi_cu_tru", "tinh_trang", "muc_dich"],
        "GCNN": ["ho_ten", "viec_ho_tich", "co_quan"],
        "SCT_BS": ["nguoi_yeu_cau", "giay_to", "so_ban", "ghi_chu"],
    }
    for code, keys in release_dialog.items():
        kind = catalogue.book_kind(code)
        assert set(keys) <= set(kind.keys), code
    bstl = catalogue.book_kind("BSTL")  # its dialog's "ho_ten" was the requester
    assert bstl.canonical({"ho_ten": "A", "loai_trich_luc": "B", "so_ban": "1"}) == {
        "nguoi_yeu_cau": "A", "loai_trich_luc": "B", "so_ban": "1"}
    # ...and beside a requester it is the person the extract is about
    assert bstl.canonical({"ho_ten": "S", "nguoi_yeu_cau": "R"}) == {
        "nguoi_yeu_cau": "R", "nguoi_duoc_cap": "S"}


def test_a_legacy_key_beside_its_canonical_key_is_not_merged() -> None:
    kind = load_catalogue().book_kind("KS")
    data = kind.canonical({"nguoi_di_khai": "A", "nguoi_khai": "B"})
    assert data == {"nguoi_di_khai": "A", "nguoi_khai": "B"}
    assert kind.unknown_keys(data) == ["nguoi_khai"]


@pytest.mark.parametrize(("change", "message"), [
    (lambda b: b["fields"][0].update(column="khong_co"), "không có cột đó"),
    (lambda b: b["fields"][0].update(column="cong_chuc_ky"), "không in giá trị"),
    (lambda b: b["fields"][0].update(type="colour"), "không hợp lệ"),
    (lambda b: b["fields"][0].update(prefill="phone"), '"prefill" không hợp lệ'),
    (lambda b: b["fields"].append(dict(b["fields"][0])), "bị trùng"),
    (lambda b: b["columns"].append({"id": "trong", "heading": "Trống", "width": 10}),
     "không có trường nào"),
    (lambda b: b.pop("columns"), "cả các cột in"),
])
def test_a_schema_that_would_drop_or_garble_a_value_is_refused_at_load(
        change: Any, message: str) -> None:
    data = raw()
    change(book(data, "KS"))
    with pytest.raises(ValidationError) as caught:
        parse_catalogue(data)
    assert message in caught.value.message("vi")
    assert "KS" in caught.value.message("vi")


def test_a_2027_catalogue_may_define_other_fields() -> None:
    data = raw()
    data.update(version="2027.1", effective_from="2027-03-01")
    ks = book(data, "KS")
    ks["fields"].append({"key": "so_dinh_danh_me", "label_vi": "Số định danh cá nhân của mẹ",
                         "label_en": "Mother's identification number", "type": "id_number",
                         "column": "me", "print_label": "Số định danh"})
    versions = CatalogueSet([load_catalogue(), parse_catalogue(data)])
    assert "so_dinh_danh_me" in versions.get("2027.1").book_kind("KS").keys
    assert "so_dinh_danh_me" not in versions.get("2026.1").book_kind("KS").keys


def test_a_catalogue_written_before_schemas_reads_them_from_a_version_that_has_them() -> None:
    old = raw()
    for kind in old["book_kinds"]:
        kind.pop("columns"), kind.pop("fields")
    old_catalogue = parse_catalogue(old)
    assert not old_catalogue.book_kind("KH").has_schema
    newer = copy.deepcopy(raw())
    newer.update(version="2026.2", effective_from="2026-12-01")
    versions = CatalogueSet([old_catalogue, parse_catalogue(newer)])
    assert versions.get("2026.1").book_kind("KH").keys == load_catalogue().book_kind("KH").keys


def test_the_same_version_with_schemas_added_is_an_amendment_not_a_new_rule() -> None:
    old = raw()
    for kind in old["book_kinds"]:
        kind.pop("columns"), kind.pop("fields")
    stored_old = json.dumps(old, ensure_ascii=False)
    bundled = load_catalogue()
    assert book_schema_amendment(stored_old, bundled) == "replace"
    assert book_schema_amendment(bundled.to_json(), parse_catalogue(old)) == "keep"
    changed = raw()
    changed["procedures"][0]["name"] += " (sửa)"
    assert book_schema_amendment(stored_old, parse_catalogue(changed)) is None


def test_a_register_holding_the_old_2026_1_takes_the_schemas_on_opening(
        register: Register, tmp_path: Path) -> None:
    import sqlite3

    old = raw()
    for kind in old["book_kinds"]:
        kind.pop("columns"), kind.pop("fields")
    content = parse_catalogue(old).to_json()
    import hashlib

    path = register.path
    register.close()
    with sqlite3.connect(path) as con:
        con.execute("UPDATE rule_versions SET content = ?, sha256 = ? WHERE version = '2026.1'",
                    (content, hashlib.sha256(content.encode()).hexdigest()))
    reopened = Register.open(path, clock=register.clock)
    try:
        assert reopened.catalogue().book_kind("KH").has_schema
        assert reopened.check().ok
    finally:
        reopened.close()


def test_find_procedures_lives_with_the_catalogue() -> None:
    found = find_procedures(load_catalogue(), "xac nhan hon")
    assert [p.code for p in found] == ["marital_status_confirmation"]


# --------------------------------------------------------------------------- validation


def kind(code: str) -> BookKind:
    return load_catalogue().book_kind(code)


def test_validation_refuses_a_key_the_book_does_not_print() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_entry(kind("KH"), {"ho_ten_chong": "A", "ho_ten_vo": "B", "mau_mat": "nâu"})
    assert caught.value.field == "mau_mat"
    assert "không được in ra" in caught.value.message("vi")


def test_validation_asks_for_each_required_field_by_its_label() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_entry(kind("SCT_HD_GD"), {"giay_to": "Hợp đồng", "nguoi_yeu_cau": "A",
                                            "ben_a": "A"})
    assert caught.value.field == "ben_b"
    assert "Bên thứ hai" in caught.value.message("vi")
    assert "Second party" in caught.value.message("en")


def required_values(code: str) -> dict[str, str]:
    values = {f.key: "Có giá trị" for f in kind(code).fields if f.required}
    values.update({k: "01/01/2026" for k in ("ngay_sinh", "ngay_chet") if k in values})
    return values


@pytest.mark.parametrize(("code", "key", "typed", "kept"), [
    ("KS", "ngay_sinh", "2/3/2026", "02/03/2026"),
    ("KS", "gioi_tinh", "nu", "Nữ"),
    ("KS", "nam_sinh_me", 1995, "1995"),
    ("KS", "so_dinh_danh", "001 226 012345", "001226012345"),
    ("KS", "dang_ky_qua_han", True, "Có"),
    ("KT", "gio_chet", "04 giờ 06 phút", "04:06"),
    ("BSTL", "le_phi", "8.000 đ", "8000"),
    ("SCT_BS", "so_ban", "03", "3"),
    ("SCT_BS", "ghi_chu", "Dòng một\nDòng hai", "Dòng một\nDòng hai"),
])
def test_validation_keeps_each_type_in_one_written_form(code: str, key: str, typed: Any,
                                                        kept: str) -> None:
    assert validate_entry(kind(code), {**required_values(code), key: typed})[key] == kept


@pytest.mark.parametrize(("code", "key", "typed"), [
    ("KS", "ngay_sinh", "31/02/2026"),
    ("KS", "ngay_sinh", "2026-02-01"),
    ("KS", "gioi_tinh", "khác"),
    ("KS", "so_dinh_danh", "12345"),
    ("KS", "nam_sinh_me", "95"),
    ("SCT_BS", "so_ban", "hai"),
    ("BSTL", "le_phi", "tám nghìn"),
    ("KT", "gio_chet", "25:00"),
])
def test_validation_refuses_a_value_not_of_its_type(code: str, key: str, typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_entry(kind(code), {**required_values(code), key: typed})
    assert caught.value.field == key


def test_a_legacy_key_is_validated_and_stored_as_todays_key() -> None:
    cleaned = validate_entry(kind("KS"), {"ho_ten": "A", "ngay_sinh": "01/01/2026",
                                          "nguoi_di_dang_ky": "B", "me_ho_ten": "C"})
    assert cleaned == {"ho_ten": "A", "ngay_sinh": "01/01/2026", "nguoi_di_khai": "B",
                       "ho_ten_me": "C"}


# --------------------------------------------------------------------------- print, check


def test_the_printed_layout_is_the_schemas_columns(register: Register) -> None:
    kh = register.catalogue().book_kind("KH")
    layout = printing.book_layout(kh)
    assert [c.heading for c in layout.columns] == [c.heading for c in kh.columns]
    assert layout.shown_keys == set(kh.keys)
    assert ("", "ho_ten_chong") in layout.columns[1].keys


def test_check_reports_entry_keys_the_schema_does_not_know(register: Register) -> None:
    register.add_logbook_entry("KH", {"ho_ten_chong": "A", "ho_ten_vo": "B"}, "canbo1")
    assert register.check().ok
    with pytest.raises(ValidationError, match="mau_mat"):  # the register refuses it...
        register.add_logbook_entry("KH", {"ho_ten_chong": "C", "ho_ten_vo": "D",
                                          "mau_mat": "nâu"}, "canbo1")
    # ...but an entry written by another release (or PC) may still hold one: check finds it.
    with register._write() as w:
        register.books._append_entry(w, "KH", "", w.now, "canbo1", dossier_uid=None,
                                     data={"ho_ten_chong": "C", "ho_ten_vo": "D",
                                           "mau_mat": "nâu"})
    report = register.check()
    assert not report.ok
    assert any("Sổ KH" in vi and "mau_mat (1)" in vi for vi, _ in report.problems)
