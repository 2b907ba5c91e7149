"""Callback sampling (电话回访抽查): did the visits a grid reports really happen?

The office draws N visited households of a grid at random and calls them. A draw is
reproducible: the candidates are the grid's live households with a phone and a visit in the
stored period, ordered by id, and `random.Random(seed)` picks from them, so the same seed over
the same records gives the same households. The confirmation rate of a grid worker is
confirmed ÷ (confirmed + not confirmed): an unreachable household says nothing either way.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, case, func, select
from sqlalchemy.orm import Session, aliased

from app import audit
from app.records import RecordService
from app.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.validation import FormField, ValidationError
from app.vocab import CALLBACK_RESULTS
from db.engine import unit_of_work
from db.models import CallbackCall, CallbackSample, Grid, Household, Person, Unit, Visit

MAX_SAMPLE = 200
# A drawn household should be called within this many days; later, it is overdue.
CALLBACK_DAYS = 14
# The 回访结果 filter's choice for calls still pending that long after the draw.
OVERDUE_PENDING = "overdue_pending"


@dataclass(frozen=True)
class Draw:
    """The result of a draw: the stored sample, its households and a note for the clerk."""

    sample_id: int
    seed: int
    household_ids: tuple[int, ...]
    candidates: int
    note: str


def pick(candidates: Sequence[int], size: int, seed: int) -> list[int]:
    """The households a seed picks from candidates (sorted first, so order never matters)."""
    ordered = sorted(candidates)
    return sorted(random.Random(seed).sample(ordered, min(size, len(ordered))))


def _candidates(
    session: Session, grid_id: int, visited_from: date, visited_to: date
) -> dict[int, int]:
    """Household id → its latest visit id in the period, for live households with a phone."""
    rows = session.execute(
        select(Visit.household_id, func.max(Visit.id))
        .join(Household, Household.id == Visit.household_id)
        .where(
            Household.grid_id == grid_id,
            Household.deleted_at.is_(None),
            Household.phone.is_not(None),
            Household.phone != "",
            Visit.deleted_at.is_(None),
            Visit.outcome == "visited",
            Visit.visited_on.between(visited_from, visited_to),
        )
        .group_by(Visit.household_id)
    ).all()
    return {household_id: visit_id for household_id, visit_id in rows}


def draw_sample(
    engine: Engine,
    grid_id: int,
    size: int,
    visited_from: date,
    visited_to: date,
    *,
    seed: int | None = None,
    inspection_id: int | None = None,
    drawn_on: date | None = None,
    user: str | None = None,
) -> Draw:
    """Draw and store a sample of a grid's visited households, with a pending call for each.

    Raises ValidationError for a bad size or period. Fewer candidates than asked: all are
    taken and the note says so.
    """
    errors = {}
    if not 1 <= size <= MAX_SAMPLE:
        errors["size"] = f"抽查户数应在1到{MAX_SAMPLE}之间"
    if visited_from > visited_to:
        errors["visited_from"] = "走访时间段的开始日期不能晚于结束日期"
    if errors:
        raise ValidationError(errors)
    seed = random.SystemRandom().getrandbits(31) if seed is None else seed
    with unit_of_work(engine, user) as session:
        grid = session.get(Grid, grid_id)
        if grid is None or grid.deleted_at is not None:
            raise ValidationError({"grid_id": "网格不存在或已被删除"})
        candidates = _candidates(session, grid_id, visited_from, visited_to)
        if not candidates:
            raise ValidationError(
                {"grid_id": f"“{grid.name}”在{visited_from}至{visited_to}没有可回访的已走访住户"}
            )
        chosen = pick(list(candidates), size, seed)
        sample = CallbackSample(
            inspection_id=inspection_id,
            grid_id=grid_id,
            drawn_on=drawn_on or date.today(),
            seed=seed,
            sample_size=len(chosen),
            visited_from=visited_from,
            visited_to=visited_to,
        )
        session.add(sample)
        session.flush()
        session.add_all(
            CallbackCall(
                sample_id=sample.id,
                household_id=household_id,
                visit_id=candidates[household_id],
                result="pending",
            )
            for household_id in chosen
        )
        audit.record(session, "create", "callback_sample", sample.uuid, f"{len(chosen)} calls")
        sample_id = sample.id
    note = f"已抽取{len(chosen)}户"
    if len(chosen) < size:
        note = f"该网格符合条件的住户只有{len(candidates)}户，已全部抽取"
    return Draw(sample_id, seed, tuple(chosen), len(candidates), note)


def redraw(engine: Engine, sample_id: int) -> list[int]:
    """The households the stored sample's seed picks today: equal to the stored ones unless
    households or visits of that period were changed since."""
    with unit_of_work(engine) as session:
        sample = session.get(CallbackSample, sample_id)
        if sample is None or sample.visited_from is None or sample.visited_to is None:
            raise ValidationError({"": "该抽样没有记录走访时间段，无法复现"})
        candidates = _candidates(session, sample.grid_id, sample.visited_from, sample.visited_to)
        return pick(list(candidates), sample.sample_size, sample.seed)


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


def grid_choices(engine: Engine) -> list[tuple[int, str]]:
    """Live grids as (id, 村居+网格 name)."""
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(Grid.id, Unit.name, Grid.name)
            .join(Unit, Unit.id == Grid.village_id)
            .where(Grid.deleted_at.is_(None))
            .order_by(Unit.sort_order, Unit.id, Grid.sort_order, Grid.id)
        ).all()
    return [(gid, f"{village}{grid}") for gid, village, grid in rows]
