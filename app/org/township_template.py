"""Setting up a township from a plan's template: its member units, their duties, its villages.

A plan such as seed 004 lists the member units of the joint meeting (平安办、党群办、派出所、
经发办…各村居) with each one's 职责分工. The template in resources/township/ holds that list with
`{乡镇}` where the township's name goes; setting up adds every unit the database does not have
yet (by name), each village with the plan's village duties, and the leading group's name and
office if there is none. Everything stays editable afterwards, like any typed-in unit.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, func, select

from app.core import audit
from app.core.paths import resources_dir
from app.core.validation import ValidationError
from db.engine import unit_of_work
from db.models import LeadingGroup, Unit

PLACEHOLDER = "{乡镇}"
DEFAULT_TEMPLATE = "seed-004"


@dataclass(frozen=True)
class TemplateUnit:
    """A unit of a template, its name still holding `{乡镇}`."""

    name: str
    short_name: str
    kind: str
    duties: str


@dataclass(frozen=True)
class TownshipTemplate:
    """A plan's list of member units and duties."""

    key: str
    title: str
    source: str
    units: tuple[TemplateUnit, ...]
    village_duties: str
    group_name: str
    office_location: str


def template_dir() -> Path:
    """The folder of the bundled township templates."""
    return resources_dir() / "township"


def load_template(key: str = DEFAULT_TEMPLATE) -> TownshipTemplate:
    """A bundled template by its key (its file name without `.json`)."""
    path = template_dir() / f"{key}.json"
    if not path.is_file():
        raise ValidationError({"": f"没有名为“{key}”的乡镇模板"})
    data = json.loads(path.read_text(encoding="utf-8"))
    group = data.get("leading_group", {})
    return TownshipTemplate(
        key=data["key"],
        title=data["title"],
        source=data.get("source", ""),
        units=tuple(TemplateUnit(**u) for u in data["units"]),
        village_duties=data.get("village_duties", ""),
        group_name=group.get("name", ""),
        office_location=group.get("office_location", ""),
    )


def available_templates() -> list[TownshipTemplate]:
    """Every bundled template, by key."""
    return [load_template(p.stem) for p in sorted(template_dir().glob("*.json"))]


def clean_villages(text: str | Sequence[str]) -> list[str]:
    """Village names typed one per line (or separated by 、，,；), blanks and repeats dropped."""
    if isinstance(text, str):
        for separator in "，、,；;":
            text = text.replace(separator, "\n")
        parts: Sequence[str] = text.splitlines()
    else:
        parts = text
    names: list[str] = []
    for part in parts:
        name = part.strip()
        if name and name not in names:
            names.append(name)
    return names


@dataclass
class TownshipPlan:
    """What setting up would add, and what the database already has (left as it is)."""

    township: str
    units: list[TemplateUnit] = field(default_factory=list)
    villages: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    group_name: str | None = None

    @property
    def count(self) -> int:
        """How many units and villages would be added."""
        return len(self.units) + len(self.villages)

    def describe(self) -> str:
        """The plan in a clerk's words."""
        lines = [f"将新增{len(self.units)}个成员单位、{len(self.villages)}个村居。"]
        if self.existing:
            shown = "、".join(self.existing[:8]) + ("等" if len(self.existing) > 8 else "")
            lines.append(f"已有的{len(self.existing)}个单位保持不变：{shown}。")
        if self.group_name:
            lines.append(f"并建立“{self.group_name}”（成员在“组织架构”页添加）。")
        return "\n".join(lines)


def _township_name(township: str) -> str:
    name = township.strip()
    if not name:
        raise ValidationError({"township": "请填写乡镇（街道）名称"})
    if len(name) > 32:
        raise ValidationError({"township": "乡镇（街道）名称不能超过32个字"})
    return name


def _fill(text: str, township: str) -> str:
    return text.replace(PLACEHOLDER, township)


def plan_township(
    engine: Engine, template: TownshipTemplate, township: str, villages: Sequence[str] = ()
) -> TownshipPlan:
    """What `apply_township` would add; writes nothing."""
    township = _township_name(township)
    for name in villages:
        if len(name) > 128:
            raise ValidationError({"villages": f"村居名称“{name[:20]}…”太长"})
    with unit_of_work(engine) as session:
        known = set(session.scalars(select(Unit.name).where(Unit.deleted_at.is_(None))))
        has_group = session.scalar(
            select(func.count()).select_from(LeadingGroup).where(LeadingGroup.deleted_at.is_(None))
        )
    plan = TownshipPlan(township)
    for unit in template.units:
        name = _fill(unit.name, township)
        if name in known:
            plan.existing.append(name)
        else:
            plan.units.append(
                TemplateUnit(name, unit.short_name, unit.kind, _fill(unit.duties, township))
            )
            known.add(name)
    for name in villages:
        if name in known:
            plan.existing.append(name)
        else:
            plan.villages.append(name)
            known.add(name)
    if not has_group and template.group_name:
        plan.group_name = _fill(template.group_name, township)
    return plan


def apply_township(
    engine: Engine,
    template: TownshipTemplate,
    township: str,
    villages: Sequence[str] = (),
    user: str | None = None,
) -> TownshipPlan:
    """Add the template's units, the villages and the leading group in one transaction."""
    plan = plan_township(engine, template, township, villages)
    with unit_of_work(engine, user) as session:
        order = session.scalar(select(func.max(Unit.sort_order))) or 0
        added: list[Unit] = []
        for unit in plan.units:
            order += 1
            added.append(
                Unit(
                    name=unit.name,
                    short_name=unit.short_name,
                    kind=unit.kind,
                    duties=unit.duties,
                    sort_order=order,
                )
            )
        for name in plan.villages:
            # villages after the units, as the plans list them (各村居 last)
            order += 1
            added.append(
                Unit(
                    name=name,
                    short_name=name,
                    kind="village",
                    duties=_fill(template.village_duties, plan.township),
                    sort_order=order,
                )
            )
        session.add_all(added)
        if plan.group_name:
            group = LeadingGroup(
                name=plan.group_name,
                office_location=_fill(template.office_location, plan.township) or None,
            )
            session.add(group)
        session.flush()
        for unit in added:
            audit.record(session, "create", "unit", unit.uuid, f"template:{template.key}")
        if plan.group_name:
            audit.record(session, "create", "leading_group", group.uuid, f"template:{template.key}")
    return plan
