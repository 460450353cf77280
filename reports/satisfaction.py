"""(d) Ratings and complaints, and (e) fees collected: by officer, procedure and day."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from reports.days import local_day
from reports.facts import DossierFacts
from reports.handling import sum_rows
from reports.params import Labels, ReportParams, share
from sync.lifecycle import RATING_LEVELS


@dataclass(frozen=True)
class RatingRow:
    key: str
    label: str
    very_satisfied: int
    satisfied: int
    neutral: int
    dissatisfied: int
    rated: int
    satisfied_share: float | None  # (very satisfied + satisfied) / rated
    complaints: int


@dataclass(frozen=True)
class ComplaintRow:
    at: str
    code: str
    procedure: str
    procedure_name: str
    officer: str  # who served the applicant (returned the result, else received it)
    recorded_by: str
    content: str


@dataclass(frozen=True)
class SatisfactionReport:
    """(d) Ratings recorded in the period by officer and procedure; complaints."""

    params: ReportParams
    total: RatingRow
    by_officer: tuple[RatingRow, ...]
    by_procedure: tuple[RatingRow, ...]
    complaints: tuple[ComplaintRow, ...]
    kind: str = "satisfaction"


def _served_by(f: DossierFacts) -> str:
    """The officer a rating is about: who returned the result, else who received it."""
    return f.returner or f.receiver


def _rating_row(key: str, label: str, counts: Sequence[int]) -> RatingRow:
    rated = sum(counts[:4])
    return RatingRow(key, label, counts[0], counts[1], counts[2], counts[3], rated,
                     share(counts[0] + counts[1], rated), counts[4])


def compute_satisfaction(facts: Iterable[DossierFacts], params: ReportParams, labels: Labels,
                         names: Mapping[str, str] | None = None) -> SatisfactionReport:
    """(d) Ratings (from the return step) and complaints recorded in the period.

    A rating counts for the officer who returned the result (who was at the desk when the
    applicant rated), else the receiving officer. `names` maps user names to full names.
    """
    start, end = params.start, params.end
    names = names or {}
    level = {r: i for i, r in enumerate(RATING_LEVELS)}
    officers: dict[str, list[int]] = {}
    procs: dict[str, list[int]] = {}
    total = [0] * 5
    complaints: list[ComplaintRow] = []
    for f in facts:
        if f.received is None or (f.rated_at is None and f.complaints is None):
            continue
        if not params.keeps(f):
            continue
        served = _served_by(f)
        touched = []
        if f.rated_at is not None and start <= f.rated_at < end and f.rating in level:
            touched.append(level[f.rating])
        for at, actor, content in f.complaint_list():
            if start <= at < end:
                touched.append(4)
                complaints.append(ComplaintRow(at, f.code or f.uid, f.procedure,
                                               labels.procedure_name(f.procedure), served,
                                               actor, content))
        for i in touched:
            officers.setdefault(served, [0] * 5)[i] += 1
            procs.setdefault(f.procedure, [0] * 5)[i] += 1
            total[i] += 1
    complaints.sort(key=lambda c: (c.at, c.code))
    return SatisfactionReport(
        params=params, total=_rating_row("", "Tổng cộng", total),
        by_officer=tuple(_rating_row(k, names.get(k, k), v) for k, v in sorted(officers.items())),
        by_procedure=tuple(_rating_row(k, labels.procedure_name(k), v)
                           for k, v in sorted(procs.items())),
        complaints=tuple(complaints))


# --------------------------------------------------------------------------- (e) fees

_F_FIELDS = ("receipts", "receipts_with_fee", "fee_on_receipts", "paid_on_receipt",
             "later_payments", "later_amount", "online_amount", "collected", "exempt")


@dataclass(frozen=True)
class FeeRow:
    """Fees of a procedure or a day: what the receipts (Mẫu 01) show and what was paid.

    collected = paid_on_receipt + later_amount (fee_paid events, e.g. after a financial
    obligation request); receipts_with_fee − the receipts paid at the desk is what the
    receipts left to collect.
    """

    key: str
    label: str
    receipts: int
    receipts_with_fee: int
    fee_on_receipts: int
    paid_on_receipt: int
    later_payments: int
    later_amount: int
    online_amount: int
    collected: int
    exempt: int


@dataclass(frozen=True)
class ExemptionRow:
    procedure: str
    procedure_name: str
    exemption: str
    exemption_name: str
    dossiers: int


@dataclass(frozen=True)
class FeesReport:
    """(e) Phí, lệ phí: by procedure and by day, exemptions, and the reconciliation."""

    params: ReportParams
    total: FeeRow
    by_procedure: tuple[FeeRow, ...]
    by_day: tuple[FeeRow, ...]
    exemptions: tuple[ExemptionRow, ...]
    reconciled: bool  # the procedures, the days and the receipts + payments add up alike
    kind: str = "fees"


def compute_fees(facts: Iterable[DossierFacts], params: ReportParams, labels: Labels
                 ) -> FeesReport:
    """(e) Fees collected in the period, by procedure and by local day."""
    start, end = params.start, params.end
    n = len(_F_FIELDS)
    procs: dict[str, list[int]] = {}
    days: dict[str, list[int]] = {}
    exemptions: dict[tuple[str, str], int] = {}
    receipts_total = payments_total = 0
    for f in facts:
        received = f.received
        if received is None or received >= end or not params.keeps(f):
            continue
        on_receipt = received >= start
        payments = [p for p in f.payment_list() if start <= p[0] < end] if f.payments else []
        if not on_receipt and not payments:
            continue
        prow = procs.setdefault(f.procedure, [0] * n)
        if on_receipt:
            drow = days.setdefault(f.received_day or "", [0] * n)
            for row in (prow, drow):
                row[0] += 1
                if f.fee:
                    row[1] += 1
                    row[2] += f.fee
                if f.fee_paid:
                    row[3] += f.fee
                    row[7] += f.fee
            if f.fee_paid:
                receipts_total += f.fee
            if f.exemptions:
                for code in f.exemption_list():
                    exemptions[(f.procedure, code)] = exemptions.get((f.procedure, code), 0) + 1
                prow[8] += 1
                drow[8] += 1
        for at, amount, online, _actor in payments:
            drow = days.setdefault(local_day(at) or "", [0] * n)
            for row in (prow, drow):
                row[4] += 1
                row[5] += amount
                row[7] += amount
                if online:
                    row[6] += amount
            payments_total += amount
    total = sum_rows(procs.values(), n)
    by_day_total = sum_rows(days.values(), n)
    reconciled = (total == by_day_total and total[7] == receipts_total + payments_total)
    return FeesReport(
        params=params, total=FeeRow("", "Tổng cộng", *total),
        by_procedure=tuple(FeeRow(k, labels.procedure_name(k), *v)
                           for k, v in sorted(procs.items())),
        by_day=tuple(FeeRow(k, k, *v) for k, v in sorted(days.items())),
        exemptions=tuple(ExemptionRow(p, labels.procedure_name(p), x,
                                      labels.exemption_name(p, x), c)
                         for (p, x), c in sorted(exemptions.items())),
        reconciled=reconciled)
