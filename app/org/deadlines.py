"""The dates the year's plan sets (报送时限): 四员 named by a date, publicity groups built by one,
the sub-centre and the 治理员 staffed by one.

Seed 001 asks every village and member unit to report its four people (四员) and every village
to build its second-tier WeChat group (三级宣传群) by set dates; seeds 003 and 004 staff the
sub-centre and name a 治理员 in every office and enterprise. The dates change from year to
year, so they are kept per year in the settings; after a date has passed, what is still
missing is overdue (the overview says so), not only missing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, distinct, func, select

from app.core import audit
from app.core.validation import FormField, ValidationError, clean_values
from app.org.units import ROLE_COUNT
from db.engine import unit_of_work
from db.models import PublicityGroup, Setting, Unit, UnitRole

DEADLINES_KEY = "plan_deadlines"
# the tier of the group each village builds for its villagers' groups to hang under
VILLAGE_GROUP_TIER = 2

FIELDS = (
    FormField("year", "年份", kind="int", required=True, minimum=2000, maximum=2100),
    FormField("roles_by", "四员报送截止日期", kind="date",
              help="此日期后仍未报齐四员的单位（村居）列为逾期"),
    FormField("groups_by", "二级宣传群建成截止日期", kind="date",
              help="此日期后仍没有二级宣传群的村居列为逾期"),
    FormField("staff_by", "分中心人员、治理员配齐截止日期", kind="date",
              help="此日期后分中心人员未配齐、单位未确定治理员的列为逾期"),
)  # fmt: skip
KEYS = ("roles_by", "groups_by", "staff_by")


@dataclass(frozen=True)
class Deadlines:
    """One year's dates; None: the plan sets none."""

    year: int
    roles_by: date | None = None
    groups_by: date | None = None
    staff_by: date | None = None


def load_deadlines(engine: Engine) -> dict[int, Deadlines]:
    """Every year's dates, by year."""
    with unit_of_work(engine) as session:
        raw = session.scalar(select(Setting.value).where(Setting.key == DEADLINES_KEY))
    stored = json.loads(raw) if raw else {}
    return {
        int(year): Deadlines(
            int(year),
            *(date.fromisoformat(d[k]) if d.get(k) else None for k in KEYS),
        )
        for year, d in stored.items()
    }


def deadlines_of(engine: Engine, year: int) -> Deadlines:
    """The dates of one year (none set: both None)."""
    return load_deadlines(engine).get(year, Deadlines(year))


def save_deadlines(engine: Engine, raw: Mapping[str, Any], user: str | None = None) -> Deadlines:
    """Store one year's dates (the form's values); each must fall in that year."""
    values = clean_values(FIELDS, raw)
    year = values["year"]
    errors = {
        f.key: f"{f.label}应在{year}年内"
        for f in FIELDS[1:]
        if values[f.key] is not None and values[f.key].year != year
    }
    if errors:
        raise ValidationError(errors)
    with unit_of_work(engine, user) as session:
        row = session.get(Setting, DEADLINES_KEY)
        stored = json.loads(row.value) if row is not None and row.value else {}
        stored[str(year)] = {k: values[k].isoformat() for k in KEYS if values[k] is not None}
        value = json.dumps(dict(sorted(stored.items())))
        if row is None:
            session.add(Setting(key=DEADLINES_KEY, value=value))
        else:
            row.value = value
        audit.record(session, "update", "setting", None, DEADLINES_KEY)
    return Deadlines(year, *(values[k] for k in KEYS))


@dataclass(frozen=True)
class Overdue:
    """What is still missing after a date: the date and the names of the units."""

    due: date
    units: tuple[str, ...]


def roles_overdue(engine: Engine, today: date) -> Overdue | None:
    """Live units and villages without all four people after this year's date, as the unit
    register's 未报齐四员 lists them (None before the date, or with no date set)."""
    due = deadlines_of(engine, today.year).roles_by
    if due is None or today <= due:
        return None
    named = (
        select(func.count(distinct(UnitRole.role)))
        .where(UnitRole.unit_id == Unit.id, UnitRole.deleted_at.is_(None))
        .scalar_subquery()
    )
    with engine.connect() as conn:
        names = conn.scalars(
            select(Unit.name)
            .where(Unit.deleted_at.is_(None), named < ROLE_COUNT)
            .order_by(Unit.sort_order, Unit.id)
        ).all()
    return Overdue(due, tuple(names))


def groups_overdue(engine: Engine, today: date) -> Overdue | None:
    """Live villages without a second-tier publicity group after this year's date."""
    due = deadlines_of(engine, today.year).groups_by
    if due is None or today <= due:
        return None
    built = (
        select(PublicityGroup.id)
        .where(
            PublicityGroup.owner_unit_id == Unit.id,
            PublicityGroup.tier == VILLAGE_GROUP_TIER,
            PublicityGroup.deleted_at.is_(None),
        )
        .exists()
    )
    with engine.connect() as conn:
        names = conn.scalars(
            select(Unit.name)
            .where(Unit.deleted_at.is_(None), Unit.kind == "village", ~built)
            .order_by(Unit.sort_order, Unit.id)
        ).all()
    return Overdue(due, tuple(names))


def named_list(names: tuple[str, ...], limit: int = 3) -> str:
    """`东山村、西山村` or `东山村、西山村、南山村等5个`."""
    shown = "、".join(names[:limit])
    return f"{shown}等{len(names)}个" if len(names) > limit else shown
