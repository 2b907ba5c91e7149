"""The people of a dissuasion case: the person it is about (a resident of the register or typed
in) and the people who dissuaded them (劝导队: police, grid workers, cadres, volunteers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, func, or_, select

from app.core import audit
from app.core.privacy import mask_id_number, mask_phone
from app.core.validation import ValidationError, normalize_digits
from db.base import utcnow
from db.engine import unit_of_work
from db.models import Award, CaseDissuader, DissuasionCase, Household, Person, Resident, Unit

MATCH_LIMIT = 50


@dataclass(frozen=True)
class ResidentMatch:
    """A resident found in the register, as the picker lists them (ID and phone masked)."""

    id: int
    name: str
    gender: str | None
    age: int | None
    village_id: int
    village: str
    address: str
    masked_id_number: str
    masked_phone: str

    @property
    def label(self) -> str:
        """王某某　女　62岁　白鹤村3组12号　330122********1234."""
        parts = [self.name, self.gender or "", f"{self.age}岁" if self.age is not None else "",
                 place(self.village, self.address), self.masked_id_number]  # fmt: skip
        return "　".join(p for p in parts if p)


def place(village: str, address: str) -> str:
    """白鹤村3组12号: the village before the address, unless the address already starts so."""
    return address if address.startswith(village) else f"{village}{address}"


def age_on(birth: date | None, day: date) -> int | None:
    """Full years of a person born on `birth` at `day`."""
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _prefix(column: Any, text: str) -> Any:
    # a range, not LIKE: SQLite then uses the column's index (LIKE would scan 150,000 rows)
    return column.between(text, text + "\uffff")


def find_residents(engine: Engine, text: str, limit: int = MATCH_LIMIT) -> list[ResidentMatch]:
    """Live residents whose name, ID number or mobile starts with `text` (at most `limit`)."""
    text = text.strip()
    if not text:
        return []
    digits = normalize_digits(text)
    if digits[:1].isdigit():
        found = _prefix(Resident.id_number, digits)
        if len(digits) == 11:  # a whole mobile number (phones have no index: only exact)
            found = or_(found, Resident.phone == digits)
    else:
        found = _prefix(Resident.name, text)
    today = date.today()
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(
                Resident.id, Resident.name, Resident.gender, Resident.birth_date,
                Resident.id_number, Resident.phone, Household.village_id, Unit.name,
                Household.address,
            )
            .join(Household, Household.id == Resident.household_id)
            .join(Unit, Unit.id == Household.village_id)
            .where(found, Resident.deleted_at.is_(None), Household.deleted_at.is_(None))
            .order_by(Resident.name, Resident.id)
            .limit(limit)
        ).all()  # fmt: skip
    matches = [
        ResidentMatch(
            r[0], r[1], r[2], age_on(r[3], today), r[6], r[7], r[8] or "",
            mask_id_number(r[4]), mask_phone(r[5]),
        )
        for r in rows
    ]  # fmt: skip
    return matches


def resident_values(engine: Engine, resident_id: int, on: date | None = None) -> dict[str, Any]:
    """The case form's person fields filled from a resident of the register."""
    with unit_of_work(engine) as session:
        row = session.execute(
            select(Resident, Household.village_id)
            .join(Household, Household.id == Resident.household_id)
            .where(Resident.id == resident_id, Resident.deleted_at.is_(None))
        ).first()
        if row is None:
            raise ValidationError({"resident_id": "住户名册中没有这位居民（可能已被删除）"})
        resident, village_id = row
        return {
            "resident_id": resident.id,
            "person_name": resident.name,
            "person_gender": resident.gender,
            "person_age": age_on(resident.birth_date, on or date.today()),
            "person_id_number": resident.id_number,
            "person_phone": resident.phone,
            "village_id": village_id,
        }


def resident_label(engine: Engine, resident_id: int | None) -> str:
    """How the case form names its linked resident: name, village, address (no ID number)."""
    if resident_id is None:
        return ""
    with unit_of_work(engine) as session:
        row = session.execute(
            select(Resident.name, Unit.name, Household.address)
            .join(Household, Household.id == Resident.household_id)
            .join(Unit, Unit.id == Household.village_id)
            .where(Resident.id == resident_id)
        ).first()
    if row is None:
        return "（名册中已没有这位居民）"
    return f"{row[0]}（{place(row[1], row[2] or '')}）"


def resident_by_id_number(session: Any, id_number: str | None) -> int | None:
    """The one live resident with this ID number, if exactly one has it."""
    if not id_number:
        return None
    ids = session.scalars(
        select(Resident.id)
        .where(Resident.id_number == id_number, Resident.deleted_at.is_(None))
        .limit(2)
    ).all()
    return ids[0] if len(ids) == 1 else None


def dissuaders(engine: Engine, case_id: int) -> list[tuple[int, int, str, str]]:
    """(dissuader row id, person id, name, role) of a case."""
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(CaseDissuader.id, Person.id, Person.name, CaseDissuader.role)
            .join(Person, Person.id == CaseDissuader.person_id)
            .where(CaseDissuader.case_id == case_id, CaseDissuader.deleted_at.is_(None))
            .order_by(CaseDissuader.id)
        ).all()
    return [(r[0], r[1], r[2], r[3] or "") for r in rows]


def add_dissuader(
    engine: Engine, case_id: int, person_id: int, role: str = "", user: str | None = None
) -> int:
    """Add a person who dissuaded (once per case)."""
    with unit_of_work(engine, user) as session:
        case_row = session.get(DissuasionCase, case_id)
        person = session.get(Person, person_id)
        if case_row is None or case_row.deleted_at is not None:
            raise ValidationError({"": "案例不存在或已被删除"})
        if person is None or person.deleted_at is not None:
            raise ValidationError({"person_id": "请选择参与劝阻的人员"})
        if len(role.strip()) > 64:
            raise ValidationError({"role": "角色不能超过64个字"})
        twice = session.scalar(
            select(CaseDissuader.id).where(
                CaseDissuader.case_id == case_id, CaseDissuader.person_id == person_id,
                CaseDissuader.deleted_at.is_(None),
            )
        )  # fmt: skip
        if twice:
            raise ValidationError({"person_id": f"{person.name}已在参与劝阻人员中"})
        row = CaseDissuader(case_id=case_id, person_id=person_id, role=role.strip() or None)
        session.add(row)
        session.flush()
        audit.record(session, "create", "case_dissuader", row.uuid)
        return row.id


def remove_dissuader(engine: Engine, dissuader_id: int, user: str | None = None) -> None:
    """Take a person off a case's dissuaders (not one whose award for the case stands)."""
    with unit_of_work(engine, user) as session:
        row = session.get(CaseDissuader, dissuader_id)
        if row is None or row.deleted_at is not None:
            raise ValidationError({"": "该人员不在参与劝阻人员中"})
        awarded = session.scalar(
            select(func.count()).where(
                Award.case_id == row.case_id, Award.recipient_person_id == row.person_id,
                Award.deleted_at.is_(None),
            )
        )  # fmt: skip
        if awarded:
            raise ValidationError({"": "该人员已有本案的奖励，不能移除；请先删除那笔奖励"})
        row.deleted_at = utcnow()
        audit.record(session, "delete", "case_dissuader", row.uuid)
