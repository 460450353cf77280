"""Book renderers (A4 landscape): tracking book (Mẫu 07), civil-status and certification books.

Civil-status and certification books print a fixed number of entries per page (the register
counts pages the same way for the year-end closing), each page with its own header rows;
the tracking book is one long table whose header rows repeat on every page.

A logbook's columns are not defined here: the record carries its `BookLayout`, which the
caller builds from the book kind's entry schema in the catalogue (the same definition the
entry dialog reads), and the record refuses an entry value no column shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import partial
from typing import Generic, TypeVar

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
)

from forms.base import FitToFrame, Margins, Para, Renderer, esc
from forms.config import FormConfig, FormKind
from forms.records import (
    BookColumn,
    BookEntry,
    BookLayout,
    CertificationBook,
    CivilStatusBook,
    TrackingBook,
)
from forms.text import BLANK, local, long_date, short_date, two

SIGN = "sign"  # a column left blank for a signature


B = TypeVar("B", TrackingBook, CivilStatusBook, CertificationBook)


class BookRenderer(Renderer[B], Generic[B]):
    """A4 landscape, narrow margins, "Trang X/Y" and the book's name in every footer."""

    pagesize = landscape(A4)
    margins = Margins(top=12 * mm, right=12 * mm, bottom=13 * mm, left=18 * mm)
    base_size = 9.0

    def running_title(self) -> str:
        raise NotImplementedError

    def footer(self, canvas: Canvas, page: int, total: int) -> None:
        canvas.saveState()
        canvas.setFont(self.fonts.regular, self.footer_size)
        width, _ = canvas._pagesize
        y = self.margins.bottom / 2
        canvas.drawString(self.margins.left, y, self.running_title())
        canvas.drawRightString(width - self.margins.right, y, f"Trang {page}/{total}")
        canvas.restoreState()

    def title(self) -> str:
        return self.running_title()

    def cell(self, text: str, style: str = "td") -> Paragraph:
        return Para(text, self.styles[style])


# --------------------------------------------------------------------------- Mẫu 07


class TrackingBookRenderer(BookRenderer[TrackingBook]):
    """Mẫu 07: one long table, three header rows (groups, headings, column numbers)."""

    def running_title(self) -> str:
        r = self.record
        return (f"Sổ theo dõi hồ sơ - lĩnh vực {r.field_name} - từ {short_date(r.date_from)} "
                f"đến {short_date(r.date_to)}")

    def story(self) -> list[Flowable]:
        r = self.record
        spec = self.config.spec(FormKind.TRACKING_BOOK)
        out: list[Flowable] = []
        label = self.form_label(spec)
        if label is not None:
            out.append(label)
        out += [
            self.heading(r.office, spec, r.issued_on, r.number),
            self.p(esc(spec.title), "title"),
            self.p(f"Lĩnh vực: <b>{esc(r.field_name)}</b>", "body_center"),
            self.p(f"Từ ngày {short_date(r.date_from)} đến ngày {short_date(r.date_to)}"
                   + (f" - Quyển số {two(r.volume)}" if r.volume else "")
                   + (f", năm {r.year}" if r.year else ""), "subtitle"),
            self.table(),
            Spacer(1, 4),
            self.p(f"Tổng số: {len(r.rows)} hồ sơ.", "note"),
        ]
        return out

    def table(self) -> Table:
        c = self.cell
        th = [c(t, "th") for t in (
            "STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Tên cá nhân, tổ chức",
            "Địa chỉ, số điện thoại", "Cơ quan chủ trì giải quyết", "Nhận và trả kết quả")]
        sub = [c(t, "th") for t in ("Ngày, giờ nhận hồ sơ", "Ngày, giờ hẹn trả kết quả",
                                      "Ngày, giờ trả kết quả", "Hình thức nhận kết quả",
                                      "Ký nhận")]
        rows: list[list[object]] = [
            [*th, "", "", "", ""],
            ["", "", "", "", "", "", *sub],
            [c(f"({i})", "td_center") for i in range(1, 12)],
        ]
        for row in self.record.rows:
            contact = "; ".join(x for x in (row.address, row.phone) if x)
            rows.append([
                c(str(row.number), "td_center"), c(esc(row.dossier_code)),
                c(esc(row.procedure)), c(esc(row.applicant)), c(esc(contact)),
                c(esc(row.processing_body)),
                c(_when(row.received_at), "td_center"), c(_when(row.appointment_at), "td_center"),
                c(_when(row.returned_at), "td_center"), c(esc(row.result_method), "td_center"),
                "",
            ])
        widths = _scale([9, 36, 42, 30, 36, 28, 19, 19, 19, 18, 15], self.frame_width)
        spans = [("SPAN", (i, 0), (i, 1)) for i in range(6)] + [("SPAN", (6, 0), (10, 0))]
        return self.grid(rows, widths, header_rows=3, extra=spans)


