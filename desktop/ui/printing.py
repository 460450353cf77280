"""Printing: forms come as PDF bytes from desktop.printing; Qt previews, prints and saves them.

The PDF is made in a worker (reportlab is not instant on a long book). The preview draws
each page with QtPdf into the QPrinter at up to 300 dpi; "Lưu PDF" writes the original bytes,
so a saved file keeps its text and fonts. When desktop.printing is not installed the officer
gets a clear message instead of a crash.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.register.actions import FORM_LABELS, FORM_NUMBERS
from desktop.ui import errors
from desktop.ui import settings as opts
from desktop.ui.i18n import _, pair
from desktop.ui.ops import run_op
from desktop.ui.qt import (
    QAction,
    QBuffer,
    QByteArray,
    QFileDialog,
    QIODevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfDocument,
    QPrinter,
    QPrinterInfo,
    QPrintPreviewDialog,
    QRectF,
    QSize,
    QToolBar,
    QWidget,
)
from sync.errors import KnownError

log = logging.getLogger(__name__)

Presenter = Callable[[QWidget | None, bytes, str, str], None]
MAX_DPI = 300


class PrintingUnavailable(KnownError):
    """desktop.printing is not there (yet): said in words, not as a crash."""

    def __init__(self) -> None:
        super().__init__(
            "Chức năng in phiếu chưa có trong bản cài đặt này (thiếu mô-đun desktop.printing). "
            "Hồ sơ đã được lưu; có thể in lại sau trong cửa sổ hồ sơ.",
            "Form printing is not installed in this build (desktop.printing is missing). The "
            "dossier is saved; reprint it later from its window.")


def backend() -> Any:
    try:
        return importlib.import_module("desktop.printing")
    except ModuleNotFoundError as exc:
        if exc.name not in ("desktop.printing",):
            raise
        raise PrintingUnavailable() from None


def _as_bytes(result: Any, out: Path) -> bytes:
    if isinstance(result, (bytes, bytearray)):
        return bytes(result)
    if isinstance(result, (str, Path)) and Path(result).exists():
        return Path(result).read_bytes()
    return out.read_bytes()


def form_config(module: Any, paper: str) -> Any:
    """The forms' print configuration with this PC's paper choice (A4: two receipt copies
    on one sheet; A5: one copy a sheet)."""
    config = module.default_config()
    try:
        return dataclasses.replace(config, receipt_layout="a5" if paper == "A5"
                                   else "a4_two_copies")
    except (TypeError, ValueError):
        return config


def make_form_pdf(register: Any, ref: str, form: str, actor: str | None = None,
                  paper: str = "A4") -> bytes:
    """The PDF of one form of a dossier (worker thread); `actor` logs the printing."""
    module = backend()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{form}.pdf"
        result = module.print_form(register, ref, FORM_NUMBERS[form], out,
                                   form_config(module, paper), actor=actor)
        return _as_bytes(result, out)


def make_book_pdf(register: Any, kind: str, year: int, volume_no: int | None,
                  paper: str = "A4") -> bytes:
    """The pages of a logbook volume (worker thread)."""
    module = backend()
    func = getattr(module, "print_book", None)
    if func is None:
        raise PrintingUnavailable()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "book.pdf"
        return _as_bytes(func(register, kind, year, volume_no, out,
                              form_config(module, paper)), out)


class PrintService:
    """Makes a form's PDF off the GUI thread, then shows it (preview/print/save)."""

    def __init__(self, register: Any, settings: opts.UiSettings,
                 presenter: Presenter | None = None):
        self.register = register
        self.settings = settings
        self.presenter: Presenter = presenter or self.preview

    def available(self) -> bool:
        try:
            backend()
        except PrintingUnavailable:
            return False
        return True

    def print_form(self, parent: QWidget | None, ref: str, form: str, actor: str,
                   on_done: Callable[[], None] | None = None) -> None:
        title = pair(*FORM_LABELS.get(form, (form, form)))

        paper = self.settings.get(opts.PAPER_SIZE)

        def work(ctx: Any) -> bytes:
            return make_form_pdf(self.register, ref, form, actor, paper)

        def show(data: bytes) -> None:
            self.presenter(parent, data, title, f"{ref}-{FORM_NUMBERS.get(form, form)}.pdf")
            if on_done:
                on_done()

        run_op(work, on_success=show, parent=parent, kind="write",
               progress=_("Đang chuẩn bị phiếu để in…"))

    def print_book(self, parent: QWidget | None, kind: str, year: int, volume_no: int | None,
                   title: str) -> None:
        paper = self.settings.get(opts.PAPER_SIZE)
        filename = f"so-{kind}-{year}-{volume_no or 0:02d}.pdf"
        run_op(lambda ctx: make_book_pdf(self.register, kind, year, volume_no, paper),
               on_success=lambda data: self.presenter(parent, data, title, filename),
               parent=parent, progress=_("Đang chuẩn bị trang sổ để in…"))

    # --- the Qt preview ------------------------------------------------------------------------

    def preview(self, parent: QWidget | None, data: bytes, title: str, filename: str) -> None:
        dialog = PdfPreviewDialog(parent, data, title, filename, self.settings)
        dialog.exec()


