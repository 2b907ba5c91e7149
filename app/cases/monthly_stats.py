"""Monthly fraud figures per village (发案数, 案损), typed in from the police station's figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, func, select
from sqlalchemy.orm import Session

from app.cases.dissuasion import yuan_column
from app.core import audit
from app.core.progress import Job, Progress
from app.core.records import RecordService
from app.core.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.core.validation import FormField
from app.sheets.reading import RowError, RowErrors, RowPlan, read_rows
from app.sheets.writing import SheetTable, write_tables_xlsx
from db.engine import unit_of_work
from db.models import CaseStat, FraudIncident, Unit

SOURCES = {"typed": "手工录入", "imported": "导入"}


class CaseStatRegister(SqlRegister):
    """Every village's monthly figures, newest first."""

    title = "月度发案"
    columns = (
        RegisterColumn("year", "年份", 6, numeric=True),
        RegisterColumn("month", "月份", 5, numeric=True),
        RegisterColumn("village", "村居", 14),
        RegisterColumn("case_count", "发案数", 8, numeric=True),
        RegisterColumn("loss_yuan", "案损（元）", 14, numeric=True),
        RegisterColumn("source", "来源", 8),
        # a month with registered cases is counted from them (app.cases.incidents)
        RegisterColumn("registered", "发案登记（通报以此为准）", 12, numeric=True),
    )
    default_sort = "period"  # year and month together, newest last

    def select_rows(self) -> Select:
        """Figures joined to their village; `period` (YYYYMM) keeps year and month in order."""
        period = CaseStat.year * 100 + CaseStat.month
        return (
            select(
                CaseStat.id.label("id"),
                CaseStat.year.label("year"),
                CaseStat.month.label("month"),
                Unit.name.label("village"),
                CaseStat.case_count.label("case_count"),
                yuan_column(CaseStat.loss_fen).label("loss_yuan"),
                case_label(CaseStat.source, SOURCES).label("source"),
                period.label("period"),
                _registered().label("registered"),
            )
            .join(Unit, Unit.id == CaseStat.village_id)
            .where(CaseStat.deleted_at.is_(None))
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """The village name."""
        return (Unit.name,)

    def filters(self) -> Sequence[RegisterFilter]:
        """年份 and 村居."""
        with self.engine.connect() as conn:
            years = conn.scalars(
                select(CaseStat.year)
                .where(CaseStat.deleted_at.is_(None))
                .distinct()
                .order_by(CaseStat.year.desc())
            ).all()
            villages = conn.execute(
                select(Unit.id, Unit.name)
                .where(Unit.kind == "village", Unit.deleted_at.is_(None))
                .order_by(Unit.sort_order, Unit.id)
            ).all()
        return (
            RegisterFilter("year", "年份", [(y, f"{y}年") for y in years]),
            RegisterFilter("village", "村居", [(v.id, v.name) for v in villages]),
        )

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The WHERE clause of the year and village filters."""
        if key == "year":
            return CaseStat.year == value
        if key == "village":
            return CaseStat.village_id == value
        return None


def _registered() -> ColumnElement:
    """How many cases of the row's village and month are registered one by one (发案登记)."""
    day = FraudIncident.occurred_on
    return (
        select(func.count())
        .where(
            FraudIncident.village_id == CaseStat.village_id,
            FraudIncident.deleted_at.is_(None),
            day >= func.printf("%04d-%02d-01", CaseStat.year, CaseStat.month),
            day < func.date(func.printf("%04d-%02d-01", CaseStat.year, CaseStat.month),
                            "+1 month"),
        )
        .correlate(CaseStat)
        .scalar_subquery()
    )  # fmt: skip


def village_choices(engine: Engine) -> list[tuple[int, str]]:
    """Live villages as (id, name) in their list order."""
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(Unit.id, Unit.name)
            .where(Unit.kind == "village", Unit.deleted_at.is_(None))
            .order_by(Unit.sort_order, Unit.id)
        ).all()
    return [(r.id, r.name) for r in rows]


def _clear_deleted(session: Session, village_id: int, year: int, month: int) -> None:
    """Make room for a village's month whose earlier row was deleted: the table holds one row
    per village and month, deleted or not, so the deleted one is removed for good."""
    for dead in session.scalars(
        select(CaseStat).where(
            CaseStat.village_id == village_id, CaseStat.year == year, CaseStat.month == month,
            CaseStat.deleted_at.is_not(None),
        )
    ):  # fmt: skip
        session.delete(dead)
    session.flush()


def _period_error(year: int, month: int, today: date) -> str | None:
    if (year, month) > (today.year, today.month):
        return f"{year}年{month}月还没有到，不能录入"
    return None


class CaseStatService(RecordService):
    """Adds, edits and deletes monthly figures; one row per village and month."""

    model = CaseStat
    noun = "月度发案数据"

    def __init__(self, engine: Engine, user: str | None = None) -> None:
        super().__init__(engine, user)
        this_year = date.today().year
        self.fields = (
            FormField(
                "village_id",
                "村居",
                kind="choice",
                required=True,
                choices=lambda: village_choices(engine),
            ),
            FormField("year", "年份", kind="int", required=True, minimum=2000, maximum=this_year),
            FormField("month", "月份", kind="int", required=True, minimum=1, maximum=12),
            FormField("case_count", "发案数", kind="int", required=True, minimum=0),
            FormField("loss_fen", "案损（元）", kind="money", required=True, minimum=0),
        )

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """Not in the future, and not a second row for the same village and month."""
        error = _period_error(values["year"], values["month"], date.today())
        if error:
            return {"month": error}
        clash = session.execute(
            select(CaseStat.id, Unit.name)
            .join(Unit, Unit.id == CaseStat.village_id)
            .where(
                CaseStat.village_id == values["village_id"],
                CaseStat.year == values["year"],
                CaseStat.month == values["month"],
                CaseStat.deleted_at.is_(None),
                CaseStat.id != (record_id or 0),
            )
        ).first()
        if clash:
            return {
                "month": f"{clash.name}{values['year']}年{values['month']}月的数据已录入，"
                "请修改原来那一条"
            }
        _clear_deleted(session, values["village_id"], values["year"], values["month"])
        return {}

    def title_of(self, obj: CaseStat) -> str:
        """The village and month of a row."""
        return f"{obj.year}年{obj.month}月"


