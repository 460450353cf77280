"""Every step of a dossier from its window, what the rules forbid explained, and roles."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from desktop.ui.dossier import DossierWindow
from desktop.ui.forms_dialog import StepDialog
from desktop.ui.qt import QDialog
from sync.lifecycle import Status
from tests.conftest import wait_ops


def open_window(qtbot: Any, ctx: Any, ref: str) -> DossierWindow:
    window = DossierWindow(ctx, ref)
    qtbot.addWidget(window)
    window.show()
    wait_ops(qtbot)
    assert window.view is not None
    return window


def answering(window: DossierWindow, *answers: dict[str, Any]) -> list[str]:
    """Make the window's step dialogs fill themselves with `answers`, in order."""
    queue = list(answers)
    titles: list[str] = []

    def ask(dialog: QDialog) -> bool:
        titles.append(dialog.windowTitle())
        values = queue.pop(0) if queue else {}
        if values is None:
            return False
        if isinstance(dialog, StepDialog):
            for key, value in values.items():
                dialog.set_value(key, value)
            dialog.ok.click()
        else:
            dialog.accept()
        return dialog.result() == QDialog.DialogCode.Accepted

    window.ask = ask  # type: ignore[method-assign]
    return titles


def step(qtbot: Any, window: DossierWindow, key: str, *answers: dict[str, Any]) -> list[str]:
    titles = answering(window, *answers)
    button = window.buttons[key]
    assert button.isEnabled(), window.reasons.get(key).text() if key in window.reasons else key
    button.click()
    wait_ops(qtbot)
    return titles


@pytest.fixture
def received(register: Any, make_input: Any) -> Any:
    return register.receive(make_input("marital_status_confirmation"), "tn.hoa")


def test_a_dossier_goes_from_hand_over_to_a_rated_postal_return(
        qtbot: Any, make_ctx: Any, register: Any, received: Any, printed: Path) -> None:
    window = open_window(qtbot, make_ctx("admin"), received.code)
    assert window.code_label.text() == received.code
    assert window.timeline.rowCount() == 1
    step(qtbot, window, "hand_over", {"to_unit": "Công chức Tư pháp - Hộ tịch"})
    assert register.get(received.code).status == Status.PROCESSING
    step(qtbot, window, "request_supplement",
         {"items": ["Bản sao Giấy khai sinh"], "reason": "Thiếu giấy khai sinh"})
    assert register.get(received.code).status == Status.SUPPLEMENT
    assert (printed / f"{received.code}-02.pdf").exists(), "Mẫu 02 printed after the request"
    step(qtbot, window, "receive_supplement", {})
    assert register.get(received.code).status == Status.PROCESSING
    step(qtbot, window, "process", {"outcome": "approved", "note": "Đủ điều kiện"})
    assert register.get(received.code).status == Status.PROCESSED
    titles = step(qtbot, window, "return_result",
                  {"method": "post", "slip_no": "PG-001", "tracking_no": "EB123456789VN",
                   "recipient": "Nguyễn Văn Dũng", "address": "Số 5 phố Huế"},
                  {"rating": "very_satisfied"})
    assert len(titles) == 2, "the rating is asked right after the return"
    view = register.get(received.code)
    assert view.status == Status.RETURNED
    assert view.details["postal"]["tracking_no"] == "EB123456789VN"
    assert view.rating == "very_satisfied"
    assert window.timeline.rowCount() == len(register.history(received.code))
    assert "Đã trả kết quả" in window.status_label.text()


def test_refusing_prints_the_refusal(qtbot: Any, make_ctx: Any, register: Any,
                                     received: Any, printed: Path) -> None:
    window = open_window(qtbot, make_ctx("tn.hoa"), received.code)
    step(qtbot, window, "refuse", {"reasons": ["Không thuộc thẩm quyền của xã"]})
    assert register.get(received.code).status == Status.REFUSED
    assert (printed / f"{received.code}-03.pdf").exists()


def test_an_extension_prints_the_apology_and_a_second_one_is_explained(
        qtbot: Any, make_ctx: Any, register: Any, received: Any, printed: Path) -> None:
    window = open_window(qtbot, make_ctx("admin"), received.code)
    new_due = received.due_at + timedelta(days=3)
    step(qtbot, window, "reschedule", {"new_due": new_due, "reason": "Cần xác minh thêm"})
    assert register.get(received.code).extension_count == 1
    assert (printed / f"{received.code}-04.pdf").exists()
    assert not window.buttons["reschedule"].isEnabled()
    assert "một lần" in window.buttons["reschedule"].toolTip()


