"""The import steps every Excel import shares: choose a file, see the preview, confirm, run.

An importer in app/ gives a preview (`creates`, `updates`, `errors`, `good_rows`) and a job
that writes in one transaction in mode `all_or_nothing` or `good_rows`. Bad rows are listed
with their row numbers; the clerk chooses to import the good rows or nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QWidget

from app.core.validation import ValidationError
from ui.jobs import RunningJob, run_job

Ask = Callable[[QWidget, str, str], bool]
Inform = Callable[[QWidget, str, str], None]
MAX_LISTED_ERRORS = 20


def ask_xlsx_to_open(parent: QWidget, title: str) -> str | None:
    """Ask for a spreadsheet to import (the shared reader takes .xlsx, .xls, .ods and .csv)."""
    path, _ = QFileDialog.getOpenFileName(
        parent, title, str(Path.home()),
        "表格文件 (*.xlsx *.xls *.ods *.csv);;Excel 工作簿 (*.xlsx *.xls);;CSV 文件 (*.csv)",
    )  # fmt: skip
    return path or None


def describe_preview(preview: Any, noun: str) -> str:
    """The preview in a clerk's words: how many to add, update and refuse, and why."""
    lines = [f"可导入 {preview.good_rows} 条{noun}：新增 {len(preview.creates)} 条"]
    if getattr(preview, "updates", None):
        lines[0] += f"，更新 {len(preview.updates)} 条"
    if preview.errors:
        lines.append(f"有 {len(preview.errors)} 处错误：")
        lines += [f"  {e}" for e in preview.errors[:MAX_LISTED_ERRORS]]
        if len(preview.errors) > MAX_LISTED_ERRORS:
            lines.append(f"  ……另有 {len(preview.errors) - MAX_LISTED_ERRORS} 处")
    return "\n".join(lines)


def run_import(
    parent: QWidget,
    title: str,
    noun: str,
    path: str | None,
    preview: Callable[[str], Any],
    job: Callable[[str, str], Any],
    ask: Ask,
    inform: Inform,
    on_done: Callable[[Any], None],
) -> RunningJob | None:
    """Preview `path`, ask, and run the import job; returns the running job (or None)."""
    if not path:
        return None
    try:
        planned = preview(path)
    except ValidationError as exc:
        inform(parent, title, "\n".join(exc.errors.values()))
        return None
    text = describe_preview(planned, noun)
    if not planned.good_rows:
        inform(parent, title, text + "\n\n没有可导入的行。")
        return None
    mode = "all_or_nothing"
    if planned.errors:
        if not ask(parent, title, text + "\n\n跳过有错误的行，只导入正确的行吗？"):
            return None
        mode = "good_rows"
    elif not ask(parent, title, text + "\n\n确定导入吗？"):
        return None
    return run_job(parent, title, lambda: job(path, mode), on_done)
