"""双降: fraud cases and losses of this year against last year, per month and per village.

The figures are the registered cases (发案登记) of a village's month where it has any, else the
police station's monthly case statistics (CaseStat). A year is compared
with the same months of the year before: up to the last month that has figures this year, so
a half-year is never measured against a whole one. The plan's control target (seed 003:
警情增幅同比控制在6%—8%, then 5%, then 实现同比下降) is a cap on the growth of cases, stored
per year in the settings: growth above the cap is 超出控制目标 whatever the losses did.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import Engine, select

from app.cases.incidents import last_month_with_cases, monthly_case_counts
from app.core import audit
from app.core.validation import ValidationError
from db.engine import unit_of_work
from db.models import Setting, Unit

CAPS_KEY = "dual_decline_caps"
STATUSES = {
    "both": "双降",
    "one": "单降",
    "none": "未降",
    "zero": "零发案",
    "over_cap": "超出控制目标",
}


@dataclass(frozen=True)
class Comparison:
    """Cases and losses of one village (or the township) this year and last, same months."""

    name: str
    cases: int
    cases_last: int
    loss_fen: int
    loss_last_fen: int
    cap_percent: Decimal | None

    @staticmethod
    def _change(now: int, before: int) -> Fraction | None:
        return Fraction(now - before, before) if before else None

    @property
    def case_change(self) -> Fraction | None:
        """Growth of cases as a fraction (−0.25 = 25 % fewer); None when last year had none."""
        return self._change(self.cases, self.cases_last)

    @property
    def loss_change(self) -> Fraction | None:
        """Growth of losses as a fraction; None when last year had none."""
        return self._change(self.loss_fen, self.loss_last_fen)

    @property
    def status(self) -> str:
        """A STATUSES key: both fell, one fell, none fell, no cases at all, or over the cap."""
        if not (self.cases or self.cases_last or self.loss_fen or self.loss_last_fen):
            return "zero"
        if self.cap_percent is not None and self._over_cap():
            return "over_cap"
        fell = (self.cases < self.cases_last) + (self.loss_fen < self.loss_last_fen)
        return ("none", "one", "both")[fell]

    def _over_cap(self) -> bool:
        assert self.cap_percent is not None
        if self.cases_last == 0:
            return self.cases > 0
        return Fraction(self.cases - self.cases_last) * 100 > self.cap_percent * self.cases_last


@dataclass(frozen=True)
class MonthFigures:
    """The township's cases and losses in one month, this year and last."""

    month: int
    cases: int
    cases_last: int
    loss_fen: int
    loss_last_fen: int


@dataclass(frozen=True)
class DualDecline:
    """The 双降 view of a year: the months compared, per village, the total and per month."""

    year: int
    through_month: int
    cap_percent: Decimal | None
    villages: tuple[Comparison, ...]
    total: Comparison
    months: tuple[MonthFigures, ...]

    @property
    def month_comparisons(self) -> tuple[Comparison, ...]:
        """Each month of the township against the same month of last year ("1月" …)."""
        return tuple(
            Comparison(f"{m.month}月", m.cases, m.cases_last, m.loss_fen, m.loss_last_fen,
                       self.cap_percent)
            for m in self.months
        )  # fmt: skip


def load_caps(engine: Engine) -> dict[int, Decimal]:
    """The control target of each year: the largest growth of cases allowed, in per cent."""
    with unit_of_work(engine) as session:
        raw = session.scalar(select(Setting.value).where(Setting.key == CAPS_KEY))
    if not raw:
        return {}
    return {int(year): Decimal(str(cap)) for year, cap in json.loads(raw).items()}


def save_caps(engine: Engine, caps: dict[int, Decimal], user: str | None = None) -> None:
    """Store the control targets (per cent, may be negative: a required fall)."""
    for year, cap in caps.items():
        if not 2000 <= year <= 2100:
            raise ValidationError({"year": f"年份“{year}”不正确"})
        if not Decimal(-100) <= Decimal(cap) <= Decimal(1000):
            raise ValidationError({"cap": f"{year}年的增幅上限应在-100%到1000%之间"})
    value = json.dumps({str(y): str(c) for y, c in sorted(caps.items())})
    with unit_of_work(engine, user) as session:
        row = session.get(Setting, CAPS_KEY)
        if row is None:
            session.add(Setting(key=CAPS_KEY, value=value))
        else:
            row.value = value
        audit.record(session, "update", "setting", None, CAPS_KEY)


def dual_decline(engine: Engine, year: int, through_month: int | None = None) -> DualDecline:
    """Compare `year` with the year before, month by month and per village.

    `through_month` defaults to the last month of `year` that has any figure.
    """
    with unit_of_work(engine) as session:
        if through_month is None:
            through_month = last_month_with_cases(session, year)
        counts = monthly_case_counts(session, years=(year, year - 1))
        villages = {
            v: (order, name)
            for v, order, name in session.execute(
                select(Unit.id, Unit.sort_order, Unit.name).where(
                    Unit.id.in_({v for v, _, _ in counts})
                )
            )
        }
    rows = [
        (v, villages[v][1], villages[v][0], y, m, cases, loss)
        for (v, y, m), (cases, loss) in counts.items()
        if m <= through_month
    ]
    cap = load_caps(engine).get(year)
    per_village: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    names: dict[int, tuple[int, str]] = {}
    per_month: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for village_id, name, order, row_year, month, cases, loss in rows:
        names[village_id] = (order, name)
        offset = 0 if row_year == year else 1
        for bucket in (per_village[village_id], per_month[month]):
            bucket[offset] += cases
            bucket[2 + offset] += loss
    villages = tuple(
        Comparison(names[v][1], *per_village[v], cap)
        for v in sorted(per_village, key=lambda v: (names[v][0], v))
    )
    totals = [sum(c[i] for c in per_village.values()) for i in range(4)]
    months = tuple(MonthFigures(m, *per_month[m]) for m in range(1, through_month + 1))
    return DualDecline(
        year, through_month, cap, villages, Comparison("全镇合计", *totals, cap), months
    )


def percent(change: Fraction | None) -> str:
    """A change as the clerk reads it: "+6.5%", "-12.0%", or "—" with no base."""
    if change is None:
        return "—"
    return f"{float(change) * 100:+.1f}%"


def as_json(result: DualDecline) -> dict:
    """The view as plain JSON data (money in yuan as strings with 2 decimals)."""

    def yuan(fen: int) -> str:
        return f"{Decimal(fen) / 100:.2f}"

    def comparison(c: Comparison) -> dict:
        return {
            "name": c.name,
            "cases": c.cases,
            "cases_last_year": c.cases_last,
            "case_change": percent(c.case_change),
            "loss_yuan": yuan(c.loss_fen),
            "loss_last_year_yuan": yuan(c.loss_last_fen),
            "loss_change": percent(c.loss_change),
            "status": STATUSES[c.status],
        }

    return {
        "year": result.year,
        "through_month": result.through_month,
        "cap_percent": None if result.cap_percent is None else str(result.cap_percent),
        "total": comparison(result.total),
        "villages": [comparison(c) for c in result.villages],
        "months": [
            {
                "month": m.month,
                "cases": m.cases,
                "cases_last_year": m.cases_last,
                "loss_yuan": yuan(m.loss_fen),
                "loss_last_year_yuan": yuan(m.loss_last_fen),
            }
            for m in result.months
        ],
    }
