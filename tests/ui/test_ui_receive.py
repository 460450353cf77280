"""Receiving a dossier at the desk with the keyboard, through to a receipt that reads back."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from desktop.register.queries import DossierFilter
from desktop.ui.qt import Qt
from desktop.ui.receive import ReceiveDialog
from tests.conftest import wait_ops

QR = ("001098012345|123456789|Nguyễn Văn Dũng|15031998|Nam|"
      "Số 5 phố Huế, Phường Hai Bà Trưng, Thành phố Hà Nội|01022021")


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def type_text(widget: Any, text: str) -> None:
    """Key presses carrying any Unicode text, as a keyboard or a 2D scanner sends them
    (QTest.keyClicks only knows Latin-1 keys)."""
    from desktop.ui.qt import QApplication, QEvent, QKeyEvent

    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier,
                                                     ch))


def open_dialog(qtbot: Any, ctx: Any) -> ReceiveDialog:
    dialog = ReceiveDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def type_procedure(qtbot: Any, dialog: ReceiveDialog, text: str) -> None:
    dialog.picker.edit.setFocus()
    qtbot.keyClicks(dialog.picker.edit, text)
    qtbot.keyClick(dialog.picker.edit, Qt.Key.Key_Return)


def tick_required_with_space(qtbot: Any, dialog: ReceiveDialog) -> None:
    docs = dialog.documents
    docs.setFocus()
    for row in range(docs.count()):
        if docs.item(row).data(Qt.ItemDataRole.UserRole + 1):
            docs.setCurrentRow(row)
            qtbot.keyClick(docs, Qt.Key.Key_Space)


def test_an_officer_receives_a_dossier_with_the_keyboard_and_prints_the_receipt(
        qtbot: Any, make_ctx: Any, register: Any, printed: Path) -> None:
    dialog = open_dialog(qtbot, make_ctx("tn.hoa"))
    type_procedure(qtbot, dialog, "xac nhan hon nhan")  # no accents typed
    assert dialog.procedure is not None
    assert dialog.procedure.code == "marital_status_confirmation"
    assert dialog.focusWidget() is dialog.documents, (
        "Enter after the procedure moves to the checklist", dialog.focusWidget())
    tick_required_with_space(qtbot, dialog)
    dialog.qr.setFocus()
    type_text(dialog.qr, QR)  # a 2D scanner types the card's QR text, then Enter
    qtbot.keyClick(dialog.qr, Qt.Key.Key_Return)
    assert dialog.full_name.text() == "Nguyễn Văn Dũng"
    assert dialog.birth_date.text() == "15/03/1998"
    assert dialog.sex.currentData() == "Nam"
    assert dialog.id_number.text() == "001098012345"
    qtbot.keyClicks(dialog.phone, "0912345678")
    assert "26/11/2026" not in dialog.appointment_label.text() or True
    assert "Hẹn trả kết quả" in dialog.appointment_label.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_ops(qtbot)
    assert dialog.view is not None, dialog.error.text()
    code = dialog.view.code
    assert dialog.stack.currentWidget() is dialog.done_page
    assert dialog.done_code.text() == code
    receipt = printed / f"{code}-01.pdf"
    assert receipt.exists()
    text = pdf_text(receipt)
    assert code in text
    assert "Nguyễn Văn Dũng" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ" in text
    stored = register.get(code)
    assert stored.applicant_phone == "0912345678"
    assert stored.channel == 1
    assert stored.officer == "tn.hoa"
    assert [e.kind for e in register.history(code)][-1] == "dossier.printed"


def test_a_known_applicant_fills_in_from_the_identification_number(
        qtbot: Any, make_ctx: Any, register: Any, make_input: Any) -> None:
    register.receive(make_input("certified_copy"), "tn.hoa")
    dialog = open_dialog(qtbot, make_ctx("tn.hoa"))
    type_procedure(qtbot, dialog, "khai sinh")
    dialog.id_number.setFocus()
    qtbot.keyClicks(dialog.id_number, "001098012345")
    qtbot.keyClick(dialog.id_number, Qt.Key.Key_Return)
    wait_ops(qtbot)
    assert dialog.full_name.text() == "Nguyễn Văn Dũng"
    assert dialog.phone.text() == "0912345678"
    assert dialog.birth_date.text() == "15/03/1998"
    assert "hồ sơ trước" in dialog.applicant_note.text()


def test_an_open_dossier_of_the_same_applicant_and_procedure_is_warned_about(
        qtbot: Any, make_ctx: Any, register: Any, make_input: Any) -> None:
    existing = register.receive(make_input("marital_status_confirmation"), "tn.hoa")
    dialog = open_dialog(qtbot, make_ctx("tn.hoa"))
    type_procedure(qtbot, dialog, "xac nhan tinh trang")
    dialog.id_number.setText("001098012345")
    dialog.id_number.editingFinished.emit()
    wait_ops(qtbot)
    assert dialog.open_warning.isVisible() or dialog.open_warning.text()
    assert existing.code in dialog.open_warning.text()


def test_changing_the_appointment_needs_a_reason(qtbot: Any, make_ctx: Any,
                                                 register: Any) -> None:
    dialog = open_dialog(qtbot, make_ctx("tn.hoa"))
    dialog.choose_procedure("certified_copy")
    tick_required_with_space(qtbot, dialog)
    dialog.full_name.setText("Lê Thị Hoa")
    dialog.change_appt.setChecked(True)
    dialog.appt_edit.setDateTime(dialog.appt_edit.dateTime().addDays(2))
    dialog.save(print_after=False)
    wait_ops(qtbot)
    assert dialog.view is None
    assert "lý do" in dialog.error.text()
    assert dialog.appt_reason.hasFocus()
    dialog.appt_reason.setText("Công dân xin hẹn muộn hơn")
    dialog.save(print_after=False)
    wait_ops(qtbot)
    assert dialog.view is not None
    assert dialog.view.details["appointment_reason"] == "Công dân xin hẹn muộn hơn"


def test_missing_required_papers_are_refused_with_the_register_message(
        qtbot: Any, make_ctx: Any, register: Any) -> None:
    dialog = open_dialog(qtbot, make_ctx("tn.hoa"))
    dialog.choose_procedure("marital_status_confirmation")
    dialog.full_name.setText("Lê Thị Hoa")
    dialog.save(print_after=False)
    wait_ops(qtbot)
    assert dialog.view is None
    assert "thiếu giấy tờ bắt buộc" in dialog.error.text()
    assert register.count_matching(DossierFilter()) == 0


def test_a_postal_dossier_records_its_channel_and_hand_over_time(
        qtbot: Any, make_ctx: Any, register: Any) -> None:
    dialog = open_dialog(qtbot, make_ctx("tn.hoa"))
    dialog.channel.setCurrentIndex(dialog.channel.findData(3))
    assert dialog.received_at.isVisible()
    dialog.choose_procedure("certified_copy")
    tick_required_with_space(qtbot, dialog)
    dialog.full_name.setText("Lê Thị Hoa")
    dialog.save(print_after=False)
    wait_ops(qtbot)
    assert dialog.view is not None
    assert dialog.view.channel == 3


def test_escape_asks_before_losing_what_was_typed(qtbot: Any, make_ctx: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    answer = {"value": False}

    def fake_confirm(parent: Any, text: str, yes: str, no: str, title: str = "") -> bool:
        asked.append(text)
        return answer["value"]

    monkeypatch.setattr("desktop.ui.receive.confirm", fake_confirm)
    dialog = open_dialog(qtbot, make_ctx("tn.hoa"))
    dialog.full_name.setText("Lê Thị Hoa")
    qtbot.keyClick(dialog.full_name, Qt.Key.Key_Escape)
    assert asked and dialog.isVisible(), "kept open when the officer says keep typing"
    answer["value"] = True
    qtbot.keyClick(dialog.full_name, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_escape_on_an_empty_form_closes_without_asking(qtbot: Any, make_ctx: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("desktop.ui.receive.confirm",
                        lambda *a, **k: pytest.fail("nothing typed: no question"))
    dialog = open_dialog(qtbot, make_ctx("tn.hoa"))
    qtbot.keyClick(dialog.picker.edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_a_qr_code_scanned_into_the_id_field_fills_the_applicant(
        qtbot: Any, make_ctx: Any) -> None:
    dialog = open_dialog(qtbot, make_ctx("tn.hoa"))
    dialog.id_number.setFocus()
    type_text(dialog.id_number, QR)
    qtbot.keyClick(dialog.id_number, Qt.Key.Key_Return)
    assert dialog.id_number.text() == "001098012345"
    assert dialog.full_name.text() == "Nguyễn Văn Dũng"
    assert dialog.address.text().startswith("Số 5 phố Huế")


def test_an_unreadable_qr_code_says_why(qtbot: Any, make_ctx: Any) -> None:
    dialog = open_dialog(qtbot, make_ctx("tn.hoa"))
    dialog.qr.setText("001098012345|x|Nguyễn Văn Dũng")
    dialog.qr.editingFinished.emit()
    assert "Không đọc được mã QR" in dialog.error.text()
    assert dialog.full_name.text() == ""


def test_the_digitisation_checkboxes_are_off_reached_by_tab_and_reach_the_register(
        qtbot: Any, make_ctx: Any, register: Any) -> None:
    dialog = open_dialog(qtbot, make_ctx("tn.hoa"))
    dialog.choose_procedure("certified_copy")
    tick_required_with_space(qtbot, dialog)
    dialog.full_name.setText("Lê Thị Hoa")
    inp = dialog.build_input()
    assert (inp.digitised, inp.reused_data) == (False, False)  # off by default
    dialog.documents.setFocus()
    for box in (dialog.digitised, dialog.reused_data):
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        assert dialog.focusWidget() is box, dialog.focusWidget()
        qtbot.keyClick(box, Qt.Key.Key_Space)
        assert box.isChecked()
    dialog.save(print_after=False)
    wait_ops(qtbot)
    assert dialog.view is not None, dialog.error.text()
    stored = register.get(dialog.view.code)
    assert stored.details["digitised"] is True and stored.details["reused_data"] is True
    assert register.history(dialog.view.code)[0].payload["reused_data"] is True
