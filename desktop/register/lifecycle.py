"""The register's fold of a dossier: the pure check() and apply() over the lifecycle table.

The table itself (statuses, event kinds, allowed transitions, due-date and lateness rules)
is `sync.lifecycle`, shared with the reports and the province server: import its names from
there.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from desktop.register.events import EventRecord, parse_utc, utc_iso
from sync.lifecycle import (
    FORCING_SUPPLEMENT,
    LOCAL_TZ,
    OPENING_KINDS,
    Kind,
    Status,
    TransitionError,
    due_after,
    refusal,
)
from sync.lifecycle import is_late as _late_rule

__all__ = [
    "apply",
    "check",
    "is_late",
    "local",
    "refusal_for",
]


def check(state: dict[str, Any] | None, event: EventRecord) -> None:
    """Raise TransitionError when the rules forbid `event` on a dossier in `state`."""
    found = refusal_for(state, event.kind, event.payload, event.occurred_at)
    if found is not None:
        raise found


def refusal_for(state: dict[str, Any] | None, kind: str, payload: dict[str, Any],
                at: str) -> TransitionError | None:
    """sync.lifecycle.refusal() read from the register's dossier state."""
    if state is None:
        return refusal(kind, payload, at, None)
    return refusal(kind, payload, at, state["status"], supplements=state["supplement_count"],
                   extensions=state["extension_count"], due=state["due_at"],
                   has_result=bool(state.get("result_at")))


def _finish(state: dict[str, Any], at: str) -> None:
    if state["finished_at"] is None:
        state["finished_at"] = at


def apply(state: dict[str, Any] | None, event: EventRecord) -> dict[str, Any]:
    """Pure transition: the dossier state after `event`. Never raises on a legal event.

    An event that does not fit (possible only for events merged from another replica) is kept
    and flagged in `conflict` for a person to look at; it never disappears.
    """
    try:
        check(state, event)
    except TransitionError as exc:
        if state is None:
            state = _blank(event)
        new = dict(state)
        new["conflict"] = f"{event.uid}: {exc.message_vi}"
        new["event_count"] += 1
        new["last_hlc"] = max(new["last_hlc"], event.hlc)
        return new
    p = event.payload
    at = event.occurred_at
    kind = event.kind
    if kind in OPENING_KINDS:
        new = _blank(event) if state is None else dict(state)
        new.update(
            code=p.get("code"),
            procedure_code=p["procedure_code"],
            field_code=p["field_code"],
            catalogue_version=p["catalogue_version"],
            channel=event.channel or 1,
            applicant_name=p["applicant"]["full_name"],
            applicant_id_number=p["applicant"].get("id_number"),
            applicant_phone=p["applicant"].get("phone"),
            applicant_address=p["applicant"].get("address"),
            details=_details_from(p, new.get("details")),
            officer=event.actor,
        )
        if kind == Kind.RECEIVED:
            new.update(
                status=Status.RECEIVED,
                received_at=p.get("received_at", at),
                appointment_at=p["appointment_at"],
                due_at=due_after(kind, p, None),
                holder=p.get("holder"),
                fee_amount=p.get("fee_amount", 0),
                fee_paid=1 if p.get("fee_paid") else 0,
                tracking_entry=p.get("tracking_entry"),
            )
        else:
            new["status"] = Status.REGISTERED
    else:
        assert state is not None
        new = dict(state)
        if kind == Kind.REFUSED:
            new["status"] = Status.REFUSED
            _finish(new, at)
        elif kind == Kind.HANDED_OVER:
            new["holder"] = p["to_unit"]
            if new["status"] == Status.RECEIVED:
                new["status"] = Status.PROCESSING
        elif kind == Kind.SUPPLEMENT_REQUESTED:
            new["resume_status"] = int(new["status"])
            new["status"] = Status.SUPPLEMENT
            new["supplement_since"] = at
            new["supplement_count"] += 1
            if new["supplement_count"] >= FORCING_SUPPLEMENT:
                new["late_forced"] = 1
        elif kind == Kind.SUPPLEMENT_RECEIVED:
            new["status"] = new["resume_status"] or Status.PROCESSING
            new["resume_status"] = None
            new["supplement_since"] = None
            new["due_at"] = due_after(kind, p, new["due_at"])
        elif kind == Kind.FINANCIAL_REQUESTED:
            new["status"] = Status.FINANCIAL
            new["fee_amount"] = p.get("amount", new["fee_amount"])
        elif kind == Kind.FEE_PAID:
            new["fee_paid"] = 1
            if "amount" in p:
                new["fee_amount"] = p["amount"]
            if new["status"] == Status.FINANCIAL:
                new["status"] = Status.PROCESSING
        elif kind == Kind.PROCESSED:
            new["status"] = Status.PROCESSED
            new["result_at"] = at
            new["details"] = {**new["details"], "outcome": p["outcome"],
                              "result_note": p.get("note", "")}
            _finish(new, at)
        elif kind == Kind.RETURNED:
            new["status"] = Status.RETURNED
            new["returned_at"] = at
            new["details"] = {**new["details"], "return_method": p["method"],
                              "postal": p.get("postal")}
        elif kind == Kind.RESCHEDULED:
            new["extension_count"] += 1
            new["due_at"] = due_after(kind, p, new["due_at"])
        elif kind == Kind.WITHDRAWN:
            new["status"] = Status.WITHDRAWN
            _finish(new, at)
        elif kind == Kind.STOPPED:
            new["status"] = Status.STOPPED
            _finish(new, at)
        elif kind == Kind.RATED:
            new["rating"] = p["rating"]
        elif kind == Kind.COMPLAINED:
            new["details"] = {**new["details"],
                              "complaints": new["details"].get("complaints", 0) + 1}
        elif kind == Kind.DETAILS_CORRECTED:
            applicant = p.get("applicant", {})
            for key, column in (("full_name", "applicant_name"), ("id_number",
                                "applicant_id_number"), ("phone", "applicant_phone"),
                                ("address", "applicant_address")):
                if key in applicant:
                    new[column] = applicant[key]
            new["details"] = {**new["details"],
                              "applicant": {**new["details"].get("applicant", {}), **applicant}}
        # PRINTED changes nothing but the count: the audit trail keeps it.
    new["event_count"] += 1
    new["last_hlc"] = max(new["last_hlc"], event.hlc)
    return new


