"""The `check` command: SQLite's own checks, foreign keys, domain rules and table counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select, text

import db.models  # noqa: F401 - every table on the metadata
from db.base import Base
from db.models import Grid, Household


@dataclass
class TableCount:
    """Rows of one table: live ones, and soft-deleted ones where the table has `deleted_at`."""

    table: str
    live: int
    deleted: int


@dataclass
class IntegrityReport:
    """What `check` found: a list of problems in Chinese (empty when all is well) and counts."""

    problems: list[str] = field(default_factory=list)
    counts: list[TableCount] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems


def table_counts(engine: Engine) -> list[TableCount]:
    """Live and deleted rows of every table of the model, in table-name order."""
    counts = []
    with engine.connect() as conn:
        for name, table in sorted(Base.metadata.tables.items()):
            if "deleted_at" in table.c:
                live, deleted = conn.execute(
                    select(
                        func.count().filter(table.c.deleted_at.is_(None)),
                        func.count().filter(table.c.deleted_at.is_not(None)),
                    )
                ).one()
            else:
                live, deleted = conn.execute(select(func.count()).select_from(table)).scalar(), 0
            counts.append(TableCount(name, live, deleted))
    return counts


def check_database(engine: Engine) -> IntegrityReport:
    """Run every check; never changes the database."""
    report = IntegrityReport()
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            result = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
            if result != ["ok"]:
                report.problems.extend(f"SQLite 完整性检查：{r}" for r in result[:20])
            broken = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
            for table, rowid, parent, _ in broken[:20]:
                report.problems.append(f"{table} 第 {rowid} 行引用的 {parent} 记录不存在")
            if len(broken) > 20:
                report.problems.append(f"另有 {len(broken) - 20} 处外键错误")
        misplaced = conn.execute(
            select(func.count())
            .select_from(Household)
            .join(Grid, Household.grid_id == Grid.id)
            .where(Household.village_id != Grid.village_id, Household.deleted_at.is_(None))
        ).scalar()
        if misplaced:
            report.problems.append(f"{misplaced} 户住户所在网格不属于其村居")
    report.counts = table_counts(engine)
    return report
