"""Create, read, update and soft-delete one kind of record, with validation and audit.

A service declares its model, its form fields and any rule that needs the database
(`check`); every write is one transaction that also writes the audit log.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.core import audit
from app.core.validation import FormField, ValidationError, clean_values
from db.base import Base, utcnow
from db.engine import unit_of_work


class RecordNotFound(LookupError):
    """The record does not exist or has been deleted."""


class RecordService:
    """CRUD for one model; subclasses declare `model`, `fields`, `noun` and optional checks."""

    model: ClassVar[type[Base]]
    fields: ClassVar[Sequence[FormField]] = ()
    # The Chinese name of one record, for messages: "成员单位"
    noun: ClassVar[str] = "记录"

    def __init__(self, engine: Engine, user: str | None = None) -> None:
        self.engine = engine
        self.user = user

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """Rules that need the database (uniqueness…): a dict of field key → message."""
        return {}

    def check_delete(self, session: Session, obj: Any) -> str | None:
        """Why the record may not be deleted, or None."""
        return None

    def question(self, raw: Mapping[str, Any], record_id: int | None) -> str | None:
        """A yes/no question the clerk must answer before these values are saved, or None.

        For what is allowed but unusual (a second 季度例会 in a quarter); refusals go in `check`.
        """
        return None

    def derive(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """The values to store, from the cleaned form values (e.g. a birth date read from an
        ID number, or the parent record a service is bound to)."""
        return values

    def after_save(self, session: Session, obj: Any, created: bool) -> None:
        """Keep what depends on a saved record right, in the save's own transaction."""

    def after_delete(self, session: Session, obj: Any) -> None:
        """Retire what belongs to a deleted record, in the delete's own transaction."""

    def title_of(self, obj: Any) -> str:
        """How one record is named in messages (e.g. its name)."""
        return str(getattr(obj, "name", obj.id))

    def _get(self, session: Session, record_id: int) -> Any:
        obj = session.get(self.model, record_id)
        if obj is None or getattr(obj, "deleted_at", None) is not None:
            raise RecordNotFound(f"{self.noun}不存在或已被删除")
        return obj

    def load(self, record_id: int) -> dict[str, Any]:
        """The stored values of the form fields of one record."""
        with unit_of_work(self.engine, self.user) as session:
            obj = self._get(session, record_id)
            return {f.key: getattr(obj, f.key) for f in self.fields}

    def describe(self, record_id: int) -> str:
        """The name of one record, for a confirmation question."""
        with unit_of_work(self.engine, self.user) as session:
            return self.title_of(self._get(session, record_id))

    def _validated(self, session: Session, raw: Mapping[str, Any], record_id: int | None) -> dict:
        values = clean_values(self.fields, raw)
        errors = self.check(session, values, record_id)
        if errors:
            raise ValidationError(errors)
        return values

    def create(self, raw: Mapping[str, Any]) -> int:
        """Validate and store a new record; returns its id. Raises `ValidationError`."""
        with unit_of_work(self.engine, self.user) as session:
            values = self.derive(session, self._validated(session, raw, None), None)
            obj = self.model(**values)
            session.add(obj)
            session.flush()
            self.after_save(session, obj, True)
            audit.record(session, "create", self.model.__tablename__, obj.uuid)
            return obj.id

    def update(self, record_id: int, raw: Mapping[str, Any]) -> None:
        """Validate and store changed values of a record. Raises `ValidationError`."""
        with unit_of_work(self.engine, self.user) as session:
            obj = self._get(session, record_id)
            values = self.derive(session, self._validated(session, raw, record_id), record_id)
            changed = [k for k, v in values.items() if getattr(obj, k) != v]
            for key in changed:
                setattr(obj, key, values[key])
            self.after_save(session, obj, False)
            if changed:
                # field names only: values may be personal data
                audit.record(
                    session, "update", self.model.__tablename__, obj.uuid, ",".join(changed)
                )

    def delete(self, record_id: int) -> None:
        """Soft-delete a record (it stays in the database with `deleted_at` set)."""
        with unit_of_work(self.engine, self.user) as session:
            obj = self._get(session, record_id)
            reason = self.check_delete(session, obj)
            if reason:
                raise ValidationError({"": reason})
            obj.deleted_at = utcnow()
            self.after_delete(session, obj)
            audit.record(session, "delete", self.model.__tablename__, obj.uuid)
