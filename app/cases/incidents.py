"""发案登记与逐案倒查: each fraud case, its review, the victim's follow-up and legal aid.

Seed 000 asks for every case to be reviewed (逐案倒查): how the fraud reached the victim and
which unit, grid or household failed to warn them. Seed 004 adds the victim's education
(受害人教育引导) and legal aid. The victim is personal data: the register shows the name masked
(the shared 显示完整号码 switch reveals it, audited like a phone), never searches or sorts by it,
and no log line names it.

The monthly figures (发案数, 案损) of a village come from this register for every month in which
it holds a case of that village; the hand-entered or imported monthly figures (CaseStat) stay
for the other months (`monthly_case_counts`), so a township that starts registering cases in
May keeps its January–April figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Integer,
    Select,
    and_,
    case,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased

from app.cases.dissuasion import fraud_type_choices, village_choices, yuan_column
from app.core.records import RecordService
from app.core.registers import RegisterColumn, RegisterFilter, SqlRegister
from app.core.validation import FormField
from app.org.people import unit_choices
from db.models import CaseStat, FraudIncident, FraudType, Unit

# A case is to be reviewed within this many days of happening (逐案倒查).
REVIEW_DAYS = 30
REVIEW_STATES = {"reviewed": "已倒查", "pending": "待倒查", "overdue": f"超过{REVIEW_DAYS}天未倒查"}
# the texts a register or notice may list: they must not name the victim
LISTED_TEXTS = ("review_findings", "accountable_note", "follow_up", "legal_aid")
NAMED_MESSAGE = "请不要在此写受害人姓名（受害人信息属个人信息，列表和导出中不显示）"


def _year(column: ColumnElement) -> ColumnElement:
    return func.cast(func.strftime("%Y", column), Integer)


def _month(column: ColumnElement) -> ColumnElement:
    return func.cast(func.strftime("%m", column), Integer)


def review_overdue_clause(today: date) -> ColumnElement:
    """SQL true for a case not reviewed although it happened more than REVIEW_DAYS ago."""
    return and_(
        FraudIncident.reviewed_on.is_(None),
        FraudIncident.occurred_on < today - timedelta(days=REVIEW_DAYS),
    )


class IncidentRegister(SqlRegister):
    """Every live case: date, village, victim (masked), type, loss, channel and its review."""

    title = "发案登记"
    columns = (
        RegisterColumn("number", "编号", 6, numeric=True),
        RegisterColumn("occurred_on", "发案日期", 11),
        RegisterColumn("village", "村居", 10),
        RegisterColumn("victim", "受害人", 8, personal="name", sortable=False),
        RegisterColumn("victim_age", "年龄", 5, numeric=True),
        RegisterColumn("fraud_type", "诈骗类型", 14),
        RegisterColumn("loss", "案损（元）", 12, numeric=True),
        RegisterColumn("contact_channel", "接触渠道", 10),
        RegisterColumn("review", "逐案倒查", 10),
        RegisterColumn("reviewed_on", "倒查日期", 11),
        RegisterColumn("accountable", "预警宣防不到位", 14),
        RegisterColumn("followed_up_on", "教育引导", 11),
        RegisterColumn("legal_aid_on", "法律援助", 11),
    )
    default_sort = "occurred_on"
    default_descending = True

    def __init__(self, engine: Engine, today: date | None = None) -> None:
        super().__init__(engine)
        self.today = today

    def _today(self) -> date:
        return self.today or date.today()

    def select_rows(self) -> Select:
        """Cases with their village, fraud type and accountable unit."""
        accountable = aliased(Unit)
        review = case(
            (FraudIncident.reviewed_on.is_not(None), literal(REVIEW_STATES["reviewed"])),
            (review_overdue_clause(self._today()), literal(REVIEW_STATES["overdue"])),
            else_=literal(REVIEW_STATES["pending"]),
        )
        who = func.trim(
            func.coalesce(accountable.name, "")
            .op("||")(" ")
            .op("||")(func.coalesce(FraudIncident.accountable_note, ""))
        )
        return (
            select(
                FraudIncident.id.label("id"),
                FraudIncident.id.label("number"),
                FraudIncident.occurred_on.label("occurred_on"),
                Unit.name.label("village"),
                FraudIncident.victim_name.label("victim"),
                FraudIncident.victim_age.label("victim_age"),
                FraudType.name.label("fraud_type"),
                yuan_column(FraudIncident.loss_fen).label("loss"),
                FraudIncident.contact_channel.label("contact_channel"),
                review.label("review"),
                FraudIncident.reviewed_on.label("reviewed_on"),
                who.label("accountable"),
                FraudIncident.followed_up_on.label("followed_up_on"),
                FraudIncident.legal_aid_on.label("legal_aid_on"),
            )
            .join(Unit, Unit.id == FraudIncident.village_id)
            .outerjoin(FraudType, FraudType.id == FraudIncident.fraud_type_id)
            .outerjoin(accountable, accountable.id == FraudIncident.accountable_unit_id)
            .where(FraudIncident.deleted_at.is_(None))
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """Village, channel, police case number and the review (never the victim's name)."""
        return (
            Unit.name, FraudIncident.contact_channel, FraudIncident.police_case_number,
            FraudIncident.review_findings, FraudIncident.accountable_note,
        )  # fmt: skip

    def filters(self) -> Sequence[RegisterFilter]:
        """年份, 村居, 诈骗类型, 逐案倒查, 教育引导, 法律援助."""
        with self.engine.connect() as conn:
            years = conn.scalars(
                select(_year(FraudIncident.occurred_on))
                .where(FraudIncident.deleted_at.is_(None))
                .distinct()
                .order_by(_year(FraudIncident.occurred_on).desc())
            ).all()
        return (
            RegisterFilter("year", "年份", [(y, f"{y}年") for y in years if y]),
            RegisterFilter("village", "村居", village_choices(self.engine)),
            RegisterFilter("fraud_type", "诈骗类型", fraud_type_choices(self.engine, False)),
            RegisterFilter("review", "逐案倒查", list(REVIEW_STATES.items())),
            RegisterFilter("follow_up", "教育引导", [(True, "已教育引导"), (False, "未教育引导")]),
            RegisterFilter("legal_aid", "法律援助", [(True, "已提供"), (False, "未提供")]),
        )

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The WHERE clause of each filter."""
        if key == "year":
            return _year(FraudIncident.occurred_on) == int(value)
        if key == "village":
            return FraudIncident.village_id == value
        if key == "fraud_type":
            return FraudIncident.fraud_type_id == value
        if key == "review":
            return {
                "reviewed": FraudIncident.reviewed_on.is_not(None),
                "pending": FraudIncident.reviewed_on.is_(None),
                "overdue": review_overdue_clause(self._today()),
            }.get(value)
        if key == "follow_up":
            done = FraudIncident.followed_up_on.is_not(None)
            return done if value else ~done
        if key == "legal_aid":
            done = FraudIncident.legal_aid_on.is_not(None)
            return done if value else ~done
        return None


class IncidentService(RecordService):
    """Adds, edits and deletes cases; dates in order, none in the future, the victim unnamed in
    the texts that are listed."""

    model = FraudIncident
    noun = "发案记录"

    def __init__(self, engine: Engine, user: str | None = None) -> None:
        super().__init__(engine, user)
        self.fields = (
            FormField("occurred_on", "发案日期", kind="date", required=True),
            FormField("village_id", "村居", kind="choice", required=True,
                      choices=lambda: village_choices(engine)),
            FormField("victim_name", "受害人", required=True, max_length=64,
                      help="列表和导出中只显示姓氏"),
            FormField("victim_age", "受害人年龄", kind="int", minimum=0, maximum=120),
            FormField("fraud_type_id", "诈骗类型", kind="choice",
                      choices=lambda: fraud_type_choices(engine)),
            FormField("loss_fen", "案损（元）", kind="money", required=True, minimum=0),
            FormField("contact_channel", "接触渠道", max_length=64,
                      placeholder="诈骗如何接触到受害人：微信、QQ、电话、短信链接…"),
            FormField("police_case_number", "公安案件编号", max_length=64),
            FormField("reviewed_on", "倒查日期", kind="date"),
            FormField("review_findings", "倒查情况", kind="multiline", max_length=4000,
                      placeholder="是否入户走访、是否签订承诺书、是否安装APP、预警是否落实"),
            FormField("accountable_unit_id", "宣防不到位的单位/村居", kind="choice",
                      choices=lambda: unit_choices(engine)),
            FormField("accountable_note", "不到位的网格、户或环节", max_length=200,
                      placeholder="如：第3网格未入户走访"),
            FormField("followed_up_on", "教育引导日期", kind="date"),
            FormField("follow_up", "受害人教育引导", kind="multiline", max_length=2000),
            FormField("legal_aid_on", "法律援助日期", kind="date"),
            FormField("legal_aid", "法律援助情况", kind="multiline", max_length=2000),
        )  # fmt: skip

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """Not in the future; review, follow-up and aid on or after the day and not ahead of
        today; a review has its findings; the listed texts do not name the victim."""
        values["loss_fen"] = values["loss_fen"] or 0
        today = date.today()
        occurred = values["occurred_on"]
        errors: dict[str, str] = {}
        if occurred > today:
            errors["occurred_on"] = "发案日期不能晚于今天"
        for key, label in (("reviewed_on", "倒查日期"), ("followed_up_on", "教育引导日期"),
                           ("legal_aid_on", "法律援助日期")):  # fmt: skip
            day = values[key]
            if day is not None and day < occurred:
                errors[key] = f"{label}不能早于发案日期"
            elif day is not None and day > today:
                errors[key] = f"{label}不能晚于今天"
        if values["reviewed_on"] and not values["review_findings"]:
            errors["review_findings"] = "已倒查的案件请填写倒查情况"
        if values["review_findings"] and not values["reviewed_on"]:
            errors["reviewed_on"] = "填写了倒查情况，请填写倒查日期"
        if values["follow_up"] and not values["followed_up_on"]:
            errors["followed_up_on"] = "填写了教育引导情况，请填写日期"
        if values["legal_aid"] and not values["legal_aid_on"]:
            errors["legal_aid_on"] = "填写了法律援助情况，请填写日期"
        name = values["victim_name"]
        for key in LISTED_TEXTS:
            text = values[key]
            if name and len(name) >= 2 and text and name in text:
                errors[key] = NAMED_MESSAGE
        return errors

    def title_of(self, obj: FraudIncident) -> str:
        """The case's number and date (not the victim: personal data)."""
        return f"第{obj.id}号发案记录（{obj.occurred_on}）"


Period = tuple[int, int]


def monthly_case_counts(
    session: Session, periods: Iterable[Period] | None = None, years: Iterable[int] = ()
) -> dict[tuple[int, int, int], tuple[int, int]]:
    """(village id, year, month) → (cases, loss in fen) of the given months or whole years.

    A village's month with any registered case counts its registered cases; the others keep
    the monthly figures typed in or imported (CaseStat).
    """
    periods, years = list(periods or ()), list(years)
    stat_when = [(CaseStat.year == y) & (CaseStat.month == m) for y, m in periods]
    stat_when += [CaseStat.year.in_(years)] if years else []
    year, month = _year(FraudIncident.occurred_on), _month(FraudIncident.occurred_on)
    incident_when = [(year == y) & (month == m) for y, m in periods]
    incident_when += [year.in_(years)] if years else []
    if not stat_when:
        return {}
    counts = {
        (v, y, m): (c, loss)
        for v, y, m, c, loss in session.execute(
            select(CaseStat.village_id, CaseStat.year, CaseStat.month, CaseStat.case_count,
                   CaseStat.loss_fen)
            .where(CaseStat.deleted_at.is_(None), or_(*stat_when))
        )
    }  # fmt: skip
    for v, y, m, c, loss in session.execute(
        select(FraudIncident.village_id, year, month, func.count(),
               func.coalesce(func.sum(FraudIncident.loss_fen), 0))
        .where(FraudIncident.deleted_at.is_(None), or_(*incident_when))
        .group_by(FraudIncident.village_id, year, month)
    ):  # fmt: skip
        counts[(v, y, m)] = (c, loss)
    return counts


def last_month_with_cases(session: Session, year: int) -> int:
    """The last month of `year` with a monthly figure or a registered case (0: none)."""
    stat = session.scalar(
        select(func.max(CaseStat.month)).where(CaseStat.year == year, CaseStat.deleted_at.is_(None))
    )
    registered = session.scalar(
        select(func.max(_month(FraudIncident.occurred_on))).where(
            _year(FraudIncident.occurred_on) == year, FraudIncident.deleted_at.is_(None)
        )
    )
    return max(stat or 0, registered or 0)


@dataclass(frozen=True)
class ReviewSummary:
    """A period's registered cases and how far their review and follow-up have come."""

    cases: int
    reviewed: int
    accountable: int  # reviews that found a unit or grid whose warning failed
    followed_up: int
    legal_aid: int


def review_summary(engine: Engine, start: date, end: date) -> ReviewSummary:
    """The registered cases that happened from `start` to `end` and their review so far."""
    with engine.connect() as conn:
        row = conn.execute(
            select(
                func.count(),
                func.count(FraudIncident.reviewed_on),
                func.count(
                    case((or_(FraudIncident.accountable_unit_id.is_not(None),
                              FraudIncident.accountable_note.is_not(None)), 1))
                ),
                func.count(FraudIncident.followed_up_on),
                func.count(FraudIncident.legal_aid_on),
            ).where(
                FraudIncident.deleted_at.is_(None),
                FraudIncident.occurred_on.between(start, end),
            )
        ).one()  # fmt: skip
    return ReviewSummary(*row)


def reviews_overdue(session: Session, today: date) -> int:
    """Registered cases not reviewed within REVIEW_DAYS of happening."""
    return session.scalar(
        select(func.count()).where(FraudIncident.deleted_at.is_(None), review_overdue_clause(today))
    )
