"""The visit registers: one household's visit history, and every visit (searched, exported)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, select
from sqlalchemy.orm import Session, aliased

from app.core.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.core.vocab import COMMITMENT_RESULTS, VISIT_MODES, VISIT_OUTCOMES
from app.households.register import grid_choices, village_choices
from db.models import Grid, Household, Person, Unit, Visit


class VisitRegister(SqlRegister):
    """Visits, newest first: of one household (`household_id`) or of the whole township."""

    title = "走访记录"
    columns = (
        RegisterColumn("visited_on", "走访日期", 11),
        RegisterColumn("village", "村居", 10),
        RegisterColumn("grid", "网格", 10),
        RegisterColumn("head_name", "户主", 8),
        RegisterColumn("address", "地址", 22),
        RegisterColumn("mode", "方式", 8),
        RegisterColumn("outcome", "结果", 7),
        RegisterColumn("grid_worker", "网格员", 8),
        RegisterColumn("police_officer", "民警/辅警", 8),
        RegisterColumn("notice_delivered", "告知书", 6),
        RegisterColumn("commitment_result", "承诺书", 6),
        RegisterColumn("topics", "宣传内容", 24),
        RegisterColumn("risks_found", "发现的风险", 20),
        RegisterColumn("follow_up_needed", "需跟进", 6),
    )
    default_sort = "visited_on"
    default_descending = True

    def __init__(
        self, engine: Engine, household_id: int | None = None, today: date | None = None
    ) -> None:
        super().__init__(engine)
        self.household_id = household_id
        self.today = today

    def select_rows(self) -> Select:
        """Live visits with their household, village, grid and visitors' names."""
        worker, officer = aliased(Person), aliased(Person)
        stmt = (
            select(
                Visit.id.label("id"),
                Visit.visited_on.label("visited_on"),
                Unit.name.label("village"),
                Grid.name.label("grid"),
                Household.head_name.label("head_name"),
                Household.address.label("address"),
                case_label(Visit.mode, VISIT_MODES).label("mode"),
                case_label(Visit.outcome, VISIT_OUTCOMES).label("outcome"),
                worker.name.label("grid_worker"),
                officer.name.label("police_officer"),
                Visit.notice_delivered.label("notice_delivered"),
                case_label(Visit.commitment_result, COMMITMENT_RESULTS).label("commitment_result"),
                Visit.topics.label("topics"),
                Visit.risks_found.label("risks_found"),
                Visit.follow_up_needed.label("follow_up_needed"),
            )
            .join(Household, Visit.household_id == Household.id)
            .join(Unit, Household.village_id == Unit.id)
            .outerjoin(Grid, Visit.grid_id == Grid.id)
            .outerjoin(worker, Visit.grid_worker_id == worker.id)
            .outerjoin(officer, Visit.police_officer_id == officer.id)
            .where(Visit.deleted_at.is_(None), Household.deleted_at.is_(None))
        )
        if self.household_id is not None:
            stmt = stmt.where(Visit.household_id == self.household_id)
        return stmt

    def search_columns(self) -> Sequence[ColumnElement]:
        """Head of household, address, topics, risks and notes."""
        return (
            Household.head_name, Household.address, Visit.topics, Visit.risks_found, Visit.notes,
        )  # fmt: skip

    def filters(self) -> Sequence[RegisterFilter]:
        """村居, 网格, 方式, 结果, 年份, 需跟进 (for the township-wide register)."""
        if self.household_id is not None:
            return ()
        with self.engine.connect() as conn:
            session = Session(bind=conn)
            villages, grids = village_choices(session), grid_choices(session)
        this_year = (self.today or date.today()).year
        years = [(y, f"{y}年") for y in range(this_year, this_year - 5, -1)]
        return (
            RegisterFilter("village", "村居", villages),
            RegisterFilter("grid", "网格", grids),
            RegisterFilter("mode", "方式", list(VISIT_MODES.items())),
            RegisterFilter("outcome", "结果", list(VISIT_OUTCOMES.items())),
            RegisterFilter("year", "年份", years),
            RegisterFilter("follow_up", "跟进", [(True, "需跟进")]),
        )

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The WHERE clause of one filter value."""
        if key == "village":
            return Household.village_id == value
        if key == "grid":
            return Visit.grid_id == value
        if key == "mode":
            return Visit.mode == value
        if key == "outcome":
            return Visit.outcome == value
        if key == "year":
            return Visit.visited_on.between(date(value, 1, 1), date(value, 12, 31))
        if key == "follow_up":
            return Visit.follow_up_needed.is_(True)
        return None

    def sort_column(self, stmt: Select, key: str) -> ColumnElement:
        """Newest first by default; village and grid by their ids."""
        if key == "village":
            return Household.village_id
        if key == "grid":
            return Visit.grid_id
        return super().sort_column(stmt, key)
