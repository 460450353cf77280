"""Every field of every book, typed into the real entry dialog, is printed in the column its
schema names: the dialog, the register and the printed book read one definition."""

from __future__ import annotations

import re
import subprocess
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from PyQt6.QtGui import QInputMethodEvent  # only tests play the input method

from desktop.register.catalogue import BookKind, EntryField, load_catalogue
from desktop.ui import ops
from desktop.ui.logbooks import EntryDialog, LogbooksPage
from desktop.ui.qt import QApplication, QCheckBox, QDialog, QPlainTextEdit, Qt
from tests.conftest import wait_ops

BOOKS = [k.code for k in load_catalogue().book_kinds if k.group != "tracking"]


def typed_value(kind: BookKind, index: int, f: EntryField) -> tuple[str, str]:
    """(what is typed, the word the printed book must show) for one field, distinct per field."""
    tag = f"{kind.code.lower().replace('_', '')}{index:02d}"
    if f.type == "date":
        value = f"{index + 1:02d}/{(index % 9) + 1:02d}/{2001 + index}"
        return value, value
    if f.type == "time":
        value = f"{index % 24:02d}:{10 + index:02d}"
        return value, value
    if f.type == "datetime":
        value = f"{index + 1:02d}/03/2020 {index % 24:02d}:{10 + index:02d}"
        return value, value.split()[0]
    if f.type == "year":
        return str(1931 + index), str(1931 + index)
    if f.type == "number":
        return str(40001 + index), str(40001 + index)
    if f.type == "money":
        amount = 1_100_000 + 1_000 * index
        return str(amount), f"{amount:,}".replace(",", ".")
    if f.type == "id_number":
        return f"0019{index:02d}{index:06d}", f"0019{index:02d}{index:06d}"
    if f.type == "sex":
        return "Nữ", "Nữ"
    if f.type == "flag":
        return "x", "Có"
    return f"Giá trị {tag}", tag


