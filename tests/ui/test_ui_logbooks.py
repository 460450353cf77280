"""Logbooks from the UI: add an entry, void it with a reason, correct it, print the volume."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.ui.forms_dialog import StepDialog
from desktop.ui.logbooks import EntryDialog, LogbooksPage
from desktop.ui.qt import QDialog
from tests.conftest import wait_ops


def page_for(qtbot: Any, ctx: Any, kind: str) -> LogbooksPage:
    page = LogbooksPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.select_kind(kind)
    page.load_volumes()
    wait_ops(qtbot)
    return page


def filling(values: dict[str, str], reason: str = "") -> Any:
    def ask(dialog: QDialog) -> bool:
        if isinstance(dialog, EntryDialog):
            for key, value in values.items():
                edit = dialog.inputs[key]
                edit.setPlainText(value) if hasattr(edit, "setPlainText") else edit.setText(value)
            dialog.reason.setText(reason)
            dialog.ok.click()
            import time

            from desktop.ui import ops
            from desktop.ui.qt import QApplication

            deadline = time.monotonic() + 10
            while ops.busy() and time.monotonic() < deadline:
                QApplication.processEvents()
            QApplication.processEvents()
        elif isinstance(dialog, StepDialog):
            dialog.set_value("reason", reason)
            dialog.ok.click()
        return dialog.result() == QDialog.DialogCode.Accepted
    return ask


def test_an_entry_is_added_voided_and_corrected(qtbot: Any, make_ctx: Any,
                                                register: Any) -> None:
    page = page_for(qtbot, make_ctx("tp.duc"), "KS")
    assert page.volume_list.count() == 0
    page.ask = filling({"ho_ten": "Nguyễn Minh An", "ngay_sinh": "02/11/2026",  # type: ignore
                        "nguoi_di_khai": "Nguyễn Văn Dũng"})
    page.add_button.click()
    wait_ops(qtbot)
    assert page.volume_list.count() == 1
    assert "Số 01/2026" in page.message.text()
    assert page.model.rowCount() == 1
    page.table.selectRow(0)
    page.ask = filling({}, reason="Ghi nhầm ngày sinh")  # type: ignore[method-assign]
    page.void_button.click()
    wait_ops(qtbot)
    entry = register.entries(register.volumes("KS")[0].uid)[0]
    assert entry.void_reason == "Ghi nhầm ngày sinh"
    assert "Đã hủy" in page.model.data(page.model.index(0, 3))
    assert not page.void_button.isEnabled() or page.current_entry() is None


def test_a_correction_is_a_new_entry_pointing_at_the_old_one(qtbot: Any, make_ctx: Any,
                                                             register: Any) -> None:
    old = register.add_logbook_entry("KT", {"ho_ten": "Lê Văn Tư", "ngay_chet": "01/11/2026",
                                            "nguoi_di_khai": "Lê Văn Năm"}, "tp.duc")
    page = page_for(qtbot, make_ctx("tp.duc"), "KT")
    page.table.selectRow(0)
    page.ask = filling({"ngay_chet": "02/11/2026"},  # type: ignore[method-assign]
                       reason="Sai ngày chết")
    page.correct_button.click()
    wait_ops(qtbot)
    entries = register.entries(old.volume_uid)
    assert len(entries) == 2
    assert entries[1].corrects_uid == old.uid
    assert entries[1].data["ngay_chet"] == "02/11/2026"
    assert entries[1].data["ho_ten"] == "Lê Văn Tư", "the correction carries the whole entry"
    assert "Sửa đổi cho số 01" in page.model.data(page.model.index(1, 3))


def test_certification_gives_one_number_per_document(qtbot: Any, make_ctx: Any,
                                                     register: Any) -> None:
    page = page_for(qtbot, make_ctx("tp.duc"), "SCT_BS")
    page.ask = filling({"nguoi_yeu_cau": "Trần Thị Hoa",  # type: ignore[method-assign]
                        "giay_to": "Giấy khai sinh\nBằng tốt nghiệp\nSổ hộ khẩu"})
    page.add_button.click()
    wait_ops(qtbot)
    entries = register.entries(register.volumes("SCT_BS")[0].uid)
    assert [e.data["giay_to"] for e in entries] == ["Giấy khai sinh", "Bằng tốt nghiệp",
                                                     "Sổ hộ khẩu"]


def test_the_tracking_book_is_read_only_and_a_volume_prints(
        qtbot: Any, make_ctx: Any, register: Any, make_input: Any, printed: Path) -> None:
    register.receive(make_input("certified_copy"), "tn.hoa")
    page = page_for(qtbot, make_ctx("admin"), "STD")
    assert not page.add_button.isEnabled()
    assert page.model.rowCount() == 1
    page.print_button.click()
    wait_ops(qtbot)
    assert list(printed.glob("so-STD-2026-*.pdf"))
