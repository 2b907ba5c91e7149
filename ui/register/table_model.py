"""A Qt table model over a register: counts with SQL, reads rows a page at a time when shown.

At 300,000 households the view must never hold every row: `rowCount` is the register's count,
and `data()` fetches the page a row lives on into a small LRU cache. Sorting is done by the
database (the register's ORDER BY), so there is no QSortFilterProxyModel in front of it.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from app.core.registers import RegisterQuery, Row, SqlRegister

Index = QModelIndex | QPersistentModelIndex

# The raw value of a cell (None, a date, a number), for callers that need more than its text.
RawValueRole = Qt.ItemDataRole.UserRole + 1
# Cells longer than this also get a tooltip with the whole text.
TOOLTIP_AFTER = 30


def display_text(value: Any) -> str:
    """How a value is shown in a cell: None empty, booleans 是/否, dates ISO, newlines as spaces."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, Decimal):
        return format(value, "f")
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


class RegisterTableModel(QAbstractTableModel):
    """Rows of a `SqlRegister` for the current `RegisterQuery`, fetched lazily in pages."""

    countChanged = Signal(int)

    def __init__(
        self,
        register: SqlRegister,
        query: RegisterQuery | None = None,
        *,
        reveal: bool = False,
        page_size: int = 200,
        cache_pages: int = 20,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.register = register
        self.columns = tuple(register.columns)
        self.page_size = page_size
        self.cache_pages = cache_pages
        self._query = query or RegisterQuery()
        self._reveal = reveal
        self._pages: OrderedDict[int, list[Row]] = OrderedDict()
        self._count = register.count(self._query)

    # -- what is shown ----------------------------------------------------------------------
    @property
    def query(self) -> RegisterQuery:
        """The query whose rows are shown (search text, filters and sort)."""
        return self._query

    @property
    def reveal(self) -> bool:
        """Whether personal columns (ID numbers, phones) are shown unmasked."""
        return self._reveal

    def set_reveal(self, reveal: bool) -> None:
        """Show personal columns unmasked (True) or masked (False)."""
        if reveal != self._reveal:
            self._reveal = reveal
            self.refresh()

    def set_query(self, query: RegisterQuery) -> None:
        """Show the rows of another query; every cached page is dropped."""
        self._query = query
        self.refresh()

    def refresh(self) -> None:
        """Count again and drop the cached pages (after a write, or when data may have changed)."""
        self.beginResetModel()
        self._pages.clear()
        self._count = self.register.count(self._query)
        self.endResetModel()
        self.countChanged.emit(self._count)

    @property
    def count(self) -> int:
        """How many rows match the current query."""
        return self._count

    # -- rows -------------------------------------------------------------------------------
    def _page(self, number: int) -> list[Row]:
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page
        page = self.register.fetch(
            self._query, number * self.page_size, self.page_size, reveal=self._reveal
        )
        self._pages[number] = page
        while len(self._pages) > self.cache_pages:
            self._pages.popitem(last=False)
        return page

    def row(self, row: int) -> Row | None:
        """The register row shown at `row`, or None if it vanished since the count."""
        if not 0 <= row < self._count:
            return None
        page = self._page(row // self.page_size)
        offset = row % self.page_size
        return page[offset] if offset < len(page) else None

    def row_id(self, row: int) -> int:
        """The record id shown at `row`. Raises IndexError for a row that is not there."""
        found = self.row(row)
        if found is None:
            raise IndexError(row)
        return found.id

    def row_of_id(self, record_id: int, near: int | None = None) -> int | None:
        """Where a record is shown under the current query, or None if it is not.

        `near` is where it probably is (where it was before an edit): that page is read first,
        since the view shows it anyway, and the database is asked only if it is not there.
        """
        if near is not None and 0 <= near < self._count:
            self._page(near // self.page_size)
        for number, page in self._pages.items():
            for offset, found in enumerate(page):
                if found.id == record_id:
                    return number * self.page_size + offset
        return self.register.position(self._query, record_id)

    # -- QAbstractTableModel ----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """The register's count for the query (0 under any parent: this is a flat table)."""
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """One column per register column."""
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text, alignment, tooltip or raw value; rows are fetched here when first needed."""
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (
                Qt.AlignmentFlag.AlignRight if column.numeric else Qt.AlignmentFlag.AlignLeft
            )
            return horizontal | Qt.AlignmentFlag.AlignVCenter
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, RawValueRole):
            return None
        found = self.row(index.row())
        if found is None:
            return None
        value = found.values[index.column()]
        if role == RawValueRole:
            return value
        if role == Qt.ItemDataRole.ToolTipRole:
            text = "" if value is None else str(value)
            return text if len(text) > TOOLTIP_AFTER or "\n" in text else None
        return display_text(value)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Chinese column headers; row numbers on the (usually hidden) vertical header."""
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section].label if 0 <= section < len(self.columns) else None
        return str(section + 1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in the database by a column; -1 returns to the register's default order."""
        if column < 0:
            sort_key = None
        elif column < len(self.columns) and self.columns[column].sortable:
            sort_key = self.columns[column].key
        else:
            return
        descending = order == Qt.SortOrder.DescendingOrder and sort_key is not None
        if sort_key == self._query.sort_key and descending == self._query.descending:
            return
        self.set_query(replace(self._query, sort_key=sort_key, descending=descending))
