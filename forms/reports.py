"""Printed reports (báo cáo): A4 landscape, the office heading, ruled tables whose header rows
repeat on every page, "Trang X/Y", and the signature block of the head of the office.

The record is generic — sections of typed columns and raw values — so every report (handling,
late dossiers, the service index, satisfaction, fees) prints through one renderer:

    pdf = render_report(ReportDocument(office=..., title=..., period=..., sections=(...)))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer

from forms.base import Margins, Para, Renderer, esc
from forms.errors import FormDataError
from forms.records import OfficeHeader, _Record
from forms.text import LOCAL_TZ

CELL_KINDS = ("text", "int", "share", "money", "points", "instant", "day", "bool")
_RIGHT = {"int", "share", "money", "points"}
_CENTER = {"instant", "day", "bool"}


@dataclass(frozen=True)
class ReportColumn(_Record):
    title: str
    kind: str = "int"  # one of CELL_KINDS
    width: float = 10.0  # relative

    def validate(self) -> None:
        self._require("title")
        if self.kind not in CELL_KINDS:
            raise FormDataError(f"Kiểu cột không hợp lệ: {self.kind}.",
                                f"Unknown column kind {self.kind}.", field="kind")


@dataclass(frozen=True)
class ReportSection(_Record):
    """A titled table; the first `total_rows` rows print bold."""

    title: str
    columns: tuple[ReportColumn, ...]
    rows: tuple[tuple[Any, ...], ...]
    total_rows: int = 0
    note: str = ""

    def validate(self) -> None:
        if not self.columns:
            raise FormDataError("Bảng báo cáo không có cột.", "A report table needs columns.")
        for row in self.rows:
            if len(row) != len(self.columns):
                raise FormDataError("Số ô của một dòng khác số cột.",
                                    "A row has a different number of cells than columns.")


@dataclass(frozen=True)
class ReportDocument(_Record):
    """A report as printed: heading, title, period, tables, notes and signatures."""

    office: OfficeHeader
    title: str
    period: str  # "Từ ngày 01/01/2026 đến ngày 31/12/2026"
    sections: tuple[ReportSection, ...]
    issued_on: date
    notes: tuple[str, ...] = ()
    number: str = ""
    preparer_name: str = ""
    signer_title: str = "Thủ trưởng cơ quan"
    signer_name: str = ""

    def validate(self) -> None:
        self._require("title", "period")


def _local(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.astimezone(LOCAL_TZ)


def format_cell(kind: str, value: Any) -> str:
    """A value as printed (Vietnamese separators: 1.234 and 45,6%)."""
    if value is None or value == "":
        return ""
    if kind in ("int", "money"):
        return f"{int(value):,}".replace(",", ".")
    if kind == "share":
        return f"{float(value) * 100:.1f}%".replace(".", ",")
    if kind == "points":
        return f"{float(value):.2f}".replace(".", ",")
    if kind == "instant":
        m = _local(value)
        return f"{m:%d/%m/%Y}<br/>{m:%H:%M}"
    if kind == "day":
        try:
            d = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:  # a label in a day column ("Tổng cộng")
            return esc(value)
        return f"{d:%d/%m/%Y}"
    if kind == "bool":
        return "Có" if value else "Không"
    return esc(value)


class ReportRenderer(Renderer[ReportDocument]):
    """A4 landscape (the tables are wide); small type in the tables."""

    pagesize = landscape(A4)
    margins = Margins(top=12 * mm, right=12 * mm, bottom=14 * mm, left=15 * mm)
    base_size = 11.0

    def title(self) -> str:
        return self.record.title

    def footer(self, canvas: Canvas, page: int, total: int) -> None:
        canvas.saveState()
        canvas.setFont(self.fonts.regular, self.footer_size)
        width, _ = canvas._pagesize
        y = self.margins.bottom / 2
        canvas.drawString(self.margins.left, y, f"{self.record.title} - {self.record.period}")
        canvas.drawRightString(width - self.margins.right, y, f"Trang {page}/{total}")
        canvas.restoreState()

    def story(self) -> list[Flowable]:
        r = self.record
        out: list[Flowable] = [
            self.heading(r.office, None, r.issued_on, r.number, self.frame_width * 0.8),
            Spacer(1, 4),
            self.p(esc(r.title.upper().replace("QĐ-TTG", "QĐ-TTg")), "title"),
            self.p(esc(r.period), "subtitle"),
        ]
        for section in r.sections:
            out.append(CondPageBreak(40 * mm))
            out.append(self.p(f"<b>{esc(section.title)}</b>", "body"))
            if section.rows:
                out.append(self.table(section))
            else:
                out.append(self.p("Không có số liệu.", "note"))
            if section.note:
                out.append(self.p(esc(section.note), "note"))
            out.append(Spacer(1, 4))
        for note in r.notes:
            out.append(self.p(esc(note), "note"))
        out.append(KeepTogether([
            Spacer(1, 6),
            self.signatures([("Người lập biểu", "(Ký, ghi rõ họ tên)", r.preparer_name),
                             (r.signer_title, "(Ký, ghi rõ họ tên, đóng dấu)", r.signer_name)]),
        ]))
        return out

    def table(self, section: ReportSection) -> Flowable:
        cols = section.columns
        size = 7.5 if len(cols) > 12 else 8.5
        th = self.styles["th"].clone("th_small", fontSize=size, leading=size * 1.15)
        styles = {k: self.styles[name].clone(f"{name}_{k}", fontSize=size, leading=size * 1.15)
                  for k, name in (("left", "td"), ("right", "td_right"),
                                  ("center", "td_center"))}
        bold = {k: s.clone(f"{s.name}_b", fontName=self.fonts.bold) for k, s in styles.items()}
        rows: list[list[Any]] = [[Para(esc(c.title), th) for c in cols]]
        for i, row in enumerate(section.rows):
            chosen = bold if i < section.total_rows else styles
            rows.append([Para(format_cell(c.kind, v), chosen[
                "right" if c.kind in _RIGHT else "center" if c.kind in _CENTER else "left"])
                for c, v in zip(cols, row, strict=True)])
        total = sum(c.width for c in cols)
        widths = [self.frame_width * c.width / total for c in cols]
        extra = [("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.87, 0.89, 0.93))]
        return self.grid(rows, widths, header_rows=1, extra=extra)


def render_report(record: ReportDocument) -> bytes:
    """PDF bytes of a report."""
    return ReportRenderer(record).render()


def sections(tables: Sequence[Any]) -> tuple[ReportSection, ...]:
    """ReportSections from any objects with title, columns (title, kind, width), rows,
    total_rows and note (reports.tables.Table has them). Columns of kind "key" (codes
    meant for spreadsheets) are left off the paper."""
    out = []
    for t in tables:
        keep = [i for i, c in enumerate(t.columns) if c.kind != "key"]
        out.append(ReportSection(
            title=t.title,
            columns=tuple(ReportColumn(t.columns[i].title, t.columns[i].kind,
                                       t.columns[i].width) for i in keep),
            rows=tuple(tuple(r[i] for i in keep) for r in t.rows), total_rows=t.total_rows,
            note=t.note))
    return tuple(out)


__all__ = ["ReportColumn", "ReportDocument", "ReportRenderer", "ReportSection", "format_cell",
           "render_report", "sections"]
