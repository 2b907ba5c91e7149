"""The office's calendar: quarters (the quarterly meeting), months, the 29th (publicity reports).

One place for these small date rules, so that meetings, publicity, the overdue list, the
assessment and the monthly notice agree on when a quarter ends and a report is late.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

# Units report their publicity work by this day of each month (seed 000).
REPORT_DAY = 29


def quarter_of(day: date) -> tuple[date, date]:
    """The first and last day of the quarter `day` is in."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    last_month = first_month + 2
    last_day = calendar.monthrange(day.year, last_month)[1]
    return date(day.year, first_month, 1), date(day.year, last_month, last_day)


def quarter_number(day: date) -> int:
    """1–4: the quarter of the year `day` is in."""
    return (day.month - 1) // 3 + 1


def month_end(year: int, month: int) -> date:
    """The last day of a month."""
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def previous_month(year: int, month: int) -> tuple[int, int]:
    """(year, month) of the month before."""
    return (year, month - 1) if month > 1 else (year - 1, 12)


def report_deadline(year: int, month: int) -> date:
    """The day a month's publicity report is due: the 29th, or the month's last day if earlier."""
    return date(year, month, min(REPORT_DAY, calendar.monthrange(year, month)[1]))
