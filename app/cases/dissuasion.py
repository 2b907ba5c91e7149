"""劝阻案例: dissuasion cases, the people who dissuaded, and the editable list of fraud types."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Engine, Integer, Select, func, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from app.cases.attachments import OWNER_TABLE, retire_attachments
from app.cases.people import resident_by_id_number
from app.core.records import RecordService
from app.core.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.core.validation import FormField, fen_to_yuan
from app.core.vocab import ALERT_SOURCES, CASE_OUTCOMES
from db.engine import unit_of_work
from db.models import (
    Attachment,
    Award,
    CaseDissuader,
    DissuasionCase,
    FraudType,
    Person,
    Resident,
    Unit,
)

GENDERS = [("男", "男"), ("女", "女")]
# outcomes a dissuader can be rewarded for (一事一奖、一案一奖)
REWARDABLE = ("success", "partial")
# a 96110 call or a fund-side alert is itself the warning (预警)
WARNING_SOURCES = ("alert_96110", "fund_side")


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


class FenAsYuan(TypeDecorator):
    """Integer fen read back as Decimal yuan with 2 places (sorting stays on the integer)."""

    impl = Integer
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        """12345 → Decimal("123.45")."""
        return fen_to_yuan(value)


def yuan_column(column: ColumnElement) -> ColumnElement:
    """A fen column shown and exported as exact yuan (Decimal, 2 places), never a float."""
    return type_coerce(column, FenAsYuan())


class CaseRegister(SqlRegister):
    """Every live dissuasion case; the person's ID number and phone masked."""

    title = "劝阻案例"
    columns = (
        RegisterColumn("number", "编号", 6, numeric=True),
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
        RegisterColumn("dissuaders", "劝阻人员", 16, sortable=False),
        RegisterColumn("attachments", "附件", 5, numeric=True),
        RegisterColumn("typical", "典型", 5),
    )
    default_sort = "occurred_at"

    def select_rows(self) -> Select:
        """Cases joined to their village and fraud type, with dissuaders and attachments."""
        return (
            select(
                DissuasionCase.id.label("id"),
                DissuasionCase.id.label("number"),
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
                _dissuader_names().label("dissuaders"),
                _attachment_count().label("attachments"),
                DissuasionCase.is_typical.label("typical"),
            )
            .join(FraudType, FraudType.id == DissuasionCase.fraud_type_id)
            .outerjoin(Unit, Unit.id == DissuasionCase.village_id)
            .where(DissuasionCase.deleted_at.is_(None))
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """Person, village, contact channel, narrative and the dissuaders' names."""
        return (
            DissuasionCase.person_name, Unit.name, DissuasionCase.contact_channel,
            DissuasionCase.narrative, _dissuader_names(),
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
            RegisterFilter("warned", "预警", [(True, "已预警"), (False, "未预警")]),
            RegisterFilter("typical", "典型案例", [(True, "典型案例")]),
            RegisterFilter("awaiting_award", "奖励", [(True, "待提出奖励")]),
            RegisterFilter("year", "年份", [(y, f"{y}年") for y in years if y]),
        )

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The WHERE clause of each filter."""
        clauses = {
            "outcome": lambda: DissuasionCase.outcome == value,
            "alert_source": lambda: DissuasionCase.alert_source == value,
            "fraud_type": lambda: DissuasionCase.fraud_type_id == value,
            "village": lambda: DissuasionCase.village_id == value,
            "warned": lambda: DissuasionCase.was_warned.is_(bool(value)),
            "typical": lambda: DissuasionCase.is_typical.is_(True),
            "awaiting_award": awaiting_award_clause,
            "year": lambda: func.strftime("%Y", DissuasionCase.occurred_at) == value,
        }
        return clauses[key]() if key in clauses else None


def _dissuader_names() -> ColumnElement:
    """The names of a case's dissuaders, 王某、李某 (a subquery per listed row)."""
    return (
        select(func.group_concat(Person.name, "、"))
        .join(CaseDissuader, CaseDissuader.person_id == Person.id)
        .where(CaseDissuader.case_id == DissuasionCase.id, CaseDissuader.deleted_at.is_(None))
        .correlate(DissuasionCase)
        .scalar_subquery()
    )


def _attachment_count() -> ColumnElement:
    return (
        select(func.count())
        .where(
            Attachment.owner_table == OWNER_TABLE, Attachment.owner_uuid == DissuasionCase.uuid,
            Attachment.deleted_at.is_(None),
        )
        .correlate(DissuasionCase)
        .scalar_subquery()
    )  # fmt: skip


def awaiting_award_clause() -> ColumnElement:
    """SQL true for a rewardable case with a dissuader who has no award for it (待提出奖励)."""
    awarded = (
        select(Award.id)
        .where(
            Award.case_id == CaseDissuader.case_id,
            Award.recipient_person_id == CaseDissuader.person_id,
            Award.deleted_at.is_(None),
        )
        .exists()
    )
    waiting = (
        select(CaseDissuader.id)
        .where(
            CaseDissuader.case_id == DissuasionCase.id, CaseDissuader.deleted_at.is_(None), ~awarded
        )
        .correlate(DissuasionCase)
        .exists()
    )
    return DissuasionCase.outcome.in_(REWARDABLE) & waiting


def _live_awards(session: Session, case_id: int) -> int:
    return session.scalar(
        select(func.count()).where(Award.case_id == case_id, Award.deleted_at.is_(None))
    )


class CaseService(RecordService):
    """Adds, edits and deletes cases; the amounts must add up and the dates be past.

    The person is a resident of the register (`resident_id`, set by the form's picker) or
    typed in; a typed person whose name and ID number match one resident is linked to them,
    so the 预警后再转账率 counts them once.
    """

    model = DissuasionCase
    noun = "劝阻案例"

    def __init__(self, engine: Engine, user: str | None = None) -> None:
        super().__init__(engine, user)
        self.fields = (
            FormField("occurred_at", "时间", kind="datetime", required=True),
            FormField("alert_source", "线索来源", kind="choice", required=True,
                      choices=list(ALERT_SOURCES.items())),
            FormField("resident_id", "住户名册中的居民", kind="int", minimum=1,
                      help="从住户名册选择；名册中没有的人，直接填写下面的姓名等"),
            FormField("person_name", "当事人", required=True, max_length=64),
            FormField("person_gender", "性别", kind="choice", choices=GENDERS),
            FormField("person_age", "年龄", kind="int", minimum=0, maximum=120),
            FormField("person_id_number", "身份证号码", kind="id_number"),
            FormField("person_phone", "联系电话", kind="phone"),
            FormField("village_id", "村居", kind="choice", choices=lambda: village_choices(engine)),
            FormField("fraud_type_id", "诈骗类型", kind="choice", required=True,
                      choices=lambda: fraud_type_choices(engine)),
            FormField("contact_channel", "接触渠道", max_length=64,
                      placeholder="如：微信、QQ、电话、短信链接"),
            FormField("amount_at_risk_fen", "涉案金额（元）", kind="money", minimum=0),
            FormField("amount_saved_fen", "止损金额（元）", kind="money", minimum=0),
            FormField("amount_lost_fen", "损失金额（元）", kind="money", minimum=0),
            FormField("was_warned", "已预警", kind="bool",
                      help="本人接到过96110或资金端预警（预警后再转账率的分母）；"
                           "线索来源为96110预警、资金端预警的自动视为已预警"),
            FormField("outcome", "劝阻结果", kind="choice", required=True,
                      choices=list(CASE_OUTCOMES.items())),
            FormField("narrative", "经过", kind="multiline", max_length=8000,
                      placeholder="如何发现、如何劝阻、结果如何"),
            FormField("is_typical", "列为典型案例", kind="bool"),
        )  # fmt: skip

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """Amounts add up, the outcome fits them, the case is not in the future, the linked
        resident is the person named, and a case with awards stays rewardable."""
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
        if values["alert_source"] in WARNING_SOURCES:
            values["was_warned"] = True
        outcome = values["outcome"]
        if outcome == "success" and lost:
            errors["outcome"] = "有损失的不能算“成功劝阻”，请选“部分止损”"
        elif outcome == "success" and at_risk and not saved:
            errors["amount_saved_fen"] = "成功劝阻的案例请填写止损金额"
        elif outcome in ("failed", "transferred_after_warning") and saved == at_risk and at_risk:
            errors["outcome"] = "全部止损的案例请选“成功劝阻”"
        if outcome == "transferred_after_warning" and not values["was_warned"]:
            errors["was_warned"] = "“预警后仍转账”须为已预警的案例"
        errors.update(self._check_resident(session, values))
        if record_id is not None and outcome not in REWARDABLE:
            awards = _live_awards(session, record_id)
            if awards:
                errors["outcome"] = (
                    f"本案已有{awards}笔奖励，只能是“成功劝阻”或“部分止损”；请先删除奖励"
                )
        return errors

    def _check_resident(self, session: Session, values: dict[str, Any]) -> dict:
        resident_id = values["resident_id"]
        if resident_id is None:
            found = resident_by_id_number(session, values["person_id_number"])
            if found is not None:
                name = session.scalar(select(Resident.name).where(Resident.id == found))
                # the same number under another name is a typo somewhere: do not guess
                values["resident_id"] = found if name == values["person_name"] else None
            return {}
        resident = session.get(Resident, resident_id)
        if resident is None or resident.deleted_at is not None:
            return {"resident_id": "住户名册中没有这位居民（可能已被删除），请重新选择或清除"}
        if resident.name != values["person_name"]:
            return {
                "person_name": f"当事人与所选名册居民“{resident.name}”不一致；"
                "如是另一人，请清除名册关联后填写"
            }
        return {}

    def check_delete(self, session: Session, obj: DissuasionCase) -> str | None:
        """A case with awards stays until its awards are deleted."""
        awards = _live_awards(session, obj.id)
        return f"本案有{awards}笔奖励，不能删除；请先删除这些奖励" if awards else None

    def after_delete(self, session: Session, obj: DissuasionCase) -> None:
        """The case's dissuaders and attachments go with it."""
        for row in session.scalars(
            select(CaseDissuader).where(
                CaseDissuader.case_id == obj.id, CaseDissuader.deleted_at.is_(None)
            )
        ):
            row.deleted_at = obj.deleted_at
        retire_attachments(session, obj)

    def title_of(self, obj: DissuasionCase) -> str:
        """The case's number and date (not the person's name: it is personal data)."""
        return f"第{obj.id}号（{obj.occurred_at:%Y-%m-%d %H:%M}）案例"
