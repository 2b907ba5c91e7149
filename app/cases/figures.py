"""Dissuasion results of a period (劝阻情况), as the monthly notice and the overview report them.

预警后再转账率 = warned people who still transferred ÷ warned people (seed 004: below 2 %).
A warned person "still transferred" when the case ended 预警后仍转账, or when money was lost
after the warning (劝阻无效, 部分止损 with a loss). People are counted once: by the linked
resident, or else by name and phone, so one person warned twice is one warned person.

`Tally` is the one place these rules live: the summary here and every breakdown of
`app.cases.stats` (per month, quarter, year, village, fraud type, source) add rows to tallies.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, datetime, time
from fractions import Fraction
from typing import Any

from sqlalchemy import Connection, Engine, case, func, literal_column, or_, select

from db.models import DissuasionCase

TRANSFER_TARGET = Fraction(2, 100)
OUTCOME_CODES = ("success", "partial", "failed", "transferred_after_warning")


@dataclass(frozen=True)
class DissuasionSummary:
    """Cases of a period by outcome, money saved and lost, and the 再转账率."""

    cases: int
    success: int
    partial: int
    failed: int
    transferred_after_warning: int
    saved_fen: int
    lost_fen: int
    warned_people: int
    transferred_people: int

    @property
    def transfer_rate(self) -> Fraction | None:
        """预警后再转账率, or None when nobody was warned."""
        if not self.warned_people:
            return None
        return Fraction(self.transferred_people, self.warned_people)

    @property
    def meets_target(self) -> bool | None:
        """Whether the rate is below the 2 % target (None when nobody was warned)."""
        rate = self.transfer_rate
        return None if rate is None else rate < TRANSFER_TARGET

    @property
    def success_share(self) -> Fraction | None:
        """成功劝阻 ÷ cases, or None without cases."""
        return Fraction(self.success, self.cases) if self.cases else None


class Tally:
    """Adds up cases; `summary()` gives the figures so far.

    `counts` holds the cases per outcome (in `OUTCOME_CODES` order), then the fen saved and
    lost; `warned` and `transferred` hold person keys. `app.cases.stats` updates these
    directly in its loop over 50,000 cases, where a method call per case and group costs more
    than the whole query.
    """

    __slots__ = ("counts", "transferred", "warned")

    def __init__(self) -> None:
        self.counts = [0] * (len(OUTCOME_CODES) + 2)
        self.warned: set[Hashable] = set()
        self.transferred: set[Hashable] = set()

    @classmethod
    def of(cls, counts: list[int], warned: set, transferred: set) -> Tally:
        """A tally from its parts (see the class)."""
        tally = cls()
        tally.counts, tally.warned, tally.transferred = counts, warned, transferred
        return tally

    def add(
        self, outcome: int, saved: int, lost: int, warned: Hashable | None, moved: bool
    ) -> None:
        """One case: its outcome's index, money, the person's key if warned, and whether
        they paid anyway."""
        counts = self.counts
        counts[outcome] += 1
        counts[-2] += saved
        counts[-1] += lost
        if warned is not None:
            self.warned.add(warned)
            if moved:
                self.transferred.add(warned)

    def merge(self, other: Tally) -> None:
        """Add another tally (a month into its quarter): people stay counted once."""
        self.counts = [a + b for a, b in zip(self.counts, other.counts, strict=True)]
        self.warned |= other.warned
        self.transferred |= other.transferred

    def summary(self) -> DissuasionSummary:
        """The figures of the cases added."""
        success, partial, failed, after_warning, saved, lost = self.counts
        return DissuasionSummary(
            success + partial + failed + after_warning, success, partial, failed, after_warning,
            saved, lost, len(self.warned), len(self.transferred),
        )  # fmt: skip


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The first and last moment of the days `start` to `end`."""
    return datetime.combine(start, time.min), datetime.combine(end, time.max)


OUTCOME_INDEX = {code: n for n, code in enumerate(OUTCOME_CODES)}
# anything else stored by hand counts as failed rather than vanishing from the figures
_outcome_sql = case(OUTCOME_INDEX, value=DissuasionCase.outcome, else_=OUTCOME_INDEX["failed"])
# the person, once, if warned: the resident's id, or "~name|phone" typed in
_warned_sql = case(
    (
        DissuasionCase.was_warned.is_(True),
        func.coalesce(
            DissuasionCase.resident_id,
            "~" + DissuasionCase.person_name + "|" + func.coalesce(DissuasionCase.person_phone, ""),
        ),
    ),
    else_=None,
)
_moved_sql = or_(
    DissuasionCase.outcome == "transferred_after_warning", DissuasionCase.amount_lost_fen > 0
)
# a period with more than this share of the rows is read by scanning the table, which is
# quicker than looking every row up through the date index (bench/bench_cases.py)
SCAN_SHARE = 0.3


def period_column(conn: Connection, column: Any, low: Any, high: Any) -> Any:
    """`column` to filter a period on: itself (its index is used), or, when the period spans
    most of the recorded rows by their first and last date, the same column behind SQLite's
    unary + (https://sqlite.org/optoverview.html), so the table is scanned instead."""
    first, last = conn.execute(select(func.min(column), func.max(column))).one()
    if first is not None and last > first:
        covered = min(high, last) - max(low, first)
        if covered.total_seconds() <= SCAN_SHARE * (last - first).total_seconds():
            return column
    return literal_column(f"+{column.table.name}.{column.name}", column.type)


def case_rows(engine: Engine, start: date, end: date, *extra: Any) -> list[tuple]:
    """(outcome index, saved, lost, warned person key or None, transferred anyway, *extra) of
    each live case of the period, in one scan; `extra` are further columns (the village…).

    The module's rules (who is one person, who transferred anyway) are evaluated by SQLite
    here, and the rows come straight from the driver as tuples: at 50,000 cases that is
    several times quicker than building rows of names and phones in Python.
    """
    low, high = period_bounds(start, end)
    with engine.connect() as conn:
        occurred = period_column(conn, DissuasionCase.occurred_at, low, high)
        stmt = select(
            _outcome_sql,
            func.coalesce(DissuasionCase.amount_saved_fen, 0),
            func.coalesce(DissuasionCase.amount_lost_fen, 0),
            _warned_sql,
            _moved_sql,
            *extra,
        ).where(DissuasionCase.deleted_at.is_(None), occurred.between(low, high))
        # our own dates as literals: no values from outside, and no Row object per case
        sql = str(stmt.compile(conn, compile_kwargs={"literal_binds": True}))
        return conn.connection.driver_connection.execute(sql).fetchall()


def dissuasion_summary(engine: Engine, start: date, end: date) -> DissuasionSummary:
    """The dissuasion figures of cases that occurred from `start` to `end` (both included)."""
    tally = Tally()
    for row in case_rows(engine, start, end):
        tally.add(*row)
    return tally.summary()