def configured_printer(settings: opts.UiSettings) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    name = settings.get(opts.PRINTER)
    if name and name in QPrinterInfo.availablePrinterNames():
        printer.setPrinterName(name)
    size = QPageSize.PageSizeId.A5 if settings.get(opts.PAPER_SIZE) == "A5" \
        else QPageSize.PageSizeId.A4
    printer.setPageSize(QPageSize(size))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    return printer


class PdfPreviewDialog(QPrintPreviewDialog):
    """Qt's print preview of a PDF, with a "Lưu PDF…" button."""

    def __init__(self, parent: QWidget | None, data: bytes, title: str, filename: str,
                 settings: opts.UiSettings):
        self._printer = configured_printer(settings)
        super().__init__(self._printer, parent)
        self.setObjectName("printPreview")
        self.setWindowTitle(_("Xem trước khi in — {title}").format(title=title))
        self.resize(900, 1000)
        self.data = data
        self.filename = filename
        self._bytes = QByteArray(data)
        self._buffer = QBuffer(self._bytes)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        if self.page_count():
            first = self.document.pagePointSize(0)
            self._printer.setPageSize(QPageSize(first, QPageSize.Unit.Point))
        self.paintRequested.connect(self.render)
        bar = self.findChild(QToolBar)
        save = QAction(_("Lưu PDF…"), self)
        save.setObjectName("savePdf")
        save.triggered.connect(self.save_pdf)
        if bar is not None:
            bar.addSeparator()
            bar.addAction(save)
        self.save_action = save

    def page_count(self) -> int:
        return int(self.document.pageCount())

    def render(self, printer: QPrinter) -> None:
        painter = QPainter()
        if not painter.begin(printer):
            log.warning("could not start painting on the printer")
            return
        try:
            dpi = min(printer.resolution(), MAX_DPI)
            target = QRectF(printer.paperRect(QPrinter.Unit.DevicePixel))
            for index in range(self.page_count()):
                if index:
                    printer.newPage()
                points = self.document.pagePointSize(index)
                size = QSize(int(points.width() / 72 * dpi), int(points.height() / 72 * dpi))
                image = self.document.render(index, size)
                painter.drawImage(QRectF(0, 0, target.width(), target.height()), image)
        finally:
            painter.end()

    def save_pdf(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(self, _("Lưu PDF"), self.filename,
                                                    "PDF (*.pdf)")
        if not path:
            return
        try:
            Path(path).write_bytes(self.data)
        except OSError as exc:
            errors.report(self, exc)


def save_pdf_presenter(folder: Path) -> Presenter:
    """A presenter that only writes the PDF into `folder` (tests, batch printing)."""

    def present(parent: QWidget | None, data: bytes, title: str, filename: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / filename).write_bytes(data)

    return present
