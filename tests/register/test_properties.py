"""Property tests (hypothesis) against real register files: lifecycle invariants and junk input."""

from __future__ import annotations

import dataclasses
import re
import shutil
import tempfile
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    rule,
    run_state_machine_as_test,
)

from desktop.register.errors import RegisterError
from desktop.register.service import Register
from desktop.register.views import ApplicantInput, DossierInput
from sync.errors import KnownError
from sync.lifecycle import TERMINAL_STATES, Status
from tests.conftest import AGENCY, FixedClock, local_time, open_register, table_counts, valid_input

CODE_RE = re.compile(rf"^{re.escape(AGENCY)}-\d{{6}}-\d{{4,}}$")
PROCEDURES = ("marital_status_confirmation", "birth_registration", "certified_copy",
              "contract_certification", "civil_status_change", "monthly_social_allowance")
FINISHED = {int(s) for s in TERMINAL_STATES}  # refused, withdrawn, stopped, returned


# --- random lifecycle sequences ----------------------------------------------------------------


class LifecycleMachine(RuleBasedStateMachine):
    """Random steps on a few dossiers of a real register; every refusal must write nothing."""

    dossiers = Bundle("dossiers")

    def __init__(self) -> None:
        super().__init__()
        self.home = Path(tempfile.mkdtemp(prefix="motcua-prop-"))
        self.clock = FixedClock(local_time(2026, 11, 16, 8, 0))
        self.reg = open_register(self.home / "register.sqlite3", self.clock,
                                 auto_backup=False)

    def teardown(self) -> None:
        try:
            if hasattr(self, "reg"):
                report = self.reg.check()
                assert report.ok, report.text()
                self.reg.close()
        finally:
            shutil.rmtree(self.home, ignore_errors=True)

    # Every step goes through here: a refused step must leave the file exactly as it was.
    def _step(self, code: str, action: Any, *, must_refuse: bool = False) -> None:
        before = self.reg.get(code)
        counts = table_counts(self.reg.path)
        try:
            after = action()
        except KnownError as exc:  # a RegisterError, or a TransitionError of the table
            assert exc.message_vi.strip()
            assert table_counts(self.reg.path) == counts
            assert self.reg.get(code) == before
            return
        assert not must_refuse, f"the rules should have refused this step on {before}"
        assert table_counts(self.reg.path)["events"] > counts["events"]
        self._check_transition(before, after)

    def _check_transition(self, before: Any, after: Any) -> None:
        assert after.status in range(1, 11)
        assert after == dataclasses.replace(self.reg.get(after.code), warnings=after.warnings)
        if before.status in FINISHED:
            assert after.status == before.status  # a finished dossier never reopens
            assert after.finished_at == before.finished_at
            assert after.due_at == before.due_at
        if before.status == Status.PROCESSED:
            assert after.status in (Status.PROCESSED, Status.RETURNED)
        if before.finished_at is not None:
            assert after.finished_at == before.finished_at
        if before.result_at is not None:
            assert after.result_at == before.result_at
        assert after.supplement_count >= before.supplement_count
        assert after.extension_count <= 1
        if after.supplement_count >= 2:
            assert after.late_forced and after.late
        if after.late_forced:
            assert after.supplement_count >= 2

    @rule(target=dossiers, procedure=st.sampled_from(PROCEDURES), channel=st.integers(1, 3))
    def receive(self, procedure: str, channel: int) -> str:
        v = self.reg.receive(valid_input(self.reg, procedure, channel=channel), "canbo1")
        assert v.status == Status.RECEIVED and CODE_RE.match(v.code)
        return v.code

    @rule(hours=st.integers(1, 60))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(hours=hours)

    @rule(code=dossiers)
    def hand_over(self, code: str) -> None:
        self._step(code, lambda: self.reg.hand_over(code, "Công chức Tư pháp", "canbo1"))

    @rule(code=dossiers, with_reason=st.booleans())
    def request_supplement(self, code: str, with_reason: bool) -> None:
        again = self.reg.get(code).supplement_count >= 1
        reason = "Bản chụp không đọc được" if with_reason else ""
        self._step(code, lambda: self.reg.request_supplement(
            code, ["Tờ khai"], "Thiếu", "canbo2", second_request_reason=reason),
            must_refuse=again and not with_reason)

    @rule(code=dossiers)
    def receive_supplement(self, code: str) -> None:
        self._step(code, lambda: self.reg.receive_supplement(code, "canbo1"))

    @rule(code=dossiers, amount=st.integers(0, 200_000))
    def request_financial(self, code: str, amount: int) -> None:
        self._step(code, lambda: self.reg.request_financial(code, amount, "canbo2"))

    @rule(code=dossiers, amount=st.integers(0, 200_000), online=st.booleans())
    def fee_paid(self, code: str, amount: int, online: bool) -> None:
        self._step(code, lambda: self.reg.record_fee_paid(code, amount, "canbo1",
                                                          online=online))

    @rule(code=dossiers, outcome=st.sampled_from(["approved", "rejected", "maybe"]))
    def process(self, code: str, outcome: str) -> None:
        self._step(code, lambda: self.reg.process(code, outcome, "canbo2"),
                   must_refuse=outcome == "maybe")

    @rule(code=dossiers, method=st.sampled_from(["desk", "electronic", "fax"]))
    def return_result(self, code: str, method: str) -> None:
        self._step(code, lambda: self.reg.return_result(code, method, "canbo1"),
                   must_refuse=method == "fax")

    @rule(code=dossiers, days=st.integers(-2, 10), apology=st.booleans())
    def reschedule(self, code: str, days: int, apology: bool) -> None:
        v = self.reg.get(code)
        new_due = (v.due_at or self.clock()) + timedelta(days=days)
        self._step(code, lambda: self.reg.reschedule(
            code, new_due, "Xin lỗi ông/bà vì chậm trễ" if apology else "", "truongbp"),
            must_refuse=v.extension_count >= 1 or not apology or days <= 0)

    @rule(code=dossiers)
    def withdraw(self, code: str) -> None:
        self._step(code, lambda: self.reg.withdraw(code, "Công dân rút hồ sơ", "canbo1"))

    @rule(code=dossiers)
    def stop(self, code: str) -> None:
        has_result = self.reg.get(code).result_at is not None
        self._step(code, lambda: self.reg.stop(code, "Công dân đề nghị dừng", "canbo1"),
                   must_refuse=has_result)

    @rule(code=dossiers)
    def refuse(self, code: str) -> None:
        self._step(code, lambda: self.reg.refuse(code, ["Không đúng thẩm quyền"], "canbo1"))

    @rule(code=dossiers, rating=st.sampled_from(["satisfied", "dissatisfied", "meh"]))
    def rate(self, code: str, rating: str) -> None:
        self._step(code, lambda: self.reg.rate(code, rating, "canbo1"),
                   must_refuse=rating == "meh")

    @rule(code=dossiers)
    def complain(self, code: str) -> None:
        self._step(code, lambda: self.reg.complain(code, "Chậm trả kết quả", "canbo1"))


