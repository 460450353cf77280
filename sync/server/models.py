"""The server's tables (SQLAlchemy 2 typed models); the schema itself is made by migrations."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite wants INTEGER PRIMARY KEY to make the rowid alias; PostgreSQL gets a 64-bit identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    pass


class Meta(Base):
    """Server-wide values; `epoch` is drawn when the database is created."""

    __tablename__ = "server_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Office(Base):
    """A commune one-stop office: the unit of data isolation between devices."""

    __tablename__ = "offices"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    province_code: Mapped[int] = mapped_column(Integer)
    commune_code: Mapped[int] = mapped_column(Integer, index=True)
    agency_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[str] = mapped_column(String(32))


class Device(Base):
    """An enrolled PC. Only the SHA-256 of its token is kept."""

    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # chosen by the client
    office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"), index=True)
    slot: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    app_version: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    enrolled_at: Mapped[str] = mapped_column(String(32))
    revoked_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # Highest device_seq stored without a gap below it (StatusResponse.device_head).
    head_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_push_at: Mapped[str | None] = mapped_column(String(32), nullable=True)

    __table_args__ = (UniqueConstraint("office_id", "slot", name="uq_devices_office_slot"),)


class EnrollCode(Base):
    """A one-time, expiring enrollment code for one office (kept hashed, like tokens)."""

    __tablename__ = "enroll_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"), index=True)
    created_at: Mapped[str] = mapped_column(String(32))
    expires_at: Mapped[str] = mapped_column(String(32))
    used_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    used_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # SHA-256 of the retry key sent with the first use: the same device may redeem the code
    # again with it (its first answer was lost) until the code expires.
    retry_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Stream(Base):
    """A dossier or logbook-volume stream; the office of its first stored event owns it."""

    __tablename__ = "streams"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"), index=True)
    stream_type: Mapped[str] = mapped_column(String(16))


class Event(Base):
    """An event as received (sync.protocol.EVENT_FIELDS), numbered by `seq` on arrival.

    `seq` is one autoincrement over the whole server; pulls read it per office, and the
    office row lock taken by every write keeps each office's numbers committed in order.
    """

    __tablename__ = "events"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"))
    uid: Mapped[str] = mapped_column(String(200), unique=True)
    stream: Mapped[str] = mapped_column(String(200), index=True)
    stream_type: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(200))
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON
    actor: Mapped[str] = mapped_column(String(200))
    channel: Mapped[int | None] = mapped_column(Integer, nullable=True)
    occurred_at: Mapped[str] = mapped_column(String(200))
    hlc: Mapped[str] = mapped_column(String(200))
    device_id: Mapped[str] = mapped_column(String(200))
    device_seq: Mapped[int] = mapped_column(BigInteger)
    prev_hash: Mapped[str] = mapped_column(String(200))
    hash: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[str] = mapped_column(String(32))

    __table_args__ = (
        Index("ix_events_office_seq", "office_id", "seq"),
        UniqueConstraint("device_id", "device_seq", name="uq_events_device_seq"),
    )


class Publication(Base):
    """A published procedure catalogue or calendar file; `seq` orders them for /rules."""

    __tablename__ = "publications"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # "catalogue" | "calendar"
    version: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)  # the JSON document as published
    sha256: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[str] = mapped_column(String(32))
