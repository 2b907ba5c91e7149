"""Awards (一事一奖, 一案一奖, 举报奖励, 年度表彰): proposed, approved, paid; never twice.

A successful case proposes an award for each of its dissuaders, which the clerk confirms.
The workflow only moves forward: 拟奖励 → 已审批 → 已发放, each step once, with who and when.
A 举报奖励 goes to the reporter of a clue, who stays confidential: lists, exports and PDFs name
the clue, never the person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, func, select
from sqlalchemy.orm import Session, aliased

from app import audit
from app.cases import REWARDABLE
from app.documents import Document, chinese_date, render_pdf
from app.progress import Job, Progress
from app.records import RecordService
from app.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.settings import load_profile
from app.validation import FormField, ValidationError
from app.vocab import AWARD_KINDS, AWARD_STATUSES
from app.xlsx_writer import SheetTable, write_tables_xlsx
from db.engine import unit_of_work
from db.models import Award, CaseDissuader, DissuasionCase, Person, ReportClue, Unit

NEXT_STATUS = {"proposed": "approved", "approved": "paid"}


def person_choices(engine: Engine) -> list[tuple[int, str]]:
    """Contacts as (id, name（post）)."""
    from app.meetings import person_choices as people

    return people(engine)


def unit_choices(engine: Engine) -> list[tuple[int, str]]:
    """Units and villages as (id, name)."""
    from app.meetings import member_unit_choices

    return member_unit_choices(engine)


def recipient_sql() -> tuple[Any, Any, ColumnElement]:
    """(person alias, unit alias, recipient name column): 举报奖励 show only the clue."""
    person, unit = aliased(Person), aliased(Unit)
    name = func.coalesce(person.name, unit.name)
    return person, unit, name


class AwardRegister(SqlRegister):
    """Every live award; a 举报奖励's recipient is shown as 举报人（保密）."""

    title = "奖励"
    columns = (
        RegisterColumn("proposed_on", "提出日期", 11),
        RegisterColumn("kind", "类别", 9),
        RegisterColumn("recipient", "获奖人/单位", 14),
        RegisterColumn("amount", "金额（元）", 10, numeric=True),
        RegisterColumn("reason", "事由", 28),
        RegisterColumn("status", "状态", 7),
        RegisterColumn("approved", "审批", 16),
        RegisterColumn("paid", "发放", 16),
    )
    default_sort = "proposed_on"

    def select_rows(self) -> Select:
        """Awards with their recipient (person or unit) and who approved and paid."""
        person, unit, name = recipient_sql()
        recipient = func.iif(Award.kind == "report", "举报人（保密）", name)
        return (
            select(
                Award.id.label("id"),
                Award.proposed_on.label("proposed_on"),
                case_label(Award.kind, AWARD_KINDS).label("kind"),
                recipient.label("recipient"),
                (Award.amount_fen / 100.0).label("amount"),
                Award.reason.label("reason"),
                case_label(Award.status, AWARD_STATUSES).label("status"),
                (func.coalesce(Award.approved_by, "") + " " + func.coalesce(
                    func.strftime("%Y-%m-%d", Award.approved_on), "")).label("approved"),
                (func.coalesce(Award.paid_by, "") + " " + func.coalesce(
                    func.strftime("%Y-%m-%d", Award.paid_on), "")).label("paid"),
            )
            .outerjoin(person, person.id == Award.recipient_person_id)
            .outerjoin(unit, unit.id == Award.recipient_unit_id)
            .where(Award.deleted_at.is_(None))
        )  # fmt: skip

    def search_columns(self) -> Sequence[ColumnElement]:
        """The reason (names are not searched: a reporter's name must not be findable)."""
        return (Award.reason,)

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
                      choices=lambda: person_choices(engine)),
            FormField("recipient_unit_id", "获奖单位", kind="choice",
                      choices=lambda: unit_choices(engine)),
            FormField("case_id", "相关案例编号", kind="int", minimum=1),
            FormField("clue_id", "相关线索编号", kind="int", minimum=1),
            FormField("amount_fen", "金额（元）", kind="money", required=True, minimum=0),
            FormField("reason", "事由", kind="multiline", max_length=2000),
            FormField("proposed_on", "提出日期", kind="date", required=True),
        )  # fmt: skip

    def create(self, raw: dict[str, Any]) -> int:
        """A new award is always 拟奖励."""
        with unit_of_work(self.engine, self.user) as session:
            values = self._validated(session, raw, None)
            obj = Award(**values, status="proposed")
            session.add(obj)
            session.flush()
            audit.record(session, "create", "award", obj.uuid)
            return obj.id

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """One recipient; a positive amount; a case award for a successful case; a report
        award for a verified clue; an award already approved is not edited."""
        errors = {}
        if record_id is not None:
            status = session.scalar(select(Award.status).where(Award.id == record_id))
            if status != "proposed":
                return {"": f"已{AWARD_STATUSES[status][1:]}的奖励不能修改"}
        if (values["recipient_person_id"] is None) == (values["recipient_unit_id"] is None):
            errors["recipient_person_id"] = "请选择获奖人或获奖单位（二选一）"
        if values["amount_fen"] <= 0:
            errors["amount_fen"] = "奖励金额应大于0"
        if values["proposed_on"] > date.today():
            errors["proposed_on"] = "提出日期不能晚于今天"
        kind = values["kind"]
        if kind in ("per_deed", "per_case"):
            if values["case_id"] is None:
                errors["case_id"] = "一事一奖、一案一奖须关联劝阻案例"
            else:
                outcome = session.scalar(
                    select(DissuasionCase.outcome).where(
                        DissuasionCase.id == values["case_id"], DissuasionCase.deleted_at.is_(None)
                    )
                )
                if outcome is None:
                    errors["case_id"] = f"没有编号为{values['case_id']}的案例"
                elif outcome not in REWARDABLE:
                    errors["case_id"] = "只有成功劝阻或部分止损的案例才能奖励"
        if kind == "report":
            if values["clue_id"] is None:
                errors["clue_id"] = "举报奖励须关联举报线索"
            else:
                verified = session.scalar(
                    select(ReportClue.verified).where(
                        ReportClue.id == values["clue_id"], ReportClue.deleted_at.is_(None)
                    )
                )
                if verified is None:
                    errors["clue_id"] = f"没有编号为{values['clue_id']}的线索"
                elif not verified:
                    errors["clue_id"] = "线索核实后才能给予举报奖励"
        return errors

    def check_delete(self, session: Session, obj: Award) -> str | None:
        """A paid award is a payment on record."""
        return "已发放的奖励不能删除" if obj.status == "paid" else None

    def title_of(self, obj: Award) -> str:
        """The award's kind and amount."""
        return f"{AWARD_KINDS[obj.kind]} {obj.amount_fen / 100:.2f}元"


