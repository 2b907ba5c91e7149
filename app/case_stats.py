"""Figures of the dissuasion cases over a period: by month, village, fraud type and source.

Each breakdown is one GROUP BY over the indexed `occurred_at`; the 预警后再转账率 comes from
`app.case_figures` (people, not cases). Money stays in fen; JSON shows yuan with 2 decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import Engine, case, func, select

from app.case_figures import TRANSFER_TARGET, DissuasionSummary, dissuasion_summary
from app.vocab import ALERT_SOURCES
from db.engine import unit_of_work
from db.models import DissuasionCase, FraudType, Unit


@dataclass(frozen=True)
class Breakdown:
    """Cases of one group (a month, a village, a fraud type, a source)."""

    key: str
    cases: int
    success: int
    saved_fen: int
    lost_fen: int

    @property
    def success_share(self) -> float | None:
        """成功劝阻 ÷ cases."""
        return self.success / self.cases if self.cases else None


@dataclass(frozen=True)
class CaseStatistics:
    """The figures of a period."""

    start: date
    end: date
    summary: DissuasionSummary
    by_month: tuple[Breakdown, ...]
    by_village: tuple[Breakdown, ...]
    by_fraud_type: tuple[Breakdown, ...]
    by_source: tuple[Breakdown, ...]


def case_statistics(engine: Engine, start: date, end: date) -> CaseStatistics:
    """Every figure of the cases that occurred from `start` to `end` (both included)."""
    low, high = datetime.combine(start, time.min), datetime.combine(end, time.max)
    period = (
        DissuasionCase.deleted_at.is_(None),
        DissuasionCase.occurred_at.between(low, high),
    )
    measures = (
        func.count(),
        func.sum(case((DissuasionCase.outcome == "success", 1), else_=0)),
        func.coalesce(func.sum(DissuasionCase.amount_saved_fen), 0),
        func.coalesce(func.sum(DissuasionCase.amount_lost_fen), 0),
    )

    def grouped(session, key, *joins) -> list[Breakdown]:
        stmt = select(key, *measures).select_from(DissuasionCase)
        for target, on in joins:
            stmt = stmt.outerjoin(target, on)
        rows = session.execute(stmt.where(*period).group_by(key).order_by(key)).all()
        return [Breakdown(str(k) if k is not None else "未填写", n, s or 0, sv, ls)
                for k, n, s, sv, ls in rows]  # fmt: skip

    with unit_of_work(engine) as session:
        by_month = grouped(session, func.strftime("%Y-%m", DissuasionCase.occurred_at))
        by_village = grouped(session, Unit.name, (Unit, Unit.id == DissuasionCase.village_id))
        by_type = grouped(
            session, FraudType.name, (FraudType, FraudType.id == DissuasionCase.fraud_type_id)
        )
        by_source = grouped(session, DissuasionCase.alert_source)
    by_source = [
        Breakdown(ALERT_SOURCES.get(b.key, b.key), b.cases, b.success, b.saved_fen, b.lost_fen)
        for b in by_source
    ]
    by_type.sort(key=lambda b: -b.cases)
    return CaseStatistics(
        start, end, dissuasion_summary(engine, start, end), tuple(by_month), tuple(by_village),
        tuple(by_type), tuple(by_source),
    )  # fmt: skip


def _yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}"


def as_json(stats: CaseStatistics) -> dict:
    """The figures as plain JSON data (yuan as strings with 2 decimals, shares as numbers)."""
    s = stats.summary
    rate = s.transfer_rate

    def rows(items: tuple[Breakdown, ...]) -> list[dict]:
        return [
            {
                "name": b.key, "cases": b.cases, "success": b.success,
                "success_share": None if b.success_share is None else round(b.success_share, 4),
                "saved_yuan": _yuan(b.saved_fen), "lost_yuan": _yuan(b.lost_fen),
            }
            for b in items
        ]  # fmt: skip

    return {
        "from": stats.start.isoformat(),
        "to": stats.end.isoformat(),
        "cases": s.cases,
        "success": s.success,
        "partial": s.partial,
        "failed": s.failed,
        "transferred_after_warning": s.transferred_after_warning,
        "success_share": round(s.success / s.cases, 4) if s.cases else None,
        "saved_yuan": _yuan(s.saved_fen),
        "lost_yuan": _yuan(s.lost_fen),
        "warned_people": s.warned_people,
        "transferred_people": s.transferred_people,
        "transfer_rate": None if rate is None else round(float(rate), 4),
        "transfer_target": float(TRANSFER_TARGET),
        "meets_target": s.meets_target,
        "by_month": rows(stats.by_month),
        "by_village": rows(stats.by_village),
        "by_fraud_type": rows(stats.by_fraud_type),
        "by_alert_source": rows(stats.by_source),
    }
