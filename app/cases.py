"""劝阻案例: dissuasion cases, the people who dissuaded, and the editable list of fraud types."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, func, select
from sqlalchemy.orm import Session

from app import audit
from app.records import RecordService
from app.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.validation import FormField, ValidationError
from app.vocab import ALERT_SOURCES, CASE_OUTCOMES
from db.base import utcnow
from db.engine import unit_of_work
from db.models import CaseDissuader, DissuasionCase, FraudType, Person, Unit

GENDERS = [("男", "男"), ("女", "女")]
# outcomes a dissuader can be rewarded for (一事一奖、一案一奖)
REWARDABLE = ("success", "partial")


def fraud_type_choices(engine: Engine, active_only: bool = True) -> list[tuple[int, str]]:
    """Fraud types as (id, name) in their list order."""
    with unit_of_work(engine) as session:
        stmt = select(FraudType.id, FraudType.name).where(FraudType.deleted_at.is_(None))
        if active_only:
            stmt = stmt.where(FraudType.active.is_(True))
        rows = session.execute(stmt.order_by(FraudType.sort_order, FraudType.id)).all()
    return [(r.id, r.name) for r in rows]


def village_choices(engine: Engine) -> list[tuple[int, str]]:
    """Live villages as (id, name)."""
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(Unit.id, Unit.name)
            .where(Unit.kind == "village", Unit.deleted_at.is_(None))
            .order_by(Unit.sort_order, Unit.id)
        ).all()
    return [(r.id, r.name) for r in rows]


def yuan_column(column: ColumnElement) -> ColumnElement:
    """A fen column shown in yuan (display only; exports and figures use the fen)."""
    return column / 100.0


class CaseRegister(SqlRegister):
    """Every live dissuasion case; the person's ID number and phone masked."""

    title = "劝阻案例"
    columns = (
        RegisterColumn("occurred_at", "时间", 16),
        RegisterColumn("village", "村居", 10),
        RegisterColumn("person_name", "当事人", 8),
        RegisterColumn("person_phone", "电话", 13, personal="phone"),
        RegisterColumn("fraud_type", "诈骗类型", 14),
        RegisterColumn("alert_source", "线索来源", 10),
        RegisterColumn("outcome", "结果", 10),
        RegisterColumn("at_risk", "涉案金额（元）", 12, numeric=True),
        RegisterColumn("saved", "止损（元）", 12, numeric=True),
        RegisterColumn("lost", "损失（元）", 10, numeric=True),
        RegisterColumn("typical", "典型", 5),
    )
    default_sort = "occurred_at"

    def select_rows(self) -> Select:
        """Cases joined to their village and fraud type."""
        return (
            select(
                DissuasionCase.id.label("id"),
                DissuasionCase.occurred_at.label("occurred_at"),
                Unit.name.label("village"),
                DissuasionCase.person_name.label("person_name"),
                DissuasionCase.person_phone.label("person_phone"),
                FraudType.name.label("fraud_type"),
                case_label(DissuasionCase.alert_source, ALERT_SOURCES).label("alert_source"),
                case_label(DissuasionCase.outcome, CASE_OUTCOMES).label("outcome"),
                yuan_column(DissuasionCase.amount_at_risk_fen).label("at_risk"),
                yuan_column(DissuasionCase.amount_saved_fen).label("saved"),
                yuan_column(DissuasionCase.amount_lost_fen).label("lost"),
                DissuasionCase.is_typical.label("typical"),
            )
            .join(FraudType, FraudType.id == DissuasionCase.fraud_type_id)
            .outerjoin(Unit, Unit.id == DissuasionCase.village_id)
            .where(DissuasionCase.deleted_at.is_(None))
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """Person, village, contact channel and narrative."""
        return (
            DissuasionCase.person_name, Unit.name, DissuasionCase.contact_channel,
            DissuasionCase.narrative,
        )  # fmt: skip

    def filters(self) -> Sequence[RegisterFilter]:
        """结果, 线索来源, 诈骗类型, 村居, 典型案例, 年份."""
        with self.engine.connect() as conn:
            years = conn.scalars(
                select(func.strftime("%Y", DissuasionCase.occurred_at))
                .where(DissuasionCase.deleted_at.is_(None))
                .distinct()
                .order_by(func.strftime("%Y", DissuasionCase.occurred_at).desc())
            ).all()
        return (
            RegisterFilter("outcome", "结果", list(CASE_OUTCOMES.items())),
            RegisterFilter("alert_source", "线索来源", list(ALERT_SOURCES.items())),
            RegisterFilter("fraud_type", "诈骗类型", fraud_type_choices(self.engine, False)),
            RegisterFilter("village", "村居", village_choices(self.engine)),
            RegisterFilter("typical", "典型案例", [(True, "典型案例")]),
            RegisterFilter("year", "年份", [(y, f"{y}年") for y in years if y]),
        )

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The WHERE clause of each filter."""
        clauses = {
            "outcome": lambda: DissuasionCase.outcome == value,
            "alert_source": lambda: DissuasionCase.alert_source == value,
            "fraud_type": lambda: DissuasionCase.fraud_type_id == value,
            "village": lambda: DissuasionCase.village_id == value,
            "typical": lambda: DissuasionCase.is_typical.is_(True),
            "year": lambda: func.strftime("%Y", DissuasionCase.occurred_at) == value,
        }
        return clauses[key]() if key in clauses else None


class CaseService(RecordService):
    """Adds, edits and deletes cases; the amounts must add up and the dates be past."""

    model = DissuasionCase
    noun = "劝阻案例"

    def __init__(self, engine: Engine, user: str | None = None) -> None:
        super().__init__(engine, user)
        self.fields = (
            FormField("occurred_at", "时间", kind="datetime", required=True),
            FormField("alert_source", "线索来源", kind="choice", required=True,
                      choices=list(ALERT_SOURCES.items())),
            FormField("person_name", "当事人", required=True, max_length=64),
            FormField("person_gender", "性别", kind="choice", choices=GENDERS),
            FormField("person_age", "年龄", kind="int", minimum=0, maximum=120),
            FormField("person_id_number", "身份证号码", kind="id_number"),
            FormField("person_phone", "联系电话", kind="phone"),
            FormField("village_id", "村居", kind="choice", choices=lambda: village_choices(engine)),
            FormField("fraud_type_id", "诈骗类型", kind="choice", required=True,
                      choices=lambda: fraud_type_choices(engine)),
            FormField("contact_channel", "接触渠道", max_length=64,
                      placeholder="如：微信、QQ、电话"),
            FormField("amount_at_risk_fen", "涉案金额（元）", kind="money", minimum=0),
            FormField("amount_saved_fen", "止损金额（元）", kind="money", minimum=0),
            FormField("amount_lost_fen", "损失金额（元）", kind="money", minimum=0),
            FormField("was_warned", "已预警（96110或资金端预警）", kind="bool"),
            FormField("outcome", "劝阻结果", kind="choice", required=True,
                      choices=list(CASE_OUTCOMES.items())),
            FormField("narrative", "经过", kind="multiline", max_length=8000),
            FormField("is_typical", "列为典型案例", kind="bool"),
        )  # fmt: skip

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """Amounts add up, the outcome fits them, and the case is not in the future."""
        errors = {}
        for key in ("amount_at_risk_fen", "amount_saved_fen", "amount_lost_fen"):
            values[key] = values[key] or 0
        at_risk, saved, lost = (
            values["amount_at_risk_fen"],
            values["amount_saved_fen"],
            values["amount_lost_fen"],
        )
        if values["occurred_at"] > datetime.now():
            errors["occurred_at"] = "案例时间不能晚于现在"
        if saved > at_risk:
            errors["amount_saved_fen"] = "止损金额不能大于涉案金额"
        elif saved + lost > at_risk:
            errors["amount_lost_fen"] = "止损金额与损失金额之和不能大于涉案金额"
        outcome = values["outcome"]
        if outcome == "success" and lost:
            errors["outcome"] = "有损失的不能算“成功劝阻”，请选“部分止损”"
        if outcome == "transferred_after_warning" and not values["was_warned"]:
            errors["was_warned"] = "“预警后仍转账”须为已预警的案例"
        return errors

    def after_delete(self, session: Session, obj: DissuasionCase) -> None:
        """The case's dissuaders go with it."""
        for row in session.scalars(
            select(CaseDissuader).where(
                CaseDissuader.case_id == obj.id, CaseDissuader.deleted_at.is_(None)
            )
        ):
            row.deleted_at = obj.deleted_at

    def title_of(self, obj: DissuasionCase) -> str:
        """The case's date and fraud type (not the person's name: it is personal data)."""
        return f"{obj.occurred_at:%Y-%m-%d %H:%M} 的案例"


def dissuaders(engine: Engine, case_id: int) -> list[tuple[int, int, str, str]]:
    """(dissuader row id, person id, name, role) of a case."""
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(CaseDissuader.id, Person.id, Person.name, CaseDissuader.role)
            .join(Person, Person.id == CaseDissuader.person_id)
            .where(CaseDissuader.case_id == case_id, CaseDissuader.deleted_at.is_(None))
            .order_by(CaseDissuader.id)
        ).all()
    return [(r[0], r[1], r[2], r[3] or "") for r in rows]


