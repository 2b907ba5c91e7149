"""Start-up time: process start to a shown, idle main window on a demo database.

Usage: python bench/bench_startup.py [--households 50000] [--runs 7]
Prints the median of launch → main window shown with the event loop idle, as the program
itself reports it (WUZHA_QUIT_AFTER_START), and of the whole process, which also waits for the
overview figures computed on a worker thread and for Qt's teardown.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

from common import ROOT, demo_database, machine


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    db = demo_database(args.households)
    command = [sys.executable, "-m", "ui.entry", "--db", str(db)]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    ready, whole = [], []
    for run in range(args.runs + 1):
        env["WUZHA_QUIT_AFTER_START"] = repr(time.time())
        start = time.perf_counter()
        out = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if run == 0:
            continue  # the first run warms the OS file cache
        ready.append(float(re.search(r"window ready after ([\d.]+) s", out.stdout).group(1)))
        whole.append(elapsed)
    print(machine())
    print(
        f"launch to shown, idle main window, {args.households} households: "
        f"median {statistics.median(ready):.3f} s (runs: {', '.join(f'{t:.3f}' for t in ready)})"
    )
    print(
        f"whole process incl. figures on a worker thread and exit: "
        f"median {statistics.median(whole):.3f} s"
    )


if __name__ == "__main__":
    main()
