"""Opening big registers: first rows of the 成员单位 tab and the household list, and memory.

Usage: python bench/bench_register.py [--households 300000]
Each tab is built, shown and painted once; the time is until its first rows are on screen.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import demo_database, machine


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=300_000)
    args = parser.parse_args()
    path = demo_database(args.households)

    from PySide6.QtTest import QTest

    from app.core.registers import RegisterQuery
    from app.storage.database import open_database
    from ui.application import create_application
    from ui.tabs.households.households_tab import HouseholdsTab
    from ui.tabs.org.units_tab import UnitsTab

    app = create_application([])
    database = open_database(path)
    print(machine())
    for name, factory in (("成员单位", UnitsTab), ("入户走访 household list", HouseholdsTab)):
        start = time.perf_counter()
        tab = factory(database.engine, None)
        tab.resize(1200, 700)
        tab.show()
        QTest.qWaitForWindowExposed(tab)
        app.processEvents()
        first = time.perf_counter() - start
        rows = tab.model.rowCount()
        start = time.perf_counter()
        tab.model.set_query(RegisterQuery(text="张", sort_key=tab.model.columns[2].key))
        tab.model.data(tab.model.index(0, 0))
        search = time.perf_counter() - start
        print(
            f"{name}: {rows} rows, first rows shown in {first * 1000:.0f} ms, "
            f"search 张 + sort + first page {search * 1000:.0f} ms"
        )
        tab.close()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak process memory: {rss_mb:.0f} MB")
    database.close()


if __name__ == "__main__":
    main()
