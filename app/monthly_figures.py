"""The figures of a month's notice (月度通报), each as it stood at the end of that month.

Cases and losses come from the police station's monthly figures (CaseStat); visits from the
visit records (a visit counts when someone was met: outcome 已走访); letters by the day they
were delivered or signed. So the October notice printed in December still says what October
said. Household counts go through the narrow village index, and visits and letters are
tallied per village in Python from household ids: on a county's 300,000 households no query
reads the wide household rows.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, Select, String, func, or_, select

from app.case_figures import DissuasionSummary, dissuasion_summary
from app.dual_decline import DualDecline, dual_decline
from app.periods import month_end, previous_month
from app.publicity import counts_by_form, not_reported
from db.engine import unit_of_work
from db.models import CaseStat, Household, Letter, PublicityActivity, Unit, Visit


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


def _plain_rows(engine: Engine, stmt: Select) -> list[tuple]:
    """The rows of a SELECT as the SQLite driver returns them: plain tuples, on a connection
    of its own (so that the reads below can run side by side).

    The three reads below return a million rows on a county's database; building result
    rows for them takes longer than the reads. The statements hold only dates and constants
    of our own, rendered as literals.
    """
    with engine.connect() as conn:
        sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        return conn.connection.driver_connection.execute(sql).fetchall()


def _work(engine: Engine, start: date, end: date) -> dict[str, Counter]:
    """Per village: households, visited this month and this year, notices, commitments.

    Visits and letters are read on two threads while this one reads the households: SQLite
    reads without holding Python's lock, so on two cores the three reads overlap.
    """
    visits = (
        # the day as text: 180,000 of them need no conversion to compare with the month's start
        select(Visit.household_id, func.max(Visit.visited_on, type_=String))
        .where(
            Visit.deleted_at.is_(None),
            Visit.outcome == "visited",
            # through date(): SQLite then reads the visits in household order from the
            # (household, date) index, instead of sorting the year's visits by household
            func.date(Visit.visited_on).between(
                date(start.year, 1, 1).isoformat(), end.isoformat()
            ),
        )
        .group_by(Visit.household_id)
    )
    delivered_on = func.coalesce(Letter.delivered_on, Letter.signed_on)
    letters = select(Letter.kind, Letter.household_id).where(
        Letter.deleted_at.is_(None),
        Letter.kind.in_(("notice", "commitment_household")),
        Letter.status.in_(("delivered", "signed")),
        or_(
            (Letter.kind == "notice") & or_(delivered_on.is_(None), delivered_on <= end),
            (Letter.kind == "commitment_household")
            & (Letter.status == "signed")
            & or_(Letter.signed_on.is_(None), Letter.signed_on <= end),
        ),
    )
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="wuzha-notice") as pool:
        visits_read = pool.submit(_plain_rows, engine, visits)
        letters_read = pool.submit(_plain_rows, engine, letters)
        village_of = dict(_plain_rows(engine, select(Household.id, Household.village_id)))
        gone = _plain_rows(engine, select(Household.id).where(Household.deleted_at.is_not(None)))
        for (household_id,) in gone:
            village_of.pop(household_id, None)
        last_visit, letter_rows = visits_read.result(), letters_read.result()

    def per_village(household_ids) -> Counter:
        return Counter(village_of[h] for h in household_ids if h in village_of)

    month_start = start.isoformat()
    return {
        "households": Counter(village_of.values()),
        "visited_this_year": per_village(h for h, _ in last_visit),
        "visited_this_month": per_village(h for h, d in last_visit if d >= month_start),
        "notice_delivered": per_village({h for kind, h in letter_rows if kind == "notice"}),
        "commitment_signed": per_village({h for kind, h in letter_rows if kind != "notice"}),
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
        stats: dict[tuple[int, int, int], tuple[int, int]] = {
            (v, y, m): (c, loss)
            for v, y, m, c, loss in session.execute(
                select(CaseStat.village_id, CaseStat.year, CaseStat.month, CaseStat.case_count,
                       CaseStat.loss_fen)
                .where(CaseStat.deleted_at.is_(None),
                       or_(*((CaseStat.year == y) & (CaseStat.month == m) for y, m in periods)))
            )
        }  # fmt: skip
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
    )  # fmt: skip
