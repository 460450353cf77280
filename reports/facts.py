"""A dossier's facts folded from its wire events: what every report reads (`fold_dossier`).

The fold follows the register's apply() through the one lifecycle table (sync.lifecycle):
an event the table refuses is counted in `conflicts` and otherwise ignored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from reports.days import local_day
from sync.lifecycle import (
    END_KINDS,
    FORCING_SUPPLEMENT,
    OPENING_KINDS,
    Kind,
    Status,
    due_after,
    ended_late,
    refusal,
)

# Letters of the end kinds in DossierFacts.finish_kind.
FINISH_KINDS = {Kind.PROCESSED: "P", Kind.REFUSED: "R", Kind.WITHDRAWN: "W", Kind.STOPPED: "S"}
assert set(FINISH_KINDS) == END_KINDS
# Events that show an officer taking the dossier up (who held it after a hand-over).
_WORK_KINDS = frozenset({Kind.HANDED_OVER, Kind.SUPPLEMENT_REQUESTED, Kind.FINANCIAL_REQUESTED,
                         Kind.PROCESSED, Kind.RESCHEDULED, Kind.STOPPED, Kind.REFUSED})


@dataclass(slots=True)
class DossierFacts:
    """What the reports need of one dossier, folded from its events (see `fold_dossier`).

    Scalars are read on every report; the JSON text fields hold the rare, longer histories
    and are parsed only when a report needs them (a dossier with a supplement, an extension,
    a payment, a complaint, or a late dossier's hand-overs).
    """

    uid: str
    office: str = ""
    code: str | None = None
    procedure: str = ""
    field: str = ""
    channel: int = 1
    receiver: str = ""  # the officer who received it
    applicant: str = ""
    id_number: str | None = None
    status: int = Status.RECEIVED
    received: str | None = None
    received_day: str | None = None
    appointment: str | None = None  # first promised
    due: str | None = None  # after supplements and the extension
    finished: str | None = None
    finished_day: str | None = None
    finish_kind: str | None = None  # P processed, R refused, W withdrawn, S stopped
    judged: str | None = None  # for finished dossiers: B before, O on, A after the deadline
    outcome: str | None = None  # approved | rejected
    returned: str | None = None
    returned_day: str | None = None
    return_method: str | None = None
    returner: str | None = None
    sup_count: int = 0
    sup_at: str | None = None  # space-separated request instants
    forced_at: str | None = None  # the second supplement request: late from then on
    timeline: str | None = None  # JSON [[at, due, paused_from|null], ...] when the due moved
    resched: str | None = None  # JSON [at, old_due, new_due]
    holders: str | None = None  # JSON [[at, unit, giver, taker|null], ...]
    fee: int = 0  # on the receipt
    fee_paid: int = 0  # paid at the desk on receipt
    exemptions: str | None = None  # JSON list of exemption codes
    digitised: int = 0  # its papers were scanned into the electronic dossier on receipt
    reused: int = 0  # already-digitised data was reused instead of a new paper copy
    payments: str | None = None  # JSON [[at, amount, online, actor], ...] (fee_paid events)
    rating: str | None = None
    rated_at: str | None = None
    rater: str | None = None
    complaints: str | None = None  # JSON [[at, actor, content], ...]
    actors: str = ""  # every officer who acted on it, "\x1f"-joined
    conflicts: int = 0  # events that did not fit and were ignored
    n: int = 1  # how many dossiers these facts stand for (a cache may group alike ones)

    # --- parsed views of the JSON text (cheap to call; small lists)

    def due_timeline(self) -> list[tuple[str, str, str | None]]:
        """[(from, due in force, paused since or None)], oldest first."""
        if self.timeline is None:
            return [(self.received or "", self.due or "", None)]
        return [tuple(x) for x in json.loads(self.timeline)]

    def supplement_times(self) -> list[str]:
        return self.sup_at.split() if self.sup_at else []

    def payment_list(self) -> list[tuple[str, int, bool, str]]:
        return [tuple(x) for x in json.loads(self.payments)] if self.payments else []

    def complaint_list(self) -> list[tuple[str, str, str]]:
        return [tuple(x) for x in json.loads(self.complaints)] if self.complaints else []

    def exemption_list(self) -> list[str]:
        return list(json.loads(self.exemptions)) if self.exemptions else []

    def holder_list(self) -> list[tuple[str, str, str, str | None]]:
        return [tuple(x) for x in json.loads(self.holders)] if self.holders else []

    def actor_set(self) -> set[str]:
        return set(self.actors.split("\x1f")) if self.actors else set()

    def due_at(self, moment: str) -> tuple[str | None, str | None]:
        """(due instant, paused since) in force just before `moment`."""
        if self.timeline is None:
            return self.due, None
        due, paused = None, None
        for at, d, p in self.due_timeline():
            if at >= moment and due is not None:
                break
            due, paused = d, p
        return due, paused

    def row(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f) for f in FACT_COLUMNS)


FACT_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(DossierFacts))


def facts_row_type(columns: Sequence[str]) -> type:
    """A tuple type with DossierFacts' attributes and methods for some of its columns.

    A cache that reads a million rows builds these straight from its rows
    (`row_type._make(row)`), much faster than DossierFacts; the computations read the same
    attributes from either. `columns` must hold every attribute the computation reads.
    """
    from collections import namedtuple

    base = namedtuple("FactsRow", columns)  # type: ignore[misc]
    methods = {name: getattr(DossierFacts, name) for name in (
        "due_timeline", "supplement_times", "payment_list", "complaint_list",
        "exemption_list", "holder_list", "actor_set", "due_at")}
    return type("FactsRow", (base,), {"__slots__": (), **methods})


class _Fold:
    """A dossier's state while its events are folded (a subset of the register's)."""

    __slots__ = (
        "actors",
        "changed",
        "complaints",
        "dues",
        "ext",
        "f",
        "holders",
        "payments",
        "resume",
        "since",
        "status",
        "sups",
    )

    def __init__(self, uid: str, office: str):
        self.f = DossierFacts(uid=uid, office=office)
        self.status: Status | None = None
        self.resume: Status | None = None
        self.since: str | None = None
        self.ext = 0
        self.dues: list[list[Any]] = []
        self.holders: list[list[Any]] = []
        self.payments: list[list[Any]] = []
        self.complaints: list[list[Any]] = []
        self.actors: dict[str, None] = {}
        self.sups: list[str] = []
        self.changed = False


def fold_dossier(events: Iterable[Mapping[str, Any]], office: str = "") -> DossierFacts | None:
    """Fold one dossier's wire events (in replica order) into its facts.

    Mirrors the register's lifecycle.apply(): an event that does not fit the dossier's state
    is counted in `conflicts` and otherwise ignored. Returns None for a stream with no event.
    """
    s: _Fold | None = None
    refused = refusal  # a local name: called for every event
    for e in events:
        if s is None:
            s = _Fold(e["stream"], office)
        p = e["payload"]
        if isinstance(p, str):
            p = json.loads(p)
        kind, at, actor = e["kind"], e["occurred_at"], e["actor"]
        # (kind, payload, at, status, supplements, extensions, due): see sync.lifecycle.
        if refused(kind, p, at, s.status, s.f.sup_count, s.ext, s.f.due) is not None:
            s.f.conflicts += 1
            continue
        _step(s, kind, p, at, actor, e.get("channel"))
    if s is None:
        return None
    return _finish(s)


def _step(s: _Fold, kind: str, p: Mapping[str, Any], at: str, actor: str,
          channel: int | None) -> None:
    f = s.f
    if actor:
        s.actors[actor] = None
    if kind in _WORK_KINDS and s.holders and s.holders[-1][3] is None and \
            kind != Kind.HANDED_OVER:
        s.holders[-1][3] = actor
    if kind in OPENING_KINDS:
        applicant = p.get("applicant") or {}
        f.code = p.get("code")
        f.procedure = p.get("procedure_code", "")
        f.field = p.get("field_code", "")
        f.channel = channel or 1
        f.applicant = applicant.get("full_name", "")
        f.id_number = applicant.get("id_number")
        f.receiver = actor
        if kind == Kind.RECEIVED:
            s.status = Status.RECEIVED
            f.received = p.get("received_at", at)
            f.appointment = f.due = due_after(kind, p, None)
            s.dues = [[f.received, f.due, None]]
            s.holders = [[f.received, p.get("holder") or "", actor, actor]]
            f.fee = int(p.get("fee_amount", 0) or 0)
            f.fee_paid = 1 if p.get("fee_paid") else 0
            exemptions = (p.get("fee") or {}).get("exemptions") or []
            f.exemptions = json.dumps(list(exemptions), ensure_ascii=False) if exemptions \
                else None
            f.digitised = 1 if p.get("digitised") else 0
            f.reused = 1 if p.get("reused_data") else 0
        else:
            s.status = Status.REGISTERED
        return
    if kind == Kind.REFUSED:
        s.status = Status.REFUSED
        _end(f, at, kind)
    elif kind == Kind.HANDED_OVER:
        if s.holders and s.holders[-1][3] is None:
            s.holders[-1][3] = actor
        s.holders.append([at, p["to_unit"], actor, None])
        if s.status == Status.RECEIVED:
            s.status = Status.PROCESSING
    elif kind == Kind.SUPPLEMENT_REQUESTED:
        s.resume = s.status
        s.status = Status.SUPPLEMENT
        s.since = at
        f.sup_count += 1
        s.sups.append(at)
        if f.sup_count >= FORCING_SUPPLEMENT and f.forced_at is None:
            f.forced_at = at
        s.dues.append([at, f.due, at])
        s.changed = True
    elif kind == Kind.SUPPLEMENT_RECEIVED:
        s.status = s.resume or Status.PROCESSING
        s.resume = None
        s.since = None
        f.due = due_after(kind, p, f.due)
        s.dues.append([at, f.due, None])
    elif kind == Kind.FINANCIAL_REQUESTED:
        s.status = Status.FINANCIAL
    elif kind == Kind.FEE_PAID:
        amount = p.get("amount")
        s.payments.append([at, int(amount if amount is not None else f.fee),
                           bool(p.get("online")), actor])
        if s.status == Status.FINANCIAL:
            s.status = Status.PROCESSING
    elif kind == Kind.PROCESSED:
        s.status = Status.PROCESSED
        f.outcome = p.get("outcome")
        _end(f, at, kind)
    elif kind == Kind.RETURNED:
        s.status = Status.RETURNED
        f.returned = at
        f.return_method = p.get("method")
        f.returner = actor
    elif kind == Kind.RESCHEDULED:
        s.ext += 1
        old = f.due
        f.due = due_after(kind, p, f.due)
        f.resched = json.dumps([at, old, f.due])
        s.dues.append([at, f.due, s.since])
        s.changed = True
    elif kind == Kind.WITHDRAWN:
        s.status = Status.WITHDRAWN
        _end(f, at, kind)
    elif kind == Kind.STOPPED:
        s.status = Status.STOPPED
        _end(f, at, kind)
    elif kind == Kind.RATED:
        f.rating = p.get("rating")
        f.rated_at = at
        f.rater = actor
    elif kind == Kind.COMPLAINED:
        s.complaints.append([at, actor, str(p.get("content", ""))])
    elif kind == Kind.DETAILS_CORRECTED:
        applicant = p.get("applicant") or {}
        if "full_name" in applicant:
            f.applicant = applicant["full_name"]
        if "id_number" in applicant:
            f.id_number = applicant["id_number"]


def _end(f: DossierFacts, at: str, kind: str) -> None:
    if f.finished is None:
        f.finished = at
        f.finish_kind = FINISH_KINDS[kind]


def _finish(s: _Fold) -> DossierFacts:
    f = s.f
    f.status = int(s.status or Status.REGISTERED)
    f.received_day = local_day(f.received)
    f.finished_day = local_day(f.finished)
    f.returned_day = local_day(f.returned)
    if s.sups:
        f.sup_at = " ".join(s.sups)
    if s.changed:
        f.timeline = json.dumps(s.dues)
    if len(s.holders) > 1 or (s.holders and s.holders[0][1]):
        f.holders = json.dumps(s.holders, ensure_ascii=False)
    if s.payments:
        f.payments = json.dumps(s.payments, ensure_ascii=False)
    if s.complaints:
        f.complaints = json.dumps(s.complaints, ensure_ascii=False)
    f.actors = "\x1f".join(s.actors)
    if f.finished is not None and f.due is not None:
        if ended_late(f.due, f.finished, forced=f.forced_at is not None):
            f.judged = "A"
        elif local_day(f.finished) < local_day(f.due):  # type: ignore[operator]
            f.judged = "B"
        else:
            f.judged = "O"
    return f


def replica_order(e: Mapping[str, Any]) -> tuple[str, str, str]:
    """The order of a dossier's events on every replica: (hlc, device_id, uid), as code
    points (a database's text collation may order device ids otherwise)."""
    return e["hlc"], e["device_id"], e["uid"]


def fold_streams(events: Iterable[Mapping[str, Any]], office: str = ""
                 ) -> Iterator[DossierFacts]:
    """Facts of every dossier from events grouped by stream (each stream's events
    contiguous). Events that carry hlc, device_id and uid are put in replica order here."""
    current: str | None = None
    batch: list[Mapping[str, Any]] = []

    def fold() -> DossierFacts | None:
        if "hlc" in batch[0]:
            batch.sort(key=replica_order)
        return fold_dossier(batch, office)

    for e in events:
        if e["stream"] != current:
            if batch:
                found = fold()
                if found is not None:
                    yield found
            current, batch = e["stream"], []
        batch.append(e)
    if batch:
        found = fold()
        if found is not None:
            yield found
