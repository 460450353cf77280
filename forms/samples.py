"""Built-in sample records with realistic Vietnamese data, for previews and benchmarks."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from forms.records import (
    ApologyExtension,
    BookClosing,
    BookColumn,
    BookEntry,
    BookLayout,
    CertificationBook,
    CivilStatusBook,
    ControlSlip,
    DeadlineResult,
    HandOverRow,
    OfficeHeader,
    Person,
    Receipt,
    Refusal,
    StopNotice,
    SupplementRequest,
    TrackingBook,
    TrackingRow,
)
from forms.text import LOCAL_TZ
from resources import resource_path

OFFICE = OfficeHeader(province="Thành phố Hà Nội", commune="Phường Hoàn Kiếm",
                      office_name="Trung tâm Phục vụ hành chính công phường Hoàn Kiếm",
                      place_name="Hoàn Kiếm", agency_id="000.00.01.H29")
CODE = "000.00.01.H29-261123-1004"
APPLICANT = Person(
    full_name="Nguyễn Thị Phương Thảo", id_number="001198012345",
    address="Số 18 ngõ 25 phố Hàng Bạc, tổ dân phố số 7, phường Hoàn Kiếm, Thành phố Hà Nội",
    phone="0912 345 678", email="phuongthao.nguyen@example.vn")
REPRESENTATIVE = Person(full_name="Trần Văn Đức", id_number="001085004321",
                        address="Số 3 phố Lò Sũ, phường Hoàn Kiếm, Thành phố Hà Nội",
                        phone="0987 654 321")
PROCEDURE = "Chứng thực bản sao từ bản chính giấy tờ, văn bản"


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LOCAL_TZ)


def receipt() -> Receipt:
    return Receipt(
        office=OFFICE, dossier_code=CODE, applicant=APPLICANT, representative=REPRESENTATIVE,
        authorisation="Giấy ủy quyền số 125/2026/UQ ngày 20/11/2026",
        request=PROCEDURE,
        documents=("Bản chính Giấy khai sinh (05 trang)",
                   "Bản chính Bằng tốt nghiệp trung học phổ thông",
                   "Căn cước của người yêu cầu chứng thực (xuất trình)"),
        processing_time="02 ngày làm việc", received_at=at(23, 10, 5),
        appointment_at=at(25, 17, 0), result_place="Quầy số 3, Trung tâm Phục vụ hành chính "
        "công phường Hoàn Kiếm, số 126 phố Hàng Trống", sets=1, tracking_volume=1,
        tracking_number=128, fee=14000, fee_paid=True, receiving_officer="Lê Thị Hằng")


def supplement() -> SupplementRequest:
    return SupplementRequest(
        office=OFFICE, applicant=APPLICANT, request="Cấp Giấy xác nhận tình trạng hôn nhân",
        items=(("Bản sao Giấy chứng nhận kết hôn trước đây (nếu đã ly hôn thì nộp bản sao "
                "bản án, quyết định ly hôn đã có hiệu lực pháp luật)"),
               "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân có đủ chữ ký của người yêu cầu"),
        reason="Người yêu cầu đã từng đăng ký kết hôn; hồ sơ chưa có giấy tờ chứng minh tình "
               "trạng hôn nhân hiện tại.",
        contact="bà Lê Thị Hằng, công chức Tư pháp - Hộ tịch, số điện thoại 024 3825 1234",
        guiding_officer="Lê Thị Hằng", issued_on=date(2026, 11, 23), dossier_code=CODE,
        number="15")


def refusal() -> Refusal:
    return Refusal(
        office=OFFICE, applicant=APPLICANT, request="Đăng ký khai tử",
        reasons=(("Người chết có nơi cư trú cuối cùng tại xã Đông Anh; việc đăng ký khai tử "
                 "thuộc thẩm quyền của Ủy ban nhân dân xã Đông Anh."),
                 "Hồ sơ không có Giấy báo tử hoặc giấy tờ thay Giấy báo tử."),
        issued_on=date(2026, 11, 23), receiving_officer="Lê Thị Hằng", number="03")


def apology() -> ApologyExtension:
    return ApologyExtension(
        office=OFFICE, applicant=APPLICANT, dossier_code=CODE,
        request="Đăng ký nhận cha, mẹ, con", received_at=at(16, 9, 30),
        old_appointment=at(19, 17), new_appointment=at(26, 17),
        reason="Cần xác minh thêm tại Ủy ban nhân dân xã Bát Tràng nơi người con đăng ký khai "
               "sinh.", issued_on=date(2026, 11, 18),
        processing_body="Ủy ban nhân dân phường Hoàn Kiếm", signer_title="Chủ tịch",
        signer_name="Phạm Quốc Khánh", number="02")


def stop() -> StopNotice:
    return StopNotice(
        office=OFFICE, applicant=APPLICANT, dossier_code=CODE,
        request="Đăng ký thành lập hộ kinh doanh", received_at=at(16, 14, 10),
        stop_requested_at=at(18, 8, 45),
        reason="Hộ kinh doanh thay đổi địa điểm, người yêu cầu sẽ nộp hồ sơ mới.",
        stage="Công chức chuyên môn đang thẩm định hồ sơ", issued_on=date(2026, 11, 18),
        fee_amount=100000, fee_paid=True,
        fee_settlement="Lệ phí được hoàn trả tại Quầy số 3 khi Ông/Bà nhận lại hồ sơ.",
        signer_title="Giám đốc", signer_name="Đỗ Minh Tuấn")


def control_slip() -> ControlSlip:
    due = at(25, 17)
    rows = (
        HandOverRow("Người nộp hồ sơ", "Trung tâm Phục vụ hành chính công", at(23, 10, 5), due),
        HandOverRow("Trung tâm Phục vụ hành chính công", "Công chức Tư pháp - Hộ tịch",
                    at(23, 14, 30), due, note="Chuyển bản điện tử và bản giấy"),
        HandOverRow("Công chức Tư pháp - Hộ tịch", "Lãnh đạo Ủy ban nhân dân phường",
                    at(25, 9, 0), due),
        HandOverRow("Lãnh đạo Ủy ban nhân dân phường", "Trung tâm Phục vụ hành chính công",
                    at(25, 16, 0), due, note="Đã ký kết quả"),
        HandOverRow("Trung tâm Phục vụ hành chính công", "Người nộp hồ sơ", at(26, 8, 30),
                    due, result=DeadlineResult.AFTER, note="Trả tại quầy"),
    )
    return ControlSlip(
        office=OFFICE, dossier_code=CODE, applicant_name=APPLICANT.full_name, request=PROCEDURE,
        processing_body="Ủy ban nhân dân phường Hoàn Kiếm",
        cooperating_bodies=("Công an phường Hoàn Kiếm",), received_at=at(23, 10, 5),
        appointment_at=due, rows=rows, issued_on=date(2026, 11, 23), number="128")


NAMES = ("Nguyễn Văn An", "Trần Thị Bích Ngọc", "Lê Hoàng Đức", "Phạm Thị Ánh Tuyết",
         "Hoàng Văn Thắng", "Vũ Thị Hằng Nga", "Đặng Quốc Hưng", "Bùi Thị Ngọc Ánh",
         "Đỗ Văn Lực", "Ngô Thị Kiều Oanh", "Dương Văn Sơn", "Lý Thị Mỹ Ẩn")
STREETS = ("phố Hàng Bạc", "phố Hàng Đào", "phố Lò Sũ", "phố Tràng Tiền", "phố Hàng Bồ",
           "ngõ Tạm Thương", "phố Đinh Tiên Hoàng")
PROCEDURES = ("Đăng ký khai sinh", "Đăng ký kết hôn", "Cấp Giấy xác nhận tình trạng hôn nhân",
              "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc",
              "Cấp bản sao trích lục hộ tịch")


def tracking_book(rows: int = 45) -> TrackingBook:
    out = []
    for i in range(rows):
        received = at(2 + i * 27 // max(rows, 1), 8 + i % 8, (i * 7) % 60)
        appointment = (received + timedelta(days=3)).replace(hour=17, minute=0)
        returned = appointment.replace(hour=9 + i % 6) if i % 4 else None
        out.append(TrackingRow(
            number=i + 1, dossier_code=f"000.00.01.H29-{received:%y%m%d}-1{i + 1:03d}",
            procedure=PROCEDURES[i % len(PROCEDURES)], applicant=NAMES[i % len(NAMES)],
            address=f"Số {i + 3} {STREETS[i % len(STREETS)]}, phường Hoàn Kiếm",
            phone=f"09{i:02d} 123 456", processing_body="Công chức Tư pháp - Hộ tịch",
            received_at=received, appointment_at=appointment, returned_at=returned,
            result_method="Tại quầy" if i % 3 else "Bưu chính công ích"))
    return TrackingBook(office=OFFICE, field_name="Hộ tịch", date_from=date(2026, 11, 1),
                        date_to=date(2026, 11, 30), rows=tuple(out), issued_on=date(2026, 12, 1),
                        volume=1, year=2026)


@cache
def _bundled_book_kinds() -> dict[str, dict[str, Any]]:
    path = resource_path("catalogue", "catalogue-2026.1.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    return {kind["code"]: kind for kind in data["book_kinds"]}


def sample_layout(kind_code: str) -> BookLayout:
    """The printed columns of a bundled book kind, read from its schema in the catalogue file
    (the register builds the same from the parsed catalogue: desktop.printing.book_layout)."""
    kind = _bundled_book_kinds()[kind_code]
    fields = kind["fields"]
    return BookLayout(title=kind["name"], columns=tuple(
        BookColumn(heading=col["heading"], width=col["width"], kind=col.get("kind", "text"),
                   keys=tuple((f.get("print_label", f["label_vi"]), f["key"])
                              for f in fields if f["column"] == col["id"]))
        for col in kind["columns"]))


def birth_entry(n: int, day: date) -> BookEntry:
    child = NAMES[n % len(NAMES)].split()
    return BookEntry.of(n, day, {
        "ho_ten": " ".join(["Nguyễn", *child[1:]]), "gioi_tinh": "Nam" if n % 2 else "Nữ",
        "ngay_sinh": date(2026, 10, 1 + n % 28), "noi_sinh": "Bệnh viện Phụ sản Hà Nội",
        "que_quan": "Xã Đông Anh, Thành phố Hà Nội", "dan_toc": "Kinh",
        "quoc_tich": "Việt Nam", "so_dinh_danh": f"00120{n:07d}",
        "ho_ten_me": "Trần Thị Bích Ngọc", "nam_sinh_me": 1995, "dan_toc_me": "Kinh",
        "quoc_tich_me": "Việt Nam", "noi_cu_tru_me": f"Số {n} {STREETS[n % len(STREETS)]}",
        "ho_ten_cha": "Nguyễn Văn Thắng", "nam_sinh_cha": 1992, "dan_toc_cha": "Kinh",
        "quoc_tich_cha": "Việt Nam", "noi_cu_tru_cha": f"Số {n} {STREETS[n % len(STREETS)]}",
        "nguoi_di_khai": "Nguyễn Văn Thắng", "quan_he": "Cha",
        "giay_to_nguoi_di_khai": "CCCD 001092012345",
    }, void_reason="Ghi nhầm ngày sinh" if n == 3 else "",
        corrects_number=3 if n == 4 else None,
        correction_reason="Ghi lại ngày sinh đúng" if n == 4 else "")


def birth_book(entries: int = 23, closed: bool = True) -> CivilStatusBook:
    first = date(2026, 1, 5)
    items = tuple(birth_entry(n, first + timedelta(days=n * 300 // max(entries, 1)))
                  for n in range(1, entries + 1))
    closing = BookClosing(closed_on=date(2026, 12, 31), total_pages=-(-entries // 10),
                          total_entries=entries, voided=1, first_number=1,
                          last_number=entries) if closed else None
    return CivilStatusBook(office=OFFICE, kind_code="KS", kind_name="Sổ đăng ký khai sinh",
                           year=2026, volume=1, entries=items, layout=sample_layout("KS"),
                           opened_on=first, closing=closing, signer_name="Phạm Quốc Khánh")


def certification_book(symbol: str = "SCT/BS", entries: int = 14) -> CertificationBook:
    docs = ("Giấy khai sinh", "Bằng tốt nghiệp đại học", "Sổ hộ khẩu",
            ("Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền "
            "với đất"), "Học bạ trung học phổ thông")
    kind = {"SCT/BS": ("SCT_BS", "Sổ chứng thực bản sao từ bản chính"),
            "SCT/CK,ĐC": ("SCT_CK_DC", "Sổ chứng thực chữ ký, chứng thực điểm chỉ"),
            "SCT/CKND": ("SCT_CKND", "Sổ chứng thực chữ ký người dịch"),
            "SCT/HĐ,GD": ("SCT_HD_GD", "Sổ chứng thực hợp đồng, giao dịch")}[symbol]
    layout = sample_layout(kind[0])
    values: dict[str, Any] = {
        "nguoi_yeu_cau": "", "giay_to_tuy_than": "", "giay_to": "", "ngon_ngu": "Tiếng Anh",
        "hinh_thuc": "", "tai_san": "", "so_ban": 0, "so_trang": 0,
        "cac_ben": "Bên tặng cho: Lê Văn Hùng; bên được tặng cho: Lê Thị Mai",
        "nguoi_ky_chung_thuc": "Phạm Quốc Khánh, Chủ tịch", "le_phi": 0}
    shown = layout.shown_keys

    def entry(n: int) -> BookEntry:
        data = {**values, "nguoi_yeu_cau": NAMES[n % len(NAMES)],
                "giay_to_tuy_than": f"CCCD 0010{n:08d}", "giay_to": docs[n % len(docs)],
                "hinh_thuc": "Ký" if n % 2 else "Điểm chỉ",
                "tai_san": f"Xe mô tô biển số 29-B1 {n:03d}.45", "so_ban": 1 + n % 3,
                "so_trang": 1 + n % 5, "le_phi": 2000 * (1 + n % 3)}
        if symbol == "SCT/HĐ,GD":
            data["giay_to"] = "Hợp đồng tặng cho xe mô tô"
        return BookEntry.of(n, date(2026, 11, 2 + n % 26),
                            {k: v for k, v in data.items() if k in shown})

    items = tuple(entry(n) for n in range(1, entries + 1))
    return CertificationBook(office=OFFICE, kind_code=kind[0], kind_name=kind[1], year=2026,
                             volume=1, entries=items, layout=layout, opened_on=date(2026, 1, 2),
                             symbol=symbol, month=11, signer_name="Phạm Quốc Khánh")


def all_samples() -> dict[str, object]:
    """Every form and book, keyed by a file-name stem."""
    return {
        "01-giay-tiep-nhan": receipt(), "02-phieu-bo-sung": supplement(),
        "03-phieu-tu-choi": refusal(), "04-phieu-xin-loi": apology(),
        "05-thong-bao-dung": stop(), "06-phieu-kiem-soat": control_slip(),
        "07-so-theo-doi": tracking_book(), "so-khai-sinh": birth_book(),
        "so-sct-bs": certification_book("SCT/BS"), "so-sct-ck-dc": certification_book("SCT/CK,ĐC"),
        "so-sct-cknd": certification_book("SCT/CKND"),
        "so-sct-hd-gd": certification_book("SCT/HĐ,GD"),
    }
