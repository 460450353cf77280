"""The register, the province server and the reports read one due date and one rule of lateness.

A marital-status confirmation (3 working days) is received on Monday 16/11/2026 09:00, due
Thursday 19/11 17:00. A supplement is requested that Monday afternoon and brought on Friday
20/11: the four working days of waiting (Tuesday to Friday) are not counted, so it is due
four working days later than first promised, Thursday 26/11 17:00 (Tuesday 24/11, Ngày Văn
hóa Việt Nam, is a day off). On Monday 23/11 the office apologises and extends it once, to
Friday 27/11 17:00. The register's dossier, the server's view of the same events (the due date it
writes into an agency's hand-over) and the reports of both must agree at every step.
"""

# ruff: noqa: F811  (fixtures imported from server_fixtures are test arguments)

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from desktop.register import reports as register_reports
from desktop.register.service import Register
from desktop.register.syncstore import RegisterSyncStore
from desktop.register.views import DossierInput
from reports import ReportParams, fold_dossier, replica_order
from sync import lifecycle
from sync.lifecycle import Kind
from sync.server.reports import compute_report
from tests.conftest import FixedClock, local_time
from tests.support.server_fixtures import (  # noqa: F401  (fixtures)
    ServerProcess,
    module_server,
    pull_all,
    push,
)

NOVEMBER = ReportParams(date(2026, 11, 1), date(2026, 11, 30))


def _handling_overdue(register: Register, server: ServerProcess, office: str,
                      at: datetime) -> tuple[tuple[int, int], tuple[int, int]]:
    """(not due, overdue) of the open dossiers at `at`, in the register's and the server's
    handling report."""
    mine = register_reports.compute(register, "handling", NOVEMBER, as_of=at)
    theirs, _ = compute_report(server.store(), "handling", NOVEMBER, office=office, as_of=at)
    return ((mine.total.in_processing_not_due, mine.total.in_processing_overdue),  # type: ignore[union-attr]
            (theirs.total.in_processing_not_due, theirs.total.in_processing_overdue))  # type: ignore[union-attr]


def test_the_register_the_server_and_the_reports_share_the_due_date_and_lateness(
        module_server: ServerProcess, register: Register, clock: FixedClock,
        make_input: Callable[..., DossierInput]) -> None:
    office = module_server.add_office(1, 70)
    device = module_server.enroll(office, device_id=register.device_id)
    sync_store = RegisterSyncStore(register)
    sent: list[dict[str, Any]] = []

    def push_pending() -> None:
        events = [e.wire() for e in sync_store.pending_events(100)]
        sent.extend(events)
        answer = push(module_server, device, events).json()
        assert len(answer["accepted"]) == len(events)
        sync_store.mark_acked([e["uid"] for e in events], lifecycle.utc_text(clock()))

    view = register.receive(make_input(), "canbo1")
    code = str(view.code)
    assert view.due_at == local_time(2026, 11, 19, 17)
    register.hand_over(code, "Công chức Tư pháp - Hộ tịch", "canbo1")
    clock.set(local_time(2026, 11, 16, 14))
    register.request_supplement(code, ["Bản chính giấy khai sinh"], "Thiếu", "canbo2")
    push_pending()

    # Thursday 19/11 18:00: past the first due instant, but the applicant is still bringing
    # the papers, so the clock stood still at the request — late nowhere.
    waiting = local_time(2026, 11, 19, 18)
    clock.set(waiting)
    assert not register.get(code).late
    counts = register.home_counts()
    assert (counts.overdue, counts.awaiting_supplement) == (0, 1)
    assert _handling_overdue(register, module_server, office, waiting) == ((1, 0), (1, 0))

    clock.set(local_time(2026, 11, 20, 10))
    after_supplement = register.receive_supplement(code, "canbo1")
    assert after_supplement.due_at == local_time(2026, 11, 26, 17), "4 working days waited"
    clock.set(local_time(2026, 11, 23, 9))
    extended = register.reschedule(code, local_time(2026, 11, 27, 17),
                                   "Chờ xác minh tại nơi cư trú trước đây", "canbo2")
    assert extended.due_at == local_time(2026, 11, 27, 17)
    push_pending()

    # The server reads the same due date from the same events: an agency's hand-over
    # carries it, and the register folds that event without a conflict.
    handed = module_server.store().agency_event(view.uid, office, "handed_over",
                                                "Công an xã Hoàn Kiếm")
    assert handed["payload"]["due_at"] == lifecycle.utc_text(extended.due_at)
    pulled, _ = pull_all(module_server, device)  # the agency's event: ours stay ours
    assert [e["uid"] for e in pulled] == [handed["uid"]]
    mine = sorted((e for e in sent + pulled if e["stream"] == view.uid), key=replica_order)
    assert [e["kind"] for e in mine][-4:] == [Kind.SUPPLEMENT_REQUESTED,
                                             Kind.SUPPLEMENT_RECEIVED, Kind.RESCHEDULED,
                                             Kind.HANDED_OVER]
    assert lifecycle.current_due((e["kind"], e["payload"]) for e in mine) == \
        handed["payload"]["due_at"]

    # The reports' fold of the server's events gives the register's due date too.
    facts = fold_dossier(mine)
    assert facts is not None and facts.conflicts == 0
    assert facts.due == lifecycle.utc_text(register.get(code).due_at)  # type: ignore[arg-type]

    # Friday 27/11 16:00: due soon (the same local day) for the home screen and the rule,
    # not yet late for the dossier window or either report.
    soon = local_time(2026, 11, 27, 16)
    clock.set(soon)
    counts = register.home_counts()
    assert (counts.due_today, counts.overdue) == (1, 0)
    assert lifecycle.is_due_soon(facts.due, soon)
    assert not register.get(code).late
    assert _handling_overdue(register, module_server, office, soon) == ((1, 0), (1, 0))

    # 17:30: past the extended due instant — late in all of them alike.
    late = local_time(2026, 11, 27, 17, 30)
    clock.set(late)
    counts = register.home_counts()
    assert (counts.due_today, counts.overdue) == (0, 1)
    assert not lifecycle.is_due_soon(facts.due, late)
    assert lifecycle.is_overdue(facts.due, lifecycle.utc_text(late))
    assert register.get(code).late
    assert _handling_overdue(register, module_server, office, late) == ((0, 1), (0, 1))
    module_server.close_store()
