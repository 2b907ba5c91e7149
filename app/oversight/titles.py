"""无诈社区/单位/校园/楼宇: the criteria checklist, the evidence and the status of each title.

The plans (seed 004) ask villages, units, schools and buildings to earn these titles but do not
list criteria; the defaults below are written from what the plans require of them (four named
people, visits and letters, quarterly meetings, two campaigns a year, the three-tier groups,
cases falling). A title can only be awarded when every criterion of its kind is met.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, func, select

from app.core import audit
from app.core.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.core.validation import ValidationError
from app.core.vocab import TITLE_KINDS, TITLE_STATUSES
from db.base import utcnow
from db.engine import unit_of_work
from db.models import FraudFreeTitle, Unit

_COMMON = (
    "已报送第一责任人、具体责任人、联络员、宣讲员（四员）名单",
    "每季度召开反诈工作例会，并按时报送宣传工作情况",
    "全年组织2次以上反诈集中宣传活动",
)
CRITERIA: dict[str, tuple[str, ...]] = {
    "community": (
        *_COMMON,
        "网格员、民警入户走访覆盖全部住户，告知书逐户送达",
        "承诺书签订率达到90%以上，国家反诈中心APP应装尽装",
        "建立村（居）、网格、楼栋三级反诈宣传微信群，并有推送员、监督员",
        "电信网络诈骗发案数、案损同比“双降”",
    ),
    "unit": (
        *_COMMON,
        "全体职工签订防范电信网络诈骗承诺书",
        "全体职工安装国家反诈中心APP",
        "本单位职工全年未发生电信网络诈骗被骗案件",
    ),
    "campus": (
        *_COMMON,
        "确定一名分管校领导负责本校防范电诈工作",
        "开学第一课、新生报到、主题班会开展反诈教育",
        "开展“小手牵大手”活动，带动家长防骗",
        "师生全年未发生电信网络诈骗被骗案件",
    ),
    "building": (
        *_COMMON,
        "楼宇内企业、商户全部张贴反诈宣传海报或设置宣传屏",
        "物业建立楼宇反诈宣传群并定期推送",
        "楼宇内全年未发生电信网络诈骗被骗案件",
    ),
}


@dataclass(frozen=True)
class TitleRecord:
    """A title as the form edits it: criteria as (text, met) pairs in checklist order."""

    id: int | None
    unit_id: int | None
    title_kind: str
    year: int
    criteria: tuple[tuple[str, bool], ...]
    evidence: str
    status: str
    awarded_on: date | None

    @property
    def unmet(self) -> list[str]:
        """The criteria not yet met."""
        return [text for text, met in self.criteria if not met]


def blank_title(kind: str = "community", year: int | None = None) -> TitleRecord:
    """A new title of `kind` with its default checklist, none met."""
    return TitleRecord(
        None, None, kind, year or date.today().year,
        tuple((c, False) for c in CRITERIA[kind]), "", "applying", None,
    )  # fmt: skip


def load_title(engine: Engine, title_id: int) -> TitleRecord:
    """A stored title; criteria not in the stored checklist come last, unmet."""
    with unit_of_work(engine) as session:
        obj = session.get(FraudFreeTitle, title_id)
        if obj is None or obj.deleted_at is not None:
            raise ValidationError({"": "该创建记录不存在或已被删除"})
        stored: dict[str, bool] = json.loads(obj.criteria or "{}")
        criteria = [(text, bool(met)) for text, met in stored.items()]
        criteria += [(c, False) for c in CRITERIA.get(obj.title_kind, ()) if c not in stored]
        return TitleRecord(
            obj.id, obj.unit_id, obj.title_kind, obj.year, tuple(criteria),
            obj.evidence or "", obj.status, obj.awarded_on,
        )  # fmt: skip


def save_title(engine: Engine, record: TitleRecord, user: str | None = None) -> int:
    """Validate and store a title (new when `record.id` is None); returns its id."""
    errors = {}
    if record.unit_id is None:
        errors["unit_id"] = "请选择创建单位（村居或单位）"
    if record.title_kind not in TITLE_KINDS:
        errors["title_kind"] = "请选择创建类别"
    if record.status not in TITLE_STATUSES:
        errors["status"] = "请选择状态"
    if not 2000 <= record.year <= date.today().year + 1:
        errors["year"] = "年度不正确"
    if record.status == "awarded":
        if record.unmet:
            errors["criteria"] = "还有标准未达到，不能命名：" + "；".join(record.unmet)
        if record.awarded_on is None:
            errors["awarded_on"] = "已命名的请填写命名日期"
        elif record.awarded_on > date.today():
            errors["awarded_on"] = "命名日期不能晚于今天"
    if errors:
        raise ValidationError(errors)
    values: dict[str, Any] = {
        "unit_id": record.unit_id,
        "title_kind": record.title_kind,
        "year": record.year,
        "criteria": json.dumps(dict(record.criteria), ensure_ascii=False),
        "evidence": record.evidence or None,
        "status": record.status,
        "awarded_on": record.awarded_on if record.status != "applying" else None,
    }
    with unit_of_work(engine, user) as session:
        clash = session.scalar(
            select(FraudFreeTitle.id).where(
                FraudFreeTitle.unit_id == record.unit_id,
                FraudFreeTitle.title_kind == record.title_kind,
                FraudFreeTitle.year == record.year,
                FraudFreeTitle.deleted_at.is_(None),
                FraudFreeTitle.id != (record.id or 0),
            )
        )
        if clash:
            raise ValidationError({"title_kind": f"该单位{record.year}年已有这一类创建记录"})
        if record.id is None:
            obj = FraudFreeTitle(**values)
            session.add(obj)
            session.flush()
            audit.record(session, "create", "fraud_free_title", obj.uuid)
        else:
            obj = session.get(FraudFreeTitle, record.id)
            if obj is None or obj.deleted_at is not None:
                raise ValidationError({"": "该创建记录不存在或已被删除"})
            for key, value in values.items():
                setattr(obj, key, value)
            audit.record(session, "update", "fraud_free_title", obj.uuid)
        return obj.id


def delete_title(engine: Engine, title_id: int, user: str | None = None) -> None:
    """Soft-delete a title record."""
    with unit_of_work(engine, user) as session:
        obj = session.get(FraudFreeTitle, title_id)
        if obj is None or obj.deleted_at is not None:
            raise ValidationError({"": "该创建记录不存在或已被删除"})
        obj.deleted_at = utcnow()
        audit.record(session, "delete", "fraud_free_title", obj.uuid)


class TitleRegister(SqlRegister):
    """Every title being earned or earned, with how many criteria are met."""

    title = "无诈创建"
    columns = (
        RegisterColumn("year", "年度", 6, numeric=True),
        RegisterColumn("unit", "创建单位", 18),
        RegisterColumn("kind", "类别", 10),
        RegisterColumn("status", "状态", 8),
        RegisterColumn("met", "达标项", 7),
        RegisterColumn("awarded_on", "命名日期", 11),
        RegisterColumn("evidence", "佐证材料", 30),
    )
    default_sort = "year"

    def select_rows(self) -> Select:
        """Titles joined to their unit, with criteria met of criteria listed ("5/7")."""
        items = func.json_each(FraudFreeTitle.criteria).table_valued("value")
        met = select(func.count()).select_from(items).where(items.c.value == 1).scalar_subquery()
        listed = select(func.count()).select_from(items).scalar_subquery()
        return (
            select(
                FraudFreeTitle.id.label("id"),
                FraudFreeTitle.year.label("year"),
                Unit.name.label("unit"),
                case_label(FraudFreeTitle.title_kind, TITLE_KINDS).label("kind"),
                case_label(FraudFreeTitle.status, TITLE_STATUSES).label("status"),
                func.printf("%d/%d", met, listed).label("met"),
                FraudFreeTitle.awarded_on.label("awarded_on"),
                FraudFreeTitle.evidence.label("evidence"),
            )
            .join(Unit, Unit.id == FraudFreeTitle.unit_id)
            .where(FraudFreeTitle.deleted_at.is_(None))
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """Unit name and evidence."""
        return (Unit.name, FraudFreeTitle.evidence)

    def filters(self) -> Sequence[RegisterFilter]:
        """类别 and 状态."""
        return (
            RegisterFilter("kind", "类别", list(TITLE_KINDS.items())),
            RegisterFilter("status", "状态", list(TITLE_STATUSES.items())),
        )

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The WHERE clause of the kind and status filters."""
        if key == "kind":
            return FraudFreeTitle.title_kind == value
        if key == "status":
            return FraudFreeTitle.status == value
        return None
