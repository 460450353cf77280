"""Plain, frozen data the register hands to the UI, the forms and the CLI (never ORM rows)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from desktop.register.errors import ValidationWarning
from desktop.register.events import EventRecord, parse_utc
from desktop.register.lifecycle import is_late
from sync.lifecycle import OPEN_STATES, Status, is_due_soon, status_label, utc_text
from sync.lifecycle import is_late as _late_rule


@dataclass(frozen=True)
class ApplicantInput:
    """The applicant (người nộp hồ sơ) or an authorised representative as typed at the desk."""

    full_name: str
    id_number: str | None = None
    birth_date: date | str | None = None
    sex: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class DossierInput:
    """Everything the receiving officer records for a new dossier."""

    procedure_code: str
    applicant: ApplicantInput
    channel: int = 1  # 1 in person, 2 online, 3 public post
    representative: ApplicantInput | None = None
    authorisation: str = ""  # giấy ủy quyền, when filed by an authorised person
    request: str = ""  # nội dung yêu cầu giải quyết
    documents: tuple[str, ...] = ()  # codes from the procedure's checklist
    sets: int = 1  # số lượng bộ hồ sơ
    pages: int = 1
    copies: int = 1
    exemptions: tuple[str, ...] = ()
    fee_paid: bool = False
    fee_amount: int | None = None  # where the province sets the fee and the catalogue has none
    appointment_at: datetime | None = None  # an officer's change, needs a reason
    appointment_reason: str = ""
    result_place: str = ""  # nơi trả kết quả
    received_at: datetime | None = None  # postal: time the hand-over record was signed
    digitised: bool = False  # đã số hóa thành phần hồ sơ into the electronic dossier
    reused_data: bool = False  # có khai thác, sử dụng lại dữ liệu đã số hóa


def _dt(text: str | None) -> datetime | None:
    return parse_utc(text) if text else None


@dataclass(frozen=True)
class DossierView:
    """A dossier's current state (projection) as plain data."""

    uid: str
    code: str | None
    procedure_code: str
    field_code: str
    catalogue_version: str
    channel: int
    status: int
    applicant_name: str
    applicant_id_number: str | None
    applicant_phone: str | None
    applicant_address: str | None
    details: dict[str, Any]
    received_at: datetime | None
    appointment_at: datetime | None
    due_at: datetime | None
    holder: str | None
    officer: str
    supplement_count: int
    extension_count: int
    late_forced: bool
    fee_amount: int
    fee_paid: bool
    result_at: datetime | None
    finished_at: datetime | None
    returned_at: datetime | None
    rating: str | None
    tracking_entry: str | None
    conflict: str | None
    late: bool
    warnings: tuple[ValidationWarning, ...] = field(default=())

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @classmethod
    def from_state(cls, state: dict[str, Any], now: datetime | None = None,
                   warnings: tuple[ValidationWarning, ...] = ()) -> DossierView:
        return cls(
            uid=state["uid"],
            code=state["code"],
            procedure_code=state["procedure_code"],
            field_code=state["field_code"],
            catalogue_version=state["catalogue_version"],
            channel=state["channel"],
            status=int(state["status"]),
            applicant_name=state["applicant_name"],
            applicant_id_number=state["applicant_id_number"],
            applicant_phone=state["applicant_phone"],
            applicant_address=state["applicant_address"],
            details=state["details"],
            received_at=_dt(state["received_at"]),
            appointment_at=_dt(state["appointment_at"]),
            due_at=_dt(state["due_at"]),
            holder=state["holder"],
            officer=state["officer"],
            supplement_count=state["supplement_count"],
            extension_count=state["extension_count"],
            late_forced=bool(state["late_forced"]),
            fee_amount=state["fee_amount"],
            fee_paid=bool(state["fee_paid"]),
            result_at=_dt(state["result_at"]),
            finished_at=_dt(state["finished_at"]),
            returned_at=_dt(state["returned_at"]),
            rating=state["rating"],
            tracking_entry=state["tracking_entry"],
            conflict=state["conflict"],
            late=is_late(state, now),
            warnings=warnings,
        )


