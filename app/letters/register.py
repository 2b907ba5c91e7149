"""The register of every letter (告知书, 承诺书) with its addressee, place, status and dates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, and_, func, select
from sqlalchemy.orm import aliased

from app.core.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.core.vocab import LETTER_KINDS, LETTER_STATUSES
from db.models import Employee, Household, Letter, Unit


class LetterRegister(SqlRegister):
    """Every letter with its addressee, village or unit, status and dates."""

    title = "告知书与承诺书"
    columns = (
        RegisterColumn("number", "编号", 20),
        RegisterColumn("kind", "类别", 12),
        RegisterColumn("addressee", "户主/职工", 8),
        RegisterColumn("place", "村居/单位", 12),
        RegisterColumn("address", "地址", 20),
        RegisterColumn("status", "状态", 7),
        RegisterColumn("printed_at", "打印时间", 16),
        RegisterColumn("delivered_on", "送达日期", 11),
        RegisterColumn("signed_on", "签回日期", 11),
        RegisterColumn("signer_name", "签名人", 8),
    )
    default_sort = "id"

    def __init__(self, engine: Engine, today: date | None = None) -> None:
        super().__init__(engine)
        self.today = today

    def select_rows(self) -> Select:
        """Letters with their household (and its village) or employee (and unit)."""
        village, employer = aliased(Unit), aliased(Unit)
        return (
            select(
                Letter.id.label("id"),
                Letter.number.label("number"),
                case_label(Letter.kind, LETTER_KINDS).label("kind"),
                func.coalesce(Household.head_name, Employee.name).label("addressee"),
                func.coalesce(village.name, employer.name).label("place"),
                Household.address.label("address"),
                case_label(Letter.status, LETTER_STATUSES).label("status"),
                Letter.printed_at.label("printed_at"),
                Letter.delivered_on.label("delivered_on"),
                Letter.signed_on.label("signed_on"),
                Letter.signer_name.label("signer_name"),
            )
            .outerjoin(Household, Household.id == Letter.household_id)
            .outerjoin(village, village.id == Household.village_id)
            .outerjoin(Employee, Employee.id == Letter.employee_id)
            .outerjoin(employer, employer.id == Employee.unit_id)
            .where(Letter.deleted_at.is_(None))
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """Number, head of household or employee, address."""
        return (Letter.number, Household.head_name, Employee.name, Household.address)

    def filters(self) -> Sequence[RegisterFilter]:
        """类别, 状态 (and 打印超过30天未签回), 村居."""
        with self.engine.connect() as conn:
            villages = conn.execute(
                select(Unit.id, Unit.name)
                .where(Unit.kind == "village", Unit.deleted_at.is_(None))
                .order_by(Unit.sort_order, Unit.id)
            ).all()
        statuses = [*LETTER_STATUSES.items(), ("unsigned_30_days", "打印超过30天未签回")]
        return (
            RegisterFilter("kind", "类别", list(LETTER_KINDS.items())),
            RegisterFilter("status", "状态", statuses),
            RegisterFilter("village", "村居", [(v.id, v.name) for v in villages]),
        )

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The kind, status and village filters."""
        if key == "kind":
            return Letter.kind == value
        if key == "status" and value == "unsigned_30_days":
            cutoff = datetime.combine(
                (self.today or date.today()) - timedelta(days=30), datetime.min.time()
            )
            return and_(
                Letter.kind != "notice", Letter.status.in_(("printed", "delivered")),
                Letter.printed_at < cutoff,
            )  # fmt: skip
        if key == "status":
            return Letter.status == value
        if key == "village":
            return Household.village_id == value
        return None
