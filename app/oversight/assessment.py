"""Annual assessment (年度考核): a score per village and unit from the work recorded all year.

Each indicator is a share between 0 and 1, or None where it does not apply (a school has no
households to visit, a unit with no rectification due has no deadlines to meet). The score is
100 × the weighted mean of the indicators that apply, plus points for each commendation and
minus points for each criticism, card or interview. The office sets the weights and points;
they are stored in the settings.

The villages' household figures are read, not counted here: this year's (as of today) are the
coverage of `app.households.coverage`, the figures of the 入户走访 tab and the overview; a past
year's are those of its December notice (`app.oversight.monthly_figures`: visits of that year,
letters signed by its end). Rectifications (整改) are
`app.cases.commendations.rectification_record`: the deadlines of the
year that have come, and how many were met.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sqlalchemy import Engine, case, func, select

from app.cases.commendations import RectificationRecord, rectification_record
from app.core import audit
from app.core.periods import report_deadline
from app.core.progress import Job, Progress
from app.core.validation import ValidationError
from app.core.vocab import COMMENDATION_KINDS, UNIT_KINDS
from app.households.coverage import coverage
from app.oversight.dual_decline import dual_decline
from app.oversight.monthly_figures import monthly_figures
from app.sheets.writing import SheetTable, write_tables_xlsx
from db.engine import unit_of_work
from db.models import (
    Commendation,
    Employee,
    Meeting,
    MeetingAttendance,
    PublicityActivity,
    Setting,
    Unit,
)

WEIGHTS_KEY = "assessment_weights"
INDICATORS = {
    "visit_coverage": "入户走访覆盖率",
    "commitment_signed": "承诺书签订率",
    "meeting_attendance": "例会出席率",
    "publicity_on_time": "宣传按时报送率",
    "case_trend": "发案案损双降",
    "rectification": "整改按期完成率",
}
DEFAULT_WEIGHTS = {
    "visit_coverage": 30,
    "commitment_signed": 20,
    "meeting_attendance": 15,
    "publicity_on_time": 15,
    "case_trend": 20,
    "rectification": 10,
}
# The rectification counts the workbook lists beside the indicators.
RECTIFICATION_COLUMNS = {"on_time": "按期整改", "late": "逾期整改", "overdue": "逾期未整改"}
DEFAULT_POINTS = {
    "praise": 2, "criticism": -2, "yellow_card": -5, "red_card": -10, "interview": -3,
    "warning": -1,
}  # fmt: skip
CASE_TREND_SCORE = {"both": 1.0, "zero": 1.0, "one": 0.5, "none": 0.0, "over_cap": 0.0}


@dataclass(frozen=True)
class Weights:
    """Indicator weights (relative) and points per commendation kind."""

    indicators: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    points: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_POINTS))


@dataclass(frozen=True)
class ScoreSheet:
    """One village's or unit's indicators, points and score."""

    unit_id: int
    name: str
    kind: str
    indicators: dict[str, float | None]
    points: int
    score: Decimal
    rank: int = 0
    # the rectifications whose deadline fell in the year, up to today (None: there were none)
    rectifications: RectificationRecord | None = None


def load_weights(engine: Engine) -> Weights:
    """The stored weights, with defaults for anything never set."""
    with unit_of_work(engine) as session:
        raw = session.scalar(select(Setting.value).where(Setting.key == WEIGHTS_KEY))
    stored = json.loads(raw) if raw else {}
    indicators = {**DEFAULT_WEIGHTS, **stored.get("indicators", {})}
    points = {**DEFAULT_POINTS, **stored.get("points", {})}
    return Weights(indicators, points)


def save_weights(engine: Engine, weights: Weights, user: str | None = None) -> None:
    """Validate and store the weights (0–100 each, not all zero; points −100–100)."""
    errors = {}
    for key, value in weights.indicators.items():
        if key not in INDICATORS or not 0 <= value <= 100:
            errors[key] = f"{INDICATORS.get(key, key)}的权重应在0到100之间"
    if not any(weights.indicators.values()):
        errors[""] = "至少一项指标的权重应大于0"
    for key, value in weights.points.items():
        if key not in COMMENDATION_KINDS or not -100 <= value <= 100:
            errors[key] = f"{COMMENDATION_KINDS.get(key, key)}的加减分应在-100到100之间"
    if errors:
        raise ValidationError(errors)
    value = json.dumps({"indicators": weights.indicators, "points": weights.points})
    with unit_of_work(engine, user) as session:
        row = session.get(Setting, WEIGHTS_KEY)
        if row is None:
            session.add(Setting(key=WEIGHTS_KEY, value=value))
        else:
            row.value = value
        audit.record(session, "update", "setting", None, WEIGHTS_KEY)


def _shares(pairs: Iterable[tuple[int, int | None, int | None]]) -> dict[int, float | None]:
    """unit id → part ÷ whole (None where the whole is zero)."""
    return {uid: (part or 0) / whole if whole else None for uid, part, whole in pairs}


def village_work(engine: Engine, year: int, today: date) -> dict[str, tuple[int, int, int]]:
    """Village name → (households, visited, commitment signed) for the assessment of `year`:
    this year's coverage as of `today`, or a past year's as its December notice counted it."""
    if year >= today.year:
        rows = coverage(engine, today).villages
        return {r.village: (r.households, r.visited, r.commitment_signed) for r in rows}
    december = monthly_figures(engine, year, 12).villages
    return {v.name: (v.households, v.visited_this_year, v.commitment_signed) for v in december}


def assess(
    engine: Engine, year: int, weights: Weights | None = None, today: date | None = None
) -> list[ScoreSheet]:
    """Score every live member unit and village for `year`, ranked best first."""
    weights = weights or load_weights(engine)
    today = today or date.today()
    start, end = date(year, 1, 1), date(year, 12, 31)
    with unit_of_work(engine) as session:
        units = session.execute(
            select(Unit.id, Unit.name, Unit.kind)
            .where(Unit.deleted_at.is_(None), Unit.is_member.is_(True))
            .order_by(Unit.sort_order, Unit.id)
        ).all()
        staff = session.execute(
            select(
                Employee.unit_id,
                func.sum(case((Employee.commitment_signed_on <= end, 1), else_=0)),
                func.count(),
            )
            .where(Employee.deleted_at.is_(None))
            .group_by(Employee.unit_id)
        ).all()
        attendance = session.execute(
            select(
                MeetingAttendance.unit_id,
                func.sum(case((MeetingAttendance.status.in_(("present", "observer")), 1), else_=0)),
                func.count(),
            )
            .join(Meeting, Meeting.id == MeetingAttendance.meeting_id)
            .where(
                MeetingAttendance.deleted_at.is_(None),
                Meeting.deleted_at.is_(None),
                func.date(Meeting.held_at).between(start.isoformat(), end.isoformat()),
            )
            .group_by(MeetingAttendance.unit_id)
        ).all()
        reports = session.execute(
            select(
                PublicityActivity.unit_id, PublicityActivity.held_on, PublicityActivity.reported_on
            ).where(
                PublicityActivity.deleted_at.is_(None),
                PublicityActivity.held_on.between(start, end),
            )
        ).all()
        marks = session.execute(
            select(Commendation.unit_id, Commendation.kind, func.count())
            .where(Commendation.deleted_at.is_(None), Commendation.issued_on.between(start, end))
            .group_by(Commendation.unit_id, Commendation.kind)
        ).all()
    work = village_work(engine, year, today)
    # deadlines still to come are not yet met or missed
    rectified = rectification_record(engine, start, min(end, today)) if start <= today else {}
    months_due = _months_due(year, today)
    on_time = _months_on_time(reports, year)
    trend = {c.name: CASE_TREND_SCORE[c.status] for c in dual_decline(engine, year).villages}
    staff_share = _shares(staff)
    attended = _shares(attendance)
    points: dict[int, int] = {}
    for unit_id, kind, count in marks:
        points[unit_id] = points.get(unit_id, 0) + weights.points.get(kind, 0) * count
    sheets = []
    for unit in units:
        village = unit.kind == "village"
        households, visited, signed = work.get(unit.name, (0, 0, 0)) if village else (0, 0, 0)
        record = rectified.get(unit.id)
        indicators: dict[str, float | None] = {
            "visit_coverage": visited / households if households else None,
            "commitment_signed": (signed / households if households else staff_share.get(unit.id)),
            "meeting_attendance": attended.get(unit.id),
            # of the months whose report was due, those reported in time (a month still under
            # way and already reported is not yet counted)
            "publicity_on_time": (
                len({m for m in on_time.get(unit.id, ()) if m <= months_due}) / months_due
                if months_due
                else None
            ),
            "case_trend": trend.get(unit.name) if village else None,
            "rectification": record.met_share if record else None,
        }
        sheets.append(
            ScoreSheet(
                unit.id, unit.name, UNIT_KINDS.get(unit.kind, unit.kind), indicators,
                points.get(unit.id, 0), _score(indicators, weights, points.get(unit.id, 0)),
                rectifications=record,
            )
        )  # fmt: skip
    sheets.sort(key=lambda s: (-s.score, s.name))
    ranked, rank = [], 0
    for position, sheet in enumerate(sheets, start=1):
        if position == 1 or sheet.score != sheets[position - 2].score:
            rank = position
        ranked.append(replace(sheet, rank=rank))
    return ranked


def _months_due(year: int, today: date) -> int:
    """How many monthly reports were due by `today` in `year` (the 29th of each month)."""
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    due = today >= report_deadline(today.year, today.month)
    return today.month if due else today.month - 1


def _months_on_time(reports, year: int) -> dict[int, set[int]]:
    """unit id → the months whose work was reported by the 29th of that month."""
    on_time: dict[int, set[int]] = {}
    for unit_id, held_on, reported_on in reports:
        if reported_on is None:
            continue
        deadline = report_deadline(year, held_on.month)
        if reported_on <= deadline:
            on_time.setdefault(unit_id, set()).add(held_on.month)
    return on_time


def _score(indicators: dict[str, float | None], weights: Weights, points: int) -> Decimal:
    applicable = {k: v for k, v in indicators.items() if v is not None}
    total_weight = sum(weights.indicators.get(k, 0) for k in applicable)
    base = (
        sum(weights.indicators.get(k, 0) * v for k, v in applicable.items()) * 100 / total_weight
        if total_weight
        else 0.0
    )
    return (Decimal(str(base)) + points).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def export_assessment_xlsx(sheets: list[ScoreSheet], year: int, path: Path | str) -> Job[int]:
    """Write the score sheets to an .xlsx (one row per village or unit, ranked): the
    indicators, the rectifications they count, the points and the score."""
    headers = ["名次", "单位", "类别", *INDICATORS.values(), *RECTIFICATION_COLUMNS.values(),
               "加减分", "得分"]  # fmt: skip
    rows = []
    for number, s in enumerate(sheets, start=1):
        shares = [None if v is None else round(v, 4) for v in s.indicators.values()]
        record = s.rectifications
        counts = [getattr(record, k) if record else 0 for k in RECTIFICATION_COLUMNS]
        rows.append([s.rank, s.name, s.kind, *shares, *counts, s.points, float(s.score)])
        if number % 200 == 0:
            yield Progress(number, len(sheets), "正在导出")
    widths = [6, 24, 10, *[14] * len(INDICATORS), *[10] * len(RECTIFICATION_COLUMNS), 8, 8]
    write_tables_xlsx(path, [SheetTable(f"{year}年度考核", headers, rows, widths)])
    yield Progress(len(sheets), len(sheets), "已导出")
    return len(sheets)
