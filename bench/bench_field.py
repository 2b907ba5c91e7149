"""Field packages at county size: check-out of about 2,000 households and the check-in of a
laptop's month (5,000 visits, 500 signatures, 1,000 household corrections) into 300,000.

    python bench/bench_field.py [--households 300000] [--grid-size 2000]

Prints wall and CPU seconds of each step and the package sizes (the machine is shared: the
CPU time says what the work cost when the wall time is stretched by other load). The demo
database is copied first: the original in the cache is never written.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from common import demo_database, machine
from PIL import Image, ImageDraw
from sqlalchemy import func, select

from app.field.checkin import import_package
from app.field.checkout import export_package
from app.field.laptop import open_package, pack_return
from db.base import new_uuid
from db.engine import make_engine, sqlite_url, unit_of_work
from db.models import Grid, Household, Letter, Unit, Visit

PASSPHRASE = "bench-passphrase"


def timed(label: str, work):
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    print(
        f"{label}: {time.perf_counter() - wall:.2f} s wall, {time.process_time() - cpu:.2f} s CPU"
    )
    return result


def grids_of_about(engine, size: int) -> list[str]:
    """One grid, or the fewest neighbouring grids, holding about `size` households."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Unit.name, Grid.name, func.count(Household.id))
            .join(Grid, Grid.village_id == Unit.id)
            .join(Household, Household.grid_id == Grid.id)
            .where(Household.deleted_at.is_(None))
            .group_by(Grid.id)
            .order_by(Grid.id)
        ).all()
    best = min(rows, key=lambda r: abs(r[2] - size))
    if best[2] >= size * 0.8:
        return [f"{best[0]}/{best[1]}"]
    chosen, total = [], 0
    for village, grid, count in rows:
        if total >= size:
            break
        chosen.append(f"{village}/{grid}")
        total += count
    return chosen


def signature() -> bytes:
    image = Image.new("L", (400, 150), 255)
    ImageDraw.Draw(image).line([(20, 90), (180, 40), (380, 100)], fill=0, width=5)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def laptop_month(engine, visits: int, signatures: int, corrections: int) -> None:
    """A month of field work written straight into the laptop's database."""
    rng = random.Random(13)
    png = signature()
    with unit_of_work(engine, "worker") as session:
        households = session.execute(
            select(Household.id, Household.grid_id).order_by(Household.id)
        ).all()
        today = date.today()
        session.add_all(
            Visit(
                uuid=new_uuid(), household_id=h.id, grid_id=h.grid_id,
                visited_on=today - timedelta(days=rng.randrange(30)), mode="in_person",
                outcome="visited", topics="刷单返利", notice_delivered=True,
            )
            for h in (rng.choice(households) for _ in range(visits))
        )  # fmt: skip
        letters = session.scalars(
            select(Letter).where(Letter.status.in_(["printed", "delivered"])).limit(signatures)
        ).all()
        for letter in letters:
            letter.status, letter.signed_on, letter.signer_name = "signed", today, "户主"
            letter.signature_png = png
        for household_id, _grid in rng.sample(households, min(corrections, len(households))):
            household = session.get(Household, household_id)
            household.notes = "外勤核实：常住"
            household.size = (household.size or 1) + 1
    print(f"laptop: {visits} visits, {len(letters)} signatures, {corrections} corrections")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=300_000)
    parser.add_argument("--grid-size", type=int, default=2000)
    parser.add_argument("--visits", type=int, default=5000)
    parser.add_argument("--signatures", type=int, default=500)
    parser.add_argument("--corrections", type=int, default=1000)
    args = parser.parse_args()
    print(machine(), "| load:", os.getloadavg())
    source = demo_database(args.households)
    with tempfile.TemporaryDirectory(prefix="wuzha-bench-field-") as folder:
        folder = Path(folder)
        office_path = folder / "office.sqlite"
        shutil.copy(source, office_path)
        office = make_engine(sqlite_url(office_path))
        grids = grids_of_about(office, args.grid_size)
        package = folder / "out.wzf"
        result = timed(f"check-out of {', '.join(grids)}",
                       lambda: export_package(office, grids, package, PASSPHRASE))  # fmt: skip
        print(f"  households {result.counts['household']}, residents {result.counts['resident']}, "
              f"letters {result.counts['letter']}, visits {result.counts['visit']}; "
              f"package {result.size / 1e6:.2f} MB")  # fmt: skip
        laptop_path = folder / "laptop.sqlite"
        timed("open on the laptop", lambda: open_package(package, laptop_path, PASSPHRASE))
        laptop = make_engine(sqlite_url(laptop_path))
        laptop_month(laptop, args.visits, args.signatures, args.corrections)
        returned = folder / "return.wzf"
        size = timed("return package", lambda: pack_return(laptop, returned, PASSPHRASE))
        print(f"  return package {size / 1e6:.2f} MB")
        laptop.dispose()
        checked = timed("check-in", lambda: import_package(office, returned, PASSPHRASE))
        for line in checked.lines():
            print(f"  {line}")
        again = timed("check-in again (no-op)",
                      lambda: import_package(office, returned, PASSPHRASE))  # fmt: skip
        assert not again.changed
        office.dispose()


if __name__ == "__main__":
    main()
