"""`motcua print` and `motcua print-book`, run as the officer would, against a real register."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop import paths
from desktop.register.errors import ValidationError
from desktop.register.service import Register
from desktop.register.views import ApplicantInput, DossierInput
from sync.lifecycle import LOCAL_TZ


def local(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ).astimezone(UTC)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MOTCUA_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture
def code(home: Path) -> str:
    """A register at MOTCUA_HOME with one received, handed-over dossier and a birth entry."""
    with Register.open(paths.register_path(), clock=lambda: local(2026, 11, 16, 9)) as reg:
        reg.setup_office(province_code=1, commune_code=70, agency_id="000.00.01.H29",
                         office_name="Bộ phận một cửa phường Hoàn Kiếm")
        proc = reg.catalogue().procedure("marital_status_confirmation")
        view = reg.receive(DossierInput(
            procedure_code=proc.code, fee_amount=0,
            applicant=ApplicantInput(full_name="Nguyễn Văn Dũng", id_number="001098012345"),
            documents=tuple(d.code for d in proc.documents if d.required)), "canbo1",
            local(2026, 11, 16, 9))
        assert view.code is not None
        reg.hand_over(view.code, "Công chức Tư pháp - Hộ tịch", "canbo1",
                      at=local(2026, 11, 16, 10))
        reg.add_logbook_entry("KS", {"ho_ten": "Nguyễn Văn An", "gioi_tinh": "Nam"}, "canbo1",
                              at=local(2026, 11, 16, 11))
        return view.code


def motcua(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MOTCUA_HOME": str(home), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "desktop.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def text_of(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    return unicodedata.normalize("NFC", out)


def test_print_writes_the_receipt_of_a_dossier(home: Path, code: str) -> None:
    out = home / "in" / "giay-tiep-nhan.pdf"
    done = motcua(home, "print", code, "--form", "01", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout and "Đã in mẫu số 01" in done.stdout
    text = text_of(out)
    assert f"Mã hồ sơ: {code}" in text
    assert "5. Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 19/11/2026." in text


def test_print_accepts_the_number_without_its_leading_zero(home: Path, code: str) -> None:
    out = home / "06.pdf"
    done = motcua(home, "print", code, "--form", "6", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text_of(out)


def test_print_explains_what_it_cannot_print(home: Path, code: str) -> None:
    out = home / "x.pdf"
    missing = motcua(home, "print", "000.00.01.H29-261116-9999", "--form", "01", "--out",
                     str(out))
    assert missing.returncode == 2 and "Không tìm thấy hồ sơ" in missing.stderr
    no_form = motcua(home, "print", code, "--form", "09", "--out", str(out))
    assert no_form.returncode == 2 and "Không có mẫu số 09" in no_form.stderr
    book = motcua(home, "print", code, "--form", "07", "--out", str(out))
    assert book.returncode == 2 and "print-book" in book.stderr
    not_yet = motcua(home, "print", code, "--form", "04", "--out", str(out))
    assert not_yet.returncode == 2 and "chưa có phiếu xin lỗi" in not_yet.stderr
    english = motcua(home, "--lang", "en", "print", code, "--form", "09", "--out", str(out))
    assert english.returncode == 2 and "No form 09" in english.stderr
    assert not out.exists()


def test_print_book_writes_a_whole_volume(home: Path, code: str) -> None:
    out = home / "so-khai-sinh.pdf"
    done = motcua(home, "print-book", "KS", "--year", "2026", "--out", str(out))
    assert done.returncode == 0, done.stderr
    text = text_of(out)
    assert "SỔ ĐĂNG KÝ KHAI SINH" in text and "Nguyễn Văn An" in text
    assert "Trang 2/2" in text
    tracking = home / "so-theo-doi.pdf"
    done = motcua(home, "print-book", "STD", "--year", "2026", "--volume", "1", "--out",
                  str(tracking))
    assert done.returncode == 0, done.stderr
    assert code in text_of(tracking)


def test_print_book_reports_a_missing_book(home: Path, code: str) -> None:
    out = home / "x.pdf"
    done = motcua(home, "print-book", "KH", "--year", "2026", "--out", str(out))
    assert done.returncode == 2 and "Không có sổ KH năm 2026" in done.stderr
    done = motcua(home, "print-book", "KS", "--year", "2026", "--volume", "5", "--out", str(out))
    assert done.returncode == 2 and "quyển số 05" in done.stderr
    assert not out.exists()


def test_the_commune_heads_name_is_printed_under_forms_04_and_05(home: Path, code: str) -> None:
    with Register.open(paths.register_path(), clock=lambda: local(2026, 11, 17, 9)) as reg:
        with pytest.raises(ValidationError):
            reg.set_head_name("Lê Văn Bình\x07")
        reg.set_head_name("  Lê Văn Bình ")
        assert reg.settings().head_name == "Lê Văn Bình"
        reg.reschedule(code, local(2026, 11, 25, 17), "Chờ xác minh nơi cư trú trước đây",
                       "canbo1", at=local(2026, 11, 17, 9))
        reg.stop(code, "Công dân đề nghị dừng để bổ sung giấy tờ khác", "canbo1")
    for form in ("04", "05"):
        out = home / f"{form}.pdf"
        done = motcua(home, "print", code, "--form", form, "--out", str(out))
        assert done.returncode == 0, done.stderr
        text = text_of(out)
        assert "CHỦ TỊCH" in text.upper() and "Lê Văn Bình" in text, form
