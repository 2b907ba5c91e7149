"""The figures of the 概览 tab and the status bar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, Integer, distinct, func, select

from app.case_figures import DissuasionSummary, dissuasion_summary
from app.dual_decline import Comparison, MonthFigures, dual_decline
from app.units import ROLE_COUNT
from db.models import DissuasionCase, Household, Letter, Meeting, Resident, Unit, UnitRole


@dataclass(frozen=True)
class Overview:
    """Key figures of the township on one day."""

    units: int
    villages: int
    households: int
    residents: int
    visited_this_year: int
    notice_delivered: int
    commitment_signed: int
    app_installed: int
    cases_this_month: int
    saved_this_year_fen: int
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

    @staticmethod
    def share(part: int, whole: int) -> str:
        """`part` of `whole` as a percentage with one decimal, e.g. "72.4%"."""
        return f"{part * 100 / whole:.1f}%" if whole else "—"


def counts(engine: Engine) -> dict[str, int]:
    """Live units, households and residents (for the status bar)."""
    with engine.connect() as conn:
        return {
            "units": conn.scalar(select(func.count()).where(Unit.deleted_at.is_(None))),
            "households": conn.scalar(select(func.count()).where(Household.deleted_at.is_(None))),
            "residents": conn.scalar(select(func.count()).where(Resident.deleted_at.is_(None))),
        }


def overview(engine: Engine, today: date | None = None) -> Overview:
    """Compute the overview; each figure is one indexed aggregate query."""
    today = today or date.today()
    year_start = date(today.year, 1, 1)
    month_start = today.replace(day=1)
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    live_households = Household.deleted_at.is_(None)

    def households_with_letter(kind: str, statuses: tuple[str, ...]):
        return select(func.count(distinct(Letter.household_id))).where(
            Letter.kind == kind, Letter.status.in_(statuses), Letter.deleted_at.is_(None)
        )

    roles = (
        select(func.count(distinct(UnitRole.role)))
        .where(UnitRole.unit_id == Unit.id, UnitRole.deleted_at.is_(None))
        .scalar_subquery()
    )
    decline = dual_decline(engine, today.year)
    dissuasion = dissuasion_summary(engine, year_start, today)
    with engine.connect() as conn:
        c = counts(engine)
        month = func.cast(func.strftime("%m", DissuasionCase.occurred_at), Integer)
        saved = dict(
            conn.execute(
                select(month, func.sum(DissuasionCase.amount_saved_fen))
                .where(
                    DissuasionCase.occurred_at >= year_start, DissuasionCase.deleted_at.is_(None)
                )
                .group_by(month)
            ).all()
        )
        return Overview(
            dissuasion=dissuasion,
            decline=decline.total,
            decline_months=decline.through_month,
            months=decline.months,
            saved_by_month_fen=tuple(saved.get(m, 0) or 0 for m in range(1, today.month + 1)),
            units=c["units"],
            villages=conn.scalar(
                select(func.count()).where(Unit.kind == "village", Unit.deleted_at.is_(None))
            ),
            households=c["households"],
            residents=c["residents"],
            visited_this_year=conn.scalar(
                select(func.count()).where(live_households, Household.last_visited_on >= year_start)
            ),
            notice_delivered=conn.scalar(households_with_letter("notice", ("delivered", "signed"))),
            commitment_signed=conn.scalar(
                households_with_letter("commitment_household", ("signed",))
            ),
            app_installed=conn.scalar(
                select(func.count()).where(
                    Resident.app_installed_on.is_not(None), Resident.deleted_at.is_(None)
                )
            ),
            cases_this_month=conn.scalar(
                select(func.count()).where(
                    DissuasionCase.occurred_at >= month_start, DissuasionCase.deleted_at.is_(None)
                )
            ),
            saved_this_year_fen=conn.scalar(
                select(func.coalesce(func.sum(DissuasionCase.amount_saved_fen), 0)).where(
                    DissuasionCase.occurred_at >= year_start, DissuasionCase.deleted_at.is_(None)
                )
            ),
            meetings_this_quarter=conn.scalar(
                select(func.count()).where(
                    Meeting.held_at >= quarter_start, Meeting.deleted_at.is_(None)
                )
            ),
            units_missing_roles=conn.scalar(
                select(func.count()).where(Unit.deleted_at.is_(None), roles < ROLE_COUNT)
            ),
        )
