"""Figures of the dissuasion cases over a period: by month, quarter, year, village, fraud type
and alert source, each with its 成功率 and 预警后再转账率 (against the 2 % target).

The cases of the period are read in one scan and added to a `Tally` per group (the rules of
counting live in `app.cases.figures`); quarters and years merge their months, so a person
warned in two months of a quarter is one warned person of the quarter. Money stays in fen;
JSON shows yuan as strings with 2 decimals.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path

from sqlalchemy import Engine, case, func, or_, select

from app.cases.figures import TRANSFER_TARGET, DissuasionSummary, Tally, case_rows
from app.core.validation import fen_to_yuan
from app.core.vocab import ALERT_SOURCES
from db.models import DissuasionCase, FraudType, Unit

NOT_FILLED = "未填写"
# a longer period lists only the months that have cases (a chart of 20 years helps nobody)
MAX_EMPTY_MONTHS = 120


@dataclass(frozen=True)
class Breakdown:
    """The figures of one group: a month (key "2024-05"), a quarter ("2024-Q2"), a year
    ("2024"), a village, a fraud type or an alert source (their names)."""

    key: str
    label: str
    figures: DissuasionSummary

    @property
    def cases(self) -> int:
        """Cases of the group."""
        return self.figures.cases

    @property
    def success(self) -> int:
        """成功劝阻 cases."""
        return self.figures.success

    @property
    def saved_fen(self) -> int:
        """Money saved, in fen."""
        return self.figures.saved_fen

    @property
    def lost_fen(self) -> int:
        """Money lost, in fen."""
        return self.figures.lost_fen

    @property
    def success_share(self) -> Fraction | None:
        """成功劝阻 ÷ cases."""
        return self.figures.success_share

    @property
    def transfer_rate(self) -> Fraction | None:
        """预警后再转账率 of the group."""
        return self.figures.transfer_rate


@dataclass(frozen=True)
class CaseStatistics:
    """The figures of a period."""

    start: date
    end: date
    summary: DissuasionSummary
    by_month: tuple[Breakdown, ...]
    by_quarter: tuple[Breakdown, ...]
    by_year: tuple[Breakdown, ...]
    by_village: tuple[Breakdown, ...]
    by_fraud_type: tuple[Breakdown, ...]
    by_source: tuple[Breakdown, ...]


def months_between(start: date, end: date) -> list[str]:
    """Every "YYYY-MM" from `start`'s month to `end`'s."""
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(first, last + 1)]


def quarter_of(month: str) -> str:
    """The quarter of a "2024-05" month: "2024-Q2"."""
    return f"{month[:4]}-Q{(int(month[5:7]) + 2) // 3}"


def period_label(key: str) -> str:
    """How a period key reads: 2024-05 → 2024年5月, 2024-Q2 → 2024年第2季度, 2024 → 2024年."""
    if "-Q" in key:
        return f"{key[:4]}年第{key[-1]}季度"
    if "-" in key:
        return f"{key[:4]}年{int(key[5:7])}月"
    return f"{key}年"


def _rolled_up(months: dict[str, Tally], key_of) -> list[Breakdown]:
    merged: dict[str, Tally] = {}
    for month, tally in months.items():
        merged.setdefault(key_of(month), Tally()).merge(tally)
    return [Breakdown(k, period_label(k), t.summary()) for k, t in merged.items()]


def _names(engine: Engine, village_ids: set, type_ids: set) -> tuple[list, list]:
    """(id, name) of the villages and fraud types to list: every live one, and any a case uses."""
    with engine.connect() as conn:
        villages = conn.execute(
            select(Unit.id, Unit.name)
            .where(
                or_(
                    (Unit.kind == "village") & Unit.deleted_at.is_(None),
                    Unit.id.in_(village_ids - {None}),
                )
            )
            .order_by(Unit.sort_order, Unit.id)
        ).all()
        types = conn.execute(
            select(FraudType.id, FraudType.name)
            .where(
                or_(
                    FraudType.deleted_at.is_(None) & FraudType.active.is_(True),
                    FraudType.id.in_(type_ids),
                )
            )
            .order_by(FraudType.sort_order, FraudType.id)
        ).all()
    return list(villages), list(types)


def _scan(rows: list[tuple]) -> tuple[dict, dict, dict, dict]:
    """Tallies by month, village, fraud type and source, in one pass over the case rows."""
    # Tally.add unrolled over plain lists and sets: a method call per case and group cost
    # more than the query itself at 50,000 cases (bench/bench_cases.py)
    groups = [(defaultdict(_zeros), defaultdict(set), defaultdict(set)) for _ in range(4)]
    (mc, mw, mt), (vc, vw, vt), (tc, tw, tt), (sc, sw, st) = groups
    for outcome, saved, lost, warned, moved, month, village, fraud, source in rows:
        c = mc[month]
        c[outcome] += 1
        c[4] += saved
        c[5] += lost
        c = vc[village]
        c[outcome] += 1
        c[4] += saved
        c[5] += lost
        c = tc[fraud]
        c[outcome] += 1
        c[4] += saved
        c[5] += lost
        c = sc[source]
        c[outcome] += 1
        c[4] += saved
        c[5] += lost
        if warned is not None:
            mw[month].add(warned)
            vw[village].add(warned)
            tw[fraud].add(warned)
            sw[source].add(warned)
            if moved:
                mt[month].add(warned)
                vt[village].add(warned)
                tt[fraud].add(warned)
                st[source].add(warned)
    return tuple(
        {key: Tally.of(counts, w.get(key, set()), t.get(key, set())) for key, counts in c.items()}
        for c, w, t in groups
    )  # type: ignore[return-value]


def _zeros() -> list[int]:
    return [0] * 6


# Small integers instead of strings from SQLite: 50,000 month and source strings cost more
# than the rest of the scan's Python (a month is year × 12 + month − 1).
SOURCE_CODES = tuple(ALERT_SOURCES)
_MONTH_NUMBER = (
    func.substr(DissuasionCase.occurred_at, 1, 4) * 12
    + func.substr(DissuasionCase.occurred_at, 6, 2) - 1
)  # fmt: skip
_SOURCE_NUMBER = case(
    {code: n for n, code in enumerate(SOURCE_CODES)},
    value=DissuasionCase.alert_source, else_=DissuasionCase.alert_source,
)  # fmt: skip


def case_statistics(engine: Engine, start: date, end: date) -> CaseStatistics:
    """Every figure of the cases that occurred from `start` to `end` (both included)."""
    rows = case_rows(
        engine, start, end, _MONTH_NUMBER, DissuasionCase.village_id,
        DissuasionCase.fraud_type_id, _SOURCE_NUMBER,
    )  # fmt: skip
    numbered_months, found_villages, found_types, numbered_sources = _scan(rows)
    found_months = {f"{m // 12:04d}-{m % 12 + 1:02d}": t for m, t in numbered_months.items()}
    found_sources = {SOURCE_CODES[n] if isinstance(n, int) else n: t
                     for n, t in numbered_sources.items()}  # fmt: skip
    every_month = months_between(start, end)
    prefill = every_month if len(every_month) <= MAX_EMPTY_MONTHS else []
    months = {m: Tally() for m in prefill} | found_months
    villages: defaultdict = defaultdict(Tally, found_villages)
    types: defaultdict = defaultdict(Tally, found_types)
    sources = {code: Tally() for code in ALERT_SOURCES} | found_sources
    total = Tally()
    for tally in sources.values():  # every case has exactly one source
        total.merge(tally)
    months = dict(sorted(months.items()))
    village_names, type_names = _names(engine, set(villages), set(types))
    by_village = [Breakdown(n, n, villages[i].summary()) for i, n in village_names]
    if None in villages:
        by_village.append(Breakdown(NOT_FILLED, NOT_FILLED, villages[None].summary()))
    by_type = [Breakdown(n, n, types[i].summary()) for i, n in type_names]
    by_type.sort(key=lambda b: -b.cases)  # stable: equal counts keep the list's order
    by_source = [
        Breakdown(ALERT_SOURCES.get(code, code), ALERT_SOURCES.get(code, code), t.summary())
        for code, t in sources.items()
    ]
    return CaseStatistics(
        start, end, total.summary(),
        tuple(Breakdown(m, period_label(m), t.summary()) for m, t in months.items()),
        tuple(_rolled_up(months, quarter_of)), tuple(_rolled_up(months, lambda m: m[:4])),
        tuple(by_village), tuple(by_type), tuple(by_source),
    )  # fmt: skip


def yuan_text(fen: int) -> str:
    """Fen as yuan with 2 decimals, exactly: 123456 → "1234.56"."""
    return str(fen_to_yuan(fen))


def share(value: Fraction | None) -> float | None:
    """A share for JSON: 4 decimals, or None."""
    return None if value is None else round(float(value), 4)


def _figures_json(s: DissuasionSummary) -> dict:
    return {
        "cases": s.cases,
        "success": s.success,
        "partial": s.partial,
        "failed": s.failed,
        "transferred_after_warning": s.transferred_after_warning,
        "success_share": share(s.success_share),
        "saved_yuan": yuan_text(s.saved_fen),
        "lost_yuan": yuan_text(s.lost_fen),
        "warned_people": s.warned_people,
        "transferred_people": s.transferred_people,
        "transfer_rate": share(s.transfer_rate),
        "meets_target": s.meets_target,
    }


def as_json(stats: CaseStatistics) -> dict:
    """The figures as plain JSON data (yuan as strings with 2 decimals, shares as numbers)."""

    def rows(items: tuple[Breakdown, ...]) -> list[dict]:
        return [{"name": b.key, **_figures_json(b.figures)} for b in items]

    return {
        "from": stats.start.isoformat(),
        "to": stats.end.isoformat(),
        **_figures_json(stats.summary),
        "transfer_target": float(TRANSFER_TARGET),
        "by_month": rows(stats.by_month),
        "by_quarter": rows(stats.by_quarter),
        "by_year": rows(stats.by_year),
        "by_village": rows(stats.by_village),
        "by_fraud_type": rows(stats.by_fraud_type),
        "by_alert_source": rows(stats.by_source),
    }


FIGURE_HEADERS = (
    "名称", "案例数", "成功劝阻", "部分止损", "劝阻无效", "预警后仍转账", "成功率", "止损（元）",
    "损失（元）", "预警人数", "仍转账人数", "预警后再转账率",
)  # fmt: skip


def percent_text(value: Fraction | None) -> str:
    """A share as the figures show it: "66.67%", or "—" when there is nothing to divide."""
    return "—" if value is None else f"{float(value) * 100:.2f}%"


def figure_row(label: str, s: DissuasionSummary) -> list:
    """One line of a figures table (also the tab's tables): the columns of FIGURE_HEADERS."""
    return [
        label, s.cases, s.success, s.partial, s.failed, s.transferred_after_warning,
        percent_text(s.success_share), fen_to_yuan(s.saved_fen), fen_to_yuan(s.lost_fen),
        s.warned_people, s.transferred_people, percent_text(s.transfer_rate),
    ]  # fmt: skip


def export_statistics_xlsx(stats: CaseStatistics, path: str | Path) -> None:
    """The figures of a period as an .xlsx: a sheet for the total and one per breakdown."""
    from app.sheets.writing import SheetTable, write_tables_xlsx

    widths = (16, 8, 9, 9, 9, 12, 9, 14, 14, 9, 10, 14)
    period = f"{stats.start}至{stats.end}"
    sheets = [SheetTable("合计", FIGURE_HEADERS, [figure_row(period, stats.summary)], widths)]
    for title, items in (
        ("按月", stats.by_month), ("按季度", stats.by_quarter), ("按年", stats.by_year),
        ("按村居", stats.by_village), ("按诈骗类型", stats.by_fraud_type),
        ("按线索来源", stats.by_source),
    ):  # fmt: skip
        rows = [figure_row(b.label, b.figures) for b in items]
        sheets.append(SheetTable(title, FIGURE_HEADERS, rows, widths))
    write_tables_xlsx(path, sheets)
