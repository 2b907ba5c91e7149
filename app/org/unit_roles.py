"""The four named people of a unit (四员), as a form and an import give them, and who lacks them.

Seed 001: every village and unit reports its 第一责任人 (主要负责人), 具体责任人 (分管领导), one
联络员 and at least one 宣讲员. A seat whose holder changes is replaced (the old row soft-deleted,
so who held it stays known); an unchanged seat keeps the date it was reported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core.validation import FormField, ValidationError, clean_value
from app.core.vocab import UNIT_KINDS, UNIT_ROLES
from app.documents import Document, chinese_date
from app.org.people import PeopleResolver, WantedPerson
from app.sheets.writing import SheetTable, write_tables_xlsx
from db.base import utcnow
from db.engine import unit_of_work
from db.models import Person, Unit, UnitRole

# Roles a unit may name more than one person for.
MULTIPLE_ROLES = ("lecturer",)
REPORT_TITLE = "未报送四员名单的单位"


def person_fields(label: str) -> tuple[FormField, FormField, FormField]:
    """The rules for one person of a role: name, post and phone, labelled after the role."""
    return (
        FormField("name", label, max_length=64),
        FormField("post", f"{label}职务", max_length=64),
        FormField("mobile", f"{label}手机", kind="phone"),
    )


@dataclass(frozen=True)
class RolePerson:
    """One named person of a unit: the role, who, and (from a form) the contact picked."""

    role: str
    name: str
    post: str | None
    mobile: str | None
    person_id: int | None = None

    def wanted(self) -> WantedPerson:
        """The person as the contacts resolver looks him up."""
        return WantedPerson(self.name, self.mobile, self.post, self.person_id)


def clean_people(rows: Sequence[Mapping[str, Any]]) -> list[RolePerson]:
    """The form's people rows (role, name, post, mobile, person_id) checked; rows without a
    name, post or phone are left out. Raises `ValidationError` keyed `people.N.field`."""
    people: list[RolePerson] = []
    errors: dict[str, str] = {}
    seen: set[str] = set()
    for number, row in enumerate(rows):
        role = row.get("role")
        if role not in UNIT_ROLES:
            raise ValueError(f"unknown role {role}")
        label = UNIT_ROLES[role]
        cells = {key: row.get(key) for key in ("name", "post", "mobile")}
        if all(v is None or not str(v).strip() for v in cells.values()):
            continue
        values: dict[str, Any] = {}
        for f in person_fields(label):
            value, error = clean_value(f, cells[f.key])
            values[f.key] = value
            if error:
                errors[f"people.{number}.{f.key}"] = error
        if not values["name"] and f"people.{number}.name" not in errors:
            errors[f"people.{number}.name"] = f"{label}填了职务或电话，但没有填姓名"
        if role in seen and role not in MULTIPLE_ROLES:
            errors[f"people.{number}.name"] = f"{label}只能填一人"
        seen.add(role)
        if not any(key.startswith(f"people.{number}.") for key in errors):
            people.append(
                RolePerson(
                    role, values["name"], values["post"], values["mobile"], row.get("person_id")
                )
            )
    if errors:
        raise ValidationError(errors)
    return people


def unit_people(session: Session, unit_id: int) -> list[dict[str, Any]]:
    """The live people of a unit as form rows, in role order (lecturers in their order)."""
    order = list(UNIT_ROLES)
    rows = session.execute(
        select(UnitRole, Person)
        .join(Person, Person.id == UnitRole.person_id)
        .where(UnitRole.unit_id == unit_id, UnitRole.deleted_at.is_(None))
        .order_by(UnitRole.sort_order, UnitRole.id)
    ).all()
    people = [
        {
            "role": role.role,
            "name": person.name,
            "post": role.post,
            "mobile": person.mobile,
            "person_id": person.id,
            "reported_on": role.reported_on,
        }
        for role, person in rows
    ]
    return sorted(people, key=lambda p: order.index(p["role"]) if p["role"] in order else 99)


def replace_roles(
    session: Session,
    resolver: PeopleResolver,
    unit: Unit,
    wanted: Sequence[RolePerson],
    roles: Sequence[str],
    today: date | None = None,
) -> bool:
    """Give `unit` the wanted people for `roles` (others untouched); True when anything changed.

    Old seats are soft-deleted and new ones added only when the holders, posts or order differ;
    a seat held by the same person keeps its 报送日期, a new one is reported `today`.
    """
    today = today or date.today()
    old = session.scalars(
        select(UnitRole)
        .where(
            UnitRole.unit_id == unit.id,
            UnitRole.deleted_at.is_(None),
            UnitRole.role.in_(roles),
        )
        .order_by(UnitRole.sort_order, UnitRole.id)
    ).all()
    former = [r.person for r in old]
    category = "police_officer" if unit.kind == "police" else "cadre"
    order = list(UNIT_ROLES)
    chosen = sorted(wanted, key=lambda w: order.index(w.role))
    new = [
        (w, resolver.get(w.wanted(), unit_id=unit.id, category=category, former=former))
        for w in chosen
    ]
    as_is = sorted(((r.role, r.person_id, r.post) for r in old), key=lambda t: order.index(t[0]))
    to_be = [(w.role, p.id, w.post) for w, p in new]
    if as_is == to_be:
        return False
    reported = {(r.role, r.person_id): r.reported_on for r in old}
    now = utcnow()
    for role in old:
        role.deleted_at = now
    for number, (w, person) in enumerate(new):
        session.add(
            UnitRole(
                unit_id=unit.id,
                role=w.role,
                person_id=person.id,
                post=w.post,
                sort_order=number,
                reported_on=reported.get((w.role, person.id)) or today,
            )
        )
    return True


@dataclass(frozen=True)
class MissingRoles:
    """A unit that has not named all four people, and which ones it lacks."""

    unit_id: int
    name: str
    kind: str
    missing: tuple[str, ...]

    @property
    def missing_text(self) -> str:
        """`具体责任人、宣讲员`, or `四员均未报送`."""
        if len(self.missing) == len(UNIT_ROLES):
            return "四员均未报送"
        return "、".join(UNIT_ROLES[r] for r in self.missing)


def units_missing_roles(engine: Engine) -> list[MissingRoles]:
    """Every live unit lacking one of the four people, in the unit list's order."""
    with unit_of_work(engine) as session:
        units = session.execute(
            select(Unit.id, Unit.name, Unit.kind)
            .where(Unit.deleted_at.is_(None))
            .order_by(Unit.sort_order, Unit.id)
        ).all()
        named: dict[int, set[str]] = {}
        for unit_id, role in session.execute(
            select(UnitRole.unit_id, UnitRole.role).where(UnitRole.deleted_at.is_(None))
        ):
            named.setdefault(unit_id, set()).add(role)
    result = []
    for unit_id, name, kind in units:
        missing = tuple(r for r in UNIT_ROLES if r not in named.get(unit_id, set()))
        if missing:
            result.append(MissingRoles(unit_id, name, kind, missing))
    return result


