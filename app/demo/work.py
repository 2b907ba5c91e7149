"""Meetings, publicity, users, attachments, audit log and settings."""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.core.periods import report_deadline
from app.core.vocab import PUBLICITY_FORMS
from app.demo.cases import months
from app.demo.context import WINDOW_DAYS, DemoContext
from app.demo.names import ISSUING_OFFICE, OFFICE_ADDRESS, TOWNSHIP, landline, person_name
from app.demo.texts import (
    ACTIVITY_AUDIENCES,
    ACTIVITY_DESCRIPTION,
    ACTIVITY_FORMS,
    ACTIVITY_THEMES,
    AUDIT_DETAILS,
    DECISION_REVIEWS,
    DECISIONS,
    MEETING_AGENDA,
    MEETING_MINUTES,
    MEETING_NOTES,
    MEETING_TITLES,
    PLAN_THEMES,
    SPECIAL_TOPICS,
)
from app.letters.printing import PREFIX_KEY
from app.oversight.dual_decline import CAPS_KEY
from db.models import (
    Attachment,
    AuditLog,
    Household,
    Meeting,
    MeetingAttendance,
    MeetingDecision,
    PublicityActivity,
    PublicityPlanItem,
    Setting,
    User,
)

MEETING_PLACE = "镇政府三楼会议室"
# of the months, those with an activity reported, with a second one, reported after the 29th
REPORTING_SHARE = 0.9
SECOND_ACTIVITY = 0.2
LATE_SHARE = 0.1
# the follow-up of a decision reviewed at a later meeting, by whether its deadline is recent
RECENT_REVIEWS = ("done", "done", "done", "in_progress", "dropped")
OLD_REVIEWS = ("done",) * 8 + ("in_progress", "dropped")
FORMS_BY_KIND = {
    "village": ("进社区", "进家庭", "海报", "微信推送"),
    "school": ("进学校", "讲座"),
    "enterprise": ("进企业", "讲座"),
    "finance": ("LED", "海报", "进商场"),
}


def _day_of(ctx: DemoContext, when: date) -> int:
    return (when - ctx.start).days


