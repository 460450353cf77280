"""Reports computed from dossier events alone: shared by the desktop register and the server.

Nothing here imports `desktop` (only `sync.lifecycle`, the one table of the lifecycle
rules, and `sync.protocol`): the register (desktop/register/reports.py) and the province
server (sync/server/reports.py) stream the same wire events, dossier by dossier in replica
order (hlc, device_id, uid), into `fold_dossier`, and hand the folded `DossierFacts` to the
`compute_*` functions. No calendar is needed to judge a deadline: every deadline is in the
events (received.appointment_at, supplement_received.new_due_at — the applicant's supplement
time is already subtracted there —, rescheduled.new_due_at). A working-day counter is used
only for "days late", and is optional (calendar days without it; each report says which).

Instants are the events' fixed-width UTC ISO text ("2026-11-16T02:00:00.000000Z"), compared
as strings; local days are Asia/Ho_Chi_Minh dates as "YYYY-MM-DD".

Definitions (Decision 766/QĐ-TTg as summarised in regulations.md §5; the rules of lateness
themselves are sync.lifecycle's, which the register and the server read too):

- A dossier counts from its receipt (dossier.received); one registered online and never
  received is in no report.
- Its *end* is the first of processed / refused / withdrawn / stopped (the register's
  `finished_at`); returned never comes before processed. A dossier *is late* when its end is
  after its due instant (the appointment moved by supplements and by the one extension), or
  when a second supplement was requested (late from that request on, whatever happens next).
- Finished dossiers are judged once: **before** deadline = not late and ended on an earlier
  local day than the due date; **on** deadline = not late and ended on the due date (at or
  before the due instant); **after** deadline = late.
- Open dossiers are judged at the end of the period (or at `as_of`, when that is earlier):
  overdue when a second supplement was requested by then, or when the judging instant is
  after the due instant in force then; while the applicant is supplementing, the clock is
  stopped at the request.
- Period [date_from, date_to] is whole local days. *Carried over*: received before it and not
  ended before it. The handling report balances: carried over + received = processed +
  refused + withdrawn + stopped + still in processing.

Modules: `days` (instants, local days, working days), `facts` (the fold), `params` (period,
filters, labels), `handling` ((a) and (b)), `index` ((c)), `satisfaction` ((d) and (e)),
`board` (the public board, JSON output), `tables` (titled tables), `xlsx` (the spreadsheet).
"""

from reports.board import (
    BoardRow,
    Report,
    compute_board,
    mask_id,
    mask_name,
    report_data,
    report_json,
)
from reports.days import DayCounter, WorkingDays, day_start, local_day, parse_instant, utc_text
from reports.facts import (
    FACT_COLUMNS,
    DossierFacts,
    facts_row_type,
    fold_dossier,
    fold_streams,
    replica_order,
)
from reports.handling import (
    HandlingReport,
    HandlingRow,
    LateReport,
    LateRow,
    compute_handling,
    compute_late,
    holder_at,
)
from reports.index import IndexPeriod, IndexReport, IndexRules, Indicator, compute_index
from reports.params import KINDS, RATING_LABELS, Labels, ReportParams
from reports.satisfaction import (
    ComplaintRow,
    ExemptionRow,
    FeeRow,
    FeesReport,
    RatingRow,
    SatisfactionReport,
    compute_fees,
    compute_satisfaction,
)

__all__ = [
    "FACT_COLUMNS",
    "KINDS",
    "RATING_LABELS",
    "BoardRow",
    "ComplaintRow",
    "DayCounter",
    "DossierFacts",
    "ExemptionRow",
    "FeeRow",
    "FeesReport",
    "HandlingReport",
    "HandlingRow",
    "IndexPeriod",
    "IndexReport",
    "IndexRules",
    "Indicator",
    "Labels",
    "LateReport",
    "LateRow",
    "RatingRow",
    "Report",
    "ReportParams",
    "SatisfactionReport",
    "WorkingDays",
    "compute_board",
    "compute_fees",
    "compute_handling",
    "compute_index",
    "compute_late",
    "compute_satisfaction",
    "day_start",
    "facts_row_type",
    "fold_dossier",
    "fold_streams",
    "holder_at",
    "local_day",
    "mask_id",
    "mask_name",
    "parse_instant",
    "replica_order",
    "report_data",
    "report_json",
    "utc_text",
]
