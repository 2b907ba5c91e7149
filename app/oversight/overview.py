"""The figures of the 概览 tab and the status bar.

The coverage of the households (visited this year, 告知书 delivered, 承诺书 signed, residents
with the APP) is `app.households.coverage`'s: the same figures as the 入户走访 tab's 覆盖情况 and
`wuzha stats`, counted over live households only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Engine, Integer, distinct, func, select

from app.cases.figures import DissuasionSummary, dissuasion_summary
from app.households.coverage import CoverageRow, coverage, share
from app.org.units import ROLE_COUNT
from app.oversight.dual_decline import Comparison, MonthFigures, dual_decline
from db.models import DissuasionCase, Household, Meeting, Unit, UnitRole


@dataclass(frozen=True)
class Overview:
    """Key figures of the township on one day."""

    units: int
    villages: int
    # this year's coverage of the township's live households (app.households.coverage)
    coverage: CoverageRow
    cases_this_month: int
    meetings_this_quarter: int
    units_missing_roles: int
    # this year's dissuasion results (预警后再转账率) and 双降 so far
    dissuasion: DissuasionSummary
    decline: Comparison
    decline_months: int
    # the township's cases and losses of each month so far, this year and last (the charts)
    months: tuple[MonthFigures, ...] = ()
    # money saved by dissuasion in each month of this year so far, January first
    saved_by_month_fen: tuple[int, ...] = ()

    @property
    def saved_this_year_fen(self) -> int:
        """Money saved by this year's dissuasion cases (the 劝阻情况 figure)."""
        return self.dissuasion.saved_fen

    @property
    def households(self) -> int:
        """Live households."""
        return self.coverage.households

    @property
    def residents(self) -> int:
        """Residents of live households."""
        return self.coverage.residents

    @property
    def visited_this_year(self) -> int:
        """Households visited this year (someone met or refusing: not 不在家)."""
        return self.coverage.visited

    @property
    def notice_delivered(self) -> int:
        """Households whose 告知书 was delivered."""
        return self.coverage.notice_delivered

    @property
    def commitment_signed(self) -> int:
        """Households whose 承诺书 is signed."""
        return self.coverage.commitment_signed

    @property
    def app_installed(self) -> int:
        """Residents of live households with the 国家反诈中心 APP."""
        return self.coverage.app_installed

    @staticmethod
    def share(part: int, whole: int) -> str:
        """`part` of `whole` as the coverage table shows it, e.g. "72.4%" ("—" of nothing)."""
        value = share(part, whole)
        return "—" if value is None else f"{value}%"


def counts(engine: Engine) -> dict[str, int]:
    """Live units, households and residents of live households (for the status bar): the
    households and residents the coverage counts, from the same covering index."""
    with engine.connect() as conn:
        households, residents = conn.execute(
            select(func.count(), func.coalesce(func.sum(Household.resident_count), 0)).where(
                Household.deleted_at.is_(None)
            )
        ).one()
        units = conn.scalar(select(func.count()).where(Unit.deleted_at.is_(None)))
    return {"units": units, "households": households, "residents": residents}


def overview(engine: Engine, today: date | None = None) -> Overview:
    """Compute the overview; each figure is one indexed aggregate query."""
    today = today or date.today()
    year_start = date(today.year, 1, 1)
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    roles = (
        select(func.count(distinct(UnitRole.role)))
        .where(UnitRole.unit_id == Unit.id, UnitRole.deleted_at.is_(None))
        .scalar_subquery()
    )
    decline = dual_decline(engine, today.year)
    dissuasion = dissuasion_summary(engine, year_start, today)
    households = coverage(engine, today).total
    # as of today: a record dated later (a meeting planned) is not counted yet
    tomorrow = datetime.combine(today + timedelta(days=1), time())
    live_cases = DissuasionCase.deleted_at.is_(None), DissuasionCase.occurred_at < tomorrow
    with engine.connect() as conn:
        month = func.cast(func.strftime("%m", DissuasionCase.occurred_at), Integer)
        by_month = {
            m: (cases, saved or 0)
            for m, cases, saved in conn.execute(
                select(month, func.count(), func.sum(DissuasionCase.amount_saved_fen))
                .where(DissuasionCase.occurred_at >= year_start, *live_cases)
                .group_by(month)
            )
        }
        return Overview(
            dissuasion=dissuasion,
            decline=decline.total,
            decline_months=decline.through_month,
            months=decline.months,
            saved_by_month_fen=tuple(by_month.get(m, (0, 0))[1] for m in range(1, today.month + 1)),
            units=conn.scalar(select(func.count()).where(Unit.deleted_at.is_(None))),
            villages=conn.scalar(
                select(func.count()).where(Unit.kind == "village", Unit.deleted_at.is_(None))
            ),
            coverage=households,
            cases_this_month=by_month.get(today.month, (0, 0))[0],
            meetings_this_quarter=conn.scalar(
                select(func.count()).where(
                    Meeting.held_at >= quarter_start,
                    Meeting.held_at < tomorrow,
                    Meeting.deleted_at.is_(None),
                )
            ),
            units_missing_roles=conn.scalar(
                select(func.count()).where(Unit.deleted_at.is_(None), roles < ROLE_COUNT)
            ),
        )
