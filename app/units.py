"""Member units (成员单位): the register, the form and the rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from app.records import RecordService
from app.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.validation import FormField
from app.vocab import UNIT_KINDS, UNIT_ROLES
from db.models import Grid, Household, Unit, UnitRole

UNIT_FIELDS = (
    FormField("name", "单位名称", required=True, max_length=128),
    FormField("short_name", "简称", max_length=32),
    FormField("kind", "类别", kind="choice", required=True, choices=list(UNIT_KINDS.items())),
    FormField("address", "地址", max_length=200),
    FormField("phone", "联系电话", kind="phone"),
    FormField("duties", "职责分工", kind="multiline", max_length=4000),
    FormField("notes", "备注", kind="multiline", max_length=2000),
)

ROLE_COUNT = len(UNIT_ROLES)


def _roles_named() -> ColumnElement:
    """How many of the four roles a unit has named (a lecturer counts once)."""
    return (
        select(func.count(func.distinct(UnitRole.role)))
        .where(UnitRole.unit_id == Unit.id, UnitRole.deleted_at.is_(None))
        .scalar_subquery()
    )


class UnitRegister(SqlRegister):
    """The 成员单位 list: every live unit, with whether its four people are named."""

    title = "成员单位"
    columns = (
        RegisterColumn("name", "单位名称", 24),
        RegisterColumn("kind", "类别", 8),
        RegisterColumn("address", "地址", 24),
        RegisterColumn("phone", "联系电话", 14),
        RegisterColumn("roles_named", "四员", 6, numeric=True),
        RegisterColumn("duties", "职责分工", 40),
    )
    default_sort = "sort_order"

    def select_rows(self) -> Select:
        """Units with their four-role count; `sort_order` is kept for the default order."""
        roles = _roles_named()
        return select(
            Unit.id.label("id"),
            Unit.name.label("name"),
            case_label(Unit.kind, UNIT_KINDS).label("kind"),
            Unit.address.label("address"),
            Unit.phone.label("phone"),
            roles.label("roles_named"),
            Unit.duties.label("duties"),
            Unit.sort_order.label("sort_order"),
        ).where(Unit.deleted_at.is_(None))

    def search_columns(self) -> Sequence[ColumnElement]:
        """Name, short name, address and duties are searched."""
        return (Unit.name, Unit.short_name, Unit.address, Unit.duties)

    def filters(self) -> Sequence[RegisterFilter]:
        """类别 and whether the four people are all named."""
        return (
            RegisterFilter("kind", "类别", list(UNIT_KINDS.items())),
            RegisterFilter(
                "roles", "四员", [("complete", "四员齐全"), ("incomplete", "未报齐四员")]
            ),
        )

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The WHERE clause of the kind and four-roles filters."""
        if key == "kind":
            return Unit.kind == value
        if key == "roles":
            roles = _roles_named()
            return roles >= ROLE_COUNT if value == "complete" else roles < ROLE_COUNT
        return None


class UnitService(RecordService):
    """Adds, edits and deletes member units."""

    model = Unit
    fields = UNIT_FIELDS
    noun = "成员单位"

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """A unit's name is unique among live units."""
        clash = session.scalar(
            select(Unit.id).where(
                Unit.name == values["name"], Unit.deleted_at.is_(None), Unit.id != (record_id or 0)
            )
        )
        return {"name": f"已有名为“{values['name']}”的成员单位"} if clash else {}

    def check_delete(self, session: Session, obj: Unit) -> str | None:
        """A village that still has grids or households cannot be deleted."""
        grids = session.scalar(
            select(func.count()).where(Grid.village_id == obj.id, Grid.deleted_at.is_(None))
        )
        households = session.scalar(
            select(func.count()).where(
                Household.village_id == obj.id, Household.deleted_at.is_(None)
            )
        )
        if grids or households:
            return (
                f"“{obj.name}”下还有{grids}个网格、{households}户住户，"
                "请先将它们移到其他村居后再删除。"
            )
        return None
