"""会议纪要: the minutes of a meeting as a 公文 (GB/T 9704 纪要), through the document engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import aliased

from app.core.periods import quarter_of
from app.core.settings import load_profile
from app.core.validation import ValidationError
from app.core.vocab import DECISION_STATUSES
from app.documents import Document, chinese_date, render_pdf
from app.documents.numerals import chinese_number
from db.engine import unit_of_work
from db.models import Meeting, MeetingAttendance, MeetingDecision, Person, Unit

# The attendance lines of a 纪要, in order: label and the statuses listed under it. GB/T 9704
# 10.3: 左空二字 "出席", a full-width colon, then the names; wrapped lines align after the colon.
INDENT = "\u3000\u3000"
ATTENDANCE_LINES = (("出席：", "present"), ("请假：", "excused"), ("列席：", "observer"))


def _time_of_day(moment: datetime) -> str:
    return "上午" if moment.hour < 12 else "下午"


@dataclass(frozen=True)
class MinutesFacts:
    """Everything the minutes say, read in one transaction."""

    title: str
    meeting_title: str
    held_at: datetime
    kind: str
    place: str
    chair: str
    recorder: str
    agenda: list[str]
    body: list[str]
    decisions: list[tuple[int, str, str, str]]  # seq, text, owner, due
    attendance: dict[str, list[str]]
    # earlier decisions this meeting reviewed: meeting title, seq, text, status, note
    reviewed: list[tuple[str, int, str, str, str]] = field(default_factory=list)


def minutes_title(township: str, meeting_title: str, kind: str, held_at: datetime) -> str:
    """A 季度例会's minutes are titled by township, year and quarter; others by the meeting."""
    if kind == "quarterly":
        quarter = (quarter_of(held_at.date())[0].month - 1) // 3 + 1
        group = f"{township}反电信网络诈骗工作领导小组"
        return f"{group}{held_at.year}年第{chinese_number(quarter)}季度工作会议纪要"
    return meeting_title if meeting_title.endswith("纪要") else meeting_title + "纪要"


def _title_lines(facts: MinutesFacts) -> str:
    """A 季度例会's title breaks after the group's name (…工作领导小组 | 2024年第三季度工作会议
    纪要); others wrap by themselves, words whole."""
    group = "工作领导小组"
    if facts.kind == "quarterly" and group in facts.title:
        return facts.title.replace(group, group + "\n", 1)
    return facts.title


def _person(name: str | None, post: str | None) -> str:
    """镇党委副书记蔡慧婷: the post before the name, as minutes name a chair."""
    return f"{post or ''}{name}" if name else ""


def read_minutes(engine: Engine, meeting_id: int) -> MinutesFacts:
    """The facts of a meeting's minutes; ValidationError when it does not exist."""
    chair, recorder = aliased(Person), aliased(Person)
    profile = load_profile(engine)
    with unit_of_work(engine) as session:
        row = session.execute(
            select(Meeting, chair.name, chair.post, recorder.name)
            .outerjoin(chair, chair.id == Meeting.chair_id)
            .outerjoin(recorder, recorder.id == Meeting.recorder_id)
            .where(Meeting.id == meeting_id, Meeting.deleted_at.is_(None))
        ).first()
        if row is None:
            raise ValidationError({"": "会议不存在或已被删除"})
        meeting, chair_name, chair_post, recorder_name = row
        decisions = session.execute(
            select(MeetingDecision.seq, MeetingDecision.text, Unit.name, MeetingDecision.due_on)
            .outerjoin(Unit, Unit.id == MeetingDecision.owner_unit_id)
            .where(MeetingDecision.meeting_id == meeting_id, MeetingDecision.deleted_at.is_(None))
            .order_by(MeetingDecision.seq)
        ).all()
        earlier = aliased(Meeting)
        reviewed = session.execute(
            select(earlier.title, MeetingDecision.seq, MeetingDecision.text,
                   MeetingDecision.status, MeetingDecision.review_note)
            .join(earlier, earlier.id == MeetingDecision.meeting_id)
            .where(MeetingDecision.reviewed_in_meeting_id == meeting_id,
                   MeetingDecision.deleted_at.is_(None), earlier.deleted_at.is_(None))
            .order_by(earlier.held_at, MeetingDecision.seq)
        ).all()  # fmt: skip
        lines = session.execute(
            select(
                MeetingAttendance.status, Unit.name, MeetingAttendance.attendee_name,
                MeetingAttendance.attendee_post, MeetingAttendance.is_substitute,
            )
            .join(Unit, Unit.id == MeetingAttendance.unit_id)
            .where(
                MeetingAttendance.meeting_id == meeting_id, MeetingAttendance.deleted_at.is_(None)
            )
            .order_by(Unit.sort_order, Unit.id)
        ).all()  # fmt: skip
    attendance: dict[str, list[str]] = {status: [] for _, status in ATTENDANCE_LINES}
    for status, unit, name, post, substitute in lines:
        if status not in attendance:
            continue
        # who came: the person, with their unit (and 代 for someone standing in), or the unit
        who = f"{name}（{unit}{post or ''}{'，代' if substitute else ''}）" if name else unit
        attendance[status].append(who)
    township = profile.get("township_name") or ""
    return MinutesFacts(
        title=minutes_title(township, meeting.title, meeting.kind, meeting.held_at),
        meeting_title=meeting.title,
        held_at=meeting.held_at,
        kind=meeting.kind,
        place=meeting.place or "",
        chair=_person(chair_name, chair_post),
        recorder=recorder_name or "",
        agenda=[line.strip() for line in (meeting.agenda or "").splitlines() if line.strip()],
        body=[line.strip() for line in (meeting.minutes or "").splitlines() if line.strip()],
        decisions=[
            (seq, text, owner or "", chinese_date(due) if due else "")
            for seq, text, owner, due in decisions
        ],
        attendance=attendance,
        reviewed=[(t, seq, text, status, note or "") for t, seq, text, status, note in reviewed],
    )


