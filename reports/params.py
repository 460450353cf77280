"""A report's period and filters, and the names it prints (fields, procedures, offices)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from reports.days import day_start
from reports.facts import DossierFacts
from sync.lifecycle import RATING_LEVELS, RATINGS

KINDS = ("handling", "late", "index", "satisfaction", "fees")
RATING_LABELS = {k: RATINGS[k][0] for k in RATING_LEVELS}


@dataclass(frozen=True)
class ReportParams:
    """A report's period (whole local days, both included) and its filters."""

    date_from: date
    date_to: date
    field: str | None = None
    procedure: str | None = None
    officer: str | None = None

    def __post_init__(self) -> None:
        if self.date_from > self.date_to:
            raise ValueError("date_from is after date_to")

    @property
    def start(self) -> str:
        return day_start(self.date_from)

    @property
    def end(self) -> str:
        return day_start(self.date_to + timedelta(days=1))

    def keeps(self, f: DossierFacts) -> bool:
        if f.received is None:
            return False
        if self.field and f.field != self.field:
            return False
        if self.procedure and f.procedure != self.procedure:
            return False
        return not (self.officer and self.officer not in f.actor_set())

    def months(self) -> list[tuple[str, date, date]]:
        """("YYYY-MM", first day, last day) of each month the period touches, clipped to it."""
        out = []
        d = self.date_from
        while d <= self.date_to:
            nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
            out.append((f"{d:%Y-%m}", d, min(nxt - timedelta(days=1), self.date_to)))
            d = nxt
        return out


@dataclass(frozen=True)
class Labels:
    """Names of fields, procedures and exemptions (from the procedure catalogues)."""

    fields: Mapping[str, str] = field(default_factory=dict)
    procedures: Mapping[str, str] = field(default_factory=dict)
    exemptions: Mapping[str, str] = field(default_factory=dict)
    procedure_field: Mapping[str, str] = field(default_factory=dict)
    offices: Mapping[str, str] = field(default_factory=dict)  # office id -> name (server)

    @classmethod
    def from_catalogues(cls, documents: Iterable[Mapping[str, Any]]) -> Labels:
        """From catalogue JSON documents; the one with the latest effective date wins."""
        docs = sorted(documents, key=lambda d: (str(d.get("effective_from", "")),
                                                str(d.get("version", ""))))
        f: dict[str, str] = {}
        p: dict[str, str] = {}
        x: dict[str, str] = {}
        pf: dict[str, str] = {}
        for doc in docs:
            for item in doc.get("fields", []):
                f[item["code"]] = item["name"]
            for proc in doc.get("procedures", []):
                p[proc["code"]] = proc["name"]
                pf[proc["code"]] = proc.get("field", "")
                for ex in (proc.get("fee") or {}).get("exemptions", []) or []:
                    x[f"{proc['code']}:{ex['code']}"] = ex.get("label", ex["code"])
        return cls(f, p, x, pf)

    def field_name(self, code: str) -> str:
        return self.fields.get(code, code)

    def procedure_name(self, code: str) -> str:
        return self.procedures.get(code, code)

    def exemption_name(self, procedure: str, code: str) -> str:
        """Exemptions are per procedure ("on_time" differs for births and deaths)."""
        return self.exemptions.get(f"{procedure}:{code}", code)


def share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole
