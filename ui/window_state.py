"""What the main window remembers between runs: its place and size (or maximised) and the
column widths the clerk dragged, in an ini file of the user's settings folder (QSettings).

Tests point QSettings at a temporary folder (tests/conftest.py), so they never write the
user's real settings.
"""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt
from PySide6.QtWidgets import QTableView, QWidget

from app import APP_NAME

GEOMETRY_KEY = "main_window/geometry"
COLUMNS_GROUP = "columns"
# The main window's first size on a screen with room for it; a smaller screen gets it maximised.
PREFERRED_SIZE = QSize(1280, 800)


def settings() -> QSettings:
    """The program's window settings (an ini file in the user's settings folder)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_NAME, "window")


def saved_geometry(store: QSettings) -> QByteArray | None:
    """The main window geometry saved last time, if any."""
    value = store.value(GEOMETRY_KEY)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def _headers(table: QTableView) -> list[str]:
    model = table.model()
    return [str(model.headerData(n, Qt.Orientation.Horizontal)) for n in range(model.columnCount())]


def table_key(area: str, table: QTableView) -> str:
    """Where a table's widths are kept: its area (tab) and its column titles, so a table whose
    columns changed in a new version starts from its declared widths again."""
    digest = hashlib.sha1("\x1f".join(_headers(table)).encode("utf-8")).hexdigest()[:12]
    area_key = hashlib.sha1(area.encode("utf-8")).hexdigest()[:8]
    return f"{COLUMNS_GROUP}/{area_key}-{digest}"


def _tables(root: QWidget) -> list[QTableView]:
    return [t for t in root.findChildren(QTableView) if t.model() is not None]


def save_column_widths(store: QSettings, area: str, root: QWidget) -> None:
    """Remember the column widths of every table under `root`."""
    for table in _tables(root):
        count = table.model().columnCount()
        if count:
            store.setValue(table_key(area, table), [table.columnWidth(n) for n in range(count)])


def restore_column_widths(store: QSettings, area: str, root: QWidget) -> None:
    """Give every table under `root` the widths saved for it (same columns only)."""
    for table in _tables(root):
        value = store.value(table_key(area, table))
        if not isinstance(value, list) or len(value) != table.model().columnCount():
            continue
        try:
            widths = [int(v) for v in value]
        except (TypeError, ValueError):
            continue
        for number, width in enumerate(widths):
            if width > 0:  # a hidden column stays as the program sets it
                table.setColumnWidth(number, width)
