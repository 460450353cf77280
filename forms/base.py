"""The renderer base class: fonts, named paragraph styles, page templates, story, "Trang X/Y".

A renderer takes one frozen record and returns PDF bytes. Subclasses fill the hooks:
`make_styles` (named styles), `page_templates` (frames and static page furniture via
`on_page`), `story` (the flowables) and `footer` (drawn on every page once the page count
is known). Shared building blocks (the national motto heading, signature blocks, tables)
are methods here so every form looks the same.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar
from xml.sax.saxutils import escape

from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import _FUZZ, HRFlowable, KeepInFrame, _listWrapOn

from forms.config import FormConfig, FormSpec
from forms.fonts import FontFamily, register_fonts
from forms.records import OfficeHeader
from forms.text import BLANK, date_line

R = TypeVar("R")

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_SUB = "Độc lập - Tự do - Hạnh phúc"
DOTS = "…………………………"


def esc(text: object) -> str:
    """User text made safe for reportlab's paragraph markup."""
    return escape(str(text))


@dataclass(frozen=True)
class Margins:
    top: float
    right: float
    bottom: float
    left: float


def numbered_canvas(footer: Callable[[Canvas, int, int], None],
                    initial_font: str) -> type[Canvas]:
    """A canvas class that holds pages back until the end, then stamps "page of total".

    Its initial font is the bundled one, so no unembedded standard font (Helvetica) is ever
    referenced by the file.
    """

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            if not kwargs.get("initialFontName"):
                kwargs["initialFontName"] = initial_font
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                footer(self, self._pageNumber, total)
                super().showPage()
            super().save()

    return NumberedCanvas


class Para(Paragraph):
    """A paragraph that remembers its line breaks for the last width it was wrapped at.

    Tables and containers wrap their cells again when drawing, and a receipt draws the same
    flowables for both copies; line breaking is the costly part of rendering.
    """

    _last_wrap: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        last = self._last_wrap
        if last is not None and abs(last[0] - availWidth) < 1e-3:  # containers shave a fuzz
            return last[1]
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        self._last_wrap = (availWidth, size)
        return size


class QrCode(Flowable):
    """A QR code drawn straight onto the canvas from reportlab's QR encoder.

    The encoder is the one behind reportlab's QrCodeWidget; drawing the modules as merged
    rectangles here avoids the widget's shape tree (and encoding the same value twice).
    """

    def __init__(self, value: str, size: float, level: str = "M", border: int = 4):
        super().__init__()
        code = qrencoder.QRCode(None, getattr(qrencoder.QRErrorCorrectLevel, level))
        code.addData(value)
        code.make()
        self.value = value
        self.modules: list[list[bool]] = [[bool(m) for m in row] for row in code.modules]
        self.size = size
        self.border = border

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        canvas = self.canv
        name = f"qr{id(self)}"
        if not canvas.hasForm(name):  # both receipt copies draw one PDF form object
            canvas.beginForm(name, lowerx=0, lowery=0, upperx=self.size, uppery=self.size)
            self._draw_modules(canvas)
            canvas.endForm()
        canvas.doForm(name)

    def _draw_modules(self, canvas: Canvas) -> None:
        n = len(self.modules)
        box = self.size / (n + 2 * self.border)
        canvas.saveState()
        canvas.setFillColor(colors.black)
        for r, row in enumerate(self.modules):
            y = self.size - (r + self.border + 1) * box
            c = 0
            while c < n:
                if row[c]:
                    start = c
                    while c < n and row[c]:
                        c += 1
                    canvas.rect((start + self.border) * box, y, (c - start) * box, box,
                                stroke=0, fill=1)
                else:
                    c += 1
        canvas.restoreState()


class FitToFrame(KeepInFrame):
    """Content built for a width, shrunk as a whole when it is too tall for its box.

    Unlike `KeepInFrame(mode="shrink")`, which only rewraps the same flowables wider, this
    rebuilds them for each trial width, so fixed-width tables widen with the text and the
    shrunk result keeps the layout it has at full size.
    """

    def __init__(self, width: float, height: float,
                 build: Callable[[float], list[Flowable]], name: str = ""):
        self._build = build
        super().__init__(width, height, build(width), mode="shrink", name=name)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        max_w = min(self.maxWidth, availWidth)
        max_h = min(self.maxHeight, availHeight)
        scale, built_for = 1.0, max_w
        for _ in range(8):
            if built_for != max_w * scale:
                built_for = max_w * scale
                self._content = self._build(built_for)
            _, height = _listWrapOn(self._content, built_for, self.canv)
            if height <= max_h * scale + _FUZZ:
                break
            scale = max(scale * 1.01, height / max_h)
        self._scale = scale
        self.width = max_w - _FUZZ
        self.height = min(height / scale, max_h) - _FUZZ
        return self.width, self.height