def test_random_lifecycle_sequences_keep_the_rules_and_rebuild_to_the_same_state(
        home: Path) -> None:
    run_state_machine_as_test(
        LifecycleMachine,
        settings=settings(max_examples=50, stateful_step_count=25, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow]))


# --- junk in every input field -----------------------------------------------------------------

ODD_TEXT = st.one_of(
    st.text(),
    st.text(st.characters(codec="utf-8"), min_size=150, max_size=3000),  # very long
    st.text(st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Co", "Mn"])),  # invisible
    st.builds(lambda s: unicodedata.normalize("NFD", s),
              st.sampled_from(["Nguyễn Văn Dũng", "Đặng Thị Ánh", "Lê Hữu Phước"])),
    st.sampled_from([
        "", " ", "\t\n", "\x00", "Nguyễn\x00Văn", "Trần\u202eThị", "\ud800", "A\udfffB",
        "😀😀", "Nguyễn\u200bVăn", "x" * 100_000, "001098012345", "００１０９８０１２３４５",
        "٠٠١٠٩٨٠١٢٣٤٥", "0912345678", "+84 912 345 678", "a@b.vn", "15/03/1998",
        "31/02/1998", "29/02/2000", "1899-12-31", "2099-01-01", "Nam", "Nữ", "ban_chinh",
        "to_khai", "marital_status_confirmation", "DROP TABLE dossiers;--", "'\"",
    ]),
)
ODD_MOMENTS = st.one_of(
    st.datetimes(),  # naive
    st.datetimes(timezones=st.just(UTC)),
    st.datetimes(min_value=datetime(2025, 7, 2), max_value=datetime(2026, 11, 16),
                 timezones=st.sampled_from([UTC, timezone(timedelta(hours=7)),
                                            timezone(timedelta(hours=-11))])),
    st.sampled_from([datetime.min.replace(tzinfo=timezone(timedelta(hours=14))),
                     datetime.max.replace(tzinfo=timezone(timedelta(hours=-14)))]),
)
JUNK = st.one_of(
    ODD_TEXT, st.none(), st.booleans(), st.integers(), st.integers(-2**70, 2**70),
    st.floats(), st.binary(max_size=16), ODD_MOMENTS, st.dates(),
    st.lists(st.one_of(ODD_TEXT, st.integers()), max_size=3).map(tuple),
    st.lists(st.text(max_size=5), max_size=3),
)


def mostly(typed: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Values of the field's own type three times out of four, anything at all otherwise."""
    return st.one_of(typed, typed, typed, JUNK)


NAMES = st.sampled_from(["Nguyễn Văn Dũng", "Đặng Thị Ánh", "Lê Hữu Phước", "Ka Lan",
                         "H'Hen Niê", "Nguyễn Thị Phương Thảo Nguyên"])
DIGITS = st.text("0123456789", min_size=0, max_size=14)
APPLICANT_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "full_name": mostly(st.one_of(NAMES, ODD_TEXT)),
    "id_number": mostly(st.one_of(DIGITS, ODD_TEXT, st.none())),
    "birth_date": mostly(st.one_of(st.dates(), ODD_TEXT, st.none(),
                                   st.dates().map(lambda d: d.strftime("%d/%m/%Y")))),
    "sex": mostly(st.one_of(st.sampled_from(["Nam", "Nữ", "nam", "NỮ", "khác"]), ODD_TEXT)),
    "address": mostly(st.one_of(ODD_TEXT, st.none())),
    "phone": mostly(st.one_of(DIGITS, ODD_TEXT, st.none())),
    "email": mostly(st.one_of(ODD_TEXT, st.none(), st.emails())),
}
CODES = st.sampled_from(PROCEDURES + ("unknown_procedure",))
DOSSIER_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "procedure_code": mostly(st.one_of(CODES, ODD_TEXT)),
    "channel": mostly(st.integers(-1, 4)),
    "authorisation": mostly(ODD_TEXT),
    "request": mostly(ODD_TEXT),
    "documents": mostly(st.lists(st.one_of(
        st.sampled_from(["to_khai", "giay_to_tuy_than", "ban_chinh", "giay_chung_sinh"]),
        ODD_TEXT), max_size=4).map(tuple)),
    "sets": mostly(st.integers(-2, 25)),
    "pages": mostly(st.integers(-2, 12_000)),
    "copies": mostly(st.integers(-2, 1_200)),
    "exemptions": mostly(st.lists(ODD_TEXT, max_size=2).map(tuple)),
    "fee_paid": mostly(st.booleans()),
    "fee_amount": mostly(st.one_of(st.none(), st.integers(-10, 200_000_000))),
    "appointment_at": mostly(st.one_of(st.none(), ODD_MOMENTS)),
    "appointment_reason": mostly(ODD_TEXT),
    "result_place": mostly(ODD_TEXT),
    "received_at": mostly(st.one_of(st.none(), ODD_MOMENTS)),
    "digitised": mostly(st.booleans()),
    "reused_data": mostly(st.booleans()),
}
assert set(APPLICANT_FIELDS) == {f.name for f in dataclasses.fields(ApplicantInput)}
assert set(DOSSIER_FIELDS) | {"applicant", "representative"} == {
    f.name for f in dataclasses.fields(DossierInput)}


