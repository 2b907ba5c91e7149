"""Export a register's rows, as the user filtered and sorted them, to an Excel workbook.

A long job: it yields `Progress` every page so the GUI can show it and cancel it. The workbook
is written next to the target under a temporary name and renamed at the very end, so a
cancelled or failed export never leaves half a file where the user expects the whole one.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.core.files import replacing
from app.core.progress import Job, Progress
from app.core.registers import RegisterQuery, SqlRegister

EXPORT_BATCH = 2000
# Excel forbids these in sheet names, and allows at most 31 characters.
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(title: str) -> str:
    """A register title made acceptable as an Excel sheet name."""
    return _SHEET_NAME_FORBIDDEN.sub("_", title)[:31] or "Sheet1"


def export_register_xlsx(
    register: SqlRegister,
    query: RegisterQuery,
    path: Path | str,
    reveal: bool = False,
    batch: int = EXPORT_BATCH,
) -> Job[int]:
    """Write every row of `query` to an .xlsx at `path`; returns how many rows were written.

    Headers are the Chinese column labels in bold on a frozen first row; numbers stay numbers
    and dates are real dates. Personal columns are masked unless `reveal` is true.
    """
    # openpyxl costs start-up time: import it only when someone exports
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    target = Path(path)
    columns = list(register.columns)
    total = register.count(query)
    yield Progress(0, total, f"正在导出{register.title}…")

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(register.title or "导出"))
    for number, column in enumerate(columns, start=1):
        # a little wider than the screen: Excel's width unit is one Latin digit, a Han is two
        sheet.column_dimensions[get_column_letter(number)].width = column.width * 1.5 + 2
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.label)
        cell.font = bold
        header.append(cell)
    sheet.append(header)

    def to_cell(value: Any) -> Any:
        # bool before int: True is an int to Python but 是 to a clerk
        if isinstance(value, bool):
            return "是" if value else "否"
        if value is None or isinstance(value, int | float | Decimal):
            return value
        if isinstance(value, datetime):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = "yyyy-mm-dd hh:mm"
            return cell
        if isinstance(value, date):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = "yyyy-mm-dd"
            return cell
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        cell = WriteOnlyCell(sheet, value=text)
        # text typed by a clerk is never a formula, even if it starts with "="
        cell.data_type = "s"
        return cell

    written = 0
    try:
        with replacing(target) as temp:
            while written < total:
                rows = register.fetch(query, written, batch, reveal=reveal)
                if not rows:
                    break  # rows deleted while exporting: write what is there
                for row in rows:
                    sheet.append([to_cell(v) for v in row.values])
                written += len(rows)
                yield Progress(written, total, f"已导出 {written:,} / {total:,} 条")
            yield Progress(written, total, "正在保存文件…")
            workbook.save(temp)
    finally:
        if not sheet.closed:
            _discard_rows(sheet)
    return written


def _discard_rows(sheet: Any) -> None:
    """Remove the scratch file a write-only sheet streams its rows to (cancel or error).

    openpyxl deletes it itself only when the workbook is saved, or at interpreter exit.
    """
    with contextlib.suppress(Exception):
        sheet.close()  # end the streamed XML first, or its writer complains when collected
        sheet._writer.cleanup()
