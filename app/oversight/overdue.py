"""What is overdue (待办提醒): the things the office head must not find out about too late.

Each item says what is late, how many, and where its records are (a tab, a sub-tab and the
filter that lists exactly them), so the overview can take the clerk there in one click.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, and_, func, select

from app.cases.clue_handovers import FEEDBACK_DAYS, PENDING_OVERDUE, feedback_overdue
from app.cases.dissuasion import awaiting_award_clause
from app.cases.incidents import REVIEW_DAYS, reviews_overdue
from app.core.navigation import Target
from app.core.periods import quarter_number, quarter_of, report_deadline
from app.org.centre import centre_gaps, governor_coverage
from app.org.deadlines import deadlines_of, groups_overdue, named_list, roles_overdue
from app.oversight.callbacks import CALLBACK_DAYS, OVERDUE_PENDING
from app.oversight.instructions import overdue_receipts
from app.publicity.activities import not_reported
from db.engine import unit_of_work
from db.models import (
    CallbackCall,
    CallbackSample,
    Commendation,
    DissuasionCase,
    Inspection,
    Letter,
    Meeting,
    MeetingDecision,
)

# A quarter's meeting is asked for when this many days of the quarter are left.
QUARTER_WARNING_DAYS = 15
LETTER_SIGN_DAYS = 30
# The sub-tab of 工作例会 that lists every meeting's decisions with their follow-up.
DECISIONS_SUBTAB = "全部议定事项（跟进）"


@dataclass(frozen=True)
class OverdueItem:
    """One overdue matter: a Chinese sentence, how many records, and where they are."""

    key: str
    text: str
    count: int
    target: Target


def _quarterly_meetings(session, start: date, end: date) -> int:
    return session.scalar(
        select(func.count()).where(
            Meeting.kind == "quarterly",
            Meeting.deleted_at.is_(None),
            Meeting.held_at >= datetime.combine(start, datetime.min.time()),
            Meeting.held_at < datetime.combine(end + timedelta(days=1), datetime.min.time()),
        )
    )


def _day(day: date) -> str:
    """2026年3月31日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _meeting_target(start: date) -> Target:
    """The quarterly meetings of the year of `start`: where a missing one would be listed."""
    return Target("工作例会", "会议", {"kind": "quarterly", "year": str(start.year)})


