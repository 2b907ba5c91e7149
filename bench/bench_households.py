"""The household register's figures (issue 4): search, filters, coverage and saving a visit.

Usage: python bench/bench_households.py [--households 300000] [--runs 9]
Each search is what the tab does when the clerk stops typing: count the matches and read the
first page of 200 rows, as the register's SQL does it. Medians of `--runs` after one warm-up.
Saving visits runs on a copy of the demo database, so the cached one stays as built.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from common import demo_database, machine


def median_ms(action, runs: int) -> float:
    action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    path = demo_database(args.households)

    from sqlalchemy import select

    from app.core.registers import RegisterQuery
    from app.households.coverage import coverage
    from app.households.register import HouseholdRegister
    from app.storage.database import open_database
    from db.models import Grid, Household, Resident, Unit

    database = open_database(path)  # brings a cached database to this schema first
    engine = database.engine
    register = HouseholdRegister(engine)
    with engine.connect() as conn:
        phone, id_number, address = conn.execute(
            select(Household.phone, Household.head_id_number, Household.address).where(
                Household.phone.is_not(None), Household.head_id_number.is_not(None)
            ).offset(args.households // 2)
        ).first()  # fmt: skip
        village_id, village = conn.execute(
            select(Unit.id, Unit.name).where(Unit.kind == "village").offset(3)
        ).first()
        surname = conn.execute(select(Resident.name).offset(args.households)).scalar()[0]
        given = conn.execute(select(Household.head_name).offset(777)).scalar()[1:]
        grid_id = conn.execute(select(Grid.id).where(Grid.village_id == village_id)).scalar()
    queries = {
        f"1 Chinese character ({surname})": RegisterQuery(text=surname),
        f"2 characters ({village[:2]})": RegisterQuery(text=village[:2]),
        f"name fragment ({given})": RegisterQuery(text=given),
        "4 digits of a phone": RegisterQuery(text=phone[-4:]),
        "6 digits of an ID number": RegisterQuery(text=id_number[8:14]),
        f"address fragment ({address[-5:]})": RegisterQuery(text=address[-5:]),
        f"{surname} + village filter": RegisterQuery(text=surname, filters={"village": village_id}),
        f"{surname} + 告知书未送达": RegisterQuery(text=surname, filters={"notice": "missing"}),
        f"{surname}, sorted by address": RegisterQuery(text=surname, sort_key="address"),
        "filter 今年未走访": RegisterQuery(filters={"visited": "not_this_year"}),
        "filter 告知书未送达": RegisterQuery(filters={"notice": "missing"}),
        "filter 承诺书未签 in a grid": RegisterQuery(
            filters={"commitment": "missing", "grid": grid_id}
        ),
        "filter 有人未装APP": RegisterQuery(filters={"app": "missing"}),
        "no search, sorted by address": RegisterQuery(sort_key="address"),
        "no search, sorted by village": RegisterQuery(sort_key="village", descending=True),
        "no search, 重点人群 老年人": RegisterQuery(filters={"tag": "老年人"}),
    }
    print(machine(), f"— {args.households:,} households, {date.today()}")
    print("search / filter (count + first page of 200)        median ms   matches")
    searches = []
    for name, query in queries.items():

        def run(query=query):
            register.count(query)
            register.fetch(query, 0, 200)

        ms = median_ms(run, args.runs)
        if name.startswith(("1 ", "2 ", "name", "4 ", "6 ", "address", surname)):
            searches.append(ms)
        print(f"  {name:<48} {ms:8.1f}  {register.count(query):>8,}")
    print(f"  median over the search kinds: {statistics.median(searches):.1f} ms")
    print(f"coverage of the whole township: {median_ms(lambda: coverage(engine), 5):.1f} ms")
    database.close()
    bench_visits(path, args.runs)


def bench_visits(path: Path, runs: int) -> None:
    """Save 40 visits, one after another, as the visit form does on Enter."""
    from sqlalchemy import select

    from app.households.visits import next_unvisited, save_visit
    from app.storage.database import open_database
    from db.models import Household

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "visits.sqlite"
        shutil.copyfile(path, copy)
        # as the window opens it: WAL checkpoints on their own thread, not inside a save
        database = open_database(copy, background_checkpoints=True)
        engine = database.engine
        with engine.connect() as conn:
            first = conn.execute(
                select(Household.id).where(Household.last_visited_on.is_(None)).limit(1)
            ).scalar()
        values = {"visited_on": date.today(), "mode": "in_person", "outcome": "visited",
                  "notice_delivered": True, "commitment_result": "signed",
                  "topics": ["刷单返利", "国家反诈中心APP"]}  # fmt: skip
        save_times, next_times = [], []
        household = first
        for _ in range(40):
            start = time.perf_counter()
            save_visit(engine, household, values)
            save_times.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            household = next_unvisited(engine, household) or first
            next_times.append((time.perf_counter() - start) * 1000)
        database.close()
    print(f"saving one visit (letters, APP, last visit): median {statistics.median(save_times):.1f}"
          f" ms over 40; the first {save_times[0]:.1f} ms, slowest of the others "
          f"{max(save_times[1:]):.1f} ms")  # fmt: skip
    print(f"finding the next unvisited household of the grid: median "
          f"{statistics.median(next_times):.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