def minutes_document(facts: MinutesFacts, issuer: str, issued_on: date | None = None) -> Document:
    """The minutes as a 纪要 (GB/T 9704 10.3): title, the issuing office and date under it, the
    opening, topics, numbered decisions, then the 出席/请假/列席 lines in 黑体 with the names
    aligned after the colon. A 纪要 carries no signature: who issued it stands under the title,
    and the 版记 at the foot of the last page says it again with the 印发 date (`issued_on`:
    the day it is printed, never before the meeting)."""
    doc = Document(style="official", where=f"会议纪要“{facts.title}”")
    doc.title(_title_lines(facts))
    doc.centered("\u3000\u3000".join(p for p in (issuer, chinese_date(facts.held_at.date())) if p))
    when = f"{chinese_date(facts.held_at.date())}{_time_of_day(facts.held_at)}"
    place = f"在{facts.place}" if facts.place else ""
    host = f"{facts.chair}{place}主持召开" if facts.chair else f"{place}召开"
    doc.paragraph(f"{when}，{host}{facts.meeting_title}。" + ("会议议题：" if facts.agenda else ""))
    for item in facts.agenda:
        doc.paragraph(item)
    for paragraph in facts.body:
        doc.paragraph(paragraph)
    if facts.reviewed:
        items = "；".join(
            f"{title}第{chinese_number(seq)}项“{text.rstrip('。；;')}”"
            + DECISION_STATUSES.get(status, status)
            + (f"（{note.rstrip('。')}）" if note else "")
            for title, seq, text, status, note in facts.reviewed
        )
        doc.paragraph(f"会议审议了以前议定事项的落实情况：{items}。")
    if facts.decisions:
        doc.paragraph("会议议定事项如下：")
        for seq, text, owner, due in facts.decisions:
            detail = "，".join(
                part
                for part in (f"责任单位：{owner}" if owner else "", f"{due}前完成" if due else "")
                if part
            )
            sentence = text.rstrip("。；;")
            doc.paragraph(
                f"{chinese_number(seq)}、{sentence}" + (f"（{detail}）。" if detail else "。")
            )
    doc.spacer(1)
    for label, status in ATTENDANCE_LINES:
        if facts.attendance[status]:
            doc.labelled(INDENT + label, "、".join(facts.attendance[status]))
    if facts.recorder:
        doc.labelled(INDENT + "记录：", facts.recorder)
    if issuer:
        held = facts.held_at.date()
        doc.imprint(issuer, max(issued_on or date.today(), held))
    return doc


def print_minutes(engine: Engine, meeting_id: int, out: Path | str) -> int:
    """Write a meeting's minutes to a PDF; returns the number of pages."""
    facts = read_minutes(engine, meeting_id)
    issuer = load_profile(engine).get("issuing_office") or ""
    return render_pdf(minutes_document(facts, issuer), out)


def find_meeting(engine: Engine, key: str) -> int:
    """A meeting by id, UUID or date (2024-09-26, when one meeting was held that day)."""
    with unit_of_work(engine) as session:
        live = Meeting.deleted_at.is_(None)
        if key.isdigit():
            found = session.scalar(select(Meeting.id).where(Meeting.id == int(key), live))
            if found is not None:
                return found
        found = session.scalar(select(Meeting.id).where(Meeting.uuid == key, live))
        if found is not None:
            return found
        try:
            day = datetime.fromisoformat(key).date()
        except ValueError:
            raise ValidationError({"": f"找不到会议“{key}”：请给出会议编号、UUID或日期"}) from None
        ids = session.scalars(
            select(Meeting.id).where(
                live,
                Meeting.held_at >= datetime.combine(day, datetime.min.time()),
                Meeting.held_at <= datetime.combine(day, datetime.max.time()),
            )
        ).all()
    if not ids:
        raise ValidationError({"": f"{day}没有会议"})
    if len(ids) > 1:
        raise ValidationError(
            {"": f"{day}有{len(ids)}次会议（编号{'、'.join(map(str, ids))}），请给出会议编号"}
        )
    return ids[0]
