"""The demo's sub-centre (分中心人员), 治理员, 警示 and the records of its 约谈."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from app.demo.context import WINDOW_DAYS, DemoContext
from app.demo.names import mobile, person_name
from app.org.centre import GOVERNOR_KINDS
from db.models import CentreStaff, Commendation, InterviewRecord, Unit, UnitGovernor

WARNINGS = (
    "本月发生一起预警后再转账案件，预警信息未在规定时间内见面核实，予以警示。",
    "反诈宣传群推送不及时，连续两周未转发上级预警信息，予以警示。",
)
INTERVIEW_CONTENT = (
    "通报该单位入户走访和承诺书签订进度滞后的情况，指出存在走访记录不实、"
    "预警信息未及时上门核实等问题，要求主要负责人切实履行第一责任人职责。"
)
UNDERTAKINGS = "一个月内完成未走访户的补访和承诺书补签，每周向分中心报送进度。"


def build_centre(ctx: DemoContext) -> None:
    """The sub-centre's posts (one former 主任 among them), a 治理员 for most offices and
    enterprises, two 警示, and a record of every 约谈 already decided."""
    rng = ctx.rng
    start = ctx.day(0)
    chair = ctx.people["chair"][1]
    former = person_name(rng, True, 52)
    posts = [
        ("director", former, "党委副书记（政法委员）", None, ctx.day(180)),
        ("director", chair, "党委副书记（政法委员）", ctx.day(180), None),
        ("executive_deputy", ctx.people["director"][1], "平安办主任", start, None),
        ("executive_deputy", person_name(rng, True, 45), "清溪派出所所长", start, None),
        ("deputy", person_name(rng, rng.random() < 0.5, 40), "平安办副主任", start, None),
        ("staff", ctx.people["clerk"][1], "平安办科员", start, None),
        ("staff", person_name(rng, False, 30), "平安办工作人员", ctx.day(200), None),
    ]
    for role, name, post, began, ended in posts:
        ctx.add(CentreStaff, began or start, role=role, name=name, post=post,
                mobile=mobile(rng), started_on=began, ended_on=ended)  # fmt: skip
    offices = [u for u in ctx.units if u.kind in GOVERNOR_KINDS]
    for unit in offices[: max(0, len(offices) - 2)]:  # the last two have not named one yet
        ctx.add(UnitGovernor, start, unit_id=unit.id, name=person_name(rng, rng.random() < 0.5),
                post="综治专干" if unit.kind == "institution" else "安保负责人",
                mobile=mobile(rng), appointed_on=ctx.day(30 + int(rng.random() * 90)))  # fmt: skip
    for k, reason in enumerate(WARNINGS):
        day = WINDOW_DAYS - 40 - 90 * k
        ctx.add(Commendation, ctx.moment(day), unit_id=ctx.villages[k % len(ctx.villages)].unit.id,
                kind="warning", reason=reason, issued_on=ctx.day(day))  # fmt: skip
    decided = ctx.conn.execute(
        select(Commendation.id, Commendation.issued_on, Unit.id, Unit.kind)
        .join(Unit, Unit.id == Commendation.unit_id)
        .where(Commendation.kind == "interview", Commendation.deleted_at.is_(None))
    ).all()
    people = {u.id: u.people for u in ctx.units}
    for commendation_id, issued_on, unit_id, kind in decided:
        held = datetime.combine(issued_on + timedelta(days=2), time(9, 30))
        if held.date() > ctx.today:
            continue
        first = people.get(unit_id, {}).get("first_responsible")
        ctx.add(
            InterviewRecord,
            held,
            commendation_id=commendation_id,
            held_at=held,
            place="镇政府三楼会议室",
            interviewers=f"{chair}（党委副书记、分中心主任）",
            interviewee=first[1] if first else person_name(rng, True, 50),
            interviewee_post=(first[2] if first else None)
            or ("村党组织书记" if kind == "village" else "主要负责人"),
            recorder=ctx.people["clerk"][1],
            content=INTERVIEW_CONTENT,
            undertakings=UNDERTAKINGS,
        )