def _meeting_plan(ctx: DemoContext) -> list[tuple[str, int, str]]:
    """(kind, day, title) of every meeting held in the window, oldest first."""
    rng, plan = ctx.rng, []
    quarters = sorted({(y, (m - 1) // 3 + 1) for y, m in months(ctx)})
    for year, quarter in quarters:
        day = _day_of(ctx, date(year, 3 * quarter - 2, 1)) + 20 + int(rng.random() * 40)
        plan.append(
            ("quarterly", day, MEETING_TITLES["quarterly"].format(year=year, quarter=quarter))
        )
    for year in range(ctx.start.year, ctx.today.year + 1):
        day = _day_of(ctx, date(year, 2, 20))
        plan.append(("joint", day, MEETING_TITLES["joint"].format(year=year)))
    for topic, month in SPECIAL_TOPICS:
        held = date(ctx.today.year, month, 10 + int(rng.random() * 10))
        if held > ctx.today:
            held = held.replace(year=held.year - 1)
        plan.append(("special", _day_of(ctx, held), MEETING_TITLES["special"].format(title=topic)))
    for year, month in months(ctx)[-4:-1]:
        day = _day_of(ctx, date(year, month, 1) + timedelta(days=33))
        plan.append(
            ("briefing", min(day, WINDOW_DAYS), MEETING_TITLES["briefing"].format(month=month))
        )
    return sorted((p for p in plan if 0 <= p[1] <= WINDOW_DAYS), key=lambda p: p[1])


def build_meetings(ctx: DemoContext) -> None:
    """Quarterly and joint meetings, special and briefing ones: attendance and decisions."""
    rng = ctx.rng
    held: list[tuple[int, str, int]] = []  # (id, kind, day)
    for k, (kind, day, title) in enumerate(_meeting_plan(ctx)):
        at = ctx.moment(day, 870 if k % 2 else 540)
        meeting_id = ctx.add(
            Meeting,
            at,
            kind=kind,
            title=title,
            held_at=at,
            place=MEETING_PLACE,
            chair_id=ctx.people["chair"][0],
            recorder_id=ctx.people["clerk"][0],
            agenda=MEETING_AGENDA,
            minutes=MEETING_MINUTES.format(note=rng.choice(MEETING_NOTES)),
        )
        held.append((meeting_id, kind, day))
    for k, (meeting_id, kind, day) in enumerate(held):
        at = ctx.moment(day, 540)
        if kind in ("quarterly", "joint"):
            units = ctx.units
        else:  # special and briefing meetings: the villages, the office and the police
            units = [v.unit for v in ctx.villages]
            units += [ctx.by_short[s] for s in ("平安办", "清溪派出所", "溪口派出所")]
        for n, unit in enumerate(units):
            if k == 0 and 1 <= n <= 3:  # the first meeting shows every kind of attendance
                status = ("excused", "observer", "absent")[n - 1]
            elif rng.random() < 0.86:
                status = "present"
            else:
                status = rng.choice(("excused", "excused", "observer", "absent"))
            first = unit.people.get("first_responsible")
            deputy = unit.people.get("specific_responsible") or unit.people.get("liaison")
            attendee = first if first and (rng.random() < 0.6 or not deputy) else deputy
            present = status in ("present", "observer") and attendee is not None
            ctx.add(
                MeetingAttendance,
                at,
                meeting_id=meeting_id,
                unit_id=unit.id,
                status=status,
                attendee_name=attendee[1] if present else None,
                attendee_post=attendee[2] if present else None,
                is_substitute=present and attendee is not first,
            )
        later = [m for m in held[k + 1 :] if m[1] == kind] or held[k + 1 : k + 2]
        for seq, (owner, text) in enumerate(rng.sample(DECISIONS, 3 + int(rng.random() * 3)), 1):
            due = day + 30 + int(rng.random() * 30)
            if later:
                # long past their deadline, nearly all are done by now: few stay overdue
                recent = due > WINDOW_DAYS - 45
                status = rng.choice(RECENT_REVIEWS if recent else OLD_REVIEWS)
                review = later[0][0]
            else:
                status, review = rng.choice(("open", "in_progress")), None
            ctx.add(
                MeetingDecision,
                at,
                meeting_id=meeting_id,
                seq=seq,
                text=text,
                owner_unit_id=ctx.by_short[owner].id,
                due_on=ctx.day(due),
                status=status,
                review_note=DECISION_REVIEWS.get(status) if review else None,
                reviewed_in_meeting_id=review,
            )


def _reports(ctx: DemoContext) -> list[tuple[int, int | None]]:
    """(day held, day reported or None) of one unit's activities: one in most months, now
    and then a second; most reported within days, some after the month's deadline."""
    rng, out = ctx.rng, []
    for year, month in months(ctx):
        first = max(0, _day_of(ctx, date(year, month, 1)))
        deadline = _day_of(ctx, report_deadline(year, month))
        last = min(WINDOW_DAYS, deadline - 4)
        if last < first:
            continue
        for _ in range((rng.random() < REPORTING_SHARE) + (rng.random() < SECOND_ACTIVITY)):
            day = ctx.random_day(first, last)
            late = rng.random() < LATE_SHARE
            reported = (
                deadline + 1 + int(rng.random() * 10) if late else day + int(rng.random() * 4)
            )
            out.append((day, reported if reported <= WINDOW_DAYS else None))
    return out


def build_publicity(ctx: DemoContext) -> None:
    """The monthly plan for both years, and each unit's activities: reported month by month,
    as `app.publicity.activities` asks (by the 29th), a few months missed or reported late."""
    rng = ctx.rng
    plan_ids: dict[tuple[int, int], tuple[int, str]] = {}
    for year in (ctx.today.year - 1, ctx.today.year):
        drafted = min(datetime(year, 1, 5, 9), ctx.moment(WINDOW_DAYS))
        for month, (lead, theme, content) in enumerate(PLAN_THEMES, start=1):
            plan_ids[(year, month)] = (
                ctx.add(
                    PublicityPlanItem,
                    drafted,
                    year=year,
                    month=month,
                    lead_unit_id=ctx.by_short[lead].id,
                    theme=theme,
                    content=content,
                    sort_order=month,
                ),
                lead,
            )
    for unit in ctx.units:
        forms = FORMS_BY_KIND.get(unit.kind, PUBLICITY_FORMS)
        village = unit.name if unit.kind == "village" else rng.choice(ctx.villages).unit.name
        for day, reported in _reports(ctx):
            when = ctx.day(day)
            plan = plan_ids.get((when.year, when.month))
            linked = plan is not None and (plan[1] == unit.short_name or rng.random() < 0.3)
            form = rng.choice(forms)
            title, place = ACTIVITY_FORMS[form]
            if rng.random() < 0.4:
                title = rng.choice(ACTIVITY_THEMES)
            uuid = ctx.uuid()
            ctx.add(
                PublicityActivity,
                ctx.moment(day, 600),
                uuid=uuid,
                held_on=when,
                unit_id=unit.id,
                plan_item_id=plan[0] if linked else None,
                title=title.format(unit=unit.short_name, fraud=rng.choice(ctx.fraud_types)[1]),
                place=place.format(unit=unit.short_name, village=village),
                form=form,
                audience=rng.choice(ACTIVITY_AUDIENCES),
                people_reached=30 + int(rng.random() * 600),
                materials_handed_out=0
                if form in ("微信推送", "短信", "LED")
                else 20 + int(rng.random() * 300),
                description=ACTIVITY_DESCRIPTION,
                reported_on=ctx.day(reported) if reported is not None else None,
                updated_at=ctx.moment(day if reported is None else reported, 960),
            )
            ctx.activities.append((uuid, day))


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A tiny solid-colour PNG, written by hand so the demo needs no imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def build_system(ctx: DemoContext, existing_users: set[str], existing_settings: set[str]) -> None:
    """One user per role, a few photos, audit entries and the township profile."""
    rng = ctx.rng
    now = ctx.moment(WINDOW_DAYS, 480)
    users = (
        ("admin", "系统管理员", "admin"),
        ("pingan", ctx.people["clerk"][1], "clerk"),
        ("wangge", person_name(rng, False, 30), "grid_worker"),
        ("zhuren", ctx.people["chair"][1], "head"),
    )
    for username, display, role in users:
        if username not in existing_users:
            ctx.add(
                User,
                ctx.moment(0),
                username=username,
                display_name=display,
                role=role,
                active=True,
                last_login_at=ctx.moment(WINDOW_DAYS - int(rng.random() * 20), 510),
            )
    photographed = ctx.activities[:: max(1, len(ctx.activities) // 6)][:6]
    for k, (owner, day) in enumerate(photographed, start=1):
        content = _png(16, 12, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
        ctx.add(
            Attachment,
            ctx.moment(day, 960),
            owner_table="publicity_activity",
            owner_uuid=owner,
            file_name=f"活动照片{k}.png",
            mime_type="image/png",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            caption="活动现场照片",
        )
    first_household = ctx.conn.scalar(select(Household.uuid).order_by(Household.id).limit(1))
    entries = (
        ("import", None, None, AUDIT_DETAILS[0]),
        ("login", None, None, None),
        ("print", "letter", None, AUDIT_DETAILS[1]),
        ("export", "visit", None, AUDIT_DETAILS[2]),
        ("reveal", "household", first_household, AUDIT_DETAILS[3]),
    )
    for k, (action, table, record_uuid, detail) in enumerate(entries):
        ctx.add(
            AuditLog,
            at=ctx.moment(WINDOW_DAYS, 480 + k),
            username="pingan",
            action=action,
            table_name=table,
            record_uuid=record_uuid,
            detail=detail,
        )
    profile = {
        "township_name": TOWNSHIP,
        "issuing_office": ISSUING_OFFICE,
        "office_address": OFFICE_ADDRESS,
        "office_phone": landline(rng),
        "contact_person": ctx.people["clerk"][1],
    }
    # the plan's control targets (seed 003): last year growth within 5 %, this year a fall
    this_year = now.year
    profile[CAPS_KEY] = json.dumps({str(this_year - 1): "5", str(this_year): "0"})
    profile[PREFIX_KEY] = ctx.letter_prefix  # the numbers the letters were given
    for key, value in profile.items():
        if key not in existing_settings:
            ctx.add(Setting, now, key=key, value=value)
