"""What each procedure's demo dossier holds: the applicant, input fields, papers and book data."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from desktop.demo.people import HOSPITALS, MIDDLE, People, Person
from desktop.demo.tables import (
    CAUSES_OF_DEATH,
    CONTRACTS,
    COPY_DOCUMENTS,
    MARITAL_PURPOSES,
    PROVINCE_FEES,
    SIGNED_DOCUMENTS,
    fmt_date,
)
from desktop.register.catalogue import Procedure
from desktop.register.views import DossierInput


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


class Builders:
    """Applicants and procedure-specific data, drawn from the generator's one random stream.

    `build` returns (applicant, extras). Extras: "input" (DossierInput fields), "documents"
    (optional codes), "book" (entry data), "certify" (one dict per document), "rejectable".
    """

    def __init__(self, rng: random.Random, people: People):
        self.rng = rng
        self.people = people
        self.returning: list[Person] = []  # applicants who come back for another dossier

    def build(self, proc: Procedure, on: date, email_rate: float
              ) -> tuple[Person, dict[str, Any]]:
        builder = getattr(self, f"_build_{proc.code}", self._build_generic)
        applicant, extra = builder(proc, on, email_rate)
        return applicant, extra

    def applicant(self, on: date, email_rate: float, **kw: Any) -> Person:
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
            "ho_ten": child_name, "gioi_tinh": sex, "ngay_sinh": fmt_date(born),
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
            "ngay_sinh": fmt_date(deceased.birth_date), "so_dinh_danh": deceased.id_number,
            "ngay_chet": fmt_date(died),
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
            "ho_ten_chong": groom.full_name, "ngay_sinh_chong": fmt_date(groom.birth_date),
            "so_dinh_danh_chong": groom.id_number, "noi_cu_tru_chong": groom.address,
            "ho_ten_vo": bride.full_name, "ngay_sinh_vo": fmt_date(bride.birth_date),
            "so_dinh_danh_vo": bride.id_number, "noi_cu_tru_vo": bride.address,
            "dan_toc_chong": "Kinh", "dan_toc_vo": "Kinh", "quoc_tich": "Việt Nam",
        }
        docs = ("xac_nhan_tthn",) if "Hoàn Kiếm" not in (groom.address + bride.address) else ()
        return applicant, {"documents": docs, "book": book}

    def _build_marital_status_confirmation(self, proc: Procedure, on: date, er: float
                                           ) -> tuple[Person, dict[str, Any]]:
        rng = self.rng
        applicant = self.applicant(on, er)
        status = rng.choices(("single", "divorced", "widowed", "married"), (70, 15, 5, 10))[0]
        if status == "single" and rng.random() < 0.45:
            other = self.people.person(on, sex="Nữ" if applicant.sex == "Nam" else "Nam",
                                       age=(20, 45))
            purpose = (f"Để đăng ký kết hôn với {'bà' if other.sex == 'Nữ' else 'ông'} "
                       f"{other.full_name}, sinh ngày {fmt_date(other.birth_date)}")
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
        book = {"ho_ten": applicant.full_name, "ngay_sinh": fmt_date(applicant.birth_date),
                "so_dinh_danh": applicant.id_number, "noi_cu_tru": applicant.address,
                "tinh_trang_hon_nhan": text, "muc_dich_su_dung": purpose}
        docs = ("giay_to_cham_dut_hon_nhan",) if status in ("divorced", "widowed") else ()
        return applicant, {"input": self._province_fee(proc), "documents": docs, "book": book}

    def _build_parent_child_recognition(self, proc: Procedure, on: date, er: float
                                        ) -> tuple[Person, dict[str, Any]]:
        rng, people = self.rng, self.people
        parent = self.applicant(on, er, age=(25, 60))
        child_sex = rng.choice(("Nam", "Nữ"))
        child = people.person(on, sex=child_sex, age=(0, 30), family=parent.family
                              if parent.sex == "Nam" else None, where="here")
        book = {"ho_ten_nguoi_nhan": parent.full_name, "so_dinh_danh_nguoi_nhan":
                parent.id_number, "ho_ten_nguoi_duoc_nhan": child.full_name,
                "ngay_sinh_nguoi_duoc_nhan": fmt_date(child.birth_date),
                "quan_he": ("Cha nhận con" if parent.sex == "Nam" else "Mẹ nhận con")}
        return parent, {"input": self._province_fee(proc), "book": book}

    def _build_guardianship_registration(self, proc: Procedure, on: date, er: float
                                         ) -> tuple[Person, dict[str, Any]]:
        people = self.people
        guardian = self.applicant(on, er, age=(30, 70))
        ward = people.person(on, age=(2, 15), family=guardian.family, where="here")
        book = {"ho_ten_nguoi_giam_ho": guardian.full_name,
                "so_dinh_danh_nguoi_giam_ho": guardian.id_number,
                "ho_ten_nguoi_duoc_giam_ho": ward.full_name,
                "ngay_sinh_nguoi_duoc_giam_ho": fmt_date(ward.birth_date),
                "loai_giam_ho": self.rng.choice(("Giám hộ đương nhiên", "Giám hộ cử"))}
        return guardian, {"input": self._province_fee(proc), "book": book}

    def _build_guardianship_termination(self, proc: Procedure, on: date, er: float
                                        ) -> tuple[Person, dict[str, Any]]:
        guardian = self.applicant(on, er, age=(35, 75))
        ward = self.people.person(on, age=(18, 19), family=guardian.family, where="here")
        book = {"viec": "Chấm dứt giám hộ", "ho_ten_nguoi_giam_ho": guardian.full_name,
                "ho_ten_nguoi_duoc_giam_ho": ward.full_name,
                "ly_do": "Người được giám hộ đã đủ 18 tuổi và có đầy đủ năng lực hành vi dân sự"}
        return guardian, {"input": self._province_fee(proc), "book": book}

    def _build_civil_status_change(self, proc: Procedure, on: date, er: float
                                   ) -> tuple[Person, dict[str, Any]]:
        rng = self.rng
        applicant = self.applicant(on, er)
        kind = rng.choice(("Cải chính", "Thay đổi", "Bổ sung", "Xác định lại dân tộc"))
        born = applicant.birth_date
        content = {
            "Cải chính": (f"Cải chính ngày sinh trong Giấy khai sinh từ "
                          f"{fmt_date(born + timedelta(days=rng.choice((-31, -9, 9, 31))))} thành "
                          f"{fmt_date(born)}"),
            "Thay đổi": (f"Thay đổi tên đệm từ «{rng.choice(MIDDLE[applicant.sex])[0]}» "
                         f"thành «{applicant.full_name.split()[1]}»"),
            "Bổ sung": "Bổ sung thông tin về quê quán trong Giấy khai sinh",
            "Xác định lại dân tộc": "Xác định lại dân tộc từ Kinh thành Tày theo dân tộc của mẹ",
        }[kind]
        book = {"ho_ten": applicant.full_name, "ngay_sinh": fmt_date(born),
                "so_dinh_danh": applicant.id_number, "loai_viec": kind, "noi_dung": content}
        return applicant, {"input": {**self._province_fee(proc), "request": content},
                           "book": book}

    def _build_birth_reregistration(self, proc: Procedure, on: date, er: float
                                    ) -> tuple[Person, dict[str, Any]]:
        applicant = self.applicant(on, er, age=(25, 85))
        book = {"ho_ten": applicant.full_name, "gioi_tinh": applicant.sex,
                "ngay_sinh": fmt_date(applicant.birth_date), "so_dinh_danh": applicant.id_number,
                "dang_ky_lai": True, "noi_dang_ky_truoc": self.people.other_commune(),
                "ghi_chu": "Sổ hộ tịch và bản chính Giấy khai sinh đều bị mất"}
        return applicant, {"input": self._province_fee(proc), "book": book}

    def _build_civil_status_extract_copy(self, proc: Procedure, on: date, er: float
                                         ) -> tuple[Person, dict[str, Any]]:
        rng = self.rng
        applicant = self.applicant(on, er)
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
        applicant = self.applicant(on, er)
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
        applicant = self.applicant(on, er)
        docs = rng.sample(SIGNED_DOCUMENTS, rng.choices((1, 2), (85, 15))[0])
        certify = [{"giay_to": d, "nguoi_ky": applicant.full_name,
                    "so_dinh_danh": applicant.id_number,
                    "hinh_thuc": "Ký" if rng.random() < 0.97 else "Điểm chỉ"} for d in docs]
        return applicant, {"input": {"copies": len(docs)}, "certify": certify}

    def _build_contract_certification(self, proc: Procedure, on: date, er: float
                                      ) -> tuple[Person, dict[str, Any]]:
        rng = self.rng
        applicant = self.applicant(on, er, age=(22, 75))
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
        applicant = self.applicant(on, er, age=(30, 85))
        docs = ("giay_xac_nhan_khuyet_tat",) if self.rng.random() < 0.4 else ()
        return applicant, {"documents": docs, "rejectable": True}

    def _build_household_business_registration(self, proc: Procedure, on: date, er: float
                                               ) -> tuple[Person, dict[str, Any]]:
        applicant = self.applicant(on, er, age=(20, 65))
        docs = ("bien_ban_hop",) if self.rng.random() < 0.2 else ()
        return applicant, {"input": self._province_fee(proc), "documents": docs,
                           "rejectable": True}

    def _build_generic(self, proc: Procedure, on: date, er: float
                       ) -> tuple[Person, dict[str, Any]]:
        """A procedure this generator does not know (a newer catalogue): plain data."""
        applicant = self.applicant(on, er)
        book = {"ho_ten": applicant.full_name, "noi_dung": proc.name} if proc.book_kind else None
        return applicant, {"input": self._province_fee(proc), "book": book}
