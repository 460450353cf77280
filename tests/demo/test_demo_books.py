"""The demo's book entries come from the book kinds' schemas: every field, by its type."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date

import pytest

from desktop.demo import DemoGenerator, prepare_register
from desktop.demo.books import BookFiller
from desktop.demo.people import People
from desktop.register.catalogue import FIELD_TYPES, BookColumn, BookKind, EntryField
from desktop.register.entry_validation import validate_entry
from desktop.register.service import Register


@pytest.fixture(scope="module")
def generator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoGenerator]:
    home = tmp_path_factory.mktemp("demo-books")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MOTCUA_HOME", str(home))
        reg = Register.open(home / "register.sqlite3")
        prepare_register(reg)
        yield DemoGenerator(reg, 2026, ("tn.hoa", "tp.quynh"), 1.0)
        reg.close()


def _planned_books(gen: DemoGenerator, n: int) -> list[tuple[BookKind, dict[str, object]]]:
    """Every entry the plan of `n` dossiers would write, with its book kind."""
    out = []
    for sk in gen.skeletons(n):
        case = gen.case(sk)
        catalogue = gen.reg.catalogue(sk.at.date())
        for step in case.steps:
            if step.method == "add_logbook_entry":
                out.append((catalogue.book_kind(step.args[0]), step.args[1]))
            elif step.method == "certify":
                kind = catalogue.book_kind(step.args[0])
                out += [(kind, d) for d in step.args[1]]
    return out


def test_the_builders_use_only_keys_the_schemas_define(generator: DemoGenerator) -> None:
    planned = _planned_books(generator, 400)
    assert {k.code for k, _ in planned} >= {"KS", "KT", "KH", "XNHN", "NCMC", "GH", "TDCC",
                                             "BSTL", "SCT_BS", "SCT_CK_DC", "SCT_HD_GD"}
    assert generator.books.dropped == set()
    for kind, data in planned:
        assert validate_entry(kind, data) == {k: str(v) for k, v in data.items()}, kind.code


def _kind_with_every_type() -> BookKind:
    """A book kind of a newer catalogue the builders know nothing about."""
    fields = tuple(EntryField(key=f"truong_{t}", label_vi=f"Trường {t}", label_en=f"Field {t}",
                              type=t, required=t != "flag", column="noi_dung")
                   for t in FIELD_TYPES)
    prefilled = (EntryField(key="ten_nguoi_nop", label_vi="Người nộp", label_en="Applicant",
                            prefill="name", column="noi_dung"),
                 EntryField(key="giay_to_nguoi_nop", label_vi="Giấy tờ", label_en="Paper",
                            prefill="id_number", column="noi_dung"))
    return BookKind(code="SO_MOI", name="Sổ mới", group="civil_status", symbol=None,
                    restart_yearly=True,
                    columns=(BookColumn("so", "Số", 10, "number"),
                             BookColumn("noi_dung", "Nội dung", 80)),
                    fields=fields + prefilled)


def test_a_book_of_a_newer_catalogue_gets_a_valid_value_for_every_field() -> None:
    kind = _kind_with_every_type()
    filler = BookFiller(random.Random(1))
    applicant = People(random.Random(2)).person(date(2026, 5, 4))
    for _ in range(50):
        data = filler.entry(kind, {}, applicant, date(2026, 5, 4))
        cleaned = validate_entry(kind, data)  # refuses a value of the wrong form
        assert cleaned == {k: str(v) for k, v in data.items()}
        assert {f.key for f in kind.fields if f.type != "flag"} <= set(data)
        assert data["ten_nguoi_nop"] == applicant.full_name
        assert data["giay_to_nguoi_nop"] == f"Căn cước số {applicant.id_number}"


def test_what_a_story_knows_is_kept_and_blank_on_purpose_stays_blank() -> None:
    kind = _kind_with_every_type()
    filler = BookFiller(random.Random(3))
    applicant = People(random.Random(4)).person(date(2026, 5, 4))
    data = filler.entry(kind, {"truong_text": "Giá trị của câu chuyện", "truong_number": ""},
                        applicant, date(2026, 5, 4))
    assert data["truong_text"] == "Giá trị của câu chuyện"
    assert "truong_number" not in data


def test_unknown_keys_are_dropped_and_reported() -> None:
    kind = _kind_with_every_type()
    filler = BookFiller(random.Random(5))
    applicant = People(random.Random(6)).person(date(2026, 5, 4))
    data = filler.entry(kind, {"khong_co": "x"}, applicant, date(2026, 5, 4))
    assert "khong_co" not in data
    assert filler.dropped == {("SO_MOI", "khong_co")}
