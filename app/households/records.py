"""Households and their residents: the forms, the rules, and what one household holds.

The head of household is a resident too (relation 户主); the household form's 户主姓名, 身份证号码
and 联系电话 and the head's resident record are kept the same by both services. A resident's
gender and birth date are read from the ID number, never typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.core.idnumber import birth_date, gender
from app.core.records import RecordService
from app.core.registers import RegisterColumn, SqlRegister, case_label
from app.core.validation import FormField
from app.core.vocab import RELATIONS, RESIDENT_TAGS
from app.households.register import grid_choices, village_choices
from db.engine import unit_of_work
from db.models import Grid, Household, Letter, Resident, Unit, Visit

TAG_CHOICES = [(t, t) for t in RESIDENT_TAGS]


def _choices_of(engine: Engine, lookup) -> Any:
    def choices() -> list[tuple[int, str]]:
        with unit_of_work(engine) as session:
            return lookup(session)

    return choices


def household_fields(engine: Engine) -> tuple[FormField, ...]:
    """The household form; village and grid choices are read when the form opens."""
    return (
        FormField("village_id", "村居", "choice", required=True,
                  choices=_choices_of(engine, village_choices)),
        FormField("grid_id", "网格", "choice", choices=_choices_of(engine, grid_choices)),
        FormField("address", "地址", required=True, max_length=200,
                  placeholder="如：白鹤村3组12号"),
        FormField("head_name", "户主姓名", required=True, max_length=64),
        FormField("head_id_number", "户主身份证号码", "id_number"),
        FormField("phone", "联系电话", "phone", help="手机号或带区号的固定电话"),
        FormField("size", "家庭人数", "int", required=True, minimum=1, maximum=99),
        FormField("tags", "重点人群", "tags", choices=TAG_CHOICES),
        FormField("notes", "备注", "multiline", max_length=2000),
    )  # fmt: skip


def _head_of(session: Session, household_id: int) -> Resident | None:
    return session.scalar(
        select(Resident)
        .where(Resident.household_id == household_id, Resident.relation == "head",
               Resident.deleted_at.is_(None))
        .order_by(Resident.id)
        .limit(1)
    )  # fmt: skip


def _with_id_facts(values: dict[str, Any], id_key: str) -> dict[str, Any]:
    number = values.get(id_key)
    values["gender"] = gender(number) if number else None
    values["birth_date"] = birth_date(number) if number else None
    return values


class HouseholdService(RecordService):
    """Adds, edits and deletes households; the head of household's resident record follows."""

    model = Household
    noun = "住户"

    def __init__(self, engine: Engine, user: str | None = None) -> None:
        super().__init__(engine, user)
        self.fields = household_fields(engine)

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """The grid belongs to the village; one live household per head's ID number."""
        errors = {}
        if values.get("grid_id") is not None:
            village = session.scalar(select(Grid.village_id).where(Grid.id == values["grid_id"]))
            if village != values["village_id"]:
                errors["grid_id"] = "所选网格不属于所选村居"
        number = values.get("head_id_number")
        if number:
            clash = session.execute(
                select(Household.address, Unit.name)
                .join(Unit, Household.village_id == Unit.id)
                .where(Household.head_id_number == number, Household.deleted_at.is_(None),
                       Household.id != (record_id or 0))
            ).first()  # fmt: skip
            if clash:
                errors["head_id_number"] = f"该身份证号码已是{clash.name}“{clash.address}”的户主"
        return errors

    def after_save(self, session: Session, obj: Household, created: bool) -> None:
        """The head of household is also a resident with the same name, ID and phone."""
        head = None if created else _head_of(session, obj.id)
        if head is None:
            head = Resident(household_id=obj.id, relation="head")
            session.add(head)
        head.name, head.id_number, head.phone = obj.head_name, obj.head_id_number, obj.phone
        head.gender = gender(obj.head_id_number) if obj.head_id_number else None
        head.birth_date = birth_date(obj.head_id_number) if obj.head_id_number else None

    def title_of(self, obj: Household) -> str:
        """`张三（白鹤村3组12号）`, with what the household still holds."""
        session = Session.object_session(obj)
        held = household_contents(session, obj.id)
        return f"{obj.head_name}（{obj.address}）{held.describe()}"


@dataclass(frozen=True)
class HouseholdContents:
    """What a household holds besides itself: asked about before it is deleted."""

    residents: int
    visits: int
    letters: int

    def describe(self) -> str:
        """`，该户还有3名居民、5次走访记录、2份文书，删除后将不再显示` or an empty string."""
        parts = [
            f"{n}{what}"
            for n, what in (
                (self.residents, "名居民"),
                (self.visits, "次走访记录"),
                (self.letters, "份文书"),
            )
            if n
        ]
        return f"，该户还有{'、'.join(parts)}，删除后将一并不再显示" if parts else ""


def household_contents(session: Session, household_id: int) -> HouseholdContents:
    """Live residents, visits and letters of one household."""

    def count(model) -> int:
        return session.scalar(
            select(func.count()).where(
                model.household_id == household_id, model.deleted_at.is_(None)
            )
        )

    return HouseholdContents(count(Resident), count(Visit), count(Letter))


