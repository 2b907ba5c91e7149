"""Grids with their grid worker and police officer, to and from Excel (网格及网格员、民警名单).

One row per grid: its village (which must exist), name, code and the two people. An import
matches grids by village and name: a known grid is updated (an empty cell leaves what it had),
a new one is created; all in one transaction, or none, as the clerk chooses.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, aliased

from app.core import audit
from app.core.progress import Job, Progress
from app.core.registers import RegisterQuery
from app.core.validation import FormField
from app.org.grids import GRID_DETAIL_FIELDS, POLICE_KINDS, GridRegister, staff_grid
from app.org.people import PeopleResolver
from app.sheets.reading import RowError, RowErrors, RowImportResult, RowPlan, read_rows
from app.sheets.writing import SheetTable, write_tables_xlsx
from db.engine import unit_of_work
from db.models import Grid, Household, Person, Unit

ImportMode = Literal["all_or_nothing", "good_rows"]
# The village is read by its name; the rest with the grid form's own rules.
_FORM = {f.key: f for f in GRID_DETAIL_FIELDS}
COLUMNS: tuple[FormField, ...] = (
    FormField("village", "村居", required=True, max_length=128),
    *(
        _FORM[k]
        for k in (
            "name",
            "code",
            "worker_name",
            "worker_mobile",
            "police_name",
            "police_kind",
            "police_mobile",
            "notes",
        )
    ),
)
ALIASES = {
    "所属村居": "village",
    "村（居）": "village",
    "村居名称": "village",
    "网格": "name",
    "编号": "code",
    "网格员姓名": "worker_name",
    "网格长": "worker_name",
    "民警": "police_name",
    "辅警": "police_name",
    "民警姓名": "police_name",
    "身份": "police_kind",
    "民警手机": "police_mobile",
}
WIDTHS = (14, 12, 10, 10, 15, 10, 10, 15, 24, 8)
PEOPLE_KEYS = ("worker_name", "worker_mobile", "police_name", "police_kind", "police_mobile")


@dataclass(frozen=True)
class GridImportRow:
    """A good row: its grid values and the grid it updates (None: a new grid)."""

    row_number: int
    values: dict[str, Any]
    grid_id: int | None = None
    village: str = ""


# what a grid import would do, and what it did
GridPreview = RowPlan
GridImportResult = RowImportResult


def _plan(session: Session, path: Path) -> GridPreview:
    sheet = read_rows(path, COLUMNS, ALIASES)
    preview = GridPreview(errors=list(sheet.errors))
    villages: dict[str, int] = {}
    for unit_id, name in session.execute(
        select(Unit.id, Unit.name)
        .where(Unit.deleted_at.is_(None), Unit.kind == "village")
        .order_by(Unit.id.desc())
    ):
        villages[name] = unit_id
    grids = {
        (village_id, name): grid_id
        for grid_id, village_id, name in session.execute(
            select(Grid.id, Grid.village_id, Grid.name).where(Grid.deleted_at.is_(None))
        )
    }
    codes = {
        code: grid_id
        for grid_id, code in session.execute(
            select(Grid.id, Grid.code).where(Grid.deleted_at.is_(None), Grid.code.is_not(None))
        )
    }
    first_row: dict[tuple[int, str], int] = {}
    code_row: dict[str, int] = {}
    for row in sheet.rows:
        n, values = row.row_number, dict(row.values)
        errors: list[RowError] = []
        village_id = villages.get(values["village"])
        if village_id is None:
            errors.append(
                RowError(n, "村居", f"没有名为“{values['village']}”的村居，请先在成员单位中添加")
            )
        key = (village_id or 0, values["name"])
        if village_id is not None and key in first_row:
            errors.append(RowError(n, "网格名称", f"与第{first_row[key]}行是同一网格"))
        grid_id = grids.get(key)
        code = values.get("code")
        if code:
            if code in code_row:
                errors.append(RowError(n, "网格编号", f"与第{code_row[code]}行编号相同"))
            elif codes.get(code, grid_id) != grid_id:
                errors.append(RowError(n, "网格编号", f"编号“{code}”已被其他网格使用"))
        for name_key, mobile_key in (
            ("worker_name", "worker_mobile"),
            ("police_name", "police_mobile"),
        ):
            if values.get(mobile_key) and not values.get(name_key):
                label = next(f.label for f in COLUMNS if f.key == name_key)
                errors.append(RowError(n, label, "填了手机，但没有填姓名"))
        if errors:
            preview.errors.extend(errors)
            continue
        first_row[key] = n
        if code:
            code_row[code] = n
        village = values.pop("village")
        planned = GridImportRow(n, {"village_id": village_id, **values}, grid_id, village)
        (preview.updates if grid_id else preview.creates).append(planned)
    preview.errors.sort(key=lambda e: e.row_number)
    return preview


def preview_grids_import(engine: Engine, path: Path | str) -> GridPreview:
    """What importing `path` would create, update and refuse; writes nothing."""
    with unit_of_work(engine) as session:
        return _plan(session, Path(path))


def import_grids(
    engine: Engine, path: Path | str, user: str | None, mode: ImportMode = "all_or_nothing"
) -> Job[GridImportResult]:
    """Import grids and their people in one transaction (modes as in the units import)."""
    if mode not in ("all_or_nothing", "good_rows"):
        raise ValueError(f"unknown import mode {mode}")
    yield Progress(0, 1, "正在读取文件…")
    with unit_of_work(engine, user) as session:
        plan = _plan(session, Path(path))
        if plan.errors and mode == "all_or_nothing":
            raise RowErrors(plan.errors, f"有{len(plan.errors)}处错误，未导入任何数据")
        resolver = PeopleResolver(session)
        total = plan.good_rows
        for done, row in enumerate([*plan.creates, *plan.updates]):
            # an empty cell leaves what the grid had: only names given are staffed
            given = {k: v for k, v in row.values.items() if v is not None}
            if row.grid_id is None:
                last = session.scalar(
                    select(func.max(Grid.sort_order)).where(Grid.village_id == given["village_id"])
                )
                grid = Grid(
                    village_id=given["village_id"],
                    name=given["name"],
                    code=given.get("code"),
                    notes=given.get("notes"),
                    sort_order=(last or 0) + 1,
                )
                session.add(grid)
                session.flush()
                kind = "新增"
            else:
                grid = session.get_one(Grid, row.grid_id)
                for key in ("code", "notes"):
                    if key in given:
                        setattr(grid, key, given[key])
                kind = "更新"
            staff_grid(session, resolver, grid, given)
            audit.record(session, "import", "grid", grid.uuid, kind)
            if done % 50 == 0:
                yield Progress(done, total, f"已导入 {done} / {total} 个网格")
        yield Progress(total, total, "正在保存…")
    return GridImportResult(len(plan.creates), len(plan.updates), tuple(plan.errors))


def _table(title: str, rows: list[list[Any]], blank_rows: int = 0) -> SheetTable:
    headers = [f.label + ("*" if f.required else "") for f in COLUMNS] + ["住户数"]
    kind = [f.key for f in COLUMNS].index("police_kind")
    text = frozenset(i for i, f in enumerate(COLUMNS) if f.kind != "choice")
    return SheetTable(
        title, headers, rows, WIDTHS, text, {kind: list(POLICE_KINDS.values())}, blank_rows
    )


def export_grids_xlsx(
    engine: Engine, path: Path | str, grid_ids: Collection[int] | None = None
) -> Job[int]:
    """Write every live grid (or those of `grid_ids`) with its people and household count to
    an .xlsx that imports back; returns how many grids."""
    yield Progress(0, 1, "正在读取网格…")
    worker, police = aliased(Person), aliased(Person)
    households = (
        select(func.count())
        .where(Household.grid_id == Grid.id, Household.deleted_at.is_(None))
        .scalar_subquery()
    )
    stmt = (
        select(
            Unit.name, Grid.name, Grid.code, worker.name, worker.mobile,
            police.name, police.category, police.mobile, Grid.notes, households,
        )
        .join(Unit, Unit.id == Grid.village_id)
        .outerjoin(worker, worker.id == Grid.grid_worker_id)
        .outerjoin(police, police.id == Grid.police_officer_id)
        .where(Grid.deleted_at.is_(None), Unit.deleted_at.is_(None))
        .order_by(Unit.sort_order, Unit.id, Grid.sort_order, Grid.id)
    )  # fmt: skip
    if grid_ids is not None:
        stmt = stmt.where(Grid.id.in_(list(grid_ids)))
    with unit_of_work(engine) as session:
        rows = [list(r) for r in session.execute(stmt)]
    for row in rows:
        row[6] = POLICE_KINDS.get(row[6])  # the file shows 民警/辅警, not the stored code
    write_tables_xlsx(path, [_table("网格", rows)])
    yield Progress(len(rows), len(rows), f"已导出 {len(rows)} 个网格")
    return len(rows)


def grid_ids_of(register: GridRegister, query: RegisterQuery) -> list[int]:
    """The ids of the grids a register query shows (to export just those)."""
    count = register.count(query)
    return [row.id for row in register.fetch(query, 0, max(count, 1))]


def write_grids_template(path: Path | str) -> None:
    """The grid import template: the columns with an example row, and a 填写说明 sheet."""
    example = [
        "溪口村", "第1网格", "XK01", "李芳", "13800000011", "王警官", "民警", "13800000012", "",
    ]  # fmt: skip
    notes = [
        ["第一行是表头，请勿改动；从第二行起每行填一个网格。示例行请删除。"],
        ["村居*", "必填；须是成员单位中已有的村居（类别为“村居”），名称一字不差"],
        ["网格名称*", "必填，不超过64个字；同一村居内不能重名"],
        ["网格编号", "可不填；填了不能与其他网格相同"],
        ["网格员、民警/辅警", "姓名；已有的联系人按姓名和手机认出，不会重复建立"],
        ["警员身份", "民警或辅警"],
        ["手机", "11位手机号，或带区号的固定电话"],
        ["再次导入", "按村居和网格名称认出已有网格并更新；空着的格子不会清除原有内容"],
        ["住户数", "导出时附带，导入时不读取（住户数来自住户台账）"],
    ]
    guide = SheetTable("填写说明", ["列", "填写要求"], notes, (20, 90))
    write_tables_xlsx(path, [_table("网格", [example], blank_rows=200), guide])