def advance(
    engine: Engine, award_ids: Sequence[int], to: str, by: str, on: date | None = None,
    user: str | None = None,
) -> int:  # fmt: skip
    """Approve (to="approved") or pay (to="paid") awards, all or none; each step once."""
    on = on or date.today()
    if to not in ("approved", "paid"):
        raise ValueError(to)
    if not by.strip():
        raise ValidationError({"by": "请填写审批人或经办人"})
    if on > date.today():
        raise ValidationError({"on": "日期不能晚于今天"})
    with unit_of_work(engine, user) as session:
        for award_id in award_ids:
            award = session.get(Award, award_id)
            if award is None or award.deleted_at is not None:
                raise ValidationError({"": "奖励不存在或已被删除"})
            if NEXT_STATUS.get(award.status) != to:
                now = AWARD_STATUSES[award.status]
                verb = "审批" if to == "approved" else "发放"
                raise ValidationError({"": f"这笔奖励现在是“{now}”，不能{verb}"})
            if to == "approved" and on < award.proposed_on:
                raise ValidationError({"on": "审批日期不能早于提出日期"})
            if to == "paid" and award.approved_on and on < award.approved_on:
                raise ValidationError({"on": "发放日期不能早于审批日期"})
            award.status = to
            if to == "approved":
                award.approved_on, award.approved_by = on, by.strip()
            else:
                award.paid_on, award.paid_by = on, by.strip()
            audit.record(session, "update", "award", award.uuid, to)
    return len(award_ids)


def proposals_for_case(engine: Engine, case_id: int) -> list[tuple[int, str]]:
    """(person id, name) of the dissuaders of a case who have no award for it yet."""
    with unit_of_work(engine) as session:
        outcome = session.scalar(select(DissuasionCase.outcome).where(DissuasionCase.id == case_id))
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


