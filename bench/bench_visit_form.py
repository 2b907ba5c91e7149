"""The visit form as a grid worker uses it (issue 21): Enter saves, the next household of the
list opens, and the list and panel behind follow. One figure: the time from Enter to the next
household shown, list re-read and selected, over 40 households of 今年未走访 in one village.

Usage: QT_QPA_PLATFORM=offscreen python bench/bench_visit_form.py [--households 30000]
Runs on a copy of the cached demo database; settings go to a temporary folder.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from common import demo_database, machine


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=30_000)
    parser.add_argument("--visits", type=int, default=40)
    args = parser.parse_args()
    path = demo_database(args.households)

    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest

    from app.storage.database import open_database
    from ui.application import create_application
    from ui.tabs.households.households_tab import HouseholdsTab

    app = create_application([])
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "visits.sqlite"
        shutil.copyfile(path, copy)
        database = open_database(copy, background_checkpoints=True)
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        tab = HouseholdsTab(database.engine, "bench", inform=lambda *_: None, settings=settings)
        tab.resize(1366, 740)
        tab.show()
        bar = tab.households.filter_bar
        bar.combos["village"].setCurrentIndex(1)
        bar.combos["visited"].setCurrentIndex(bar.combos["visited"].findData("not_this_year"))
        app.processEvents()
        shown = tab.households.model.count
        tab.households.select_id(tab.households.model.row(0).id)
        tab.start_visits()
        dialog = tab.visit_dialog
        app.processEvents()
        times = []
        for _ in range(args.visits):
            QTest.keyClick(dialog.focusWidget(), Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
            start = time.perf_counter()
            QTest.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
            app.processEvents()
            times.append((time.perf_counter() - start) * 1000)
            assert tab.households.selected_id() == dialog.defaults.household_id
        dialog.reject()
        app.processEvents()
        database.close()
    print(machine(), f"— {args.households:,} households")
    print(f"visit form, Enter to the next household of the list ({shown:,} shown, "
          f"{args.visits} visits): median {statistics.median(times):.0f} ms, "
          f"slowest {max(times):.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