def _when(moment: datetime | None) -> str:
    """Date over time in a narrow column."""
    if moment is None:
        return ""
    m = local(moment)
    return f"{m:%d/%m/%Y}<br/>{m:%H:%M}"


def _scale(widths: Sequence[float], total: float) -> list[float]:
    k = total / sum(widths)
    return [w * k for w in widths]


# --------------------------------------------------------------------------- logbooks

L = TypeVar("L", CivilStatusBook, CertificationBook)


class LogbookRenderer(BookRenderer[L], Generic[L]):
    """Cover page, then `book_entries_per_page` entries per page, then the closing line."""

    base_size = 8.5
    layout: BookLayout
    _header: list[list[object]] | None = None

    def book_name(self) -> str:
        return self.layout.title

    def volume_label(self) -> str:
        return f"Quyển số {two(self.record.volume)}, năm {self.record.year}"

    def running_title(self) -> str:
        return f"{self.book_name()} - {self.volume_label()}"

    def story(self) -> list[Flowable]:
        r = self.record
        out: list[Flowable] = []
        if r.cover:
            out += self.cover()
            out.append(PageBreak())
        pages = r.pages(self.config.book_entries_per_page)
        height = self.pagesize[1] - self.margins.top - self.margins.bottom
        for i, entries in enumerate(pages):
            if i:
                out.append(PageBreak())
            out.append(FitToFrame(self.frame_width, height, partial(self.page, entries)))
        if r.closing is not None:
            closing = self.closing()
            out.append(CondPageBreak(60 * mm))
            out += closing
        return out

    def page(self, entries: Sequence[BookEntry], width: float) -> list[Flowable]:
        """One printed page of entries, laid out for `width`."""
        return [self.page_heading(), Spacer(1, 3), self.entries_table(entries, width)]

    def cover(self) -> list[Flowable]:
        r = self.record
        st = self.styles
        big: ParagraphStyle = st["title"].clone("cover_title", fontSize=26, leading=32,
                                                spaceBefore=0, spaceAfter=16)
        gov: ParagraphStyle = st["office"].clone("cover_gov", fontSize=14, leading=18)
        line_style: ParagraphStyle = st["motto_sub"].clone("cover_line", fontSize=15,
                                                           leading=20)
        when: ParagraphStyle = st["date_line"].clone("cover_date", fontSize=13, leading=18)
        blank = f"ngày {BLANK} tháng {BLANK} năm {BLANK}"
        opened = long_date(r.opened_on) if r.opened_on else blank
        closed = long_date(r.closing.closed_on) if r.closing else blank
        return [
            Paragraph(esc(r.office.governing_body.upper()), gov),
            Paragraph(esc(r.office.province), when),
            Spacer(1, 40 * mm),
            Paragraph(esc(self.book_name().upper()), big),
            *(Paragraph(esc(text), line_style) for text in self.cover_lines()),
            Spacer(1, 18 * mm),
            Paragraph(f"Mở sổ {opened}", when),
            Paragraph(f"Khóa sổ {closed}", when),
        ]

    def cover_lines(self) -> list[str]:
        return [self.volume_label()]

    def page_heading(self) -> Paragraph:
        r = self.record
        return self.p(f"<b>{esc(self.book_name().upper())}</b> - {esc(self.volume_label())}"
                      f" - {esc(r.office.governing_body)}", "body_center")

    def header_rows(self) -> list[list[object]]:
        """Column headings and numbers, built once and shared by every page's table."""
        if self._header is None:
            cols = self.layout.columns
            self._header = [[self.cell(esc(col.heading), "th") for col in cols],
                            [f"({i})" for i in range(1, len(cols) + 1)]]
        return self._header

    def entries_table(self, entries: Sequence[BookEntry], width: float) -> Table:
        # Plain strings where nothing wraps: tables draw them without the paragraph engine,
        # which is most of the time of a 1,000-entry book.
        cols = self.layout.columns
        c = self.cell
        rows: list[list[object]] = list(self.header_rows())
        for entry in entries:
            row: list[object] = []
            for col in cols:
                text = ""
                if col.kind == SIGN:
                    pass
                elif col.kind == "number":
                    text = f"Số {entry.number:02d}\n{short_date(entry.registered_on)}"
                elif col.kind == "money":
                    text = "; ".join(_amount(v) for v in (entry.get(k) for _, k in col.keys)
                                     if v)
                elif col.kind == "note":
                    text = _note(entry, col)
                else:
                    text = _cell_text(entry, col.keys)
                row.append(c(text) if text and col.kind not in ("number", "money") else text)
            rows.append(row)
        widths = _scale([col.width for col in cols], width)
        align: list[tuple[object, ...]] = [
            ("ALIGN", (i, 2), (i, -1), "CENTER" if col.kind == "number" else "RIGHT")
            for i, col in enumerate(cols) if col.kind in ("number", "money")]
        return self.grid(rows, widths, header_rows=2, extra=[
            ("ROWBACKGROUNDS", (0, 0), (-1, 1), ["#f2f2f2"]),
            ("ALIGN", (0, 1), (-1, 1), "CENTER"), *align])

    def closing(self) -> list[Flowable]:
        r = self.record
        k = r.closing
        assert k is not None
        text = (f"Sổ này có <b>{k.total_pages}</b> trang, đã ghi <b>{k.total_entries}</b> "
                f"mục (từ số {k.first_number:02d} đến số {k.last_number:02d}), trong đó "
                f"{k.voided} số bị hủy. Khóa sổ {long_date(k.closed_on)}.")
        return [Spacer(1, 8), self.p(text),
                self.signatures([("Người ghi sổ", "(Ký và ghi rõ họ tên)", ""),
                                 (r.signer_title, "(Ký, ghi rõ họ tên và đóng dấu)",
                                  r.signer_name)], space=18 * mm)]


