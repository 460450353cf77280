"""Synthetic people: Vietnamese names, identification numbers, phones and two-level addresses."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from desktop.demo.tables import COMMUNE_CODE, PROVINCE_CODE
from desktop.register.office import communes, province
from desktop.register.textnorm import fold
from desktop.register.views import ApplicantInput

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

