"""Contacts (联系人): the people named as four people, grid workers, police, group members.

One person is one record however many posts he holds: forms and imports look for the contact
before creating one (`PeopleResolver`), so a 平安办主任 who is also 副组长 and a 监督员 has his
number changed in one place. The 联系人 register lists them all with what each one holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, func, literal, or_, select
from sqlalchemy.orm import Session

from app.core.privacy import mask_phone
from app.core.records import RecordService
from app.core.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.core.validation import FormField
from app.core.vocab import GROUP_ROLES, PERSON_CATEGORIES, UNIT_ROLES
from db.engine import unit_of_work
from db.models import Grid, LeadingGroupMember, Person, PublicityGroup, Unit, UnitRole


@dataclass(frozen=True)
class Contact:
    """A live contact as a form offers it for picking."""

    id: int
    name: str
    post: str | None
    mobile: str | None
    unit: str | None

    @property
    def label(self) -> str:
        """`王建国（清溪镇派出所 所长，138****0001）`: enough to tell two 王建国 apart."""
        where = " ".join(part for part in (self.unit, self.post) if part)
        parts = [p for p in (where, mask_phone(self.mobile)) if p]
        return f"{self.name}（{'，'.join(parts)}）" if parts else self.name


def contacts(engine: Engine) -> list[Contact]:
    """Every live contact, by name."""
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(Person.id, Person.name, Person.post, Person.mobile, Unit.name)
            .outerjoin(Unit, Unit.id == Person.unit_id)
            .where(Person.deleted_at.is_(None))
            .order_by(Person.name, Person.id)
        ).all()
    return [Contact(*row) for row in rows]


@dataclass(frozen=True)
class WantedPerson:
    """A person as a form or a file names him: name, phone, post, and the contact picked."""

    name: str
    mobile: str | None = None
    post: str | None = None
    person_id: int | None = None


class PeopleResolver:
    """Finds or creates the `Person` a form or an import names, within one transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._by_mobile: dict[tuple[str, str], Person] = {}

    def _live(self, person_id: int) -> Person | None:
        person = self.session.get(Person, person_id)
        return person if person is not None and person.deleted_at is None else None

    def get(
        self,
        wanted: WantedPerson,
        *,
        unit_id: int | None = None,
        category: str | None = None,
        former: Sequence[Person] = (),
    ) -> Person:
        """The contact `wanted` names; created (for `unit_id`) when none is known.

        A contact picked in a form is that contact (a new phone typed beside it is stored on
        it). Otherwise the same name and phone is the same person; without a phone, only one of
        the `former` holders of the same seat with the same name is known to be the same.
        """
        if wanted.person_id is not None:
            picked = self._live(wanted.person_id)
            if picked is not None and picked.name == wanted.name:
                if wanted.mobile and picked.mobile != wanted.mobile:
                    picked.mobile = wanted.mobile
                self._fill(picked, wanted, unit_id, category)
                return picked
        if wanted.mobile is not None:
            key = (wanted.name, wanted.mobile)
            found = self._by_mobile.get(key) or self.session.scalar(
                select(Person)
                .where(
                    Person.name == wanted.name,
                    Person.mobile == wanted.mobile,
                    Person.deleted_at.is_(None),
                )
                .order_by(Person.id)
                .limit(1)
            )
            if found is not None:
                self._by_mobile[key] = found
                self._fill(found, wanted, unit_id, category)
                return found
        for person in former:
            if person.name == wanted.name and person.deleted_at is None:
                if wanted.mobile is not None and person.mobile in (None, wanted.mobile):
                    person.mobile = wanted.mobile  # the former holder now gave his number
                elif wanted.mobile is not None:
                    continue  # the same name with another number: another person
                return person
        person = Person(
            name=wanted.name,
            mobile=wanted.mobile,
            post=wanted.post,
            unit_id=unit_id,
            category=category,
        )
        self.session.add(person)
        self.session.flush()
        if wanted.mobile is not None:
            self._by_mobile[(wanted.name, wanted.mobile)] = person
        return person

    @staticmethod
    def _fill(person: Person, wanted: WantedPerson, unit_id: int | None, category: str | None):
        """Fill in what a contact lacked; what he has is not overwritten by another seat."""
        if person.post is None and wanted.post:
            person.post = wanted.post
        if person.unit_id is None and unit_id is not None:
            person.unit_id = unit_id
        if person.category is None and category is not None:
            person.category = category


def holdings(session: Session, person_id: int) -> list[str]:
    """What a contact holds now, in words: `平安办联络员`, `溪口村第1网格网格员`…"""
    held: list[str] = []
    for unit, role in session.execute(
        select(Unit.name, UnitRole.role)
        .join(Unit, Unit.id == UnitRole.unit_id)
        .where(
            UnitRole.person_id == person_id,
            UnitRole.deleted_at.is_(None),
            Unit.deleted_at.is_(None),
        )
    ):
        held.append(f"{unit}{UNIT_ROLES.get(role, role)}")
    for village, grid, worker in session.execute(
        select(Unit.name, Grid.name, Grid.grid_worker_id == person_id)
        .join(Unit, Unit.id == Grid.village_id)
        .where(
            or_(Grid.grid_worker_id == person_id, Grid.police_officer_id == person_id),
            Grid.deleted_at.is_(None),
        )
    ):
        held.append(f"{village}{grid}{'网格员' if worker else '民警'}")
    for role in session.scalars(
        select(LeadingGroupMember.group_role).where(
            LeadingGroupMember.person_id == person_id,
            LeadingGroupMember.deleted_at.is_(None),
            LeadingGroupMember.ended_on.is_(None),
        )
    ):
        held.append(f"领导小组{GROUP_ROLES.get(role, role)}")
    for name, pusher in session.execute(
        select(PublicityGroup.name, PublicityGroup.pusher_id == person_id).where(
            or_(PublicityGroup.pusher_id == person_id, PublicityGroup.supervisor_id == person_id),
            PublicityGroup.deleted_at.is_(None),
        )
    ):
        held.append(f"“{name}”{'推送员' if pusher else '监督员'}")
    return held


