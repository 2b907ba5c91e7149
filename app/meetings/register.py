"""Meetings (工作例会): the register, attendance of member units, and decisions (议定事项).

Seed 004: the sub-centre and its member units meet every quarter. A meeting records who came
(出席/请假/列席, and who came in a unit's place) and what was decided; each decision has an
owner unit and a due date, and the next meeting reviews the ones still open.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, func, select
from sqlalchemy.orm import Session, aliased

from app.core import audit
from app.core.periods import quarter_of
from app.core.records import RecordService
from app.core.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.core.validation import FormField, ValidationError
from app.core.vocab import ATTENDANCE_STATUSES, MEETING_KINDS
from app.org.people import person_choices
from db.base import utcnow
from db.engine import unit_of_work
from db.models import Meeting, MeetingAttendance, MeetingDecision, Person, Unit


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(start, time.min), datetime.combine(end, time.max)


def quarterly_meeting_in_quarter(
    engine: Engine, held_at: datetime, exclude_id: int | None = None
) -> str | None:
    """The title of another 季度例会 in the quarter of `held_at`, or None."""
    low, high = _day_bounds(*quarter_of(held_at.date()))
    with unit_of_work(engine) as session:
        return session.scalar(
            select(Meeting.title).where(
                Meeting.kind == "quarterly",
                Meeting.deleted_at.is_(None),
                Meeting.held_at.between(low, high),
                Meeting.id != (exclude_id or 0),
            )
        )


class MeetingRegister(SqlRegister):
    """Every meeting with its chair and how many units attended and decisions were made."""

    title = "工作例会"
    columns = (
        RegisterColumn("held_at", "时间", 16),
        RegisterColumn("kind", "类别", 10),
        RegisterColumn("title", "会议名称", 30),
        RegisterColumn("place", "地点", 16),
        RegisterColumn("chair", "主持人", 8),
        RegisterColumn("present", "出席单位", 8, numeric=True),
        RegisterColumn("decisions", "议定事项", 8, numeric=True),
    )
    default_sort = "held_at"

    def select_rows(self) -> Select:
        """Meetings with their chair's name and their attendance and decision counts."""
        chair = aliased(Person)
        present = (
            select(func.count())
            .where(
                MeetingAttendance.meeting_id == Meeting.id,
                MeetingAttendance.status == "present",
                MeetingAttendance.deleted_at.is_(None),
            )
            .scalar_subquery()
        )
        decisions = (
            select(func.count())
            .where(MeetingDecision.meeting_id == Meeting.id, MeetingDecision.deleted_at.is_(None))
            .scalar_subquery()
        )
        return (
            select(
                Meeting.id.label("id"),
                Meeting.held_at.label("held_at"),
                case_label(Meeting.kind, MEETING_KINDS).label("kind"),
                Meeting.title.label("title"),
                Meeting.place.label("place"),
                chair.name.label("chair"),
                present.label("present"),
                decisions.label("decisions"),
            )
            .outerjoin(chair, chair.id == Meeting.chair_id)
            .where(Meeting.deleted_at.is_(None))
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """Title, place, agenda and minutes."""
        return (Meeting.title, Meeting.place, Meeting.agenda, Meeting.minutes)

    def filters(self) -> Sequence[RegisterFilter]:
        """类别 and 年份."""
        with self.engine.connect() as conn:
            years = conn.scalars(
                select(func.strftime("%Y", Meeting.held_at))
                .where(Meeting.deleted_at.is_(None))
                .distinct()
                .order_by(func.strftime("%Y", Meeting.held_at).desc())
            ).all()
        return (
            RegisterFilter("kind", "类别", list(MEETING_KINDS.items())),
            RegisterFilter("year", "年份", [(y, f"{y}年") for y in years if y]),
        )

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The WHERE clause of the kind and year filters."""
        if key == "kind":
            return Meeting.kind == value
        if key == "year":
            return func.strftime("%Y", Meeting.held_at) == value
        return None


class MeetingService(RecordService):
    """Adds, edits and deletes meetings; deleting one also retires its attendance and decisions."""

    model = Meeting
    noun = "会议"

    def __init__(self, engine: Engine, user: str | None = None) -> None:
        super().__init__(engine, user)
        people = lambda: person_choices(engine)  # noqa: E731 - looked up when a form opens
        self.fields = (
            FormField("kind", "类别", kind="choice", required=True,
                      choices=list(MEETING_KINDS.items())),
            FormField("title", "会议名称", required=True, max_length=200,
                      placeholder="如：清溪镇反电信网络诈骗工作领导小组2024年第三季度工作会议"),
            FormField("held_at", "时间", kind="datetime", required=True),
            FormField("place", "地点", max_length=128),
            FormField("chair_id", "主持人", kind="choice", choices=people),
            FormField("recorder_id", "记录人", kind="choice", choices=people),
            FormField("agenda", "议题", kind="multiline", max_length=4000,
                      help="每行一个议题，会议纪要按行编排"),
            FormField("minutes", "会议内容", kind="multiline", max_length=20000,
                      help="会议听取、研究的内容；每段一行，会议纪要按段编排"),
        )  # fmt: skip

    def question(self, raw: dict[str, Any], record_id: int | None) -> str | None:
        """A second 季度例会 in one quarter is allowed, but asked first."""
        held_at = raw.get("held_at")
        if raw.get("kind") != "quarterly" or not isinstance(held_at, datetime):
            return None
        other = quarterly_meeting_in_quarter(self.engine, held_at, record_id)
        if other:
            return f"本季度已经召开过季度例会（{other}）。仍要保存这次季度例会吗？"
        return None

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """A meeting is not planned years ahead."""
        if values["held_at"].year > date.today().year + 1:
            return {"held_at": "会议时间不正确"}
        return {}

    def check_delete(self, session: Session, obj: Meeting) -> str | None:
        """A meeting whose decisions were reviewed by a later meeting keeps its record."""
        reviewed = session.scalar(
            select(func.count()).where(
                MeetingDecision.reviewed_in_meeting_id == obj.id,
                MeetingDecision.deleted_at.is_(None),
            )
        )
        if reviewed:
            return f"“{obj.title}”审议了{reviewed}项以前的议定事项，不能删除。"
        return None

    def after_delete(self, session: Session, obj: Meeting) -> None:
        """The meeting's attendance and decisions go with it."""
        now = utcnow()
        for model in (MeetingAttendance, MeetingDecision):
            for row in session.scalars(
                select(model).where(model.meeting_id == obj.id, model.deleted_at.is_(None))
            ):
                row.deleted_at = now

    def title_of(self, obj: Meeting) -> str:
        """The meeting's title."""
        return obj.title


@dataclass(frozen=True)
class AttendanceRow:
    """A member unit's line in a meeting's attendance."""

    unit_id: int
    unit_name: str
    status: str | None
    attendee_name: str
    attendee_post: str
    is_substitute: bool


def attendance(engine: Engine, meeting_id: int) -> list[AttendanceRow]:
    """Every member unit with its attendance at the meeting (status None: not recorded)."""
    with unit_of_work(engine) as session:
        recorded = {
            a.unit_id: a
            for a in session.scalars(
                select(MeetingAttendance).where(
                    MeetingAttendance.meeting_id == meeting_id,
                    MeetingAttendance.deleted_at.is_(None),
                )
            )
        }
        units = session.execute(
            select(Unit.id, Unit.name)
            .where(Unit.deleted_at.is_(None), Unit.is_member.is_(True))
            .order_by(Unit.sort_order, Unit.id)
        ).all()
    rows = []
    for unit_id, name in units:
        a = recorded.get(unit_id)
        rows.append(
            AttendanceRow(
                unit_id, name, a.status if a else None, (a.attendee_name or "") if a else "",
                (a.attendee_post or "") if a else "", bool(a and a.is_substitute),
            )
        )  # fmt: skip
    return rows


def save_attendance(
    engine: Engine, meeting_id: int, rows: Sequence[AttendanceRow], user: str | None = None
) -> None:
    """Store the attendance of a meeting in one transaction (a status of None removes a line).

    Only member units may attend, each once; a substitute needs a name.
    """
    errors = {}
    seen: set[int] = set()
    for row in rows:
        if row.unit_id in seen:
            errors[str(row.unit_id)] = f"“{row.unit_name}”重复登记"
        seen.add(row.unit_id)
        if row.status is not None and row.status not in ATTENDANCE_STATUSES:
            errors[str(row.unit_id)] = f"“{row.unit_name}”的出席情况不正确"
        if row.is_substitute and not row.attendee_name.strip():
            errors[str(row.unit_id)] = f"“{row.unit_name}”是代为参会，请填写参会人姓名"
    with unit_of_work(engine, user) as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None or meeting.deleted_at is not None:
            raise ValidationError({"": "会议不存在或已被删除"})
        members = set(
            session.scalars(
                select(Unit.id).where(
                    Unit.id.in_(seen), Unit.deleted_at.is_(None), Unit.is_member.is_(True)
                )
            )
        )
        for row in rows:
            if row.status is not None and row.unit_id not in members:
                errors[str(row.unit_id)] = f"“{row.unit_name}”不是成员单位，不能登记出席"
        if errors:
            raise ValidationError(errors)
        existing = {
            a.unit_id: a
            for a in session.scalars(
                select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting_id)
            )
        }
        for row in rows:
            line = existing.get(row.unit_id)
            if row.status is None:
                if line is not None and line.deleted_at is None:
                    line.deleted_at = utcnow()
                continue
            values = {
                "status": row.status,
                "attendee_name": row.attendee_name.strip() or None,
                "attendee_post": row.attendee_post.strip() or None,
                "is_substitute": row.is_substitute,
                "deleted_at": None,
            }
            if line is None:
                session.add(MeetingAttendance(meeting_id=meeting_id, unit_id=row.unit_id, **values))
            else:
                for key, value in values.items():
                    setattr(line, key, value)
        audit.record(session, "update", "meeting", meeting.uuid, "attendance")
