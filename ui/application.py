"""The QApplication: Chinese translations, the bundled CJK font, the error hook, the window."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from app import APP_NAME, APP_TITLE
from app.core.paths import font_path

log = logging.getLogger(__name__)

# Set by bench/bench_startup.py to the time.time() of the process launch: once the main window
# is shown and the event loop is idle, print the seconds since then and quit.
QUIT_AFTER_START_ENV = "WUZHA_QUIT_AFTER_START"


def install_translations(app: QApplication) -> list[QTranslator]:
    """Load Qt's own zh_CN translations so standard dialogs and buttons speak Chinese."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translators = []
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            translators.append(translator)
    return translators


def install_font(app: QApplication, path: Path | None = None) -> str:
    """Register the bundled CJK font and make it the application font; returns its family.

    Without it a machine with no Chinese font shows every character as a box.
    """
    font_id = QFontDatabase.addApplicationFont(str(path or font_path()))
    if font_id < 0:
        log.error("bundled font could not be loaded from %s", path or font_path())
        return app.font().family()
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    font = QFont(family)
    font.setPointSizeF(max(app.font().pointSizeF(), 10.0))
    app.setFont(font)
    return family


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with names, translations and the bundled font."""
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_TITLE)
    install_translations(app)
    install_font(app)
    return app


def run_gui(db_path: Path | None) -> int:
    """Start the GUI on a database; a database that cannot be opened is explained, not a crash."""
    from app.storage.database import open_database
    from db.errors import DatabaseOpenError
    from ui.errors import install_excepthook
    from ui.main_window import WindowController

    app = create_application()
    try:
        database = open_database(db_path, background_checkpoints=True)
    except DatabaseOpenError as exc:
        QMessageBox.critical(None, "无法打开数据库", str(exc))
        return 1
    controller = WindowController(database)
    install_excepthook(lambda: controller.window)
    controller.window.show_on_screen()
    launched = os.environ.get(QUIT_AFTER_START_ENV)
    if launched:

        def report_and_quit() -> None:
            sys.stdout.write(f"window ready after {time.time() - float(launched):.3f} s\n")
            app.quit()

        QTimer.singleShot(0, report_and_quit)
    code = app.exec()
    controller.close()
    return code
