"""举报线索 and their confidential reporters (seed 002: 举报人信息严格保密).

The reporter's name, ID number and phone live only in `confidential_reporter`. No register
reads that table's columns (the clue register only asks whether a row exists), so no list,
export or PDF can show them; the clue's own protected view reads them through
`reveal_reporter`, which writes a `reveal` audit entry (without the data) each time. Texts
that do get listed (a clue's summary and notes, a report award's reason) are refused if they
name the reporter. Until the users issue lands, every user may open the protected view.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, case, literal, select
from sqlalchemy.orm import Session

from app.cases.dissuasion import fraud_type_choices, village_choices
from app.core import audit
from app.core.records import RecordService
from app.core.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.core.validation import FormField, ValidationError, clean_values
from app.core.vocab import AWARD_STATUSES
from db.engine import unit_of_work
from db.models import Award, ConfidentialReporter, FraudType, ReportClue, Unit

log = logging.getLogger(__name__)

REPORTER_FIELDS = (
    FormField("name", "举报人姓名", required=True, max_length=64),
    FormField("id_number", "举报人身份证号码", kind="id_number"),
    FormField("phone", "举报人电话", kind="phone"),
)


class ClueRegister(SqlRegister):
    """Every live clue: date, summary, village, fraud type, verification. No reporter."""

    title = "举报线索"
    columns = (
        RegisterColumn("number", "编号", 6, numeric=True),
        RegisterColumn("received_on", "收到日期", 11),
        RegisterColumn("summary", "线索内容", 40),
        RegisterColumn("village", "村居", 10),
        RegisterColumn("fraud_type", "诈骗类型", 14),
        RegisterColumn("verified", "已核实", 6),
        RegisterColumn("verified_on", "核实日期", 11),
        RegisterColumn("reporter", "举报人", 13),
        RegisterColumn("award", "举报奖励", 8),
    )
    default_sort = "received_on"

    def select_rows(self) -> Select:
        """Clues with village and fraud type; of the reporter only whether one is registered."""
        registered = (
            select(ConfidentialReporter.id)
            .where(
                ConfidentialReporter.clue_id == ReportClue.id,
                ConfidentialReporter.deleted_at.is_(None),
            )
            .exists()
        )
        award = (
            select(Award.status)
            .where(Award.clue_id == ReportClue.id, Award.kind == "report",
                   Award.deleted_at.is_(None))
            .limit(1)
            .scalar_subquery()
        )  # fmt: skip
        return (
            select(
                ReportClue.id.label("id"),
                ReportClue.id.label("number"),
                ReportClue.received_on.label("received_on"),
                ReportClue.summary.label("summary"),
                Unit.name.label("village"),
                FraudType.name.label("fraud_type"),
                ReportClue.verified.label("verified"),
                ReportClue.verified_on.label("verified_on"),
                case((registered, literal("已登记（保密）")), else_=literal("匿名")).label(
                    "reporter"
                ),
                case_label(award, AWARD_STATUSES).label("award"),
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


def clue_choices(engine: Engine) -> list[tuple[int, str]]:
    """Live clues as (id, "第3号 2024-05-01 有人收购银行卡…"), newest first, for the award form."""
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(ReportClue.id, ReportClue.received_on, ReportClue.summary, ReportClue.verified)
            .where(ReportClue.deleted_at.is_(None))
            .order_by(ReportClue.received_on.desc(), ReportClue.id.desc())
        ).all()
    return [(r[0], f"第{r[0]}号 {r[1]} {r[2][:20]}" + ("" if r[3] else "（未核实）")) for r in rows]


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
        """Dates in order; a verified clue has its date; the texts do not name the reporter."""
        if record_id is not None:
            for key in ("summary", "notes"):
                if reporter_named_in(session, record_id, values[key]):
                    return {key: NAMED_MESSAGE}
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


NAMED_MESSAGE = "不要在线索中写举报人的姓名、身份证号码或电话（举报人身份保密）"


def _names(text: str | None, *secrets: str | None) -> bool:
    """Whether `text` contains any of the secrets (names of one character are too common)."""
    return bool(text) and any(s and len(s) >= 2 and s in text for s in secrets)


def reporter_named_in(session: Session, clue_id: int | None, text: str | None) -> bool:
    """Whether `text` names the reporter of the clue (name, ID number or phone)."""
    if clue_id is None or not text:
        return False
    row = session.execute(
        select(ConfidentialReporter.name, ConfidentialReporter.id_number,
               ConfidentialReporter.phone)
        .where(ConfidentialReporter.clue_id == clue_id, ConfidentialReporter.deleted_at.is_(None))
    ).first()  # fmt: skip
    return row is not None and _names(text, *row)


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
        secrets = (values["name"], values["id_number"], values["phone"])
        if any(_names(text, *secrets) for text in (clue.summary, clue.notes)):
            raise ValidationError({"name": "线索内容或备注里写有举报人的信息，请先从线索中删去"})
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
    log.info("reporter of clue %s stored by %s", clue_id, user or "-")


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
        log.info("reporter of clue %s revealed to %s", clue_id, user or "-")
        return None if row is None else Reporter(row.name, row.id_number, row.phone)
