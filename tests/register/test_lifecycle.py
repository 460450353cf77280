"""The dossier lifecycle and the logbooks against a real register file (Decree 118/2025 rules)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest

from desktop.register.catalogue import parse_catalogue
from desktop.register.errors import NotFoundError, TransitionError, ValidationError
from desktop.register.events import EventRecord
from desktop.register.logbooks import VolumeKind, check_volume
from desktop.register.service import Register
from desktop.register.views import DossierInput, DossierView
from sync.lifecycle import Status
from tests.conftest import AGENCY, FixedClock, local_time, open_register, table_counts, valid_input

MARITAL = "marital_status_confirmation"  # 3 working days, tracking book of field HO_TICH

CODE_RE = re.compile(rf"^{re.escape(AGENCY)}-\d{{6}}-\d{{4,}}$")


def _received(register: Register, make_input: Callable[..., DossierInput],
              procedure: str = MARITAL, **kw: Any) -> DossierView:
    return register.receive(make_input(procedure, **kw), actor="canbo1")


def _in_processing(register: Register, make_input: Callable[..., DossierInput]) -> DossierView:
    v = _received(register, make_input)
    return register.hand_over(v.code, "Công chức Tư pháp - Hộ tịch", "canbo1")


def _events(register: Register) -> int:
    return table_counts(register.path)["events"]


# --- supplements (Mẫu 02) ----------------------------------------------------------------


def test_a_first_supplement_request_pauses_the_dossier_without_making_it_late(
        register: Register, make_input: Callable[..., DossierInput]) -> None:
    v = _in_processing(register, make_input)
    v = register.request_supplement(v.code, ["Bản sao giấy khai sinh"], "Thiếu giấy", "canbo2")
    assert v.status == Status.SUPPLEMENT
    assert v.supplement_count == 1
    assert not v.late_forced and not v.late


def test_a_second_supplement_request_without_a_reason_is_refused_and_writes_nothing(
        register: Register, make_input: Callable[..., DossierInput], clock: FixedClock) -> None:
    v = _in_processing(register, make_input)
    register.request_supplement(v.code, ["Tờ khai"], "Thiếu chữ ký", "canbo2")
    clock.advance(hours=2)
    before = register.receive_supplement(v.code, "canbo1")
    events = _events(register)
    with pytest.raises(TransitionError) as refused:
        register.request_supplement(v.code, ["Giấy tờ tùy thân"], "Mờ", "canbo2")
    assert "đã được yêu cầu bổ sung một lần" in refused.value.message_vi
    assert "phải ghi rõ lý do" in refused.value.message_vi
    assert _events(register) == events
    assert register.get(v.code) == before


def test_a_second_supplement_request_with_a_reason_marks_the_dossier_late(
        register: Register, make_input: Callable[..., DossierInput], clock: FixedClock) -> None:
    v = _in_processing(register, make_input)
    register.request_supplement(v.code, ["Tờ khai"], "Thiếu chữ ký", "canbo2")
    clock.advance(hours=2)
    register.receive_supplement(v.code, "canbo1")
    v = register.request_supplement(
        v.code, ["Giấy tờ tùy thân"], "Bản chụp bị mờ", "canbo2",
        second_request_reason="Bản chụp lần trước không đọc được số định danh")
    assert v.supplement_count == 2
    assert v.late_forced
    assert clock() < v.due_at  # late although the due date has not passed
    assert v.late
    assert register.get(v.code).late  # the stored projection agrees


def test_a_supplement_request_must_say_what_is_missing(
        register: Register, make_input: Callable[..., DossierInput]) -> None:
    v = _in_processing(register, make_input)
    events = _events(register)
    with pytest.raises(TransitionError, match="Phải ghi rõ giấy tờ cần bổ sung"):
        register.request_supplement(v.code, [], "Thiếu", "canbo2")
    assert _events(register) == events


# --- time waiting for a supplement does not count ----------------------------------------

# Received Thursday 19/11/2026 09:00: three working days are Fri 20, Mon 23 and Wed 25 (Tue 24
# is Vietnamese Culture Day), so the appointment is Wednesday 25/11 17:00. The paused working
# days are those after the request day up to and including the day the papers came in.
PAUSES = [
    # requested, supplied, due afterwards (all local time)
    pytest.param((2026, 11, 20, 10), (2026, 11, 20, 15), (2026, 11, 25), id="same-day"),
    pytest.param((2026, 11, 20, 10), (2026, 11, 23, 9), (2026, 11, 26), id="over-a-weekend"),
    pytest.param((2026, 11, 20, 10), (2026, 11, 25, 9), (2026, 11, 27),
                 id="over-a-weekend-and-24-11"),
    pytest.param((2026, 11, 23, 10), (2026, 11, 25, 9), (2026, 11, 26), id="over-24-11"),
    pytest.param((2026, 11, 20, 10), (2026, 11, 26, 14), (2026, 11, 30),
                 id="past-the-old-date-and-a-second-weekend"),
]


@pytest.mark.parametrize(("requested", "supplied", "due"), PAUSES)
def test_time_waiting_for_a_supplement_moves_the_due_date_by_working_days(
        register: Register, make_input: Callable[..., DossierInput], clock: FixedClock,
        requested: tuple[int, ...], supplied: tuple[int, ...], due: tuple[int, ...]) -> None:
    clock.set(local_time(2026, 11, 19, 9))
    v = _received(register, make_input)
    assert v.due_at == local_time(2026, 11, 25, 17)
    register.hand_over(v.code, "Công chức Tư pháp - Hộ tịch", "canbo1",
                       at=local_time(2026, 11, 19, 10))
    register.request_supplement(v.code, ["Tờ khai"], "Thiếu chữ ký", "canbo2",
                                at=local_time(*requested))
    clock.set(local_time(*supplied))
    v = register.receive_supplement(v.code, "canbo1")
    assert v.status == Status.PROCESSING  # back where it was before the request
    assert v.due_at == local_time(*due, 17)
    assert v.appointment_at == local_time(2026, 11, 25, 17)  # Mẫu 01 keeps the first date
    assert register.get(v.code).due_at == v.due_at


# --- extension with apology (Mẫu 04) -------------------------------------------------------

# Received Monday 16/11/2026 09:00 (the clock fixture): due Thursday 19/11 17:00.


def test_the_appointment_can_be_reset_once_with_an_apology_a_day_before_the_deadline(
        register: Register, make_input: Callable[..., DossierInput]) -> None:
    v = _in_processing(register, make_input)
    assert v.due_at == local_time(2026, 11, 19, 17)
    v = register.reschedule(v.code, local_time(2026, 11, 23, 17),
                            "Xin lỗi ông/bà: cần xác minh thêm tại nơi cư trú cũ.", "truongbp",
                            at=local_time(2026, 11, 18, 16))
    assert v.extension_count == 1
    assert v.due_at == local_time(2026, 11, 23, 17)
    assert v.appointment_at == local_time(2026, 11, 19, 17)
    event = register.history(v.code)[-1]
    assert event.payload["old_due_at"] == "2026-11-19T10:00:00.000000Z"


def test_resetting_the_appointment_on_the_due_day_is_refused(
        register: Register, make_input: Callable[..., DossierInput]) -> None:
    v = _in_processing(register, make_input)
    events = _events(register)
    with pytest.raises(TransitionError) as refused:
        register.reschedule(v.code, local_time(2026, 11, 23, 17), "Xin lỗi, cần xác minh.",
                            "truongbp", at=local_time(2026, 11, 19, 8))
    assert refused.value.message_vi == (
        "Phiếu xin lỗi và gia hạn phải được lập chậm nhất 01 ngày trước hạn trả kết quả "
        "(19/11/2026).")
    assert _events(register) == events
    assert register.get(v.code).extension_count == 0


def test_resetting_the_appointment_a_second_time_is_refused(
        register: Register, make_input: Callable[..., DossierInput]) -> None:
    v = _in_processing(register, make_input)
    register.reschedule(v.code, local_time(2026, 11, 23, 17), "Xin lỗi, cần xác minh.",
                        "truongbp", at=local_time(2026, 11, 17, 9))
    events = _events(register)
    with pytest.raises(TransitionError) as refused:
        register.reschedule(v.code, local_time(2026, 11, 27, 17), "Xin lỗi lần nữa.",
                            "truongbp", at=local_time(2026, 11, 18, 9))
    assert "chỉ được điều chỉnh một lần" in refused.value.message_vi
    assert _events(register) == events
    assert register.get(v.code).due_at == local_time(2026, 11, 23, 17)


def test_resetting_the_appointment_without_an_apology_is_refused(
        register: Register, make_input: Callable[..., DossierInput]) -> None:
    v = _in_processing(register, make_input)
    events = _events(register)
    with pytest.raises(TransitionError, match="Phải ghi lý do gia hạn"):
        register.reschedule(v.code, local_time(2026, 11, 23, 17), "  ", "truongbp",
                            at=local_time(2026, 11, 17, 9))
    assert _events(register) == events


def test_the_new_appointment_must_be_later_than_the_old_one(
        register: Register, make_input: Callable[..., DossierInput]) -> None:
    v = _in_processing(register, make_input)
    with pytest.raises(TransitionError, match="Ngày hẹn mới phải sau ngày hẹn cũ"):
        register.reschedule(v.code, local_time(2026, 11, 19, 9), "Xin lỗi.", "truongbp",
                            at=local_time(2026, 11, 17, 9))


# --- stop at the applicant's request (Mẫu 05) --------------------------------------------


@pytest.mark.parametrize("stage", ["received", "processing", "supplement"])
def test_a_dossier_without_a_result_can_be_stopped_at_the_applicants_request(
        register: Register, make_input: Callable[..., DossierInput], stage: str) -> None:
    v = _received(register, make_input)
    if stage != "received":
        register.hand_over(v.code, "Công chức Tư pháp - Hộ tịch", "canbo1")
    if stage == "supplement":
        register.request_supplement(v.code, ["Tờ khai"], "Thiếu", "canbo2")
    v = register.stop(v.code, "Công dân đề nghị dừng", "canbo1", stage="Đang thẩm định")
    assert v.status == Status.STOPPED
    assert v.finished_at is not None


@pytest.mark.parametrize("returned", [False, True], ids=["processed", "returned"])
def test_a_dossier_with_a_result_cannot_be_stopped(
        register: Register, make_input: Callable[..., DossierInput], returned: bool) -> None:
    v = _in_processing(register, make_input)
    register.process(v.code, "approved", "canbo2")
    if returned:
        register.return_result(v.code, "desk", "canbo1")
    before = register.get(v.code)
    events = _events(register)
    with pytest.raises(TransitionError) as refused:
        register.stop(v.code, "Công dân đề nghị dừng", "canbo1")
    assert refused.value.message_vi == "Không thể dừng giải quyết: hồ sơ đã có kết quả."
    assert _events(register) == events
    assert register.get(v.code) == before


# --- illegal transitions -------------------------------------------------------------------


def _withdrawn(reg: Register, code: str) -> None:
    reg.withdraw(code, "Công dân rút hồ sơ", "canbo1")


def _returned(reg: Register, code: str) -> None:
    reg.hand_over(code, "Tư pháp", "canbo1")
    reg.process(code, "approved", "canbo2")
    reg.return_result(code, "desk", "canbo1")


def _processing(reg: Register, code: str) -> None:
    reg.hand_over(code, "Tư pháp", "canbo1")


ILLEGAL: list[Any] = [
    pytest.param(None, lambda r, c: r.return_result(c, "desk", "canbo1"),
                 "Không thể trả kết quả khi hồ sơ đang ở trạng thái «Đã tiếp nhận».",
                 id="return-before-processing"),
    pytest.param(None, lambda r, c: r.receive_supplement(c, "canbo1"),
                 "Không thể nhận hồ sơ bổ sung khi hồ sơ đang ở trạng thái «Đã tiếp nhận».",
                 id="supplement-never-requested"),
    pytest.param(None, lambda r, c: r.request_financial(c, 50_000, "canbo2"),
                 "Không thể yêu cầu thực hiện nghĩa vụ tài chính khi hồ sơ đang ở trạng thái "
                 "«Đã tiếp nhận».", id="payment-before-processing"),
    pytest.param(None, lambda r, c: r.rate(c, "satisfied", "canbo1"),
                 "Không thể ghi nhận đánh giá khi hồ sơ đang ở trạng thái «Đã tiếp nhận».",
                 id="rating-before-a-result"),
    pytest.param(_processing, lambda r, c: r.refuse(c, ["Không đúng thẩm quyền"], "canbo1"),
                 "Không thể từ chối tiếp nhận khi hồ sơ đang ở trạng thái «Đang xử lý».",
                 id="refusal-after-receipt-was-accepted"),
    pytest.param(_processing, lambda r, c: r.process(c, "maybe", "canbo2"),
                 "Kết quả giải quyết không hợp lệ.", id="unknown-outcome"),
    pytest.param(_returned, lambda r, c: r.process(c, "approved", "canbo2"),
                 "Không thể ghi kết quả giải quyết khi hồ sơ đang ở trạng thái "
                 "«Đã trả kết quả».", id="processing-a-returned-dossier"),
    pytest.param(_returned, lambda r, c: r.withdraw(c, "Đổi ý", "canbo1"),
                 "Không thể rút hồ sơ khi hồ sơ đang ở trạng thái «Đã trả kết quả».",
                 id="withdrawing-after-return"),
    pytest.param(_returned, lambda r, c: r.rate(c, "excellent", "canbo1"),
                 "Mức đánh giá không hợp lệ.", id="unknown-rating"),
    pytest.param(_withdrawn, lambda r, c: r.hand_over(c, "Tư pháp", "canbo1"),
                 "Không thể chuyển hồ sơ khi hồ sơ đang ở trạng thái «Công dân rút hồ sơ».",
                 id="handing-over-a-withdrawn-dossier"),
    pytest.param(_withdrawn, lambda r, c: r.request_supplement(c, ["Tờ khai"], "x", "canbo2"),
                 "Không thể yêu cầu bổ sung hồ sơ khi hồ sơ đang ở trạng thái "
                 "«Công dân rút hồ sơ».", id="supplement-on-a-withdrawn-dossier"),
    pytest.param(_withdrawn, lambda r, c: r.withdraw(c, "Lần nữa", "canbo1"),
                 "Không thể rút hồ sơ khi hồ sơ đang ở trạng thái «Công dân rút hồ sơ».",
                 id="withdrawing-twice"),
    pytest.param(None, lambda r, c: r.withdraw(c, "", "canbo1"), "Phải ghi lý do.",
                 id="withdrawal-without-a-reason"),
]


@pytest.mark.parametrize(("setup", "step", "message"), ILLEGAL)
def test_an_illegal_transition_is_refused_in_vietnamese_and_writes_nothing(
        register: Register, make_input: Callable[..., DossierInput],
        setup: Callable[[Register, str], None] | None,
        step: Callable[[Register, str], Any], message: str) -> None:
    v = _received(register, make_input)
    if setup:
        setup(register, v.code)
    before = register.get(v.code)
    counts = table_counts(register.path)
    with pytest.raises(TransitionError) as refused:
        step(register, v.code)
    assert refused.value.message_vi == message
    assert refused.value.message("en") != message  # an English message exists as well
    assert table_counts(register.path) == counts
    assert register.get(v.code) == before
    assert register.check().ok


def test_an_unknown_dossier_is_reported_by_its_code(register: Register) -> None:
    with pytest.raises(NotFoundError) as missing:
        register.hand_over(f"{AGENCY}-261116-1999", "Tư pháp", "canbo1")
    assert missing.value.message_vi == f"Không tìm thấy hồ sơ {AGENCY}-261116-1999."


# --- audit trail ---------------------------------------------------------------------------


def test_every_event_records_its_actor_time_and_channel(
        register: Register, make_input: Callable[..., DossierInput], clock: FixedClock) -> None:
    v = register.receive(make_input(channel=3, received_at=local_time(2026, 11, 16, 8)),
                         actor="buudien.tiepnhan")
    steps = [
        ("canbo1", lambda: register.hand_over(v.code, "Tư pháp", "canbo1")),
        ("canbo2", lambda: register.request_supplement(v.code, ["Tờ khai"], "x", "canbo2")),
        ("canbo1", lambda: register.receive_supplement(v.code, "canbo1")),
        ("canbo2", lambda: register.process(v.code, "approved", "canbo2")),
        ("canbo3", lambda: register.return_result(
            v.code, "post", "canbo3", postal={"slip_no": "PG-1", "tracking_no": "EE1VN",
                                              "recipient": "Nguyễn Văn Dũng",
                                              "address": "Số 5 phố Huế"})),
    ]
    moments = []
    for _, step in steps:
        clock.advance(hours=1, minutes=7)
        moments.append(clock())
        step()
    history = register.history(v.code)
    assert [e.actor for e in history] == ["buudien.tiepnhan"] + [a for a, _ in steps]
    assert [e.occurred_at for e in history] == [local_time(2026, 11, 16, 8)] + moments
    assert {e.channel for e in history} == {3}  # public post, on every step of the dossier
    assert all(e.device_id == register.device_id for e in history)
    # Logbook events carry actor and time too (a book entry has no intake channel).
    con = sqlite3.connect(register.path)
    try:
        rows = con.execute("SELECT actor, occurred_at, stream_type, channel FROM events"
                           ).fetchall()
    finally:
        con.close()
    assert len(rows) > len(history)
    assert all(actor and occurred for actor, occurred, _, _ in rows)
    assert all(channel in (1, 2, 3) for _, _, kind, channel in rows if kind == "dossier")


# --- dossier codes ---------------------------------------------------------------------------


def test_dossier_codes_follow_the_agency_date_sequence_pattern(
        register: Register, make_input: Callable[..., DossierInput]) -> None:
    codes = [_received(register, make_input, procedure).code for procedure in (
        MARITAL, "birth_registration", "certified_copy", "contract_certification")]
    assert all(CODE_RE.match(c) for c in codes), codes
    assert codes == [f"{AGENCY}-261116-{n}" for n in ("1001", "1002", "1003", "1004")]


def test_the_code_sequence_restarts_each_day_on_the_local_date(
        register: Register, make_input: Callable[..., DossierInput], clock: FixedClock) -> None:
    first = [_received(register, make_input).code for _ in range(3)]
    # 00:30 on 17/11 in the office is still 16/11 in UTC: the local date names the day.
    clock.set(local_time(2026, 11, 17, 0, 30))
    assert clock().astimezone(UTC).day == 16
    second = [_received(register, make_input).code for _ in range(2)]
    assert first == [f"{AGENCY}-261116-100{n}" for n in (1, 2, 3)]
    assert second == [f"{AGENCY}-261117-100{n}" for n in (1, 2)]


def test_the_daily_sequence_grows_past_999_and_keeps_its_pattern(
        register: Register, make_input: Callable[..., DossierInput]) -> None:
    inputs = [make_input("certified_copy", name="Trần Thị Mai")] * 1001
    codes = [v.code for v in register.receive_many(inputs, actor="canbo1")]
    assert codes[998:] == [f"{AGENCY}-261116-1999", f"{AGENCY}-261116-11000",
                           f"{AGENCY}-261116-11001"]
    assert len(set(codes)) == 1001
    assert all(CODE_RE.match(c) for c in codes)
    assert register.check().ok


def test_two_devices_of_one_office_never_issue_the_same_code(
        home: Path, clock: FixedClock) -> None:
    pcs = [open_register(home / f"pc{slot}.sqlite3", clock, slot=slot) for slot in (1, 2)]
    try:
        codes: list[set[str]] = []
        for reg in pcs:
            made = set()
            for i in range(25):
                clock.advance(minutes=3)
                made.add(reg.receive(
                    valid_input(reg, "certified_copy" if i % 2 else MARITAL), "canbo1").code)
            codes.append(made)
        assert len(codes[0]) == len(codes[1]) == 25
        assert not codes[0] & codes[1]
        assert all(CODE_RE.match(c) for c in codes[0] | codes[1])
        assert {c.split("-")[-1][0] for c in codes[0]} == {"1"}
        assert {c.split("-")[-1][0] for c in codes[1]} == {"2"}
    finally:
        for reg in pcs:
            reg.close()


# --- catalogue versions --------------------------------------------------------------------


def _newer_catalogue(register: Register, effective: str, marital_days: int) -> Any:
    data = register.catalogue().to_dict()
    data["version"] = "2026.2"
    data["effective_from"] = effective
    for p in data["procedures"]:
        if p["code"] == MARITAL:
            assert p["processing"]["amount"] != marital_days
            p["processing"]["amount"] = marital_days
    return parse_catalogue(data)


def test_a_newer_catalogue_does_not_change_an_old_dossiers_due_date(
        register: Register, make_input: Callable[..., DossierInput], clock: FixedClock) -> None:
    old = _in_processing(register, make_input)
    assert old.due_at == local_time(2026, 11, 19, 17)
    assert register.install_catalogue(_newer_catalogue(register, "2026-11-17", 5))
    clock.set(local_time(2026, 11, 18, 9))
    assert register.catalogue().version == "2026.2"
    after = register.get(old.code)
    assert after.catalogue_version == old.catalogue_version == "2026.1"
    assert after.due_at == local_time(2026, 11, 19, 17)
    after = register.process(old.code, "approved", "canbo2")  # a later step keeps it too
    assert after.due_at == local_time(2026, 11, 19, 17) and not after.late
    assert register.check().ok


def test_a_newer_catalogue_applies_to_dossiers_received_from_its_effective_date(
        register: Register, make_input: Callable[..., DossierInput], clock: FixedClock) -> None:
    register.install_catalogue(_newer_catalogue(register, "2026-12-01", 5))
    clock.set(local_time(2026, 12, 3, 9))  # Thursday
    new = _received(register, make_input)
    assert new.catalogue_version == "2026.2"
    # Five working days after Thursday 3/12: Fri 4, Mon 7, Tue 8, Wed 9, Thu 10.
    assert new.due_at == local_time(2026, 12, 10, 17)
    # A postal dossier handed over on Monday 30/11 is still under the old version (3 days).
    posted = _received(register, make_input, channel=3,
                       received_at=local_time(2026, 11, 30, 10))
    assert posted.catalogue_version == "2026.1"
    assert posted.due_at == local_time(2026, 12, 3, 17)


# --- logbooks (sổ) ---------------------------------------------------------------------------


def test_logbook_numbers_are_gapless_within_a_volume(register: Register) -> None:
    entries = [register.add_logbook_entry("KS", {"ho_ten": f"Bé {i}"}, "hotich")
               for i in range(12)]
    assert [e.number for e in entries] == list(range(1, 13))
    assert len({e.volume_uid for e in entries}) == 1
    stored = register.entries(entries[0].volume_uid)
    assert [e.number for e in stored] == list(range(1, 13))
    assert entries[4].label == "Số 05/2026, quyển số 01"
    assert register.volumes("KS")[0].last_number == 12


def test_each_field_keeps_its_own_tracking_book(
        register: Register, make_input: Callable[..., DossierInput]) -> None:
    civil = [_received(register, make_input, MARITAL) for _ in range(3)]
    certified = [_received(register, make_input, "certified_copy") for _ in range(2)]
    assert [v.details["tracking"]["number"] for v in civil] == [1, 2, 3]
    assert [v.details["tracking"]["number"] for v in certified] == [1, 2]
    books = {v.field_code: v for v in register.volumes("STD")}
    assert set(books) == {"HO_TICH", "CHUNG_THUC"}
    assert books["HO_TICH"].last_number == 3 and books["CHUNG_THUC"].last_number == 2


def test_logbook_numbers_restart_at_one_in_a_new_local_year(register: Register) -> None:
    old = [register.add_logbook_entry("KS", {"ho_ten": "A"}, "hotich",
                                      at=local_time(2026, 12, 31, 16 + i)) for i in range(3)]
    # 00:30 on 1 January in the office is still 31 December in UTC.
    new = register.add_logbook_entry("KS", {"ho_ten": "B"}, "hotich",
                                     at=local_time(2027, 1, 1, 0, 30))
    later = register.add_logbook_entry("KS", {"ho_ten": "C"}, "hotich",
                                       at=local_time(2027, 1, 4, 9))
    assert [e.number for e in old] == [1, 2, 3] and {e.year for e in old} == {2026}
    assert (new.year, new.number, later.number) == (2027, 1, 2)
    assert new.label == "Số 01/2027, quyển số 01"
    assert new.volume_uid != old[0].volume_uid


def test_a_voided_number_stays_in_the_book_with_its_reason(
        register: Register, clock: FixedClock) -> None:
    entries = [register.add_logbook_entry("KH", {"ho_ten_vo": f"V{i}", "ho_ten_chong": f"C{i}"}, "hotich")
               for i in range(3)]
    clock.advance(minutes=30)
    voided = register.void_entry(entries[1].uid, "Ghi nhầm sổ", "hotich")
    after = register.add_logbook_entry("KH", {"ho_ten_vo": "V3", "ho_ten_chong": "C3"}, "hotich")
    assert (voided.number, voided.void_reason, voided.voided_at) == (2, "Ghi nhầm sổ", clock())
    assert voided.data == entries[1].data
    assert after.number == 4  # the voided number is never handed out again
    book = register.entries(entries[0].volume_uid)
    assert [(e.number, e.void_reason) for e in book] == [
        (1, None), (2, "Ghi nhầm sổ"), (3, None), (4, None)]


def test_voiding_needs_a_reason_and_happens_only_once(register: Register) -> None:
    e = register.add_logbook_entry("KH", {"ho_ten_vo": "V", "ho_ten_chong": "C"}, "hotich")
    with pytest.raises(ValidationError):
        register.void_entry(e.uid, "", "hotich")
    register.void_entry(e.uid, "Ghi nhầm", "hotich")
    events = _events(register)
    with pytest.raises(TransitionError, match="Mục này đã bị hủy"):
        register.void_entry(e.uid, "Lần nữa", "hotich")
    assert _events(register) == events
    assert register.entry(e.uid).void_reason == "Ghi nhầm"


def test_a_correction_is_a_new_entry_pointing_at_the_old_one(register: Register) -> None:
    old = register.add_logbook_entry("XNHN", {"ho_ten": "Nguyễn Văn Dung"}, "hotich")
    fixed = register.correct_entry(old.uid, {"ho_ten": "Nguyễn Văn Dũng"},
                                   "Sai dấu trong họ tên", "hotich")
    assert fixed.uid != old.uid
    assert (fixed.volume_uid, fixed.number) == (old.volume_uid, old.number + 1)
    assert fixed.corrects_uid == old.uid
    assert fixed.data == {"ho_ten": "Nguyễn Văn Dũng",
                          "correction_reason": "Sai dấu trong họ tên"}
    assert register.entry(old.uid) == old  # the old entry is left as it was written
    assert register.check().ok


def test_closing_a_year_writes_its_totals_and_then_refuses_new_entries(
        register: Register, clock: FixedClock) -> None:
    entries = [register.add_logbook_entry("XNHN", {"ho_ten": f"Người {i}"}, "hotich")
               for i in range(13)]
    register.void_entry(entries[5].uid, "Ghi nhầm", "hotich")
    clock.set(local_time(2026, 12, 31, 16))
    [closed] = register.close_year("XNHN", 2026, "hotich")
    assert closed.closed_at == clock()
    assert closed.closing == {"entries": 13, "voided": 1, "valid": 12, "first_number": 1,
                              "last_number": 13, "pages": 2}
    counts = table_counts(register.path)
    with pytest.raises(TransitionError) as refused:
        register.add_logbook_entry("XNHN", {"ho_ten": "Muộn"}, "hotich")
    assert "năm 2026 đã khóa sổ" in refused.value.message_vi
    assert table_counts(register.path) == counts
    assert [v.uid for v in register.volumes("XNHN", 2026)] == [closed.uid]
    # The closed volume itself refuses an entry, whatever writes it.
    volume = {**{k: getattr(closed, k) for k in ("uid", "volume_no", "year", "first_number",
                                                 "last_number", "capacity")},
              "closed_at": "2026-12-31T09:00:00.000000Z"}
    probe = EventRecord("", closed.uid, "volume", VolumeKind.ENTRY_ADDED,
                        {"entry_uid": "x", "number": 14}, "hotich", None, "", "", "", 0, "")
    with pytest.raises(TransitionError, match="đã khóa sổ"):
        check_volume(volume, {}, probe)
    # The next year opens a new book at number 1.
    clock.set(local_time(2027, 1, 4, 8))
    assert register.add_logbook_entry("XNHN", {"ho_ten": "Năm mới"}, "hotich").label == \
        "Số 01/2027, quyển số 01"
    assert register.check().ok


def test_certification_gives_one_number_per_document(register: Register) -> None:
    first = register.certify("SCT_BS", [{"giay_to": "Giấy khai sinh"},
                                        {"giay_to": "Bằng tốt nghiệp"},
                                        {"giay_to": "Sổ hộ khẩu"}], "chungthuc")
    second = register.certify("SCT_BS", [{"giay_to": "Căn cước"}], "chungthuc")
    assert [e.number for e in first + second] == [1, 2, 3, 4]
    assert len({e.uid for e in first}) == 3
    assert [e.data["giay_to"] for e in first] == ["Giấy khai sinh", "Bằng tốt nghiệp",
                                                  "Sổ hộ khẩu"]
    assert {e.book_kind for e in first + second} == {"SCT_BS"}
    signatures = register.certify("SCT_CK_DC", [{"giay_to": "Đơn"}], "chungthuc")
    assert signatures[0].number == 1  # each certification book numbers on its own
    with pytest.raises(ValidationError, match="ít nhất một giấy tờ"):
        register.certify("SCT_BS", [], "chungthuc")


def test_a_receipt_writes_a_numbered_line_in_the_tracking_book(
        register: Register, make_input: Callable[..., DossierInput]) -> None:
    v = _received(register, make_input)
    entry = register.entry(v.tracking_entry)
    assert entry.book_kind == "STD" and entry.dossier_uid == v.uid
    assert entry.data["code"] == v.code
    assert entry.data["applicant"] == "Nguyễn Văn Dũng"
    assert v.details["tracking"] == {"volume_no": 1, "number": 1, "year": 2026}
