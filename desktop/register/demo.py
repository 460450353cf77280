"""Deterministic synthetic demo data (`motcua demo-data N`) through the public register API.

The generator simulates a commune one-stop office (Phường Hoàn Kiếm, Hà Nội) from 1 January 2024
to 20 November 2026: applicants with Vietnamese names, 12-digit identification numbers that
agree with their birth date and sex, mobile numbers and two-level addresses file every procedure
of the catalogue through every channel, and their dossiers go through the lifecycle — hand-overs,
transfers to other agencies, supplements, payment requests, processing, return at the desk or
by post, refusal, withdrawal, stop, apology and extension, rating; more and more of them are
digitised on receipt, some reusing already-digitised data. Civil-status results are
written in their books and certifications get one number per certified document.

Everything is planned first, from ``random.Random(seed)`` and the register's own working-day
calendar, and then replayed in time order: receipts in batches (``Register.receive_many``), the
later steps one by one through the public lifecycle methods. The same seed gives the same names,
procedures, dates and states; only uuids and the real-time HLCs differ between runs. A step the
register refuses is a bug of this generator and is never caught.
"""

from __future__ import annotations

import dataclasses
import heapq
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, cast

from desktop.register.calendar import DueUnit
from desktop.register.catalogue import Procedure
from desktop.register.errors import RegisterError
from desktop.register.lifecycle import LOCAL_TZ
from desktop.register.office import communes, province
from desktop.register.service import Register
from desktop.register.textnorm import fold
from desktop.register.views import ApplicantInput, DossierInput

__all__ = [
    "DEFAULT_ACTORS", "DEMO_END", "DEMO_START", "DemoDataError", "DemoGenerator", "fill_demo",
    "prepare_register",
]

# --- the office and the period ---------------------------------------------------------------

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


# --- people ------------------------------------------------------------------------------------

FAMILY = (
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 4.5), ("Phan", 4.5),
    ("Vũ", 3.9), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3),
    ("Dương", 1), ("Huỳnh", 0.8), ("Võ", 0.8), ("Đào", 0.8), ("Đoàn", 0.6), ("Trịnh", 0.6),
    ("Đinh", 0.6), ("Lý", 0.5), ("Trương", 0.5), ("Hà", 0.4), ("Lương", 0.4), ("Lâm", 0.3),
    ("Mai", 0.3), ("Tạ", 0.3), ("Phùng", 0.3), ("Lưu", 0.3), ("Cao", 0.3), ("Kiều", 0.2),
    ("Chu", 0.2), ("Tô", 0.2), ("Triệu", 0.2), ("Vương", 0.2), ("Nghiêm", 0.1), ("Quách", 0.1),
    ("Khúc", 0.05), ("Âu", 0.05), ("Ông", 0.05),
)
MIDDLE = {
    "Nam": (("Văn", 30), ("Đức", 10), ("Minh", 9), ("Hữu", 7), ("Quang", 6), ("Đình", 4),
            ("Xuân", 4), ("Thanh", 4), ("Công", 4), ("Quốc", 3), ("Tiến", 3), ("Duy", 3),
            ("Ngọc", 3), ("Hoàng", 3), ("Anh", 3), ("Trọng", 3), ("Mạnh", 2), ("Bảo", 2),
            ("Gia", 2), ("Thế", 2), ("Việt", 2), ("Hải", 2), ("Trung", 2)),
    "Nữ": (("Thị", 40), ("Ngọc", 8), ("Thu", 6), ("Thanh", 6), ("Minh", 4), ("Phương", 4),
           ("Thùy", 4), ("Hồng", 3), ("Kim", 3), ("Bích", 2), ("Mai", 2), ("Hoài", 2),
           ("Diệu", 2), ("Khánh", 2), ("Bảo", 2), ("Quỳnh", 2), ("Hải", 2), ("Tuyết", 1),
           ("Lan", 1), ("Ánh", 1), ("Mỹ", 1)),
}
GIVEN = {
    "Nam": ("Dũng", "Tuấn", "Đạt", "Khánh", "Hùng", "Cường", "Minh", "Nam", "Long", "Phúc",
            "Quân", "Thắng", "Trung", "Hiếu", "Huy", "Sơn", "Hải", "Tùng", "Bình", "Đức",
            "Việt", "Lộc", "Thịnh", "Khoa", "Vĩnh", "Ưng", "Quý", "Tiến", "Kiên", "Hưng",
            "Duy", "Thành", "Phong", "Vũ", "Toàn", "Nghĩa", "Lâm", "Khải", "Đông", "Chiến",
            "Hoàng", "Tâm", "Thái", "Bảo", "Anh", "Đăng", "Nhân", "Quyết", "Hiển", "Giang",
            "Thuận", "Khôi", "Khang", "An", "Lực", "Ngọc", "Trường", "Hậu", "Định", "Ước"),
    "Nữ": ("Hằng", "Phương", "Thảo", "Quỳnh", "Ánh", "Yến", "Lan", "Hương", "Trang", "Linh",
           "Ngọc", "Mai", "Hoa", "Nhung", "Thủy", "Hà", "Hạnh", "Nga", "Huyền", "Loan", "Vy",
           "Uyên", "Trâm", "Oanh", "Thư", "Giang", "Diệp", "Nhi", "Ly", "Hiền", "Dung", "My",
           "Châu", "Ngân", "Tuyết", "Thúy", "Liên", "Hồng", "Vân", "An", "Chi", "Anh", "Khuê",
           "Tâm", "Trinh", "Diễm", "Nhàn", "Xuân", "Ước", "Ưng"),
}
# A few names of ethnic minorities (Hmông, Thái, Ê Đê, Gia Rai), with their provinces of birth
# registration: they exercise apostrophes, "Y"/"H'" prefixes and rarer letters.
MINORITY: dict[str, dict[str, Any]] = {
    "hmong": {"family": ("Giàng", "Sùng", "Vàng", "Lù", "Hờ", "Thào", "Mua"),
              "middle": {"Nam": ("A", "Seo", "Văn"), "Nữ": ("Thị",)},
              "given": {"Nam": ("Páo", "Dình", "Chứ", "Sử", "Pó", "Chía", "Lử"),
                        "Nữ": ("Mỷ", "Dợ", "Mai", "Súa", "Pà", "Dung")},
              "ppp": ("002", "010", "014", "011")},
    "thai": {"family": ("Lò", "Cầm", "Lường", "Quàng", "Tòng", "Vi"),
             "middle": {"Nam": ("Văn",), "Nữ": ("Thị",)},
             "given": {"Nam": ("Pọm", "Ún", "Xôm", "Piếng", "Khăm", "Inh"),
                       "Nữ": ("Ỏn", "Ban", "Xuân", "Éng", "Hom", "Kim")},
             "ppp": ("014", "011", "040")},
}
EDE: dict[str, Any] = {"family": ("Niê", "Êban", "Mlô", "Byă", "Ayŭn", "Kpă"),
       "given": {"Nam": ("Sơn", "Ngông", "Khem", "Bhin", "Tlang"),
                 "Nữ": ("Linh", "Lan", "Ngơn", "Bia", "Yơn")}}
JRAI: dict[str, Any] = {"family": ("Ksor", "Siu", "Rmah", "Rơ Châm", "Kpă"),
        "given": {"Nam": ("Y Bơi", "Blik", "Thuih", "Nguyên"),
                  "Nữ": ("H'Nhi", "H'Lan", "H'Hiu", "Plin")}}

