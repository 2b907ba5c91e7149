"""Member units (成员单位): the register, the form with the four people, and the rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    select,
)
from sqlalchemy.orm import Session, aliased

from app.core import audit
from app.core.records import RecordService
from app.core.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.core.validation import FormField, ValidationError
from app.core.vocab import UNIT_KINDS, UNIT_ROLES
from app.org.people import PeopleResolver
from app.org.unit_roles import clean_people, replace_roles, unit_people
from db.base import utcnow
from db.engine import unit_of_work
from db.models import (
    Employee,
    Grid,
    Household,
    MeetingAttendance,
    Person,
    PublicityActivity,
    PublicityGroup,
    Unit,
    UnitRole,
)

UNIT_FIELDS = (
    FormField("name", "单位名称", required=True, max_length=128),
    FormField("short_name", "简称", max_length=32),
    FormField("kind", "类别", kind="choice", required=True, choices=list(UNIT_KINDS.items())),
    FormField("address", "地址", max_length=200),
    FormField("phone", "联系电话", kind="phone"),
    FormField("duties", "职责分工", kind="multiline", max_length=4000),
    FormField("notes", "备注", kind="multiline", max_length=2000),
)

ROLE_COUNT = len(UNIT_ROLES)
COMPLETE = "齐全"
NONE_REPORTED = "四员均未报送"


def _roles_named() -> ColumnElement:
    """How many of the four roles a unit has named (a lecturer counts once)."""
    return (
        select(func.count(func.distinct(UnitRole.role)))
        .where(UnitRole.unit_id == Unit.id, UnitRole.deleted_at.is_(None))
        .scalar_subquery()
    )


def _has_role(role: str) -> ColumnElement:
    return exists().where(
        UnitRole.unit_id == Unit.id, UnitRole.role == role, UnitRole.deleted_at.is_(None)
    )


def _missing_text() -> ColumnElement:
    """`齐全`, or what is missing: `缺联络员、宣讲员` (SQL, so the column sorts)."""
    text: ColumnElement = literal("", String)
    for role, label in UNIT_ROLES.items():
        text = text + case((_has_role(role), ""), else_=label + "、")
    listed = func.rtrim(text, "、")
    return case((listed == "", COMPLETE), (_roles_named() == 0, NONE_REPORTED), else_="缺" + listed)


def _holder(role: str) -> ColumnElement:
    """The name of a unit's holder of `role` (the first, for lecturers)."""
    return (
        select(Person.name)
        .join(UnitRole, UnitRole.person_id == Person.id)
        .where(UnitRole.unit_id == Unit.id, UnitRole.role == role, UnitRole.deleted_at.is_(None))
        .order_by(UnitRole.sort_order, UnitRole.id)
        .limit(1)
        .scalar_subquery()
    )


def _staff_count() -> ColumnElement:
    return (
        select(func.count())
        .where(Employee.unit_id == Unit.id, Employee.deleted_at.is_(None))
        .scalar_subquery()
    )


def _liaison_mobile() -> ColumnElement:
    return (
        select(Person.mobile)
        .join(UnitRole, UnitRole.person_id == Person.id)
        .where(
            UnitRole.unit_id == Unit.id,
            UnitRole.role == "liaison",
            UnitRole.deleted_at.is_(None),
        )
        .order_by(UnitRole.sort_order, UnitRole.id)
        .limit(1)
        .scalar_subquery()
    )