def add_dissuader(
    engine: Engine, case_id: int, person_id: int, role: str = "", user: str | None = None
) -> int:
    """Add a person who dissuaded (once per case)."""
    with unit_of_work(engine, user) as session:
        case_row = session.get(DissuasionCase, case_id)
        person = session.get(Person, person_id)
        if case_row is None or case_row.deleted_at is not None:
            raise ValidationError({"": "案例不存在或已被删除"})
        if person is None or person.deleted_at is not None:
            raise ValidationError({"person_id": "请选择参与劝阻的人员"})
        twice = session.scalar(
            select(CaseDissuader.id).where(
                CaseDissuader.case_id == case_id, CaseDissuader.person_id == person_id,
                CaseDissuader.deleted_at.is_(None),
            )
        )  # fmt: skip
        if twice:
            raise ValidationError({"person_id": f"{person.name}已在参与劝阻人员中"})
        row = CaseDissuader(case_id=case_id, person_id=person_id, role=role.strip() or None)
        session.add(row)
        session.flush()
        audit.record(session, "create", "case_dissuader", row.uuid)
        return row.id


def remove_dissuader(engine: Engine, dissuader_id: int, user: str | None = None) -> None:
    """Take a person off a case's dissuaders."""
    with unit_of_work(engine, user) as session:
        row = session.get(CaseDissuader, dissuader_id)
        if row is None or row.deleted_at is not None:
            raise ValidationError({"": "该人员不在参与劝阻人员中"})
        row.deleted_at = utcnow()
        audit.record(session, "delete", "case_dissuader", row.uuid)


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
