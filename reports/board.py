"""The public board of overdue dossiers (names masked), and the reports as JSON data."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from typing import Any

from reports.days import DayCounter
from reports.facts import DossierFacts
from reports.handling import HandlingReport, LateReport, days_late, holder_at, judge_open
from reports.index import IndexReport
from reports.params import Labels
from reports.satisfaction import FeesReport, SatisfactionReport

FORMAT = "motcua-report/1"


def mask_name(full_name: str) -> str:
    """"Nguyễn Văn Dũng" → "Nguyễn V. D.": the family name, then initials (Law 91/2025)."""
    parts = full_name.split()
    if not parts:
        return ""
    return " ".join([parts[0], *(p[0].upper() + "." for p in parts[1:])])


def mask_id(number: str | None) -> str:
    """"001098012345" → "*********345": only the last three digits shown."""
    if not number:
        return ""
    return "*" * max(0, len(number) - 3) + number[-3:]


@dataclass(frozen=True)
class BoardRow:
    """A line of the public board of overdue dossiers (personal data masked)."""

    code: str
    applicant: str  # masked
    id_number: str  # masked
    procedure_name: str
    due_at: str
    days_late: int
    holding_unit: str
    new_due_at: str | None


def compute_board(facts: Iterable[DossierFacts], now: str, labels: Labels,
                  days: DayCounter | None = None) -> list[BoardRow]:
    """Open dossiers overdue at `now`, oldest deadline first, with masked names."""
    rows = []
    for f in facts:
        if f.received is None or f.finished is not None or f.received > now:
            continue
        if not judge_open(f, now):
            continue
        due, paused = f.due_at(now)
        assert due is not None
        unit, _ = holder_at(f, due)
        resched = json.loads(f.resched) if f.resched else None
        rows.append(BoardRow(f.code or "", mask_name(f.applicant), mask_id(f.id_number),
                             labels.procedure_name(f.procedure), due,
                             days_late(due, paused or now, days), unit,
                             resched[2] if resched else None))
    rows.sort(key=lambda r: (r.due_at, r.code))
    return rows


# --------------------------------------------------------------------------- output

Report = HandlingReport | LateReport | IndexReport | SatisfactionReport | FeesReport


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def report_data(report: Report) -> dict[str, Any]:
    """The report as plain JSON data (dates as ISO text)."""
    return _plain(report)


def report_json(report: Report, meta: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """{"format", "meta": who made it and when, "data": the figures} — "data" alone is what
    two sources (an office and the server) must agree on."""
    return {"format": FORMAT, "meta": dict(meta or {}), "data": report_data(report)}
