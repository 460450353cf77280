"""(c) The service index (Decision 766/QĐ-TTg): the period and month by month, in one pass."""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from reports.days import day_start
from reports.facts import DossierFacts
from reports.handling import judge_instant, judge_open
from reports.params import ReportParams, share


@dataclass(frozen=True)
class IndexRule:
    code: str
    group: str
    name: str
    max_points: float
    scoring: str
    full_at: float
    status: str


@dataclass(frozen=True)
class IndexRules:
    """The index's scoring, as versioned data (resources/index/*.json)."""

    version: str
    legal_basis: str
    groups: tuple[tuple[str, str, float], ...]
    indicators: tuple[IndexRule, ...]

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> IndexRules:
        if doc.get("format") != "motcua-index-rules/1":
            raise ValueError("not a motcua index rules document")
        groups = tuple((g["code"], g["name"], float(g["points"])) for g in doc["groups"])
        known = {g[0] for g in groups}
        rules = []
        for item in doc["indicators"]:
            if item["group"] not in known or item.get("scoring", "linear") != "linear":
                raise ValueError(f"indicator {item.get('code')}: unknown group or scoring")
            rules.append(IndexRule(item["code"], item["group"], item["name"],
                                   float(item["max_points"]), "linear",
                                   float(item["full_at"]), item.get("status", "check")))
        return cls(str(doc["version"]), str(doc.get("legal_basis", "")), groups, tuple(rules))

    @classmethod
    def load(cls, path: Path | None = None) -> IndexRules:
        if path is None:
            from resources import resource_path

            path = resource_path("index", "decision-766-2022.json")
        return cls.from_document(json.loads(Path(path).read_text(encoding="utf-8")))

    def points(self, code: str, value: float | None) -> float | None:
        for r in self.indicators:
            if r.code == code:
                if value is None:
                    return None
                return r.max_points * min(1.0, value / r.full_at)
        return None


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    group: str
    numerator: int | None
    denominator: int | None
    value: float | None  # share 0..1; None = not recorded / nothing to measure
    max_points: float
    full_at: float
    points: float | None
    status: str  # "reference" | "check" (whether the scoring is confirmed)
    note: str = ""


@dataclass(frozen=True)
class IndexPeriod:
    label: str  # "2026-01" or "" for the whole period
    date_from: date
    date_to: date
    judged: int
    on_time: int
    late: int
    complained_or_dissatisfied: int
    received: int
    synced: int
    online: int
    digitised: int
    reused: int
    paying: int
    paid_online: int
    returned: int
    returned_electronic: int
    indicators: tuple[Indicator, ...]
    points: float
    points_available: float


@dataclass(frozen=True)
class IndexReport:
    """(c) Chỉ số phục vụ người dân (Quyết định 766/QĐ-TTg), the period and month by month."""

    params: ReportParams
    rules_version: str
    judged_at: str
    total: IndexPeriod
    months: tuple[IndexPeriod, ...]
    kind: str = "index"


class _IndexAcc:
    """Counts of one month. A dossier ended in the month is judged in it; one still open at
    the month's end is judged then (`open_*`); the whole period's figures are the months'
    sums with the open dossiers of the last month only."""

    __slots__ = (
        "digitised",
        "electronic",
        "fin",
        "fin_bad",
        "fin_late",
        "online",
        "open",
        "open_bad",
        "open_late",
        "paid_online",
        "paying",
        "received",
        "returned",
        "reused",
        "synced",
    )

    def __init__(self) -> None:
        self.fin = self.fin_late = self.fin_bad = 0
        self.open = self.open_late = self.open_bad = 0
        self.received = self.synced = self.online = self.returned = self.electronic = 0
        self.paying = self.paid_online = 0
        self.digitised = self.reused = 0


def _bad(f: DossierFacts) -> bool:
    """A complaint, or a "dissatisfied" rating, on the dossier (whenever recorded)."""
    return f.rating == "dissatisfied" or f.complaints is not None


def _index_period(label: str, d0: date, d1: date, accs: Sequence[_IndexAcc], last: _IndexAcc,
                  paying: tuple[int, int], rules: IndexRules) -> IndexPeriod:
    """The indicators of the months `accs`, judging open dossiers as `last` holds them."""
    def total(name: str) -> int:
        return sum(getattr(a, name) for a in accs)
    judged = total("fin") + last.open
    late = total("fin_late") + last.open_late
    bad = total("fin_bad") + last.open_bad
    on_time = judged - late
    received, synced, online = total("received"), total("synced"), total("online")
    returned, electronic = total("returned"), total("electronic")
    digitised, reused = total("digitised"), total("reused")
    payers, online_payers = paying
    late_rate = share(late, judged)
    bad_rate = share(bad, judged)
    satisfaction = None if late_rate is None else max(0.0, 1.0 - late_rate - (bad_rate or 0))
    values: dict[str, tuple[int | None, int | None, float | None, str]] = {
        "synced_share": (synced, received, share(synced, received),
                         "hồ sơ tiếp nhận trong kỳ đã được máy chủ tỉnh xác nhận"),
        "on_time_share": (on_time, judged, share(on_time, judged),
                          "hồ sơ kết thúc trong kỳ và hồ sơ còn mở xét tại cuối kỳ"),
        "digitised_share": (digitised, received, share(digitised, received),
                            "hồ sơ tiếp nhận trong kỳ có thành phần hồ sơ được số hóa"),
        "electronic_result_share": (electronic, returned, share(electronic, returned),
                                    "hồ sơ trả kết quả trong kỳ"),
        "reuse_share": (reused, received, share(reused, received),
                        "hồ sơ tiếp nhận trong kỳ có khai thác, sử dụng lại dữ liệu đã số hóa"),
        "online_share": (online, received, share(online, received), "hồ sơ tiếp nhận trong kỳ"),
        "paid_online_share": (online_payers, payers, share(online_payers, payers),
                              "hồ sơ có nộp phí, lệ phí trong kỳ"),
        "satisfaction": (None, judged, satisfaction,
                         "100% − tỷ lệ trễ hạn − tỷ lệ có phản ánh hoặc không hài lòng"),
    }
    out = []
    points = available = 0.0
    for rule in rules.indicators:
        num, den, value, note = values.get(rule.code, (None, None, None,
                                                       "chỉ số không tính được từ sổ"))
        p = rules.points(rule.code, value)
        if p is not None:
            points += p
            available += rule.max_points
        out.append(Indicator(rule.code, rule.name, rule.group, num, den,
                             value, rule.max_points,
                             rule.full_at, p, rule.status, note))
    return IndexPeriod(label, d0, d1, judged, on_time, late, bad, received, synced, online,
                       digitised, reused, payers, online_payers, returned, electronic,
                       tuple(out), points, available)


