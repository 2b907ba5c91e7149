"""The year's publicity plan (宣传计划表, seed 000): month, lead unit, theme; its register,
and its import from the plan table in seed 000's shape (序号, 月份, 牵头单位, 反诈宣传工作)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, func, select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.progress import Job, Progress
from app.core.records import RecordService
from app.core.registers import RegisterColumn, RegisterFilter, SqlRegister
from app.core.settings import load_profile
from app.core.validation import FormField
from app.org.units import member_unit_choices
from app.sheets.reading import RowError, RowErrors, RowPlan, read_rows
from app.sheets.writing import SheetTable, write_tables_xlsx
from db.engine import unit_of_work
from db.models import PublicityActivity, PublicityPlanItem, Unit


class PlanRegister(SqlRegister):
    """The publicity plan of every year: month, lead unit, theme."""

    title = "宣传计划"
    columns = (
        RegisterColumn("year", "年度", 6, numeric=True),
        RegisterColumn("month", "月份", 5, numeric=True),
        RegisterColumn("lead_unit", "牵头单位", 16),
        RegisterColumn("theme", "宣传主题", 24),
        RegisterColumn("content", "工作内容", 40),
        RegisterColumn("activities", "已开展", 7, numeric=True),
    )
    default_sort = "period"

    def select_rows(self) -> Select:
        """Plan items with their lead unit and how many activities followed them."""
        done = (
            select(func.count())
            .where(
                PublicityActivity.plan_item_id == PublicityPlanItem.id,
                PublicityActivity.deleted_at.is_(None),
            )
            .scalar_subquery()
        )
        return (
            select(
                PublicityPlanItem.id.label("id"),
                PublicityPlanItem.year.label("year"),
                PublicityPlanItem.month.label("month"),
                Unit.name.label("lead_unit"),
                PublicityPlanItem.theme.label("theme"),
                PublicityPlanItem.content.label("content"),
                done.label("activities"),
                (PublicityPlanItem.year * 100 + PublicityPlanItem.month).label("period"),
            )
            .outerjoin(Unit, Unit.id == PublicityPlanItem.lead_unit_id)
            .where(PublicityPlanItem.deleted_at.is_(None))
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """Theme, content and lead unit."""
        return (PublicityPlanItem.theme, PublicityPlanItem.content, Unit.name)

    def filters(self) -> Sequence[RegisterFilter]:
        """年度."""
        with self.engine.connect() as conn:
            years = conn.scalars(
                select(PublicityPlanItem.year)
                .where(PublicityPlanItem.deleted_at.is_(None))
                .distinct()
                .order_by(PublicityPlanItem.year.desc())
            ).all()
        return (RegisterFilter("year", "年度", [(y, f"{y}年") for y in years]),)

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The year filter."""
        return PublicityPlanItem.year == value if key == "year" else None


class PlanService(RecordService):
    """Adds, edits and deletes plan items."""

    model = PublicityPlanItem
    noun = "宣传计划"

    def __init__(self, engine: Engine, user: str | None = None) -> None:
        super().__init__(engine, user)
        self.fields = (
            FormField("year", "年度", kind="int", required=True, minimum=2000, maximum=2100),
            FormField("month", "月份", kind="int", required=True, minimum=1, maximum=12),
            FormField(
                "lead_unit_id", "牵头单位", kind="choice",
                choices=lambda: member_unit_choices(engine),
            ),
            FormField("theme", "宣传主题", required=True, max_length=200),
            FormField("content", "工作内容", kind="multiline", max_length=4000),
        )  # fmt: skip

    def title_of(self, obj: PublicityPlanItem) -> str:
        """The item's month and theme."""
        return f"{obj.year}年{obj.month}月 {obj.theme}"


def plan_choices(engine: Engine) -> list[tuple[int, str]]:
    """Plan items of this year and last as (id, "M月 theme")."""
    year = date.today().year
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(PublicityPlanItem.id, PublicityPlanItem.year, PublicityPlanItem.month,
                   PublicityPlanItem.theme)
            .where(PublicityPlanItem.deleted_at.is_(None), PublicityPlanItem.year >= year - 1)
            .order_by(PublicityPlanItem.year.desc(), PublicityPlanItem.month)
        ).all()  # fmt: skip
    return [(r.id, f"{r.year}年{r.month}月 {r.theme}") for r in rows]


