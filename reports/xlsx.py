"""The reports as .xlsx workbooks: one sheet per titled table (openpyxl, imported when used)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from reports.board import Report
from reports.tables import TITLES, cell_value, period_text, tabulate

__all__ = ["write_xlsx"]


_FORMATS = {"int": "#,##0", "money": "#,##0", "share": "0.0%", "points": "0.00",
            "instant": "dd/mm/yyyy hh:mm", "day": "dd/mm/yyyy"}


def write_xlsx(report: Report, meta: Mapping[str, Any], officers: Mapping[str, str] | None = None
               ) -> bytes:
    """The report as an .xlsx workbook: one sheet per table, a title block, frozen headers."""
    from openpyxl import Workbook
    from openpyxl.styles import (
        Alignment,
        Border,
        Font,
        PatternFill,
        Side,
    )
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="DDE4EE")
    bold = Font(bold=True)
    office = str(meta.get("office_name", ""))
    for table in tabulate(report, officers):
        ws = wb.create_sheet(table.sheet[:31])
        ws["A1"] = office
        ws["A1"].font = bold
        ws["A2"] = TITLES[report.kind].upper()
        ws["A2"].font = Font(bold=True, size=13)
        ws["A3"] = f"{table.title} — {period_text(report)}"
        ws["A4"] = table.note
        ws["A4"].font = Font(italic=True, size=9)
        header = 6
        for c, col in enumerate(table.columns, 1):
            cell = ws.cell(header, c, col.title)
            cell.font = bold
            cell.fill = head_fill
            cell.border = border
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            ws.column_dimensions[get_column_letter(c)].width = max(8.0, col.width * 1.1)
        ws.row_dimensions[header].height = 45
        for r, row in enumerate(table.rows, header + 1):
            for c, (col, value) in enumerate(zip(table.columns, row, strict=True), 1):
                cell = ws.cell(r, c, cell_value(col.kind, value))
                cell.border = border
                if col.kind in _FORMATS:
                    cell.number_format = _FORMATS[col.kind]
                if col.kind in ("text", "key"):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                if r - header <= table.total_rows:
                    cell.font = bold
        ws.freeze_panes = ws.cell(header + 1, 1)
        ws.auto_filter.ref = (f"A{header}:{get_column_letter(len(table.columns))}"
                              f"{header + max(1, len(table.rows))}")
        ws.print_title_rows = f"{header}:{header}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    info = wb.create_sheet("Thông tin")
    for r, (key, value) in enumerate(sorted((k, v) for k, v in meta.items()
                                            if isinstance(v, (str, int, float))), 1):
        info.cell(r, 1, key)
        info.cell(r, 2, value)
    info.column_dimensions["A"].width = 18
    info.column_dimensions["B"].width = 60
    wb.properties.title = TITLES[report.kind]
    wb.properties.creator = "motcua"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
