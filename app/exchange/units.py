"""Member units with their four named people, to and from Excel (成员单位及四员名单).

One row per unit: its fields, then name, post and mobile of 第一责任人, 具体责任人, 联络员 and
宣讲员 (several lecturers in one cell, separated by 、). An import matches units by name: a known
unit is updated and its roles replaced, a new one is created; all in one transaction.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.progress import Job, Progress
from app.core.vocab import UNIT_ROLES
from app.exchange.unit_columns import (
    ALIASES,
    COLUMNS,
    EXAMPLE_ROW,
    MULTIPLE_ROLES,
    UNIT_COLUMN_KEYS,
    UNIT_COLUMNS,
    RolePerson,
    people_of_row,
    units_table,
)
from app.org.people import PeopleResolver
from app.org.unit_roles import replace_roles
from app.sheets.reading import RowError, RowErrors, RowImportResult, RowPlan, read_rows
from app.sheets.writing import SheetTable, write_tables_xlsx
from db.engine import unit_of_work
from db.models import Person, Unit, UnitRole

ImportMode = Literal["all_or_nothing", "good_rows"]


@dataclass(frozen=True)
class UnitImportRow:
    """A good row: unit values, its people, and the live unit it updates (None: a new unit)."""

    row_number: int
    values: dict[str, Any]
    people: tuple[RolePerson, ...]
    unit_id: int | None = None


@dataclass
class ImportPreview(RowPlan):
    """What an import would do: units to create, units to update, and the bad rows."""

    # the roles whose name column is in the file: only those are replaced on an update
    roles_in_file: tuple[str, ...] = ()


ImportResult = RowImportResult


def _plan(session: Session, path: Path) -> ImportPreview:
    """Read and check the file, and match its units by name against the live ones."""
    sheet = read_rows(path, COLUMNS, ALIASES)
    roles_in_file = tuple(code for code in UNIT_ROLES if f"{code}_name" in sheet.columns)
    preview = ImportPreview(errors=list(sheet.errors), roles_in_file=roles_in_file)
    existing: dict[str, int] = {}
    for unit_id, name in session.execute(
        select(Unit.id, Unit.name).where(Unit.deleted_at.is_(None)).order_by(Unit.id.desc())
    ):
        existing[name] = unit_id  # by descending id: the oldest unit of a name wins
    first_row_of: dict[str, int] = {}
    for row in sheet.rows:
        people, errors = people_of_row(row, roles_in_file)
        name = row.values["name"]
        if name in first_row_of:
            errors.insert(
                0, RowError(row.row_number, "单位名称", f"与第{first_row_of[name]}行重名")
            )
        else:
            first_row_of[name] = row.row_number
        if errors:
            preview.errors.extend(errors)
            continue
        unit_values = {k: v for k, v in row.values.items() if k in UNIT_COLUMN_KEYS}
        planned = UnitImportRow(row.row_number, unit_values, tuple(people), existing.get(name))
        (preview.updates if planned.unit_id else preview.creates).append(planned)
    preview.errors.sort(key=lambda e: e.row_number)
    return preview


def preview_units_import(engine: Engine, path: Path | str) -> ImportPreview:
    """What importing `path` would create, update and refuse; writes nothing."""
    with unit_of_work(engine) as session:
        return _plan(session, Path(path))


def import_units(
    engine: Engine, path: Path | str, user: str | None, mode: ImportMode = "all_or_nothing"
) -> Job[ImportResult]:
    """Import units and their people from `path` in one transaction.

    `all_or_nothing`: any bad row writes nothing and raises `RowErrors` (a `ValidationError`)
    listing every bad row. `good_rows`: the good rows are written, the bad ones reported in the
    result. Units are matched by name among live units: matched ones are updated and the roles
    present in the file replaced (old rows soft-deleted); the others are created.
    """
    if mode not in ("all_or_nothing", "good_rows"):
        raise ValueError(f"unknown import mode {mode}")
    yield Progress(0, 1, "正在读取文件…")
    with unit_of_work(engine, user) as session:
        plan = _plan(session, Path(path))
        if plan.errors and mode == "all_or_nothing":
            raise RowErrors(plan.errors, f"有{len(plan.errors)}处错误，未导入任何数据")
        total = plan.good_rows
        people = PeopleResolver(session)
        next_order = (session.scalar(select(func.max(Unit.sort_order))) or 0) + 1
        for done, row in enumerate([*plan.creates, *plan.updates]):
            if row.unit_id is None:
                unit = Unit(**row.values, sort_order=next_order)
                next_order += 1
                session.add(unit)
                session.flush()
                changed = list(row.values)
            else:
                unit = session.get_one(Unit, row.unit_id)
                changed = [k for k, v in row.values.items() if getattr(unit, k) != v]
                for key in changed:
                    setattr(unit, key, row.values[key])
            if replace_roles(session, people, unit, row.people, plan.roles_in_file):
                changed.append("roles")
            if row.unit_id is None or changed:
                # field names only: the values may be personal data
                kind = "新增" if row.unit_id is None else "更新"
                audit.record(session, "import", "unit", unit.uuid, f"{kind}:{','.join(changed)}")
            if done % 50 == 0:
                yield Progress(done, total, f"已导入 {done} / {total} 个成员单位")
        yield Progress(total, total, "正在保存…")
    return ImportResult(len(plan.creates), len(plan.updates), tuple(plan.errors))


def _unit_rows(
    session: Session, unit_ids: Collection[int] | None = None
) -> tuple[int, list[list[Any]]]:
    """How many live units there are (of `unit_ids`, if given), each as a row of cells."""
    stmt = select(Unit).where(Unit.deleted_at.is_(None)).order_by(Unit.sort_order, Unit.id)
    if unit_ids is not None:
        stmt = stmt.where(Unit.id.in_(list(unit_ids)))
    units = session.scalars(stmt).all()
    people: dict[tuple[int, str], list[tuple[str, str, str]]] = {}
    for role, person in session.execute(
        select(UnitRole, Person)
        .join(Person, UnitRole.person_id == Person.id)
        .where(UnitRole.deleted_at.is_(None))
        .order_by(UnitRole.unit_id, UnitRole.sort_order, UnitRole.id)
    ):
        people.setdefault((role.unit_id, role.role), []).append(
            (person.name, role.post or "", person.mobile or "")
        )
    rows = []
    for unit in units:
        cells: list[Any] = [getattr(unit, f.key) for f in UNIT_COLUMNS]
        for code in UNIT_ROLES:
            held = people.get((unit.id, code), [])
            if code not in MULTIPLE_ROLES:
                held = held[:1]
            for part in range(3):
                text = "、".join(h[part] for h in held)
                cells.append(text if text.strip("、") else None)
        rows.append(cells)
    return len(units), rows


def export_units_xlsx(
    engine: Engine, path: Path | str, unit_ids: Collection[int] | None = None
) -> Job[int]:
    """Write every live unit (or those of `unit_ids`) with its four people to an .xlsx;
    returns how many units.

    The file has the template's columns, so it can be edited and imported back.
    """
    yield Progress(0, 1, "正在读取成员单位…")
    with unit_of_work(engine) as session:
        units, rows = _unit_rows(session, unit_ids)
    yield Progress(0, len(rows), "正在写入文件…")
    kinds = dict(COLUMNS[1].choice_list())
    for row in rows:
        row[1] = kinds.get(row[1], row[1])  # the file shows 派出所, the database stores police
    write_tables_xlsx(path, [units_table("成员单位", rows)])
    yield Progress(len(rows), len(rows), f"已导出 {len(rows)} 个成员单位")
    return units


def write_template_xlsx(path: Path | str) -> None:
    """Write the import template: the columns with one example row, and a 填写说明 sheet."""
    kinds = "、".join(label for _, label in COLUMNS[1].choice_list())
    notes = [
        ["第一行是表头，请勿改动；从第二行起每行填一个成员单位。示例行请删除或改成真实数据。"],
        ["带*的列必须填写，其余可以空着。"],
        ["按单位名称匹配：已有的单位会被更新（四员按本表替换），没有的单位会新增。"],
    ]
    for f in UNIT_COLUMNS:
        rule = {
            "name": "必填，不超过128个字；同一文件中不能重名",
            "kind": f"必填，只能填：{kinds}",
            "address": "不超过200个字",
            "phone": "11位手机号，或带区号的固定电话，如0571-88881234",
            "duties": "不超过4000个字",
        }[f.key]
        notes.append([f.label + ("*" if f.required else ""), rule])
    for label in UNIT_ROLES.values():
        notes.append([label, "姓名，不超过64个字"])
        notes.append([f"{label}职务", "不超过64个字"])
        notes.append([f"{label}手机", "11位手机号（以1开头）；填了手机或职务就必须填姓名"])
    notes.append(
        [
            "多名宣讲员",
            "在宣讲员一格中用顿号“、”或逗号分隔多个姓名，职务和手机按同样顺序、同样个数分隔填写",
        ]
    )
    notes.append(["电话号码", "请把电话列设为文本格式，以免Excel去掉开头的0"])
    guide = SheetTable("填写说明", ["列", "填写要求"], notes, (18, 90))
    write_tables_xlsx(path, [units_table("成员单位", [list(EXAMPLE_ROW)], blank_rows=200), guide])
