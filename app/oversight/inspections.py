"""Inspections (督导检查) of villages and units, and the rectifications they ask for."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, and_, case, literal, select
from sqlalchemy.orm import Session

from app.core.records import RecordService
from app.core.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.core.validation import FormField
from app.core.vocab import INSPECTION_METHODS
from db.engine import unit_of_work
from db.models import Inspection, Unit

RECTIFICATION_STATES = {
    "none": "无需整改",
    "open": "整改中",
    "overdue": "整改逾期",
    "done": "已整改",
}


def unit_choices(engine: Engine) -> list[tuple[int, str]]:
    """Live units and villages as (id, name), villages first, in their list order."""
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(Unit.id, Unit.name)
            .where(Unit.deleted_at.is_(None))
            .order_by((Unit.kind != "village"), Unit.sort_order, Unit.id)
        ).all()
    return [(r.id, r.name) for r in rows]


def rectification_state(today: date) -> ColumnElement:
    """SQL for the rectification state of an inspection on `today` (a RECTIFICATION_STATES key)."""
    return case(
        (Inspection.rectified_on.is_not(None), literal("done")),
        (Inspection.rectification_due.is_(None), literal("none")),
        (Inspection.rectification_due < today, literal("overdue")),
        else_=literal("open"),
    )


class InspectionRegister(SqlRegister):
    """Every live inspection with its unit and the state of its rectification."""

    title = "督导检查"
    columns = (
        RegisterColumn("inspected_on", "检查日期", 11),
        RegisterColumn("unit", "检查对象", 16),
        RegisterColumn("method", "方式", 8),
        RegisterColumn("inspectors", "检查人员", 18),
        RegisterColumn("findings", "发现问题", 30),
        RegisterColumn("rectification_due", "整改期限", 11),
        RegisterColumn("state", "整改情况", 8),
        RegisterColumn("rectified_on", "整改完成", 11),
    )
    default_sort = "inspected_on"

    def __init__(self, engine: Engine, today: date | None = None) -> None:
        super().__init__(engine)
        self.today = today

    def _state(self) -> ColumnElement:
        return rectification_state(self.today or date.today())

    def select_rows(self) -> Select:
        """Inspections joined to the inspected unit."""
        return (
            select(
                Inspection.id.label("id"),
                Inspection.inspected_on.label("inspected_on"),
                Unit.name.label("unit"),
                case_label(Inspection.method, INSPECTION_METHODS).label("method"),
                Inspection.inspectors.label("inspectors"),
                Inspection.findings.label("findings"),
                Inspection.rectification_due.label("rectification_due"),
                case_label(self._state(), RECTIFICATION_STATES).label("state"),
                Inspection.rectified_on.label("rectified_on"),
            )
            .outerjoin(Unit, Inspection.unit_id == Unit.id)
            .where(Inspection.deleted_at.is_(None))
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """Unit, inspectors, findings and rectification text."""
        return (Unit.name, Inspection.inspectors, Inspection.findings, Inspection.rectification)

    def filters(self) -> Sequence[RegisterFilter]:
        """方式 and 整改情况."""
        return (
            RegisterFilter("method", "方式", list(INSPECTION_METHODS.items())),
            RegisterFilter("state", "整改情况", list(RECTIFICATION_STATES.items())),
        )

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The WHERE clause of the method and rectification-state filters."""
        if key == "method":
            return Inspection.method == value
        if key == "state":
            return self._state() == value
        return None


class InspectionService(RecordService):
    """Adds, edits and deletes inspections; a deadline cannot precede the inspection."""

    model = Inspection
    noun = "督导检查"

    def __init__(self, engine: Engine, user: str | None = None) -> None:
        super().__init__(engine, user)
        self.fields = (
            FormField("inspected_on", "检查日期", kind="date", required=True),
            FormField(
                "unit_id",
                "检查对象",
                kind="choice",
                required=True,
                choices=lambda: unit_choices(engine),
            ),
            FormField(
                "method",
                "检查方式",
                kind="choice",
                required=True,
                choices=list(INSPECTION_METHODS.items()),
            ),
            FormField("inspectors", "检查人员", required=True, max_length=200),
            FormField("findings", "发现问题", kind="multiline", max_length=4000),
            FormField("rectification", "整改要求", kind="multiline", max_length=4000),
            FormField("rectification_due", "整改期限", kind="date"),
            FormField("rectified_on", "整改完成日期", kind="date"),
        )

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """Dates in order; a deadline needs a rectification to meet."""
        errors = {}
        inspected = values["inspected_on"]
        due, done = values["rectification_due"], values["rectified_on"]
        if inspected > date.today():
            errors["inspected_on"] = "检查日期不能晚于今天"
        if due is not None and due < inspected:
            errors["rectification_due"] = "整改期限不能早于检查日期"
        if due is not None and not values["rectification"]:
            errors["rectification"] = "有整改期限时请填写整改要求"
        if done is not None and done < inspected:
            errors["rectified_on"] = "整改完成日期不能早于检查日期"
        if done is not None and done > date.today():
            errors["rectified_on"] = "整改完成日期不能晚于今天"
        return errors

    def title_of(self, obj: Inspection) -> str:
        """The inspection's date and method."""
        return f"{obj.inspected_on:%Y-%m-%d} {INSPECTION_METHODS.get(obj.method, obj.method)}"


def overdue_rectifications(engine: Engine, today: date | None = None) -> list[tuple[int, str]]:
    """(inspection id, unit name) of every rectification past its deadline and not done."""
    today = today or date.today()
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(Inspection.id, Unit.name)
            .outerjoin(Unit, Inspection.unit_id == Unit.id)
            .where(
                Inspection.deleted_at.is_(None),
                and_(Inspection.rectified_on.is_(None), Inspection.rectification_due < today),
            )
            .order_by(Inspection.rectification_due)
        ).all()
    return [(r.id, r.name or "") for r in rows]
