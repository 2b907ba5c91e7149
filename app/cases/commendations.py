"""表彰与批评: commendations and criticism of villages and units, and their rectification.

A criticism, card or interview may set a rectification deadline; whether it was met is
按期整改 (rectified by the deadline), 逾期整改 (rectified after it), 整改逾期 (past it and not
rectified) or 整改中. `rectification_record` gives each unit's count for the annual assessment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, case, func, literal, select
from sqlalchemy.orm import Session

from app.core.records import RecordService
from app.core.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.core.validation import FormField
from app.core.vocab import COMMENDATION_KINDS
from app.org.units import member_unit_choices
from db.models import Commendation, Unit

RECTIFICATION = {
    "none": "无需整改",
    "open": "整改中",
    "overdue": "整改逾期",
    "on_time": "按期整改",
    "late": "逾期整改",
}


def rectification_state(today: date | None = None) -> ColumnElement:
    """SQL for the state of a commendation's rectification (a key of `RECTIFICATION`)."""
    today = today or date.today()
    return case(
        (Commendation.rectification_due.is_(None), literal("none")),
        (Commendation.rectified_on.is_(None) & (Commendation.rectification_due < today),
         literal("overdue")),
        (Commendation.rectified_on.is_(None), literal("open")),
        (Commendation.rectified_on <= Commendation.rectification_due, literal("on_time")),
        else_=literal("late"),
    )  # fmt: skip


@dataclass(frozen=True)
class RectificationRecord:
    """A unit's rectifications due in a period: met, late, overdue, still open."""

    unit_id: int
    on_time: int
    late: int
    overdue: int
    open: int

    @property
    def met_share(self) -> float | None:
        """Rectifications met by their deadline ÷ those whose deadline has come."""
        due = self.on_time + self.late + self.overdue
        return self.on_time / due if due else None


def rectification_record(engine: Engine, start: date, end: date) -> dict[int, RectificationRecord]:
    """Per unit, the rectifications whose deadline falls in the period, by state (for the
    annual assessment: a deadline met, missed, or missed and still not rectified)."""
    state = rectification_state(min(end, date.today()))
    with engine.connect() as conn:
        rows = conn.execute(
            select(Commendation.unit_id, state, func.count())
            .where(
                Commendation.deleted_at.is_(None),
                Commendation.rectification_due.between(start, end),
            )
            .group_by(Commendation.unit_id, state)
        ).all()
    counts: dict[int, dict[str, int]] = {}
    for unit_id, key, count in rows:
        counts.setdefault(unit_id, {})[key] = count
    return {
        unit_id: RectificationRecord(
            unit_id, c.get("on_time", 0), c.get("late", 0), c.get("overdue", 0), c.get("open", 0)
        )
        for unit_id, c in counts.items()
    }


class CommendationRegister(SqlRegister):
    """Every commendation and criticism with the state of its rectification."""

    title = "表彰与批评"
    columns = (
        RegisterColumn("issued_on", "日期", 11),
        RegisterColumn("unit", "村居/单位", 16),
        RegisterColumn("kind", "类别", 8),
        RegisterColumn("reason", "事由", 36),
        RegisterColumn("document_number", "文号", 14),
        RegisterColumn("rectification_due", "整改期限", 11),
        RegisterColumn("rectified_on", "整改完成", 11),
        RegisterColumn("rectification", "整改情况", 8),
    )
    default_sort = "issued_on"

    def select_rows(self) -> Select:
        """Commendations joined to their unit."""
        return (
            select(
                Commendation.id.label("id"),
                Commendation.issued_on.label("issued_on"),
                Unit.name.label("unit"),
                case_label(Commendation.kind, COMMENDATION_KINDS).label("kind"),
                Commendation.reason.label("reason"),
                Commendation.document_number.label("document_number"),
                Commendation.rectification_due.label("rectification_due"),
                Commendation.rectified_on.label("rectified_on"),
                case_label(rectification_state(), RECTIFICATION).label("rectification"),
            )
            .join(Unit, Unit.id == Commendation.unit_id)
            .where(Commendation.deleted_at.is_(None))
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """Unit, reason and document number."""
        return (Unit.name, Commendation.reason, Commendation.document_number)

    def filters(self) -> Sequence[RegisterFilter]:
        """类别 and 整改情况."""
        return (
            RegisterFilter("kind", "类别", list(COMMENDATION_KINDS.items())),
            RegisterFilter("rectification", "整改情况", list(RECTIFICATION.items())),
        )

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The kind and rectification filters."""
        if key == "kind":
            return Commendation.kind == value
        if key == "rectification":
            return rectification_state() == value
        return None


class CommendationService(RecordService):
    """Adds, edits and deletes commendations and criticism."""

    model = Commendation
    noun = "表彰或批评"

    def __init__(self, engine: Engine, user: str | None = None) -> None:
        super().__init__(engine, user)
        self.fields = (
            FormField("unit_id", "村居/单位", kind="choice", required=True,
                      choices=lambda: member_unit_choices(engine)),
            FormField("kind", "类别", kind="choice", required=True,
                      choices=list(COMMENDATION_KINDS.items())),
            FormField("reason", "事由", kind="multiline", required=True, max_length=2000),
            FormField("issued_on", "日期", kind="date", required=True),
            FormField("document_number", "文号", max_length=64,
                      placeholder="如：清反诈〔2024〕5号"),
            FormField("rectification_due", "整改期限", kind="date"),
            FormField("rectified_on", "整改完成日期", kind="date"),
        )  # fmt: skip

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """A commendation has nothing to rectify; dates in order, none in the future."""
        due, done = values["rectification_due"], values["rectified_on"]
        if values["kind"] == "praise" and (due or done):
            key = "rectification_due" if due else "rectified_on"
            return {key: "通报表扬不需要整改"}
        if values["issued_on"] > date.today():
            return {"issued_on": "日期不能晚于今天"}
        if due and due < values["issued_on"]:
            return {"rectification_due": "整改期限不能早于通报日期"}
        if done and not due:
            return {"rectification_due": "填写了整改完成日期，请同时填写整改期限"}
        if done and done < values["issued_on"]:
            return {"rectified_on": "整改完成日期不能早于通报日期"}
        if done and done > date.today():
            return {"rectified_on": "整改完成日期不能晚于今天"}
        return {}

    def title_of(self, obj: Commendation) -> str:
        """The kind and date."""
        return f"{obj.issued_on} {COMMENDATION_KINDS[obj.kind]}"
