"""约谈记录: the record of an accountability interview, printed for both sides to sign.

Seed 004 asks the office to use 红黄牌、约谈、警示. A 约谈 is decided as a commendation of kind
interview (表彰与批评: the unit, the reason, the rectification deadline); its record says when
and where it was held, who talked to whom, what was said and what the unit undertook, and is
printed as the 约谈记录 with lines for both signatures.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, select
from sqlalchemy.orm import Session

from app.core.records import RecordService
from app.core.registers import RegisterColumn, SqlRegister
from app.core.settings import load_profile
from app.core.validation import FormField, ValidationError
from app.documents import Document, chinese_date, render_pdf
from db.engine import unit_of_work
from db.models import Commendation, InterviewRecord, Unit


def interview_choices(engine: Engine) -> list[tuple[int, str]]:
    """Live 约谈 decisions as (id, "2025-03-05 东山村"), newest first."""
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(Commendation.id, Commendation.issued_on, Unit.name)
            .join(Unit, Unit.id == Commendation.unit_id)
            .where(Commendation.deleted_at.is_(None), Commendation.kind == "interview")
            .order_by(Commendation.issued_on.desc(), Commendation.id.desc())
        ).all()
    return [(r.id, f"{r.issued_on} {r.name}") for r in rows]


class InterviewRegister(SqlRegister):
    """Every live interview record with its unit and reason."""

    title = "约谈记录"
    columns = (
        RegisterColumn("held_at", "约谈时间", 16),
        RegisterColumn("unit", "被约谈单位", 14),
        RegisterColumn("interviewee", "被约谈人", 8),
        RegisterColumn("interviewee_post", "职务", 12),
        RegisterColumn("interviewers", "约谈人", 16),
        RegisterColumn("reason", "约谈事由", 30),
        RegisterColumn("rectification_due", "整改期限", 11),
    )
    default_sort = "held_at"
    default_descending = True

    def select_rows(self) -> Select:
        """Records with their decision and unit."""
        return (
            select(
                InterviewRecord.id.label("id"),
                InterviewRecord.held_at.label("held_at"),
                Unit.name.label("unit"),
                InterviewRecord.interviewee.label("interviewee"),
                InterviewRecord.interviewee_post.label("interviewee_post"),
                InterviewRecord.interviewers.label("interviewers"),
                Commendation.reason.label("reason"),
                Commendation.rectification_due.label("rectification_due"),
            )
            .join(Commendation, Commendation.id == InterviewRecord.commendation_id)
            .join(Unit, Unit.id == Commendation.unit_id)
            .where(InterviewRecord.deleted_at.is_(None), Commendation.deleted_at.is_(None))
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """Unit, people, reason and content."""
        return (
            Unit.name, InterviewRecord.interviewee, InterviewRecord.interviewers,
            Commendation.reason, InterviewRecord.content,
        )  # fmt: skip


class InterviewService(RecordService):
    """Records of 约谈 decisions: one per decision, held on or after it, not in the future."""

    model = InterviewRecord
    noun = "约谈记录"

    def __init__(self, engine: Engine, user: str | None = None) -> None:
        super().__init__(engine, user)
        self.fields = (
            FormField("commendation_id", "约谈决定", kind="choice", required=True,
                      choices=lambda: interview_choices(engine),
                      help="先在“表彰与批评”中登记类别为“约谈”的一条"),
            FormField("held_at", "约谈时间", kind="datetime", required=True),
            FormField("place", "约谈地点", max_length=128, placeholder="如：镇政府三楼会议室"),
            FormField("interviewers", "约谈人", required=True, max_length=200,
                      placeholder="姓名及职务，如：王某（党委副书记）"),
            FormField("interviewee", "被约谈人", required=True, max_length=64),
            FormField("interviewee_post", "被约谈人职务", max_length=128),
            FormField("recorder", "记录人", max_length=64),
            FormField("content", "约谈内容", kind="multiline", required=True, max_length=8000),
            FormField("undertakings", "表态及整改承诺", kind="multiline", max_length=4000),
        )  # fmt: skip

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """The decision is a live 约谈 without another record; held on or after it, not later
        than now."""
        decision = session.get(Commendation, values["commendation_id"])
        if decision is None or decision.deleted_at is not None or decision.kind != "interview":
            return {"commendation_id": "请选择一条类别为“约谈”的表彰与批评记录"}
        other = session.scalar(
            select(InterviewRecord.id).where(
                InterviewRecord.commendation_id == decision.id,
                InterviewRecord.deleted_at.is_(None),
                InterviewRecord.id != (record_id or 0),
            )
        )
        if other:
            return {"commendation_id": "这次约谈已有记录，请修改原来那一条"}
        for dead in session.scalars(
            select(InterviewRecord).where(
                InterviewRecord.commendation_id == decision.id,
                InterviewRecord.deleted_at.is_not(None),
            )
        ):  # one row per decision: a deleted one makes room for good
            session.delete(dead)
        session.flush()
        held = values["held_at"]
        if held > datetime.now():
            return {"held_at": "约谈时间不能晚于现在"}
        if held.date() < decision.issued_on:
            return {"held_at": f"约谈时间不能早于约谈决定日期（{decision.issued_on}）"}
        return {}

    def title_of(self, obj: InterviewRecord) -> str:
        """When it was held."""
        return f"{obj.held_at:%Y-%m-%d %H:%M}的约谈记录"


def interview_document(engine: Engine, record_id: int) -> Document:
    """The 约谈记录 of one interview: its particulars, what was said, what was undertaken, the
    rectification deadline and lines for both signatures."""
    with unit_of_work(engine) as session:
        record = session.get(InterviewRecord, record_id)
        if record is None or record.deleted_at is not None:
            raise ValidationError({"": "约谈记录不存在或已被删除"})
        decision = session.get_one(Commendation, record.commendation_id)
        unit = session.get_one(Unit, decision.unit_id).name
    issuer = load_profile(engine).get("issuing_office") or ""
    doc = Document(style="official", where="约谈记录")
    doc.title("约谈记录")
    held = record.held_at
    if issuer:
        doc.labelled("约谈单位：", issuer)
    doc.labelled("约谈时间：", f"{chinese_date(held.date())}{held:%H:%M}")
    doc.labelled("约谈地点：", record.place or "")
    doc.labelled("约谈人：", record.interviewers)
    doc.labelled("被约谈单位：", unit)
    post = f"（{record.interviewee_post}）" if record.interviewee_post else ""
    doc.labelled("被约谈人：", f"{record.interviewee}{post}")
    doc.labelled("记录人：", record.recorder or "")
    doc.labelled("约谈事由：", decision.reason)
    doc.heading("一、约谈内容")
    doc.paragraph(record.content)
    doc.heading("二、表态及整改承诺")
    doc.paragraph(record.undertakings or "（无）")
    if decision.rectification_due:
        doc.paragraph(f"整改期限：{chinese_date(decision.rectification_due)}前报送整改情况。")
    doc.spacer(1)
    doc.paragraph("被约谈人（签字）：　　　　　　　　约谈人（签字）：", indent=False)
    doc.paragraph("记录人（签字）：", indent=False)
    return doc


def print_interview(engine: Engine, record_id: int, path: Path | str) -> int:
    """Write one 约谈记录 to a PDF; returns the number of pages."""
    return render_pdf(interview_document(engine, record_id), path)
