"""诈骗类型: the editable list of fraud types (公安部's ten common types are the default rows);
a type that cases use is deactivated, not deleted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from app.core.records import RecordService
from app.core.registers import RegisterColumn, SqlRegister
from app.core.validation import FormField
from db.models import DissuasionCase, FraudType


class FraudTypeRegister(SqlRegister):
    """The editable list of fraud types, with how many cases each has."""

    title = "诈骗类型"
    columns = (
        RegisterColumn("sort_order", "序号", 5, numeric=True),
        RegisterColumn("name", "诈骗类型", 20),
        RegisterColumn("active", "启用", 5),
        RegisterColumn("cases", "案例数", 7, numeric=True),
        RegisterColumn("description", "说明", 50),
    )
    default_sort = "sort_order"

    def select_rows(self) -> Select:
        """Fraud types with their case counts."""
        cases = (
            select(func.count())
            .where(
                DissuasionCase.fraud_type_id == FraudType.id,
                DissuasionCase.deleted_at.is_(None),
            )
            .scalar_subquery()
        )
        return select(
            FraudType.id.label("id"),
            FraudType.sort_order.label("sort_order"),
            FraudType.name.label("name"),
            FraudType.active.label("active"),
            cases.label("cases"),
            FraudType.description.label("description"),
        ).where(FraudType.deleted_at.is_(None))

    def search_columns(self) -> Sequence[ColumnElement]:
        """Name and description."""
        return (FraudType.name, FraudType.description)


class FraudTypeService(RecordService):
    """Adds, renames and deactivates fraud types; one in use is deactivated, not deleted."""

    model = FraudType
    noun = "诈骗类型"
    fields = (
        FormField("name", "诈骗类型", required=True, max_length=64),
        FormField("sort_order", "序号", kind="int", minimum=0, maximum=999),
        FormField("active", "启用（新案例可选）", kind="bool"),
        FormField("description", "说明", kind="multiline", max_length=1000),
    )

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """Names are unique."""
        values["sort_order"] = values["sort_order"] or 0
        clash = session.scalar(
            select(FraudType.id).where(
                FraudType.name == values["name"], FraudType.id != (record_id or 0)
            )
        )
        return {"name": f"已有“{values['name']}”"} if clash else {}

    def check_delete(self, session: Session, obj: FraudType) -> str | None:
        """A type that cases use stays (uncheck 启用 instead)."""
        used = session.scalar(
            select(func.count()).where(
                DissuasionCase.fraud_type_id == obj.id, DissuasionCase.deleted_at.is_(None)
            )
        )
        if used:
            return f"有{used}个案例属于“{obj.name}”，不能删除；不再使用时请取消“启用”。"
        return None
