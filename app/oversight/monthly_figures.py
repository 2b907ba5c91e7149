"""The figures of a month's notice (月度通报), each as it stood at the end of that month.

Cases and losses come from the registered cases (发案登记) where a village's month has any, else
from the police station's monthly figures (CaseStat); visits from the
visit records (a visit counts when someone was met: 已走访 or 拒绝, not 不在家); letters by the
day they were delivered or signed. So the October notice printed in December still says what October
said. Household counts go through the narrow village index, and visits and letters are
counted per village in SQL against a table of live household ids and villages built from that
index: on a county's 300,000 households no query reads the wide household rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Engine, func, select, text

from app.cases.clue_handovers import HandoverSummary, handover_summary
from app.cases.figures import DissuasionSummary, dissuasion_summary
from app.cases.incidents import ReviewSummary, monthly_case_counts, review_summary
from app.core.periods import month_end, previous_month
from app.oversight.dual_decline import DualDecline, dual_decline
from app.oversight.instructions import instruction_summary
from app.publicity.activities import counts_by_form, not_reported
from db.engine import unit_of_work
from db.models import Household, PublicityActivity, Unit


@dataclass(frozen=True)
class VillageMonth:
    """One village's cases and losses (this month, last month, same month last year) and its
    work at the end of the month."""

    name: str
    cases: int
    cases_last_month: int
    cases_last_year: int
    loss_fen: int
    loss_last_month_fen: int
    loss_last_year_fen: int
    households: int
    visited_this_month: int
    visited_this_year: int
    notice_delivered: int
    commitment_signed: int

    def _share(self, part: int) -> float | None:
        return part / self.households if self.households else None

    @property
    def visit_share(self) -> float | None:
        """Households visited this year (by the month's end) ÷ households."""
        return self._share(self.visited_this_year)

    @property
    def notice_share(self) -> float | None:
        """Households with a delivered notice letter ÷ households."""
        return self._share(self.notice_delivered)

    @property
    def commitment_share(self) -> float | None:
        """Households with a signed commitment letter ÷ households."""
        return self._share(self.commitment_signed)


@dataclass(frozen=True)
class MonthlyFigures:
    """Everything the month's notice reports."""

    year: int
    month: int
    villages: tuple[VillageMonth, ...]
    dissuasion: DissuasionSummary
    decline: DualDecline
    activities: int
    people_reached: int
    reporting_units: int
    by_form: tuple[tuple[str, int, int], ...]  # form, activities, people reached
    silent_units: tuple[str, ...]
    # the month's registered cases and their review (逐案倒查), and clues handed to the police
    reviews: ReviewSummary | None = None
    handovers: HandoverSummary | None = None
    # instructions received in the month: (instructions, receipts, signed and pushed in time)
    instructions: tuple[int, int, int] | None = None

    def total(self, attribute: str) -> int:
        """The township's total of a village figure."""
        return sum(getattr(v, attribute) for v in self.villages)

    @property
    def visits_this_month(self) -> int:
        """Households visited in the month, township-wide."""
        return self.total("visited_this_month")

    def ranked(self) -> list[tuple[int, VillageMonth]]:
        """(rank, village) by visit coverage, best first; equal coverage, equal rank."""
        order = sorted(self.villages, key=lambda v: (-(v.visit_share or 0), v.name))
        ranked: list[tuple[int, VillageMonth]] = []
        for position, village in enumerate(order, start=1):
            same = ranked and ranked[-1][1].visit_share == village.visit_share
            ranked.append((ranked[-1][0] if same else position, village))
        return ranked


# Live households as (id, village): SQLite reads them from the narrow village index into a
# table of its own, so the joins below never touch the wide household rows.
_LIVE = """hv AS MATERIALIZED (
    SELECT id, village_id FROM household
    WHERE id NOT IN (SELECT id FROM household WHERE deleted_at IS NOT NULL))"""
# Per village: households visited from 1 January to the month's end, and in the month; someone
# was met (已走访 or 拒绝, as 最近走访 and app/households/coverage.py count; 不在家 is no visit).
# date() lets
# SQLite read the visits in household order from the (household, date) index instead of
# sorting a year of visits.
_VISITED = text(f"""
WITH {_LIVE},
last AS (
    SELECT household_id AS h, max(visited_on) AS day FROM visit
    WHERE deleted_at IS NULL AND outcome != 'nobody_home'
      AND date(visited_on) BETWEEN :year_start AND :month_end
    GROUP BY household_id)
SELECT hv.village_id, count(*), sum(last.day >= :month_start)
FROM last CROSS JOIN hv ON hv.id = last.h
GROUP BY hv.village_id""")
# Per village: households whose notice was delivered, and whose commitment letter was signed,
# by the month's end.
_LETTERS = text(f"""
WITH {_LIVE},
done AS (
    SELECT DISTINCT kind, household_id AS h FROM letter
    WHERE deleted_at IS NULL AND kind IN ('notice', 'commitment_household')
      AND status IN ('delivered', 'signed')
      AND ((kind = 'notice'
            AND coalesce(delivered_on, signed_on, :month_end) <= :month_end)
        OR (kind = 'commitment_household' AND status = 'signed'
            AND coalesce(signed_on, :month_end) <= :month_end)))
SELECT hv.village_id, sum(done.kind = 'notice'), sum(done.kind <> 'notice')
FROM done CROSS JOIN hv ON hv.id = done.h
GROUP BY hv.village_id""")


def _work(engine: Engine, start: date, end: date) -> dict[str, Counter]:
    """Per village: households, visited this month and this year, notices, commitments.

    On a county's 300,000 households the two counts each read half a million index entries
    and the rows they point to (outcome, dates); run side by side they took as long, SQLite
    taking one lock for its memory, so they run one after the other.
    """
    params = {
        "year_start": date(start.year, 1, 1).isoformat(),
        "month_start": start.isoformat(),
        "month_end": end.isoformat(),
    }
    with engine.connect() as conn:
        households = Counter(
            dict(conn.execute(select(Household.village_id, func.count())
                              .group_by(Household.village_id)).all())
        )  # fmt: skip
        households.subtract(
            dict(conn.execute(select(Household.village_id, func.count())
                              .where(Household.deleted_at.is_not(None))
                              .group_by(Household.village_id)).all())
        )  # fmt: skip
        visited = conn.execute(_VISITED, params).all()
        letters = conn.execute(_LETTERS, params).all()
    return {
        "households": +households,
        "visited_this_year": Counter({v: n for v, n, _ in visited}),
        "visited_this_month": Counter({v: n or 0 for v, _, n in visited}),
        "notice_delivered": Counter({v: n or 0 for v, n, _ in letters}),
        "commitment_signed": Counter({v: n or 0 for v, _, n in letters}),
    }


def monthly_figures(engine: Engine, year: int, month: int) -> MonthlyFigures:
    """Compute the figures of a month's notice."""
    start, end = date(year, month, 1), month_end(year, month)
    last_month = previous_month(year, month)
    with unit_of_work(engine) as session:
        villages = session.execute(
            select(Unit.id, Unit.name)
            .where(Unit.kind == "village", Unit.deleted_at.is_(None))
            .order_by(Unit.sort_order, Unit.id)
        ).all()
        periods = ((year, month), last_month, (year - 1, month))
        stats = monthly_case_counts(session, periods)
        activities, people, units = session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(PublicityActivity.people_reached), 0),
                func.count(func.distinct(PublicityActivity.unit_id)),
            ).where(
                PublicityActivity.deleted_at.is_(None),
                PublicityActivity.held_on.between(start, end),
            )
        ).one()
    work = _work(engine, start, end)
    rows = []
    for village_id, name in villages:
        now, before, a_year_ago = (stats.get((village_id, *p), (0, 0)) for p in periods)
        rows.append(
            VillageMonth(
                name, now[0], before[0], a_year_ago[0], now[1], before[1], a_year_ago[1],
                *(work[key][village_id] for key in (
                    "households", "visited_this_month", "visited_this_year",
                    "notice_delivered", "commitment_signed",
                )),
            )
        )  # fmt: skip
    forms = counts_by_form(engine, start, end)
    return MonthlyFigures(
        year, month, tuple(rows), dissuasion_summary(engine, start, end),
        dual_decline(engine, year, through_month=month), activities, people, units,
        tuple((form, n, reached) for form, (n, reached) in forms.items()),
        tuple(u.name for u in not_reported(engine, year, month)),
        review_summary(engine, start, end), handover_summary(engine, start, end),
        instruction_summary(engine, datetime.combine(start, time()),
                            datetime.combine(end + timedelta(days=1), time())),
    )  # fmt: skip