# -- the plan table import (seed 000's 宣传计划表) -------------------------------------------
PLAN_COLUMNS = (
    FormField("month_text", "月份", required=True, max_length=32),
    FormField("lead_unit", "牵头单位", required=True, max_length=128),
    FormField("content", "反诈宣传工作", required=True, max_length=4000),
)
PLAN_ALIASES = {
    "宣传工作": "content",
    "工作内容": "content",
    "宣传内容": "content",
    "责任单位": "lead_unit",
}
_MONTH = re.compile(r"(\d{1,2})\s*月")


# plan rows to create (a plan import never updates) and the rows refused
PlanPreview = RowPlan


def _plan_rows(session: Session, path: Path, year: int, township: str) -> PlanPreview:
    sheet = read_rows(path, PLAN_COLUMNS, PLAN_ALIASES)
    preview = PlanPreview(errors=list(sheet.errors))
    units = {
        name: uid
        for uid, name in session.execute(
            select(Unit.id, Unit.name).where(Unit.deleted_at.is_(None)).order_by(Unit.id.desc())
        )
    }
    # a plan often names units without the township ("平安办" for "清溪镇平安办")
    short = {
        n.removeprefix(township): uid
        for n, uid in units.items()
        if township and n.startswith(township)
    }
    for row in sheet.rows:
        v = row.values
        found = _MONTH.search(
            str(v["month_text"]).translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        )
        if not found or not 1 <= int(found.group(1)) <= 12:
            preview.errors.append(
                RowError(row.row_number, "月份", f"“{v['month_text']}”中没有月份")
            )
            continue
        lead = units.get(v["lead_unit"]) or short.get(v["lead_unit"])
        if lead is None:
            matches = [uid for name, uid in units.items() if v["lead_unit"] in name]
            lead = matches[0] if len(matches) == 1 else None
        if lead is None:
            preview.errors.append(
                RowError(row.row_number, "牵头单位", f"没有名为“{v['lead_unit']}”的成员单位")
            )
            continue
        content = v["content"]
        note = str(v["month_text"])
        theme = content.split("，")[0].split("。")[0][:60]
        if note.strip() != f"{found.group(1)}月":
            content = f"（{note}）{content}"
        preview.creates.append(
            {
                "year": year,
                "month": int(found.group(1)),
                "lead_unit_id": lead,
                "theme": theme,
                "content": content,
                "sort_order": row.row_number,
            }
        )
    return preview  # fmt: skip


def preview_plan_import(engine: Engine, path: Path | str, year: int) -> PlanPreview:
    """What importing a plan table for `year` would add and refuse."""
    township = load_profile(engine).get("township_name") or ""
    with unit_of_work(engine) as session:
        return _plan_rows(session, Path(path), year, township)


def import_plan(
    engine: Engine, path: Path | str, year: int, user: str | None, mode: str = "all_or_nothing"
) -> Job[int]:
    """Add the plan table's rows for `year` in one transaction; returns how many were added."""
    if mode not in ("all_or_nothing", "good_rows"):
        raise ValueError(mode)
    yield Progress(0, 1, "正在读取文件…")
    township = load_profile(engine).get("township_name") or ""
    with unit_of_work(engine, user) as session:
        plan = _plan_rows(session, Path(path), year, township)
        if plan.errors and mode == "all_or_nothing":
            raise RowErrors(plan.errors, f"有{len(plan.errors)}处错误，未导入任何数据")
        for values in plan.creates:
            item = PublicityPlanItem(**values)
            session.add(item)
            session.flush()
            audit.record(session, "import", "publicity_plan_item", item.uuid)
        yield Progress(1, 1, "正在保存…")
    return len(plan.creates)


def write_plan_template(path: Path | str) -> None:
    """An empty plan table in seed 000's shape, with an example row."""
    headers = ["序号", "月份", "牵头单位", "反诈宣传工作"]
    example = [
        1,
        "4月、每季度",
        "平安办",
        "在农贸市场、专业市场通过设置宣传栏、户外LED屏播放等方式宣传。",
    ]
    write_tables_xlsx(
        path, [SheetTable("宣传计划表", headers, [example], [6, 14, 18, 60], blank_rows=50)]
    )
