"""Decisions (议定事项) of meetings: each with an owner unit, a due date and a follow-up
status, numbered within its meeting, and reviewed by a later meeting."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, func, or_, select

from app.core import audit
from app.core.records import RecordService
from app.core.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.core.validation import FormField, ValidationError
from app.core.vocab import DECISION_STATUSES
from app.org.units import member_unit_choices
from db.engine import unit_of_work
from db.models import Meeting, MeetingDecision, Unit


class DecisionRegister(SqlRegister):
    """Decisions (议定事项) of one meeting, or of all meetings, with their follow-up."""

    title = "议定事项"
    columns = (
        RegisterColumn("meeting", "会议", 24),
        RegisterColumn("seq", "序号", 5, numeric=True),
        RegisterColumn("text", "议定事项", 40),
        RegisterColumn("owner", "责任单位", 14),
        RegisterColumn("due_on", "完成期限", 11),
        RegisterColumn("status", "进展", 8),
        RegisterColumn("review_note", "跟进情况", 24),
    )
    default_sort = "in_order"  # meeting by meeting, then by number

    def __init__(self, engine: Engine, meeting_id: int | None = None) -> None:
        super().__init__(engine)
        self.meeting_id = meeting_id

    def select_rows(self) -> Select:
        """Decisions with their meeting and owner unit."""
        stmt = (
            select(
                MeetingDecision.id.label("id"),
                Meeting.title.label("meeting"),
                MeetingDecision.seq.label("seq"),
                MeetingDecision.text.label("text"),
                Unit.name.label("owner"),
                MeetingDecision.due_on.label("due_on"),
                case_label(MeetingDecision.status, DECISION_STATUSES).label("status"),
                MeetingDecision.review_note.label("review_note"),
                func.strftime("%Y%m%d%H%M%S", Meeting.held_at)
                .concat(func.printf("%04d", MeetingDecision.seq))
                .label("in_order"),
            )
            .join(Meeting, Meeting.id == MeetingDecision.meeting_id)
            .outerjoin(Unit, Unit.id == MeetingDecision.owner_unit_id)
            .where(MeetingDecision.deleted_at.is_(None), Meeting.deleted_at.is_(None))
        )
        if self.meeting_id is not None:
            stmt = stmt.where(MeetingDecision.meeting_id == self.meeting_id)
        return stmt

    def search_columns(self) -> Sequence[ColumnElement]:
        """Decision text, owner unit and follow-up note."""
        return (MeetingDecision.text, Unit.name, MeetingDecision.review_note)

    def filters(self) -> Sequence[RegisterFilter]:
        """进展, and 逾期 (past due and not done)."""
        return (
            RegisterFilter("status", "进展", list(DECISION_STATUSES.items())),
            RegisterFilter("decision_state", "期限", [("overdue", "已逾期未完成")]),
        )

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The WHERE clause of the status and overdue filters."""
        if key == "status":
            return MeetingDecision.status == value
        if key == "decision_state" and value == "overdue":
            return (MeetingDecision.status.in_(("open", "in_progress"))) & (
                MeetingDecision.due_on < date.today()
            )
        return None


class DecisionService(RecordService):
    """Adds, edits and deletes the decisions of one meeting; every decision has an owner."""

    model = MeetingDecision
    noun = "议定事项"

    def __init__(self, engine: Engine, meeting_id: int | None, user: str | None = None) -> None:
        super().__init__(engine, user)
        self.meeting_id = meeting_id
        self.fields = (
            FormField("text", "议定事项", kind="multiline", required=True, max_length=2000),
            FormField(
                "owner_unit_id", "责任单位", kind="choice", required=True,
                choices=lambda: member_unit_choices(engine),
            ),
            FormField("due_on", "完成期限", kind="date"),
            FormField("status", "进展", kind="choice", required=True,
                      choices=list(DECISION_STATUSES.items())),
            FormField("review_note", "跟进情况", kind="multiline", max_length=2000,
                      help="下次会议审议时填写"),
        )  # fmt: skip

    def create(self, raw: dict[str, Any]) -> int:
        """A new decision of this service's meeting, numbered after the last one."""
        if self.meeting_id is None:
            raise ValidationError({"": "请先选择一次会议"})
        with unit_of_work(self.engine, self.user) as session:
            # a new decision is 未开始 unless the clerk chose otherwise
            values = self._validated(session, {**raw, "status": raw.get("status") or "open"}, None)
            seq = (
                session.scalar(
                    select(func.max(MeetingDecision.seq)).where(
                        MeetingDecision.meeting_id == self.meeting_id,
                        MeetingDecision.deleted_at.is_(None),
                    )
                )
                or 0
            ) + 1
            obj = MeetingDecision(meeting_id=self.meeting_id, seq=seq, **values)
            session.add(obj)
            session.flush()
            audit.record(session, "create", "meeting_decision", obj.uuid)
            return obj.id

    def title_of(self, obj: MeetingDecision) -> str:
        """The decision's number."""
        return f"第{obj.seq}项"


