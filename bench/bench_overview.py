"""The office head's figures: the overview (with the overdue list) and a monthly notice PDF.

Usage: python bench/bench_overview.py [--households 300000] [--runs 5]
Prints the median of each figure over the runs (the first run warms SQLite's page cache, as
the window's own first read does).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

from common import demo_database, machine

CPU: list[float] = []  # the process's CPU seconds of the last timed() calls


def timed(function, runs: int) -> float:
    """The median seconds of `runs` calls (and their median CPU time in CPU[0]): on a shared
    machine the wall time grows with the others' load, the CPU time does not."""
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    CPU[:] = [statistics.median(cpu)]
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    path = demo_database(args.households)

    from app.oversight.monthly_notice import print_monthly_notice
    from app.oversight.overdue import overdue_items
    from app.oversight.overview import overview
    from app.storage.database import open_database

    database = open_database(path)
    engine = database.engine
    print(machine())
    seconds = timed(lambda: overview(engine), args.runs)
    print(f"overview figures: {seconds * 1000:.0f} ms (CPU {CPU[0] * 1000:.0f} ms)")
    print(f"overdue list: {timed(lambda: overdue_items(engine), args.runs) * 1000:.0f} ms")

    def both() -> None:  # as the tab computes them: two reads on two threads
        with ThreadPoolExecutor(max_workers=2) as pool:
            for future in [pool.submit(overview, engine), pool.submit(overdue_items, engine)]:
                future.result()

    print(
        f"overview tab (figures and overdue list together): {timed(both, args.runs) * 1000:.0f} ms"
    )
    last = date.today().replace(day=1) - timedelta(days=1)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "notice.pdf"
        seconds = timed(lambda: print_monthly_notice(engine, last.year, last.month, out), args.runs)
        print(
            f"monthly notice {last:%Y-%m} PDF: {seconds * 1000:.0f} ms "
            f"(CPU {CPU[0] * 1000:.0f} ms), {out.stat().st_size} bytes"
        )
        # January's notice printed at the year's end: every later visit and letter is read too
        seconds = timed(lambda: print_monthly_notice(engine, last.year, 1, out), args.runs)
        cpu = CPU[0] * 1000
        print(f"monthly notice {last.year}-01 PDF: {seconds * 1000:.0f} ms (CPU {cpu:.0f} ms)")
    database.close()


if __name__ == "__main__":
    main()
