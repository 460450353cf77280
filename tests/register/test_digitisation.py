"""Digitisation on receipt (số hóa thành phần hồ sơ) and reuse of digitised data: recorded in the
receipt, folded into the report facts, counted by the Decision 766 index, printed by the CLI."""

from __future__ import annotations

import json
import subprocess
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from desktop.register import reports as R
from desktop.register.errors import ValidationError
from desktop.register.service import Register
from reports import IndexRules, ReportParams
from resources import resource_path
from tests.conftest import cli_env, local_time, motcua_command, table_counts, valid_input

NOVEMBER = ReportParams(date(2026, 11, 1), date(2026, 11, 30))
# What every receipt's payload held before the two flags existed (the register adds code and
# tracking when it writes the event).
RECEIPT_KEYS = {"procedure_code", "field_code", "catalogue_version", "applicant", "received_at",
                "documents", "sets", "request", "fee", "fee_amount", "fee_paid",
                "appointment_at", "result_place", "holder", "code", "tracking_entry",
                "tracking"}


def _receipt(reg: Register, code: str) -> dict[str, Any]:
    first = reg.history(code)[0]
    assert first.kind == "dossier.received"
    return first.payload


def at(day: int, hour: int = 9) -> datetime:
    return local_time(2026, 11, day, hour, 0)


def test_a_receipt_with_both_flags_keeps_them_in_its_event_and_the_dossier(
        register: Register) -> None:
    view = register.receive(valid_input(register, "certified_copy", digitised=True,
                                        reused_data=True), "canbo1")
    assert view.code is not None
    payload = _receipt(register, view.code)
    assert payload["digitised"] is True and payload["reused_data"] is True
    assert set(payload) == RECEIPT_KEYS | {"digitised", "reused_data"}
    stored = register.get(view.code)
    assert stored.details["digitised"] is True and stored.details["reused_data"] is True


def test_a_receipt_without_the_flags_has_the_payload_it_always_had(register: Register) -> None:
    plain = register.receive(valid_input(register, "certified_copy"), "canbo1")
    explicit = register.receive(valid_input(register, "certified_copy", digitised=False,
                                            reused_data=False), "canbo1")
    only_scanned = register.receive(valid_input(register, "certified_copy", digitised=True),
                                    "canbo1")
    for view in (plain, explicit):
        assert view.code is not None
        assert set(_receipt(register, view.code)) == RECEIPT_KEYS
        assert "digitised" not in register.get(view.code).details
    assert only_scanned.code is not None
    assert set(_receipt(register, only_scanned.code)) == RECEIPT_KEYS | {"digitised"}


@pytest.mark.parametrize("name", ["digitised", "reused_data"])
def test_a_flag_that_is_not_a_boolean_is_refused_and_writes_nothing(
        register: Register, name: str) -> None:
    before = table_counts(register.path)["events"]
    with pytest.raises(ValidationError) as caught:
        register.receive(valid_input(register, "certified_copy", **{name: "có"}), "canbo1")
    assert caught.value.field == name
    assert table_counts(register.path)["events"] == before


def _small_register(reg: Register) -> None:
    """Six dossiers received in November 2026 (three digitised, two of them reusing data; one
    reusing data without a scan) and one digitised in October (outside the period). Three
    finish and are returned, so the facts cache keeps them as grouped counts."""
    def receive(day: int, **flags: bool) -> str:
        view = reg.receive(valid_input(reg, "certified_copy", **flags), "canbo1", at=at(day))
        assert view.code is not None
        return view.code

    october = reg.receive(valid_input(reg, "certified_copy", digitised=True), "canbo1",
                          at=local_time(2026, 10, 30, 9, 0))
    assert october.code is not None
    done = [receive(2, digitised=True, reused_data=True), receive(3, digitised=True),
            receive(4)]
    receive(5, digitised=True, reused_data=True)
    receive(6, reused_data=True)
    receive(9)
    for code in (october.code, *done):
        reg.process(code, "approved", "canbo1", at=at(10))
        reg.return_result(code, "desk", "canbo1", at=at(10, 14))


def test_the_index_counts_digitised_and_reused_dossiers_received_in_the_period(
        register: Register) -> None:
    _small_register(register)
    cache = R.FactsCache(register)
    report = R.compute(register, "index", NOVEMBER, cache=cache)
    assert cache.verify() == []  # the grouped rows carry both flags
    t = report.total
    assert (t.received, t.digitised, t.reused) == (6, 3, 3)
    ind = {i.code: i for i in t.indicators}
    scanned, reused = ind["digitised_share"], ind["reuse_share"]
    assert (scanned.numerator, scanned.denominator) == (3, 6)
    assert scanned.value == pytest.approx(0.5)
    assert scanned.points == pytest.approx(8 * 0.5 / 0.8)  # max_points × value / full_at
    assert (reused.numerator, reused.denominator) == (3, 6)
    assert reused.points == pytest.approx(7 * 0.5 / 0.8)
    assert scanned.note == "hồ sơ tiếp nhận trong kỳ có thành phần hồ sơ được số hóa"
    assert "sử dụng lại dữ liệu đã số hóa" in reused.note
    october = R.compute(register, "index", ReportParams(date(2026, 10, 1),
                                                           date(2026, 10, 31)), cache=cache)
    assert (october.total.received, october.total.digitised, october.total.reused) == (1, 1, 0)
    assert {i.code: i for i in october.total.indicators}["digitised_share"].value == 1.0


def test_the_index_takes_its_thresholds_for_both_indicators_from_the_rules_file(
        register: Register) -> None:
    _small_register(register)
    doc = json.loads(resource_path("index", "decision-766-2022.json").read_text(
        encoding="utf-8"))
    for item in doc["indicators"]:
        if item["code"] in ("digitised_share", "reuse_share"):
            item["max_points"], item["full_at"] = 10, 0.5
    rules = IndexRules.from_document(doc)
    ind = {i.code: i for i in R.compute(register, "index", NOVEMBER, rules=rules
                                        ).total.indicators}
    assert ind["digitised_share"].points == pytest.approx(10)
    assert ind["reuse_share"].points == pytest.approx(10)


def test_motcua_report_index_prints_the_digitisation_indicators(register: Register,
                                                                 home: Path) -> None:
    _small_register(register)
    register.close()  # the command opens the register itself
    out = home / "index.json"
    done = subprocess.run([*motcua_command(), "report", "index", "--from", "2026-11-01",
                           "--to", "2026-11-30", "--format", "json", "--out", str(out)],
                          capture_output=True, text=True, env=cli_env(home), timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    total = json.loads(out.read_text(encoding="utf-8"))["data"]["total"]
    ind = {i["code"]: i for i in total["indicators"]}
    assert (ind["digitised_share"]["numerator"], ind["digitised_share"]["denominator"],
            ind["digitised_share"]["value"]) == (3, 6, 0.5)
    assert (ind["reuse_share"]["numerator"], ind["reuse_share"]["denominator"],
            ind["reuse_share"]["value"]) == (3, 6, 0.5)
    assert (total["digitised"], total["reused"]) == (3, 3)
