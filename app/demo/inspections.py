"""Inspections of villages and units, and phone callbacks of sampled visited households."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.core.vocab import CALLBACK_RESULTS
from app.demo.context import WINDOW_DAYS, DemoContext
from app.demo.texts import INSPECTION_FINDINGS, INSPECTION_RECTIFICATIONS

# the program's own rule for who can be called back, so a stored sample can be drawn again
from app.oversight.callbacks import _candidates, pick
from db.models import CallbackCall, CallbackSample, Inspection

CALLBACK_WEIGHTS = {"confirmed": 16, "not_confirmed": 2, "unreachable": 1, "pending": 1}
SAMPLED_GRID_EVERY = 4  # one callback sample per few grids
CALLBACK_PERIOD_DAYS = 30  # the visits of a month are sampled


def _inspection(ctx: DemoContext, unit_id: int, day: int, method: str) -> int:
    rng = ctx.rng
    rectify = rng.random() < 0.4
    due = day + 14
    fixed = due - int(rng.random() * 10) if rectify and due < WINDOW_DAYS else None
    return ctx.add(
        Inspection,
        ctx.moment(day, 600),
        inspected_on=ctx.day(day),
        inspectors=f"{ctx.people['chair'][1]}、{ctx.people['director'][1]}及派出所民警",
        unit_id=unit_id,
        method=method,
        findings=rng.choice(INSPECTION_FINDINGS),
        rectification=rng.choice(INSPECTION_RECTIFICATIONS) if rectify else None,
        rectification_due=ctx.day(due) if rectify else None,
        rectified_on=ctx.day(fixed) if fixed is not None else None,
        updated_at=ctx.moment(fixed if fixed is not None else day, 600),
    )


def build_inspections(ctx: DemoContext) -> None:
    """Inspections of villages and units, and phone callbacks of sampled visited households."""
    rng = ctx.rng
    for village in ctx.villages:
        for _ in range(2):
            _inspection(
                ctx,
                village.unit.id,
                ctx.random_day(60, WINDOW_DAYS),
                rng.choice(("household_visit", "on_site")),
            )
    for unit in rng.sample([u for u in ctx.units if u.kind != "village"], 5):
        _inspection(ctx, unit.id, ctx.random_day(60, WINDOW_DAYS), "on_site")
    _callbacks(ctx)


def _draw_callbacks(ctx: DemoContext) -> list[tuple[int, int, tuple[int, int], int, dict]]:
    """Samples drawn as the office draws them (`app.oversight.callbacks`): in every few grids, N of
    the
    households with a phone and a visit in a month's period, picked by a stored seed, so
    复现 finds the same households. (drawn day, grid id, period, seed, household → visit)."""
    rng, samples = ctx.rng, []
    with Session(bind=ctx.conn) as session:  # reads the rows of this build's transaction
        for village in ctx.villages:
            for grid in village.grids:
                if grid.id % SAMPLED_GRID_EVERY:
                    continue
                last = WINDOW_DAYS - 2 - int(rng.random() * 330)
                period = (last - CALLBACK_PERIOD_DAYS + 1, last)
                candidates = _candidates(session, grid.id, ctx.day(period[0]), ctx.day(last))
                if not candidates:
                    continue
                seed = rng.getrandbits(31)
                chosen = pick(list(candidates), 5 + int(rng.random() * 4), seed)
                drawn = min(WINDOW_DAYS, last + 1 + int(rng.random() * 10))
                picked = {household: candidates[household] for household in chosen}
                samples.append((drawn, grid.id, period, seed, picked))
    return sorted(samples, key=lambda sample: sample[:2])


def _callbacks(ctx: DemoContext) -> None:
    """Phone callbacks of sampled visited households, each sample with its inspection."""
    rng = ctx.rng
    samples = _draw_callbacks(ctx)
    village_of = {g.id: v.unit.id for v in ctx.villages for g in v.grids}
    for n, (drawn, grid_id, period, seed, chosen) in enumerate(samples):
        inspection_id = _inspection(ctx, village_of[grid_id], drawn, "phone_callback")
        sample_id = ctx.add(
            CallbackSample,
            ctx.moment(drawn, 600),
            inspection_id=inspection_id,
            grid_id=grid_id,
            drawn_on=ctx.day(drawn),
            seed=seed,
            sample_size=len(chosen),
            visited_from=ctx.day(period[0]),
            visited_to=ctx.day(period[1]),
        )
        # The latest sample shows every result; calls still pending only in recent samples.
        forced = list(CALLBACK_RESULTS) if n == len(samples) - 1 else []
        recent = drawn >= WINDOW_DAYS - 14
        for k, (household_id, visit_id) in enumerate(chosen.items()):
            if k < len(forced):
                result = forced[k]
            else:
                result = rng.choices(list(CALLBACK_WEIGHTS), list(CALLBACK_WEIGHTS.values()))[0]
            if result == "pending" and not recent and not forced:
                result = "confirmed"
            called = min(WINDOW_DAYS, drawn + 1 + int(rng.random() * 3))
            ctx.add(
                CallbackCall,
                ctx.moment(drawn, 600),
                sample_id=sample_id,
                household_id=household_id,
                visit_id=visit_id,
                called_on=None if result == "pending" else ctx.day(called),
                result=result,
                notes="住户表示未见过网格员上门，已转村（居）核实。"
                if result == "not_confirmed"
                else None,
                updated_at=ctx.moment(called if result != "pending" else drawn, 900),
            )
