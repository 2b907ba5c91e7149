"""Users, the audit log, attachments and settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, RecordMixin, SoftDeleteMixin, utcnow


class User(RecordMixin, SoftDeleteMixin, Base):
    """A user of the program; the password is stored as an Argon2 hash."""

    __tablename__ = "app_user"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    # admin, clerk, grid_worker, head
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)


class AuditLog(Base):
    """Who did what to which record; holds record UUIDs, never personal data."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_record", "table_name", "record_uuid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    username: Mapped[str | None] = mapped_column(String(64))
    # create, update, delete, restore, reveal, export, print, login, import
    action: Mapped[str] = mapped_column(String(16))
    table_name: Mapped[str | None] = mapped_column(String(64))
    record_uuid: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[str | None] = mapped_column(Text)


class Attachment(RecordMixin, SoftDeleteMixin, Base):
    """A file (photo, scan) kept inside the database and owned by any record via its UUID."""

    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_owner", "owner_table", "owner_uuid"),)

    owner_table: Mapped[str] = mapped_column(String(64))
    owner_uuid: Mapped[str] = mapped_column(String(36))
    file_name: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    caption: Mapped[str | None] = mapped_column(String(200))


class Setting(Base):
    """A key/value setting of this database, e.g. the township profile used by printouts."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