@dataclass(frozen=True)
class ReviewItem:
    """An earlier meeting's decision as a meeting reviews it (审议以前议定事项)."""

    decision_id: int
    meeting_title: str
    seq: int
    text: str
    owner: str
    due_on: date | None
    status: str
    note: str
    reviewed_here: bool


def review_items(engine: Engine, meeting_id: int) -> list[ReviewItem]:
    """What a meeting reviews: the decisions of earlier meetings still open when it met, and
    those it has reviewed already (whatever their status now), oldest meeting first."""
    with unit_of_work(engine) as session:
        held_at = session.scalar(select(Meeting.held_at).where(Meeting.id == meeting_id))
        if held_at is None:
            return []
        rows = session.execute(
            select(
                MeetingDecision.id, Meeting.title, MeetingDecision.seq, MeetingDecision.text,
                Unit.name, MeetingDecision.due_on, MeetingDecision.status,
                MeetingDecision.review_note, MeetingDecision.reviewed_in_meeting_id,
            )
            .join(Meeting, Meeting.id == MeetingDecision.meeting_id)
            .outerjoin(Unit, Unit.id == MeetingDecision.owner_unit_id)
            .where(
                MeetingDecision.deleted_at.is_(None),
                Meeting.deleted_at.is_(None),
                Meeting.held_at < held_at,
                or_(
                    MeetingDecision.status.in_(("open", "in_progress")),
                    MeetingDecision.reviewed_in_meeting_id == meeting_id,
                ),
            )
            .order_by(Meeting.held_at, MeetingDecision.seq)
        ).all()  # fmt: skip
    return [
        ReviewItem(r[0], r[1], r[2], r[3], r[4] or "", r[5], r[6], r[7] or "", r[8] == meeting_id)
        for r in rows
    ]


def open_decisions_before(engine: Engine, meeting_id: int) -> list[tuple[int, str, str, str]]:
    """(id, meeting title, decision, owner) of the decisions still open from earlier meetings:
    what this meeting reviews."""
    return [
        (i.decision_id, i.meeting_title, i.text, i.owner)
        for i in review_items(engine, meeting_id)
        if i.status in ("open", "in_progress")
    ]


def save_reviews(
    engine: Engine, meeting_id: int, reviews: Sequence[tuple[int, str, str]],
    user: str | None = None,
) -> None:  # fmt: skip
    """Record in one transaction that `meeting_id` reviewed earlier decisions: for each
    (decision id, new status, note) the status, the note and the reviewing meeting."""
    errors = {}
    for decision_id, status, _note in reviews:
        if status not in DECISION_STATUSES:
            errors[str(decision_id)] = "请选择进展"
    if errors:
        raise ValidationError(errors)
    with unit_of_work(engine, user) as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None or meeting.deleted_at is not None:
            raise ValidationError({"": "会议不存在或已被删除"})
        for decision_id, status, note in reviews:
            decision = session.get(MeetingDecision, decision_id)
            if decision is None or decision.deleted_at is not None:
                raise ValidationError({str(decision_id): "议定事项不存在或已被删除"})
            earlier = session.scalar(
                select(Meeting.held_at).where(Meeting.id == decision.meeting_id)
            )
            if decision.meeting_id == meeting_id or earlier is None or earlier >= meeting.held_at:
                raise ValidationError({str(decision_id): "只能审议以前会议的议定事项"})
            decision.status = status
            decision.review_note = note.strip() or decision.review_note
            decision.reviewed_in_meeting_id = meeting_id
            audit.record(session, "update", "meeting_decision", decision.uuid, "review")


def review_decision(
    engine: Engine, decision_id: int, meeting_id: int, status: str, note: str,
    user: str | None = None,
) -> None:  # fmt: skip
    """Record that `meeting_id` reviewed an earlier decision: its new status and a note."""
    save_reviews(engine, meeting_id, [(decision_id, status, note)], user)
