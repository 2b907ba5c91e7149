"""The leading group (领导小组): its seats in order, their history, and who sat when.

A seat is a group role (组长, 常务副组长, 副组长, 成员, 办公室主任) held by a contact with his post.
Seed 004: "如领导小组成员有调整或变动，根据职务自然更替" — when the holder changes, the old seat is
closed on the day of the change (`ended_on`) and a new one opens with the same role, post and
place, so the roster of any day can be printed again. The printed roster is in leading_roster.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, case, func, or_, select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.records import RecordService
from app.core.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.core.validation import FormField, ValidationError
from app.core.vocab import GROUP_ROLES
from app.org.people import PeopleResolver, WantedPerson
from db.engine import unit_of_work
from db.models import LeadingGroup, LeadingGroupMember, Person

GROUP_FIELDS = (
    FormField(
        "name",
        "领导小组名称",
        required=True,
        max_length=128,
        placeholder="如：清溪镇打击治理电信网络新型违法犯罪工作领导小组",
    ),
    FormField("office_location", "办公室设在", max_length=128, placeholder="如：镇平安办"),
    FormField(
        "office_director",
        "办公室主任",
        max_length=64,
        help="没有把办公室主任列为领导小组成员时，在这里写明（如：平安办主任）",
    ),
    FormField("document_number", "成立文号", max_length=64, placeholder="如：清委〔2024〕21号"),
    FormField("established_on", "成立日期", kind="date"),
)
MEMBER_FIELDS = (
    FormField(
        "group_role", "小组职务", kind="choice", required=True, choices=list(GROUP_ROLES.items())
    ),
    FormField(
        "name",
        "姓名",
        required=True,
        max_length=64,
        extra={"contact": "mobile", "person_key": "person_id", "post": "post"},
    ),
    FormField("post", "职务", required=True, max_length=128, placeholder="如：党委副书记、镇长"),
    FormField("mobile", "手机", kind="phone"),
    FormField("started_on", "任职日期", kind="date", help="空着则为今天"),
    FormField("ended_on", "离任日期", kind="date", help="成员离开领导小组且无人接任时填写"),
)
ROLE_RANK = {role: rank for rank, role in enumerate(GROUP_ROLES)}


def role_rank() -> ColumnElement:
    """The order of the group roles as printed: 组长 first, 办公室主任 last."""
    return case(ROLE_RANK, value=LeadingGroupMember.group_role, else_=len(ROLE_RANK))


def sits_on(day: date) -> ColumnElement:
    """The seats held on `day`."""
    return or_(LeadingGroupMember.started_on.is_(None), LeadingGroupMember.started_on <= day) & or_(
        LeadingGroupMember.ended_on.is_(None), LeadingGroupMember.ended_on > day
    )


def group_choices(engine: Engine) -> list[tuple[int, str]]:
    """Live leading groups as (id, name), oldest first."""
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(LeadingGroup.id, LeadingGroup.name)
            .where(LeadingGroup.deleted_at.is_(None))
            .order_by(LeadingGroup.id)
        ).all()
    return [(r.id, r.name) for r in rows]


class GroupService(RecordService):
    """Adds and edits leading groups; one with members is not deleted."""

    model = LeadingGroup
    fields = GROUP_FIELDS
    noun = "领导小组"

    def check_delete(self, session: Session, obj: LeadingGroup) -> str | None:
        """A group that still has seats keeps its record."""
        seats = session.scalar(
            select(func.count()).where(
                LeadingGroupMember.group_id == obj.id, LeadingGroupMember.deleted_at.is_(None)
            )
        )
        if seats:
            return f"“{obj.name}”还有{seats}条成员记录（含历任），不能删除。"
        return None


class MemberRegister(SqlRegister):
    """The seats of one group: role, holder, post and term; current or former by filter."""

    title = "领导小组成员"
    columns = (
        RegisterColumn("group_role", "小组职务", 10, sortable=False),
        RegisterColumn("name", "姓名", 8, sortable=False),
        RegisterColumn("post", "职务", 24, sortable=False),
        RegisterColumn("mobile", "手机", 13, personal="phone", sortable=False),
        RegisterColumn("started_on", "任职日期", 11, sortable=False),
        RegisterColumn("ended_on", "离任日期", 11, sortable=False),
        RegisterColumn("state", "状态", 6, sortable=False),
    )
    default_sort = "position"

    def __init__(self, engine: Engine, group_id: int | None = None) -> None:
        super().__init__(engine)
        self.group_id = group_id

    def select_rows(self) -> Select:
        """The group's live seats in printed order (role, then place)."""
        today = date.today()
        return (
            select(
                LeadingGroupMember.id.label("id"),
                case_label(LeadingGroupMember.group_role, GROUP_ROLES).label("group_role"),
                Person.name.label("name"),
                LeadingGroupMember.post.label("post"),
                Person.mobile.label("mobile"),
                LeadingGroupMember.started_on.label("started_on"),
                LeadingGroupMember.ended_on.label("ended_on"),
                case((sits_on(today), "在任"), else_="已离任").label("state"),
                (role_rank() * 100000 + LeadingGroupMember.sort_order).label("position"),
            )
            .join(Person, Person.id == LeadingGroupMember.person_id)
            .where(
                LeadingGroupMember.group_id == (self.group_id or -1),
                LeadingGroupMember.deleted_at.is_(None),
            )
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """Name and post."""
        return (Person.name, LeadingGroupMember.post)

    def filters(self) -> Sequence[RegisterFilter]:
        """在任 or 已离任."""
        return (RegisterFilter("state", "任职", [("current", "在任"), ("former", "已离任")]),)

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The WHERE clause of the term filter."""
        if key == "state":
            current = sits_on(date.today())
            return current if value == "current" else ~current
        return None


def _seat(session: Session, seat_id: int) -> LeadingGroupMember:
    seat = session.get(LeadingGroupMember, seat_id)
    if seat is None or seat.deleted_at is not None:
        raise ValidationError({"": "该成员记录不存在或已被删除"})
    return seat


class MemberService(RecordService):
    """Seats of one group (`group_id`). Changing a seat's holder keeps the former holder.

    The form's values may carry `person_id`, the contact picked for the name.
    """

    model = LeadingGroupMember
    fields = MEMBER_FIELDS
    noun = "领导小组成员"

    def __init__(self, engine: Engine, group_id: int | None, user: str | None = None) -> None:
        super().__init__(engine, user)
        self.group_id = group_id

    def load(self, record_id: int) -> dict[str, Any]:
        """The seat with its holder's name and phone."""
        with unit_of_work(self.engine) as session:
            seat = _seat(session, record_id)
            return {
                "group_role": seat.group_role,
                "name": seat.person.name,
                "post": seat.post,
                "mobile": seat.person.mobile,
                "started_on": seat.started_on,
                "ended_on": seat.ended_on,
                "person_id": seat.person_id,
            }

    def title_of(self, obj: LeadingGroupMember) -> str:
        """`副组长钟书辰`."""
        return f"{GROUP_ROLES.get(obj.group_role, obj.group_role)}{obj.person.name}"

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """Terms in order and not in the future."""
        errors = {}
        today = date.today()
        start, end = values.get("started_on"), values.get("ended_on")
        if start and start > today:
            errors["started_on"] = "任职日期不能晚于今天"
        if end and end > today:
            errors["ended_on"] = "离任日期不能晚于今天"
        if start and end and end < start:
            errors["ended_on"] = "离任日期不能早于任职日期"
        return errors

    @staticmethod
    def _wanted(values: Mapping[str, Any], raw: Mapping[str, Any]) -> WantedPerson:
        return WantedPerson(values["name"], values["mobile"], values["post"], raw.get("person_id"))

    def _changes_holder(self, session: Session, seat: LeadingGroupMember, raw: Mapping) -> bool:
        name = (raw.get("name") or "").strip()
        picked = raw.get("person_id")
        if picked is not None and picked != seat.person_id:
            return True
        return bool(name) and name != seat.person.name

    def question(self, raw: Mapping[str, Any], record_id: int | None) -> str | None:
        """A new holder of a seat is a change of members: say what happens to the old one."""
        if record_id is None:
            return None
        with unit_of_work(self.engine) as session:
            seat = _seat(session, record_id)
            if seat.ended_on is not None or not self._changes_holder(session, seat, raw):
                return None
            old = seat.person.name
        role = GROUP_ROLES.get(raw.get("group_role") or "", "成员")
        return (
            f"姓名由“{old}”改为“{(raw.get('name') or '').strip()}”，按人员更替处理：\n"
            f"“{old}”离任（保留在历任名单中），新成员接任{role}。确定吗？"
        )

    def create(self, raw: Mapping[str, Any]) -> int:
        """A new seat at the end of its role."""
        if self.group_id is None:
            raise ValidationError({"": "请先建立领导小组"})
        with unit_of_work(self.engine, self.user) as session:
            values = self._validated(session, raw, None)
            person = PeopleResolver(session).get(self._wanted(values, raw), category="cadre")
            last = session.scalar(
                select(func.max(LeadingGroupMember.sort_order)).where(
                    LeadingGroupMember.group_id == self.group_id
                )
            )
            seat = LeadingGroupMember(
                group_id=self.group_id,
                person_id=person.id,
                group_role=values["group_role"],
                post=values["post"],
                sort_order=(last or 0) + 1,
                started_on=values["started_on"] or date.today(),
                ended_on=values["ended_on"],
            )
            session.add(seat)
            session.flush()
            audit.record(session, "create", "leading_group_member", seat.uuid)
            return seat.id

    def update(self, record_id: int, raw: Mapping[str, Any]) -> None:
        """Correct a seat; a new holder closes it and opens the successor's seat in its place."""
        with unit_of_work(self.engine, self.user) as session:
            seat = _seat(session, record_id)
            values = self._validated(session, raw, record_id)
            resolver = PeopleResolver(session)
            if self._changes_holder(session, seat, raw):
                if seat.ended_on is not None:
                    raise ValidationError({"name": "已离任的成员记录不能更换人员"})
                self._succeed(session, resolver, seat, values, raw)
                return
            person = resolver.get(self._wanted(values, raw), former=[seat.person])
            for key in ("group_role", "post", "started_on", "ended_on"):
                setattr(
                    seat,
                    key,
                    values[key] if key != "started_on" else values[key] or seat.started_on,
                )
            if values["mobile"] and person.mobile != values["mobile"]:
                person.mobile = values["mobile"]
            audit.record(session, "update", "leading_group_member", seat.uuid)

    def _succeed(
        self,
        session: Session,
        resolver: PeopleResolver,
        seat: LeadingGroupMember,
        values: dict[str, Any],
        raw: Mapping[str, Any],
    ) -> None:
        """Close `seat` on the day of the change and give its place to the new holder."""
        changed_on = values["started_on"] if values["started_on"] != seat.started_on else None
        changed_on = changed_on or date.today()
        if seat.started_on and changed_on < seat.started_on:
            raise ValidationError({"started_on": "接任日期不能早于原成员的任职日期"})
        person = resolver.get(self._wanted(values, raw), category="cadre")
        seat.ended_on = changed_on
        successor = LeadingGroupMember(
            group_id=seat.group_id,
            person_id=person.id,
            group_role=values["group_role"],
            post=values["post"],
            sort_order=seat.sort_order,
            started_on=changed_on,
            ended_on=values["ended_on"],
        )
        session.add(successor)
        session.flush()
        audit.record(session, "update", "leading_group_member", seat.uuid, "ended")
        audit.record(session, "create", "leading_group_member", successor.uuid, "succession")


def move_member(engine: Engine, seat_id: int, step: int, user: str | None = None) -> bool:
    """Move a current seat up (-1) or down (+1) among the current seats of its role.

    Returns False when it is already first or last there.
    """
    today = date.today()
    with unit_of_work(engine, user) as session:
        seat = _seat(session, seat_id)
        peers = session.scalars(
            select(LeadingGroupMember)
            .where(
                LeadingGroupMember.group_id == seat.group_id,
                LeadingGroupMember.group_role == seat.group_role,
                LeadingGroupMember.deleted_at.is_(None),
                sits_on(today),
            )
            .order_by(LeadingGroupMember.sort_order, LeadingGroupMember.id)
        ).all()
        if seat not in peers:
            raise ValidationError({"": "只能调整在任成员的顺序"})
        at = peers.index(seat)
        other = at + step
        if not 0 <= other < len(peers):
            return False
        peers[at], peers[other] = peers[other], peers[at]
        orders = sorted(p.sort_order for p in peers)
        if len(set(orders)) < len(orders):  # equal places (old data): number them afresh
            orders = [orders[0] + i for i in range(len(peers))]
        for place, peer in zip(orders, peers, strict=True):
            peer.sort_order = place
        audit.record(session, "update", "leading_group_member", seat.uuid, "sort_order")
        return True
