"""Registers: a declared list of columns and filters over one query, read a page at a time.

The Qt table model asks a register for a count and for pages of rows; it never sees SQL or
ORM objects. A register is mostly declaration: columns, the SELECT, the searched columns and
the filter clauses. Personal columns come back masked unless the caller asks to reveal them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Engine, Select, case, func, or_, select

from app.core.privacy import mask


@dataclass(frozen=True)
class RegisterColumn:
    """A column of a register: key (the SELECT label), Chinese header, width in characters."""

    key: str
    label: str
    width: int = 12
    numeric: bool = False
    # "id_number" or "phone": shown masked unless revealed
    personal: str | None = None
    sortable: bool = True


@dataclass(frozen=True)
class RegisterFilter:
    """A drop-down filter: its key, Chinese label and (value, label) choices."""

    key: str
    label: str
    choices: Sequence[tuple[Any, str]] | None = None


@dataclass
class RegisterQuery:
    """What the user asked for: search text, filter values, and the sort column."""

    text: str = ""
    filters: dict[str, Any] = field(default_factory=dict)
    sort_key: str | None = None
    descending: bool = False


@dataclass(frozen=True)
class Row:
    """One row of a register: the record id and the displayed values in column order."""

    id: int
    values: tuple[Any, ...]


class SqlRegister:
    """A register over one SELECT. Subclasses declare; this class searches, sorts and pages.

    Declare `title`, `columns`, `filters`, and implement `select_rows` (a SELECT whose first
    column is labelled `id` and whose others are labelled with the column keys),
    `search_columns` and `filter_clause`.
    """

    title: ClassVar[str] = ""
    columns: ClassVar[Sequence[RegisterColumn]] = ()
    default_sort: ClassVar[str | None] = None
    # newest first, for registers whose default order is a date
    default_descending: ClassVar[bool] = False

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- declared by subclasses ------------------------------------------------------------
    def select_rows(self) -> Select:
        """The SELECT of live rows: `id` first, then one labelled column per register column."""
        raise NotImplementedError

    def search_columns(self) -> Sequence[ColumnElement]:
        """Columns searched for any part of the search text."""
        return ()

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The WHERE clause of a filter value; None means the filter is not set."""
        return None

    def filters(self) -> Sequence[RegisterFilter]:
        """The register's filters with their current choices (may query the database)."""
        return ()

    def word_clause(self, word: str) -> ColumnElement:
        """The WHERE clause of one search word: by default, any searched column contains it."""
        return or_(*(contains(col, word) for col in self.search_columns()))

    def sort_column(self, stmt: Select, key: str) -> ColumnElement:
        """What sorting by a column orders by: the column itself, unless a register knows a
        quicker order that groups the same way (an indexed id instead of a joined name)."""
        return stmt.selected_columns[key]

    # -- shared machinery -------------------------------------------------------------------
    def _where(self, stmt: Select, query: RegisterQuery) -> Select:
        text = query.text.strip()
        if text:
            for word in text.split():
                stmt = stmt.where(self.word_clause(word))
        for key, value in query.filters.items():
            if value is None or value == "":
                continue
            clause = self.filter_clause(key, value)
            if clause is not None:
                stmt = stmt.where(clause)
        return stmt

    def count(self, query: RegisterQuery) -> int:
        """How many rows match the query."""
        base = self.select_rows()
        id_only = self._where(base.with_only_columns(base.selected_columns["id"]), query)
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(id_only.subquery())).scalar_one()

    def fetch(
        self, query: RegisterQuery, offset: int, limit: int, reveal: bool = False
    ) -> list[Row]:
        """Rows `offset`..`offset+limit` of the query in its sort order."""
        stmt = self._where(self.select_rows(), query)
        stmt = stmt.order_by(*self._order(stmt, query)).offset(offset).limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        maskers = [(i, c.personal) for i, c in enumerate(self.columns) if c.personal and not reveal]
        keys = [c.key for c in self.columns]
        result = []
        for r in rows:
            values = [r._mapping[k] for k in keys]
            for i, kind in maskers:
                values[i] = mask(kind, values[i])
            result.append(Row(r.id, tuple(values)))
        return result

    def _order(self, stmt: Select, query: RegisterQuery) -> list[ColumnElement]:
        """The ORDER BY of a query: its sort column (or the default), then id as tie-breaker."""
        selected = stmt.selected_columns
        sort_key = query.sort_key or self.default_sort
        descending = query.descending if query.sort_key else self.default_descending
        order = []
        if sort_key is not None:
            col = self.sort_column(stmt, sort_key)
            order.append(col.desc() if descending else col.asc())
        order.append(selected["id"].desc() if descending else selected["id"].asc())
        return order

    def all_ids(self, query: RegisterQuery) -> list[int]:
        """The ids of every matching record in the query's order (e.g. to print them all)."""
        stmt = self._where(self.select_rows(), query)
        stmt = stmt.with_only_columns(stmt.selected_columns["id"]).order_by(
            *self._order(self._where(self.select_rows(), query), query)
        )
        with self.engine.connect() as conn:
            return list(conn.execute(stmt).scalars())

    def position(self, query: RegisterQuery, record_id: int) -> int | None:
        """The 0-based row of a record in the query's order, or None if it does not match.

        Lets a table keep a record selected after a write, without reading every page.
        """
        stmt = self._where(self.select_rows(), query)
        numbered = stmt.add_columns(
            func.row_number().over(order_by=self._order(stmt, query)).label("_position")
        ).subquery()
        with self.engine.connect() as conn:
            number = conn.execute(
                select(numbered.c._position).where(numbered.c.id == record_id)
            ).scalar()
        return None if number is None else number - 1

    def column_index(self, key: str) -> int:
        """The position of a column key."""
        return [c.key for c in self.columns].index(key)


def contains(column: ColumnElement, word: str) -> ColumnElement:
    """SQL: the column contains `word` as it is typed (% and _ are not wildcards)."""
    return column.like(f"%{_escape_like(word)}%", escape="\\")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def case_label(column: ColumnElement, labels: Mapping[str, str]) -> ColumnElement:
    """SQL that shows a stored code as its Chinese label (so sorting follows the label too)."""
    return case(dict(labels), value=column, else_=column)
