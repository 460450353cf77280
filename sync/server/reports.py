"""Reports over the events the province server holds: one office, or every office of a province.

The same fold and the same computations as the office's own register (the reports package): an
office's figures here agree with the ones its register prints, once it has synced. The
server holds only what was pushed to it, so every dossier it knows counts as synced, and
"days late" count working days on the bundled calendars plus the published ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from reports import (
    KINDS,
    DossierFacts,
    IndexRules,
    Labels,
    Report,
    ReportParams,
    WorkingDays,
    compute_fees,
    compute_handling,
    compute_index,
    compute_late,
    compute_satisfaction,
    fold_streams,
    utc_text,
)
from sync.server.db import read_session
from sync.server.errors import AdminError
from sync.server.models import Event, Publication

_EVENT_COLUMNS = (Event.stream, Event.kind, Event.payload, Event.actor, Event.channel,
                  Event.occurred_at, Event.hlc, Event.device_id, Event.uid)


@dataclass(frozen=True)
class Scope:
    """The offices a report covers."""

    office_ids: tuple[str, ...]
    names: dict[str, str]
    province_code: int | None = None  # a province-wide report (figures by office too)


def scope(store: Any, office: str | None = None, province: int | None = None) -> Scope:
    if (office is None) == (province is None):
        raise AdminError("Give exactly one of --office OFFICE_ID or --province CODE.")
    offices = store.offices()
    if office is not None:
        found = [o for o in offices if o.office_id == office]
        if not found:
            raise AdminError(f"No office {office}.")
        return Scope((office,), {office: found[0].name})
    found = [o for o in offices if o.province_code == province]
    if not found:
        raise AdminError(f"No office in province {province}.")
    return Scope(tuple(o.office_id for o in found), {o.office_id: o.name for o in found},
                 province)


def office_facts(store: Any, office_id: str, label: str = "") -> Iterator[DossierFacts]:
    """Every dossier of the office folded from its events, in replica order (the database
    groups them by stream; fold_streams orders each stream by code points, whatever the
    database's collation)."""
    with read_session(store.engine) as s:
        rows = s.execute(select(*_EVENT_COLUMNS).where(
            Event.office_id == office_id, Event.stream_type == "dossier").order_by(
            Event.stream, Event.hlc, Event.device_id, Event.uid).execution_options(
            yield_per=5000)).mappings()
        yield from fold_streams(rows, label)  # type: ignore[arg-type]


def _documents(store: Any, kind: str, bundled: str) -> list[dict[str, Any]]:
    from resources import resource_path

    docs = [json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(resource_path(bundled).glob("*.json"))]
    with read_session(store.engine) as s:
        docs += [json.loads(body) for body in s.execute(
            select(Publication.body).where(Publication.kind == kind)
            .order_by(Publication.seq)).scalars()]
    return docs


def labels(store: Any, offices: dict[str, str] | None = None) -> Labels:
    """Names from the bundled catalogue and every published one."""
    base = Labels.from_catalogues(_documents(store, "catalogue", "catalogue"))
    return Labels(base.fields, base.procedures, base.exemptions, base.procedure_field,
                  offices or {})


def working_days(store: Any) -> WorkingDays:
    return WorkingDays.from_files(_documents(store, "calendar", "calendar"))


def compute_report(store: Any, kind: str, params: ReportParams, *, office: str | None = None,
                   province: int | None = None, as_of: datetime | None = None
                   ) -> tuple[Report, dict[str, Any]]:
    """(report, meta) for one office or a whole province."""
    if kind not in KINDS:
        raise AdminError(f"Unknown report kind {kind}; one of {', '.join(KINDS)}.")
    where = scope(store, office, province)
    wide = where.province_code is not None

    def facts() -> Iterator[DossierFacts]:
        for office_id in where.office_ids:
            yield from office_facts(store, office_id, office_id if wide else "")

    now = utc_text(as_of or store.clock())
    names = labels(store, where.names)
    report: Report
    if kind == "handling":
        report = compute_handling(facts(), params, names, as_of=now, by_office=wide)
    elif kind == "late":
        report = compute_late(facts(), params, names, as_of=now, days=working_days(store))
    elif kind == "index":
        report = compute_index(facts(), params, IndexRules.load(), as_of=now)
    elif kind == "satisfaction":
        report = compute_satisfaction(facts(), params, names)
    else:
        report = compute_fees(facts(), params, names)
    meta = {"source": "server", "generated_at": now, "offices": where.names,
            "office_name": (next(iter(where.names.values())) if not wide
                            else f"Các đơn vị cấp xã của tỉnh (mã {where.province_code})"),
            "province_code": where.province_code}
    return report, meta


__all__ = ["Scope", "compute_report", "labels", "office_facts", "scope", "working_days"]
