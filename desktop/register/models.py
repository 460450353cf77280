"""SQLAlchemy 2 models of the register: the event log and the projections derived from it."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Meta(Base):
    """Key-value facts about this register: office identity, device identity, settings."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Event(Base):
    """One immutable change (sự kiện). The only source of truth; everything else is derived.

    `stream` is the aggregate the event belongs to: a dossier uid or a logbook volume uid.
    Order on every replica is (hlc, device_id, uid). `hash` covers `prev_hash`, so each
    device's events form a chain that shows any edit or removal.
    """

    __tablename__ = "events"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    stream: Mapped[str] = mapped_column(String(36))
    stream_type: Mapped[str] = mapped_column(String(16))  # "dossier" | "volume"
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON
    actor: Mapped[str] = mapped_column(String(64))
    channel: Mapped[int | None] = mapped_column(Integer)  # 1 in person, 2 online, 3 post
    occurred_at: Mapped[str] = mapped_column(String(32))  # UTC ISO 8601
    hlc: Mapped[str] = mapped_column(String(24))
    device_id: Mapped[str] = mapped_column(String(36))
    device_seq: Mapped[int] = mapped_column(Integer)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(8), default="local")  # local | remote
    acked_at: Mapped[str | None] = mapped_column(String(32))  # server acknowledgement
    __table_args__ = (
        UniqueConstraint("device_id", "device_seq", name="uq_events_device_seq"),
        Index("ix_events_stream_order", "stream", "hlc", "device_id", "uid"),
        Index("ix_events_hlc", "hlc"),
        Index("ix_events_unacked", "stream", sqlite_where=text("acked_at IS NULL")),
        # AUTOINCREMENT: a local sequence number is never reused, even after a rollback.
        {"sqlite_autoincrement": True},
    )


class Dossier(Base):
    """Projection: the current state of a dossier (hồ sơ), rebuilt from its events."""

    __tablename__ = "dossiers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    code: Mapped[str | None] = mapped_column(String(64), unique=True)
    procedure_code: Mapped[str] = mapped_column(String(40))
    field_code: Mapped[str] = mapped_column(String(40))
    catalogue_version: Mapped[str] = mapped_column(String(20))
    channel: Mapped[int] = mapped_column(Integer)
    status: Mapped[int] = mapped_column(Integer)
    applicant_name: Mapped[str] = mapped_column(String(120))
    applicant_id_number: Mapped[str | None] = mapped_column(String(12))
    applicant_phone: Mapped[str | None] = mapped_column(String(16))
    applicant_address: Mapped[str | None] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text)  # JSON: applicant extras, documents, fee, ...
    received_at: Mapped[str | None] = mapped_column(String(32))
    appointment_at: Mapped[str | None] = mapped_column(String(32))  # first promised date
    due_at: Mapped[str | None] = mapped_column(String(32))  # after extension and pauses
    holder: Mapped[str | None] = mapped_column(String(120))  # unit holding it now
    officer: Mapped[str] = mapped_column(String(64))
    supplement_count: Mapped[int] = mapped_column(Integer, default=0)
    supplement_since: Mapped[str | None] = mapped_column(String(32))
    extension_count: Mapped[int] = mapped_column(Integer, default=0)
    late_forced: Mapped[int] = mapped_column(Integer, default=0)
    resume_status: Mapped[int | None] = mapped_column(Integer)
    fee_amount: Mapped[int] = mapped_column(Integer, default=0)
    fee_paid: Mapped[int] = mapped_column(Integer, default=0)
    result_at: Mapped[str | None] = mapped_column(String(32))
    finished_at: Mapped[str | None] = mapped_column(String(32))
    returned_at: Mapped[str | None] = mapped_column(String(32))
    rating: Mapped[str | None] = mapped_column(String(24))
    tracking_entry: Mapped[str | None] = mapped_column(String(36))  # form 07 entry uid
    conflict: Mapped[str | None] = mapped_column(Text)  # remote event that did not fit
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    last_hlc: Mapped[str] = mapped_column(String(24))
    __table_args__ = (
        Index("ix_dossiers_status_due", "status", "due_at"),
        Index("ix_dossiers_received", "received_at"),
        Index("ix_dossiers_id_number", "applicant_id_number"),
        Index("ix_dossiers_procedure", "procedure_code", "received_at"),
    )


