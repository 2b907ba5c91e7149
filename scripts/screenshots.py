"""Pictures of every tab and dialog on the demo township, at 1366×768 and 1024×700.

    .venv/bin/python scripts/screenshots.py [--out out/screenshots] [--size 1366x768 ...]

Writes one PNG per tab (and sub-tab), per dialog and per register's record form into
`out/screenshots/<size>/` (out/ is not committed; the user guide reuses the pictures). The
windows are the ones tests/test_dialogs_fit.py checks (tests/dialog_catalogue.py), shown as
the program sizes them on a screen of that size less a 40-pixel taskbar. Runs without a
display; never touches the user's database or settings.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = ("1366x768", "1024x700")
TASKBAR = 40


def _offscreen_screen(width: int, height: int, folder: Path) -> None:
    """Qt's offscreen platform with a screen of this size (set before Qt starts)."""
    config = folder / "screen.json"
    screen = {"name": "laptop", "x": 0, "y": 0, "width": width, "height": height,
              "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}  # fmt: skip
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"


def _file_name(name: str) -> str:
    return name.replace("/", "／").replace("\\", "＼").replace(" ", "") + ".png"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "screenshots")
    parser.add_argument("--size", action="append", choices=SIZES)
    args = parser.parse_args(argv)
    sizes = args.size or list(SIZES)
    work = Path(tempfile.mkdtemp(prefix="wuzha-shots-"))
    widest = max((tuple(map(int, s.split("x"))) for s in sizes), key=lambda wh: wh[0] * wh[1])
    _offscreen_screen(*widest, work)
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

    from dialog_catalogue import (
        DIALOGS,
        EXTRA_DIALOGS,
        Context,
        build_demo_database,
        build_every_tab,
        register_forms,
        tab_pages,
    )
    from PySide6.QtCore import QRect, QSettings, QThreadPool
    from PySide6.QtWidgets import QDialog

    from app.storage.database import open_database
    from ui import screen_fit
    from ui.application import create_application
    from ui.main_window import MainWindow

    # the window settings of this run go to the temporary folder, not the user's
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work))
    app = create_application([sys.argv[0]])

    def settle() -> None:
        """Let background figures arrive and the widgets lay out."""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            app.processEvents()
            if QThreadPool.globalInstance().activeThreadCount() == 0:
                break
            time.sleep(0.02)
        app.processEvents()

    database = open_database(work / "demo.sqlite")
    build_demo_database(database)
    window = MainWindow(database, user="clerk")
    build_every_tab(window)
    ctx = Context(database.engine, window, work)
    written = 0
    for size in sizes:
        width, height = map(int, size.split("x"))
        area = QRect(0, 0, width, height - TASKBAR)
        screen_fit.available_rect = lambda _widget=None, area=area: QRect(area)
        folder = args.out / size
        folder.mkdir(parents=True, exist_ok=True)

        window.resize(area.size() - screen_fit.FRAME_ALLOWANCE)
        window.show()
        for name, path in tab_pages(window):
            for tabs, index in path:
                tabs.setCurrentIndex(index)
            settle()
            window.grab().save(str(folder / _file_name(f"标签页-{name}")))
            written += 1

        opened = [
            (f"对话框-{n}", lambda f=f: f(ctx)) for n, f in {**DIALOGS, **EXTRA_DIALOGS}.items()
        ]
        opened += [(f"表单-{n}", f) for n, f in register_forms(window)]
        for name, open_it in opened:
            dialog = open_it()
            dialog.show()
            settle()
            dialog.grab().save(str(folder / _file_name(name)))
            written += 1
            if isinstance(dialog, QDialog):
                dialog.done(QDialog.DialogCode.Rejected)
            else:
                dialog.close()
            dialog.deleteLater()
            app.processEvents()
        print(f"{size}: {folder}")
    window.hide()
    database.close()
    print(f"{written} pictures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
