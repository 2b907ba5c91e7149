"""The leading group's roster (领导小组名单) as the plans print it in their 附件.

    白鹤镇打击治理电信网络新型违法犯罪工作领导小组名单
    组　　　长：徐学军　党委副书记、镇长
    常务副组长：王维维　党委副书记（政法）
    副　组　长：钟书辰　平安办主任
    ……（第二位副组长起不再写“副　组　长：”，姓名与上一行对齐）
    领导小组下设办公室，办公室设在平安办，由平安办主任钟书辰兼任办公室主任。

Labels are spread to one width and names set in a three-character cell, as the seeds set
them, so names and posts stand in columns on the 公文 character grid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select

from app.core.validation import ValidationError
from app.core.vocab import GROUP_ROLES
from app.documents import Document, chinese_date, render_pdf
from app.org.leading_group import role_rank, sits_on
from db.engine import unit_of_work
from db.models import LeadingGroup, LeadingGroupMember, Person

SPACE = "\u3000"
LABEL_WIDTH = max(len(label) for label in GROUP_ROLES.values())
SUCCESSION_RULE = "如领导小组成员有调整或变动，根据职务自然更替。"


@dataclass(frozen=True)
class Seat:
    """One line of the roster."""

    group_role: str
    name: str
    post: str


@dataclass
class Roster:
    """Who sat in the group on one day."""

    name: str
    office_location: str
    office_director: str
    document_number: str
    on: date
    seats: list[Seat] = field(default_factory=list)

    def by_role(self, role: str) -> list[Seat]:
        """The seats of one role, in their order."""
        return [s for s in self.seats if s.group_role == role]


def spread(label: str, width: int = LABEL_WIDTH) -> str:
    """`组长` → `组　　　长`, `副组长` → `副　组　长`: a label spread to `width` characters."""
    if len(label) >= width or len(label) < 2:
        return label.ljust(width, SPACE)
    gaps = len(label) - 1
    spaces = width - len(label)
    parts = [label[0]]
    for number, char in enumerate(label[1:]):
        share = spaces // gaps + (1 if number < spaces % gaps else 0)
        parts.append(SPACE * share + char)
    return "".join(parts)


def name_cell(name: str) -> str:
    """A name in a three-character cell (周峰　), so the posts after it stand in a column;
    the name itself stays whole, as it is searched and copied."""
    return name.ljust(3, SPACE)


def read_roster(engine: Engine, group_id: int | None = None, on: date | None = None) -> Roster:
    """The seats of the group (the first live one if not given) held on `on` (today)."""
    on = on or date.today()
    with unit_of_work(engine) as session:
        stmt = select(LeadingGroup).where(LeadingGroup.deleted_at.is_(None))
        if group_id is not None:
            stmt = stmt.where(LeadingGroup.id == group_id)
        group = session.scalars(stmt.order_by(LeadingGroup.id).limit(1)).first()
        if group is None:
            raise ValidationError({"": "还没有建立领导小组（在“组织架构”页建立）"})
        rows = session.execute(
            select(LeadingGroupMember.group_role, Person.name, LeadingGroupMember.post)
            .join(Person, Person.id == LeadingGroupMember.person_id)
            .where(
                LeadingGroupMember.group_id == group.id,
                LeadingGroupMember.deleted_at.is_(None),
                sits_on(on),
            )
            .order_by(role_rank(), LeadingGroupMember.sort_order, LeadingGroupMember.id)
        ).all()
    roster = Roster(
        group.name,
        group.office_location or "",
        group.office_director or "",
        group.document_number or "",
        on,
    )
    roster.seats = [Seat(role, name, post or "") for role, name, post in rows]
    return roster


def roster_title(roster: Roster) -> str:
    """`…领导小组名单`."""
    return roster.name if roster.name.endswith("名单") else f"{roster.name}名单"


def office_sentence(roster: Roster) -> str:
    """领导小组下设办公室，办公室设在…，由…兼任办公室主任。"""
    directors = roster.by_role("office_director")
    if not (roster.office_location or roster.office_director or directors):
        return ""
    where = f"，办公室设在{roster.office_location}" if roster.office_location else ""
    if directors:
        who = "、".join(f"{d.post.removesuffix('（兼）')}{d.name}" for d in directors)
        head = f"，由{who}兼任办公室主任"
    elif roster.office_director:
        head = f"，由{roster.office_director}任办公室主任"
    else:
        head = ""
    return f"领导小组下设办公室{where}{head}。"


def roster_document(roster: Roster, dated: bool = False) -> Document:
    """The roster as a 公文 attachment: title, one line per seat, the office and the rule."""
    doc = Document(style="official", where=f"领导小组名单“{roster.name}”")
    doc.title(roster_title(roster))
    if dated:
        doc.centered(f"（{chinese_date(roster.on)}）")
    doc.spacer(0.5)
    if roster.seats:
        doc.paragraph(f"{roster.name}成员名单如下：")
    else:
        doc.paragraph(f"{roster.name}尚未登记成员。")
    for role, label in GROUP_ROLES.items():
        if role == "office_director":
            continue  # said in the office sentence, as the plans do
        seats = roster.by_role(role)
        for number, seat in enumerate(seats):
            shown = spread(label) + "：" if number == 0 else SPACE * (LABEL_WIDTH + 1)
            doc.labelled(shown, f"{name_cell(seat.name)}{SPACE}{seat.post}")
    sentence = office_sentence(roster)
    if sentence or roster.seats:
        doc.spacer(0.5)
    if sentence:
        doc.paragraph(sentence)
    if roster.seats:
        doc.paragraph(SUCCESSION_RULE)
    return doc


def print_roster(
    engine: Engine, out: Path | str, group_id: int | None = None, on: date | None = None
) -> int:
    """Write the roster (of `on`, default today) to a PDF; returns the number of pages."""
    roster = read_roster(engine, group_id, on)
    return render_pdf(roster_document(roster, dated=on is not None), out)