def propose_for_case(
    engine: Engine, case_id: int, amounts: dict[int, int], kind: str = "per_case",
    user: str | None = None,
) -> list[int]:  # fmt: skip
    """Create 拟奖励 awards for the confirmed dissuaders (person id → amount in fen)."""
    service = AwardService(engine, user)
    pending = dict(proposals_for_case(engine, case_id))
    unknown = [p for p in amounts if p not in pending]
    if unknown:
        raise ValidationError({"": "只能为本案参与劝阻、尚未奖励的人员提出奖励"})
    ids = []
    with unit_of_work(engine, user) as session:
        for person_id, fen in amounts.items():
            values = service._validated(session, {
                "kind": kind, "recipient_person_id": person_id, "case_id": case_id,
                "amount_fen": f"{fen / 100:.2f}", "reason": "参与劝阻成功",
                "proposed_on": date.today(),
            }, None)  # fmt: skip
            award = Award(**values, status="proposed")
            session.add(award)
            session.flush()
            audit.record(session, "create", "award", award.uuid, "proposed for case")
            ids.append(award.id)
    return ids


@dataclass(frozen=True)
class Total:
    """The awards of one recipient or quarter."""

    name: str
    count: int
    amount_fen: int
    paid_fen: int


def totals(engine: Engine, start: date, end: date, by: str) -> list[Total]:
    """Approved and paid awards proposed in a period (a proposal is not yet money), totalled by
    "person", "unit" or "quarter", largest first. Reporters are one line: 举报人（保密）."""
    if by not in ("person", "unit", "quarter"):
        raise ValueError(by)
    person, unit, _name = recipient_sql()
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(Award.kind, person.name, unit.name, Award.proposed_on, Award.amount_fen,
                   Award.status)
            .outerjoin(person, person.id == Award.recipient_person_id)
            .outerjoin(unit, unit.id == Award.recipient_unit_id)
            .where(Award.deleted_at.is_(None), Award.status.in_(("approved", "paid")),
                   Award.proposed_on.between(start, end))
        ).all()  # fmt: skip
    groups: dict[str, list[int]] = {}
    for kind, person_name, unit_name, proposed_on, fen, status in rows:
        if by == "person":
            if person_name is None:
                continue
            key = "举报人（保密）" if kind == "report" else person_name
        elif by == "unit":
            if unit_name is None:
                continue
            key = unit_name
        else:
            key = f"{proposed_on.year}年第{(proposed_on.month + 2) // 3}季度"
        group = groups.setdefault(key, [0, 0, 0])
        group[0] += 1
        group[1] += fen
        group[2] += fen if status == "paid" else 0
    return sorted((Total(k, *v) for k, v in groups.items()), key=lambda t: (-t.amount_fen, t.name))


def award_rows(engine: Engine, start: date, end: date) -> list[list[Any]]:
    """The award list (奖励名单) of a period: approved and paid awards, reporters hidden."""
    register = AwardRegister(engine)
    stmt = (
        register.select_rows()
        .where(Award.status.in_(("approved", "paid")), Award.proposed_on.between(start, end))
        .order_by(Award.proposed_on, Award.id)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return [
        [n, r.proposed_on.isoformat(), r.kind, r.recipient, f"{r.amount:.2f}", r.reason or "",
         r.status]
        for n, r in enumerate(rows, start=1)
    ]  # fmt: skip


LIST_HEADERS = ["序号", "日期", "类别", "获奖人/单位", "金额（元）", "事由", "状态"]


def print_award_list(engine: Engine, start: date, end: date, out: Path | str) -> int:
    """The 奖励名单 of a period as a 公文 PDF; returns the pages."""
    profile = load_profile(engine)
    rows = award_rows(engine, start, end)
    if not rows:
        raise ValidationError({"": f"{start}至{end}没有已审批或已发放的奖励"})
    total = sum(float(r[4]) for r in rows)
    township = profile.get("township_name") or ""
    doc = Document(style="official", where="奖励名单")
    doc.title(f"{township}反电信网络诈骗工作奖励名单")
    doc.centered(f"（{chinese_date(start)}至{chinese_date(end)}）")
    doc.table(LIST_HEADERS, rows, widths=[1.1, 2.8, 2, 2.8, 2.2, 4.2, 1.7],
              align=["center", "center", "center", "left", "right", "left", "center"])  # fmt: skip
    doc.paragraph(f"合计{len(rows)}笔，金额{total:,.2f}元。")
    doc.signature(profile.get("issuing_office") or "", date.today())
    return render_pdf(doc, out)


def export_award_list(engine: Engine, start: date, end: date, out: Path | str) -> Job[int]:
    """The award list of a period to .xlsx."""
    rows = award_rows(engine, start, end)
    yield Progress(0, 1, "正在导出…")
    for row in rows:
        row[4] = float(row[4])
    write_tables_xlsx(out, [SheetTable("奖励名单", LIST_HEADERS, rows, [6, 12, 10, 16, 12, 40, 8])])
    yield Progress(1, 1, "已导出")
    return len(rows)
