"""Monthly fraud figures per village (发案数, 案损), typed in from the police station's figures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, select

from app.registers import RegisterColumn, RegisterFilter, SqlRegister
from db.models import CaseStat, Unit

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
                (CaseStat.loss_fen / 100.0).label("loss_yuan"),
                CaseStat.source.label("source"),
                period.label("period"),
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