class LogbookVolume(Base):
    """Projection: one volume (quyển) of a book kind for a year, owned by one device."""

    __tablename__ = "logbook_volumes"
    uid: Mapped[str] = mapped_column(String(36), primary_key=True)
    book_kind: Mapped[str] = mapped_column(String(40))
    field_code: Mapped[str] = mapped_column(String(40), default="")
    year: Mapped[int] = mapped_column(Integer)
    volume_no: Mapped[int] = mapped_column(Integer)
    device_id: Mapped[str] = mapped_column(String(36))
    opened_at: Mapped[str] = mapped_column(String(32))
    first_number: Mapped[int] = mapped_column(Integer, default=1)
    last_number: Mapped[int] = mapped_column(Integer, default=0)
    capacity: Mapped[int] = mapped_column(Integer)
    closed_at: Mapped[str | None] = mapped_column(String(32))
    closing: Mapped[str | None] = mapped_column(Text)  # JSON totals written at year end
    __table_args__ = (
        UniqueConstraint("book_kind", "field_code", "year", "volume_no", name="uq_volume"),
    )


class LogbookEntry(Base):
    """Projection: a numbered entry in a book. Never removed: voided or corrected by new ones."""

    __tablename__ = "logbook_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    volume_uid: Mapped[str] = mapped_column(ForeignKey("logbook_volumes.uid"))
    number: Mapped[int] = mapped_column(Integer)
    registered_at: Mapped[str] = mapped_column(String(32))
    dossier_uid: Mapped[str | None] = mapped_column(String(36))
    data: Mapped[str] = mapped_column(Text)  # JSON
    corrects_uid: Mapped[str | None] = mapped_column(String(36))
    voided_at: Mapped[str | None] = mapped_column(String(32))
    void_reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(64))
    __table_args__ = (
        UniqueConstraint("volume_uid", "number", name="uq_entry_number"),
        Index("ix_entries_dossier", "dossier_uid"),
    )


class Counter(Base):
    """Per-device sequences, e.g. the daily dossier-code sequence."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class RuleVersion(Base):
    """A versioned rule set (procedure catalogue, calendar) with its effective-from date."""

    __tablename__ = "rule_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # catalogue | calendar
    version: Mapped[str] = mapped_column(String(20))
    effective_from: Mapped[str] = mapped_column(String(10))
    content: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    installed_at: Mapped[str] = mapped_column(String(32))
    __table_args__ = (UniqueConstraint("kind", "version", name="uq_rule_version"),)


class CalendarOverride(Base):
    """A day off or a make-up working day the `holidays` package does not know, with its source."""

    __tablename__ = "calendar_overrides"
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    kind: Mapped[str] = mapped_column(String(4))  # off | work
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    added_by: Mapped[str] = mapped_column(String(64))


class Account(Base):
    """A local user account (tài khoản) with one role; the password is stored as a scrypt hash."""

    __tablename__ = "accounts"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    full_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(Text)
    active: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[str] = mapped_column(String(32))
    # Set when an administrator chose the password (a new account, a reset): the owner must
    # pick their own at the next login.
    must_change_password: Mapped[int] = mapped_column(Integer, server_default="0")


class AccountChangeRow(Base):
    """One line of the accounts' audit trail: who changed which account, when, and how."""

    __tablename__ = "account_changes"
    __table_args__ = (Index("ix_account_changes_username", "username"),
                      {"sqlite_autoincrement": True})
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String(32))
    username: Mapped[str] = mapped_column(String(64), ForeignKey("accounts.username"))
    change: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str | None] = mapped_column(String(16), nullable=True)