class Renderer(Generic[R]):
    """Base of every form and book renderer; `render()` returns the PDF bytes."""

    pagesize: tuple[float, float] = A4
    margins: Margins = Margins(top=18 * mm, right=15 * mm, bottom=18 * mm, left=25 * mm)
    base_size: float = 12.0
    footer_size: ClassVar[float] = 8.0

    def __init__(self, record: R, config: FormConfig | None = None):
        self.record = record
        self.config = config or FormConfig()
        self.fonts: FontFamily = register_fonts()
        self.styles: dict[str, ParagraphStyle] = self.make_styles()

    # --- hooks ---------------------------------------------------------------------------

    def make_styles(self) -> dict[str, ParagraphStyle]:
        """Named paragraph styles, all in the bundled family, sized from `base_size`."""
        f, s = self.fonts, self.base_size
        base = ParagraphStyle("body", fontName=f.regular, fontSize=s, leading=s * 1.25,
                              alignment=TA_LEFT, spaceAfter=s * 0.15)
        small = s - 1.5

        def style(name: str, **kw: Any) -> ParagraphStyle:
            return ParagraphStyle(name, parent=base, **kw)

        styles = [
            base,
            style("body_center", alignment=TA_CENTER),
            style("item", leftIndent=s * 1.6, firstLineIndent=-s * 1.1),
            style("indent", leftIndent=s * 1.6),
            style("title", fontName=f.bold, fontSize=s + 2, leading=(s + 2) * 1.2,
                  alignment=TA_CENTER, spaceBefore=s * 0.6, spaceAfter=s * 0.1),
            style("subtitle", fontName=f.italic, alignment=TA_CENTER, spaceAfter=s * 0.5),
            style("code", fontName=f.bold, alignment=TA_CENTER, spaceAfter=s * 0.4),
            style("gov", fontSize=small, leading=small * 1.2, alignment=TA_CENTER,
                  spaceAfter=0),
            style("office", fontName=f.bold, fontSize=small, leading=small * 1.2,
                  alignment=TA_CENTER, spaceAfter=0),
            style("number", fontSize=small, leading=small * 1.2, alignment=TA_CENTER),
            style("motto", fontName=f.bold, fontSize=small, leading=small * 1.2,
                  alignment=TA_CENTER, spaceAfter=0),
            style("motto_sub", fontName=f.bold, fontSize=s, leading=s * 1.2,
                  alignment=TA_CENTER, spaceAfter=0),
            style("date_line", fontName=f.italic, fontSize=s, leading=s * 1.2,
                  alignment=TA_CENTER),
            style("form_no", fontName=f.bold, fontSize=small, leading=small * 1.2,
                  alignment=TA_RIGHT, spaceAfter=0),
            style("copy_label", fontName=f.italic, fontSize=small, leading=small * 1.2,
                  alignment=TA_CENTER),
            style("sign_title", fontName=f.bold, alignment=TA_CENTER, spaceAfter=0),
            style("sign_hint", fontName=f.italic, fontSize=small, leading=small * 1.2,
                  alignment=TA_CENTER, spaceAfter=0),
            style("sign_name", fontName=f.bold, alignment=TA_CENTER),
            style("th", fontName=f.bold, fontSize=small, leading=small * 1.15,
                  alignment=TA_CENTER, spaceAfter=0),
            style("td", fontSize=small, leading=small * 1.15, spaceAfter=0),
            style("td_center", fontSize=small, leading=small * 1.15, alignment=TA_CENTER,
                  spaceAfter=0),
            style("td_right", fontSize=small, leading=small * 1.15, alignment=TA_RIGHT,
                  spaceAfter=0),
            style("note", fontName=f.italic, fontSize=small, leading=small * 1.2),
        ]
        return {st.name: st for st in styles}

    def page_templates(self, doc: BaseDocTemplate) -> list[PageTemplate]:
        """One frame filling the page inside the margins."""
        frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        return [PageTemplate(id="page", frames=[frame], onPage=self.on_page,
                             pagesize=self.pagesize)]

    def story(self) -> list[Flowable]:
        raise NotImplementedError

    def on_page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        """Static furniture drawn on each page as it is laid out (nothing by default)."""

    def footer(self, canvas: Canvas, page: int, total: int) -> None:
        """"Trang X/Y" centred under the frame, on every page."""
        canvas.saveState()
        canvas.setFont(self.fonts.regular, self.footer_size)
        width, _ = canvas._pagesize
        canvas.drawCentredString(width / 2, self.margins.bottom / 2, f"Trang {page}/{total}")
        canvas.restoreState()

    def title(self) -> str:
        """The PDF's document title (metadata)."""
        return type(self.record).__name__

    def author(self) -> str:
        office = getattr(self.record, "office", None)
        return office.office_name if isinstance(office, OfficeHeader) else "motcua"

    # --- rendering ---------------------------------------------------------------------------

    @property
    def frame_width(self) -> float:
        return self.pagesize[0] - self.margins.left - self.margins.right

    def render(self) -> bytes:
        buffer = io.BytesIO()
        m = self.margins
        doc = BaseDocTemplate(
            buffer, pagesize=self.pagesize, leftMargin=m.left, rightMargin=m.right,
            topMargin=m.top, bottomMargin=m.bottom, title=self.title(), author=self.author(),
            subject=self.title(), creator="motcua", producer="motcua (reportlab)",
            lang="vi-VN", initialFontName=self.fonts.regular)
        doc.addPageTemplates(self.page_templates(doc))
        doc.build(self.story(), canvasmaker=numbered_canvas(self.footer, self.fonts.regular))
        return buffer.getvalue()

    # --- building blocks -------------------------------------------------------------------

    def p(self, text: str, style: str = "body") -> Paragraph:
        """A paragraph of markup (callers escape user text with `esc`)."""
        return Para(text, self.styles[style])

    def line(self, label: str, value: str | None, style: str = "body",
             bold: bool = False) -> Paragraph:
        """"Label: value", the value dotted out when missing."""
        shown = esc(value) if value else DOTS
        if bold and value:
            shown = f"<b>{shown}</b>"
        return self.p(f"{label}: {shown}", style)

    def rule(self, width: float) -> HRFlowable:
        return HRFlowable(width=width, thickness=0.6, color=colors.black, spaceBefore=3,
                          spaceAfter=3, hAlign="CENTER")

    def heading(self, office: OfficeHeader, spec: FormSpec | None, when: Any,
                number: str = "", width: float | None = None) -> Table:
        """Office on the left, the national motto (underlined) and date line on the right."""
        width = width or self.frame_width
        left_w, right_w = width * 0.45, width * 0.55
        left: list[Flowable] = [self.p(esc(office.governing_body.upper()), "gov"),
                                self.p(esc(office.office_name.upper()), "office")]
        left.append(self.rule(min(left_w * 0.4, 35 * mm)))
        if spec is not None and spec.symbol:
            left.append(self.p(f"Số: {esc(number) if number else BLANK}/{esc(spec.symbol)}",
                               "number"))
        sub = self.styles["motto_sub"]
        right: list[Flowable] = [
            self.p(MOTTO, "motto"), self.p(MOTTO_SUB, "motto_sub"),
            self.rule(stringWidth(MOTTO_SUB, sub.fontName, sub.fontSize)),
            self.p(esc(date_line(office.place_name, when)), "date_line"),
        ]
        table = Table([[left, right]], colWidths=[left_w, right_w])
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), self.fonts.regular),
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]))
        return table

    def form_label(self, spec: FormSpec, extra: str = "") -> Paragraph | None:
        text = " ".join(t for t in (spec.label, extra) if t)
        return self.p(esc(text), "form_no") if text else None

    def signatures(self, blocks: Sequence[tuple[str, str, str]], space: float = 22 * mm,
                   width: float | None = None) -> Table:
        """Signature blocks side by side: (title, hint, printed name)."""
        width = width or self.frame_width
        cells = [[self.p(esc(title.upper()), "sign_title"), self.p(esc(hint), "sign_hint"),
                  Spacer(1, space), self.p(esc(name), "sign_name")]
                 for title, hint, name in blocks]
        table = Table([cells], colWidths=[width / len(blocks)] * len(blocks))
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), self.fonts.regular),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 2),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 2)]))
        table.spaceBefore = 6  # one row: the block never splits across pages
        return table

    def grid(self, rows: list[list[Any]], widths: Sequence[float], header_rows: int = 1,
             extra: Sequence[tuple[Any, ...]] = ()) -> Table:
        """A ruled table whose header rows repeat on every page it spans."""
        table = Table(rows, colWidths=list(widths), repeatRows=header_rows,
                      splitByRow=1)
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), self.fonts.regular),
            ("FONTSIZE", (0, 0), (-1, -1), self.styles["td"].fontSize),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, header_rows - 1), "MIDDLE"),
            ("VALIGN", (0, header_rows), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 2.5), ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            *extra,
        ]))
        return table
