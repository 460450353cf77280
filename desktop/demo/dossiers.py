"""What each procedure's demo dossier holds: the applicant, input fields, papers and book data."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from desktop.demo.books import FLAG_YES, BookFiller
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
from desktop.register.catalogue import BookKind, Procedure
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

    def __init__(self, rng: random.Random, people: People, filler: BookFiller):
        self.rng = rng
        self.people = people
        self.filler = filler
        self.extra = filler.rng  # the book stream: values the main stream never drew
        self.book_people = filler.people
        self.returning: list[Person] = []  # applicants who come back for another dossier
        self._contracts = 0

    def build(self, proc: Procedure, on: date, email_rate: float,
              kind: BookKind | None = None) -> tuple[Person, dict[str, Any]]:
        """The applicant and extras; book entries completed from `kind`'s field schema."""
        builder = getattr(self, f"_build_{proc.code}", self._build_generic)
        applicant, extra = builder(proc, on, email_rate)
        if kind is not None:
            if extra.get("book") is not None:
                extra["book"] = self.filler.entry(kind, extra["book"], applicant, on)
            if extra.get("certify"):
                extra["certify"] = self.filler.entries(kind, extra["certify"], applicant, on)
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

    # Each builder draws from the main stream exactly what it drew before entry schemas were
    # data (so every dossier of a seed stays the same); values added since then come from the
    # book stream (self.extra). Book data uses the schema's keys; BookFiller adds the rest.

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
        birthplace = f"{rng.choice(HOSPITALS)}, Thành phố Hà Nội"
        child_id = people.id_number(born, sex, "001")
        book: dict[str, Any] = {
            "ho_ten": child_name, "gioi_tinh": sex, "ngay_sinh": fmt_date(born),
            "noi_sinh": birthplace, "que_quan": hometown(father if married else mother),
            "dan_toc": "Kinh", "quoc_tich": "Việt Nam", "so_dinh_danh": child_id,
            **parent(mother, "me"),
            **(parent(father, "cha") if married else {f"{k}_cha": "" for k in PARENT_KEYS}),
            "nguoi_di_khai": applicant.full_name,
            "quan_he": "Cha" if applicant is father else "Mẹ",
            "giay_to_nguoi_di_khai": identity(applicant),
            "dang_ky_qua_han": FLAG_YES if late else "", "dang_ky_lai": "",
            "noi_dang_ky_truoc": "",
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
        hour, minute = rng.randint(0, 23), rng.randrange(60)
        at_home = rng.random() < 0.55
        place = deceased.address if at_home else f"{rng.choice(HOSPITALS[2:])}, Thành phố Hà Nội"
        issuer = "Trạm Y tế phường Hoàn Kiếm" if at_home else place.split(",")[0]
        book = {
            "ho_ten": deceased.full_name, "ngay_sinh": fmt_date(deceased.birth_date),
            "gioi_tinh": deceased.sex, "dan_toc": "Kinh", "quoc_tich": "Việt Nam",
            "so_dinh_danh": deceased.id_number, "noi_cu_tru": deceased.address,
            "ngay_chet": fmt_date(died), "gio_chet": f"{hour:02d}:{minute:02d}",
            "noi_chet": place,
            "nguyen_nhan": rng.choice(CAUSES_OF_DEATH),
            "giay_bao_tu": (f"Giấy báo tử số {self.extra.randint(1, 400)}/GBT do {issuer} cấp "
                            f"ngày {fmt_date(died + timedelta(days=self.extra.randint(0, 2)))}"),
            "nguoi_di_khai": applicant.full_name, "quan_he": relation,
            "giay_to_nguoi_di_khai": identity(applicant),
            **({"ghi_chu": "Đăng ký khai tử quá hạn"} if late else {}),
        }
        return applicant, {"input": fee, "book": book}

    def _build_marriage_registration(self, proc: Procedure, on: date, er: float
                                     ) -> tuple[Person, dict[str, Any]]:
        people = self.people
        groom = people.person(on, sex="Nam", age=(22, 40), email_rate=er)
        bride = people.person(on, sex="Nữ", age=(20, 38), email_rate=er)
        applicant = groom if self.rng.random() < 0.5 else bride
        book = {**spouse(groom, "chong"), **spouse(bride, "vo")}
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
                "gioi_tinh": applicant.sex, "so_dinh_danh": applicant.id_number,
                "noi_cu_tru": applicant.address, "tinh_trang": text, "muc_dich": purpose}
        docs = ("giay_to_cham_dut_hon_nhan",) if status in ("divorced", "widowed") else ()
        return applicant, {"input": self._province_fee(proc), "documents": docs, "book": book}

    def _build_parent_child_recognition(self, proc: Procedure, on: date, er: float
                                        ) -> tuple[Person, dict[str, Any]]:
        rng, people = self.rng, self.people
        parent_ = self.applicant(on, er, age=(25, 60))
        child_sex = rng.choice(("Nam", "Nữ"))
        child = people.person(on, sex=child_sex, age=(0, 30), family=parent_.family
                              if parent_.sex == "Nam" else None, where="here")
        book = {**party(parent_, "nguoi_nhan"), "giay_to_nguoi_nhan": identity(parent_),
                **party(child, "nguoi_duoc_nhan"),
                "quan_he": ("Cha nhận con" if parent_.sex == "Nam" else "Mẹ nhận con")}
        return parent_, {"input": self._province_fee(proc), "book": book}

    def _build_guardianship_registration(self, proc: Procedure, on: date, er: float
                                         ) -> tuple[Person, dict[str, Any]]:
        people = self.people
        guardian = self.applicant(on, er, age=(30, 70))
        ward = people.person(on, age=(2, 15), family=guardian.family, where="here")
        kind = self.rng.choice(("Giám hộ đương nhiên", "Giám hộ cử"))
        book = {**party(guardian, "nguoi_giam_ho"), "giay_to_giam_ho": identity(guardian),
                **party(ward, "nguoi_duoc_giam_ho"), "noi_dung": "Đăng ký giám hộ",
                "loai_giam_ho": kind, "can_cu": GUARDIANSHIP_BASIS[kind]}
        return guardian, {"input": self._province_fee(proc), "book": book}

    def _build_guardianship_termination(self, proc: Procedure, on: date, er: float
                                        ) -> tuple[Person, dict[str, Any]]:
        guardian = self.applicant(on, er, age=(35, 75))
        ward = self.people.person(on, age=(18, 19), family=guardian.family, where="here")
        kind = self.extra.choice(("Giám hộ đương nhiên", "Giám hộ cử"))
        book = {**party(guardian, "nguoi_giam_ho"), "giay_to_giam_ho": identity(guardian),
                **party(ward, "nguoi_duoc_giam_ho"), "noi_dung": "Chấm dứt giám hộ",
                "loai_giam_ho": kind,
                "can_cu": "Người được giám hộ đã đủ 18 tuổi và có đầy đủ năng lực hành vi dân "
                          "sự (Điều 62 Bộ luật Dân sự năm 2015)"}
        return guardian, {"input": self._province_fee(proc), "book": book}

    def _build_civil_status_change(self, proc: Procedure, on: date, er: float
                                   ) -> tuple[Person, dict[str, Any]]:
        rng = self.rng
        applicant = self.applicant(on, er)
        kind = rng.choice(("Cải chính", "Thay đổi", "Bổ sung", "Xác định lại dân tộc"))
        born = applicant.birth_date
        wrong = born + timedelta(days=rng.choice((-31, -9, 9, 31)))
        old_middle = rng.choice(MIDDLE[applicant.sex])[0]
        new_middle = applicant.full_name.split()[1]
        home = hometown(applicant)
        before, after, content = {
            "Cải chính": (fmt_date(wrong), fmt_date(born),
                          f"Cải chính ngày sinh trong Giấy khai sinh từ {fmt_date(wrong)} thành "
                          + fmt_date(born)),
            "Thay đổi": (old_middle, new_middle,
                         f"Thay đổi tên đệm từ «{old_middle}» thành «{new_middle}»"),
            "Bổ sung": ("Không có thông tin", home,
                        "Bổ sung thông tin về quê quán trong Giấy khai sinh"),
            "Xác định lại dân tộc": (
                "Kinh", "Tày", "Xác định lại dân tộc từ Kinh thành Tày theo dân tộc của mẹ"),
        }[kind]
        book = {"ho_ten": applicant.full_name, "ngay_sinh": fmt_date(born),
                "so_dinh_danh": applicant.id_number, "loai_viec": kind, "noi_dung": content,
                "tu": before, "thanh": after, "can_cu": CIVIL_STATUS_BASIS,
                "nguoi_yeu_cau": applicant.full_name,
                "giay_to_nguoi_yeu_cau": identity(applicant)}
        return applicant, {"input": {**self._province_fee(proc), "request": content},
                           "book": book}

    def _build_birth_reregistration(self, proc: Procedure, on: date, er: float
                                    ) -> tuple[Person, dict[str, Any]]:
        applicant = self.applicant(on, er, age=(25, 85))
        first = self.people.other_commune()
        born = applicant.birth_date
        mother = self.book_people.person(born, sex="Nữ", age=(19, 40), where="here")
        father = self.book_people.person(born, sex="Nam", age=(21, 45), where="here",
                                         family=applicant.family)
        book = {"ho_ten": applicant.full_name, "gioi_tinh": applicant.sex,
                "ngay_sinh": fmt_date(born), "noi_sinh": first.removeprefix("Ủy ban nhân dân "),
                "que_quan": hometown(applicant), "dan_toc": "Kinh", "quoc_tich": "Việt Nam",
                "so_dinh_danh": applicant.id_number,
                **parent(mother, "me"), **parent(father, "cha"),
                "nguoi_di_khai": applicant.full_name, "quan_he": "Bản thân",
                "giay_to_nguoi_di_khai": identity(applicant),
                "dang_ky_qua_han": "", "dang_ky_lai": FLAG_YES, "noi_dang_ky_truoc": first,
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
        year = on.year - self.extra.randint(1, 40) if kind == "khai sinh" else on.year - 1
        book = {"nguoi_yeu_cau": applicant.full_name, "giay_to_tuy_than": identity(applicant),
                "loai_trich_luc": f"Bản sao trích lục {kind}",
                "nguoi_duoc_cap": "" if subject == applicant.full_name else subject,
                "so_dang_ky_goc": (f"Số {self.extra.randint(1, 300)}, quyển "
                                   f"{self.extra.randint(1, 3):02d}/{year}"),
                "so_ban": copies, "le_phi": copies * (proc.fee.amount or 0)}
        return applicant, {"input": {"copies": copies}, "book": book}

    def _build_certified_copy(self, proc: Procedure, on: date, er: float
                              ) -> tuple[Person, dict[str, Any]]:
        rng = self.rng
        applicant = self.applicant(on, er)
        originals = rng.sample(COPY_DOCUMENTS, rng.choices((1, 2, 3), (60, 30, 10))[0])
        certify: list[dict[str, Any]] = []
        for name in originals:
            copies = rng.choices((1, 2, 3, 5), (40, 35, 15, 10))[0]
            pages = rng.choices((1, 2, 4, 8), (60, 25, 10, 5))[0]
            certify.append({"nguoi_yeu_cau": applicant.full_name,
                            "giay_to_tuy_than": identity(applicant), "giay_to": name,
                            "so_ban": copies, "so_trang": pages,
                            "le_phi": copies * copy_fee(proc, pages)})
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
        certify = [{"nguoi_yeu_cau": applicant.full_name,
                    "giay_to_tuy_than": identity(applicant), "giay_to": d,
                    "hinh_thuc": "Ký" if rng.random() < 0.97 else "Điểm chỉ",
                    "so_ban": self.extra.choice((1, 1, 2, 3)),
                    "le_phi": proc.fee.amount or 0} for d in docs]
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
        certify = [{"giay_to": title, "tai_san": what,
                    "ben_a": f"{applicant.full_name}, {identity(applicant)}",
                    "ben_b": f"{other.full_name}, {identity(other)}",
                    "ben_khac": self._third_party(on),
                    "nguoi_yeu_cau": applicant.full_name,
                    "giay_to_tuy_than": identity(applicant),
                    "so_ban": self.extra.choice((2, 3, 4)), "le_phi": proc.fee.amount or 0}]
        return applicant, {"certify": certify}

    def _third_party(self, on: date) -> str:
        """A co-owner signing beside the parties of every fourth contract, from the first."""
        self._contracts += 1
        if self._contracts % 4 != 1:
            return ""
        third = self.book_people.person(on, age=(22, 75))
        return f"{third.full_name}, {identity(third)} (đồng sở hữu)"

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
        """A procedure this generator does not know (a newer catalogue): its book's schema."""
        applicant = self.applicant(on, er)
        book: dict[str, Any] | None = {} if proc.book_kind else None
        return applicant, {"input": self._province_fee(proc), "book": book}


PARENT_KEYS = ("ho_ten", "nam_sinh", "dan_toc", "quoc_tich", "noi_cu_tru")
GUARDIANSHIP_BASIS = {
    "Giám hộ đương nhiên": "Điều 52 Bộ luật Dân sự năm 2015 (người giám hộ đương nhiên)",
    "Giám hộ cử": "Điều 54 Bộ luật Dân sự năm 2015; văn bản cử người giám hộ",
}
CIVIL_STATUS_BASIS = "Điều 7 Luật Hộ tịch năm 2014; Điều 28 Nghị định số 123/2015/NĐ-CP"


def identity(person: Person) -> str:
    """A person's identity paper as a book writes it."""
    return f"Căn cước số {person.id_number}"


def hometown(person: Person) -> str:
    """A place of origin (quê quán): the commune and province of the person's address."""
    return person.address.split(", ", 1)[-1]


def parent(person: Person, suffix: str) -> dict[str, Any]:
    """A mother's ("me") or father's ("cha") columns of a birth book."""
    return {f"ho_ten_{suffix}": person.full_name, f"nam_sinh_{suffix}": person.birth_date.year,
            f"dan_toc_{suffix}": "Kinh", f"quoc_tich_{suffix}": "Việt Nam",
            f"noi_cu_tru_{suffix}": person.address}


def spouse(person: Person, suffix: str) -> dict[str, Any]:
    """A husband's ("chong") or wife's ("vo") columns of the marriage book."""
    return {f"ho_ten_{suffix}": person.full_name,
            f"ngay_sinh_{suffix}": fmt_date(person.birth_date), f"dan_toc_{suffix}": "Kinh",
            f"quoc_tich_{suffix}": "Việt Nam", f"noi_cu_tru_{suffix}": person.address,
            f"giay_to_{suffix}": identity(person)}


def party(person: Person, role: str) -> dict[str, Any]:
    """A person's name, birth date, number and residence under a role's keys."""
    return {role: person.full_name, f"ngay_sinh_{role}": fmt_date(person.birth_date),
            f"so_dinh_danh_{role}": person.id_number, f"noi_cu_tru_{role}": person.address}


def copy_fee(proc: Procedure, pages: int) -> int:
    """The fee of one certified copy of `pages` pages, by the catalogue's page tiers."""
    fee = proc.fee
    total = 0
    for tier in fee.per_page:
        last = pages if tier.to_page is None else min(pages, tier.to_page)
        if last >= tier.from_page:
            total += (last - tier.from_page + 1) * tier.amount
    if fee.max_per_copy is not None:
        total = min(total, fee.max_per_copy)
    return total + (fee.amount or 0)