def test_a_second_supplement_request_needs_a_reason(qtbot: Any, make_ctx: Any, register: Any,
                                                    received: Any) -> None:
    register.request_supplement(received.code, ["Giấy khai sinh"], "Thiếu", "tn.hoa")
    register.receive_supplement(received.code, "tn.hoa")
    window = open_window(qtbot, make_ctx("admin"), received.code)
    assert "Lần thứ hai" in window.reasons["request_supplement"].text()
    step(qtbot, window, "request_supplement", {"items": ["Ảnh chân dung"]})
    assert register.get(received.code).supplement_count == 1, "refused without a reason"
    step(qtbot, window, "request_supplement",
         {"items": ["Ảnh chân dung"], "second_request_reason": "Ảnh không đúng quy cách"})
    view = register.get(received.code)
    assert view.supplement_count == 2
    assert view.late, "a second request makes the dossier late"


def test_stopping_prints_the_notice_and_is_explained_once_a_result_exists(
        qtbot: Any, make_ctx: Any, register: Any, make_input: Any, received: Any,
        printed: Path) -> None:
    window = open_window(qtbot, make_ctx("admin"), received.code)
    step(qtbot, window, "stop", {"reason": "Công dân đề nghị dừng", "stage": "Đang thẩm định"})
    assert register.get(received.code).status == Status.STOPPED
    assert (printed / f"{received.code}-05.pdf").exists()
    other = register.receive(make_input("certified_copy", name="Lê Thị Hoa"), "tn.hoa")
    register.process(other.code, "approved", "admin")
    window2 = open_window(qtbot, make_ctx("admin"), other.code)
    assert not window2.buttons["stop"].isEnabled()
    assert "đã có kết quả" in window2.buttons["stop"].toolTip()


def test_withdrawal_payment_and_complaint_are_recorded(qtbot: Any, make_ctx: Any,
                                                       register: Any, received: Any) -> None:
    window = open_window(qtbot, make_ctx("admin"), received.code)
    step(qtbot, window, "hand_over", {"to_unit": "Phòng Kinh tế"})
    step(qtbot, window, "request_financial", {"amount": 50_000})
    assert register.get(received.code).status == Status.FINANCIAL
    step(qtbot, window, "fee", {"amount": 50_000})
    view = register.get(received.code)
    assert view.fee_paid and view.status == Status.PROCESSING
    step(qtbot, window, "complain", {"content": "Chờ lâu"})
    assert register.get(received.code).details["complaints"] == 1
    step(qtbot, window, "withdraw", {"reason": "Không cần nữa"})
    assert register.get(received.code).status == Status.WITHDRAWN
    assert "kết thúc" in window.findChild(type(window.code_label), "sharedReason").text()


def test_a_cancelled_step_writes_nothing(qtbot: Any, make_ctx: Any, register: Any,
                                         received: Any) -> None:
    window = open_window(qtbot, make_ctx("admin"), received.code)
    before = len(register.history(received.code))
    answering(window, None)  # type: ignore[arg-type]
    window.buttons["withdraw"].click()
    wait_ops(qtbot)
    assert len(register.history(received.code)) == before


def test_a_returned_civil_status_dossier_is_entered_in_its_book(
        qtbot: Any, make_ctx: Any, register: Any, received: Any) -> None:
    register.process(received.code, "approved", "admin")
    register.return_result(received.code, "desk", "admin")
    window = open_window(qtbot, make_ctx("admin"), received.code)

    def ask(dialog: QDialog) -> bool:
        dialog.inputs["tinh_trang"].setText("Chưa đăng ký kết hôn với ai")
        dialog.ok.click()
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
        return True

    window.ask = ask  # type: ignore[method-assign]
    window.buttons["logbook"].click()
    wait_ops(qtbot)
    volumes = register.volumes("XNHN")
    entries = register.entries(volumes[0].uid)
    assert entries[-1].data["ho_ten"] == "Nguyễn Văn Dũng"
    assert entries[-1].dossier_uid == received.uid
    assert "Số 01/2026" in window.message.text()


def test_any_form_of_the_dossier_can_be_reprinted(qtbot: Any, make_ctx: Any, received: Any,
                                                  printed: Path) -> None:
    window = open_window(qtbot, make_ctx("tn.hoa"), received.code)
    names = [a.objectName() for a in window.print_menu.actions()]
    assert names == ["print_receipt", "print_control_slip"]
    window.print_menu.actions()[1].trigger()
    wait_ops(qtbot)
    assert (printed / f"{received.code}-06.pdf").exists()