def _held_count() -> ColumnElement:
    """How many seats a contact holds now (the 担任 column)."""
    parts = (
        select(func.count())
        .where(UnitRole.person_id == Person.id, UnitRole.deleted_at.is_(None))
        .scalar_subquery(),
        select(func.count())
        .where(
            or_(Grid.grid_worker_id == Person.id, Grid.police_officer_id == Person.id),
            Grid.deleted_at.is_(None),
        )
        .scalar_subquery(),
        select(func.count())
        .where(
            LeadingGroupMember.person_id == Person.id,
            LeadingGroupMember.deleted_at.is_(None),
            LeadingGroupMember.ended_on.is_(None),
        )
        .scalar_subquery(),
        select(func.count())
        .where(
            or_(PublicityGroup.pusher_id == Person.id, PublicityGroup.supervisor_id == Person.id),
            PublicityGroup.deleted_at.is_(None),
        )
        .scalar_subquery(),
    )
    total: ColumnElement = literal(0)
    for part in parts:
        total = total + part
    return total


class PersonRegister(SqlRegister):
    """The 联系人 list: every live contact, his unit, category and how many seats he holds."""

    title = "联系人"
    columns = (
        RegisterColumn("name", "姓名", 8),
        RegisterColumn("post", "职务", 18),
        RegisterColumn("unit", "所在单位", 18),
        RegisterColumn("category", "类别", 6),
        RegisterColumn("mobile", "手机", 13, personal="phone"),
        RegisterColumn("held", "担任职责数", 8, numeric=True),
    )
    default_sort = "name"

    def select_rows(self) -> Select:
        """Contacts with their unit's name and their seat count."""
        return (
            select(
                Person.id.label("id"),
                Person.name.label("name"),
                Person.post.label("post"),
                Unit.name.label("unit"),
                case_label(Person.category, PERSON_CATEGORIES).label("category"),
                Person.mobile.label("mobile"),
                _held_count().label("held"),
            )
            .outerjoin(Unit, Unit.id == Person.unit_id)
            .where(Person.deleted_at.is_(None))
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """Name, post, unit and phone."""
        return (Person.name, Person.post, Unit.name, Person.mobile)

    def filters(self) -> Sequence[RegisterFilter]:
        """类别, and whether he holds anything."""
        return (
            RegisterFilter("category", "类别", list(PERSON_CATEGORIES.items())),
            RegisterFilter("held", "担任", [("yes", "有职责"), ("no", "无职责")]),
        )

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The WHERE clause of the category and seats filters."""
        if key == "category":
            return Person.category == value
        if key == "held":
            return _held_count() > 0 if value == "yes" else _held_count() == 0
        return None


def unit_choices(engine: Engine, kind: str | None = None) -> list[tuple[int, str]]:
    """Live units (of one kind, if given) as (id, name) in their list order."""
    with unit_of_work(engine) as session:
        stmt = select(Unit.id, Unit.name).where(Unit.deleted_at.is_(None))
        if kind is not None:
            stmt = stmt.where(Unit.kind == kind)
        rows = session.execute(stmt.order_by(Unit.sort_order, Unit.id)).all()
    return [(r.id, r.name) for r in rows]


class PersonService(RecordService):
    """Edits contacts; one who still holds a seat is not deleted (he is replaced there first)."""

    model = Person
    noun = "联系人"

    def __init__(self, engine: Engine, user: str | None = None) -> None:
        super().__init__(engine, user)
        self.fields = (
            FormField("name", "姓名", required=True, max_length=64),
            FormField("post", "职务", max_length=64),
            FormField("mobile", "手机", kind="phone"),
            FormField("unit_id", "所在单位", kind="choice", choices=lambda: unit_choices(engine)),
            FormField("category", "类别", kind="choice", choices=list(PERSON_CATEGORIES.items())),
            FormField("notes", "备注", kind="multiline", max_length=2000),
        )

    def holdings_text(self, person_id: int) -> str:
        """`李芳担任：溪口村第1网格网格员；…`, or that he holds nothing."""
        with unit_of_work(self.engine) as session:
            person = self._get(session, person_id)
            held = holdings(session, person_id)
            name = person.name
        return f"{name}担任：{'；'.join(held)}" if held else f"{name}目前没有担任职责。"

    def check_delete(self, session: Session, obj: Person) -> str | None:
        """A contact who still holds a seat cannot be deleted."""
        held = holdings(session, obj.id)
        if held:
            listed = "、".join(held[:5]) + ("等" if len(held) > 5 else "")
            return f"“{obj.name}”还担任{listed}，请先在那里换人后再删除。"
        return None


def person_choices(engine: Engine) -> list[tuple[int, str]]:
    """Live contacts as (id, "name（post）"), by name."""
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(Person.id, Person.name, Person.post)
            .where(Person.deleted_at.is_(None))
            .order_by(Person.name, Person.id)
        ).all()
    return [(r.id, f"{r.name}（{r.post}）" if r.post else r.name) for r in rows]