@dataclass(frozen=True)
class DossierRow:
    """One line of a list or search result (with what the lateness rule needs of it)."""

    uid: str
    code: str | None
    applicant_name: str
    applicant_id_number: str | None
    applicant_phone: str | None
    procedure_code: str
    status: int
    received_at: datetime | None
    due_at: datetime | None
    supplement_since: datetime | None = None  # while waiting for a supplement
    late_forced: bool = False  # a second supplement request made it late

    @classmethod
    def from_values(cls, r: Sequence[Any]) -> DossierRow:
        """A row of queries.ROW_COLUMNS (instants as the register's UTC text)."""
        uid, code, name, id_number, phone, procedure_code, status, received, due, since, \
            forced = r
        return cls(uid, code, name, id_number, phone, procedure_code, status, _dt(received),
                   _dt(due), _dt(since), bool(forced))

    def due_state(self, now: datetime) -> str:
        """"overdue", "due_soon" or "" at `now`, by sync.lifecycle's one rule (the same the
        home screen's counts apply in SQL, queries.overdue_clause / due_soon_clause)."""
        if self.status not in OPEN_STATES:
            return ""
        due = utc_text(self.due_at) if self.due_at is not None else None
        paused = (utc_text(self.supplement_since) if self.status == Status.SUPPLEMENT
                  and self.supplement_since is not None else None)
        if _late_rule(due=due, end=None, now=utc_text(now), paused_since=paused,
                      forced=self.late_forced):
            return "overdue"
        if is_due_soon(due, now, paused_since=paused):
            return "due_soon"
        return ""


@dataclass(frozen=True)
class EventView:
    """One line of a dossier's timeline or of the audit trail."""

    uid: str
    kind: str
    payload: dict[str, Any]
    actor: str
    channel: int | None
    occurred_at: datetime
    device_id: str
    hlc: str
    origin: str
    acked: bool

    @classmethod
    def from_record(cls, rec: EventRecord, origin: str = "local",
                    acked: bool = False) -> EventView:
        return cls(rec.uid, rec.kind, rec.payload, rec.actor, rec.channel,
                   parse_utc(rec.occurred_at), rec.device_id, rec.hlc, origin, acked)


@dataclass(frozen=True)
class VolumeView:
    uid: str
    book_kind: str
    field_code: str
    year: int
    volume_no: int
    device_id: str
    opened_at: datetime
    first_number: int
    last_number: int
    capacity: int
    closed_at: datetime | None
    closing: dict[str, Any] | None


@dataclass(frozen=True)
class EntryView:
    uid: str
    volume_uid: str
    book_kind: str
    year: int
    volume_no: int
    number: int
    registered_at: datetime
    dossier_uid: str | None
    data: dict[str, Any]
    corrects_uid: str | None
    voided_at: datetime | None
    void_reason: str | None
    actor: str

    @property
    def label(self) -> str:
        """As written on papers: "Số 01/2026, quyển số 01"."""
        return f"Số {self.number:02d}/{self.year}, quyển số {self.volume_no:02d}"


@dataclass(frozen=True)
class AccountView:
    username: str
    full_name: str
    role: str
    active: bool
    must_change_password: bool = False  # a password an administrator chose


@dataclass(frozen=True)
class SyncSummary:
    """A dossier's sync state, from its events: what the province has not acknowledged yet."""

    pending: int  # local events the province server has not acknowledged yet
    total: int
    conflict: str | None

    @property
    def state(self) -> str:
        if self.conflict:
            return "conflict"
        return "pending" if self.pending else "synced"


def sync_summary(view: DossierView, events: Iterable[EventView]) -> SyncSummary:
    events = list(events)
    pending = sum(1 for e in events if e.origin == "local" and not e.acked)
    return SyncSummary(pending, len(events), view.conflict)