@pytest.mark.parametrize(("user", "offered", "not_offered"), [
    ("tn.hoa", {"refuse", "return_result", "withdraw", "stop", "correct_details"},
     {"process", "reschedule"}),
    ("tp.duc", {"process", "reschedule", "request_financial"},
     {"refuse", "withdraw", "stop", "correct_details"}),
    ("ld.son", {"process", "reschedule", "hand_over"},
     {"refuse", "request_supplement", "withdraw", "fee", "correct_details"}),
])
def test_a_role_is_offered_only_what_it_may_do(qtbot: Any, make_ctx: Any, received: Any,
                                               user: str, offered: set[str],
                                               not_offered: set[str]) -> None:
    window = open_window(qtbot, make_ctx(user), received.code)
    assert offered <= set(window.buttons)
    assert not (not_offered & set(window.buttons))


def test_an_unknown_code_is_said_plainly(qtbot: Any, make_ctx: Any,
                                         ui_errors: list[tuple[str, str]]) -> None:
    window = DossierWindow(make_ctx("tn.hoa"), "000.00.01.H29-261116-9999")
    qtbot.addWidget(window)
    wait_ops(qtbot)
    assert ui_errors == [("message", "Không tìm thấy hồ sơ 000.00.01.H29-261116-9999.")]


def test_a_typing_error_in_the_applicant_is_corrected_with_a_reason_and_found_by_search(
        qtbot: Any, make_ctx: Any, register: Any, received: Any) -> None:
    window = open_window(qtbot, make_ctx("tn.hoa"), received.code)
    before = register.get(received.code).details["applicant"]
    step(qtbot, window, "correct_details", {"full_name": "Đặng Thị Thu Hương",
                                            "phone": "0987654321",
                                            "reason": "Gõ nhầm tên khi tiếp nhận"})
    view = register.get(received.code)
    assert view.applicant_name == "Đặng Thị Thu Hương"
    assert view.details["applicant"]["phone"] == "0987654321"
    assert view.details["applicant"]["id_number"] == before["id_number"]  # untouched
    last = register.history(received.code)[-1]
    assert last.kind == "dossier.details_corrected"
    assert last.payload["reason"] == "Gõ nhầm tên khi tiếp nhận"
    assert set(last.payload["applicant"]) == {"full_name", "phone"}  # only what changed
    assert [r.code for r in register.search("dang thi thu h")] == [received.code]
    assert received.code not in [r.code for r in register.search(before["full_name"])]
    assert register.check().ok  # the rebuilt projection and search index agree


def test_a_correction_that_changes_nothing_or_is_invalid_writes_nothing(
        qtbot: Any, make_ctx: Any, register: Any, received: Any,
        ui_errors: list[tuple[str, str]]) -> None:
    from desktop.register.errors import ValidationError
    from desktop.register.views import ApplicantInput

    before = len(register.history(received.code))
    same = ApplicantInput(**{k: v for k, v in register.get(received.code).details[
        "applicant"].items() if k in ("full_name", "id_number", "birth_date", "sex", "address",
                                      "phone", "email")})
    with pytest.raises(ValidationError, match="không thay đổi"):
        register.correct_applicant(received.code, same, "Kiểm tra", "tn.hoa")
    with pytest.raises(ValidationError):
        register.correct_applicant(received.code, ApplicantInput("Nguyễn Văn A",
                                   id_number="12345"), "Sai số", "tn.hoa")
    with pytest.raises(ValidationError):
        register.correct_applicant(received.code, ApplicantInput("Nguyễn Văn A"), "", "tn.hoa")
    assert len(register.history(received.code)) == before


def _info(window: DossierWindow) -> dict[str, str]:
    form = window.info_form
    return {form.itemAt(row, form.ItemRole.LabelRole).widget().text():
            form.itemAt(row, form.ItemRole.FieldRole).widget().text()
            for row in range(form.rowCount())}


def test_the_info_tab_says_whether_the_papers_were_digitised_and_data_reused(
        qtbot: Any, make_ctx: Any, register: Any, make_input: Any, received: Any) -> None:
    digital = register.receive(make_input("certified_copy", digitised=True, reused_data=True),
                               "tn.hoa")
    ctx = make_ctx("admin")
    assert _info(open_window(qtbot, ctx, received.code))["<b>Số hóa</b>"] == "Chưa số hóa"
    assert _info(open_window(qtbot, ctx, digital.code))["<b>Số hóa</b>"] == (
        "Đã số hóa, dùng lại dữ liệu số")