def words(pdf: Path, page: int) -> list[tuple[float, float, str]]:
    """(x centre, y top, word) of one page, from `pdftotext -bbox`."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf),
                           "-"], check=True, capture_output=True, text=True).stdout
    out = []
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                         r'yMax="[\d.]+">([^<]*)</word>', html):
        text = unicodedata.normalize("NFC", m.group(4).replace("&amp;", "&"))
        out.append(((float(m.group(1)) + float(m.group(3))) / 2, float(m.group(2)), text))
    return out


def column_edges(kind: BookKind, centres: list[float]) -> list[float]:
    """The printed columns' left edges (and the table's right edge), in PDF points.

    The column numbers "(1)", "(2)"… are centred under each heading; the schema's widths
    scale to the page, so the centres fix the scale and the table's left edge.
    """
    widths = [c.width for c in kind.columns]
    starts = [sum(widths[:i]) for i in range(len(widths) + 1)]
    mids = [starts[i] + widths[i] / 2 for i in range(len(widths))]
    n = len(mids)
    mean_m, mean_c = sum(mids) / n, sum(centres) / n
    scale = sum((m - mean_m) * (c - mean_c) for m, c in zip(mids, centres)) / sum(
        (m - mean_m) ** 2 for m in mids)
    left = mean_c - scale * mean_m
    assert all(abs(left + scale * m - c) < 2 for m, c in zip(mids, centres)), centres
    return [left + scale * s for s in starts]


def column_of(x: float, edges: list[float]) -> int:
    """The printed column (from 1) that x lies in; 0 outside the table."""
    return next((i for i in range(1, len(edges)) if edges[i - 1] <= x < edges[i]), 0)


def type_text(qtbot: Any, widget: Any, text: str) -> None:
    """Type as an officer does: ASCII as key presses, Vietnamese letters as the input method
    commits them (Unikey, ibus; QTest's key clicks cannot carry them)."""
    for run in re.findall(r"[\x20-\x7e]+|[^\x20-\x7e]+", text):
        if run.isascii():
            qtbot.keyClicks(widget, run)
        else:
            event = QInputMethodEvent("", [])
            event.setCommitString(run)
            QApplication.sendEvent(widget, event)


def type_into_dialog(qtbot: Any, dialog: EntryDialog, values: dict[str, str]) -> None:
    dialog.show()
    for key, value in values.items():
        edit = dialog.inputs[key]
        if isinstance(edit, QCheckBox):
            edit.setFocus()
            qtbot.keyClick(edit, Qt.Key.Key_Space)
        else:
            if not isinstance(edit, QPlainTextEdit):
                edit.clear()
            type_text(qtbot, edit, value)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    # Inside the page's slot: wait for the save by hand (an exception here would abort Qt).
    deadline = time.monotonic() + 10
    while ops.busy() and time.monotonic() < deadline:
        QApplication.processEvents()
    QApplication.processEvents()


@pytest.mark.parametrize("code", BOOKS)
def test_every_field_typed_in_the_dialog_is_printed_in_its_schema_column(
        qtbot: Any, make_ctx: Any, register: Any, printed: Path, code: str) -> None:
    ctx = make_ctx("tp.duc")
    kind = ctx.catalogue.book_kind(code)
    assert kind.fields, f"{code} has no entry schema"
    page = LogbooksPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.select_kind(code)
    wait_ops(qtbot)
    typed = {f.key: typed_value(kind, i, f) for i, f in enumerate(kind.fields)}
    seen: list[EntryDialog] = []

    def ask(dialog: QDialog) -> bool:
        seen.append(dialog)
        if isinstance(dialog, EntryDialog) and list(dialog.inputs) == list(kind.keys):
            type_into_dialog(qtbot, dialog, {k: v for k, (v, _) in typed.items()})
        return dialog.result() == QDialog.DialogCode.Accepted

    page.ask = ask  # type: ignore[method-assign]
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    dialog = seen[0]
    assert isinstance(dialog, EntryDialog)
    # The dialog asks for exactly the schema's fields, labelled from it, required ones marked.
    assert list(dialog.inputs) == list(kind.keys)
    assert dialog.error.text() == ""
    assert dialog.entry is not None
    volume = register.volumes(code)[0]
    stored = register.entries(volume.uid)[0].data
    assert set(stored) == set(kind.keys)  # every field saved, under the schema's keys

    page.load_volumes()
    wait_ops(qtbot)
    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)  # the UI's print path
    wait_ops(qtbot)
    pdfs = list(printed.glob(f"so-{code}-*.pdf"))
    assert len(pdfs) == 1
    found = words(pdfs[0], 2)  # page 1 is the cover
    numbers: dict[str, float] = {}
    for x, _, w in found:  # the first row of "(n)" words: the column numbers
        if re.fullmatch(r"\(\d+\)", w):
            numbers.setdefault(w, x)
    centres = column_edges(kind, [numbers[f"({i})"] for i in range(1, len(kind.columns) + 1)])
    header_y = max(y for _, y, w in found if w in numbers)
    body = [(x, w.rstrip(";")) for x, y, w in found if y > header_y]  # cells join with "; "
    for f in kind.fields:
        word = typed[f.key][1]
        places = [column_of(x, centres) for x, w in body if w == word]
        assert places, f"{code}.{f.key}: «{word}» is not printed"
        assert kind.column_number(f.key) in places, (
            f"{code}.{f.key}: «{word}» printed in column {places}, its schema column is "
            f"{kind.column_number(f.key)} ({kind.column(f.column).heading})")
    if kind.group == "certification":
        requester = kind.column_number("nguoi_yeu_cau")
        certifier = kind.column_number("nguoi_ky_chung_thuc")
        assert requester != certifier
        assert kind.columns[certifier - 1].heading == "Người ký chứng thực"
        assert "yêu cầu" in kind.columns[requester - 1].heading or code == "SCT_CKND"
        certifier_word = typed["nguoi_ky_chung_thuc"][1]
        requester_word = typed["nguoi_yeu_cau"][1]
        assert [column_of(x, centres) for x, w in body if w == certifier_word] == [certifier]
        assert [column_of(x, centres) for x, w in body if w == requester_word] == [requester]
