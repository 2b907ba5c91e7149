"""Dissuasion results of a period (劝阻情况), as the monthly notice and the overview report them.

预警后再转账率 = warned people who still transferred ÷ warned people (seed 004: below 2 %).
A warned person "still transferred" when the case ended 预警后仍转账, or when money was lost
after the warning (劝阻无效, 部分止损 with a loss). People are counted once: by the linked
resident, or else by name and phone, so one person warned twice is one warned person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from fractions import Fraction

from sqlalchemy import Engine, select

from db.engine import unit_of_work
from db.models import DissuasionCase

TRANSFER_TARGET = Fraction(2, 100)


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


def dissuasion_summary(engine: Engine, start: date, end: date) -> DissuasionSummary:
    """The dissuasion figures of cases that occurred from `start` to `end` (both included)."""
    low, high = datetime.combine(start, time.min), datetime.combine(end, time.max)
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(
                DissuasionCase.outcome,
                DissuasionCase.was_warned,
                DissuasionCase.resident_id,
                DissuasionCase.person_name,
                DissuasionCase.person_phone,
                DissuasionCase.amount_saved_fen,
                DissuasionCase.amount_lost_fen,
            ).where(
                DissuasionCase.deleted_at.is_(None),
                DissuasionCase.occurred_at.between(low, high),
            )
        ).all()
    outcomes = {"success": 0, "partial": 0, "failed": 0, "transferred_after_warning": 0}
    warned: set[tuple] = set()
    transferred: set[tuple] = set()
    saved = lost = 0
    for outcome, was_warned, resident_id, name, phone, saved_fen, lost_fen in rows:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        saved += saved_fen or 0
        lost += lost_fen or 0
        if not was_warned:
            continue
        person = ("resident", resident_id) if resident_id else ("typed", name, phone or "")
        warned.add(person)
        if outcome == "transferred_after_warning" or (lost_fen or 0) > 0:
            transferred.add(person)
    return DissuasionSummary(
        len(rows), outcomes["success"], outcomes["partial"], outcomes["failed"],
        outcomes["transferred_after_warning"], saved, lost, len(warned), len(transferred),
    )  # fmt: skip