class UnitRegister(SqlRegister):
    """The 成员单位 list: every live unit, its 第一责任人 and 联络员, and what it lacks."""

    title = "成员单位"
    columns = (
        RegisterColumn("name", "单位名称", 24),
        RegisterColumn("kind", "类别", 8),
        RegisterColumn("roles", "四员", 16),
        RegisterColumn("first", "第一责任人", 9),
        RegisterColumn("liaison", "联络员", 8),
        RegisterColumn("liaison_mobile", "联络员手机", 13, personal="phone"),
        RegisterColumn("phone", "联系电话", 14),
        RegisterColumn("address", "地址", 22),
        RegisterColumn("staff", "职工人数", 8, numeric=True),
        RegisterColumn("duties", "职责分工", 40),
    )
    default_sort = "sort_order"

    def select_rows(self) -> Select:
        """Units with their four-role state; `sort_order` is kept for the default order."""
        return select(
            Unit.id.label("id"),
            Unit.name.label("name"),
            case_label(Unit.kind, UNIT_KINDS).label("kind"),
            _missing_text().label("roles"),
            _holder("first_responsible").label("first"),
            _holder("liaison").label("liaison"),
            _liaison_mobile().label("liaison_mobile"),
            Unit.phone.label("phone"),
            Unit.address.label("address"),
            _staff_count().label("staff"),
            Unit.duties.label("duties"),
            Unit.sort_order.label("sort_order"),
        ).where(Unit.deleted_at.is_(None))

    def search_columns(self) -> Sequence[ColumnElement]:
        """Name, short name, address, duties, and the names of its people."""
        holder = aliased(Person)
        people = (
            select(func.group_concat(holder.name, " "))
            .join(UnitRole, UnitRole.person_id == holder.id)
            .where(UnitRole.unit_id == Unit.id, UnitRole.deleted_at.is_(None))
            .scalar_subquery()
        )
        return (Unit.name, Unit.short_name, Unit.address, Unit.duties, cast(people, String))

    def filters(self) -> Sequence[RegisterFilter]:
        """类别 and whether the four people are all named."""
        return (
            RegisterFilter("kind", "类别", list(UNIT_KINDS.items())),
            RegisterFilter(
                "roles", "四员", [("complete", "四员齐全"), ("incomplete", "未报齐四员")]
            ),
        )

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The WHERE clause of the kind and four-roles filters."""
        if key == "kind":
            return Unit.kind == value
        if key == "roles":
            roles = _roles_named()
            return roles >= ROLE_COUNT if value == "complete" else roles < ROLE_COUNT
        return None


def _count(session: Session, model: Any, *where: Any) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


class UnitService(RecordService):
    """Adds, edits and deletes member units, with their four people in the same transaction.

    The form's values may carry `people`: rows of role, name, post, mobile and the contact
    picked (`person_id`); without that key the unit's people are left as they are.
    """

    model = Unit
    fields = UNIT_FIELDS
    noun = "成员单位"

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """A unit's name is unique among live units."""
        clash = session.scalar(
            select(Unit.id).where(
                Unit.name == values["name"], Unit.deleted_at.is_(None), Unit.id != (record_id or 0)
            )
        )
        return {"name": f"已有名为“{values['name']}”的成员单位"} if clash else {}

    def _clean(self, session: Session, raw: Mapping[str, Any], record_id: int | None) -> tuple:
        """The unit's values and its people, every error of both at once."""
        errors: dict[str, str] = {}
        values: dict[str, Any] = {}
        people = None
        try:
            values = self._validated(session, raw, record_id)
        except ValidationError as exc:
            errors.update(exc.errors)
        if raw.get("people") is not None:
            try:
                people = clean_people(raw["people"])
            except ValidationError as exc:
                errors.update(exc.errors)
        if errors:
            raise ValidationError(errors)
        return values, people

    def load(self, record_id: int) -> dict[str, Any]:
        """The unit's form values and its people rows."""
        with unit_of_work(self.engine, self.user) as session:
            obj = self._get(session, record_id)
            values = {f.key: getattr(obj, f.key) for f in self.fields}
            values["people"] = unit_people(session, record_id)
            return values

    def create(self, raw: Mapping[str, Any]) -> int:
        """A new unit at the end of the list, with its people. Raises `ValidationError`."""
        with unit_of_work(self.engine, self.user) as session:
            values, people = self._clean(session, raw, None)
            last = session.scalar(select(func.max(Unit.sort_order))) or 0
            unit = Unit(**values, sort_order=last + 1)
            session.add(unit)
            session.flush()
            if people:
                replace_roles(session, PeopleResolver(session), unit, people, list(UNIT_ROLES))
            audit.record(session, "create", "unit", unit.uuid)
            return unit.id

    def update(self, record_id: int, raw: Mapping[str, Any]) -> None:
        """Store changed values and people of a unit. Raises `ValidationError`."""
        with unit_of_work(self.engine, self.user) as session:
            unit = self._get(session, record_id)
            values, people = self._clean(session, raw, record_id)
            changed = [k for k, v in values.items() if getattr(unit, k) != v]
            for key in changed:
                setattr(unit, key, values[key])
            if people is not None and replace_roles(
                session, PeopleResolver(session), unit, people, list(UNIT_ROLES)
            ):
                changed.append("roles")
            if changed:
                # field names only: values may be personal data
                audit.record(session, "update", "unit", unit.uuid, ",".join(changed))

    def check_delete(self, session: Session, obj: Unit) -> str | None:
        """A village that still has grids or households cannot be deleted."""
        grids = _count(session, Grid, Grid.village_id == obj.id, Grid.deleted_at.is_(None))
        households = _count(
            session, Household, Household.village_id == obj.id, Household.deleted_at.is_(None)
        )
        if grids or households:
            return (
                f"“{obj.name}”下还有{grids}个网格、{households}户住户，"
                "请先将它们移到其他村居后再删除。"
            )
        return None

    def delete_question(self, record_id: int) -> str:
        """What deleting the unit takes with it and what it leaves, asked before deleting.

        Raises `ValidationError` with the reason when the unit cannot be deleted.
        """
        with unit_of_work(self.engine) as session:
            unit = self._get(session, record_id)
            reason = self.check_delete(session, unit)
            if reason:
                raise ValidationError({"": reason})
            live_roles = and_(UnitRole.unit_id == unit.id, UnitRole.deleted_at.is_(None))
            roles = _count(session, UnitRole, live_roles)
            staff = _count(
                session, Employee, Employee.unit_id == unit.id, Employee.deleted_at.is_(None)
            )
            records = (
                _count(
                    session,
                    MeetingAttendance,
                    MeetingAttendance.unit_id == unit.id,
                    MeetingAttendance.deleted_at.is_(None),
                )
                + _count(
                    session,
                    PublicityActivity,
                    PublicityActivity.unit_id == unit.id,
                    PublicityActivity.deleted_at.is_(None),
                )
                + _count(
                    session,
                    PublicityGroup,
                    PublicityGroup.owner_unit_id == unit.id,
                    PublicityGroup.deleted_at.is_(None),
                )
            )
            name = unit.name
        lines = [f"确定删除成员单位“{name}”吗？"]
        if roles or staff:
            lines.append(
                f"它的四员名单（{roles}人）和职工名单（{staff}人）将一并删除；"
                "联系人本身保留在联系人名单中。"
            )
        if records:
            lines.append(f"它的会议出席、宣传活动、宣传群等{records}条记录保留，仍显示原单位名称。")
        return "\n".join(lines)

    def after_delete(self, session: Session, obj: Unit) -> None:
        """Its four people's seats and its staff list go with it (the question said so)."""
        now = utcnow()
        for model in (UnitRole, Employee):
            for row in session.scalars(
                select(model).where(model.unit_id == obj.id, model.deleted_at.is_(None))
            ):
                row.deleted_at = now


def member_unit_choices(engine: Engine) -> list[tuple[int, str]]:
    """Live member units as (id, name) in their list order."""
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(Unit.id, Unit.name)
            .where(Unit.deleted_at.is_(None), Unit.is_member.is_(True))
            .order_by(Unit.sort_order, Unit.id)
        ).all()
    return [(r.id, r.name) for r in rows]
