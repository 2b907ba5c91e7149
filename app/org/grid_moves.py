"""Moving and merging grids, and the villages' grid figures.

A grid moved to another village takes every household with it (their `village_id` follows);
two grids merged become one: the households, visits and callback samples of the merged grid
go to the kept one, then it is deleted. Each is one transaction, so nothing is half-moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from app.core import audit
from app.core.validation import ValidationError
from db.base import utcnow
from db.engine import unit_of_work
from db.models import CallbackSample, Grid, Household, Unit, Visit

# The people of a grid: its seat → (name key, mobile key) in the grid form
SEATS = {
    "grid_worker_id": ("worker_name", "worker_mobile"),
    "police_officer_id": ("police_name", "police_mobile"),
}


def live_grid(session: Session, grid_id: int) -> Grid:
    """A live grid; `ValidationError` when it is gone."""
    grid = session.get(Grid, grid_id)
    if grid is None or grid.deleted_at is not None:
        raise ValidationError({"": "网格不存在或已被删除"})
    return grid


def live_village(session: Session, village_id: Any) -> Unit:
    """A live village; `ValidationError` (on `village_id`) when it is not one."""
    village = session.get(Unit, village_id) if village_id is not None else None
    if village is None or village.deleted_at is not None or village.kind != "village":
        raise ValidationError({"village_id": "请选择网格所属的村居"})
    return village


def name_clash(session: Session, village_id: int, name: str, exclude_id: int | None = None) -> bool:
    """Whether the village already has a live grid of that name."""
    return (
        session.scalar(
            select(Grid.id).where(
                Grid.village_id == village_id,
                Grid.name == name,
                Grid.deleted_at.is_(None),
                Grid.id != (exclude_id or 0),
            )
        )
        is not None
    )


def grid_records(session: Session, grid_id: int) -> tuple[int, int]:
    """How many live households and visits a grid has."""
    households = session.scalar(
        select(func.count()).where(Household.grid_id == grid_id, Household.deleted_at.is_(None))
    )
    visits = session.scalar(
        select(func.count()).where(Visit.grid_id == grid_id, Visit.deleted_at.is_(None))
    )
    return households or 0, visits or 0


def move_households(session: Session, grid: Grid, village_id: int) -> int:
    """Every household of the grid (deleted ones too) now lives in `village_id`."""
    result = session.execute(
        update(Household)
        .where(Household.grid_id == grid.id)
        .values(village_id=village_id, changed_by=session.info.get("user"), updated_at=utcnow())
    )
    return result.rowcount


@dataclass(frozen=True)
class Moved:
    """What a move or a merge carried over."""

    households: int
    visits: int = 0
    samples: int = 0


def move_grid(
    engine: Engine,
    grid_id: int,
    village_id: int,
    user: str | None = None,
    new_name: str | None = None,
) -> Moved:
    """Move a grid (and all its households) to another village, optionally renaming it."""
    with unit_of_work(engine, user) as session:
        grid = live_grid(session, grid_id)
        village = live_village(session, village_id)
        if village.id == grid.village_id:
            raise ValidationError({"village_id": f"网格已经属于{village.name}"})
        name = (new_name or "").strip() or grid.name
        if len(name) > 64:
            raise ValidationError({"name": "网格名称不能超过64个字"})
        if name_clash(session, village.id, name):
            raise ValidationError(
                {"name": f"{village.name}已有名为“{name}”的网格，请给移过去的网格换个名称"}
            )
        moved = move_households(session, grid, village.id)
        last = session.scalar(
            select(func.max(Grid.sort_order)).where(Grid.village_id == village.id)
        )
        grid.village_id, grid.name, grid.sort_order = village.id, name, (last or 0) + 1
        audit.record(session, "update", "grid", grid.uuid, f"moved:{moved}")
        return Moved(moved)


def merge_grids(engine: Engine, keep_id: int, merged_id: int, user: str | None = None) -> Moved:
    """Merge grid `merged_id` into `keep_id`: its households, visits and callback samples go to
    the kept grid (and its village), then it is deleted. One transaction; nothing is lost."""
    if keep_id == merged_id:
        raise ValidationError({"": "不能把网格合并到它自己"})
    with unit_of_work(engine, user) as session:
        keep = live_grid(session, keep_id)
        merged = live_grid(session, merged_id)
        stamp = {"changed_by": session.info.get("user"), "updated_at": utcnow()}
        households = session.execute(
            update(Household)
            .where(Household.grid_id == merged.id)
            .values(grid_id=keep.id, village_id=keep.village_id, **stamp)
        ).rowcount
        visits = session.execute(
            update(Visit).where(Visit.grid_id == merged.id).values(grid_id=keep.id, **stamp)
        ).rowcount
        samples = session.execute(
            update(CallbackSample)
            .where(CallbackSample.grid_id == merged.id)
            .values(grid_id=keep.id, **stamp)
        ).rowcount
        for seat in SEATS:
            if getattr(keep, seat) is None and getattr(merged, seat) is not None:
                setattr(keep, seat, getattr(merged, seat))
        merged.deleted_at = utcnow()
        detail = f"into:{keep.uuid};households:{households};visits:{visits}"
        audit.record(session, "merge", "grid", merged.uuid, detail)
        return Moved(households, visits, samples)


def merge_question(engine: Engine, keep_id: int, merged_id: int) -> str:
    """What a merge will do, in words, to be confirmed."""
    with unit_of_work(engine) as session:
        keep = live_grid(session, keep_id)
        merged = live_grid(session, merged_id)
        households, visits = grid_records(session, merged.id)
        lines = [
            f"把“{merged.village.name}{merged.name}”合并到“{keep.village.name}{keep.name}”：",
            f"{households}户住户和{visits}条走访记录转到“{keep.village.name}{keep.name}”，"
            f"然后删除“{merged.name}”。",
        ]
        if merged.village_id != keep.village_id:
            lines.append(f"两个网格不在同一村居，这些住户将改属{keep.village.name}。")
    return "\n".join([*lines, "确定合并吗？"])


@dataclass(frozen=True)
class VillageGrids:
    """A village in figures: grids, households, households not yet in a grid."""

    village_id: int
    name: str
    grids: int
    households: int
    without_grid: int


def village_summary(engine: Engine) -> list[VillageGrids]:
    """Every live village with its grid and household counts, in the unit list's order."""
    grids = (
        select(func.count())
        .where(Grid.village_id == Unit.id, Grid.deleted_at.is_(None))
        .scalar_subquery()
    )
    households = (
        select(func.count())
        .where(Household.village_id == Unit.id, Household.deleted_at.is_(None))
        .scalar_subquery()
    )
    loose = (
        select(func.count())
        .where(
            Household.village_id == Unit.id,
            Household.deleted_at.is_(None),
            Household.grid_id.is_(None),
        )
        .scalar_subquery()
    )
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(Unit.id, Unit.name, grids, households, loose)
            .where(Unit.deleted_at.is_(None), Unit.kind == "village")
            .order_by(Unit.sort_order, Unit.id)
        ).all()
    return [VillageGrids(*row) for row in rows]
