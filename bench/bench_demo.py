"""Demo build time: `build_demo` of N households into a new temporary SQLite file.

Usage: python bench/bench_demo.py [--households 300000] [--seed 1] [--keep]
Prints the machine, the seconds from the job's start to its commit (and the CPU seconds of
this process: on a shared machine the wall time grows with the others' load), the seconds to
close the database (SQLite checkpoints the WAL into the file then), the rows written per table
and in total, and the size of the file.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from common import machine

from app.core.progress import run_to_end
from app.demo.township import build_demo
from db.engine import make_engine, sqlite_url
from db.schema import prepare_database

TODAY = date(2026, 11, 23)  # fixed, so runs on different days build the same rows


def main() -> None:
    """Build the demo into a fresh file, time it, print the figures, remove the file."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database and print its path")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="wuzha-bench-demo-"))
    path = folder / "demo.sqlite"
    try:
        url = sqlite_url(path)
        prepare_database(url)
        engine = make_engine(url)
        start, start_cpu = time.perf_counter(), time.process_time()
        summary = run_to_end(build_demo(engine, args.households, args.seed, TODAY))
        built = time.perf_counter() - start
        cpu = time.process_time() - start_cpu
        engine.dispose()
        closed = time.perf_counter() - start - built
        print(machine())
        print(
            f"demo build, {args.households} households, seed {args.seed}: {built:.1f} s "
            f"(CPU {cpu:.1f} s; + {closed:.1f} s to close and checkpoint)"
        )
        for table, count in summary.counts.items():
            print(f"  {table:<24}{count:>10}")
        print(f"  {'total rows':<24}{summary.total_rows:>10}")
        print(f"file size: {path.stat().st_size / 2**20:.1f} MiB")
        if args.keep:
            print(f"kept: {path}")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