# First three digits of an identification number: the province of birth registration (the 63
# provinces before the 2025 merger), weighted for people living in Hà Nội.
PROVINCE_OF_BIRTH = (
    ("001", 55), ("034", 5), ("036", 5), ("038", 4), ("040", 4), ("030", 3), ("033", 3),
    ("035", 2), ("031", 2), ("042", 2), ("037", 2), ("027", 2), ("025", 2), ("024", 1.5),
    ("026", 1.5), ("019", 1), ("022", 1), ("017", 1), ("079", 1), ("048", 0.5), ("046", 0.5),
    ("044", 0.5), ("020", 0.3), ("092", 0.2),
)
# Mobile prefixes of Viettel, VinaPhone, MobiFone, Vietnamobile and Gmobile (10-digit numbers).
MOBILE_PREFIXES = (
    ("096", 6), ("097", 6), ("098", 6), ("086", 3), ("032", 2), ("033", 2), ("034", 2),
    ("035", 2), ("036", 2), ("037", 2), ("038", 2), ("039", 2), ("091", 4), ("094", 4),
    ("088", 2), ("081", 1), ("082", 1), ("083", 1), ("084", 1), ("085", 1), ("090", 4),
    ("093", 3), ("089", 1), ("070", 1), ("076", 1), ("077", 1), ("078", 1), ("079", 1),
    ("092", 1), ("056", 0.5), ("058", 0.5), ("052", 0.3), ("059", 0.3), ("099", 0.3),
)
# Streets and lanes of the old Hoàn Kiếm district, now mostly Phường Hoàn Kiếm.
HOAN_KIEM_STREETS = (
    "Hàng Bạc", "Hàng Bài", "Hàng Bè", "Hàng Bồ", "Hàng Bông", "Hàng Buồm", "Hàng Chiếu",
    "Hàng Cót", "Hàng Đào", "Hàng Điếu", "Hàng Gà", "Hàng Gai", "Hàng Giấy", "Hàng Hòm",
    "Hàng Khay", "Hàng Lược", "Hàng Mã", "Hàng Mắm", "Hàng Muối", "Hàng Ngang", "Hàng Nón",
    "Hàng Quạt", "Hàng Thiếc", "Hàng Trống", "Hàng Vải", "Hàng Đường", "Hàng Chĩnh", "Lò Sũ",
    "Mã Mây", "Tạ Hiện", "Đinh Liệt", "Đinh Tiên Hoàng", "Lê Thái Tổ", "Tràng Tiền",
    "Hai Bà Trưng", "Phan Chu Trinh", "Ngô Quyền", "Bà Triệu", "Lý Quốc Sư", "Nhà Chung",
    "Nhà Thờ", "Bảo Khánh", "Cầu Gỗ", "Nguyễn Hữu Huân", "Trần Hưng Đạo", "Lê Lai",
    "Ấu Triệu", "Chân Cầm", "Hàng Hành", "Tông Đản", "Lý Đạo Thành", "Hàng Phèn",
)
HOAN_KIEM_LANES = ("ngõ Gạch", "ngõ Tạm Thương", "ngõ Huyện", "ngõ Trạm", "ngõ Hội Vũ",
                   "ngõ Cầm Chỉ", "ngõ Phất Lộc", "ngõ Bảo Khánh")
STREETS = (
    "Nguyễn Trãi", "Lê Lợi", "Trần Hưng Đạo", "Quang Trung", "Hùng Vương", "Lý Thường Kiệt",
    "Nguyễn Văn Cừ", "Trần Phú", "Lê Duẩn", "Nguyễn Chí Thanh", "Giải Phóng", "Kim Mã",
    "Đội Cấn", "Minh Khai", "Tây Sơn", "Xã Đàn", "Tôn Đức Thắng", "Phạm Văn Đồng",
    "Nguyễn Văn Linh", "Ngô Gia Tự", "Hoàng Quốc Việt", "Trường Chinh", "Lạc Long Quân",
)
HAMLETS = ("Thôn Đông", "Thôn Đoài", "Thôn Thượng", "Thôn Hạ", "Thôn Trung", "Thôn Bắc",
           "Thôn Nam", "Thôn Chùa", "Thôn Đình", "Thôn Mới")
HOSPITALS = ("Bệnh viện Phụ sản Hà Nội", "Bệnh viện Phụ sản Trung ương", "Bệnh viện Bạch Mai",
             "Bệnh viện Việt Pháp Hà Nội", "Bệnh viện Đa khoa Xanh Pôn",
             "Bệnh viện Đa khoa Hồng Ngọc", "Bệnh viện Đa khoa quốc tế Thu Cúc")
EMAIL_DOMAINS = ("gmail.com", "gmail.com", "gmail.com", "yahoo.com", "outlook.com")


def _weighted(pairs: Sequence[tuple[Any, float]]) -> tuple[list[Any], list[float]]:
    values = [v for v, _ in pairs]
    cum, total = [], 0.0
    for _, w in pairs:
        total += w
        cum.append(total)
    return values, cum


@dataclass(frozen=True)
class Person:
    """A synthetic person: everything an applicant form and a book entry need."""

    full_name: str
    sex: str  # "Nam" | "Nữ"
    birth_date: date
    id_number: str
    phone: str | None
    address: str
    email: str | None = None

    def applicant(self) -> ApplicantInput:
        return ApplicantInput(full_name=self.full_name, id_number=self.id_number,
                              birth_date=self.birth_date, sex=self.sex, address=self.address,
                              phone=self.phone, email=self.email)

    @property
    def family(self) -> str:
        return self.full_name.split()[0]


