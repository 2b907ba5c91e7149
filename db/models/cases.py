"""Fraud types, dissuasion cases, clues, awards, commendations and criticism."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, RecordMixin, SoftDeleteMixin


class FraudType(RecordMixin, SoftDeleteMixin, Base):
    """A fraud type; 公安部's ten common types are the default rows, and the list is editable."""

    __tablename__ = "fraud_type"

    name: Mapped[str] = mapped_column(String(64), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class DissuasionCase(RecordMixin, SoftDeleteMixin, Base):
    """An intervention that stopped, or failed to stop, a resident paying a fraudster.

    Money is held in fen (分) as integers: exact, and portable to any database.
    """

    __tablename__ = "dissuasion_case"

    occurred_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    # alert_96110, fund_side, bank_counter, public_help, visit, upstream, other
    alert_source: Mapped[str] = mapped_column(String(16))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)
    person_name: Mapped[str] = mapped_column(String(64))
    person_gender: Mapped[str | None] = mapped_column(String(8))
    person_age: Mapped[int | None] = mapped_column(Integer)
    person_id_number: Mapped[str | None] = mapped_column(String(18))
    person_phone: Mapped[str | None] = mapped_column(String(20))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    fraud_type_id: Mapped[int] = mapped_column(ForeignKey("fraud_type.id"), index=True)
    contact_channel: Mapped[str | None] = mapped_column(String(64))
    amount_at_risk_fen: Mapped[int] = mapped_column(Integer, default=0)
    amount_saved_fen: Mapped[int] = mapped_column(Integer, default=0)
    amount_lost_fen: Mapped[int] = mapped_column(Integer, default=0)
    # Whether the person had been warned (预警), the denominator of 预警后再转账率.
    was_warned: Mapped[bool] = mapped_column(Boolean, default=False)
    # success (成功劝阻), partial (部分止损), failed (劝阻无效), transferred_after_warning
    outcome: Mapped[str] = mapped_column(String(32), index=True)
    narrative: Mapped[str | None] = mapped_column(Text)
    is_typical: Mapped[bool] = mapped_column(Boolean, default=False)
    reported_upward_on: Mapped[date | None] = mapped_column(Date)


class CaseDissuader(RecordMixin, SoftDeleteMixin, Base):
    """A person who took part in a dissuasion; each may be proposed for an award."""

    __tablename__ = "case_dissuader"

    case_id: Mapped[int] = mapped_column(ForeignKey("dissuasion_case.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    role: Mapped[str | None] = mapped_column(String(64))


class ReportClue(RecordMixin, SoftDeleteMixin, Base):
    """A clue reported by the public; the reporter is kept apart in `ConfidentialReporter`."""

    __tablename__ = "report_clue"

    received_on: Mapped[date] = mapped_column(Date, index=True)
    summary: Mapped[str] = mapped_column(Text)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    fraud_type_id: Mapped[int | None] = mapped_column(ForeignKey("fraud_type.id"))
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    verified_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)


class ConfidentialReporter(RecordMixin, SoftDeleteMixin, Base):
    """The identity of a clue's reporter (举报人): never joined into lists, exports or PDFs."""

    __tablename__ = "confidential_reporter"

    clue_id: Mapped[int] = mapped_column(ForeignKey("report_clue.id"), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str | None] = mapped_column(String(18))
    phone: Mapped[str | None] = mapped_column(String(20))


class Award(RecordMixin, SoftDeleteMixin, Base):
    """An award (一事一奖, 一案一奖, 举报奖励, 年度表彰) to a person or a unit."""

    __tablename__ = "award"

    # per_deed, per_case, report, annual, other
    kind: Mapped[str] = mapped_column(String(16), index=True)
    recipient_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    recipient_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("dissuasion_case.id"), index=True)
    clue_id: Mapped[int | None] = mapped_column(ForeignKey("report_clue.id"))
    amount_fen: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str | None] = mapped_column(Text)
    # proposed (拟奖励), approved (已审批), paid (已发放)
    status: Mapped[str] = mapped_column(String(16), index=True)
    proposed_on: Mapped[date] = mapped_column(Date, index=True)
    approved_on: Mapped[date | None] = mapped_column(Date)
    approved_by: Mapped[str | None] = mapped_column(String(64))
    paid_on: Mapped[date | None] = mapped_column(Date)
    paid_by: Mapped[str | None] = mapped_column(String(64))


