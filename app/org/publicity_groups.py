"""三级宣传群: the three tiers of WeChat publicity groups, each with a 推送员 and a 监督员.

Seed 001: the office's instructions go from the first-tier group (镇领导+派出所长+村主干…) down to
second-tier groups of each village and unit and third-tier groups of villagers and parents;
each tier's 推送员 forwards them, its 监督员 checks they were forwarded. A group of tier n hangs
under a group of tier n-1; the register records its members and the day of its last push.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, func, select
from sqlalchemy.orm import Session, aliased

from app.core import audit
from app.core.records import RecordService
from app.core.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.core.validation import FormField, ValidationError
from app.org.people import PeopleResolver, WantedPerson, unit_choices
from db.engine import unit_of_work
from db.models import Person, PublicityGroup, Unit

TIERS = {1: "一级", 2: "二级", 3: "三级"}
# A WeChat group holds at most 500 people.
MAX_MEMBERS = 500
STALE_DAYS = 30
SEATS = {
    "pusher_id": ("pusher_name", "pusher_mobile"),
    "supervisor_id": ("supervisor_name", "supervisor_mobile"),
}


def parent_choices(engine: Engine) -> list[tuple[int, str]]:
    """Groups a group may hang under (tiers 1 and 2), as (id, `一级 · name`)."""
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(PublicityGroup.id, PublicityGroup.tier, PublicityGroup.name)
            .where(PublicityGroup.deleted_at.is_(None), PublicityGroup.tier < 3)
            .order_by(PublicityGroup.tier, PublicityGroup.id)
        ).all()
    return [(r.id, f"{TIERS.get(r.tier, r.tier)} · {r.name}") for r in rows]


def group_fields(engine: Engine) -> tuple[FormField, ...]:
    """The group form."""
    return (
        FormField("name", "群名称", required=True, max_length=128),
        FormField("tier", "层级", kind="choice", required=True, choices=list(TIERS.items())),
        FormField("parent_id", "上级群", kind="choice", choices=lambda: parent_choices(engine),
                  help="二级群挂在一级群下，三级群挂在二级群下；一级群不填"),
        FormField("owner_unit_id", "所属村居或单位", kind="choice",
                  choices=lambda: unit_choices(engine)),
        FormField("pusher_name", "推送员", max_length=64,
                  extra={"contact": "pusher_mobile", "person_key": "pusher_person_id"}),
        FormField("pusher_mobile", "推送员手机", kind="phone"),
        FormField("supervisor_name", "监督员", max_length=64,
                  extra={"contact": "supervisor_mobile", "person_key": "supervisor_person_id"}),
        FormField("supervisor_mobile", "监督员手机", kind="phone"),
        FormField("member_count", "群成员人数", kind="int", minimum=0, maximum=MAX_MEMBERS,
                  help="微信群最多500人"),
        FormField("last_push_on", "最近推送日期", kind="date"),
        FormField("notes", "备注", kind="multiline", max_length=2000),
    )  # fmt: skip


class GroupRegister(SqlRegister):
    """Every live publicity group with its tier, parent, owner, people and last push."""

    title = "三级宣传群"
    columns = (
        RegisterColumn("tier", "层级", 5),
        RegisterColumn("name", "群名称", 22),
        RegisterColumn("parent", "上级群", 18),
        RegisterColumn("owner", "所属村居/单位", 14),
        RegisterColumn("pusher", "推送员", 8),
        RegisterColumn("supervisor", "监督员", 8),
        RegisterColumn("member_count", "人数", 6, numeric=True),
        RegisterColumn("last_push_on", "最近推送", 11),
    )
    default_sort = "position"

    def select_rows(self) -> Select:
        """Groups with their parent's, owner's and people's names."""
        parent = aliased(PublicityGroup)
        pusher, supervisor = aliased(Person), aliased(Person)
        return (
            select(
                PublicityGroup.id.label("id"),
                case_label(PublicityGroup.tier, TIERS).label("tier"),
                PublicityGroup.name.label("name"),
                parent.name.label("parent"),
                Unit.name.label("owner"),
                pusher.name.label("pusher"),
                supervisor.name.label("supervisor"),
                PublicityGroup.member_count.label("member_count"),
                PublicityGroup.last_push_on.label("last_push_on"),
                (PublicityGroup.tier * 10000000 + PublicityGroup.id).label("position"),
            )
            .outerjoin(parent, parent.id == PublicityGroup.parent_id)
            .outerjoin(Unit, Unit.id == PublicityGroup.owner_unit_id)
            .outerjoin(pusher, pusher.id == PublicityGroup.pusher_id)
            .outerjoin(supervisor, supervisor.id == PublicityGroup.supervisor_id)
            .where(PublicityGroup.deleted_at.is_(None))
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """Group name and owner (people are searched in 联系人)."""
        return (PublicityGroup.name, Unit.name, PublicityGroup.notes)

    def filters(self) -> Sequence[RegisterFilter]:
        """层级 and push freshness."""
        return (
            RegisterFilter("tier", "层级", list(TIERS.items())),
            RegisterFilter(
                "push",
                "推送",
                [("stale", f"{STALE_DAYS}天内未推送"), ("no_pusher", "未确定推送员")],
            ),
        )

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The WHERE clause of the tier and push filters."""
        if key == "tier":
            return PublicityGroup.tier == value
        if key == "push" and value == "stale":
            since = date.today() - timedelta(days=STALE_DAYS)
            return PublicityGroup.last_push_on.is_(None) | (PublicityGroup.last_push_on < since)
        if key == "push" and value == "no_pusher":
            return PublicityGroup.pusher_id.is_(None)
        return None


def _live(session: Session, group_id: int) -> PublicityGroup:
    group = session.get(PublicityGroup, group_id)
    if group is None or group.deleted_at is not None:
        raise ValidationError({"": "宣传群不存在或已被删除"})
    return group


class GroupService(RecordService):
    """Adds, edits and deletes publicity groups; the tiers hang together."""

    model = PublicityGroup
    noun = "宣传群"

    def __init__(self, engine: Engine, user: str | None = None) -> None:
        super().__init__(engine, user)
        self.fields = group_fields(engine)

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """Tier 1 has no parent; tiers 2 and 3 hang under the tier above; no push tomorrow."""
        errors: dict[str, str] = {}
        tier, parent_id = values["tier"], values.get("parent_id")
        if tier == 1 and parent_id:
            errors["parent_id"] = "一级群没有上级群"
        elif tier > 1:
            parent = session.get(PublicityGroup, parent_id) if parent_id else None
            if parent is None or parent.deleted_at is not None:
                errors["parent_id"] = f"请选择{TIERS[tier]}群的上级群（{TIERS[tier - 1]}群）"
            elif parent.tier != tier - 1:
                errors["parent_id"] = f"{TIERS[tier]}群的上级群应为{TIERS[tier - 1]}群"
            elif parent.id == record_id:
                errors["parent_id"] = "上级群不能是它自己"
        if record_id is not None:
            has_children = session.scalar(
                select(func.count()).where(
                    PublicityGroup.parent_id == record_id, PublicityGroup.deleted_at.is_(None)
                )
            )
            old_tier = session.get_one(PublicityGroup, record_id).tier
            if has_children and tier != old_tier:
                errors["tier"] = f"该群下还有{has_children}个下级群，不能改变层级"
        if values.get("last_push_on") and values["last_push_on"] > date.today():
            errors["last_push_on"] = "最近推送日期不能晚于今天"
        for name_key, mobile_key in SEATS.values():
            if values.get(mobile_key) and not values.get(name_key):
                errors[name_key] = "填了手机，但没有填姓名"
        return errors

    def load(self, record_id: int) -> dict[str, Any]:
        """The group with its people's names and phones."""
        with unit_of_work(self.engine) as session:
            group = _live(session, record_id)
            values = {f.key: getattr(group, f.key, None) for f in self.fields}
            for seat, (name_key, mobile_key) in SEATS.items():
                person = session.get(Person, getattr(group, seat)) if getattr(group, seat) else None
                values[name_key] = person.name if person else None
                values[mobile_key] = person.mobile if person else None
                values[name_key.replace("_name", "_person_id")] = person.id if person else None
            return values

    def _store(
        self, session: Session, group: PublicityGroup, values: Mapping[str, Any], raw: Mapping
    ) -> None:
        for key in (
            "name",
            "tier",
            "parent_id",
            "owner_unit_id",
            "member_count",
            "last_push_on",
            "notes",
        ):
            setattr(group, key, values[key] if key != "member_count" else values[key] or 0)
        if group.tier == 1:
            group.parent_id = None
        resolver = PeopleResolver(session)
        for seat, (name_key, mobile_key) in SEATS.items():
            name = values.get(name_key)
            if not name:
                setattr(group, seat, None)
                continue
            current = getattr(group, seat)
            former = [session.get_one(Person, current)] if current else []
            wanted = WantedPerson(
                name, values.get(mobile_key), None, raw.get(name_key.replace("_name", "_person_id"))
            )
            person = resolver.get(wanted, unit_id=values.get("owner_unit_id"), former=former)
            setattr(group, seat, person.id)

    def create(self, raw: Mapping[str, Any]) -> int:
        """A new group."""
        with unit_of_work(self.engine, self.user) as session:
            values = self._validated(session, raw, None)
            group = PublicityGroup(name=values["name"], tier=values["tier"])
            self._store(session, group, values, raw)
            session.add(group)
            session.flush()
            audit.record(session, "create", "publicity_group", group.uuid)
            return group.id

    def update(self, record_id: int, raw: Mapping[str, Any]) -> None:
        """Store a group's changes."""
        with unit_of_work(self.engine, self.user) as session:
            group = _live(session, record_id)
            values = self._validated(session, raw, record_id)
            self._store(session, group, values, raw)
            audit.record(session, "update", "publicity_group", group.uuid)

    def check_delete(self, session: Session, obj: PublicityGroup) -> str | None:
        """A group with groups under it is not deleted (they would hang under nothing)."""
        children = session.scalar(
            select(func.count()).where(
                PublicityGroup.parent_id == obj.id, PublicityGroup.deleted_at.is_(None)
            )
        )
        if children:
            return f"“{obj.name}”下还有{children}个下级群，请先删除它们或把它们挂到其他群下。"
        return None


def record_push(
    engine: Engine, group_id: int, day: date | None = None, user: str | None = None
) -> None:
    """Record that the group was pushed to on `day` (today)."""
    day = day or date.today()
    if day > date.today():
        raise ValidationError({"last_push_on": "推送日期不能晚于今天"})
    with unit_of_work(engine, user) as session:
        group = _live(session, group_id)
        if group.last_push_on is None or day > group.last_push_on:
            group.last_push_on = day
        audit.record(session, "update", "publicity_group", group.uuid, "pushed")


@dataclass
class GroupNode:
    """A group in the tree, with the groups under it."""

    id: int
    tier: int
    name: str
    owner: str
    pusher: str
    supervisor: str
    member_count: int
    last_push_on: date | None
    children: list[GroupNode] = field(default_factory=list)

    def count(self) -> int:
        """This group and every group under it."""
        return 1 + sum(child.count() for child in self.children)


def group_tree(engine: Engine) -> list[GroupNode]:
    """The live groups as a forest: tier-1 groups at the top; a group whose parent is gone (or
    was never set) is shown at the top too, so none is hidden."""
    pusher, supervisor = aliased(Person), aliased(Person)
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(
                PublicityGroup.id, PublicityGroup.parent_id, PublicityGroup.tier,
                PublicityGroup.name, Unit.name, pusher.name, supervisor.name,
                PublicityGroup.member_count, PublicityGroup.last_push_on,
            )
            .outerjoin(Unit, Unit.id == PublicityGroup.owner_unit_id)
            .outerjoin(pusher, pusher.id == PublicityGroup.pusher_id)
            .outerjoin(supervisor, supervisor.id == PublicityGroup.supervisor_id)
            .where(PublicityGroup.deleted_at.is_(None))
            .order_by(PublicityGroup.tier, PublicityGroup.id)
        ).all()  # fmt: skip
    nodes = {
        r[0]: GroupNode(r[0], r[2], r[3], r[4] or "", r[5] or "", r[6] or "", r[7] or 0, r[8])
        for r in rows
    }
    roots: list[GroupNode] = []
    for r in rows:
        parent = nodes.get(r[1]) if r[1] is not None else None
        (parent.children if parent is not None else roots).append(nodes[r[0]])
    return roots
