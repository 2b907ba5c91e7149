"""Declarative base and the columns every record shares."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import DateTime, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names, so Alembic migrations can address them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time in UTC without tzinfo (SQLite stores naive datetimes)."""
    return datetime.now(UTC).replace(tzinfo=None)


def new_uuid() -> str:
    """Return a random UUID as the 36-character string stored in `uuid` columns."""
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    """Base class of every mapped table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class RecordMixin:
    """Columns of every record: a local integer key, a global UUID and change tracking.

    The integer key keeps joins and indexes small on a 300,000-household database; the UUID
    identifies the same record across field laptops when their databases are merged.
    """

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), default=new_uuid, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    changed_by: Mapped[str | None] = mapped_column(String(64))


class SoftDeleteMixin:
    """Domain records are never removed: deleting one stamps `deleted_at`."""

    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