def overdue_items(engine: Engine, today: date | None = None) -> list[OverdueItem]:
    """Every overdue matter on `today`, most pressing first; empty when all is in order."""
    today = today or date.today()
    items: list[OverdueItem] = []
    start, end = quarter_of(today)
    previous_start, previous_end = quarter_of(start - timedelta(days=1))
    with unit_of_work(engine) as session:
        if not _quarterly_meetings(session, previous_start, previous_end):
            items.append(
                OverdueItem(
                    "previous_quarter_meeting",
                    f"{previous_start.year}年第{quarter_number(previous_start)}季度没有召开季度例会",
                    1,
                    _meeting_target(previous_start),
                )
            )
        days_left = (end - today).days
        if days_left <= QUARTER_WARNING_DAYS and not _quarterly_meetings(session, start, end):
            items.append(
                OverdueItem(
                    "quarter_meeting",
                    f"本季度还剩{days_left}天，尚未召开季度例会",
                    1,
                    _meeting_target(start),
                )
            )
        decisions = session.scalar(
            select(func.count()).where(
                MeetingDecision.deleted_at.is_(None),
                MeetingDecision.status.in_(("open", "in_progress")),
                MeetingDecision.due_on < today,
                MeetingDecision.meeting_id.in_(
                    select(Meeting.id).where(Meeting.deleted_at.is_(None))
                ),
            )
        )
        if decisions:
            items.append(
                OverdueItem(
                    "decisions", f"{decisions}项议定事项已过期限未完成", decisions,
                    Target("工作例会", DECISIONS_SUBTAB, {"decision_state": "overdue"}),
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
        # the register's own filter: the same cases are counted here and listed there
        unrewarded = session.scalar(
            select(func.count()).where(DissuasionCase.deleted_at.is_(None), awaiting_award_clause())
        )
        unreviewed = reviews_overdue(session, today)
        unanswered = feedback_overdue(session, today)
        now = (
            datetime.now()
            if today == date.today()
            else datetime.combine(today, datetime.min.time())
        )
        unsigned, unpushed = overdue_receipts(session, now)
    for key, count, text, state in (
        ("instruction_signing", unsigned, f"{unsigned}个单位（村居）逾期未签收指令",
         "sign_overdue"),
        ("instruction_pushing", unpushed, f"{unpushed}个单位（村居）已签收指令但逾期未推送",
         "push_overdue"),
    ):  # fmt: skip
        if count:
            items.append(
                OverdueItem(key, text, count, Target("督导考核", "指令签收", {"state": state}))
            )
    roles = roles_overdue(engine, today)
    if roles and roles.units:
        items.append(
            OverdueItem(
                "roles_deadline",
                f"{named_list(roles.units)}单位（村居）超过{_day(roles.due)}仍未报齐四员",
                len(roles.units), Target("成员单位", None, {"roles": "incomplete"}),
            )
        )  # fmt: skip
    groups = groups_overdue(engine, today)
    if groups and groups.units:
        items.append(
            OverdueItem(
                "groups_deadline",
                f"{named_list(groups.units)}村居超过{_day(groups.due)}仍未建立二级宣传群",
                len(groups.units), Target("组织架构", "三级宣传群", {}),
            )
        )  # fmt: skip
    staff_by = deadlines_of(engine, today.year).staff_by
    gaps = centre_gaps(engine, today) if staff_by and today > staff_by else []
    if gaps:
        items.append(
            OverdueItem(
                "centre_staff", f"超过{_day(staff_by)}分中心人员仍未配齐：缺{'、'.join(gaps)}",
                len(gaps), Target("组织架构", "分中心", {"serving": True}),
            )
        )  # fmt: skip
    unnamed = governor_coverage(engine).missing if staff_by and today > staff_by else ()
    if unnamed:
        items.append(
            OverdueItem(
                "governors",
                f"{named_list(unnamed)}单位超过{_day(staff_by)}仍未确定治理员（一企一员）",
                len(unnamed), Target("组织架构", "治理员", {}),
            )
        )  # fmt: skip
    if unreviewed:
        items.append(
            OverdueItem(
                "incident_reviews", f"{unreviewed}起案件发案超过{REVIEW_DAYS}天仍未逐案倒查",
                unreviewed, Target("劝阻案例", "发案登记", {"review": "overdue"}),
            )
        )  # fmt: skip
    if unanswered:
        items.append(
            OverdueItem(
                "clue_feedback", f"{unanswered}条移交公安的线索超过{FEEDBACK_DAYS}天未反馈结果",
                unanswered, Target("奖励与表彰", "线索移交", {"result": PENDING_OVERDUE}),
            )
        )  # fmt: skip
    if today >= report_deadline(today.year, today.month):
        silent = len(not_reported(engine, today.year, today.month))
        if silent:
            items.append(
                OverdueItem(
                    "publicity_reports", f"{silent}个成员单位本月未报送宣传工作", silent,
                    Target("宣传活动", "报送情况", {"year": today.year, "month": today.month}),
                )
            )  # fmt: skip
    if callbacks:
        items.append(
            OverdueItem(
                "callbacks", f"{callbacks}户抽查回访超过{CALLBACK_DAYS}天仍未回访", callbacks,
                Target("督导考核", "电话回访抽查", {"result": OVERDUE_PENDING}),
            )
        )  # fmt: skip
    if unrewarded:
        items.append(
            OverdueItem(
                "awaiting_award", f"{unrewarded}起成功劝阻案例待提出奖励", unrewarded,
                Target("劝阻案例", "劝阻案例", {"awaiting_award": True}),
            )
        )  # fmt: skip
    return items
