"""The organisation on a big township: grid and unit lists, village figures, a grid merge.

Usage: python bench/bench_org.py [--households 300000] [--runs 5]
Uses the cached demo database (bench/common.py); the merge runs on a copy of it, so the cache
stays as built. Prints the median of each figure over the runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import CACHE, demo_database, machine


def timed(function, runs: int) -> float:
    """The median milliseconds of `runs` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    path = demo_database(args.households)

    from sqlalchemy import func, select

    from app.core.registers import RegisterQuery
    from app.org.grid_moves import merge_grids, village_summary
    from app.org.grids import GridRegister
    from app.org.people import PersonRegister, contacts
    from app.org.staff import staff_shares
    from app.org.unit_roles import units_missing_roles
    from app.org.units import UnitRegister
    from db.engine import make_engine, sqlite_url, unit_of_work
    from db.models import Grid, Household

    print(machine())
    engine = make_engine(sqlite_url(path))
    query = RegisterQuery()
    grids = GridRegister(engine)
    with unit_of_work(engine) as session:
        households = session.scalar(select(func.count()).select_from(Household))
    print(f"{households:,} households, {grids.count(query)} grids")
    figures = {
        "grid list: count + first 200 rows (households, visited this year)": lambda: (
            grids.count(query),
            grids.fetch(query, 0, 200),
        ),
        "grid list: search 第1网格 + first page": lambda: grids.fetch(
            RegisterQuery(text="第1网格"), 0, 200
        ),
        "village figures (grids, households, not in a grid)": lambda: village_summary(engine),
        "unit list: count + first 200 rows (four people)": lambda: (
            UnitRegister(engine).count(query),
            UnitRegister(engine).fetch(query, 0, 200),
        ),
        "units missing four people": lambda: units_missing_roles(engine),
        "staff shares of every unit": lambda: staff_shares(engine),
        "contacts: count + first page": lambda: PersonRegister(engine).fetch(query, 0, 200),
        "contacts for the name pickers": lambda: contacts(engine),
    }
    for label, function in figures.items():
        print(f"{label}: {timed(function, args.runs):.0f} ms")

    copy = CACHE / "org-merge.sqlite"
    shutil.copy(path, copy)
    try:
        other = make_engine(sqlite_url(copy))
        with unit_of_work(other) as session:
            counted = (
                select(Household.grid_id, func.count().label("n"))
                .where(Household.grid_id.is_not(None))
                .group_by(Household.grid_id)
                .order_by(func.count().desc())
                .limit(2)
            )
            (keep, keep_n), (merged, merged_n) = session.execute(counted).all()
            assert session.get(Grid, keep) is not None
        start = time.perf_counter()
        moved = merge_grids(other, keep, merged, "bench")
        elapsed = (time.perf_counter() - start) * 1000
        print(
            f"merge a grid of {merged_n} households into one of {keep_n}: {elapsed:.0f} ms "
            f"({moved.households} households, {moved.visits} visits moved)"
        )
        other.dispose()
    finally:
        for suffix in ("", "-wal", "-shm"):
            copy.with_name(copy.name + suffix).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