class Commendation(RecordMixin, SoftDeleteMixin, Base):
    """A commendation or criticism of a village or unit (通报表扬, 通报批评, 黄牌, 红牌, 约谈)."""

    __tablename__ = "commendation"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    # praise, criticism, yellow_card, red_card, interview
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    issued_on: Mapped[date] = mapped_column(Date, index=True)
    document_number: Mapped[str | None] = mapped_column(String(64))
    rectification_due: Mapped[date | None] = mapped_column(Date)
    rectified_on: Mapped[date | None] = mapped_column(Date)


class FraudIncident(RecordMixin, SoftDeleteMixin, Base):
    """A fraud case that happened (发案), reviewed one by one (逐案倒查, seed 000).

    The victim is personal data: the name is shown masked in every list and export. The
    review says how the fraud reached the victim and which unit or grid failed to warn them;
    the victim's follow-up (受害人教育引导) and legal aid (法律援助) are kept with it (seed 004).
    """

    __tablename__ = "fraud_incident"

    occurred_on: Mapped[date] = mapped_column(Date, index=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    victim_name: Mapped[str] = mapped_column(String(64))
    victim_age: Mapped[int | None] = mapped_column(Integer)
    fraud_type_id: Mapped[int | None] = mapped_column(ForeignKey("fraud_type.id"))
    loss_fen: Mapped[int] = mapped_column(Integer, default=0)
    # how the fraud reached the victim: 微信、QQ、电话、短信链接…
    contact_channel: Mapped[str | None] = mapped_column(String(64))
    police_case_number: Mapped[str | None] = mapped_column(String(64))
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    review_findings: Mapped[str | None] = mapped_column(Text)
    # the member unit or village whose warning failed, and the grid or household it concerns
    accountable_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    accountable_note: Mapped[str | None] = mapped_column(String(200))
    followed_up_on: Mapped[date | None] = mapped_column(Date)
    follow_up: Mapped[str | None] = mapped_column(Text)
    legal_aid_on: Mapped[date | None] = mapped_column(Date)
    legal_aid: Mapped[str | None] = mapped_column(Text)


class ClueHandover(RecordMixin, SoftDeleteMixin, Base):
    """A clue handed over to the police (线索移交, seed 004): when, to whom, and the result."""

    __tablename__ = "clue_handover"

    clue_id: Mapped[int] = mapped_column(ForeignKey("report_clue.id"), unique=True)
    handed_on: Mapped[date] = mapped_column(Date, index=True)
    receiving_unit: Mapped[str] = mapped_column(String(128))
    # pending (待反馈), filed (已立案), handled (已查处), unfounded (查无实据)
    result: Mapped[str] = mapped_column(String(16), index=True)
    result_on: Mapped[date | None] = mapped_column(Date)
    result_note: Mapped[str | None] = mapped_column(Text)


class InterviewRecord(RecordMixin, SoftDeleteMixin, Base):
    """The record of a 约谈 (an accountability interview, seed 004): when, where, who talked to
    whom, what was said and what the unit undertook; printed as the 约谈记录."""

    __tablename__ = "interview_record"

    commendation_id: Mapped[int] = mapped_column(ForeignKey("commendation.id"), unique=True)
    held_at: Mapped[datetime] = mapped_column(DateTime)
    place: Mapped[str | None] = mapped_column(String(128))
    interviewers: Mapped[str] = mapped_column(String(200))
    interviewee: Mapped[str] = mapped_column(String(64))
    interviewee_post: Mapped[str | None] = mapped_column(String(128))
    recorder: Mapped[str | None] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)
    undertakings: Mapped[str | None] = mapped_column(Text)