IMPORT_COLUMNS = (
    FormField("village", "村居", required=True, max_length=128),
    FormField("year", "年份", kind="int", required=True, minimum=2000, maximum=2100),
    FormField("month", "月份", kind="int", required=True, minimum=1, maximum=12),
    FormField("case_count", "发案数", kind="int", required=True, minimum=0),
    FormField("loss_fen", "案损（元）", kind="money", required=True, minimum=0),
)
IMPORT_ALIASES = {
    "村（居）": "village",
    "村社区": "village",
    "案损": "loss_fen",
    "发案": "case_count",
}


@dataclass(frozen=True)
class CaseStatRow:
    """A good row of the file and the stored row it replaces (None: a new one)."""

    row_number: int
    village_id: int
    year: int
    month: int
    case_count: int
    loss_fen: int
    existing_id: int | None


# what an import of monthly figures would create, update and refuse
CaseStatPreview = RowPlan


def _plan(session: Session, path: Path, today: date) -> CaseStatPreview:
    sheet = read_rows(path, IMPORT_COLUMNS, IMPORT_ALIASES)
    preview = CaseStatPreview(errors=list(sheet.errors))
    villages = {
        name: vid
        for vid, name in session.execute(
            select(Unit.id, Unit.name)
            .where(Unit.kind == "village", Unit.deleted_at.is_(None))
            .order_by(Unit.id.desc())
        )
    }
    stored = {
        (v, y, m): sid
        for sid, v, y, m in session.execute(
            select(CaseStat.id, CaseStat.village_id, CaseStat.year, CaseStat.month).where(
                CaseStat.deleted_at.is_(None)
            )
        )
    }
    seen: dict[tuple[int, int, int], int] = {}
    for row in sheet.rows:
        v = row.values
        village_id = villages.get(v["village"])
        if village_id is None:
            preview.errors.append(
                RowError(row.row_number, "村居", f"没有名为“{v['village']}”的村居")
            )
            continue
        error = _period_error(v["year"], v["month"], today)
        if error:
            preview.errors.append(RowError(row.row_number, "月份", error))
            continue
        key = (village_id, v["year"], v["month"])
        if key in seen:
            preview.errors.append(
                RowError(row.row_number, "", f"与第{seen[key]}行是同一村居同一月份")
            )
            continue
        seen[key] = row.row_number
        planned = CaseStatRow(row.row_number, *key, v["case_count"], v["loss_fen"], stored.get(key))
        (preview.updates if planned.existing_id else preview.creates).append(planned)
    preview.errors.sort(key=lambda e: e.row_number)
    return preview


def preview_case_stats_import(engine: Engine, path: Path | str) -> CaseStatPreview:
    """What importing `path` would create, update (same village and month) and refuse."""
    with unit_of_work(engine) as session:
        return _plan(session, Path(path), date.today())


def import_case_stats(
    engine: Engine, path: Path | str, user: str | None, mode: str = "all_or_nothing"
) -> Job[tuple[int, int, tuple[RowError, ...]]]:
    """Import monthly figures in one transaction: (created, updated, errors).

    A village and month already stored is updated with the file's figures. `all_or_nothing`
    refuses the whole file (RowErrors) when any row is bad; `good_rows` writes the good ones.
    """
    if mode not in ("all_or_nothing", "good_rows"):
        raise ValueError(f"unknown import mode {mode}")
    yield Progress(0, 1, "正在读取文件…")
    with unit_of_work(engine, user) as session:
        plan = _plan(session, Path(path), date.today())
        if plan.errors and mode == "all_or_nothing":
            raise RowErrors(plan.errors, f"有{len(plan.errors)}处错误，未导入任何数据")
        for row in plan.creates:
            _clear_deleted(session, row.village_id, row.year, row.month)
            obj = CaseStat(
                village_id=row.village_id, year=row.year, month=row.month,
                case_count=row.case_count, loss_fen=row.loss_fen, source="imported",
            )  # fmt: skip
            session.add(obj)
            session.flush()
            audit.record(session, "import", "case_stat", obj.uuid, "新增")
        for row in plan.updates:
            obj = session.get_one(CaseStat, row.existing_id)
            obj.case_count, obj.loss_fen, obj.source = row.case_count, row.loss_fen, "imported"
            audit.record(session, "import", "case_stat", obj.uuid, "更新")
        yield Progress(plan.good_rows, plan.good_rows, "正在保存…")
    return len(plan.creates), len(plan.updates), tuple(plan.errors)


def write_case_stats_template(path: Path | str) -> None:
    """An empty import file with the headers and one example row."""
    headers = [f.label for f in IMPORT_COLUMNS]
    example = ["白鹤村", date.today().year, 1, 0, "0.00"]
    write_tables_xlsx(
        path, [SheetTable("月度发案", headers, [example], [16, 8, 8, 10, 14], blank_rows=200)]
    )
