"""指令签收: instructions from above and each unit's receipt (seed 001: 第一时间签收，第一时间推送).

An instruction goes to every village, every other member unit, or both; saving it gives each
of them a receipt row. A receipt records when the unit signed for it (签收) and when it pushed
it on to its grids, groups or staff (推送). An instruction sets the time by which each must be
signed and pushed (by default two hours and one day after it came in); a receipt past either
time without it is overdue in the overview.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from app.core.records import RecordService
from app.core.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.core.validation import FormField
from db.base import utcnow
from db.engine import unit_of_work
from db.models import Instruction, InstructionReceipt, Unit

RECIPIENTS = {
    "villages": "全部村居",
    "units": "全部成员单位（不含村居）",
    "all": "全部村居和成员单位",
}
SIGN_HOURS = 2
PUSH_HOURS = 24
RECEIPT_STATES = {
    "sign_overdue": "逾期未签收",
    "unsigned": "未签收",
    "push_overdue": "逾期未推送",
    "unpushed": "已签收未推送",
    "late": "签收或推送超时",
    "done": "已签收并推送",
}


def _recipient_clause(recipients: str) -> ColumnElement:
    if recipients == "villages":
        return Unit.kind == "village"
    if recipients == "units":
        return and_(Unit.kind != "village", Unit.is_member.is_(True))
    return or_(Unit.kind == "village", Unit.is_member.is_(True))


class InstructionRegister(SqlRegister):
    """Every live instruction with how many of its receipts are signed and pushed."""

    title = "指令"
    columns = (
        RegisterColumn("received_at", "收到时间", 16),
        RegisterColumn("issuer", "下达单位", 14),
        RegisterColumn("title", "指令标题", 30),
        RegisterColumn("recipients", "下发范围", 12),
        RegisterColumn("sign_due_at", "签收时限", 16),
        RegisterColumn("push_due_at", "推送时限", 16),
        RegisterColumn("signed", "已签收", 7, numeric=True),
        RegisterColumn("pushed", "已推送", 7, numeric=True),
        RegisterColumn("receipts", "下发单位数", 8, numeric=True),
    )
    default_sort = "received_at"
    default_descending = True

    def select_rows(self) -> Select:
        """Instructions with counts of their live receipts."""
        live = and_(
            InstructionReceipt.instruction_id == Instruction.id,
            InstructionReceipt.deleted_at.is_(None),
        )

        def count(*where: ColumnElement) -> ColumnElement:
            return select(func.count()).where(live, *where).correlate(Instruction).scalar_subquery()

        return select(
            Instruction.id.label("id"),
            Instruction.received_at.label("received_at"),
            Instruction.issuer.label("issuer"),
            Instruction.title.label("title"),
            case_label(Instruction.recipients, RECIPIENTS).label("recipients"),
            Instruction.sign_due_at.label("sign_due_at"),
            Instruction.push_due_at.label("push_due_at"),
            count(InstructionReceipt.signed_at.is_not(None)).label("signed"),
            count(InstructionReceipt.pushed_at.is_not(None)).label("pushed"),
            count().label("receipts"),
        ).where(Instruction.deleted_at.is_(None))

    def search_columns(self) -> Sequence[ColumnElement]:
        """Issuer, title and content."""
        return (Instruction.issuer, Instruction.title, Instruction.content)

    def filters(self) -> Sequence[RegisterFilter]:
        """年份."""
        year = func.strftime("%Y", Instruction.received_at)
        with self.engine.connect() as conn:
            years = conn.scalars(
                select(year).where(Instruction.deleted_at.is_(None)).distinct()
                .order_by(year.desc())
            ).all()  # fmt: skip
        return (RegisterFilter("year", "年份", [(y, f"{y}年") for y in years if y]),)

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The year's instructions."""
        if key == "year":
            return func.strftime("%Y", Instruction.received_at) == str(value)
        return None


