"""Report files from the register: JSON, Excel (.xlsx) and PDF (through forms/).

The figures come from desktop.register.reports; this module only writes them out, as
desktop/printing.py does for the forms. `motcua report` and the reports window use it.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from desktop.printing import _write, office_header
from desktop.register.reports import Cancelled, Progress, compute, report_meta
from desktop.register.service import Register
from forms.reports import ReportDocument, render_report, sections
from reports import Report, ReportParams, report_json
from reports.tables import TITLES, period_text, tabulate
from reports.xlsx import write_xlsx
from sync.lifecycle import LOCAL_TZ

FORMATS = ("json", "xlsx", "pdf")


def report_document(reg: Register, report: Report, *, signer_name: str = "",
                    preparer: str | None = None) -> ReportDocument:
    """The printable record of a report (A4, office heading, signature of the head)."""
    officers = {a.username: a.full_name for a in reg.accounts()}
    office = office_header(reg)
    notes = []
    if report.kind == "late":
        unit = ("ngày làm việc" if report.days_unit == "working_days"  # type: ignore[union-attr]
                else "ngày")
        notes.append(f"Số ngày trễ tính theo {unit}, từ ngày hẹn đến ngày kết thúc.")
    return ReportDocument(
        office=office, title=TITLES[report.kind], period=period_text(report),
        sections=sections(tabulate(report, officers)),
        issued_on=reg.clock().astimezone(LOCAL_TZ).date(), notes=tuple(notes),
        preparer_name=officers.get(preparer or "", preparer or ""), signer_name=signer_name)


def report_bytes(reg: Register, report: Report, fmt: str, **print_options: Any) -> bytes:
    """The report as a file's content in one of FORMATS."""
    meta = report_meta(reg, report)
    if fmt == "json":
        return (json.dumps(report_json(report, meta), ensure_ascii=False, indent=1) + "\n"
                ).encode("utf-8")
    if fmt == "xlsx":
        return write_xlsx(report, meta, meta.get("officers"))
    if fmt == "pdf":
        return render_report(report_document(reg, report, **print_options))
    raise ValueError(f"unknown report format {fmt}")


def write_report(reg: Register, kind: str, params: ReportParams, fmt: str, out: Path, *,
                 progress: Progress | None = None, cancelled: Cancelled | None = None,
                 **print_options: Any) -> tuple[Path, Report]:
    """Compute a report and write it atomically to `out`."""
    report = compute(reg, kind, params, progress=progress, cancelled=cancelled)
    return _write(Path(out), report_bytes(reg, report, fmt, **print_options)), report


def parse_day(text: str) -> date:
    """"2026-11-23" or "23/11/2026"."""
    text = text.strip()
    if "/" in text:
        d, m, y = text.split("/")
        return date(int(y), int(m), int(d))
    return date.fromisoformat(text)


__all__ = ["FORMATS", "parse_day", "report_bytes", "report_document", "write_report"]