class People:
    """Names, identification numbers, phones and addresses from one random stream."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._family = _weighted(FAMILY)
        self._middle = {s: _weighted(MIDDLE[s]) for s in MIDDLE}
        self._ppp = _weighted(PROVINCE_OF_BIRTH)
        self._mobile = _weighted(MOBILE_PREFIXES)
        self._hanoi = [c for c in communes(PROVINCE_CODE) if c.code != COMMUNE_CODE]
        self._elsewhere = [c for c in communes() if c.province_code != PROVINCE_CODE]
        self._provinces: dict[int, str] = {}
        self._hoan_kiem = f"Phường Hoàn Kiếm, {self._province_name(PROVINCE_CODE)}"

    def pick(self, table: tuple[list[Any], list[float]]) -> Any:
        values, cum = table
        return self.rng.choices(values, cum_weights=cum)[0]

    def _province_name(self, code: int) -> str:
        if code not in self._provinces:
            name = province(code).name
            self._provinces[code] = name if name.startswith("Thành phố") else f"tỉnh {name}"
        return self._provinces[code]

    # --- names

    def name(self, sex: str, family: str | None = None) -> str:
        rng = self.rng
        family = family or self.pick(self._family)
        middle = self.pick(self._middle[sex])
        given = rng.choice(GIVEN[sex])
        if rng.random() < 0.12:  # "Nguyễn Thị Ngọc Ánh", "Trần Minh Đức Anh"
            second = self.pick(self._middle[sex])
            if second != middle and second != given:
                middle = f"{middle} {second}"
        if middle.split()[-1] == given:
            given = rng.choice(GIVEN[sex])
        return f"{family} {middle} {given}"

    def minority_name(self, sex: str) -> tuple[str, str]:
        """A name and a province of birth registration for an ethnic-minority person."""
        rng = self.rng
        kind = rng.choice(("hmong", "thai", "ede", "jrai"))
        if kind == "ede":
            given = rng.choice(EDE["given"][sex])
            prefix = "Y" if sex == "Nam" else "H'"
            sep = " " if sex == "Nam" else ""
            return f"{prefix}{sep}{given} {rng.choice(EDE['family'])}", "066"
        if kind == "jrai":
            return f"{rng.choice(JRAI['family'])} {rng.choice(JRAI['given'][sex])}", "064"
        table = MINORITY[kind]
        name = (f"{rng.choice(table['family'])} {rng.choice(table['middle'][sex])} "
                f"{rng.choice(table['given'][sex])}")
        return name, rng.choice(table["ppp"])

    # --- numbers

    def id_number(self, birth: date, sex: str, ppp: str | None = None) -> str:
        """PPP G YY NNNNNN: province of birth registration, century and sex, year, serial."""
        ppp = ppp or self.pick(self._ppp)
        century = (birth.year // 100 - 19) * 2  # 1900s: 0/1, 2000s: 2/3
        g = century + (0 if sex == "Nam" else 1)
        return f"{ppp}{g}{birth.year % 100:02d}{self.rng.randrange(1_000_000):06d}"

    def phone(self) -> str:
        return f"{self.pick(self._mobile)}{self.rng.randrange(10_000_000):07d}"

    def email(self, name: str, birth: date) -> str:
        words = fold(name).split()
        local = words[-1] + "".join(w[0] for w in words[:-1])
        return f"{local}{birth.year % 100:02d}@{self.rng.choice(EMAIL_DOMAINS)}"

    # --- addresses (two levels since 1 July 2025: commune → province)

    def address(self, where: str | None = None) -> str:
        rng = self.rng
        where = where or rng.choices(("here", "hanoi", "elsewhere"), (75, 15, 10))[0]
        if where == "here":
            street = rng.choice(HOAN_KIEM_STREETS)
            form = rng.random()
            if form < 0.6:
                line = f"Số {rng.randint(1, 120)} phố {street}"
            elif form < 0.85:
                line = f"Số {rng.randint(1, 60)} ngõ {rng.randint(2, 80)} phố {street}"
            else:
                line = f"Số {rng.randint(1, 40)} {rng.choice(HOAN_KIEM_LANES)}"
            return f"{line}, {self._hoan_kiem}"
        commune = rng.choice(self._hanoi if where == "hanoi" else self._elsewhere)
        if commune.name.startswith("Phường"):
            if rng.random() < 0.8:
                line = f"Số {rng.randint(1, 300)} đường {rng.choice(STREETS)}"
            else:
                line = f"Tổ dân phố số {rng.randint(1, 30)}"
        else:
            line = rng.choice(HAMLETS) if rng.random() < 0.7 else f"Xóm {rng.randint(1, 15)}"
        return f"{line}, {commune.name}, {self._province_name(commune.province_code)}"

    def other_commune(self) -> str:
        c = self.rng.choice(self._hanoi if self.rng.random() < 0.6 else self._elsewhere)
        return f"Ủy ban nhân dân {c.name}, {self._province_name(c.province_code)}"

    # --- whole people

    def birth_date(self, on: date, age_lo: int, age_hi: int) -> date:
        start = date(max(1900, on.year - age_hi - 1), on.month, min(on.day, 28))
        end = date(on.year - age_lo, on.month, min(on.day, 28))
        return start + timedelta(days=self.rng.randrange(max(1, (end - start).days)))

    def person(self, on: date, *, sex: str | None = None, age: tuple[int, int] = (18, 80),
               family: str | None = None, where: str | None = None,
               email_rate: float = 0.0) -> Person:
        rng = self.rng
        sex = sex or rng.choice(("Nam", "Nữ"))
        birth = self.birth_date(on, *age)
        ppp = None
        if family is None and rng.random() < 0.004:
            name, ppp = self.minority_name(sex)
        else:
            name = self.name(sex, family)
        phone = self.phone() if rng.random() < 0.95 else None
        email = self.email(name, birth) if rng.random() < email_rate else None
        return Person(name, sex, birth, self.id_number(birth, sex, ppp), phone,
                      self.address(where), email)


# --- the plan --------------------------------------------------------------------------------

@dataclass(slots=True)
class Skeleton:
    """What is decided before anything else: when, which procedure, channel and story."""

    at: datetime  # receipt instant (aware, local)
    procedure: str
    channel: int
    scenario: str
    lifecycle: bool = True
    force_rate: bool = False


@dataclass(slots=True)
class Step:
    """One later lifecycle call: `Register.<method>(<dossier code>, *args, at=at, **kwargs)`."""

    at: datetime
    method: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Case:
    """A planned dossier: its input, its steps, and a slot for the code it is given."""

    skeleton: Skeleton
    inp: DossierInput
    steps: list[Step]
    code: str | None = None


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
        "Bản chính giấy tờ bị tẩy xóa, sửa chữa, thêm, bớt nội dung không hợp lệ (Điều 22 "
        "Nghị định số 23/2015/NĐ-CP).",
        "Bản chính giấy tờ do cơ quan có thẩm quyền của nước ngoài cấp chưa được hợp pháp hóa "
        "lãnh sự.",
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
    "Giấy tờ nộp là bản chụp không có chứng thực; đề nghị bổ sung bản sao có chứng thực hoặc "
    "xuất trình bản chính để đối chiếu.",
    "Thông tin trên tờ khai không thống nhất với giấy tờ tùy thân; đề nghị kê khai lại.",
    "Thiếu chữ ký của người yêu cầu trên tờ khai.",
)
SECOND_SUPPLEMENT_REASONS = (
    "Giấy tờ bổ sung lần đầu chưa thể hiện rõ thông tin cần xác minh; cần văn bản xác nhận "
    "của cơ quan có thẩm quyền.",
    "Kết quả xác minh tại nơi cư trú trước đây phát sinh thông tin mới cần người yêu cầu làm "
    "rõ.",
)
RESCHEDULE_REASONS = (
    "Cần xác minh thông tin cư trú của người yêu cầu tại nơi cư trú trước đây. Ủy ban nhân dân "
    "phường xin lỗi vì sự chậm trễ và hẹn lại ngày trả kết quả.",
    "Chờ kết quả xác minh của cơ quan liên quan. Bộ phận một cửa xin lỗi ông/bà và hẹn lại "
    "thời gian trả kết quả.",
)
COMPLAINTS = (
    "Công dân phản ánh thời gian chờ tại quầy tiếp nhận lâu.",
    "Đề nghị niêm yết rõ mức lệ phí của từng thủ tục tại Bộ phận một cửa.",
    "Phản ánh việc hướng dẫn kê khai tờ khai chưa rõ ràng.",
)
COPY_DOCUMENTS = (
    "Giấy khai sinh", "Căn cước", "Bằng tốt nghiệp trung học phổ thông",
    "Bằng tốt nghiệp đại học", "Bảng điểm đại học", "Học bạ trung học phổ thông",
    "Giấy chứng nhận kết hôn", "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài "
    "sản khác gắn liền với đất", "Giấy chứng nhận đăng ký xe", "Giấy phép lái xe", "Hộ chiếu",
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


# --- time inside office hours ----------------------------------------------------------------

class OfficeClock:
    """Instants inside office hours, from the register's own working-day calendar."""

    def __init__(self, reg: Register, rng: random.Random):
        self.cal = reg.calendar()
        self.rng = rng
        self.intervals = self.cal.hours.intervals()

    def segments(self, a: datetime, b: datetime) -> list[tuple[datetime, datetime]]:
        a, b = a.astimezone(LOCAL_TZ), b.astimezone(LOCAL_TZ)
        out, d = [], a.date()
        while d <= b.date():
            if self.cal.is_working_day(d):
                for start, end in self.intervals:
                    lo = max(a, datetime.combine(d, start, LOCAL_TZ))
                    hi = min(b, datetime.combine(d, end, LOCAL_TZ))
                    if (hi - lo).total_seconds() >= 120:
                        out.append((lo, hi))
            d += timedelta(days=1)
        return out

    def between(self, a: datetime, b: datetime) -> datetime | None:
        """A random office instant strictly inside (a, b), whole seconds; None if there is none."""
        segs = self.segments(a + timedelta(seconds=60), b - timedelta(seconds=1))
        total = sum((hi - lo).total_seconds() for lo, hi in segs)
        if not segs:
            return None
        x = self.rng.random() * total
        for lo, hi in segs:
            span = (hi - lo).total_seconds()
            if x <= span:
                return (lo + timedelta(seconds=int(x))).replace(microsecond=0)
            x -= span
        lo, hi = segs[-1]
        return lo.replace(microsecond=0)

    def soon(self, t: datetime, minutes: int = 90) -> datetime:
        """A random office instant shortly after t (within `minutes` of office time)."""
        d = t.astimezone(LOCAL_TZ).date()
        for _ in range(60):
            segs = self.segments(t + timedelta(seconds=60), datetime.combine(
                d, time(23, 59), LOCAL_TZ))
            if segs:
                lo, hi = segs[0]
                hi = min(hi, lo + timedelta(minutes=minutes))
                x = self.rng.random() * (hi - lo).total_seconds()
                return (lo + timedelta(seconds=int(x))).replace(microsecond=0)
            d += timedelta(days=1)
        raise AssertionError("no office time within 60 days")  # pragma: no cover

    def within_days(self, t: datetime, lo_days: int, hi_days: int) -> datetime:
        """An office instant from `lo_days` to `hi_days` working days after t's day."""
        day = t.astimezone(LOCAL_TZ).date()
        start = t if lo_days == 0 else datetime.combine(
            self.cal.add_working_days(day, lo_days), time(0, 0), LOCAL_TZ)
        end = self.end_of_day(self.cal.add_working_days(day, hi_days))
        return self.between(start, end) or self.soon(max(t, start))

    def end_of_day(self, d: date) -> datetime:
        return datetime.combine(d, self.intervals[1][1], LOCAL_TZ)

    def receipt(self, day: date, channel: int) -> datetime:
        """A receipt instant on `day` (in person and postal: office hours of a working day)."""
        rng = self.rng
        if channel == 2:  # the national portal takes dossiers day and night
            hour = rng.choices(range(24), ONLINE_HOURS)[0]
            return datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)),
                                    LOCAL_TZ)
        while not self.cal.is_working_day(day):
            day += timedelta(days=1)
        if channel == 3:  # the postal hand-over is signed mid-morning or mid-afternoon
            start, minutes = (time(8, 0), 150) if rng.random() < 0.6 else (time(14, 0), 120)
        elif rng.random() < 0.62:
            start, minutes = time(7, 35), 230
        else:
            start, minutes = time(13, 35), 200
        moment = datetime.combine(day, start, LOCAL_TZ)
        return moment + timedelta(seconds=rng.randrange(minutes * 60))