class InstructionService(RecordService):
    """Records instructions; each save gives every unit in its range a receipt."""

    model = Instruction
    noun = "指令"
    fields = (
        FormField("received_at", "收到时间", kind="datetime", required=True),
        FormField("issuer", "下达单位", required=True, max_length=128,
                  placeholder="如：县反诈中心、县委政法委"),
        FormField("title", "指令标题", required=True, max_length=200),
        FormField("content", "指令内容", kind="multiline", max_length=8000),
        FormField("recipients", "下发范围", kind="choice", required=True,
                  choices=list(RECIPIENTS.items())),
        FormField("sign_due_at", "签收时限", kind="datetime",
                  help=f"不填则为收到后{SIGN_HOURS}小时"),
        FormField("push_due_at", "推送时限", kind="datetime",
                  help=f"不填则为收到后{PUSH_HOURS}小时"),
    )  # fmt: skip

    def derive(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """Deadlines left empty are the defaults after the instruction came in."""
        received = values["received_at"]
        values["sign_due_at"] = values["sign_due_at"] or received + timedelta(hours=SIGN_HOURS)
        values["push_due_at"] = values["push_due_at"] or received + timedelta(hours=PUSH_HOURS)
        return values

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """Not in the future; the deadlines after it came in, pushing not before signing; a
        range that has been sent to some unit is not narrowed."""
        received = values["received_at"]
        if received > datetime.now():
            return {"received_at": "收到时间不能晚于现在"}
        sign, push = values["sign_due_at"], values["push_due_at"]
        if sign is not None and sign <= received:
            return {"sign_due_at": "签收时限应晚于收到时间"}
        if push is not None and push < (sign or received):
            return {"push_due_at": "推送时限不能早于签收时限"}
        if record_id is not None:
            outside = session.scalar(
                select(func.count())
                .select_from(InstructionReceipt)
                .join(Unit, Unit.id == InstructionReceipt.unit_id)
                .where(
                    InstructionReceipt.instruction_id == record_id,
                    InstructionReceipt.deleted_at.is_(None),
                    InstructionReceipt.signed_at.is_not(None),
                    ~_recipient_clause(values["recipients"]),
                )
            )
            if outside:
                return {"recipients": f"已有{outside}个范围外的单位签收，不能缩小下发范围"}
        return {}

    def after_save(self, session: Session, obj: Instruction, created: bool) -> None:
        """Every live unit in the range has a receipt; unsigned ones outside it are retired."""
        targets = set(
            session.scalars(
                select(Unit.id).where(Unit.deleted_at.is_(None), _recipient_clause(obj.recipients))
            )
        )
        existing = {
            r.unit_id: r
            for r in session.scalars(
                select(InstructionReceipt).where(InstructionReceipt.instruction_id == obj.id)
            )
        }
        for unit_id in targets:
            row = existing.get(unit_id)
            if row is None:
                session.add(InstructionReceipt(instruction_id=obj.id, unit_id=unit_id))
            elif row.deleted_at is not None:
                row.deleted_at = None
        for unit_id, row in existing.items():
            if unit_id not in targets and row.signed_at is None and row.deleted_at is None:
                row.deleted_at = utcnow()

    def after_delete(self, session: Session, obj: Instruction) -> None:
        """The receipts go with the instruction."""
        for row in session.scalars(
            select(InstructionReceipt).where(
                InstructionReceipt.instruction_id == obj.id,
                InstructionReceipt.deleted_at.is_(None),
            )
        ):
            row.deleted_at = obj.deleted_at

    def title_of(self, obj: Instruction) -> str:
        """The instruction's title."""
        return obj.title


def receipt_state(now: datetime) -> ColumnElement:
    """SQL for a receipt's state at `now` (a RECEIPT_STATES key)."""
    signed, pushed = InstructionReceipt.signed_at, InstructionReceipt.pushed_at
    return case(
        (and_(signed.is_(None), Instruction.sign_due_at < now), literal("sign_overdue")),
        (signed.is_(None), literal("unsigned")),
        (and_(pushed.is_(None), Instruction.push_due_at < now), literal("push_overdue")),
        (pushed.is_(None), literal("unpushed")),
        (or_(signed > Instruction.sign_due_at, pushed > Instruction.push_due_at), literal("late")),
        else_=literal("done"),
    )


class ReceiptRegister(SqlRegister):
    """The receipts of every live instruction: unit, signed and pushed times, state."""

    title = "指令签收"
    columns = (
        RegisterColumn("instruction", "指令", 24),
        RegisterColumn("received_at", "收到时间", 16),
        RegisterColumn("unit", "单位/村居", 14),
        RegisterColumn("signed_at", "签收时间", 16),
        RegisterColumn("signed_by", "签收人", 8),
        RegisterColumn("pushed_at", "推送时间", 16),
        RegisterColumn("state", "情况", 12),
        RegisterColumn("note", "备注", 20),
    )
    default_sort = "received_at"
    default_descending = True

    def __init__(self, engine: Engine, now: datetime | None = None) -> None:
        super().__init__(engine)
        self.now = now

    def _now(self) -> datetime:
        return self.now or datetime.now()

    def select_rows(self) -> Select:
        """Receipts with their instruction and unit."""
        return (
            select(
                InstructionReceipt.id.label("id"),
                Instruction.title.label("instruction"),
                Instruction.received_at.label("received_at"),
                Unit.name.label("unit"),
                InstructionReceipt.signed_at.label("signed_at"),
                InstructionReceipt.signed_by.label("signed_by"),
                InstructionReceipt.pushed_at.label("pushed_at"),
                case_label(receipt_state(self._now()), RECEIPT_STATES).label("state"),
                InstructionReceipt.note.label("note"),
            )
            .join(Instruction, Instruction.id == InstructionReceipt.instruction_id)
            .join(Unit, Unit.id == InstructionReceipt.unit_id)
            .where(InstructionReceipt.deleted_at.is_(None), Instruction.deleted_at.is_(None))
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """Unit, instruction title and note."""
        return (Unit.name, Instruction.title, InstructionReceipt.note)

    def filters(self) -> Sequence[RegisterFilter]:
        """指令 and 情况."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(Instruction.id, Instruction.received_at, Instruction.title)
                .where(Instruction.deleted_at.is_(None))
                .order_by(Instruction.received_at.desc())
            ).all()
        return (
            RegisterFilter("instruction", "指令", [(i, f"{t:%m-%d} {title[:16]}")
                                                  for i, t, title in rows]),
            RegisterFilter("state", "情况", list(RECEIPT_STATES.items())),
        )  # fmt: skip

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """One instruction's receipts, or the receipts in one state."""
        if key == "instruction":
            return InstructionReceipt.instruction_id == value
        if key == "state":
            return receipt_state(self._now()) == value
        return None


class ReceiptService(RecordService):
    """Records a unit's 签收 and 推送 of an instruction (receipts are made by the instruction)."""

    model = InstructionReceipt
    noun = "签收记录"
    fields = (
        FormField("signed_at", "签收时间", kind="datetime"),
        FormField("signed_by", "签收人", max_length=64),
        FormField("pushed_at", "推送时间", kind="datetime"),
        FormField("note", "备注", max_length=200, placeholder="推送到哪些群、网格"),
    )

    def create(self, raw: Any) -> int:
        """Receipts come with their instruction; one is never added by hand."""
        raise NotImplementedError("receipts are made when an instruction is saved")

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """Signed after the instruction came in and not in the future; pushed only once signed,
        and not before."""
        receipt = self._get(session, record_id)
        instruction = session.get_one(Instruction, receipt.instruction_id)
        signed, pushed, now = values["signed_at"], values["pushed_at"], datetime.now()
        if signed is not None and signed < instruction.received_at.replace(second=0):
            came = f"{instruction.received_at:%Y-%m-%d %H:%M}"
            return {"signed_at": f"签收时间不能早于指令收到时间（{came}）"}
        if signed is not None and signed > now:
            return {"signed_at": "签收时间不能晚于现在"}
        if pushed is not None and signed is None:
            return {"pushed_at": "请先填写签收时间：签收后才能推送"}
        if pushed is not None and pushed < signed:
            return {"pushed_at": "推送时间不能早于签收时间"}
        if pushed is not None and pushed > now:
            return {"pushed_at": "推送时间不能晚于现在"}
        if signed is not None and not values["signed_by"]:
            return {"signed_by": "请填写签收人"}
        return {}

    def check_delete(self, session: Session, obj: InstructionReceipt) -> str | None:
        """A receipt is not deleted: clear its times instead, or change the instruction's range."""
        return "签收记录随指令下发范围生成，不能单独删除；如未签收，请清空签收时间"

    def title_of(self, obj: InstructionReceipt) -> str:
        """The unit that signed."""
        return f"签收记录{obj.id}"


def overdue_receipts(session: Session, now: datetime) -> tuple[int, int]:
    """(receipts past their signing time unsigned, signed ones past their pushing time
    unpushed) of live instructions."""
    state = receipt_state(now)
    rows = dict(
        session.execute(
            select(state, func.count())
            .select_from(InstructionReceipt)
            .join(Instruction, Instruction.id == InstructionReceipt.instruction_id)
            .where(InstructionReceipt.deleted_at.is_(None), Instruction.deleted_at.is_(None))
            .group_by(state)
        ).all()
    )
    return rows.get("sign_overdue", 0), rows.get("push_overdue", 0)


def instruction_summary(engine: Engine, start: datetime, end: datetime) -> tuple[int, int, int]:
    """Instructions received from `start` to before `end`: (instructions, receipts, receipts
    signed and pushed in time)."""
    with unit_of_work(engine) as session:
        window = (
            Instruction.deleted_at.is_(None),
            Instruction.received_at >= start,
            Instruction.received_at < end,
        )
        instructions = session.scalar(select(func.count()).where(*window))
        receipts, on_time = session.execute(
            select(
                func.count(),
                func.count(
                    case(
                        (and_(InstructionReceipt.signed_at <= Instruction.sign_due_at,
                              InstructionReceipt.pushed_at <= Instruction.push_due_at), 1)
                    )
                ),
            )
            .select_from(InstructionReceipt)
            .join(Instruction, Instruction.id == InstructionReceipt.instruction_id)
            .where(InstructionReceipt.deleted_at.is_(None), *window)
        ).one()  # fmt: skip
    return instructions, receipts, on_time
