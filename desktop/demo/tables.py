"""The demo office, its period, and the weights and texts of the stories its dossiers follow."""

from __future__ import annotations

from datetime import date, datetime

from desktop.register.errors import RegisterError
from sync.lifecycle import LOCAL_TZ

# --- the office and the period -------------------------------------------------------------

PROVINCE_CODE = 1  # Thành phố Hà Nội
COMMUNE_CODE = 70  # Phường Hoàn Kiếm
AGENCY_ID = "000.00.01.H29"
OFFICE_NAME = "Trung tâm Phục vụ hành chính công phường Hoàn Kiếm"

DEMO_START = datetime(2024, 1, 1, 0, 0, tzinfo=LOCAL_TZ)
DEMO_END = datetime(2026, 11, 20, 23, 59, tzinfo=LOCAL_TZ)
# The bundled catalogue takes effect on 1 July 2025 (Decree 118/2025). Dossiers received
# earlier need a version in force on their day: fill_demo installs a copy of the oldest one,
# clearly labelled as demo history, with this version and effective date.
DEMO_HISTORY_VERSION = "2024.0-demo"

# Lunar New Year (Tết) periods with the weeks around them: 10/02/2024, 29/01/2025, 17/02/2026.
TET_WINDOWS = {
    "tet2024": (date(2024, 1, 29), date(2024, 2, 23)),
    "tet2025": (date(2025, 1, 15), date(2025, 2, 10)),
    "tet2026": (date(2026, 2, 2), date(2026, 3, 2)),
}
WINDOWS = {
    "y2024": (date(2024, 1, 2), date(2024, 12, 20)),
    "y2025": (date(2025, 1, 2), date(2025, 12, 20)),
    "y2026": (date(2026, 1, 5), date(2026, 10, 15)),
    "overdue": (date(2026, 9, 21), date(2026, 11, 5)),
    "recent": (date(2026, 10, 20), date(2026, 11, 12)),
    **TET_WINDOWS,
}

DEFAULT_ACTORS = ("tn.hoa", "tn.tuan", "tn.lan", "tp.quynh", "tp.duc", "tp.phuong")
BATCH_SIZE = 500
# Above this many dossiers, only a deterministic share gets lifecycle steps (each step is one
# fsync'ed transaction); the rest stay as received. See fill_demo.
FULL_LIFECYCLE_UP_TO = 50_000


class DemoDataError(RegisterError):
    """The generator produced data the register warned about: a bug of the generator."""


# --- the stories ---------------------------------------------------------------------------

# Stories a dossier can follow, with their weights for the random part of the data.
SCENARIOS = (
    ("standard", 62), ("late", 5), ("supplement", 7), ("second_supplement", 1),
    ("financial", 3), ("rescheduled", 2), ("transfer", 3), ("refused", 2.5),
    ("withdrawn", 1.5), ("stopped", 1), ("processed_waiting", 2), ("overdue_open", 1.5),
    ("supplement_pending", 1), ("financial_pending", 0.5), ("transfer_open", 0.5),
)
OPEN_SCENARIOS = {"overdue_open", "supplement_pending", "financial_pending", "transfer_open"}
# How often each procedure is filed at a ward desk (certifications dominate).
POPULARITY = {
    "certified_copy": 30, "signature_certification": 12, "birth_registration": 10,
    "marital_status_confirmation": 9, "civil_status_extract_copy": 7,
    "marriage_registration": 6, "death_registration": 5, "contract_certification": 5,
    "household_business_registration": 4, "monthly_social_allowance": 3,
    "civil_status_change": 3, "parent_child_recognition": 1, "birth_reregistration": 1,
    "guardianship_registration": 0.5, "guardianship_termination": 0.3,
}
FINANCIAL_PROCEDURES = {"household_business_registration": 100_000,
                        "contract_certification": 50_000}