ONLINE_HOURS = (1, 0.5, 0.3, 0.2, 0.2, 0.5, 2, 4, 7, 8, 8, 6, 4, 5, 7, 7, 6, 5, 4, 5, 6, 5, 3, 2)


def _fmt(d: date) -> str:
    return d.strftime("%d/%m/%Y")


# --- the generator ---------------------------------------------------------------------------

class DemoGenerator:
    """Plans and replays the demo office's history on one register."""

    def __init__(self, reg: Register, seed: int, actors: Sequence[str],
                 lifecycle_share: float, batch_size: int = BATCH_SIZE):
        if not actors:
            raise ValueError("actor_pool must name at least one officer")
        self.reg = reg
        self.rng = random.Random(seed)
        # Digitisation is drawn from a stream of its own: the main stream, and so every
        # other figure of a seed's demo office, stays as it was before it was recorded.
        self.digital_rng = random.Random(f"digitisation-{seed}")
        self.people = People(self.rng)
        self.clock = OfficeClock(reg, self.rng)
        self.cal = self.clock.cal
        half = max(1, (len(actors) + 1) // 2)
        self.desk = tuple(actors[:half])
        self.specialists = tuple(actors[half:]) or self.desk
        self.lifecycle_share = lifecycle_share
        self.batch_size = batch_size
        self.end = min(DEMO_END, reg.clock().astimezone(LOCAL_TZ))
        self.office_name = reg.office().office_name
        catalogue = reg.catalogue(self.end.date())
        self.codes = [p.code for p in catalogue.procedures]
        self.popularity = [POPULARITY.get(c, 1.0) for c in self.codes]
        self.returning: list[Person] = []  # applicants who come back for another dossier
        self._seq = 0
        self.stats: dict[str, int] = {"dossiers": 0, "steps": 0}

    # --- skeletons

    def skeletons(self, n: int) -> list[Skeleton]:
        out = [self._forced(item) for item in coverage(self.codes)[:n]]
        while len(out) < n:
            out.append(self._random())
        out.sort(key=lambda s: s.at)
        return out

    def _forced(self, item: tuple[str, int, str, str]) -> Skeleton:
        code, channel, scenario, window = item
        at = self._receipt_in(window, channel)
        return Skeleton(at, code, channel, scenario, True, force_rate=scenario == "standard")

    def _random(self) -> Skeleton:
        rng = self.rng
        scenario = rng.choices([s for s, _ in SCENARIOS], [w for _, w in SCENARIOS])[0]
        eligible = [(c, w) for c, w in zip(self.codes, self.popularity, strict=True)
                    if scenario_allows(scenario, c)]
        code = rng.choices([c for c, _ in eligible], [w for _, w in eligible])[0]
        channel = self._channel(code)
        if scenario in OPEN_SCENARIOS:
            window = "overdue"
        elif rng.random() < 0.06:
            window = rng.choice(tuple(TET_WINDOWS))
        else:
            window = "any"
        lifecycle = rng.random() < self.lifecycle_share
        return Skeleton(self._receipt_in(window, channel), code, channel, scenario, lifecycle)

    def _channel(self, code: str) -> int:
        allowed = [(1, 70.0)]
        if code not in NO_ONLINE:
            allowed.append((2, 22.0))
        if postal_receipt_allowed(code):
            allowed.append((3, 8.0))
        return self.rng.choices([c for c, _ in allowed], [w for _, w in allowed])[0]

    def _receipt_in(self, window: str, channel: int) -> datetime:
        if window == "any":
            lo, hi = DEMO_START.date(), self.end.date()
        else:
            lo, hi = WINDOWS[window]
            hi = min(hi, self.end.date())
        day = lo + timedelta(days=self.rng.randrange((hi - lo).days + 1))
        moment = self.clock.receipt(day, channel)
        if moment > self.end:  # a working day after the end: take the last working day
            day = hi
            while not self.cal.is_working_day(day):
                day -= timedelta(days=1)
            moment = datetime.combine(day, time(9, 0), LOCAL_TZ)
        return moment

    def receipts(self, count: int) -> list[tuple[DossierInput, datetime]]:
        """`count` random valid dossiers to receive, without lifecycle (bench filler)."""
        cases = []
        for _ in range(count):
            sk = self._random()
            sk.lifecycle = False
            cases.append(self.case(sk))
        cases.sort(key=lambda c: c.skeleton.at)
        return [(c.inp, c.skeleton.at) for c in cases]

    # --- cases

    def case(self, sk: Skeleton) -> Case:
        catalogue = self.reg.catalogue(sk.at.date())
        proc = catalogue.procedure(sk.procedure)
        on = sk.at.date()
        email_rate = 0.35 if sk.channel == 2 else 0.03
        builder = getattr(self, f"_build_{proc.code}", self._build_generic)
        applicant, extra = builder(proc, on, email_rate)
        if applicant is None:
            applicant = self._applicant(on, email_rate)
        known = {d.code for d in proc.documents}
        docs = set(extra.pop("documents", ())) & known
        docs.update(d.code for d in proc.documents if d.required)
        representative = None
        authorisation = ""
        if ("van_ban_uy_quyen" in known
                and proc.code not in ("marriage_registration",) and self.rng.random() < 0.08):
            representative = self.people.person(on, age=(22, 65))
            authorisation = (f"Văn bản ủy quyền chứng thực ngày "
                             f"{_fmt(on - timedelta(days=self.rng.randint(1, 20)))} tại "
                             "Ủy ban nhân dân phường Hoàn Kiếm")
            docs.add("van_ban_uy_quyen")
        fee_paid = extra.pop("fee_paid", None)
        if fee_paid is None:
            fee_paid = self.rng.random() < (0.85 if sk.channel == 1 else 0.7)
        if sk.scenario in ("financial", "financial_pending"):
            fee_paid = False
        fields = extra.pop("input", {})
        if fields.get("appointment_reason"):
            # The officer gives a later appointment (many copies, many pages), within the
            # extension the catalogue allows.
            ext = proc.processing.max_extension
            base = self._appointment(proc, sk.at)
            fields["appointment_at"] = datetime.combine(
                self.cal.add_working_days(base.date(), ext.amount if ext else 2), base.timetz())
        year = min(sk.at.year, max(DIGITISED_SHARE))
        scanned, reusing = self.digital_rng.random(), self.digital_rng.random()
        digitised = sk.channel == 2 or scanned < DIGITISED_SHARE.get(year, 0.0)
        inp = DossierInput(
            procedure_code=proc.code,
            applicant=applicant.applicant(),
            channel=sk.channel,
            representative=representative.applicant() if representative else None,
            authorisation=authorisation,
            documents=tuple(sorted(docs)),
            fee_paid=fee_paid,
            digitised=digitised,
            reused_data=digitised and reusing < REUSED_SHARE.get(year, 0.0),
            received_at=sk.at if sk.channel == 3 else None,
            **fields,
        )
        steps = self.plan(sk, proc, inp, applicant, extra) if sk.lifecycle else []
        return Case(sk, inp, [s for s in steps if s.at <= self.end])

    def _appointment(self, proc: Procedure, received: datetime) -> datetime:
        """The appointment the register computes on receipt (same calendar, same rule)."""
        unit = cast(DueUnit, proc.processing.unit)
        due = self.cal.appointment(received, proc.processing.amount, unit)
        return due.astimezone(LOCAL_TZ)

    def _applicant(self, on: date, email_rate: float, **kw: Any) -> Person:
        if self.returning and self.rng.random() < 0.07 and not kw:
            return self.rng.choice(self.returning)
        person = self.people.person(on, email_rate=email_rate, **kw)
        if len(self.returning) < 5000:
            self.returning.append(person)
        elif self.rng.random() < 0.1:
            self.returning[self.rng.randrange(5000)] = person
        return person

    def _province_fee(self, proc: Procedure) -> dict[str, Any]:
        if proc.fee.amount is None and not proc.fee.per_page:
            if proc.fee.exemptions and self.rng.random() < 0.05:
                return {"exemptions": (self.rng.choice(proc.fee.exemptions).code,)}
            return {"fee_amount": PROVINCE_FEES.get(proc.code, 10_000)}
        return {}

    # Builders return (applicant or None, extras). Extras: "input" (DossierInput fields),
    # "documents" (optional codes), "book" (entry data), "certify" (one dict per document).

    def _build_birth_registration(self, proc: Procedure, on: date, er: float
                                  ) -> tuple[Person, dict[str, Any]]:
        rng, people = self.rng, self.people
        late = rng.random() < 0.1
        born = on - timedelta(days=rng.randint(61, 2500) if late else rng.randint(1, 58))
        mother = people.person(on, sex="Nữ", age=(20, 42), email_rate=er)
        father = people.person(on, sex="Nam", age=(22, 48), where="here", email_rate=er)
        married = rng.random() < 0.94
        sex = rng.choice(("Nam", "Nữ"))
        child_name = people.name(sex, father.family if married else mother.family)
        applicant = father if married and rng.random() < 0.4 else mother
        fee = ({"fee_amount": PROVINCE_FEES["birth_registration"]} if late
               else {"exemptions": ("on_time",)})
        book = {
            "ho_ten": child_name, "gioi_tinh": sex, "ngay_sinh": _fmt(born),
            "noi_sinh": f"{rng.choice(HOSPITALS)}, Thành phố Hà Nội", "dan_toc": "Kinh",
            "quoc_tich": "Việt Nam", "so_dinh_danh": people.id_number(born, sex, "001"),
            "ho_ten_me": mother.full_name, "nam_sinh_me": mother.birth_date.year,
            "ho_ten_cha": father.full_name if married else "",
            "nam_sinh_cha": father.birth_date.year if married else None,
            "nguoi_di_dang_ky": applicant.full_name,
            "quan_he": "Cha" if applicant is father else "Mẹ",
            "dang_ky_qua_han": late,
        }
        docs = ("giay_chung_nhan_ket_hon",) if married else ()
        return applicant, {"input": fee, "documents": docs, "book": book}

    def _build_death_registration(self, proc: Procedure, on: date, er: float
                                  ) -> tuple[Person, dict[str, Any]]:
        rng, people = self.rng, self.people
        late = rng.random() < 0.08
        died = on - timedelta(days=rng.randint(16, 400) if late else rng.randint(1, 14))
        deceased = people.person(died, age=(55, 98), where="here")
        relation = rng.choice(("Con", "Con", "Con", "Vợ" if deceased.sex == "Nam" else "Chồng"))
        if relation == "Con":
            applicant = people.person(on, age=(28, 65), family=deceased.family
                                      if rng.random() < 0.6 else None, email_rate=er)
        else:
            applicant = people.person(on, sex="Nữ" if relation == "Vợ" else "Nam",
                                      age=(50, 95), email_rate=er)
        fee = ({"fee_amount": PROVINCE_FEES["death_registration"]} if late
               else {"exemptions": ("on_time",)})
        book = {
            "ho_ten": deceased.full_name, "gioi_tinh": deceased.sex,
            "ngay_sinh": _fmt(deceased.birth_date), "so_dinh_danh": deceased.id_number,
            "ngay_chet": _fmt(died),
            "gio_chet": f"{rng.randint(0, 23):02d} giờ {rng.randrange(60):02d} phút",
            "noi_chet": (deceased.address if rng.random() < 0.55
                         else f"{rng.choice(HOSPITALS[2:])}, Thành phố Hà Nội"),
            "nguyen_nhan": rng.choice(CAUSES_OF_DEATH),
            "nguoi_di_dang_ky": applicant.full_name, "quan_he": relation,
        }
        return applicant, {"input": fee, "book": book}

    def _build_marriage_registration(self, proc: Procedure, on: date, er: float
                                     ) -> tuple[Person, dict[str, Any]]:
        people = self.people
        groom = people.person(on, sex="Nam", age=(22, 40), email_rate=er)
        bride = people.person(on, sex="Nữ", age=(20, 38), email_rate=er)
        applicant = groom if self.rng.random() < 0.5 else bride
        book = {
            "ho_ten_chong": groom.full_name, "ngay_sinh_chong": _fmt(groom.birth_date),
            "so_dinh_danh_chong": groom.id_number, "noi_cu_tru_chong": groom.address,
            "ho_ten_vo": bride.full_name, "ngay_sinh_vo": _fmt(bride.birth_date),
            "so_dinh_danh_vo": bride.id_number, "noi_cu_tru_vo": bride.address,
            "dan_toc_chong": "Kinh", "dan_toc_vo": "Kinh", "quoc_tich": "Việt Nam",
        }
        docs = ("xac_nhan_tthn",) if "Hoàn Kiếm" not in (groom.address + bride.address) else ()
        return applicant, {"documents": docs, "book": book}

    def _build_marital_status_confirmation(self, proc: Procedure, on: date, er: float
                                           ) -> tuple[Person, dict[str, Any]]:
        rng = self.rng
        applicant = self._applicant(on, er)
        status = rng.choices(("single", "divorced", "widowed", "married"), (70, 15, 5, 10))[0]
        if status == "single" and rng.random() < 0.45:
            other = self.people.person(on, sex="Nữ" if applicant.sex == "Nam" else "Nam",
                                       age=(20, 45))
            purpose = (f"Để đăng ký kết hôn với {'bà' if other.sex == 'Nữ' else 'ông'} "
                       f"{other.full_name}, sinh ngày {_fmt(other.birth_date)}")
        else:
            purpose = rng.choice(MARITAL_PURPOSES)
        text = {
            "single": "Chưa đăng ký kết hôn với ai",
            "divorced": "Đã đăng ký kết hôn nhưng đã ly hôn theo bản án của Tòa án; hiện tại "
                        "chưa đăng ký kết hôn với ai",
            "widowed": "Đã đăng ký kết hôn, vợ/chồng đã chết; hiện tại chưa đăng ký kết hôn "
                       "với ai",
            "married": "Hiện tại đang có vợ/chồng",
        }[status]
        book = {"ho_ten": applicant.full_name, "ngay_sinh": _fmt(applicant.birth_date),
                "so_dinh_danh": applicant.id_number, "noi_cu_tru": applicant.address,
                "tinh_trang_hon_nhan": text, "muc_dich_su_dung": purpose}
        docs = ("giay_to_cham_dut_hon_nhan",) if status in ("divorced", "widowed") else ()
        return applicant, {"input": self._province_fee(proc), "documents": docs, "book": book}

    def _build_parent_child_recognition(self, proc: Procedure, on: date, er: float
                                        ) -> tuple[Person, dict[str, Any]]:
        rng, people = self.rng, self.people
        parent = self._applicant(on, er, age=(25, 60))
        child_sex = rng.choice(("Nam", "Nữ"))
        child = people.person(on, sex=child_sex, age=(0, 30), family=parent.family
                              if parent.sex == "Nam" else None, where="here")
        book = {"ho_ten_nguoi_nhan": parent.full_name, "so_dinh_danh_nguoi_nhan":
                parent.id_number, "ho_ten_nguoi_duoc_nhan": child.full_name,
                "ngay_sinh_nguoi_duoc_nhan": _fmt(child.birth_date),
                "quan_he": ("Cha nhận con" if parent.sex == "Nam" else "Mẹ nhận con")}
        return parent, {"input": self._province_fee(proc), "book": book}

    def _build_guardianship_registration(self, proc: Procedure, on: date, er: float
                                         ) -> tuple[Person, dict[str, Any]]:
        people = self.people
        guardian = self._applicant(on, er, age=(30, 70))
        ward = people.person(on, age=(2, 15), family=guardian.family, where="here")
        book = {"ho_ten_nguoi_giam_ho": guardian.full_name,
                "so_dinh_danh_nguoi_giam_ho": guardian.id_number,
                "ho_ten_nguoi_duoc_giam_ho": ward.full_name,
                "ngay_sinh_nguoi_duoc_giam_ho": _fmt(ward.birth_date),
                "loai_giam_ho": self.rng.choice(("Giám hộ đương nhiên", "Giám hộ cử"))}
        return guardian, {"input": self._province_fee(proc), "book": book}

    def _build_guardianship_termination(self, proc: Procedure, on: date, er: float
                                        ) -> tuple[Person, dict[str, Any]]:
        guardian = self._applicant(on, er, age=(35, 75))
        ward = self.people.person(on, age=(18, 19), family=guardian.family, where="here")
        book = {"viec": "Chấm dứt giám hộ", "ho_ten_nguoi_giam_ho": guardian.full_name,
                "ho_ten_nguoi_duoc_giam_ho": ward.full_name,
                "ly_do": "Người được giám hộ đã đủ 18 tuổi và có đầy đủ năng lực hành vi dân sự"}
        return guardian, {"input": self._province_fee(proc), "book": book}

    def _build_civil_status_change(self, proc: Procedure, on: date, er: float
                                   ) -> tuple[Person, dict[str, Any]]:
        rng = self.rng
        applicant = self._applicant(on, er)
        kind = rng.choice(("Cải chính", "Thay đổi", "Bổ sung", "Xác định lại dân tộc"))
        born = applicant.birth_date
        content = {
            "Cải chính": (f"Cải chính ngày sinh trong Giấy khai sinh từ "
                          f"{_fmt(born + timedelta(days=rng.choice((-31, -9, 9, 31))))} thành "
                          f"{_fmt(born)}"),
            "Thay đổi": (f"Thay đổi tên đệm từ «{rng.choice(MIDDLE[applicant.sex])[0]}» "
                         f"thành «{applicant.full_name.split()[1]}»"),
            "Bổ sung": "Bổ sung thông tin về quê quán trong Giấy khai sinh",
            "Xác định lại dân tộc": "Xác định lại dân tộc từ Kinh thành Tày theo dân tộc của mẹ",
        }[kind]
        book = {"ho_ten": applicant.full_name, "ngay_sinh": _fmt(born),
                "so_dinh_danh": applicant.id_number, "loai_viec": kind, "noi_dung": content}
        return applicant, {"input": {**self._province_fee(proc), "request": content},
                           "book": book}

    def _build_birth_reregistration(self, proc: Procedure, on: date, er: float
                                    ) -> tuple[Person, dict[str, Any]]:
        applicant = self._applicant(on, er, age=(25, 85))
        book = {"ho_ten": applicant.full_name, "gioi_tinh": applicant.sex,
                "ngay_sinh": _fmt(applicant.birth_date), "so_dinh_danh": applicant.id_number,
                "dang_ky_lai": True, "noi_dang_ky_truoc": self.people.other_commune(),
                "ghi_chu": "Sổ hộ tịch và bản chính Giấy khai sinh đều bị mất"}
        return applicant, {"input": self._province_fee(proc), "book": book}

    def _build_civil_status_extract_copy(self, proc: Procedure, on: date, er: float
                                         ) -> tuple[Person, dict[str, Any]]:
        rng = self.rng
        applicant = self._applicant(on, er)
        copies = rng.choices((1, 2, 3), (60, 30, 10))[0]
        kind = rng.choice(("khai sinh", "khai sinh", "kết hôn", "khai tử"))
        subject = applicant.full_name if kind == "khai sinh" else self.people.name(
            rng.choice(("Nam", "Nữ")), applicant.family)
        book = {"loai_trich_luc": f"Bản sao trích lục {kind}", "ho_ten": subject,
                "so_ban": copies, "nguoi_yeu_cau": applicant.full_name}
        return applicant, {"input": {"copies": copies}, "book": book}

    def _build_certified_copy(self, proc: Procedure, on: date, er: float
                              ) -> tuple[Person, dict[str, Any]]:
        rng = self.rng
        applicant = self._applicant(on, er)
        originals = rng.sample(COPY_DOCUMENTS, rng.choices((1, 2, 3), (60, 30, 10))[0])
        certify: list[dict[str, Any]] = []
        for name in originals:
            certify.append({"giay_to": name,
                            "so_ban": rng.choices((1, 2, 3, 5), (40, 35, 15, 10))[0],
                            "so_trang": rng.choices((1, 2, 4, 8), (60, 25, 10, 5))[0],
                            "nguoi_yeu_cau": applicant.full_name})
        pages = max(c["so_trang"] for c in certify)
        copies = sum(c["so_ban"] for c in certify)
        extra: dict[str, Any] = {"pages": pages, "copies": copies}
        if pages * copies > 30:  # many copies, many pages: up to 2 more working days
            extra["appointment_reason"] = "Yêu cầu chứng thực nhiều bản, nhiều trang"
        return applicant, {"input": extra, "documents": ("ban_sao",), "certify": certify}

    def _build_signature_certification(self, proc: Procedure, on: date, er: float
                                       ) -> tuple[Person, dict[str, Any]]:
        rng = self.rng
        applicant = self._applicant(on, er)
        docs = rng.sample(SIGNED_DOCUMENTS, rng.choices((1, 2), (85, 15))[0])
        certify = [{"giay_to": d, "nguoi_ky": applicant.full_name,
                    "so_dinh_danh": applicant.id_number,
                    "hinh_thuc": "Ký" if rng.random() < 0.97 else "Điểm chỉ"} for d in docs]
        return applicant, {"input": {"copies": len(docs)}, "certify": certify}

    def _build_contract_certification(self, proc: Procedure, on: date, er: float
                                      ) -> tuple[Person, dict[str, Any]]:
        rng = self.rng
        applicant = self._applicant(on, er, age=(22, 75))
        other = self.people.person(on, age=(22, 75))
        title, asset = rng.choice(CONTRACTS)
        if asset == "xe":
            what = (f"Xe mô tô biển số 29{rng.choice('BDEFGHKLMNPSTUVXYZ')}"
                    f"{rng.randint(1, 9)}-{rng.randrange(1000):03d}.{rng.randrange(100):02d}")
        elif asset == "oto":
            what = f"Xe ô tô biển số {rng.choice(('29', '30'))}{rng.choice('ABCDEFGHK')}-" \
                   f"{rng.randrange(1000):03d}.{rng.randrange(100):02d}"
        else:
            what = f"Nhà ở tại {self.people.address('here')}"
        certify = [{"hop_dong": title, "ben_a": applicant.full_name, "ben_b": other.full_name,
                    "tai_san": what}]
        return applicant, {"certify": certify}

    def _build_monthly_social_allowance(self, proc: Procedure, on: date, er: float
                                        ) -> tuple[Person, dict[str, Any]]:
        applicant = self._applicant(on, er, age=(30, 85))
        docs = ("giay_xac_nhan_khuyet_tat",) if self.rng.random() < 0.4 else ()
        return applicant, {"documents": docs, "rejectable": True}

    def _build_household_business_registration(self, proc: Procedure, on: date, er: float
                                               ) -> tuple[Person, dict[str, Any]]:
        applicant = self._applicant(on, er, age=(20, 65))
        docs = ("bien_ban_hop",) if self.rng.random() < 0.2 else ()
        return applicant, {"input": self._province_fee(proc), "documents": docs,
                           "rejectable": True}

    def _build_generic(self, proc: Procedure, on: date, er: float
                       ) -> tuple[Person, dict[str, Any]]:
        """A procedure this generator does not know (a newer catalogue): plain data."""
        applicant = self._applicant(on, er)
        book = {"ho_ten": applicant.full_name, "noi_dung": proc.name} if proc.book_kind else None
        return applicant, {"input": self._province_fee(proc), "book": book}

    # --- lifecycle plans

    def plan(self, sk: Skeleton, proc: Procedure, inp: DossierInput, applicant: Person,
             extra: dict[str, Any]) -> list[Step]:
        """The dossier's later steps, in time order (those after the end are dropped later)."""
        rng, clk = self.rng, self.clock
        received = sk.at
        due = (inp.appointment_at or self._appointment(proc, received)).astimezone(LOCAL_TZ)
        start = max(received, self.cal.effective_receipt(received).astimezone(LOCAL_TZ))
        desk = self._desk(received.date())
        specialist = rng.choice(self.specialists)
        unit = SPECIALIST_UNITS.get(proc.field, "Công chức chuyên môn")
        scenario = sk.scenario
        steps: list[Step] = []

        def add(at: datetime, method: str, *args: Any, **kwargs: Any) -> datetime:
            steps.append(Step(at, method, args, kwargs))
            return at

        if scenario == "refused":
            field_key = "CHUNG_THUC" if proc.field == "CHUNG_THUC" else ""
            add(clk.soon(start, 40), "refuse", [rng.choice(REFUSAL_REASONS[field_key])], desk)
            return steps

        t = add(clk.soon(start, 120), "hand_over", unit, desk)
        if scenario == "withdrawn":
            add(clk.between(t, due) or clk.soon(t), "withdraw", rng.choice(WITHDRAW_REASONS),
                desk)
            return steps
        if scenario == "stopped":
            add(clk.between(t, due) or clk.soon(t), "stop", rng.choice(STOP_REASONS), specialist,
                stage=rng.choice(("Đang thẩm định hồ sơ", "Đang xác minh thông tin")))
            return steps
        if scenario == "overdue_open":
            return steps if rng.random() < 0.6 else []

        if scenario in ("transfer", "transfer_open"):
            agency = TRANSFER_AGENCIES.get(proc.code) or self.people.other_commune()
            t = add(clk.soon(t, 240), "hand_over", agency, specialist, agency=True,
                    note="Chuyển hồ sơ liên thông, đề nghị phối hợp xác minh và trả kết quả")
            if scenario == "transfer_open":
                return steps
            t = add(clk.within_days(t, 1, 3), "hand_over", unit, specialist, from_unit=agency,
                    note="Cơ quan phối hợp đã trả kết quả xác minh")

        if scenario in ("supplement", "second_supplement", "supplement_pending"):
            items = self._supplement_items(proc)
            t = add(clk.between(t, due) or clk.soon(t), "request_supplement", items,
                    rng.choice(SUPPLEMENT_REASONS), specialist,
                    contact=applicant.phone or applicant.address)
            if scenario == "supplement_pending":
                return steps
            back = clk.within_days(t, 1, 7)
            due = self.cal.shift_for_pause(due, t, back).astimezone(LOCAL_TZ)
            t = add(back, "receive_supplement", desk)
            if scenario == "second_supplement":
                t = add(clk.between(t, due) or clk.soon(t), "request_supplement",
                        self._supplement_items(proc), rng.choice(SUPPLEMENT_REASONS), specialist,
                        second_request_reason=rng.choice(SECOND_SUPPLEMENT_REASONS),
                        contact=applicant.phone or applicant.address)
                back = clk.within_days(t, 1, 5)
                due = self.cal.shift_for_pause(due, t, back).astimezone(LOCAL_TZ)
                t = add(back, "receive_supplement", desk)

        if scenario in ("financial", "financial_pending"):
            amount = FINANCIAL_PROCEDURES.get(proc.code, 50_000)
            t = add(clk.between(t, due) or clk.soon(t), "request_financial", amount, specialist)
            if scenario == "financial_pending":
                return steps
            t = add(clk.within_days(t, 0, 2), "record_fee_paid", amount, desk,
                    online=sk.channel == 2)

        if scenario == "rescheduled":
            last_day = due.date() - timedelta(days=1)
            moment = clk.between(t, datetime.combine(last_day, time(23, 59), LOCAL_TZ))
            if moment is not None:
                extension = proc.processing.max_extension
                days = extension.amount if extension else rng.randint(2, 3)
                new_due = datetime.combine(self.cal.add_working_days(due.date(), days),
                                           due.timetz())
                t = add(moment, "reschedule", new_due, rng.choice(RESCHEDULE_REASONS), specialist)
                due = new_due

        # Processing: on time, or late for the "late" story (and sometimes by accident).
        if scenario == "late":
            done = clk.within_days(max(t, due), 1, 6)
        else:
            done = clk.between(t + timedelta(minutes=5), due) or clk.soon(t + timedelta(
                minutes=5))
        book = extra.get("book")
        certify = extra.get("certify")
        rejected = extra.get("rejectable") and rng.random() < 0.08
        if proc.book_kind and not rejected:
            entry_at = done - timedelta(minutes=2)
            if certify:
                add(entry_at, "certify", proc.book_kind, certify, specialist)
            elif book is not None:
                add(entry_at, "add_logbook_entry", proc.book_kind, book, specialist)
        outcome = "rejected" if rejected else "approved"
        note = ("Không đủ điều kiện theo quy định; đã trả lời bằng văn bản nêu rõ lý do."
                if rejected else "")
        t = add(done, "process", outcome, specialist, note=note)

        if proc.code in AFTER_RESULT_AGENCIES and rng.random() < 0.3:
            agency, note = rng.choice(AFTER_RESULT_AGENCIES[proc.code])
            t = add(clk.soon(t, 60), "hand_over", agency, specialist, agency=True, note=note)
        elif proc.processing.unit != "same_day" and rng.random() < 0.5:
            t = add(clk.soon(t, 60), "hand_over", self.office_name, specialist,
                    note="Chuyển kết quả về Bộ phận một cửa")
        if scenario == "processed_waiting":
            return steps

        method, postal = self._return_method(sk, proc, applicant)
        if method == "desk":
            pickup = clk.within_days(t, 0, 2 if rng.random() < 0.9 else 12)
        else:
            pickup = clk.within_days(t, 0, 1)
        if postal is not None:
            postal["handover_at"] = pickup.strftime("%H:%M %d/%m/%Y")
        t = add(pickup, "return_result", method, desk, postal=postal)
        if sk.force_rate or rng.random() < 0.4:
            rating = rng.choices([r for r, _ in RATINGS], [w for _, w in RATINGS])[0]
            t = add(t + timedelta(minutes=rng.randint(1, 20)), "rate", rating, desk)
        if rng.random() < 0.005:
            add(t + timedelta(minutes=rng.randint(5, 90)), "complain", rng.choice(COMPLAINTS),
                desk)
        return steps

    def _supplement_items(self, proc: Procedure) -> list[str]:
        names = [d.name for d in proc.documents]
        return self.rng.sample(names, min(len(names), self.rng.choice((1, 1, 2))))

    def _return_method(self, sk: Skeleton, proc: Procedure, applicant: Person
                       ) -> tuple[str, dict[str, str] | None]:
        rng = self.rng
        if sk.channel == 2 and proc.code in ELECTRONIC_RESULT and rng.random() < 0.4:
            return "electronic", None
        by_post = proc.postal_return and (sk.channel == 3 or rng.random() < (
            0.15 if sk.channel == 2 else 0.08))
        if not by_post:
            return "desk", None
        serial = rng.randrange(100_000_000)
        return "post", {
            "slip_no": f"PG{sk.at:%y}{rng.randrange(1_000_000):06d}",
            "tracking_no": s10_code("EH", serial),
            "handover_record_no": f"{rng.randint(1, 999):03d}/BBBG-BĐ",
            "recipient": applicant.full_name,
            "phone": applicant.phone or "",
            "address": applicant.address,
        }

    def _desk(self, day: date) -> str:
        return self.desk[day.toordinal() % len(self.desk)]

    # --- replay

    def run(self, n: int, progress: Callable[[int, int], None] | None = None) -> int:
        skeletons = self.skeletons(n)
        pending: list[tuple[float, int, Case, Step]] = []
        batch: list[Case] = []
        batch_actor = ""
        done = 0
        for sk in skeletons:
            actor = self._desk(sk.at.date())
            if batch and (len(batch) >= self.batch_size or actor != batch_actor):
                self._receive(batch, batch_actor, pending)
                done += len(batch)
                if progress:
                    progress(done, n)
                batch = []
            batch_actor = actor
            batch.append(self.case(sk))
        if batch:
            self._receive(batch, batch_actor, pending)
            done += len(batch)
        self._drain(pending, None)
        if progress:
            progress(done, n)
        self._close_past_years()
        return done

    def _receive(self, batch: list[Case], actor: str,
                 pending: list[tuple[float, int, Case, Step]]) -> None:
        views = self.reg.receive_many([c.inp for c in batch], actor,
                                      [c.skeleton.at for c in batch])
        for case, view in zip(batch, views, strict=True):
            if view.warnings:
                raise DemoDataError(
                    "Dữ liệu mẫu sinh ra có cảnh báo: "
                    + "; ".join(w.message_vi for w in view.warnings),
                    "The demo generator produced data with warnings: "
                    + "; ".join(w.message_en for w in view.warnings))
            case.code = view.code
            for step in case.steps:
                self._seq += 1
                heapq.heappush(pending, (step.at.timestamp(), self._seq, case, step))
        self.stats["dossiers"] += len(batch)
        self._drain(pending, batch[-1].skeleton.at.timestamp())

    def _drain(self, pending: list[tuple[float, int, Case, Step]], until: float | None) -> None:
        """Run every planned step up to `until` (all when None), oldest first."""
        reg = self.reg
        while pending and (until is None or pending[0][0] <= until):
            _, _, case, step = heapq.heappop(pending)
            assert case.code is not None
            method = getattr(reg, step.method)
            at = step.at.astimezone(timezone.utc)
            if step.method in ("add_logbook_entry", "certify"):
                method(*step.args, dossier_ref=case.code, at=at, **step.kwargs)
            else:
                method(case.code, *step.args, at=at, **step.kwargs)
            self.stats["steps"] += 1

    def _close_past_years(self) -> None:
        """Year-end closing (khóa sổ) of the books of every year that has ended."""
        for year in range(DEMO_START.year, self.end.year):
            kinds = {v.book_kind for v in self.reg.volumes(year=year) if v.closed_at is None}
            for kind in sorted(kinds):
                self.reg.close_year(kind, year, self.specialists[0])


def s10_code(prefix: str, serial: int) -> str:
    """A UPU S10 item identifier (two letters, 8 digits, check digit, VN)."""
    digits = f"{serial % 100_000_000:08d}"
    total = sum(int(d) * w for d, w in zip(digits, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    check = 0 if check == 10 else 5 if check == 11 else check
    return f"{prefix}{digits}{check}VN"


def postal_receipt_allowed(code: str) -> bool:
    """Procedures filed by post: those that need no personal presence (Decision 45/2016)."""
    return code in ("marital_status_confirmation", "civil_status_extract_copy",
                    "monthly_social_allowance", "household_business_registration")


def scenario_allows(scenario: str, code: str) -> bool:
    """Which stories make sense for which procedure."""
    if scenario in ("supplement", "second_supplement", "supplement_pending", "rescheduled"):
        return code in ("marital_status_confirmation", "parent_child_recognition",
                        "guardianship_registration", "guardianship_termination",
                        "civil_status_change", "birth_reregistration",
                        "contract_certification", "monthly_social_allowance",
                        "household_business_registration")
    if scenario in ("financial", "financial_pending"):
        return code in FINANCIAL_PROCEDURES
    if scenario in ("transfer", "transfer_open"):
        return code in TRANSFER_AGENCIES
    return True


def coverage(codes: Sequence[str]) -> list[tuple[str, int, str, str]]:
    """Dossiers that are always made first: every procedure, channel, story and Tết."""
    years = ("y2024", "y2025", "y2026")
    items = [(code, 1, "standard", years[i % 3]) for i, code in enumerate(codes)]
    known = set(codes)
    wanted = [
        ("marital_status_confirmation", 3, "standard", "y2025"),  # by post, returned by post
        ("civil_status_extract_copy", 2, "standard", "y2026"),  # online
        ("certified_copy", 1, "refused", "y2024"),
        ("marital_status_confirmation", 1, "supplement", "y2025"),
        ("civil_status_change", 1, "second_supplement", "y2026"),
        ("household_business_registration", 1, "financial", "y2025"),
        ("marital_status_confirmation", 1, "transfer", "y2026"),
        ("parent_child_recognition", 1, "rescheduled", "y2024"),
        ("marital_status_confirmation", 2, "withdrawn", "y2025"),
        ("contract_certification", 1, "stopped", "y2026"),
        ("guardianship_registration", 1, "late", "y2024"),
        ("birth_registration", 1, "processed_waiting", "y2026"),
        ("birth_registration", 1, "standard", "tet2024"),
        ("certified_copy", 2, "standard", "tet2025"),
        ("death_registration", 1, "standard", "tet2026"),
        ("signature_certification", 1, "overdue_open", "overdue"),
        ("birth_reregistration", 1, "supplement_pending", "overdue"),
        ("contract_certification", 1, "financial_pending", "overdue"),
        ("household_business_registration", 3, "transfer_open", "overdue"),
        ("monthly_social_allowance", 3, "standard", "y2024"),
        ("marriage_registration", 2, "standard", "y2025"),
        ("certified_copy", 1, "standard", "recent"),
    ]
    items += [w for w in wanted if w[0] in known]
    return items


def install_demo_history(reg: Register) -> None:
    """Make a catalogue version in force from DEMO_START, if none is (demo registers only)."""
    oldest = min(reg.catalogues(), key=lambda c: c.effective_from)
    if oldest.effective_from <= DEMO_START.date():
        return
    history = dataclasses.replace(
        oldest, version=DEMO_HISTORY_VERSION, effective_from=DEMO_START.date(),
        legal_basis=(f"Dữ liệu mẫu (motcua demo-data): bản sao của danh mục {oldest.version} "
                     f"áp dụng lùi từ ngày {_fmt(DEMO_START.date())} để hồ sơ mẫu trải ba năm. "
                     "Không phải danh mục thủ tục có giá trị pháp lý."))
    reg.install_catalogue(history)


def prepare_register(reg: Register) -> None:
    """Set up the demo office when the register has none, and the demo-history catalogue."""
    if not reg.is_set_up():
        reg.setup_office(province_code=PROVINCE_CODE, commune_code=COMMUNE_CODE,
                         agency_id=AGENCY_ID, office_name=OFFICE_NAME)
    install_demo_history(reg)


def fill_demo(reg: Register, n: int, *, seed: int = 2026,
              actor_pool: Sequence[str] = DEFAULT_ACTORS,
              lifecycle_share: float | None = None, batch_size: int = BATCH_SIZE,
              progress: Callable[[int, int], None] | None = None) -> int:
    """Fill `reg` with `n` deterministic demo dossiers; returns how many were made.

    Sets up the office (Phường Hoàn Kiếm, Hà Nội, agency 000.00.01.H29) when it is not set up,
    and installs a demo-history catalogue version so that dossiers from 1 January 2024 can be
    received. `actor_pool`: officer user names; the first half work at the desk (one per day),
    the rest process dossiers. `lifecycle_share`: the share of dossiers (beyond the ones that
    cover every procedure, channel and state) that get lifecycle steps after receipt; by
    default all of them up to FULL_LIFECYCLE_UP_TO dossiers, and that many in total above it,
    because each step is its own durable transaction.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    prepare_register(reg)
    if lifecycle_share is None:
        lifecycle_share = 1.0 if n <= FULL_LIFECYCLE_UP_TO else FULL_LIFECYCLE_UP_TO / n
    generator = DemoGenerator(reg, seed, actor_pool, lifecycle_share, batch_size)
    return generator.run(n, progress)