@st.composite
def junk_applicant(draw: st.DrawFn, base: ApplicantInput) -> Any:
    if draw(st.integers(0, 9)) == 0:
        return draw(JUNK)  # not an applicant at all
    names = draw(st.sets(st.sampled_from(sorted(APPLICANT_FIELDS)), max_size=4))
    return dataclasses.replace(base, **{n: draw(APPLICANT_FIELDS[n]) for n in sorted(names)})


@st.composite
def junk_dossier(draw: st.DrawFn, reg: Register) -> DossierInput:
    base = valid_input(reg, draw(st.sampled_from(PROCEDURES)))
    names = draw(st.sets(st.sampled_from(sorted(DOSSIER_FIELDS)), max_size=3))
    fields = {n: draw(DOSSIER_FIELDS[n]) for n in sorted(names)}
    if draw(st.booleans()):
        fields["applicant"] = draw(junk_applicant(base.applicant))
    if draw(st.integers(0, 3)) == 0:
        fields["representative"] = draw(st.one_of(st.none(), junk_applicant(base.applicant)))
    return dataclasses.replace(base, **fields)


def test_junk_in_any_input_field_gives_a_clear_error_or_a_valid_dossier_never_a_half_write(
        register: Register) -> None:
    @given(data=st.data())
    @settings(max_examples=100, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    def attempt(data: st.DataObject) -> None:
        inp = data.draw(junk_dossier(register))
        counts = table_counts(register.path)
        try:
            view = register.receive(inp, actor="canbo1")
        except RegisterError as exc:
            event(f"refused: {exc.field}")
            assert exc.message_vi.strip() and exc.message("en").strip()
            assert table_counts(register.path) == counts
            return
        event("received")
        after = table_counts(register.path)
        assert after["dossiers"] == counts["dossiers"] + 1
        assert after["events"] > counts["events"]
        assert CODE_RE.match(view.code)
        stored = register.get(view.code)
        assert stored.applicant_name == view.applicant_name
        assert unicodedata.is_normalized("NFC", stored.applicant_name)
        assert stored.applicant_name.strip()
        assert register.search(stored.code)[0].uid == stored.uid

    attempt()
    report = register.check()
    assert report.ok, report.text()