def _details_from(payload: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    details = dict(previous or {})
    for key in ("applicant", "representative", "request", "documents", "sets", "fee",
                "appointment_reason", "result_place", "tracking", "digitised", "reused_data"):
        if key in payload:
            details[key] = payload[key]
    return details


def _blank(event: EventRecord) -> dict[str, Any]:
    return {
        "uid": event.stream,
        "code": None,
        "procedure_code": "",
        "field_code": "",
        "catalogue_version": "",
        "channel": event.channel or 1,
        "status": Status.REGISTERED,
        "applicant_name": "",
        "applicant_id_number": None,
        "applicant_phone": None,
        "applicant_address": None,
        "details": {},
        "received_at": None,
        "appointment_at": None,
        "due_at": None,
        "holder": None,
        "officer": event.actor,
        "supplement_count": 0,
        "supplement_since": None,
        "extension_count": 0,
        "late_forced": 0,
        "resume_status": None,
        "fee_amount": 0,
        "fee_paid": 0,
        "result_at": None,
        "finished_at": None,
        "returned_at": None,
        "rating": None,
        "tracking_entry": None,
        "conflict": None,
        "event_count": 0,
        "last_hlc": event.hlc,
    }


def is_late(state: dict[str, Any], now: datetime | None = None) -> bool:
    """sync.lifecycle's one rule of lateness, read from the register's dossier state."""
    paused = state["supplement_since"] if state["status"] == Status.SUPPLEMENT else None
    return _late_rule(due=state["due_at"], end=state["finished_at"] or state["returned_at"],
                      now=utc_iso(now) if now is not None else None, paused_since=paused,
                      forced=bool(state["late_forced"]))


def local(moment_text: str | None) -> datetime | None:
    return parse_utc(moment_text).astimezone(LOCAL_TZ) if moment_text else None
