"""Printed forms from real register data, read back with poppler (pdftotext, pdffonts, pdftoppm)."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from desktop import printing
from desktop.register.service import Register
from desktop.register.views import ApplicantInput, DossierInput, DossierView
from forms.config import CIRCULAR_01_2018, CIRCULAR_03_2025, FormConfig, FormKind
from forms.errors import FormDataError, UnknownFormError
from forms.fonts import missing_glyphs
from forms.records import CertificationBook, DeadlineResult, OfficeHeader, Person, Receipt
from forms.render import render
from forms.text import date_line, moment_text, money_in_words
from sync.lifecycle import LOCAL_TZ

OFFICE_NAME = "Bộ phận một cửa phường Hoàn Kiếm"
VIETNAMESE = ("aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstu"
              "ùủũúụưừửữứựvxyỳỷỹýỵ")


def local(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ).astimezone(UTC)


class Clock:
    """The register's clock, moved by the test."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


# --------------------------------------------------------------------------- poppler helpers


def pdf_text(pdf: bytes | Path, tmp_path: Path, *, first: int | None = None,
             last: int | None = None, mode: str = "-layout") -> str:
    """`pdftotext -layout`, normalised to NFC.

    `mode="-raw"` keeps content-stream order instead: a table cell's wrapped lines then come
    out together rather than interleaved with the cells beside them.
    """
    path = pdf if isinstance(pdf, Path) else tmp_path / "read.pdf"
    if not isinstance(pdf, Path):
        path.write_bytes(pdf)
    pages = ([] if first is None else ["-f", str(first)]) + ([] if last is None else
                                                              ["-l", str(last)])
    out = subprocess.run(["pdftotext", mode, *pages, str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    return unicodedata.normalize("NFC", out)


def flat(text: str) -> str:
    """Whitespace runs (line breaks of wrapped text, layout padding) as single spaces."""
    return re.sub(r"\s+", " ", text)


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                         text=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def word_boxes(path: Path) -> Iterator[tuple[float, float, str]]:
    """(xMax, page width, word) of every word, from `pdftotext -bbox`."""
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    width = 0.0
    for line in html.splitlines():
        page = re.search(r'<page width="([\d.]+)"', line)
        if page:
            width = float(page.group(1))
        word = re.search(r'xMax="([\d.]+)".*>(.*)</word>', line)
        if word:
            yield float(word.group(1)), width, word.group(2)


# --------------------------------------------------------------------------- register


@pytest.fixture
def clock() -> Clock:
    return Clock(local(2026, 11, 16, 9, 0))  # Monday


@pytest.fixture
def reg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: Clock) -> Iterator[Register]:
    monkeypatch.setenv("MOTCUA_HOME", str(tmp_path))
    register = Register.open(tmp_path / "r.sqlite3", clock=clock)
    register.setup_office(province_code=1, commune_code=70, agency_id="000.00.01.H29",
                          office_name=OFFICE_NAME)
    register.create_account("canbo1", "Lê Thị Hằng", "admin", "mat-khau-du-dai-2026")
    yield register
    register.close()


@dataclass(frozen=True)
class Received:
    """A dossier just received: its code is never None."""

    code: str
    view: DossierView


def receive(reg: Register, clock: Clock, procedure: str = "marital_status_confirmation", *,
            name: str = "Nguyễn Văn Dũng", at: datetime | None = None, **extra: object
            ) -> Received:
    at = at or clock.now
    clock.now = at
    proc = reg.catalogue().procedure(procedure)
    values: dict[str, object] = {
        "procedure_code": proc.code,
        "applicant": ApplicantInput(full_name=name, id_number="001098012345", phone="0912345678",
                                    email="dung.nguyen@example.vn", address="Số 5 phố Huế"),
        "documents": tuple(d.code for d in proc.documents if d.required),
    }
    if proc.fee.amount is None and not proc.fee.per_page:
        values["fee_amount"] = 0
    values.update(extra)
    view = reg.receive(DossierInput(**values), actor="canbo1", at=at)  # type: ignore[arg-type]
    assert view.code is not None
    return Received(view.code, view)


def step(clock: Clock, at: datetime) -> datetime:
    clock.now = at
    return at


# --------------------------------------------------------------------------- Mẫu 01


def test_receipt_prints_every_field_of_form_01_exactly(reg: Register, clock: Clock,
                                                      tmp_path: Path) -> None:
    view = receive(reg, clock)  # Monday 09:00, three working days
    pdf = tmp_path / "01.pdf"
    printing.print_form(reg, view.code, "01", pdf)
    text = pdf_text(pdf, tmp_path)
    assert view.code == "000.00.01.H29-261116-1001"
    for expected in (
        "Mẫu số 01", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN PHƯỜNG HOÀN KIẾM", "BỘ PHẬN MỘT CỬA PHƯỜNG HOÀN KIẾM",
        "Hoàn Kiếm, ngày 16 tháng 11 năm 2026", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {view.code}",
        "Bộ phận một cửa phường Hoàn Kiếm tiếp nhận hồ sơ của: Nguyễn Văn Dũng",
        "Số định danh cá nhân/mã số doanh nghiệp: 001098012345", "Địa chỉ: Số 5 phố Huế",
        "Nội dung yêu cầu giải quyết: Cấp Giấy xác nhận tình trạng hôn nhân",
        "1. Thành phần hồ sơ nộp gồm:", "2. Số lượng hồ sơ: 01 (bộ).",
        "3. Thời gian giải quyết hồ sơ theo quy định: 03 ngày làm việc.",
        "4. Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 16/11/2026.",
        "5. Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 19/11/2026.",
        "6. Nơi nhận kết quả: Bộ phận một cửa phường Hoàn Kiếm.",
        "Vào Sổ theo dõi hồ sơ, quyển số: 01, số thứ tự: 01.",
        "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", "Lê Thị Hằng",
        "(Liên 1: Lưu tại Bộ phận tiếp nhận và trả kết quả)", "(Liên 2: Giao người nộp hồ sơ)",
        "Trang 1/1",
    ):
        assert expected in text, expected
    assert text.count(f"Mã hồ sơ: {view.code}") == 2  # office copy and citizen copy
    assert "Phí, lệ phí" not in text  # no fee, no fee line
    assert "Email: dung.nguyen@example.vn" in flat(text)
    assert pdf_info(pdf)["Page size"].strip().startswith("595.276 x 841.89")


def test_receipt_writes_the_fee_in_vietnamese_words(reg: Register, clock: Clock,
                                                    tmp_path: Path) -> None:
    view = receive(reg, clock, "certified_copy", pages=5, copies=2)  # (2×2000 + 3×1000) × 2
    text = pdf_text(render(printing.receipt_record(reg, view.code)), tmp_path)
    assert "7. Phí, lệ phí: 14.000 đồng (Bằng chữ: Mười bốn nghìn đồng); chưa nộp." in text
    assert ("3. Thời gian giải quyết hồ sơ theo quy định: Trong ngày (hồ sơ nhận sau 15 giờ "
            "thì trả kết quả trong ngày làm việc tiếp theo).") in flat(text)
    assert "5. Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 16/11/2026." in text


def test_receipt_qr_code_decodes_to_the_dossier_code(reg: Register, clock: Clock,
                                                     tmp_path: Path) -> None:
    view = receive(reg, clock)
    pdf = tmp_path / "01.pdf"
    printing.print_form(reg, view.code, 1, pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True)
    image = Image.open(next(tmp_path.glob("page*.png")))
    found = [b.text for b in zxingcpp.read_barcodes(image)
             if b.format == zxingcpp.BarcodeFormat.QRCode]
    assert found == [view.code, view.code]


def test_receipt_names_the_authorised_person_and_prints_on_a5(reg: Register, clock: Clock,
                                                              tmp_path: Path) -> None:
    view = receive(reg, clock, representative=ApplicantInput(
        full_name="Trần Thị Ánh Tuyết", id_number="001198012345", phone="0987654321"),
        authorisation="Giấy ủy quyền số 12/2026 ngày 10/11/2026")
    config = FormConfig(receipt_layout="a5")
    pdf = tmp_path / "a5.pdf"
    printing.print_form(reg, view.code, "01", pdf, config)
    info = pdf_info(pdf)
    assert info["Pages"].strip() == "2"  # one A5 sheet per copy
    assert info["Page size"].strip().startswith("419.528 x 595.276")
    text = flat(pdf_text(pdf, tmp_path))
    assert ("Người được ủy quyền nộp hồ sơ: Trần Thị Ánh Tuyết; số định danh cá nhân: "
            "001198012345; điện thoại: 0987654321; giấy ủy quyền: Giấy ủy quyền số 12/2026 "
            "ngày 10/11/2026") in text
    assert "Trang 1/2" in text and "Trang 2/2" in text


def test_long_names_and_addresses_wrap_inside_the_page(reg: Register, clock: Clock,
                                                       tmp_path: Path) -> None:
    name = "Tôn Nữ Thị Hoàng Phương Khuê Diễm Thúy Ngọc Bích Quỳnh Như Ý"
    address = ("Số 123 ngách 45/67 ngõ 89 đường Nguyễn Khắc Nhu, tổ dân phố số 18, khu tập thể "
               "Xí nghiệp Dược phẩm Trung ương, phường Hoàn Kiếm, Thành phố Hà Nội, gần chợ "
               "Đồng Xuân và trường Tiểu học Phan Chu Trinh")
    proc = reg.catalogue().procedure("marital_status_confirmation")
    view = reg.receive(DossierInput(
        procedure_code=proc.code, fee_amount=0,
        applicant=ApplicantInput(full_name=name, id_number="001098012345", address=address),
        documents=tuple(d.code for d in proc.documents if d.required)), "canbo1", clock.now)
    assert view.code is not None
    pdf = tmp_path / "long.pdf"
    printing.print_form(reg, view.code, "01", pdf)
    text = flat(pdf_text(pdf, tmp_path))
    assert name in text
    assert f"Địa chỉ: {address}" in text
    overflowing = [w for x_max, width, w in word_boxes(pdf) if x_max > width - 8]
    assert overflowing == []


# --------------------------------------------------------------------------- Mẫu 02–05


def test_supplement_request_lists_what_to_bring(reg: Register, clock: Clock,
                                                tmp_path: Path) -> None:
    view = receive(reg, clock)
    reg.request_supplement(view.code, ["Bản sao Giấy khai sinh", "Tờ khai có chữ ký"],
                           "Hồ sơ thiếu giấy tờ chứng minh nhân thân", "canbo1",
                           contact="bà Lê Thị Hằng, số điện thoại 024 3825 1234",
                           at=step(clock, local(2026, 11, 16, 10, 30)))
    pdf = tmp_path / "02.pdf"
    printing.print_form(reg, view.code, "02", pdf)
    text = pdf_text(pdf, tmp_path)
    for expected in ("Mẫu số 02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Số: ……/PBS",
                     "Hoàn Kiếm, ngày 16 tháng 11 năm 2026", f"Mã hồ sơ: {view.code}",
                     "Hồ sơ của: Nguyễn Văn Dũng",
                     "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:",
                     "1. Bản sao Giấy khai sinh", "2. Tờ khai có chữ ký",
                     "Lý do: Hồ sơ thiếu giấy tờ chứng minh nhân thân", "NGƯỜI HƯỚNG DẪN",
                     "Lê Thị Hằng"):
        assert expected in text, expected
    assert ("Ông/Bà liên hệ với bà Lê Thị Hằng, số điện thoại 024 3825 1234 để được hướng "
            "dẫn.") in flat(text)


def test_refusal_gives_each_reason(reg: Register, clock: Clock, tmp_path: Path) -> None:
    view = receive(reg, clock, name="Lê Văn Cường")
    reg.refuse(view.code, ["Việc đăng ký thuộc thẩm quyền của Ủy ban nhân dân xã Đông Anh",
                           "Thiếu Giấy báo tử"], "canbo1")
    text = pdf_text(render(printing.refusal_record(reg, view.code)), tmp_path)
    for expected in ("Mẫu số 03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "Số: ……/PTC",
                     f"Mã hồ sơ: {view.code}",
                     "1. Việc đăng ký thuộc thẩm quyền của Ủy ban nhân dân xã Đông Anh",
                     "2. Thiếu Giấy báo tử", "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ",
                     "Lê Văn Cường"):
        assert expected in text, expected


def test_apology_states_the_missed_and_the_new_appointment(reg: Register, clock: Clock,
                                                           tmp_path: Path) -> None:
    view = receive(reg, clock)  # due Thursday 19/11 17:00
    reg.reschedule(view.code, local(2026, 11, 25, 17, 0), "Cần xác minh tại nơi cư trú trước đây",
                   "canbo1", at=step(clock, local(2026, 11, 17, 10, 0)))
    text = pdf_text(render(printing.apology_record(reg, view.code)), tmp_path)
    joined = flat(text)
    for expected in ("Mẫu số 04", "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
                     "Số: ……/PXL", "Hoàn Kiếm, ngày 17 tháng 11 năm 2026",
                     "Kính gửi: Ông/Bà Nguyễn Văn Dũng", f"Mã hồ sơ: {view.code}.",
                     ("Thời gian hẹn trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày "
                     "19/11/2026."), "Lý do: Cần xác minh tại nơi cư trú trước đây",
                     "CHỦ TỊCH ỦY BAN NHÂN DÂN"):
        assert expected in text, expected
    assert "sẽ được trả vào: 17 giờ 00 phút, ngày 25/11/2026." in joined
    assert "(số định danh cá nhân: 001098012345)" in joined


def test_stop_notice_settles_the_fee(reg: Register, clock: Clock, tmp_path: Path) -> None:
    view = receive(reg, clock, fee_amount=105000, fee_paid=True)
    reg.stop(view.code, "Người yêu cầu đã được cấp giấy ở nơi khác", "canbo1",
             stage="Đang xác minh", at=step(clock, local(2026, 11, 17, 8, 15)))
    text = pdf_text(render(printing.stop_record(reg, view.code)), tmp_path)
    joined = flat(text)
    for expected in ("Mẫu số 05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
                     "Hoàn Kiếm, ngày 17 tháng 11 năm 2026", f"Mã hồ sơ: {view.code}.",
                     "Hồ sơ đã được giải quyết đến bước: Đang xác minh"):
        assert expected in text, expected
    assert "Lý do: Người yêu cầu đã được cấp giấy ở nơi khác" in joined
    assert "105.000 đồng (Bằng chữ: Một trăm lẻ năm nghìn đồng)" in joined


# --------------------------------------------------------------------------- Mẫu 06


def test_control_slip_judges_each_hand_over_against_the_due_date(
        reg: Register, clock: Clock, tmp_path: Path) -> None:
    view = receive(reg, clock)  # due Thursday 19/11 17:00
    reg.hand_over(view.code, "Công chức Tư pháp - Hộ tịch", "canbo1",
                  note="Chuyển bản giấy", at=step(clock, local(2026, 11, 16, 11, 0)))
    reg.hand_over(view.code, "Công an phường Hoàn Kiếm", "canbo1", agency=True,
                  at=step(clock, local(2026, 11, 17, 9, 0)))
    reg.hand_over(view.code, "Công chức Tư pháp - Hộ tịch", "canbo1",
                  at=step(clock, local(2026, 11, 18, 15, 0)))
    reg.process(view.code, "approved", "canbo1", at=step(clock, local(2026, 11, 19, 16, 0)))
    reg.return_result(view.code, "desk", "canbo1", at=step(clock, local(2026, 11, 20, 8, 30)))
    record = printing.control_slip_record(reg, view.code)
    assert [r.result for r in record.rows] == [
        DeadlineResult.BEFORE, DeadlineResult.BEFORE, DeadlineResult.BEFORE,
        DeadlineResult.BEFORE, DeadlineResult.ON, DeadlineResult.AFTER]
    assert record.processing_body == "Công chức Tư pháp - Hộ tịch"
    assert record.cooperating_bodies == ("Công an phường Hoàn Kiếm",)
    text = pdf_text(render(record), tmp_path)
    joined = flat(text)
    for expected in ("Mẫu số 06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "Số: ……/PKS",
                     f"Mã hồ sơ: {view.code}", "(Kèm theo hồ sơ của: Nguyễn Văn Dũng)",
                     "Cơ quan phối hợp giải quyết hồ sơ: Công an phường Hoàn Kiếm",
                     "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 16/11/2026",
                     "Thời gian hẹn trả kết quả: 17 giờ 00 phút, ngày 19/11/2026"):
        assert expected in joined, expected
    assert text.count("Trước hạn") == 4 and text.count("Đúng hạn") == 1
    assert text.count("Quá hạn") == 1
    cells = flat(pdf_text(render(record), tmp_path, mode="-raw"))
    assert "Liên thông" in cells and "Chuyển bản giấy" in cells
    assert "Giao: Công chức Tư pháp - Hộ tịch Nhận: Công an phường Hoàn Kiếm" in cells


def test_control_slip_follows_a_due_date_moved_by_supplement_and_extension(
        reg: Register, clock: Clock) -> None:
    view = receive(reg, clock)  # due Thursday 19/11 17:00
    reg.request_supplement(view.code, ["Bản sao Giấy khai sinh"], "Thiếu", "canbo1",
                           at=step(clock, local(2026, 11, 16, 10, 0)))
    reg.receive_supplement(view.code, "canbo1", at=step(clock, local(2026, 11, 17, 10, 0)))
    moved = reg.get(view.code).due_at
    assert moved is not None and moved > local(2026, 11, 19, 17, 0)
    reg.hand_over(view.code, "Công chức Tư pháp - Hộ tịch", "canbo1",
                  at=step(clock, local(2026, 11, 19, 18, 0)))  # after the first due date
    record = printing.control_slip_record(reg, view.code)
    assert record.rows[-1].result == DeadlineResult.BEFORE
    assert record.due_at == moved


def test_deadline_result_reads_before_on_and_after() -> None:
    due = datetime(2026, 11, 19, 17, 0, tzinfo=LOCAL_TZ)
    assert DeadlineResult.judge(datetime(2026, 11, 18, 16, 0, tzinfo=LOCAL_TZ), due).label \
        == "Trước hạn"
    assert DeadlineResult.judge(datetime(2026, 11, 19, 8, 0, tzinfo=LOCAL_TZ), due).label \
        == "Đúng hạn"
    assert DeadlineResult.judge(due, due) == DeadlineResult.ON
    assert DeadlineResult.judge(datetime(2026, 11, 19, 17, 1, tzinfo=LOCAL_TZ), due).label \
        == "Quá hạn"


# --------------------------------------------------------------------------- Mẫu 07 and books


def test_tracking_book_lists_one_field_over_a_date_range(reg: Register, clock: Clock,
                                                        tmp_path: Path) -> None:
    inside = [receive(reg, clock, name=n, at=local(2026, 11, d, 10, 0))
              for n, d in (("Nguyễn Văn An", 16), ("Trần Thị Bình", 17), ("Lê Văn Châu", 18))]
    outside = receive(reg, clock, name="Phạm Thị Dung", at=local(2026, 11, 20, 10, 0))
    other_field = receive(reg, clock, "certified_copy", name="Đỗ Văn Em",
                          at=local(2026, 11, 17, 11, 0))
    reg.process(inside[0].code, "approved", "canbo1", at=step(clock, local(2026, 11, 18, 9)))
    reg.return_result(inside[0].code, "desk", "canbo1", at=step(clock, local(2026, 11, 18, 10)))
    book = printing.tracking_book_record(reg, "HO_TICH", date(2026, 11, 16), date(2026, 11, 18))
    assert [r.number for r in book.rows] == [1, 2, 3]
    text = pdf_text(render(book), tmp_path)
    for expected in ("Mẫu số 07", "SỔ THEO DÕI HỒ SƠ", "Lĩnh vực: Hộ tịch",
                     "Từ ngày 16/11/2026 đến ngày 18/11/2026", "Nhận và trả kết quả",
                     "Ký nhận", *(v.code for v in inside), "Nguyễn Văn An", "Lê Văn Châu"):
        assert expected in text, expected
    assert outside.code not in text and other_field.code not in text
    assert "Tại Bộ phận" in text  # how the first result was received


def test_civil_status_book_repeats_its_header_and_counts_pages(reg: Register, clock: Clock,
                                                                tmp_path: Path) -> None:
    first = None
    for n in range(1, 16):
        entry = reg.add_logbook_entry("KS", {
            "ho_ten": f"Nguyễn Văn Thắng {n:02d}", "gioi_tinh": "Nam", "ngay_sinh": "2026-10-01",
            "noi_sinh": "Bệnh viện Phụ sản Hà Nội", "dan_toc": "Kinh", "quoc_tich": "Việt Nam",
            "ho_ten_me": "Trần Thị Ánh Tuyết", "ho_ten_cha": "Nguyễn Văn Đức",
            "nguoi_di_khai": "Nguyễn Văn Đức", "quan_he": "Cha"}, "canbo1",
            at=local(2026, 11, 16, 9, n))
        first = first or entry
    assert first is not None
    reg.void_entry(first.uid, "Ghi nhầm ngày sinh", "canbo1")
    clock.now = local(2026, 12, 31, 16, 0)
    reg.close_year("KS", 2026, "canbo1")
    pdf = tmp_path / "ks.pdf"
    printing.print_book(reg, "KS", 2026, None, pdf)
    assert pdf_info(pdf)["Pages"].strip() == "3"  # cover + 2 pages of 10 entries
    assert pdf_info(pdf)["Page size"].strip().startswith("841.89 x 595.276")  # landscape
    cover = pdf_text(pdf, tmp_path, first=1, last=1)
    assert "SỔ ĐĂNG KÝ KHAI SINH" in cover and "Quyển số 01, năm 2026" in cover
    assert "Khóa sổ ngày 31 tháng 12 năm 2026" in cover
    pages = [pdf_text(pdf, tmp_path, first=p, last=p) for p in (2, 3)]
    for page, number in zip(pages, (2, 3)):
        assert "Người được đăng ký khai sinh" in page  # header repeated on each page
        assert f"Trang {number}/3" in page
    assert "Nguyễn Văn Thắng 10" in pages[0] and "Nguyễn Văn Thắng 11" in pages[1]
    assert "Ngày sinh: 01/10/2026" in pages[0]
    cells = flat(pdf_text(pdf, tmp_path, first=2, last=2, mode="-raw"))
    assert "Số đã hủy. Lý do: Ghi nhầm ngày sinh" in cells
    assert ("Sổ này có 2 trang, đã ghi 15 mục (từ số 01 đến số 15), trong đó 1 số bị hủy. "
            "Khóa sổ ngày 31 tháng 12 năm 2026.") in flat(pages[1])


@pytest.mark.parametrize(("kind", "symbol", "title"), [
    ("SCT_BS", "SCT/BS", "SỔ CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH"),
    ("SCT_CK_DC", "SCT/CK,ĐC", "SỔ CHỨNG THỰC CHỮ KÝ, CHỨNG THỰC ĐIỂM CHỈ"),
    ("SCT_CKND", "SCT/CKND", "SỔ CHỨNG THỰC CHỮ KÝ NGƯỜI DỊCH"),
    ("SCT_HD_GD", "SCT/HĐ,GD", "SỔ CHỨNG THỰC HỢP ĐỒNG, GIAO DỊCH"),
])
def test_certification_books_number_each_document(reg: Register, tmp_path: Path, kind: str,
                                                  symbol: str, title: str) -> None:
    requester = "Lê Văn Bình" if kind == "SCT_CKND" else "Trần Thị Ánh Tuyết"
    papers = (("Hợp đồng tặng cho xe mô tô", "Hợp đồng thuê nhà") if kind == "SCT_HD_GD"
              else ("Giấy khai sinh", "Bằng tốt nghiệp đại học"))
    parties = ({"ben_a": "Lê Văn Hùng", "ben_b": "Lê Thị Mai"} if kind == "SCT_HD_GD" else {})
    reg.certify(kind, [
        {"nguoi_yeu_cau": requester, "giay_to": paper, "le_phi": fee,
         "nguoi_ky_chung_thuc": "Phạm Quốc Khánh", **parties}
        for paper, fee in zip(papers, (2000, 12000))], "canbo1")
    record = printing.book_record(reg, kind, 2026)
    text = pdf_text(render(record), tmp_path)
    joined = flat(text)
    assert title in text and f"Ký hiệu: {symbol}" in text
    assert f"Quyển số: 01/2026-{symbol}" in text
    assert "Số 01" in text and "Số 02" in text and "12.000" in text
    assert isinstance(record, CertificationBook)
    assert record.certification_number(2) == f"Số 02, quyển số 01/2026-{symbol}"
    assert requester in joined and papers[1] in joined and "Phạm Quốc Khánh" in joined


def test_the_tracking_book_prints_as_a_book_volume(reg: Register, clock: Clock,
                                                   tmp_path: Path) -> None:
    view = receive(reg, clock)
    book = printing.book_record(reg, "STD", 2026)
    assert book.rows[0].dossier_code == view.code  # type: ignore[union-attr]
    assert "Quyển số 01, năm 2026" in flat(pdf_text(render(book), tmp_path))


def test_a_year_with_several_volumes_asks_which_to_print(reg: Register, clock: Clock) -> None:
    receive(reg, clock)
    receive(reg, clock, "certified_copy")  # a second tracking volume, for another field
    from desktop.register.errors import ValidationError

    with pytest.raises(ValidationError, match="chọn quyển số"):
        printing.book_record(reg, "STD", 2026)


# --------------------------------------------------------------------------- type and config


def test_every_font_is_the_bundled_one_and_embedded(reg: Register, clock: Clock,
                                                    tmp_path: Path) -> None:
    view = receive(reg, clock)
    reg.add_logbook_entry("KS", {"ho_ten": "Nguyễn Văn An"}, "canbo1")
    for name, record in (("01", printing.receipt_record(reg, view.code)),
                         ("06", printing.control_slip_record(reg, view.code)),
                         ("ks", printing.book_record(reg, "KS", 2026))):
        pdf = tmp_path / f"{name}.pdf"
        pdf.write_bytes(render(record))
        out = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                             text=True).stdout.splitlines()[2:]
        assert out, name
        for line in out:
            font, emb = line.split()[0], line.split()[-5]
            assert "LiberationSerif" in font, line
            assert emb == "yes", line


