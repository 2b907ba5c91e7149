"""Who letters go to: the households of a village or grid, a unit's staff, and the values each
letter's text is filled with; refused before printing when a head's name is missing or a
character is in no font.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core.privacy import mask_id_number, mask_phone
from app.core.validation import ValidationError
from app.core.vocab import LETTER_KINDS
from app.documents import FontSet, default_fonts
from db.engine import unit_of_work
from db.models import Employee, Grid, Household, Letter, Unit

# A household counts as done with a kind once its letter reaches one of these.
DONE_STATUSES = {
    "notice": ("delivered", "signed"),
    "commitment_household": ("signed",),
    "commitment_employee": ("signed",),
}


@dataclass(frozen=True)
class Addressee:
    """Who a letter is for: a household or an employee, and the values its text uses."""

    household_id: int | None
    employee_id: int | None
    name: str
    values: dict[str, Any]


def household_addressees(
    session: Session, household_ids: Sequence[int], full_numbers: bool = False
) -> list[Addressee]:
    """The households as addressees, in the order given; ValidationError for a missing one or
    one without a head's name (nothing is printed then)."""
    rows = {
        r.id: r
        for r in session.execute(
            select(Household.id, Household.head_name, Household.address, Household.phone,
                   Household.head_id_number, Household.size, Unit.name.label("village"),
                   Grid.name.label("grid"))
            .join(Unit, Unit.id == Household.village_id)
            .outerjoin(Grid, Grid.id == Household.grid_id)
            .where(Household.id.in_(household_ids), Household.deleted_at.is_(None))
        )
    }  # fmt: skip
    problems = []
    result = []
    for household_id in household_ids:
        r = rows.get(household_id)
        if r is None:
            problems.append(f"第{household_id}号住户不存在或已被删除")
            continue
        if not (r.head_name or "").strip():
            place = r.address if r.address.startswith(r.village) else f"{r.village}{r.address}"
            problems.append(f"住户“{place}”没有户主姓名，请先在住户台账中填写")
            continue
        id_number = r.head_id_number if full_numbers else mask_id_number(r.head_id_number)
        phone = r.phone if full_numbers else mask_phone(r.phone)
        values = {
            "户主姓名": r.head_name, "地址": r.address, "村居": r.village, "网格": r.grid or "",
            "身份证号": id_number or "", "电话": phone or "", "家庭人数": r.size,
        }  # fmt: skip
        result.append(Addressee(household_id, None, r.head_name, values))
    if problems:
        raise ValidationError({"": _problems(problems)})
    return result


def _problems(problems: Sequence[str]) -> str:
    more = f"；另有{len(problems) - 10}处" if len(problems) > 10 else ""
    return "无法打印，什么也没有打印：" + "；".join(problems[:10]) + more


def _record_name(kind: str, a: Addressee) -> str:
    """How an error names the letter's record: 告知书：住户王喆（白鹤村3组12号）."""
    if a.household_id is not None:
        return f"{LETTER_KINDS[kind]}：住户{a.name}（{a.values.get('地址') or ''}）"
    return f"{LETTER_KINDS[kind]}：{a.values.get('单位') or ''}职工{a.name}"


def check_glyphs(kind: str, addressees: Sequence[Addressee], fonts: FontSet | None = None) -> None:
    """Refuse, before anything is drawn, addressees whose values hold a character that no
    font has (ReportLab would print a blank): ValidationError naming each character, the field
    and the record."""
    fonts = fonts or default_fonts()
    problems = []
    for a in addressees:
        for field, value in a.values.items():
            for char in str(value):
                if fonts.face_for("body", char) is None:
                    problems.append(
                        f"{_record_name(kind, a)}的“{field}”中有字符“{char}”（U+{ord(char):04X}），"
                        "所有可用字体中都没有这个字"
                    )
                    break
    if problems:
        raise ValidationError(
            {"": _problems(problems) + "。请安装含有该字的字体，或改用同音的常用字并在备注中说明。"}
        )


