"""The household register (入户走访 tab, left side)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, select

from app.registers import RegisterColumn, RegisterFilter, SqlRegister
from db.models import Grid, Household, Unit


class HouseholdRegister(SqlRegister):
    """Every live household with its village and grid; ID number and phone masked."""

    title = "住户"
    columns = (
        RegisterColumn("village", "村居", 10),
        RegisterColumn("grid", "网格", 10),
        RegisterColumn("address", "地址", 24),
        RegisterColumn("head_name", "户主", 8),
        RegisterColumn("head_id_number", "身份证号码", 20, personal="id_number"),
        RegisterColumn("phone", "联系电话", 14, personal="phone"),
        RegisterColumn("size", "人数", 5, numeric=True),
        RegisterColumn("tags", "重点人群", 16),
        RegisterColumn("last_visited_on", "最近走访", 11),
    )
    default_sort = "id"

    def select_rows(self) -> Select:
        """Households joined to their village and grid names."""
        return (
            select(
                Household.id.label("id"),
                Unit.name.label("village"),
                Grid.name.label("grid"),
                Household.address.label("address"),
                Household.head_name.label("head_name"),
                Household.head_id_number.label("head_id_number"),
                Household.phone.label("phone"),
                Household.size.label("size"),
                Household.tags.label("tags"),
                Household.last_visited_on.label("last_visited_on"),
            )
            .join(Unit, Household.village_id == Unit.id)
            .outerjoin(Grid, Household.grid_id == Grid.id)
            .where(Household.deleted_at.is_(None))
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """Head of household, address, phone and ID number."""
        return (Household.head_name, Household.address, Household.phone, Household.head_id_number)

    def filters(self) -> Sequence[RegisterFilter]:
        """村居 (the villages that have households)."""
        with self.engine.connect() as conn:
            villages = conn.execute(
                select(Unit.id, Unit.name)
                .where(Unit.kind == "village", Unit.deleted_at.is_(None))
                .order_by(Unit.sort_order, Unit.id)
            ).all()
        return (RegisterFilter("village", "村居", [(v.id, v.name) for v in villages]),)

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """Households of one village."""
        if key == "village":
            return Household.village_id == value
        return None
