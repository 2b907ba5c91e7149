"""Meetings and decisions, publicity plans and activities, inspections, case figures, titles."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, RecordMixin, SoftDeleteMixin


class Meeting(RecordMixin, SoftDeleteMixin, Base):
    """A meeting (季度例会, 联席会议, 专题会, 情况通报会) and its minutes."""

    __tablename__ = "meeting"

    # quarterly, joint, special, briefing
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    held_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    place: Mapped[str | None] = mapped_column(String(128))
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    recorder_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    agenda: Mapped[str | None] = mapped_column(Text)
    minutes: Mapped[str | None] = mapped_column(Text)

    attendance: Mapped[list[MeetingAttendance]] = relationship(back_populates="meeting")
    decisions: Mapped[list[MeetingDecision]] = relationship(
        back_populates="meeting", foreign_keys="MeetingDecision.meeting_id"
    )


class MeetingAttendance(RecordMixin, SoftDeleteMixin, Base):
    """A unit's attendance at a meeting, and who came in its place."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "unit_id"),)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    # present (出席), excused (请假), observer (列席), absent
    status: Mapped[str] = mapped_column(String(16))
    attendee_name: Mapped[str | None] = mapped_column(String(64))
    attendee_post: Mapped[str | None] = mapped_column(String(64))
    is_substitute: Mapped[bool] = mapped_column(default=False)

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")


class MeetingDecision(RecordMixin, SoftDeleteMixin, Base):
    """A decision (议定事项) with its owner unit and due date, reviewed at the next meeting."""

    __tablename__ = "meeting_decision"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    due_on: Mapped[date | None] = mapped_column(Date)
    # open, in_progress, done, dropped
    status: Mapped[str] = mapped_column(String(16))
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_in_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))

    meeting: Mapped[Meeting] = relationship(back_populates="decisions", foreign_keys=[meeting_id])


class PublicityPlanItem(RecordMixin, SoftDeleteMixin, Base):
    """A row of the year's publicity plan (宣传计划表): month, lead unit, theme."""

    __tablename__ = "publicity_plan_item"

    year: Mapped[int] = mapped_column(Integer, index=True)
    month: Mapped[int] = mapped_column(Integer)
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    theme: Mapped[str] = mapped_column(String(200))
    content: Mapped[str | None] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class PublicityActivity(RecordMixin, SoftDeleteMixin, Base):
    """A publicity event reported by a unit (text, figures; photos are attachments)."""

    __tablename__ = "publicity_activity"

    held_on: Mapped[date] = mapped_column(Date, index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    plan_item_id: Mapped[int | None] = mapped_column(ForeignKey("publicity_plan_item.id"))
    title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str | None] = mapped_column(String(128))
    # 进机关, 进社区, 进学校, 进商场, 进家庭, LED, 海报, 讲座, 微信推送, 短信 …
    form: Mapped[str] = mapped_column(String(32))
    audience: Mapped[str | None] = mapped_column(String(128))
    people_reached: Mapped[int] = mapped_column(Integer, default=0)
    materials_handed_out: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str | None] = mapped_column(Text)
    reported_on: Mapped[date | None] = mapped_column(Date)


class Inspection(RecordMixin, SoftDeleteMixin, Base):
    """An inspection (督导检查) of a village or unit, and the rectification it asked for."""

    __tablename__ = "inspection"

    inspected_on: Mapped[date] = mapped_column(Date, index=True)
    inspectors: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    # household_visit, phone_callback, on_site
    method: Mapped[str] = mapped_column(String(24))
    findings: Mapped[str | None] = mapped_column(Text)
    rectification: Mapped[str | None] = mapped_column(Text)
    rectification_due: Mapped[date | None] = mapped_column(Date)
    rectified_on: Mapped[date | None] = mapped_column(Date)


class CallbackSample(RecordMixin, SoftDeleteMixin, Base):
    """A reproducible random draw of visited households of a grid to call back."""

    __tablename__ = "callback_sample"

    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    drawn_on: Mapped[date] = mapped_column(Date)
    seed: Mapped[int] = mapped_column(Integer)
    sample_size: Mapped[int] = mapped_column(Integer)
    # the visits the households were drawn from: with the seed, the draw can be repeated
    visited_from: Mapped[date | None] = mapped_column(Date)
    visited_to: Mapped[date | None] = mapped_column(Date)


class CallbackCall(RecordMixin, SoftDeleteMixin, Base):
    """One callback (电话回访) of a sampled household and whether it confirmed the visit."""

    __tablename__ = "callback_call"

    sample_id: Mapped[int] = mapped_column(ForeignKey("callback_sample.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"))
    called_on: Mapped[date | None] = mapped_column(Date)
    # pending, confirmed, not_confirmed, unreachable
    result: Mapped[str] = mapped_column(String(16))
    notes: Mapped[str | None] = mapped_column(Text)


class CaseStat(RecordMixin, SoftDeleteMixin, Base):
    """Monthly fraud figures of a village (发案数, 案损), from the police station."""

    __tablename__ = "case_stat"
    __table_args__ = (UniqueConstraint("village_id", "year", "month"),)

    village_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    case_count: Mapped[int] = mapped_column(Integer, default=0)
    loss_fen: Mapped[int] = mapped_column(Integer, default=0)
    # typed, imported
    source: Mapped[str] = mapped_column(String(16), default="typed")


class FraudFreeTitle(RecordMixin, SoftDeleteMixin, Base):
    """A 无诈社区/单位/校园/楼宇 title: its criteria checklist, evidence and status."""

    __tablename__ = "fraud_free_title"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    # community, unit, campus, building
    title_kind: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    # JSON object: criterion -> met (bool)
    criteria: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    # applying, awarded, revoked
    status: Mapped[str] = mapped_column(String(16))
    awarded_on: Mapped[date | None] = mapped_column(Date)


class Instruction(RecordMixin, SoftDeleteMixin, Base):
    """An instruction (指令) from above, to be signed for and pushed on at once (seed 001:
    第一时间签收，第一时间推送) by every unit or village it goes to."""

    __tablename__ = "instruction"

    received_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    issuer: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str | None] = mapped_column(Text)
    # villages, units (member units that are not villages) or all
    recipients: Mapped[str] = mapped_column(String(16))
    sign_due_at: Mapped[datetime] = mapped_column(DateTime)
    push_due_at: Mapped[datetime] = mapped_column(DateTime)


class InstructionReceipt(RecordMixin, SoftDeleteMixin, Base):
    """When one unit or village signed for an instruction (签收) and pushed it on (推送)."""

    __tablename__ = "instruction_receipt"
    __table_args__ = (UniqueConstraint("instruction_id", "unit_id"),)

    instruction_id: Mapped[int] = mapped_column(ForeignKey("instruction.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    signed_at: Mapped[datetime | None] = mapped_column(DateTime)
    signed_by: Mapped[str | None] = mapped_column(String(64))
    pushed_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str | None] = mapped_column(String(200))
