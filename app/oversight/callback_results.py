"""Callback results (电话回访): the calls of the drawn samples, their answers, and the
confirmation rate of each grid worker (or grid).

The confirmation rate is confirmed ÷ (confirmed + not confirmed): an unreachable household
says nothing either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, case, func, select
from sqlalchemy.orm import Session, aliased

from app.core.records import RecordService
from app.core.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.core.validation import FormField
from app.core.vocab import CALLBACK_RESULTS
from app.oversight.callbacks import CALLBACK_DAYS, OVERDUE_PENDING
from db.engine import unit_of_work
from db.models import CallbackCall, CallbackSample, Grid, Household, Person, Unit, Visit


@dataclass(frozen=True)
class ConfirmationRate:
    """Callback results of one grid worker (or grid)."""

    name: str
    calls: int
    confirmed: int
    not_confirmed: int
    unreachable: int
    pending: int

    @property
    def rate(self) -> float | None:
        """confirmed ÷ (confirmed + not confirmed), or None before any answer."""
        answered = self.confirmed + self.not_confirmed
        return self.confirmed / answered if answered else None


def confirmation_rates(
    engine: Engine,
    by: str = "grid_worker",
    drawn_from: date | None = None,
    drawn_to: date | None = None,
) -> list[ConfirmationRate]:
    """Callback results per grid worker (`by="grid_worker"`, the visit's worker) or per grid."""
    worker = aliased(Person)
    if by == "grid_worker":
        key = func.coalesce(worker.name, "（未记录网格员）")
    elif by == "grid":
        key = func.coalesce(Unit.name, "") + Grid.name
    else:
        raise ValueError(by)
    counts = {
        result: func.sum(case((CallbackCall.result == result, 1), else_=0))
        for result in CALLBACK_RESULTS
    }
    stmt = (
        select(
            key.label("name"), func.count().label("calls"), *(c.label(r) for r, c in counts.items())
        )
        .select_from(CallbackCall)
        .join(CallbackSample, CallbackSample.id == CallbackCall.sample_id)
        .join(Grid, Grid.id == CallbackSample.grid_id)
        .outerjoin(Unit, Unit.id == Grid.village_id)
        .outerjoin(Visit, Visit.id == CallbackCall.visit_id)
        .outerjoin(worker, worker.id == Visit.grid_worker_id)
        .where(CallbackCall.deleted_at.is_(None), CallbackSample.deleted_at.is_(None))
        .group_by(key)
        .order_by(key)
    )
    if drawn_from is not None:
        stmt = stmt.where(CallbackSample.drawn_on >= drawn_from)
    if drawn_to is not None:
        stmt = stmt.where(CallbackSample.drawn_on <= drawn_to)
    with unit_of_work(engine) as session:
        rows = session.execute(stmt).all()
    return [
        ConfirmationRate(
            r.name,
            r.calls,
            r.confirmed or 0,
            r.not_confirmed or 0,
            r.unreachable or 0,
            r.pending or 0,
        )
        for r in rows
    ]


class CallbackRegister(SqlRegister):
    """Every sampled household's call: who to call, which visit, and the answer."""

    title = "电话回访抽查"
    columns = (
        RegisterColumn("drawn_on", "抽取日期", 11),
        RegisterColumn("grid", "网格", 14),
        RegisterColumn("head_name", "户主", 8),
        RegisterColumn("phone", "联系电话", 14, personal="phone"),
        RegisterColumn("address", "地址", 22),
        RegisterColumn("visited_on", "走访日期", 11),
        RegisterColumn("grid_worker", "网格员", 8),
        RegisterColumn("result", "回访结果", 8),
        RegisterColumn("called_on", "回访日期", 11),
        RegisterColumn("notes", "备注", 24),
    )
    default_sort = "drawn_on"

    def __init__(self, engine: Engine, today: date | None = None) -> None:
        super().__init__(engine)
        self.today = today

    def select_rows(self) -> Select:
        """Calls joined to their sample, grid, household, visit and the visit's grid worker."""
        worker = aliased(Person)
        return (
            select(
                CallbackCall.id.label("id"),
                CallbackSample.drawn_on.label("drawn_on"),
                (func.coalesce(Unit.name, "") + Grid.name).label("grid"),
                Household.head_name.label("head_name"),
                Household.phone.label("phone"),
                Household.address.label("address"),
                Visit.visited_on.label("visited_on"),
                worker.name.label("grid_worker"),
                case_label(CallbackCall.result, CALLBACK_RESULTS).label("result"),
                CallbackCall.called_on.label("called_on"),
                CallbackCall.notes.label("notes"),
            )
            .join(CallbackSample, CallbackSample.id == CallbackCall.sample_id)
            .join(Grid, Grid.id == CallbackSample.grid_id)
            .outerjoin(Unit, Unit.id == Grid.village_id)
            .join(Household, Household.id == CallbackCall.household_id)
            .outerjoin(Visit, Visit.id == CallbackCall.visit_id)
            .outerjoin(worker, worker.id == Visit.grid_worker_id)
            .where(CallbackCall.deleted_at.is_(None), CallbackSample.deleted_at.is_(None))
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """Household head, address and grid name."""
        return (Household.head_name, Household.address, Grid.name)

    def filters(self) -> Sequence[RegisterFilter]:
        """回访结果 and 网格."""
        with self.engine.connect() as conn:
            grids = conn.execute(
                select(Grid.id, (func.coalesce(Unit.name, "") + Grid.name).label("name"))
                .outerjoin(Unit, Unit.id == Grid.village_id)
                .where(Grid.deleted_at.is_(None))
                .order_by(Unit.sort_order, Grid.sort_order, Grid.id)
            ).all()
        results = [*CALLBACK_RESULTS.items(), (OVERDUE_PENDING, f"超过{CALLBACK_DAYS}天未回访")]
        return (
            RegisterFilter("result", "回访结果", results),
            RegisterFilter("grid", "网格", [(g.id, g.name) for g in grids]),
        )

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The WHERE clause of the result and grid filters."""
        if key == "result" and value == OVERDUE_PENDING:
            cutoff = (self.today or date.today()) - timedelta(days=CALLBACK_DAYS)
            return (CallbackCall.result == "pending") & (CallbackSample.drawn_on < cutoff)
        if key == "result":
            return CallbackCall.result == value
        if key == "grid":
            return CallbackSample.grid_id == value
        return None


class CallbackService(RecordService):
    """Records the answer of one callback; a call is never created by hand, only drawn."""

    model = CallbackCall
    noun = "回访记录"
    fields = (
        FormField(
            "result",
            "回访结果",
            kind="choice",
            required=True,
            choices=list(CALLBACK_RESULTS.items()),
        ),
        FormField("called_on", "回访日期", kind="date"),
        FormField("notes", "备注", kind="multiline", max_length=2000),
    )

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """An answered call has a date, not in the future and not before the draw."""
        if record_id is None:
            return {"": "回访记录只能通过抽样生成"}
        called, result = values["called_on"], values["result"]
        if result == "pending":
            return {"called_on": "待回访的记录不应填写回访日期"} if called else {}
        if called is None:
            return {"called_on": "请填写回访日期"}
        if called > date.today():
            return {"called_on": "回访日期不能晚于今天"}
        drawn = session.scalar(
            select(CallbackSample.drawn_on)
            .join(CallbackCall, CallbackCall.sample_id == CallbackSample.id)
            .where(CallbackCall.id == record_id)
        )
        if drawn is not None and called < drawn:
            return {"called_on": f"回访日期不能早于抽取日期{drawn}"}
        return {}

    def title_of(self, obj: CallbackCall) -> str:
        """The call's number."""
        return f"第{obj.id}号回访"


def grid_choices(engine: Engine) -> list[tuple[int, str, str]]:
    """Live grids of live villages as (id, village name, grid name), in list order."""
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(Grid.id, Unit.name, Grid.name)
            .join(Unit, Unit.id == Grid.village_id)
            .where(Grid.deleted_at.is_(None), Unit.deleted_at.is_(None))
            .order_by(Unit.sort_order, Unit.id, Grid.sort_order, Grid.id)
        ).all()
    return [(gid, village, grid) for gid, village, grid in rows]
