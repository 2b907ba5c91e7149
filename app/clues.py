"""举报线索 and their confidential reporters (seed 002: 举报人信息严格保密).

The reporter's name, ID number and phone live only in `confidential_reporter`. The clue
register never joins that table, so no list, export or PDF can show them; the clue's own
protected view reads them through `reveal_reporter`, which writes a `reveal` audit entry
(without the data) each time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, select
from sqlalchemy.orm import Session

from app import audit
from app.cases import fraud_type_choices, village_choices
from app.records import RecordService
from app.registers import RegisterColumn, RegisterFilter, SqlRegister
from app.validation import FormField, ValidationError, clean_values
from db.engine import unit_of_work
from db.models import ConfidentialReporter, FraudType, ReportClue, Unit

REPORTER_FIELDS = (
    FormField("name", "举报人姓名", required=True, max_length=64),
    FormField("id_number", "举报人身份证号码", kind="id_number"),
    FormField("phone", "举报人电话", kind="phone"),
)


class ClueRegister(SqlRegister):
    """Every live clue: date, summary, village, fraud type, verification. No reporter."""

    title = "举报线索"
    columns = (
        RegisterColumn("received_on", "收到日期", 11),
        RegisterColumn("summary", "线索内容", 40),
        RegisterColumn("village", "村居", 10),
        RegisterColumn("fraud_type", "诈骗类型", 14),
        RegisterColumn("verified", "已核实", 6),
        RegisterColumn("verified_on", "核实日期", 11),
    )
    default_sort = "received_on"

    def select_rows(self) -> Select:
        """Clues with village and fraud type; the reporter's table is deliberately absent."""
        return (
            select(
                ReportClue.id.label("id"),
                ReportClue.received_on.label("received_on"),
                ReportClue.summary.label("summary"),
                Unit.name.label("village"),
                FraudType.name.label("fraud_type"),
                ReportClue.verified.label("verified"),
                ReportClue.verified_on.label("verified_on"),
            )
            .outerjoin(Unit, Unit.id == ReportClue.village_id)
            .outerjoin(FraudType, FraudType.id == ReportClue.fraud_type_id)
            .where(ReportClue.deleted_at.is_(None))
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """Summary and notes."""
        return (ReportClue.summary, ReportClue.notes)

    def filters(self) -> Sequence[RegisterFilter]:
        """核实情况."""
        return (RegisterFilter("verified", "核实情况", [(True, "已核实"), (False, "未核实")]),)

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """Verified or not."""
        return ReportClue.verified.is_(bool(value)) if key == "verified" else None


class ClueService(RecordService):
    """Adds, edits and deletes clues (the reporter is set through `set_reporter`)."""

    model = ReportClue
    noun = "举报线索"

    def __init__(self, engine: Engine, user: str | None = None) -> None:
        super().__init__(engine, user)
        self.fields = (
            FormField("received_on", "收到日期", kind="date", required=True),
            FormField("summary", "线索内容", kind="multiline", required=True, max_length=4000),
            FormField("village_id", "村居", kind="choice", choices=lambda: village_choices(engine)),
            FormField("fraud_type_id", "诈骗类型", kind="choice",
                      choices=lambda: fraud_type_choices(engine)),
            FormField("verified", "已核实", kind="bool"),
            FormField("verified_on", "核实日期", kind="date"),
            FormField("notes", "备注", kind="multiline", max_length=2000),
        )  # fmt: skip

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """Dates in order; a verified clue has its date."""
        if values["received_on"] > date.today():
            return {"received_on": "收到日期不能晚于今天"}
        if values["verified"] and values["verified_on"] is None:
            return {"verified_on": "已核实的线索请填写核实日期"}
        if values["verified_on"] and values["verified_on"] < values["received_on"]:
            return {"verified_on": "核实日期不能早于收到日期"}
        return {}

    def title_of(self, obj: ReportClue) -> str:
        """The clue's number and date (never the reporter)."""
        return f"第{obj.id}号线索（{obj.received_on}）"


@dataclass(frozen=True)
class Reporter:
    """A reporter, as the protected view shows it."""

    name: str
    id_number: str | None
    phone: str | None


def set_reporter(
    engine: Engine, clue_id: int, raw: dict[str, Any], user: str | None = None
) -> None:
    """Store or replace the reporter of a clue (audited without the values)."""
    values = clean_values(REPORTER_FIELDS, raw)
    with unit_of_work(engine, user) as session:
        clue = session.get(ReportClue, clue_id)
        if clue is None or clue.deleted_at is not None:
            raise ValidationError({"": "线索不存在或已被删除"})
        row = session.scalar(
            select(ConfidentialReporter).where(ConfidentialReporter.clue_id == clue_id)
        )
        if row is None:
            row = ConfidentialReporter(clue_id=clue_id, **values)
            session.add(row)
        else:
            for key, value in values.items():
                setattr(row, key, value)
            row.deleted_at = None
        audit.record(session, "update", "report_clue", clue.uuid, "reporter")


def reveal_reporter(engine: Engine, clue_id: int, user: str | None) -> Reporter | None:
    """The reporter of a clue, for its protected view only; every look is audited."""
    with unit_of_work(engine, user) as session:
        clue = session.get(ReportClue, clue_id)
        if clue is None or clue.deleted_at is not None:
            raise ValidationError({"": "线索不存在或已被删除"})
        row = session.scalar(
            select(ConfidentialReporter).where(
                ConfidentialReporter.clue_id == clue_id, ConfidentialReporter.deleted_at.is_(None)
            )
        )
        audit.record(session, "reveal", "report_clue", clue.uuid, "reporter")
        return None if row is None else Reporter(row.name, row.id_number, row.phone)
