"""Coverage of the household work (走访覆盖): per grid, per village and for the township.

Households in all, visited this year, 告知书 delivered, 承诺书 signed, and residents with the
国家反诈中心 APP: counts and shares. One aggregate over the covering index of the state columns
kept by db/household_index.py, so a whole township of 300,000 households takes tens of ms.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, case, func, select

from app.core.progress import Job, Progress
from app.sheets.writing import SheetTable, write_tables_xlsx
from db.models import Grid, Household, Unit

NO_GRID = "（未分网格）"


def share(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` in per cent with one decimal (None when there is nothing to share)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CoverageRow:
    """The figures of one grid, one village (grid None) or the township (both None)."""

    village: str | None
    grid: str | None
    households: int
    visited: int
    notice_delivered: int
    commitment_signed: int
    residents: int
    app_installed: int

    @property
    def name(self) -> str:
        """`白鹤村 / 第一网格`, `白鹤村` or `合计`."""
        if self.village is None:
            return "合计"
        return self.village if self.grid is None else f"{self.village} / {self.grid}"

    def shares(self) -> dict[str, Decimal | None]:
        """Each figure as a share of its whole (households, or residents for the APP)."""
        return {
            "visited": share(self.visited, self.households),
            "notice_delivered": share(self.notice_delivered, self.households),
            "commitment_signed": share(self.commitment_signed, self.households),
            "app_installed": share(self.app_installed, self.residents),
        }

    def add(self, other: CoverageRow, village: str | None, grid: str | None) -> CoverageRow:
        """The sum of two rows, named anew."""
        return CoverageRow(village, grid, *(getattr(self, k) + getattr(other, k) for k in FIGURES))


FIGURES = (
    "households", "visited", "notice_delivered", "commitment_signed", "residents",
    "app_installed",
)  # fmt: skip


@dataclass(frozen=True)
class Coverage:
    """A year's coverage: every grid, every village, and the township."""

    year: int
    grids: list[CoverageRow]
    villages: list[CoverageRow]
    total: CoverageRow

    def as_json(self) -> dict[str, Any]:
        """Plain data for `wuzha stats --json`: counts and per-cent shares (as numbers)."""

        def row(r: CoverageRow) -> dict[str, Any]:
            data = {k: v for k, v in asdict(r).items() if k in ("village", "grid", *FIGURES)}
            data["percent"] = {k: None if v is None else float(v) for k, v in r.shares().items()}
            return data

        return {
            "year": self.year,
            "total": row(self.total),
            "villages": [row(r) for r in self.villages],
            "grids": [row(r) for r in self.grids],
        }


def coverage(engine: Engine, today: date | None = None) -> Coverage:
    """The coverage of this year (the year of `today`) for every grid and village."""
    year = (today or date.today()).year
    year_start = date(year, 1, 1)
    stmt = (
        select(
            Household.village_id,
            Household.grid_id,
            func.count(),
            func.sum(case((Household.last_visited_on >= year_start, 1), else_=0)),
            func.count(Household.notice_delivered_on),
            func.count(Household.commitment_signed_on),
            func.sum(Household.resident_count),
            func.sum(Household.residents_without_app),
        )
        .where(Household.deleted_at.is_(None))
        .group_by(Household.village_id, Household.grid_id)
    )
    with engine.connect() as conn:
        figures = {(r[0], r[1]): r[2:] for r in conn.execute(stmt)}
        villages = conn.execute(
            select(Unit.id, Unit.name)
            .where(Unit.kind == "village", Unit.deleted_at.is_(None))
            .order_by(Unit.sort_order, Unit.id)
        ).all()
        grids = conn.execute(
            select(Grid.id, Grid.village_id, Grid.name)
            .where(Grid.deleted_at.is_(None))
            .order_by(Grid.sort_order, Grid.id)
        ).all()
    empty = (0, 0, 0, 0, 0, 0)

    def make(village: str | None, grid: str | None, f) -> CoverageRow:
        households, visited, notice, commitment, residents, without = (int(x or 0) for x in f)
        return CoverageRow(village, grid, households, visited, notice, commitment, residents,
                           residents - without)  # fmt: skip

    grid_rows, village_rows = [], []
    total = make(None, None, empty)
    for village in villages:
        village_total = make(village.name, None, empty)
        own = [g for g in grids if g.village_id == village.id]
        keys = [(g.id, g.name) for g in own]
        if (village.id, None) in figures:
            keys.append((None, NO_GRID))
        for grid_id, grid_name in keys:
            row = make(village.name, grid_name, figures.get((village.id, grid_id), empty))
            grid_rows.append(row)
            village_total = village_total.add(row, village.name, None)
        village_rows.append(village_total)
        total = total.add(village_total, None, None)
    return Coverage(year, grid_rows, village_rows, total)


HEADERS = (
    "村居", "网格", "住户", "今年已走访", "走访率%", "告知书已送达", "送达率%", "承诺书已签",
    "签订率%", "居民", "已装APP", "安装率%",
)  # fmt: skip


def table_rows(rows: list[CoverageRow]) -> list[list[Any]]:
    """Rows as the table and the workbook show them."""
    out = []
    for r in rows:
        s = r.shares()
        out.append([
            r.village or "合计", r.grid or "", r.households, r.visited, s["visited"],
            r.notice_delivered, s["notice_delivered"], r.commitment_signed,
            s["commitment_signed"], r.residents, r.app_installed, s["app_installed"],
        ])  # fmt: skip
    return out


def export_coverage_xlsx(cov: Coverage, path: Path | str) -> Job[int]:
    """Write the coverage by village and by grid to a workbook; a job yielding `Progress`."""

    def job() -> Iterator[Progress]:
        yield Progress(0, 1, "正在写入……")
        widths = (14, 14, 8, 10, 8, 12, 8, 10, 8, 8, 9, 8)
        write_tables_xlsx(path, [
            SheetTable(f"{cov.year}年按村居", HEADERS, table_rows([*cov.villages, cov.total]),
                       widths),
            SheetTable(f"{cov.year}年按网格", HEADERS, table_rows(cov.grids), widths),
        ])  # fmt: skip
        yield Progress(1, 1, "已写入")
        return len(cov.villages) + len(cov.grids)

    return job()
