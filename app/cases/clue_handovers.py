"""线索移交: clues handed over to the police, to whom, and what came of them (seed 004).

A handover belongs to one clue (举报线索) and never shows its reporter: the register reads the
clue's number, date and summary only, and the result note is refused if it names the reporter
(the same check as the clue's own texts). A handover still 待反馈 after FEEDBACK_DAYS is
overdue in the overview.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, Integer, Select, and_, func, select
from sqlalchemy.orm import Session

from app.cases.clues import NAMED_MESSAGE, clue_choices, reporter_named_in
from app.core.records import RecordService
from app.core.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.core.validation import FormField
from db.models import ClueHandover, ReportClue

RESULTS = {
    "pending": "待反馈",
    "filed": "已立案",
    "handled": "已查处",
    "unfounded": "查无实据",
}
# the police are asked for a result within this many days of the handover
FEEDBACK_DAYS = 30
PENDING_OVERDUE = "pending_overdue"


def feedback_overdue_clause(today: date) -> ColumnElement:
    """SQL true for a handover still waiting for its result after FEEDBACK_DAYS."""
    return and_(
        ClueHandover.result == "pending",
        ClueHandover.handed_on < today - timedelta(days=FEEDBACK_DAYS),
    )


class HandoverRegister(SqlRegister):
    """Every live handover with its clue's number, date and summary (never the reporter)."""

    title = "线索移交"
    columns = (
        RegisterColumn("clue_number", "线索编号", 8, numeric=True),
        RegisterColumn("received_on", "收到日期", 11),
        RegisterColumn("summary", "线索内容", 30),
        RegisterColumn("handed_on", "移交日期", 11),
        RegisterColumn("receiving_unit", "接收单位", 14),
        RegisterColumn("result", "办理结果", 8),
        RegisterColumn("result_on", "反馈日期", 11),
        RegisterColumn("result_note", "结果说明", 30),
    )
    default_sort = "handed_on"
    default_descending = True

    def __init__(self, engine: Engine, today: date | None = None) -> None:
        super().__init__(engine)
        self.today = today

    def select_rows(self) -> Select:
        """Handovers joined to their live clue."""
        return (
            select(
                ClueHandover.id.label("id"),
                ReportClue.id.label("clue_number"),
                ReportClue.received_on.label("received_on"),
                ReportClue.summary.label("summary"),
                ClueHandover.handed_on.label("handed_on"),
                ClueHandover.receiving_unit.label("receiving_unit"),
                case_label(ClueHandover.result, RESULTS).label("result"),
                ClueHandover.result_on.label("result_on"),
                ClueHandover.result_note.label("result_note"),
            )
            .join(ReportClue, ReportClue.id == ClueHandover.clue_id)
            .where(ClueHandover.deleted_at.is_(None), ReportClue.deleted_at.is_(None))
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """The receiving unit, the clue's summary and the result note."""
        return (ClueHandover.receiving_unit, ReportClue.summary, ClueHandover.result_note)

    def filters(self) -> Sequence[RegisterFilter]:
        """办理结果 (with 超期未反馈) and 年份."""
        year = func.cast(func.strftime("%Y", ClueHandover.handed_on), Integer)
        with self.engine.connect() as conn:
            years = conn.scalars(
                select(year)
                .where(ClueHandover.deleted_at.is_(None))
                .distinct()
                .order_by(year.desc())
            ).all()
        return (
            RegisterFilter(
                "result",
                "办理结果",
                [*RESULTS.items(), (PENDING_OVERDUE, f"超过{FEEDBACK_DAYS}天未反馈")],
            ),
            RegisterFilter("year", "年份", [(y, f"{y}年") for y in years if y]),
        )

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The WHERE clause of each filter."""
        if key == "result":
            if value == PENDING_OVERDUE:
                return feedback_overdue_clause(self.today or date.today())
            return ClueHandover.result == value
        if key == "year":
            return func.cast(func.strftime("%Y", ClueHandover.handed_on), Integer) == int(value)
        return None


class HandoverService(RecordService):
    """Records and edits handovers: one per clue, dates in order, a result with its date."""

    model = ClueHandover
    noun = "线索移交"

    def __init__(self, engine: Engine, user: str | None = None) -> None:
        super().__init__(engine, user)
        self.fields = (
            FormField("clue_id", "线索", kind="choice", required=True,
                      choices=lambda: clue_choices(engine)),
            FormField("handed_on", "移交日期", kind="date", required=True),
            FormField("receiving_unit", "接收单位", required=True, max_length=128,
                      placeholder="如：××派出所、县公安局反诈中心"),
            FormField("result", "办理结果", kind="choice", required=True,
                      choices=list(RESULTS.items())),
            FormField("result_on", "反馈日期", kind="date"),
            FormField("result_note", "结果说明", kind="multiline", max_length=2000),
        )  # fmt: skip

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """The clue is live and not handed over already; handed over on or after it came in,
        not in the future; a result other than 待反馈 has its date, on or after the handover;
        the note does not name the reporter."""
        clue = session.get(ReportClue, values["clue_id"])
        if clue is None or clue.deleted_at is not None:
            return {"clue_id": "这条线索不存在或已被删除"}
        other = session.scalar(
            select(ClueHandover.handed_on).where(
                ClueHandover.clue_id == clue.id,
                ClueHandover.deleted_at.is_(None),
                ClueHandover.id != (record_id or 0),
            )
        )
        if other is not None:
            return {"clue_id": f"第{clue.id}号线索已于{other}移交，请修改原来那一条"}
        self._clear_deleted(session, clue.id)
        today, handed = date.today(), values["handed_on"]
        if handed > today:
            return {"handed_on": "移交日期不能晚于今天"}
        if handed < clue.received_on:
            return {"handed_on": f"移交日期不能早于线索收到日期（{clue.received_on}）"}
        result_on = values["result_on"]
        if values["result"] != "pending" and result_on is None:
            return {"result_on": f"办理结果为“{RESULTS[values['result']]}”，请填写反馈日期"}
        if result_on is not None and result_on < handed:
            return {"result_on": "反馈日期不能早于移交日期"}
        if result_on is not None and result_on > today:
            return {"result_on": "反馈日期不能晚于今天"}
        if reporter_named_in(session, clue.id, values["result_note"]):
            return {"result_note": NAMED_MESSAGE}
        return {}

    @staticmethod
    def _clear_deleted(session: Session, clue_id: int) -> None:
        """A clue holds one handover row, deleted or not: a deleted one makes room for good."""
        for dead in session.scalars(
            select(ClueHandover).where(
                ClueHandover.clue_id == clue_id, ClueHandover.deleted_at.is_not(None)
            )
        ):
            session.delete(dead)
        session.flush()

    def title_of(self, obj: ClueHandover) -> str:
        """The clue's number and the handover's date."""
        return f"第{obj.clue_id}号线索的移交（{obj.handed_on}）"


@dataclass(frozen=True)
class HandoverSummary:
    """Clues handed over in a period and what came of them so far."""

    handed_over: int
    filed: int
    handled: int
    unfounded: int
    pending: int


def handover_summary(engine: Engine, start: date, end: date) -> HandoverSummary:
    """The handovers of `start`..`end` by result."""
    with engine.connect() as conn:
        rows = dict(
            conn.execute(
                select(ClueHandover.result, func.count())
                .join(ReportClue, ReportClue.id == ClueHandover.clue_id)
                .where(
                    ClueHandover.deleted_at.is_(None),
                    ReportClue.deleted_at.is_(None),
                    ClueHandover.handed_on.between(start, end),
                )
                .group_by(ClueHandover.result)
            ).all()
        )
    return HandoverSummary(
        sum(rows.values()), *(rows.get(k, 0) for k in ("filed", "handled", "unfounded", "pending"))
    )


def feedback_overdue(session: Session, today: date) -> int:
    """Handovers of live clues still without a result FEEDBACK_DAYS after."""
    return session.scalar(
        select(func.count())
        .select_from(ClueHandover)
        .join(ReportClue, ReportClue.id == ClueHandover.clue_id)
        .where(
            ClueHandover.deleted_at.is_(None),
            ReportClue.deleted_at.is_(None),
            feedback_overdue_clause(today),
        )
    )
