"""(a) The handling report and (b) the list of late dossiers, judged by sync.lifecycle's rule."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from reports.days import DayCounter, local_day, parse_instant, utc_text
from reports.facts import DossierFacts
from reports.params import Labels, ReportParams, share
from sync.lifecycle import extension_in_time, is_overdue

_H_FIELDS = ("carried_over", "received", "received_in_person", "received_online",
             "received_post", "processed", "processed_before", "processed_on",
             "processed_after", "refused", "withdrawn", "stopped", "in_processing",
             "in_processing_not_due", "in_processing_overdue", "supplement_requested",
             "second_supplement", "returned")
_HI = {name: i for i, name in enumerate(_H_FIELDS)}


@dataclass(frozen=True)
class HandlingRow:
    """One line of the handling report (the total, a field, a procedure or an office)."""

    key: str
    label: str
    carried_over: int
    received: int
    received_in_person: int
    received_online: int
    received_post: int
    processed: int
    processed_before: int
    processed_on: int
    processed_after: int
    refused: int
    withdrawn: int
    stopped: int
    in_processing: int
    in_processing_not_due: int
    in_processing_overdue: int
    supplement_requested: int
    second_supplement: int
    returned: int
    to_handle: int
    on_time_share: float | None

    @classmethod
    def of(cls, key: str, label: str, counts: Sequence[int]) -> HandlingRow:
        c = dict(zip(_H_FIELDS, counts, strict=True))
        good = c["processed_before"] + c["processed_on"]
        return cls(key=key, label=label, **c, to_handle=c["carried_over"] + c["received"],
                   on_time_share=share(good, c["processed"]))


@dataclass(frozen=True)
class HandlingReport:
    """(a) Tình hình tiếp nhận và giải quyết hồ sơ."""

    params: ReportParams
    judged_at: str
    total: HandlingRow
    by_field: tuple[HandlingRow, ...]
    by_procedure: tuple[HandlingRow, ...]
    by_office: tuple[HandlingRow, ...] = ()
    kind: str = "handling"


def judge_open(f: DossierFacts, judge: str) -> bool:
    """Overdue at `judge` for a dossier still open then (sync.lifecycle.is_overdue)."""
    due, paused = f.due_at(judge)
    return is_overdue(due, judge, paused_since=paused, forced_since=f.forced_at)


def judge_instant(params: ReportParams, as_of: str | None) -> str:
    end = params.end
    return min(end, as_of) if as_of else end


def compute_handling(facts: Iterable[DossierFacts], params: ReportParams, labels: Labels,
                     *, as_of: str | None = None, by_office: bool = False) -> HandlingReport:
    """(a) The dossier handling report of a period, by field and by procedure.

    Each fact counts `f.n` times (a cache may hand over alike finished dossiers as one).
    """
    start, end = params.start, params.end
    judge = judge_instant(params, as_of)
    groups: dict[tuple[str, str, str], list[int]] = {}
    n = len(_H_FIELDS)
    i_carried, i_received = _HI["carried_over"], _HI["received"]
    channel_index = {1: _HI["received_in_person"], 2: _HI["received_online"],
                     3: _HI["received_post"]}
    finish_index = {"R": _HI["refused"], "W": _HI["withdrawn"], "S": _HI["stopped"]}
    judged_index = {"B": _HI["processed_before"], "O": _HI["processed_on"],
                    "A": _HI["processed_after"]}
    i_processed, i_open = _HI["processed"], _HI["in_processing"]
    i_not_due, i_overdue = _HI["in_processing_not_due"], _HI["in_processing_overdue"]
    i_sup, i_sup2, i_returned = (_HI["supplement_requested"], _HI["second_supplement"],
                                 _HI["returned"])
    filtered = bool(params.field or params.procedure or params.officer)
    for f in facts:
        received = f.received
        if received is None or received >= end:
            continue
        if filtered and not params.keeps(f):
            continue
        finished = f.finished
        returned = f.returned
        active = finished is None or finished >= start
        returned_now = returned is not None and start <= returned < end
        if not active and not returned_now:
            continue
        w = f.n
        key = (f.office if by_office else "", f.field, f.procedure)
        row = groups.get(key)
        if row is None:
            row = groups[key] = [0] * n
        if returned_now:
            row[i_returned] += w
        if not active:
            continue
        if received < start:
            row[i_carried] += w
        else:
            row[i_received] += w
            row[channel_index.get(f.channel, channel_index[1])] += w
        if finished is not None and finished < end:
            kind = f.finish_kind
            if kind == "P":
                row[i_processed] += w
                if f.judged:
                    row[judged_index[f.judged]] += w
            else:
                row[finish_index[kind]] += w  # type: ignore[index]
        else:
            row[i_open] += w
            if judge_open(f, judge):
                row[i_overdue] += w
            else:
                row[i_not_due] += w
        if f.sup_count:
            times = [t for t in f.supplement_times() if start <= t < end]
            if times:
                row[i_sup] += w
            if f.forced_at is not None and start <= f.forced_at < end:
                row[i_sup2] += w
    return HandlingReport(params=params, judged_at=judge, **_handling_rows(groups, labels,
                                                                            by_office))


def sum_rows(rows: Iterable[Sequence[int]], n: int) -> list[int]:
    total = [0] * n
    for r in rows:
        for i, v in enumerate(r):
            total[i] += v
    return total


def _handling_rows(groups: Mapping[tuple[str, str, str], Sequence[int]], labels: Labels,
                   by_office: bool) -> dict[str, Any]:
    n = len(_H_FIELDS)
    fields_: dict[str, list[Sequence[int]]] = {}
    procs: dict[str, list[Sequence[int]]] = {}
    offices: dict[str, list[Sequence[int]]] = {}
    for (office, fcode, pcode), counts in groups.items():
        fields_.setdefault(fcode, []).append(counts)
        procs.setdefault(pcode, []).append(counts)
        offices.setdefault(office, []).append(counts)
    total = HandlingRow.of("", "Tổng cộng", sum_rows(groups.values(), n))
    by_field = tuple(HandlingRow.of(k, labels.field_name(k), sum_rows(v, n))
                     for k, v in sorted(fields_.items()))
    proc_field = {p: f for (_, f, p) in groups}
    by_proc = tuple(HandlingRow.of(k, labels.procedure_name(k), sum_rows(v, n))
                    for k, v in sorted(procs.items(), key=lambda kv: (proc_field[kv[0]],
                                                                      kv[0])))
    by_off = tuple(HandlingRow.of(k, labels.offices.get(k, k), sum_rows(v, n))
                   for k, v in sorted(offices.items())
                   ) if by_office else ()
    return {"total": total, "by_field": by_field, "by_procedure": by_proc, "by_office": by_off}


# --------------------------------------------------------------------------- (b) late


@dataclass(frozen=True)
class LateRow:
    """A dossier late in the period: finished late in it, or open and overdue at its end."""

    code: str
    office: str
    procedure: str
    procedure_name: str
    field: str
    applicant: str
    received_at: str
    appointment_at: str
    due_at: str  # the deadline it missed (after supplements and the extension)
    finished_at: str | None  # None: still open at the end of the period
    days_late: int
    holding_unit: str  # holding the dossier at the deadline
    holding_officer: str
    second_supplement: bool
    apology_issued: bool
    apology_in_time: bool | None
    apology_at: str | None
    new_due_at: str | None


@dataclass(frozen=True)
class LateReport:
    """(b) Danh sách hồ sơ trễ hạn."""

    params: ReportParams
    judged_at: str
    days_unit: str  # "working_days" | "calendar_days"
    rows: tuple[LateRow, ...]
    kind: str = "late"


def holder_at(f: DossierFacts, moment: str) -> tuple[str, str]:
    """(unit, officer) holding the dossier at `moment`, from its hand-overs.

    The unit is the receiving unit of the last hand-over at or before `moment` (the office
    that received it before any hand-over). The officer is whoever took the dossier up in
    that unit: the author of the first working step after the hand-over (a further
    hand-over, a supplement request, processing, ...); when nobody has yet, the officer who
    handed it over.
    """
    holders = f.holder_list()
    if not holders:
        return "", f.receiver
    chosen = holders[0]
    for h in holders:
        if h[0] <= moment:
            chosen = h
        else:
            break
    return chosen[1], chosen[3] or chosen[2]


def days_late(due: str, end: str, days: DayCounter | None) -> int:
    if end <= due:
        return 0
    a = date.fromisoformat(local_day(due))  # type: ignore[arg-type]
    b = date.fromisoformat(local_day(end))  # type: ignore[arg-type]
    return days.working_days_between(a, b) if days is not None else (b - a).days


def compute_late(facts: Iterable[DossierFacts], params: ReportParams, labels: Labels, *,
                 as_of: str | None = None, days: DayCounter | None = None) -> LateReport:
    """(b) Dossiers finished late in the period or open and overdue at its end."""
    start, end = params.start, params.end
    judge = judge_instant(params, as_of)
    rows = []
    for f in facts:
        if f.received is None or f.received >= end or not params.keeps(f):
            continue
        finished = f.finished
        if finished is not None and start <= finished < end:
            if f.judged != "A":
                continue
            due, end_at = f.due, finished
        elif finished is None or finished >= end:
            if not judge_open(f, judge):
                continue
            due, paused = f.due_at(judge)
            # Judged at the end of the period: its last instant, on its last day.
            end_at = paused or utc_text(parse_instant(judge) - timedelta(microseconds=1))
            finished = None
        else:
            continue
        assert due is not None
        resched = json.loads(f.resched) if f.resched else None
        if resched is not None and resched[0] >= (finished or judge):
            resched = None
        unit, officer = holder_at(f, due)
        apology_in_time = None
        if resched is not None:
            apology_in_time = extension_in_time(resched[0], resched[1])
        forced = f.forced_at is not None and f.forced_at < (finished or judge)
        rows.append(LateRow(
            code=f.code or f.uid, office=f.office, procedure=f.procedure,
            procedure_name=labels.procedure_name(f.procedure), field=f.field,
            applicant=f.applicant, received_at=f.received, appointment_at=f.appointment or "",
            due_at=due, finished_at=finished, days_late=days_late(due, end_at, days),
            holding_unit=unit, holding_officer=officer, second_supplement=forced,
            apology_issued=resched is not None, apology_in_time=apology_in_time,
            apology_at=resched[0] if resched else None,
            new_due_at=resched[2] if resched else None))
    rows.sort(key=lambda r: (r.due_at, r.code))
    return LateReport(params=params, judged_at=judge,
                      days_unit="working_days" if days is not None else "calendar_days",
                      rows=tuple(rows))