def test_every_vietnamese_letter_prints_and_reads_back(tmp_path: Path) -> None:
    letters = VIETNAMESE + VIETNAMESE.upper()
    assert missing_glyphs(letters + "–…“”") == set()
    decomposed = unicodedata.normalize("NFD", f"Lý Thị {letters[:40]}")
    receipt = Receipt(
        office=OfficeHeader("Thành phố Hà Nội", "Phường Hoàn Kiếm", OFFICE_NAME, "Hoàn Kiếm"),
        dossier_code="000.00.01.H29-261116-1001",
        applicant=Person(full_name=decomposed, address=letters),
        request="Đăng ký khai sinh", documents=("Tờ khai",), processing_time="Trong ngày",
        received_at=datetime(2026, 11, 16, 9, 0, tzinfo=LOCAL_TZ),
        appointment_at=datetime(2026, 11, 16, 17, 0, tzinfo=LOCAL_TZ), result_place="Quầy 1")
    assert receipt.applicant.full_name == unicodedata.normalize("NFC", decomposed)
    text = flat(pdf_text(render(receipt), tmp_path))
    assert receipt.applicant.full_name in text
    for word in letters[:60], letters[60:120], letters[120:]:
        assert word in text.replace(" ", ""), word


def test_the_old_numbering_renumbers_the_forms(reg: Register, clock: Clock,
                                               tmp_path: Path) -> None:
    view = receive(reg, clock)
    config = FormConfig(numbering=CIRCULAR_01_2018)
    assert config.kind_for("05") == FormKind.CONTROL_SLIP
    assert config.spec(FormKind.STOP).label == ""
    pdf = tmp_path / "05.pdf"
    printing.print_form(reg, view.code, "05", pdf, config)
    text = pdf_text(pdf, tmp_path)
    assert "Mẫu số 05" in text and "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    with pytest.raises(UnknownFormError):
        FormConfig().kind_for("09")
    provincial = FormConfig(numbering=CIRCULAR_03_2025.with_spec(FormKind.STOP, symbol="TB"))
    assert provincial.spec(FormKind.STOP).symbol == "TB"
    assert CIRCULAR_03_2025.spec(FormKind.STOP).symbol is None  # the default is untouched
    with pytest.raises(UnknownFormError, match="print-book"):
        printing.form_record(reg, view.code, "07")
    printing.print_form(reg, view.code, FormKind.RECEIPT, tmp_path / "r.pdf", config,
                        actor="canbo1")
    assert [e.payload for e in reg.history(view.code) if e.kind == "dossier.printed"] == [
        {"form": "Mẫu số 01"}]


