"""What is overdue (待办提醒): the things the office head must not find out about too late.

Each item says what is late, how many, and where its records are (a tab, a sub-tab and the
filter that lists exactly them), so the overview can take the clerk there in one click.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, func, select

from app.assessment import report_deadline
from db.engine import unit_of_work
from db.models import (
    CallbackCall,
    CallbackSample,
    Commendation,
    Inspection,
    Letter,
    Meeting,
    MeetingDecision,
    PublicityActivity,
    Unit,
)

# A quarter's meeting is asked for when this many days of the quarter are left.
QUARTER_WARNING_DAYS = 15
LETTER_SIGN_DAYS = 30
CALLBACK_DAYS = 14


@dataclass(frozen=True)
class Target:
    """Where an item's records are: a main tab, optionally a sub-tab, and register filters."""

    tab: str
    subtab: str | None = None
    filters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OverdueItem:
    """One overdue matter: a Chinese sentence, how many records, and where they are."""

    key: str
    text: str
    count: int
    target: Target


def quarter_of(day: date) -> tuple[date, date]:
    """The first and last day of the quarter `day` is in."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    last_month = first_month + 2
    last_day = calendar.monthrange(day.year, last_month)[1]
    return date(day.year, first_month, 1), date(day.year, last_month, last_day)


def _quarterly_meetings(session, start: date, end: date) -> int:
    return session.scalar(
        select(func.count()).where(
            Meeting.kind == "quarterly",
            Meeting.deleted_at.is_(None),
            Meeting.held_at >= datetime.combine(start, datetime.min.time()),
            Meeting.held_at < datetime.combine(end + timedelta(days=1), datetime.min.time()),
        )
    )


def overdue_items(engine: Engine, today: date | None = None) -> list[OverdueItem]:
    """Every overdue matter on `today`, most pressing first; empty when all is in order."""
    today = today or date.today()
    items: list[OverdueItem] = []
    start, end = quarter_of(today)
    previous_start, previous_end = quarter_of(start - timedelta(days=1))
    with unit_of_work(engine) as session:
        meetings = Target("工作例会")
        if not _quarterly_meetings(session, previous_start, previous_end):
            quarter = (previous_start.month - 1) // 3 + 1
            items.append(
                OverdueItem(
                    "previous_quarter_meeting",
                    f"{previous_start.year}年第{quarter}季度没有召开季度例会",
                    1,
                    meetings,
                )
            )
        days_left = (end - today).days
        if days_left <= QUARTER_WARNING_DAYS and not _quarterly_meetings(session, start, end):
            items.append(
                OverdueItem(
                    "quarter_meeting",
                    f"本季度还剩{days_left}天，尚未召开季度例会",
                    1,
                    meetings,
                )
            )
        decisions = session.scalar(
            select(func.count()).where(
                MeetingDecision.deleted_at.is_(None),
                MeetingDecision.status.in_(("open", "in_progress")),
                MeetingDecision.due_on < today,
            )
        )
        if decisions:
            items.append(
                OverdueItem(
                    "decisions", f"{decisions}项议定事项已过期限未完成", decisions,
                    Target("工作例会", None, {"decision_state": "overdue"}),
                )
            )  # fmt: skip
        inspections = session.scalar(
            select(func.count()).where(
                Inspection.deleted_at.is_(None),
                Inspection.rectified_on.is_(None),
                Inspection.rectification_due < today,
            )
        )
        if inspections:
            items.append(
                OverdueItem(
                    "rectifications", f"{inspections}项督导检查整改已逾期", inspections,
                    Target("督导考核", "督导检查", {"state": "overdue"}),
                )
            )  # fmt: skip
        criticisms = session.scalar(
            select(func.count()).where(
                Commendation.deleted_at.is_(None),
                Commendation.rectified_on.is_(None),
                Commendation.rectification_due < today,
            )
        )
        if criticisms:
            items.append(
                OverdueItem(
                    "criticism_rectifications", f"{criticisms}项通报批评、红黄牌整改已逾期",
                    criticisms, Target("奖励与表彰", "表彰与批评", {"rectification": "overdue"}),
                )
            )  # fmt: skip
        cutoff = datetime.combine(today - timedelta(days=LETTER_SIGN_DAYS), datetime.min.time())
        letters = session.scalar(
            select(func.count()).where(
                Letter.deleted_at.is_(None),
                Letter.status.in_(("printed", "delivered")),
                Letter.kind != "notice",
                Letter.printed_at < cutoff,
            )
        )
        if letters:
            items.append(
                OverdueItem(
                    "unsigned_letters", f"{letters}份承诺书打印已超过{LETTER_SIGN_DAYS}天仍未签回",
                    letters, Target("承诺书与告知书", None, {"status": "unsigned_30_days"}),
                )
            )  # fmt: skip
        if today >= report_deadline(today.year, today.month):
            month_start = today.replace(day=1)
            reported = select(PublicityActivity.unit_id).where(
                PublicityActivity.deleted_at.is_(None),
                PublicityActivity.reported_on.is_not(None),
                PublicityActivity.held_on >= month_start,
            )
            silent = session.scalar(
                select(func.count()).where(
                    Unit.deleted_at.is_(None), Unit.is_member.is_(True), Unit.id.not_in(reported)
                )
            )
            if silent:
                items.append(
                    OverdueItem(
                        "publicity_reports", f"{silent}个成员单位本月未报送宣传工作", silent,
                        Target("宣传活动", None, {"reported": "not_this_month"}),
                    )
                )  # fmt: skip
        callbacks = session.scalar(
            select(func.count())
            .select_from(CallbackCall)
            .join(CallbackSample, CallbackSample.id == CallbackCall.sample_id)
            .where(
                and_(CallbackCall.deleted_at.is_(None), CallbackSample.deleted_at.is_(None)),
                CallbackCall.result == "pending",
                CallbackSample.drawn_on < today - timedelta(days=CALLBACK_DAYS),
            )
        )
        if callbacks:
            items.append(
                OverdueItem(
                    "callbacks", f"{callbacks}户抽查回访超过{CALLBACK_DAYS}天仍未回访", callbacks,
                    Target("督导考核", "电话回访抽查", {"result": "pending"}),
                )
            )  # fmt: skip
    return items