def employee_addressees(session: Session, employee_ids: Sequence[int]) -> list[Addressee]:
    """Employees as addressees; ValidationError for a missing one."""
    rows = {
        r.id: r
        for r in session.execute(
            select(
                Employee.id, Employee.name, Employee.post, Employee.mobile, Unit.name.label("unit")
            )
            .join(Unit, Unit.id == Employee.unit_id)
            .where(Employee.id.in_(employee_ids), Employee.deleted_at.is_(None))
        )
    }  # fmt: skip
    missing = [i for i in employee_ids if i not in rows]
    if missing:
        raise ValidationError({"": f"有{len(missing)}名职工不存在或已被删除"})
    return [
        Addressee(None, i, rows[i].name, {
            "姓名": rows[i].name, "单位": rows[i].unit, "职务": rows[i].post or "",
            "电话": mask_phone(rows[i].mobile),
        })
        for i in employee_ids
    ]  # fmt: skip


def select_households(
    engine: Engine,
    kind: str,
    village: str | None = None,
    grid: str | None = None,
    unsigned: bool = False,
) -> list[int]:
    """Live households of a village / grid (by name), optionally only those whose letter of
    `kind` is not yet done (告知书 not delivered, 承诺书 not signed); ValidationError for an
    unknown village or grid."""
    with unit_of_work(engine) as session:
        stmt = select(Household.id).where(Household.deleted_at.is_(None)).order_by(Household.id)
        if village:
            village_id = session.scalar(
                select(Unit.id).where(Unit.name == village, Unit.kind == "village",
                                      Unit.deleted_at.is_(None))
            )  # fmt: skip
            if village_id is None:
                raise ValidationError({"village": f"没有名为“{village}”的村居"})
            stmt = stmt.where(Household.village_id == village_id)
        if grid:
            grids = select(Grid.id).where(Grid.name == grid, Grid.deleted_at.is_(None))
            if village:
                grids = grids.where(Grid.village_id == village_id)
            grid_ids = session.scalars(grids).all()
            if not grid_ids:
                raise ValidationError({"grid": f"没有名为“{grid}”的网格"})
            stmt = stmt.where(Household.grid_id.in_(grid_ids))
        if unsigned:
            done = select(Letter.household_id).where(
                Letter.kind == kind, Letter.status.in_(DONE_STATUSES[kind]),
                Letter.deleted_at.is_(None), Letter.household_id.is_not(None),
            )  # fmt: skip
            stmt = stmt.where(Household.id.not_in(done))
        return list(session.scalars(stmt))


def select_employees(engine: Engine, unit: str, unsigned: bool = False) -> list[int]:
    """Live employees of a unit (by name); ValidationError for an unknown unit or no staff."""
    with unit_of_work(engine) as session:
        unit_id = session.scalar(
            select(Unit.id).where(Unit.name == unit, Unit.deleted_at.is_(None))
        )
        if unit_id is None:
            raise ValidationError({"unit": f"没有名为“{unit}”的成员单位"})
        stmt = (
            select(Employee.id)
            .where(Employee.unit_id == unit_id, Employee.deleted_at.is_(None))
            .order_by(Employee.id)
        )
        if unsigned:
            stmt = stmt.where(Employee.commitment_signed_on.is_(None))
        ids = list(session.scalars(stmt))
    if not ids:
        raise ValidationError({"unit": f"“{unit}”没有需要打印的职工"})
    return ids


def print_places(engine: Engine) -> tuple[list[str], list[str], list[str]]:
    """What the print dialog offers: village names, grid names, and units with staff."""
    with unit_of_work(engine) as session:
        villages = session.scalars(
            select(Unit.name)
            .where(Unit.kind == "village", Unit.deleted_at.is_(None))
            .order_by(Unit.sort_order, Unit.id)
        ).all()
        grids = session.scalars(
            select(Grid.name).where(Grid.deleted_at.is_(None)).distinct().order_by(Grid.name)
        ).all()
        staffed = select(Employee.unit_id).where(Employee.deleted_at.is_(None))
        units = session.scalars(
            select(Unit.name)
            .where(Unit.deleted_at.is_(None), Unit.id.in_(staffed))
            .order_by(Unit.sort_order, Unit.id)
        ).all()
    return list(villages), list(grids), list(units)
