"""表彰与批评: commendations and criticism of villages and units, and their rectification."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, and_, case, literal, select
from sqlalchemy.orm import Session

from app.meetings import member_unit_choices
from app.records import RecordService
from app.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.validation import FormField
from app.vocab import COMMENDATION_KINDS
from db.models import Commendation, Unit

RECTIFICATION = {"none": "无需整改", "open": "整改中", "overdue": "整改逾期", "done": "已整改"}


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
        RegisterColumn("rectification", "整改情况", 8),
    )
    default_sort = "issued_on"

    def _state(self) -> ColumnElement:
        return case(
            (Commendation.rectified_on.is_not(None), literal("done")),
            (Commendation.rectification_due.is_(None), literal("none")),
            (Commendation.rectification_due < date.today(), literal("overdue")),
            else_=literal("open"),
        )

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
                case_label(self._state(), RECTIFICATION).label("rectification"),
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
            return and_(self._state() == value)
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
        """A commendation has nothing to rectify; dates in order."""
        if values["kind"] == "praise" and values["rectification_due"]:
            return {"rectification_due": "通报表扬不需要整改期限"}
        if values["issued_on"] > date.today():
            return {"issued_on": "日期不能晚于今天"}
        due, done = values["rectification_due"], values["rectified_on"]
        if due and due < values["issued_on"]:
            return {"rectification_due": "整改期限不能早于通报日期"}
        if done and done < values["issued_on"]:
            return {"rectified_on": "整改完成日期不能早于通报日期"}
        return {}

    def title_of(self, obj: Commendation) -> str:
        """The kind and date."""
        return f"{obj.issued_on} {COMMENDATION_KINDS[obj.kind]}"
