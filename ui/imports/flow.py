"""The first step every import shares: choosing the spreadsheet, and how the steps report.

An importer in app/ gives a preview (`creates`, `updates`, `errors`, `good_rows`) and a job
that writes in one transaction in mode `all_or_nothing` or `good_rows`; ui/imports/preview.py
shows the preview and runs the job the clerk chose.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

Inform = Callable[[QWidget, str, str], None]


def ask_xlsx_to_open(parent: QWidget, title: str) -> str | None:
    """Ask for a spreadsheet to import (the shared reader takes .xlsx, .xls, .ods and .csv)."""
    path, _ = QFileDialog.getOpenFileName(
        parent, title, str(Path.home()),
        "表格文件 (*.xlsx *.xls *.ods *.csv);;Excel 工作簿 (*.xlsx *.xls);;CSV 文件 (*.csv)",
    )  # fmt: skip
    return path or None
