"""Awards (一事一奖, 一案一奖, 举报奖励, 年度表彰, 其他): proposed, approved, paid; never twice.

A successful case proposes an award for each of its dissuaders, which the clerk confirms.
The workflow only moves forward: 拟奖励 → 已审批 → 已发放, each step once, with who and when.
A 举报奖励 goes to the reporter of a verified clue, who stays confidential: the award names no
person (its recipient is the clue's `ConfidentialReporter`), and lists, exports and PDFs show
举报人（保密）. Totals, the award list PDF and its .xlsx are in `app.cases.award_reports`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, String, cast, func, literal, select
from sqlalchemy.orm import Session, aliased

from app.cases.clues import clue_choices, reporter_named_in
from app.cases.dissuasion import REWARDABLE, yuan_column
from app.core import audit
from app.core.records import RecordService
from app.core.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.core.validation import FormField, ValidationError, fen_to_yuan
from app.core.vocab import AWARD_KINDS, AWARD_STATUSES, CASE_OUTCOMES
from db.engine import unit_of_work
from db.models import (
    Award,
    CaseDissuader,
    ConfidentialReporter,
    DissuasionCase,
    Person,
    ReportClue,
    Unit,
)

log = logging.getLogger(__name__)

NEXT_STATUS = {"proposed": "approved", "approved": "paid"}
CASE_KINDS = ("per_deed", "per_case")
REPORTER_SHOWN_AS = "举报人（保密）"
MAX_AWARD_YUAN = 100_000
PROPOSAL_REASON = "参与劝阻成功"


def person_choices(engine: Engine) -> list[tuple[int, str]]:
    """Contacts as (id, name（post）)."""
    from app.org.people import person_choices as people

    return people(engine)


def unit_choices(engine: Engine) -> list[tuple[int, str]]:
    """Units and villages as (id, name)."""
    from app.org.units import member_unit_choices

    return member_unit_choices(engine)


# one pair of aliases, so a register's search and its SELECT name the same tables
_RECIPIENT_PERSON, _RECIPIENT_UNIT = aliased(Person), aliased(Unit)


def recipient_sql() -> tuple[Any, Any, ColumnElement]:
    """(person alias, unit alias, shown recipient): a 举报奖励 shows 举报人（保密）, always."""
    person, unit = _RECIPIENT_PERSON, _RECIPIENT_UNIT
    shown = func.iif(
        Award.kind == "report", literal(REPORTER_SHOWN_AS), func.coalesce(person.name, unit.name)
    )
    return person, unit, shown


def _link_sql() -> ColumnElement:
    case_text = "案例第" + cast(Award.case_id, String) + "号"
    clue_text = "线索第" + cast(Award.clue_id, String) + "号"
    return func.coalesce(case_text, clue_text, "")


def _who_when(by: Any, on: Any) -> ColumnElement:
    return func.trim(func.coalesce(by, "") + " " + func.coalesce(func.strftime("%Y-%m-%d", on), ""))


class AwardRegister(SqlRegister):
    """Every live award; a 举报奖励's recipient is shown as 举报人（保密）."""

    title = "奖励"
    columns = (
        RegisterColumn("proposed_on", "提出日期", 11),
        RegisterColumn("kind", "类别", 9),
        RegisterColumn("recipient", "获奖人/单位", 14),
        RegisterColumn("amount", "金额（元）", 10, numeric=True),
        RegisterColumn("link", "关联", 11),
        RegisterColumn("reason", "事由", 24),
        RegisterColumn("status", "状态", 7),
        RegisterColumn("approved", "审批", 16),
        RegisterColumn("paid", "发放", 16),
    )
    default_sort = "proposed_on"

    def select_rows(self) -> Select:
        """Awards with their recipient (person or unit), link, and who approved and paid."""
        person, unit, shown = recipient_sql()
        return (
            select(
                Award.id.label("id"),
                Award.proposed_on.label("proposed_on"),
                case_label(Award.kind, AWARD_KINDS).label("kind"),
                shown.label("recipient"),
                yuan_column(Award.amount_fen).label("amount"),
                _link_sql().label("link"),
                Award.reason.label("reason"),
                case_label(Award.status, AWARD_STATUSES).label("status"),
                _who_when(Award.approved_by, Award.approved_on).label("approved"),
                _who_when(Award.paid_by, Award.paid_on).label("paid"),
            )
            .outerjoin(person, person.id == Award.recipient_person_id)
            .outerjoin(unit, unit.id == Award.recipient_unit_id)
            .where(Award.deleted_at.is_(None))
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """Reason and the shown recipient (a reporter's name is never in either)."""
        _person, _unit, shown = recipient_sql()
        return (Award.reason, shown)

    def filters(self) -> Sequence[RegisterFilter]:
        """类别, 状态, 年份."""
        with self.engine.connect() as conn:
            years = conn.scalars(
                select(func.strftime("%Y", Award.proposed_on))
                .where(Award.deleted_at.is_(None))
                .distinct()
                .order_by(func.strftime("%Y", Award.proposed_on).desc())
            ).all()
        return (
            RegisterFilter("kind", "类别", list(AWARD_KINDS.items())),
            RegisterFilter("status", "状态", list(AWARD_STATUSES.items())),
            RegisterFilter("year", "年份", [(y, f"{y}年") for y in years if y]),
        )

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The kind, status and year filters."""
        if key == "kind":
            return Award.kind == value
        if key == "status":
            return Award.status == value
        if key == "year":
            return func.strftime("%Y", Award.proposed_on) == value
        return None


class AwardService(RecordService):
    """Proposes and edits awards; their status moves only through `advance`."""

    model = Award
    noun = "奖励"

    def __init__(self, engine: Engine, user: str | None = None) -> None:
        super().__init__(engine, user)
        self.fields = (
            FormField("kind", "类别", kind="choice", required=True,
                      choices=list(AWARD_KINDS.items())),
            FormField("recipient_person_id", "获奖人", kind="choice",
                      choices=lambda: person_choices(engine),
                      help="举报奖励不选：奖励发给线索的举报人（身份保密）"),
            FormField("recipient_unit_id", "获奖单位", kind="choice",
                      choices=lambda: unit_choices(engine)),
            FormField("case_id", "相关案例编号", kind="int", minimum=1,
                      help="劝阻案例列表“编号”一栏；一事一奖、一案一奖必填"),
            FormField("clue_id", "相关举报线索", kind="choice",
                      choices=lambda: clue_choices(engine), help="举报奖励必填"),
            FormField("amount_fen", "金额（元）", kind="money", required=True, minimum=0,
                      maximum=MAX_AWARD_YUAN),
            FormField("reason", "事由", kind="multiline", max_length=2000),
            FormField("proposed_on", "提出日期", kind="date", required=True),
        )  # fmt: skip

    def create(self, raw: Mapping[str, Any]) -> int:
        """A new award is always 拟奖励."""
        with unit_of_work(self.engine, self.user) as session:
            return self._create(session, raw, "")

    def _create(self, session: Session, raw: Mapping[str, Any], detail: str) -> int:
        values = self._validated(session, raw, None)
        award = Award(**values, status="proposed")
        session.add(award)
        session.flush()
        audit.record(session, "create", "award", award.uuid, detail or None)
        return award.id

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """The rules of `award_errors`; an award already approved is not edited."""
        if record_id is not None:
            status = session.scalar(select(Award.status).where(Award.id == record_id))
            if status != "proposed":
                return {"": f"已{AWARD_STATUSES[status][1:]}的奖励不能修改"}
        return award_errors(session, values, record_id)

    def check_delete(self, session: Session, obj: Award) -> str | None:
        """A paid award is a payment on record."""
        return "已发放的奖励不能删除" if obj.status == "paid" else None

    def title_of(self, obj: Award) -> str:
        """The award's kind and amount."""
        return f"{AWARD_KINDS[obj.kind]} {fen_to_yuan(obj.amount_fen)}元"


def award_errors(session: Session, values: dict[str, Any], record_id: int | None) -> dict:
    """What is wrong with an award: its recipient, money, date, case or clue."""
    errors: dict[str, str] = {}
    kind, person, unit = values["kind"], values["recipient_person_id"], values["recipient_unit_id"]
    if values["amount_fen"] <= 0:
        errors["amount_fen"] = "奖励金额应大于0"
    if values["proposed_on"] > date.today():
        errors["proposed_on"] = "提出日期不能晚于今天"
    if kind == "report":
        if person is not None or unit is not None:
            errors["recipient_person_id"] = (
                "举报奖励发给线索的举报人（身份保密），不要选择获奖人或单位"
            )
        errors.update(_report_errors(session, values, record_id))
    elif person is None and unit is None:
        errors["recipient_person_id"] = "请选择获奖人或获奖单位"
    elif person is not None and unit is not None:
        errors["recipient_person_id"] = "获奖人和获奖单位只能选一个"
    if kind in CASE_KINDS and values["case_id"] is None:
        errors["case_id"] = "一事一奖、一案一奖须填写相关劝阻案例的编号"
    elif values["case_id"] is not None:
        outcome = session.scalar(
            select(DissuasionCase.outcome).where(
                DissuasionCase.id == values["case_id"], DissuasionCase.deleted_at.is_(None)
            )
        )
        if outcome is None:
            errors["case_id"] = f"没有编号为{values['case_id']}的劝阻案例"
        elif outcome not in REWARDABLE:
            errors["case_id"] = (
                f"第{values['case_id']}号案例的结果是“{CASE_OUTCOMES[outcome]}”，"
                "只有成功劝阻或部分止损的案例才能奖励"
            )
        elif person is not None and "recipient_person_id" not in errors:
            twice = session.scalar(
                select(Award.id).where(
                    Award.case_id == values["case_id"], Award.recipient_person_id == person,
                    Award.kind == kind, Award.deleted_at.is_(None), Award.id != (record_id or 0),
                )
            )  # fmt: skip
            if twice:
                errors["recipient_person_id"] = f"已为此人提出过本案的{AWARD_KINDS[kind]}"
    return errors


def _report_errors(session: Session, values: dict[str, Any], record_id: int | None) -> dict:
    clue_id = values["clue_id"]
    if clue_id is None:
        return {"clue_id": "举报奖励须填写相关举报线索的编号"}
    clue = session.get(ReportClue, clue_id)
    if clue is None or clue.deleted_at is not None:
        return {"clue_id": f"没有编号为{clue_id}的举报线索"}
    if not clue.verified:
        return {"clue_id": "线索核实后才能给予举报奖励"}
    reporter = session.scalar(
        select(ConfidentialReporter.id).where(
            ConfidentialReporter.clue_id == clue_id, ConfidentialReporter.deleted_at.is_(None)
        )
    )
    if reporter is None:
        return {"clue_id": "这条线索没有登记举报人（匿名举报），无法发放举报奖励"}
    twice = session.scalar(
        select(Award.id).where(
            Award.clue_id == clue_id, Award.kind == "report", Award.deleted_at.is_(None),
            Award.id != (record_id or 0),
        )
    )  # fmt: skip
    if twice:
        return {"clue_id": "这条线索已有举报奖励"}
    if reporter_named_in(session, clue_id, values["reason"]):
        return {"reason": "事由中不要写举报人的姓名、身份证号码或电话（举报人身份保密）"}
    return {}


def advance(
    engine: Engine, award_ids: Sequence[int], to: str, by: str, on: date | None = None,
    user: str | None = None,
) -> int:  # fmt: skip
    """Approve (to="approved") or pay (to="paid") awards, all or none; each step once."""
    on = on or date.today()
    if to not in ("approved", "paid"):
        raise ValueError(to)
    verb = "审批" if to == "approved" else "发放"
    by = by.strip()
    if not by:
        raise ValidationError({"by": f"请填写{verb}人"})
    if len(by) > 64:
        raise ValidationError({"by": f"{verb}人不能超过64个字"})
    if on > date.today():
        raise ValidationError({"on": f"{verb}日期不能晚于今天"})
    with unit_of_work(engine, user) as session:
        for award_id in award_ids:
            award = session.get(Award, award_id)
            if award is None or award.deleted_at is not None:
                raise ValidationError({"": "奖励不存在或已被删除"})
            if NEXT_STATUS.get(award.status) != to:
                now = AWARD_STATUSES[award.status]
                raise ValidationError({"": f"这笔奖励现在是“{now}”，不能{verb}"})
            if to == "approved" and on < award.proposed_on:
                raise ValidationError({"on": "审批日期不能早于提出日期"})
            if to == "paid" and award.approved_on and on < award.approved_on:
                raise ValidationError({"on": "发放日期不能早于审批日期"})
            award.status = to
            if to == "approved":
                award.approved_on, award.approved_by = on, by
            else:
                award.paid_on, award.paid_by = on, by
            audit.record(session, "update", "award", award.uuid, to)
    log.info("awards %s %s by user %s", list(award_ids), to, user or "-")
    return len(award_ids)


def _proposals(session: Session, case_id: int) -> list[tuple[int, str]]:
    outcome = session.scalar(
        select(DissuasionCase.outcome).where(
            DissuasionCase.id == case_id, DissuasionCase.deleted_at.is_(None)
        )
    )
    if outcome is None:
        raise ValidationError({"": "案例不存在或已被删除"})
    if outcome not in REWARDABLE:
        raise ValidationError({"": "只有成功劝阻或部分止损的案例才能提出奖励"})
    awarded = select(Award.recipient_person_id).where(
        Award.case_id == case_id, Award.deleted_at.is_(None),
        Award.recipient_person_id.is_not(None),
    )  # fmt: skip
    rows = session.execute(
        select(Person.id, Person.name)
        .join(CaseDissuader, CaseDissuader.person_id == Person.id)
        .where(
            CaseDissuader.case_id == case_id, CaseDissuader.deleted_at.is_(None),
            Person.id.not_in(awarded),
        )
        .order_by(CaseDissuader.id)
    ).all()  # fmt: skip
    return [(r.id, r.name) for r in rows]


def proposals_for_case(engine: Engine, case_id: int) -> list[tuple[int, str]]:
    """(person id, name) of the dissuaders of a rewardable case who have no award for it yet."""
    with unit_of_work(engine) as session:
        return _proposals(session, case_id)


def propose_for_case(
    engine: Engine, case_id: int, amounts: Mapping[int, int], kind: str = "per_case",
    user: str | None = None,
) -> list[int]:  # fmt: skip
    """Create 拟奖励 awards for the confirmed dissuaders (person id → amount in fen), all in
    one transaction: one refused amount saves none of them."""
    if kind not in CASE_KINDS:
        raise ValidationError({"": "提出的奖励应为一事一奖或一案一奖"})
    service = AwardService(engine, user)
    ids: list[int] = []
    with unit_of_work(engine, user) as session:
        pending = dict(_proposals(session, case_id))
        if any(p not in pending for p in amounts):
            raise ValidationError({"": "只能为本案参与劝阻、尚未奖励的人员提出奖励"})
        for person_id, fen in amounts.items():
            raw = {
                "kind": kind, "recipient_person_id": person_id, "case_id": case_id,
                "amount_fen": fen_to_yuan(fen), "reason": PROPOSAL_REASON,
                "proposed_on": date.today(),
            }  # fmt: skip
            try:
                ids.append(service._create(session, raw, "proposed for case"))
            except ValidationError as exc:
                message = "；".join(exc.errors.values())
                raise ValidationError({"": f"{pending[person_id]}：{message}"}) from exc
    return ids
