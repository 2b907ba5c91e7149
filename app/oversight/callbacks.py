"""Callback sampling (电话回访抽查): did the visits a grid reports really happen?

The office draws N visited households of a grid at random and calls them. A draw is
reproducible: the candidates are the grid's live households with a phone and a visit in the
stored period, ordered by id, and `random.Random(seed)` picks from them, so the same seed over
the same records gives the same households. A draw over several grids (a village's, the
township's) takes N in each grid, each with its own stored seed. The calls and their answers
are in `app.oversight.callback_results`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.validation import ValidationError
from db.engine import unit_of_work
from db.models import CallbackCall, CallbackSample, Grid, Household, Visit

MAX_SAMPLE = 200
# A drawn household should be called within this many days; later, it is overdue.
CALLBACK_DAYS = 14
# The 回访结果 filter's choice for calls still pending that long after the draw.
OVERDUE_PENDING = "overdue_pending"


@dataclass(frozen=True)
class Draw:
    """The result of a draw: the stored sample, its households and a note for the clerk."""

    sample_id: int
    seed: int
    household_ids: tuple[int, ...]
    candidates: int
    note: str


def pick(candidates: Sequence[int], size: int, seed: int) -> list[int]:
    """The households a seed picks from candidates (sorted first, so order never matters)."""
    ordered = sorted(candidates)
    return sorted(random.Random(seed).sample(ordered, min(size, len(ordered))))


def _candidates(
    session: Session, grid_id: int, visited_from: date, visited_to: date
) -> dict[int, int]:
    """Household id → its latest visit id in the period, for live households with a phone."""
    rows = session.execute(
        select(Visit.household_id, func.max(Visit.id))
        .join(Household, Household.id == Visit.household_id)
        .where(
            Household.grid_id == grid_id,
            Household.deleted_at.is_(None),
            Household.phone.is_not(None),
            Household.phone != "",
            Visit.deleted_at.is_(None),
            Visit.outcome == "visited",
            Visit.visited_on.between(visited_from, visited_to),
        )
        .group_by(Visit.household_id)
    ).all()
    return {household_id: visit_id for household_id, visit_id in rows}


def grid_seed(seed: int, grid_id: int) -> int:
    """The seed of one grid's sample in a draw over several grids (stored with the sample, so
    each sample can be repeated on its own)."""
    return (seed * 1_000_003 + grid_id) % 2**31


def _check_draw(size: int, visited_from: date, visited_to: date) -> None:
    errors = {}
    if not 1 <= size <= MAX_SAMPLE:
        errors["size"] = f"抽查户数应在1到{MAX_SAMPLE}之间"
    if visited_from > visited_to:
        errors["visited_from"] = "走访时间段的开始日期不能晚于结束日期"
    if errors:
        raise ValidationError(errors)


def _store_sample(
    session: Session, grid_id: int, candidates: dict[int, int], size: int, seed: int,
    period: tuple[date, date], inspection_id: int | None, drawn_on: date,
) -> tuple[int, list[int]]:  # fmt: skip
    chosen = pick(list(candidates), size, seed)
    sample = CallbackSample(
        inspection_id=inspection_id, grid_id=grid_id, drawn_on=drawn_on, seed=seed,
        sample_size=len(chosen), visited_from=period[0], visited_to=period[1],
    )  # fmt: skip
    session.add(sample)
    session.flush()
    session.add_all(
        CallbackCall(sample_id=sample.id, household_id=household_id,
                     visit_id=candidates[household_id], result="pending")
        for household_id in chosen
    )  # fmt: skip
    audit.record(session, "create", "callback_sample", sample.uuid, f"{len(chosen)} calls")
    return sample.id, chosen


def draw_sample(
    engine: Engine,
    grid_id: int,
    size: int,
    visited_from: date,
    visited_to: date,
    *,
    seed: int | None = None,
    inspection_id: int | None = None,
    drawn_on: date | None = None,
    user: str | None = None,
) -> Draw:
    """Draw and store a sample of a grid's visited households, with a pending call for each.

    Raises ValidationError for a bad size or period. Fewer candidates than asked: all are
    taken and the note says so.
    """
    _check_draw(size, visited_from, visited_to)
    seed = random.SystemRandom().getrandbits(31) if seed is None else seed
    with unit_of_work(engine, user) as session:
        grid = session.get(Grid, grid_id)
        if grid is None or grid.deleted_at is not None:
            raise ValidationError({"grid_id": "网格不存在或已被删除"})
        candidates = _candidates(session, grid_id, visited_from, visited_to)
        if not candidates:
            raise ValidationError(
                {"grid_id": f"“{grid.name}”在{visited_from}至{visited_to}没有可回访的已走访住户"}
            )
        sample_id, chosen = _store_sample(
            session, grid_id, candidates, size, seed, (visited_from, visited_to), inspection_id,
            drawn_on or date.today(),
        )  # fmt: skip
    note = f"已抽取{len(chosen)}户"
    if len(chosen) < size:
        note = f"该网格符合条件的住户只有{len(candidates)}户，已全部抽取"
    return Draw(sample_id, seed, tuple(chosen), len(candidates), note)


def draw_samples(
    engine: Engine,
    grid_ids: Sequence[int],
    size: int,
    visited_from: date,
    visited_to: date,
    *,
    seed: int | None = None,
    drawn_on: date | None = None,
    user: str | None = None,
) -> tuple[int, list[Draw]]:
    """Draw `size` households in each of several grids (a village's, or the township's), in
    one transaction; returns the seed of the whole draw and each grid's draw. Each grid's
    sample gets its own seed, `grid_seed(seed, grid)`, stored with it, so the same seed over
    the same grids draws the same households. Grids with nobody to call are passed over; if
    no grid has anyone, nothing is stored."""
    _check_draw(size, visited_from, visited_to)
    if not grid_ids:
        raise ValidationError({"grid_id": "请选择要抽查的网格"})
    seed = random.SystemRandom().getrandbits(31) if seed is None else seed
    draws = []
    with unit_of_work(engine, user) as session:
        grids = session.execute(
            select(Grid.id)
            .where(Grid.id.in_(grid_ids), Grid.deleted_at.is_(None))
            .order_by(Grid.id)
        ).scalars()
        for grid_id in grids:
            candidates = _candidates(session, grid_id, visited_from, visited_to)
            if not candidates:
                continue
            own_seed = grid_seed(seed, grid_id)
            sample_id, chosen = _store_sample(
                session, grid_id, candidates, size, own_seed, (visited_from, visited_to), None,
                drawn_on or date.today(),
            )  # fmt: skip
            draws.append(Draw(sample_id, own_seed, tuple(chosen), len(candidates), ""))
        if not draws:
            raise ValidationError(
                {"grid_id": f"所选网格在{visited_from}至{visited_to}都没有可回访的已走访住户"}
            )
    return seed, draws


def redraw(engine: Engine, sample_id: int) -> list[int]:
    """The households the stored sample's seed picks today: equal to the stored ones unless
    households or visits of that period were changed since."""
    with unit_of_work(engine) as session:
        sample = session.get(CallbackSample, sample_id)
        if sample is None or sample.visited_from is None or sample.visited_to is None:
            raise ValidationError({"": "该抽样没有记录走访时间段，无法复现"})
        candidates = _candidates(session, sample.grid_id, sample.visited_from, sample.visited_to)
        return pick(list(candidates), sample.sample_size, sample.seed)
