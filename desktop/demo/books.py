"""Book entries of the demo dossiers, read from the book kinds' field schemas in the catalogue.

The builders of ``dossiers`` give what each story knows (the child, the spouses, the certified
papers) under the schema's keys; ``BookFiller`` completes the entry with a value for every
other field of the book kind's schema, by the field's prefill source or its type, so a demo
register prints books with every column filled. A newer catalogue whose books have other
fields still gets complete entries. The filler draws from a random stream of its own: the main
stream, and so every dossier of a seed, does not depend on the books' schemas.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from desktop.demo.people import People, Person
from desktop.demo.tables import fmt_date
from desktop.register.catalogue import BookKind, EntryField
from desktop.register.entry_validation import FLAG_YES  # a set yes/no field; unset is left out

DEMO_NOTE = "Dữ liệu mẫu (motcua demo-data), không có giá trị pháp lý"
LEGAL_BASIS = "Luật Hộ tịch năm 2014; Nghị định số 123/2015/NĐ-CP"
SIGNER_TITLES = ("Chủ tịch", "Phó Chủ tịch", "Phó Chủ tịch")
# Key parts that say whose value a field holds: women, men.
FEMALE_HINTS = ("_me", "_vo")
MALE_HINTS = ("_cha", "_chong")


class BookFiller:
    """Completes entry data with a value for every field of a book kind's schema."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.people = People(rng)
        # Who signs the certifications (người ký chứng thực): the commune's chairperson and
        # deputies, made once per generator.
        self.signers = tuple(
            f"{self.people.name(rng.choice(('Nam', 'Nữ')))}, {title}" for title in SIGNER_TITLES)
        self.dropped: set[tuple[str, str]] = set()  # (book kind, key) no field of it defines

    def entry(self, kind: BookKind, given: Mapping[str, Any], applicant: Person,
              on: date) -> dict[str, Any]:
        """`given` under the schema's keys, every other field filled; blanks ("") left out.

        A key the builder set to "" stays blank on purpose (a father nobody declared). Keys the
        schema does not know are dropped and remembered in ``dropped``: their values would
        never be printed.
        """
        if not kind.has_schema:
            return dict(given)
        data = kind.canonical(given)
        for key in kind.unknown_keys(data):
            self.dropped.add((kind.code, key))
            del data[key]
        signer = self.rng.choice(self.signers)
        for f in kind.fields:
            if f.key not in data:
                data[f.key] = self.value(f, applicant, on, signer)
        return {k: v for k, v in data.items() if v not in ("", None)}

    def entries(self, kind: BookKind, documents: Sequence[Mapping[str, Any]],
                applicant: Person, on: date) -> list[dict[str, Any]]:
        """One entry per certified document (the book gives each its own number)."""
        return [self.entry(kind, d, applicant, on) for d in documents]

    # --- one value

    def value(self, f: EntryField, applicant: Person, on: date, signer: str) -> Any:
        """A value for field `f`: from the applicant when the schema pre-fills it, else by type."""
        if f.prefill is not None:
            return self._prefilled(f, applicant)
        key, rng = f.key, self.rng
        if f.type == "sex":
            return rng.choice(("Nam", "Nữ"))
        if f.type == "date":
            if "sinh" in key:
                return fmt_date(self.people.birth_date(on, 18, 80))
            return fmt_date(on - timedelta(days=rng.randint(1, 1000)))
        if f.type == "datetime":
            day = on - timedelta(days=rng.randint(1, 30))
            return f"{fmt_date(day)} {rng.randint(7, 17):02d}:{rng.randrange(60):02d}"
        if f.type == "time":
            return f"{rng.randint(0, 23):02d}:{rng.randrange(60):02d}"
        if f.type == "flag":
            return FLAG_YES if rng.random() < 0.1 else ""
        if f.type == "year":
            return on.year - rng.randint(20, 60)
        if f.type == "number":
            return rng.choice((1, 1, 2, 3))
        if f.type == "money":
            return rng.choice((8_000, 10_000, 15_000))
        if f.type == "id_number":
            sex = self._sex_of(key)
            return self.people.id_number(self.people.birth_date(on, 18, 80), sex)
        return self._text(f, on, signer)

    def _prefilled(self, f: EntryField, applicant: Person) -> Any:
        source = f.prefill
        if source == "name":
            return applicant.full_name
        if source == "birth_date":
            return fmt_date(applicant.birth_date)
        if source == "sex":
            return applicant.sex
        if source == "address":
            return applicant.address
        # id_number: the bare number in a number field, the paper in a text field.
        return applicant.id_number if f.type == "id_number" else (
            f"Căn cước số {applicant.id_number}")

    def _sex_of(self, key: str) -> str:
        if any(h in key for h in FEMALE_HINTS):
            return "Nữ"
        if any(h in key for h in MALE_HINTS):
            return "Nam"
        return self.rng.choice(("Nam", "Nữ"))

    def _text(self, f: EntryField, on: date, signer: str) -> str:
        key = f.key
        if key == "ghi_chu" or f.type == "long_text":
            return DEMO_NOTE
        if key == "nguoi_ky_chung_thuc":
            return signer
        if "dan_toc" in key:
            return "Kinh"
        if "quoc_tich" in key:
            return "Việt Nam"
        if key.startswith("giay_to") or "giay_to_tuy_than" in key:
            sex = self._sex_of(key)
            return f"Căn cước số {self.people.id_number(self.people.birth_date(on, 18, 80), sex)}"
        if "cu_tru" in key or key.startswith("noi_"):
            return self.people.address()
        if key == "que_quan":
            return self.people.address("elsewhere").split(", ", 1)[-1]
        if key == "can_cu":
            return LEGAL_BASIS
        if key.startswith(("ho_ten", "nguoi_")):
            return self.people.name(self._sex_of(key))
        return f"{f.label_vi} ({DEMO_NOTE.split(' (')[0].lower()})"
