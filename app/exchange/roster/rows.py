"""The data rows of a roster sheet: merged cells spread over their range, empty tails skipped.

In a village's 花名册 the village, the 户号 and the address are often one merged cell over all
rows of a family; a person reads that value on every row of the range, and so does the import.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from app.exchange.roster.columns import RosterLayout
from app.sheets.files import CellRange, RawSheet
from app.sheets.reading import EMPTY_ROWS_BEFORE_STOP


class MergedFill:
    """Repeats the value of each merged range below the header over the whole range."""

    def __init__(self, merged: Sequence[CellRange], header_row: int) -> None:
        # ranges are 0-based; data rows start at index `header_row` (the header is 1-based)
        self.pending = sorted((r for r in merged if r[0] >= header_row), reverse=True)
        self.active: list[tuple[int, int, int, Any]] = []  # last row, first col, last col, value

    def apply(self, index: int, row: list[Any]) -> None:
        """Fill the blank cells of row `index` that lie in a merged range (in place)."""
        while self.pending and self.pending[-1][0] <= index:
            first_row, first_col, last_row, last_col = self.pending.pop()
            if first_row == index and first_col < len(row):
                self.active.append((last_row, first_col, last_col, row[first_col]))
        if not self.active:
            return
        self.active = [a for a in self.active if a[0] >= index]
        for _last_row, first_col, last_col, value in self.active:
            if len(row) <= last_col:
                row.extend([""] * (last_col + 1 - len(row)))
            for column in range(first_col, last_col + 1):
                cell = row[column]
                if cell is None or cell == "":
                    row[column] = value


def _blank(value: Any) -> bool:
    return value is None or value == "" or (type(value) is str and not value.strip())


def data_rows(
    sheet: RawSheet,
    layout: RosterLayout,
    positions: Sequence[tuple[int, str]],
    fill: MergedFill,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(Excel row number, key → raw cell) of each non-empty row after the header.

    Stops after `EMPTY_ROWS_BEFORE_STOP` empty rows in a row, so a sheet formatted down to
    row 1,048,576 is not read to its end.
    """
    empty_run = 0
    header = layout.header_row
    for index, row in enumerate(sheet.rows):
        if index < header:
            continue
        fill.apply(index, row)
        width = len(row)
        cells = {key: row[i] if i < width else None for i, key in positions}
        if all(_blank(v) for v in cells.values()):
            empty_run += 1
            if empty_run >= EMPTY_ROWS_BEFORE_STOP:
                return
            continue
        empty_run = 0
        yield index + 1, cells