TRANSFER_AGENCIES = {
    "marital_status_confirmation": None,  # verification at the commune of former residence
    "birth_reregistration": None,  # verification where the birth was first registered
    "parent_child_recognition": None,
    "civil_status_change": None,
    "household_business_registration": "Chi cục Thuế khu vực I",
    "monthly_social_allowance": "Bảo hiểm xã hội thành phố Hà Nội",
}
# Liên thông after a birth or death registration: residence and health insurance.
AFTER_RESULT_AGENCIES = {
    "birth_registration": (("Công an phường Hoàn Kiếm", "Liên thông đăng ký thường trú cho trẻ"),
                           ("Bảo hiểm xã hội thành phố Hà Nội",
                             "Liên thông cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi")),
    "death_registration": (("Công an phường Hoàn Kiếm", "Liên thông xóa đăng ký thường trú"),
                           ("Bảo hiểm xã hội thành phố Hà Nội",
                             "Liên thông giải quyết trợ cấp mai táng")),
}
NO_ONLINE = {"signature_certification", "contract_certification"}
ELECTRONIC_RESULT = {"civil_status_extract_copy", "certified_copy", "marital_status_confirmation",
                     "household_business_registration"}
# Share of paper dossiers scanned into the electronic dossier on receipt, and of dossiers
# that reuse already-digitised data (of the digitised ones), by year of receipt: digitisation
# at the desk grows from 2024 to 2026. Online dossiers arrive digitised.
DIGITISED_SHARE = {2024: 0.3, 2025: 0.6, 2026: 0.88}
REUSED_SHARE = {2024: 0.08, 2025: 0.2, 2026: 0.4}
# Fees the provincial council sets (the catalogue leaves them blank). Illustrative amounts for
# demo data, not Hà Nội's published schedule.
PROVINCE_FEES = {
    "birth_registration": 8_000, "death_registration": 8_000,
    "marital_status_confirmation": 15_000, "parent_child_recognition": 15_000,
    "guardianship_termination": 15_000, "civil_status_change": 15_000,
    "birth_reregistration": 8_000, "household_business_registration": 100_000,
}
SPECIALIST_UNITS = {
    "HO_TICH": "Công chức Tư pháp - Hộ tịch",
    "CHUNG_THUC": "Công chức Tư pháp - Hộ tịch",
    "BAO_TRO_XA_HOI": "Phòng Văn hóa - Xã hội",
    "HO_KINH_DOANH": "Phòng Kinh tế, Hạ tầng và Đô thị",
}
RATINGS = (("very_satisfied", 45), ("satisfied", 40), ("neutral", 12), ("dissatisfied", 3))