RESIDENT_FIELDS = (
    FormField("name", "姓名", required=True, max_length=64),
    FormField("relation", "与户主关系", "choice", required=True, choices=list(RELATIONS.items())),
    FormField("id_number", "身份证号码", "id_number", help="性别和出生日期由身份证号码得出"),
    FormField("phone", "联系电话", "phone"),
    FormField("tags", "重点人群", "tags", choices=TAG_CHOICES),
    FormField("app_installed_on", "安装国家反诈中心APP日期", "date",
              help="未安装请留空"),
    FormField("notes", "备注", "multiline", max_length=1000),
)  # fmt: skip


class ResidentService(RecordService):
    """Adds, edits and deletes the residents of one household."""

    model = Resident
    fields = RESIDENT_FIELDS
    noun = "居民"

    def __init__(self, engine: Engine, user: str | None, household_id: int) -> None:
        super().__init__(engine, user)
        self.household_id = household_id

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """A live household; one head; an ID number once per household; no future install."""
        errors = {}
        household = session.get(Household, self.household_id)
        if household is None or household.deleted_at is not None:
            return {"": "该户不存在或已被删除"}
        if values["relation"] == "head":
            other_head = session.scalar(
                select(Resident.id).where(
                    Resident.household_id == self.household_id, Resident.relation == "head",
                    Resident.deleted_at.is_(None), Resident.id != (record_id or 0),
                )
            )  # fmt: skip
            if other_head:
                errors["relation"] = "该户已有户主；更换户主请先修改原户主的关系"
        if values.get("id_number"):
            twin = session.scalar(
                select(Resident.id).where(
                    Resident.household_id == self.household_id,
                    Resident.id_number == values["id_number"],
                    Resident.deleted_at.is_(None), Resident.id != (record_id or 0),
                )
            )  # fmt: skip
            if twin:
                errors["id_number"] = "该户已有此身份证号码的居民"
        installed = values.get("app_installed_on")
        if installed and installed > date.today():
            errors["app_installed_on"] = "安装日期不能晚于今天"
        return errors

    def derive(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """Gender and birth date from the ID number; the household it belongs to."""
        values = _with_id_facts(dict(values), "id_number")
        values["household_id"] = self.household_id
        return values

    def after_save(self, session: Session, obj: Resident, created: bool) -> None:
        """The head's name, ID and phone are the household's too."""
        if obj.relation == "head":
            household = session.get(Household, obj.household_id)
            household.head_name, household.head_id_number = obj.name, obj.id_number
            household.phone = obj.phone

    def check_delete(self, session: Session, obj: Resident) -> str | None:
        """The head stays while the household exists."""
        if obj.relation == "head":
            return "户主不能删除；请先把另一位居民设为户主，或删除整户"
        return None


class ResidentRegister(SqlRegister):
    """The residents of one household, head first; ID and phone masked."""

    title = "居民"
    columns = (
        RegisterColumn("name", "姓名", 8),
        RegisterColumn("relation", "关系", 6),
        RegisterColumn("gender", "性别", 4),
        RegisterColumn("birth_date", "出生日期", 11),
        RegisterColumn("id_number", "身份证号码", 20, personal="id_number"),
        RegisterColumn("phone", "联系电话", 14, personal="phone"),
        RegisterColumn("tags", "重点人群", 14),
        RegisterColumn("app_installed_on", "安装APP", 11),
    )
    default_sort = "order"

    def __init__(self, engine: Engine, household_id: int | None = None) -> None:
        super().__init__(engine)
        self.household_id = household_id

    def select_rows(self):
        """Live residents of the household."""
        relation_order = case_label(Resident.relation, {k: str(n) for n, k in enumerate(RELATIONS)})
        return select(
            Resident.id.label("id"),
            Resident.name.label("name"),
            case_label(Resident.relation, RELATIONS).label("relation"),
            Resident.gender.label("gender"),
            Resident.birth_date.label("birth_date"),
            Resident.id_number.label("id_number"),
            Resident.phone.label("phone"),
            Resident.tags.label("tags"),
            Resident.app_installed_on.label("app_installed_on"),
            relation_order.label("order"),
        ).where(Resident.household_id == (self.household_id or 0), Resident.deleted_at.is_(None))

    def search_columns(self) -> Sequence:
        """Name and ID number."""
        return (Resident.name, Resident.id_number)


def letters_of(engine: Engine, household_id: int) -> list:
    """The household's letters that are not void or deleted, newest first."""
    from app.letters.printing import household_letters

    with unit_of_work(engine) as session:
        return household_letters(session, household_id)


def residents_of(engine: Engine, household_id: int) -> list[tuple[int, str, bool]]:
    """(id, name, APP installed) of a household's live residents, head first."""
    order = {k: n for n, k in enumerate(RELATIONS)}
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(Resident.id, Resident.name, Resident.relation, Resident.app_installed_on).where(
                Resident.household_id == household_id, Resident.deleted_at.is_(None)
            )
        ).all()
    rows.sort(key=lambda r: (order.get(r.relation, 99), r.id))
    return [(r.id, r.name, r.app_installed_on is not None) for r in rows]