def test_records_refuse_what_cannot_be_printed() -> None:
    office = OfficeHeader("Thành phố Hà Nội", "Phường Hoàn Kiếm", OFFICE_NAME, "Hoàn Kiếm")
    at = datetime(2026, 11, 16, 9, 0, tzinfo=LOCAL_TZ)
    good = {"office": office, "dossier_code": "000.00.01.H29-261116-1001",
            "applicant": Person("Nguyễn Văn An"), "request": "Đăng ký khai sinh",
            "documents": ("Tờ khai",), "processing_time": "Trong ngày", "received_at": at,
            "appointment_at": at.replace(hour=17), "result_place": "Quầy 1"}
    Receipt(**good)  # type: ignore[arg-type]
    with pytest.raises(FormDataError, match="hẹn trả"):
        Receipt(**{**good, "appointment_at": at})  # type: ignore[arg-type]
    with pytest.raises(FormDataError, match="Mã hồ sơ"):
        Receipt(**{**good, "dossier_code": "H29-1"})  # type: ignore[arg-type]
    with pytest.raises(FormDataError):
        Person("   ")
    assert office.governing_body == "Ủy ban nhân dân phường Hoàn Kiếm"


@given(st.integers(min_value=1, max_value=10**12))
def test_amounts_in_words_are_capitalised_and_end_in_dong(amount: int) -> None:
    words = money_in_words(amount)
    assert words[0].isupper() and words.endswith(" đồng")
    assert missing_glyphs(words) == set()


