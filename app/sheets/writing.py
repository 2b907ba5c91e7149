"""Write small tables (exchange files, import templates) to an .xlsx, all at once.

For files a clerk fills in and gives back: bold frozen headers, text cells that stay text
(phones keep their leading 0, a "=" is never a formula), optional drop-down lists. The file is
written under a temporary name next to the target and renamed at the end
(app.sheets.register_export.replacing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.files import replacing
from app.sheets.register_export import sheet_title


@dataclass(frozen=True)
class SheetTable:
    """One sheet: its headers, its rows, and how columns are shown.

    `widths` are in Excel units (one Latin digit; a Han character is two). `text_columns` are
    0-based column indexes written and formatted as text. `choices` maps a column index to
    the values offered in a drop-down list.
    """

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    widths: Sequence[float] = ()
    text_columns: frozenset[int] = frozenset()
    choices: Mapping[int, Sequence[str]] = field(default_factory=dict)
    # rows below the data that get the text format and the drop-down, for a clerk to fill in
    blank_rows: int = 0


def _fill_sheet(sheet: Any, table: SheetTable) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    bold = Font(bold=True)
    for number, header in enumerate(table.headers, start=1):
        cell = sheet.cell(row=1, column=number, value=header)
        cell.font = bold
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for number, width in enumerate(table.widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A2"
    last_row = len(table.rows) + 1 + table.blank_rows
    for row_number, row in enumerate(table.rows, start=2):
        for index, value in enumerate(row):
            if value is None:
                continue
            cell = sheet.cell(row=row_number, column=index + 1)
            if isinstance(value, str):
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell.data_type = "s"  # text typed by a clerk is never a formula
            else:
                cell.value = value
    for index in table.text_columns:
        for row_number in range(2, last_row + 1):
            sheet.cell(row=row_number, column=index + 1).number_format = "@"
    for index, values in table.choices.items():
        letter = get_column_letter(index + 1)
        listing = ",".join(values)
        check = DataValidation(type="list", formula1=f'"{listing}"', allow_blank=True)
        check.error = f"请从下拉列表中选择：{'、'.join(values)}"
        check.errorTitle = "取值不在可选范围内"
        check.add(f"{letter}2:{letter}{max(last_row, 2)}")
        sheet.add_data_validation(check)


def write_tables_xlsx(path: Path | str, tables: Sequence[SheetTable]) -> None:
    """Write each table to its own sheet of a new .xlsx at `path`, replacing it atomically."""
    # openpyxl costs start-up time: import it only when someone exports
    from openpyxl import Workbook

    target = Path(path)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        _fill_sheet(workbook.create_sheet(sheet_title(table.title)), table)
    with replacing(target) as temp:
        workbook.save(temp)