def compute_index(facts: Iterable[DossierFacts], params: ReportParams, rules: IndexRules, *,
                  unsynced: Iterable[DossierFacts] = (), as_of: str | None = None
                  ) -> IndexReport:
    """(c) The index indicators of the period and of each month in it, in one pass.

    Each month is judged as a period of its own: dossiers ended in it, and dossiers still
    open at its end (judged then); received (and digitised, or reusing digitised data, on
    receipt), returned and paid in it. The whole period is
    judged the same way (its open dossiers at its end). A dossier is "synced" unless it is
    among `unsynced` (the facts of dossiers whose receipt the server has not acknowledged;
    the server passes none: it holds what it holds). Each fact counts `f.n` times;
    "paying" when a fee was paid on its receipt or by a later payment in the period, and
    "paid online" when one of those payments was made online.
    """
    months = params.months()
    starts = [day_start(a) for _, a, _ in months]
    ends = [day_start(b + timedelta(days=1)) for _, _, b in months]
    judges = [min(e, as_of) if as_of else e for e in ends]
    accs = [_IndexAcc() for _ in months]
    pay_months: list[list[int]] = [[0, 0] for _ in months]
    pay_total = [0, 0]
    start, end = params.start, params.end
    filtered = bool(params.field or params.procedure or params.officer)
    last = len(months) - 1
    bisect_right = bisect.bisect_right
    for f in facts:
        received = f.received
        if received is None or received >= end:
            continue
        if filtered and not params.keeps(f):
            continue
        finished, returned = f.finished, f.returned
        m_recv = bisect_right(starts, received) - 1
        n = f.n
        if m_recv >= 0:  # received in the period
            acc = accs[m_recv]
            acc.received += n
            acc.synced += n
            if f.channel == 2:
                acc.online += n
            if f.digitised:
                acc.digitised += n
            if f.reused:
                acc.reused += n
        bad = f.rating == "dissatisfied" or f.complaints is not None
        # Judged where it ended, and at every month's end while it was open before that.
        first_open = max(m_recv, 0)
        if finished is not None and finished < end:
            m_fin = bisect_right(starts, finished) - 1
            if m_fin >= 0:
                acc = accs[m_fin]
                acc.fin += n
                if f.judged == "A":
                    acc.fin_late += n
                if bad:
                    acc.fin_bad += n
            open_until = m_fin - 1
        else:
            open_until = last
        for m in range(first_open, open_until + 1):
            if finished is not None and finished < ends[m]:
                continue
            acc = accs[m]
            acc.open += n
            if judge_open(f, judges[m]):
                acc.open_late += n
            if bad:
                acc.open_bad += n
        if returned is not None and start <= returned < end:
            acc = accs[bisect_right(starts, returned) - 1]
            acc.returned += n
            if f.return_method == "electronic":
                acc.electronic += n
        if f.fee_paid or f.payments:
            paid_in: dict[int, bool] = {}
            if f.fee_paid and m_recv >= 0:
                paid_in[m_recv] = False
            if f.payments:
                for at, _amount, on, _actor in f.payment_list():
                    if start <= at < end:
                        m = bisect_right(starts, at) - 1
                        paid_in[m] = paid_in.get(m, False) or bool(on)
            for m, on in paid_in.items():
                pay_months[m][0] += n
                pay_months[m][1] += n if on else 0
            if paid_in:
                pay_total[0] += n
                pay_total[1] += n if any(paid_in.values()) else 0
    for f in unsynced:
        received = f.received
        if received is None or not start <= received < end or (
                filtered and not params.keeps(f)):
            continue
        accs[bisect_right(starts, received) - 1].synced -= f.n
    return IndexReport(
        params=params, rules_version=rules.version,
        judged_at=judge_instant(params, as_of),
        total=_index_period("", params.date_from, params.date_to, accs, accs[last],
                            (pay_total[0], pay_total[1]), rules),
        months=tuple(_index_period(label, a, b, [acc], acc, (pm[0], pm[1]), rules)
                     for (label, a, b), acc, pm in zip(months, accs, pay_months, strict=True)))