def report_title(today: date) -> str:
    """`截至2024年10月8日未报送四员名单的单位`."""
    return f"截至{chinese_date(today)}{REPORT_TITLE}"


def missing_roles_document(rows: Sequence[MissingRoles], today: date, issuer: str = "") -> Document:
    """The report as a printout: title, a sentence with the count, and a numbered table."""
    doc = Document(style="official", where=REPORT_TITLE)
    doc.title(report_title(today))
    if rows:
        doc.paragraph(
            f"截至{chinese_date(today)}，以下{len(rows)}个村居和成员单位尚未报齐第一责任人、"
            "具体责任人、联络员、宣讲员名单，请尽快报送领导小组办公室。"
        )
        doc.table(
            ("序号", "单位名称", "类别", "未报送"),
            [
                (n, r.name, UNIT_KINDS.get(r.kind, r.kind), r.missing_text)
                for n, r in enumerate(rows, start=1)
            ],
            widths=(0.7, 3.6, 1.3, 3.4),
            align=("center", "left", "center", "left"),
        )
    else:
        doc.paragraph(f"截至{chinese_date(today)}，各村居和成员单位均已报齐四员名单。")
    if issuer:
        doc.signature(issuer, today)
    return doc


def write_missing_roles_xlsx(rows: Sequence[MissingRoles], path: Path | str, today: date) -> None:
    """The report as an .xlsx: one unit per row, with what it lacks."""
    table = SheetTable(
        "未报送四员",
        ["序号", "单位名称", "类别", "未报送"],
        [
            [n, r.name, UNIT_KINDS.get(r.kind, r.kind), r.missing_text]
            for n, r in enumerate(rows, start=1)
        ],
        (6, 32, 12, 40),
    )
    note = SheetTable("说明", ["说明"], [[report_title(today)]], (60,))
    write_tables_xlsx(path, [table, note])