@settings(max_examples=40)
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)))
def test_dates_follow_the_decree_30_style(moment: datetime) -> None:
    line = date_line("Hoàn Kiếm", moment)
    day = f"{moment.day:02d}"
    month = f"{moment.month:02d}" if moment.month < 3 else str(moment.month)
    assert line == f"Hoàn Kiếm, ngày {day} tháng {month} năm {moment.year}"
    assert moment_text(moment) == (f"{moment.hour:02d} giờ {moment.minute:02d} phút, ngày "
                                   f"{moment:%d/%m/%Y}")


@settings(max_examples=15, deadline=None)
@given(st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " ", min_size=2, max_size=60)
       .map(lambda s: " ".join(s.split())).filter(lambda s: len(s) >= 2))
def test_any_vietnamese_name_comes_back_from_the_pdf(tmp_path_factory: pytest.TempPathFactory,
                                                     name: str) -> None:
    at = datetime(2026, 11, 16, 9, 0, tzinfo=LOCAL_TZ)
    receipt = Receipt(
        office=OfficeHeader("Thành phố Hà Nội", "Phường Hoàn Kiếm", OFFICE_NAME, "Hoàn Kiếm"),
        dossier_code="000.00.01.H29-261116-1001", applicant=Person(name),
        request="Đăng ký khai sinh", documents=("Tờ khai",), processing_time="Trong ngày",
        received_at=at, appointment_at=at.replace(hour=17), result_place="Quầy 1")
    text = flat(pdf_text(render(receipt), tmp_path_factory.mktemp("name")))
    assert name in text
