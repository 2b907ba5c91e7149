"""Ruled tables: cells wrap by the same Chinese rules as the body, rows never split, the header
repeats on every page a table spans."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.documents.breaking import EPSILON, break_lines
from app.documents.items import Rule
from app.documents.model import Table

if TYPE_CHECKING:
    from app.documents.layout import Layout


class TableLayout:
    """A ruled table: rows never split, the header repeats on every page."""

    PAD = 3.0

    def __init__(self, layout: Layout, table: Table) -> None:
        self.layout = layout
        self.table = table
        s = layout.style
        total = sum(table.widths)
        self.widths = [w * s.text_width / total for w in table.widths]
        self.size = s.table_size
        self.leading = self.size * 1.45

    def _cell_lines(self, role: str, text: str, width: float) -> list[str]:
        inner = width - 2 * self.PAD
        lines: list[str] = []
        for part in text.split("\n"):
            lines += break_lines(self.layout.m, role, part, self.size, 0.0, inner, inner)
        return lines

    def _row(self, role: str, cells: tuple[str, ...]) -> tuple[float, list[list[str]]]:
        wrapped = [self._cell_lines(role, c, w) for c, w in zip(cells, self.widths, strict=True)]
        height = max(len(lines) for lines in wrapped) * self.leading + 2 * self.PAD
        return height, wrapped

    def _draw_row(self, role: str, height: float, wrapped: list[list[str]], header: bool) -> None:
        lay = self.layout
        s = lay.style
        top = lay.y
        x = s.left
        lay._add(Rule(s.left, top, s.left + s.text_width, top))
        lay._add(Rule(s.left, top - height, s.left + s.text_width, top - height))
        for lines, width, align in zip(wrapped, self.widths, self.table.align, strict=True):
            lay._add(Rule(x, top, x, top - height))
            lay.y = top - self.PAD
            cell_align = "center" if header else align
            for line in lines:
                lay._line(
                    role,
                    line,
                    self.size,
                    0.0,
                    x + self.PAD,
                    width - 2 * self.PAD,
                    cell_align,
                    self.leading,
                )
            x += width
        lay._add(Rule(x, top, x, top - height))
        lay.y = top - height

    def place(self, keep_with: float = 0.0) -> None:
        """Lay out the header and every row, breaking pages between rows; the last row goes
        with the `keep_with` points after the table (a signature) to the next page."""
        lay = self.layout
        header_height, header = self._row("heading", self.table.headers)
        rows = [self._row("body", r) for r in self.table.rows]
        gap = lay.style.pitch_y * 0.5
        first = rows[0][0] if rows else 0.0
        alone = keep_with + gap if keep_with and len(rows) == 1 else 0.0
        lay._room(header_height + first + alone)
        self._draw_row("heading", header_height, header, True)
        for number, (height, wrapped) in enumerate(rows):
            after = keep_with + gap if keep_with and number == len(rows) - 1 else 0.0
            if lay.y - height - after < lay.bottom - EPSILON:
                lay._new_page()
                self._draw_row("heading", header_height, header, True)
            self._draw_row("body", height, wrapped, False)
        lay.y -= gap