def _cell_text(entry: BookEntry, keys: tuple[tuple[str, str], ...]) -> str:
    parts = []
    for label, key in keys:
        value = entry.get(key)
        if not value:
            continue
        # No <b> for the name: a second font run sends reportlab's line breaking down its
        # slow path and doubles the time of a 1,000-entry book. The name leads the cell.
        parts.append(f"{label}: {esc(value)}" if label else esc(value))
    return "; ".join(parts)


def _amount(value: str) -> str:
    """"4000" -> "4.000" (amounts only: years and numbers elsewhere stay as they are)."""
    return f"{int(value):,}".replace(",", ".") if value.isdigit() else value


def _note(entry: BookEntry, column: BookColumn) -> str:
    parts = []
    if entry.void_reason:
        parts.append(f"<b>Số đã hủy.</b> Lý do: {esc(entry.void_reason)}")
    if entry.corrects_number is not None:
        reason = f" Lý do: {esc(entry.correction_reason)}" if entry.correction_reason else ""
        parts.append(f"Ghi lại cho số {entry.corrects_number:02d}.{reason}")
    text = _cell_text(entry, column.keys)
    if text:
        parts.append(text)
    return "<br/>".join(parts)


class CivilStatusBookRenderer(LogbookRenderer[CivilStatusBook]):
    """Sổ hộ tịch: one layout per kind of event (births, marriages, deaths...)."""

    def __init__(self, record: CivilStatusBook, config: FormConfig | None = None) -> None:
        self.layout = record.book_layout
        super().__init__(record, config)

    def book_name(self) -> str:
        return self.record.kind_name or self.layout.title


class CertificationBookRenderer(LogbookRenderer[CertificationBook]):
    """Sổ chứng thực (Decree 23/2015): numbers read "Số 10, quyển số 01/2026-SCT/BS"."""

    def __init__(self, record: CertificationBook, config: FormConfig | None = None) -> None:
        self.layout = record.book_layout
        super().__init__(record, config)

    def book_name(self) -> str:
        return self.record.kind_name or self.layout.title

    def volume_label(self) -> str:
        r = self.record
        month = f" - tháng {r.month:02d}/{r.year}" if r.month else ""
        return f"Quyển số {two(r.volume)}/{r.year}-{r.symbol}{month}"

    def cover_lines(self) -> list[str]:
        r = self.record
        lines = [f"Ký hiệu: {r.symbol}", f"Quyển số: {two(r.volume)}/{r.year}-{r.symbol}"]
        if r.month:
            lines.append(f"Bản in tháng {r.month:02d}/{r.year}")
        return lines