REFUSAL_REASONS = {
    "CHUNG_THUC": (
        ("Bản chính giấy tờ bị tẩy xóa, sửa chữa, thêm, bớt nội dung không hợp lệ (Điều 22 "
         "Nghị định số 23/2015/NĐ-CP)."),
        ("Bản chính giấy tờ do cơ quan có thẩm quyền của nước ngoài cấp chưa được hợp pháp hóa "
         "lãnh sự."),
        "Giấy tờ, văn bản có nội dung trái pháp luật, đạo đức xã hội.",
    ),
    "": (
        "Yêu cầu không thuộc thẩm quyền giải quyết của Ủy ban nhân dân phường Hoàn Kiếm.",
        "Việc hộ tịch đã được đăng ký tại cơ quan khác; không tiếp nhận trùng.",
        "Người yêu cầu không xuất trình được giấy tờ tùy thân còn giá trị sử dụng.",
    ),
}
WITHDRAW_REASONS = (
    "Công dân đề nghị rút hồ sơ để hoàn thiện giấy tờ và nộp lại sau.",
    "Người yêu cầu không còn nhu cầu giải quyết.",
    "Nộp nhầm thủ tục, đề nghị rút hồ sơ để nộp lại đúng thủ tục.",
)
STOP_REASONS = (
    "Dừng giải quyết theo đơn đề nghị của người yêu cầu.",
    "Người yêu cầu đề nghị dừng để bổ sung chứng cứ, sẽ nộp hồ sơ mới.",
)
SUPPLEMENT_REASONS = (
    ("Giấy tờ nộp là bản chụp không có chứng thực; đề nghị bổ sung bản sao có chứng thực hoặc "
     "xuất trình bản chính để đối chiếu."),
    "Thông tin trên tờ khai không thống nhất với giấy tờ tùy thân; đề nghị kê khai lại.",
    "Thiếu chữ ký của người yêu cầu trên tờ khai.",
)
SECOND_SUPPLEMENT_REASONS = (
    ("Giấy tờ bổ sung lần đầu chưa thể hiện rõ thông tin cần xác minh; cần văn bản xác nhận "
     "của cơ quan có thẩm quyền."),
    ("Kết quả xác minh tại nơi cư trú trước đây phát sinh thông tin mới cần người yêu cầu làm "
     "rõ."),
)
RESCHEDULE_REASONS = (
    ("Cần xác minh thông tin cư trú của người yêu cầu tại nơi cư trú trước đây. Ủy ban nhân dân "
     "phường xin lỗi vì sự chậm trễ và hẹn lại ngày trả kết quả."),
    ("Chờ kết quả xác minh của cơ quan liên quan. Bộ phận một cửa xin lỗi ông/bà và hẹn lại "
     "thời gian trả kết quả."),
)
COMPLAINTS = (
    "Công dân phản ánh thời gian chờ tại quầy tiếp nhận lâu.",
    "Đề nghị niêm yết rõ mức lệ phí của từng thủ tục tại Bộ phận một cửa.",
    "Phản ánh việc hướng dẫn kê khai tờ khai chưa rõ ràng.",
)
COPY_DOCUMENTS = (
    "Giấy khai sinh", "Căn cước", "Bằng tốt nghiệp trung học phổ thông",
    "Bằng tốt nghiệp đại học", "Bảng điểm đại học", "Học bạ trung học phổ thông",
    "Giấy chứng nhận kết hôn",
    "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất",
    "Giấy chứng nhận đăng ký xe", "Giấy phép lái xe", "Hộ chiếu",
    "Giấy xác nhận thông tin về cư trú", "Quyết định nghỉ hưu", "Sổ bảo hiểm xã hội",
)
SIGNED_DOCUMENTS = (
    "Giấy ủy quyền", "Bản cam kết", "Đơn đề nghị xác nhận", "Giấy cam đoan",
    "Văn bản thỏa thuận", "Đơn xin việc", "Bản tự khai",
)
CONTRACTS = (
    ("Hợp đồng mua bán xe mô tô", "xe"), ("Hợp đồng tặng cho xe mô tô", "xe"),
    ("Hợp đồng mua bán xe ô tô", "oto"), ("Hợp đồng ủy quyền quản lý, sử dụng xe ô tô", "oto"),
    ("Hợp đồng thuê nhà ở", "nha"), ("Hợp đồng cho mượn nhà ở", "nha"),
)
MARITAL_PURPOSES = (
    "Để bổ sung hồ sơ vay vốn ngân hàng", "Để làm thủ tục chuyển nhượng quyền sử dụng đất",
    "Để bổ sung hồ sơ xin việc", "Để làm thủ tục mua bán nhà ở",
)
CAUSES_OF_DEATH = ("Bệnh già", "Bệnh lý tim mạch", "Bệnh hiểm nghèo", "Tai biến mạch máu não")

ONLINE_HOURS = (1, 0.5, 0.3, 0.2, 0.2, 0.5, 2, 4, 7, 8, 8, 6, 4, 5, 7, 7, 6, 5, 4, 5, 6, 5, 3, 2)


def fmt_date(d: date) -> str:
    """A date as the books and the forms write it: dd/mm/yyyy."""
    return d.strftime("%d/%m/%Y")

