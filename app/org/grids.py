"""Villages and their grids (村居与网格): each grid staffed by a grid worker and a police officer.

Seed 001: "网格长(网格员)+民警(辅警)" share a grid and visit its households. Household counts come
from the household register. A grid moved to another village takes its households with it;
two grids merged become one, with every household and visit of both, in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, String, case, cast, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.core import audit
from app.core.records import RecordService
from app.core.registers import RegisterColumn, RegisterFilter, SqlRegister, case_label
from app.core.validation import FormField, ValidationError
from app.core.vocab import PERSON_CATEGORIES
from app.org.grid_moves import (
    SEATS,
    grid_records,
    live_grid,
    live_village,
    move_households,
    name_clash,
)
from app.org.people import PeopleResolver, WantedPerson, unit_choices
from db.engine import unit_of_work
from db.models import CallbackSample, Grid, Household, Person, Unit

POLICE_KINDS = {"police_officer": "民警", "auxiliary_police": "辅警"}


def village_choices(engine: Engine) -> list[tuple[int, str]]:
    """Live villages as (id, name) in the unit list's order."""
    return unit_choices(engine, "village")


GRID_DETAIL_FIELDS = (
    FormField("name", "网格名称", required=True, max_length=64, placeholder="如：第1网格"),
    FormField("code", "网格编号", max_length=32),
    FormField("worker_name", "网格员", max_length=64,
              extra={"contact": "worker_mobile", "person_key": "worker_person_id"}),
    FormField("worker_mobile", "网格员手机", kind="phone"),
    FormField("police_name", "民警/辅警", max_length=64,
              extra={"contact": "police_mobile", "person_key": "police_person_id"}),
    FormField("police_kind", "警员身份", kind="choice", choices=list(POLICE_KINDS.items())),
    FormField("police_mobile", "民警/辅警手机", kind="phone"),
    FormField("notes", "备注", kind="multiline", max_length=2000),
)  # fmt: skip


def grid_fields(engine: Engine) -> tuple[FormField, ...]:
    """The grid form: its village, name and code, and its two people."""
    village = FormField(
        "village_id", "所属村居", kind="choice", required=True,
        choices=lambda: village_choices(engine),
    )  # fmt: skip
    return (village, *GRID_DETAIL_FIELDS)


def _household_count(grid: Any = Grid) -> ColumnElement:
    return (
        select(func.count())
        .where(Household.grid_id == grid.id, Household.deleted_at.is_(None))
        .scalar_subquery()
    )


def _visited_count(since: date) -> ColumnElement:
    # a sum over the grid's households, not a count with the date in WHERE: with the date there,
    # SQLite walks the (deleted_at, last_visited_on) index of the whole township for every grid
    return (
        select(func.coalesce(func.sum(case((Household.last_visited_on >= since, 1), else_=0)), 0))
        .where(Household.grid_id == Grid.id, Household.deleted_at.is_(None))
        .scalar_subquery()
    )


class GridRegister(SqlRegister):
    """Every live grid with its village, people, households and this year's visited households."""

    title = "网格"
    columns = (
        RegisterColumn("village", "村居", 9),
        RegisterColumn("name", "网格名称", 8),
        RegisterColumn("code", "编号", 7),
        RegisterColumn("households", "住户数", 6, numeric=True),
        RegisterColumn("visited", "本年已走访", 8, numeric=True),
        RegisterColumn("worker", "网格员", 7),
        RegisterColumn("worker_mobile", "网格员手机", 12, personal="phone"),
        RegisterColumn("police", "民警/辅警", 7),
        RegisterColumn("police_kind", "身份", 4),
        RegisterColumn("police_mobile", "民警手机", 12, personal="phone"),
        RegisterColumn("notes", "备注", 16),
    )
    default_sort = "position"

    def select_rows(self) -> Select:
        """Grids of live villages with their people's names and phones and the counts."""
        worker, police = aliased(Person), aliased(Person)
        since = date(date.today().year, 1, 1)
        return (
            select(
                Grid.id.label("id"),
                Unit.name.label("village"),
                Grid.name.label("name"),
                Grid.code.label("code"),
                worker.name.label("worker"),
                worker.mobile.label("worker_mobile"),
                police.name.label("police"),
                case_label(police.category, PERSON_CATEGORIES).label("police_kind"),
                police.mobile.label("police_mobile"),
                _household_count().label("households"),
                _visited_count(since).label("visited"),
                Grid.notes.label("notes"),
                (Unit.sort_order * 100000 + Grid.sort_order).label("position"),
            )
            .join(Unit, Unit.id == Grid.village_id)
            .outerjoin(worker, worker.id == Grid.grid_worker_id)
            .outerjoin(police, police.id == Grid.police_officer_id)
            .where(Grid.deleted_at.is_(None), Unit.deleted_at.is_(None))
        )

    def search_columns(self) -> Sequence[ColumnElement]:
        """Village, grid name and code, and the names of its people."""
        people = (
            select(func.group_concat(Person.name, " "))
            .where(or_(Person.id == Grid.grid_worker_id, Person.id == Grid.police_officer_id))
            .scalar_subquery()
        )
        return (Unit.name, Grid.name, Grid.code, cast(people, String))

    def filters(self) -> Sequence[RegisterFilter]:
        """村居, and grids lacking a person."""
        return (
            RegisterFilter("village", "村居", village_choices(self.engine)),
            RegisterFilter(
                "staffing", "配备", [("no_worker", "缺网格员"), ("no_police", "缺民警/辅警")]
            ),
        )

    def filter_clause(self, key: str, value: Any) -> ColumnElement | None:
        """The WHERE clause of the village and staffing filters."""
        if key == "village":
            return Grid.village_id == value
        if key == "staffing":
            column = Grid.grid_worker_id if value == "no_worker" else Grid.police_officer_id
            return column.is_(None)
        return None


def staff_grid(
    session: Session, resolver: PeopleResolver, grid: Grid, values: Mapping[str, Any]
) -> None:
    """Give the grid the worker and officer the values name; an empty name empties the seat,
    a name key left out leaves it as it is."""
    for seat, (name_key, mobile_key) in SEATS.items():
        if name_key not in values:
            continue
        name = values[name_key]
        if not name:
            setattr(grid, seat, None)
            continue
        current = getattr(grid, seat)
        former = [session.get_one(Person, current)] if current else []
        police = seat == "police_officer_id"
        category = (values.get("police_kind") or "police_officer") if police else "grid_worker"
        person_key = name_key.replace("_name", "_person_id")
        wanted = WantedPerson(name, values.get(mobile_key), None, values.get(person_key))
        person = resolver.get(
            wanted, unit_id=None if police else grid.village_id, category=category, former=former
        )
        if police and values.get("police_kind"):
            person.category = values["police_kind"]
        setattr(grid, seat, person.id)


class GridService(RecordService):
    """Adds, edits and deletes grids; a grid with households or visits is merged, not deleted."""

    model = Grid
    noun = "网格"

    def __init__(self, engine: Engine, user: str | None = None) -> None:
        super().__init__(engine, user)
        self.fields = grid_fields(engine)

    def check(self, session: Session, values: dict[str, Any], record_id: int | None) -> dict:
        """The village is a live village; the name is unique in it, the code everywhere."""
        errors = {}
        try:
            live_village(session, values["village_id"])
        except ValidationError as exc:
            return exc.errors
        if name_clash(session, values["village_id"], values["name"], record_id):
            errors["name"] = f"该村居已有名为“{values['name']}”的网格"
        if values.get("code"):
            clash = session.scalar(
                select(Grid.id).where(
                    Grid.code == values["code"],
                    Grid.deleted_at.is_(None),
                    Grid.id != (record_id or 0),
                )
            )
            if clash:
                errors["code"] = f"网格编号“{values['code']}”已被其他网格使用"
        for name_key, mobile_key in SEATS.values():
            if values.get(mobile_key) and not values.get(name_key):
                errors[name_key] = "填了手机，但没有填姓名"
        return errors

    def load(self, record_id: int) -> dict[str, Any]:
        """The grid with its people's names and phones."""
        with unit_of_work(self.engine) as session:
            grid = live_grid(session, record_id)
            values: dict[str, Any] = {
                "village_id": grid.village_id,
                "name": grid.name,
                "code": grid.code,
                "notes": grid.notes,
            }
            for seat, (name_key, mobile_key) in SEATS.items():
                person = getattr(grid, seat.removesuffix("_id"))
                values[name_key] = person.name if person else None
                values[mobile_key] = person.mobile if person else None
                values[name_key.replace("_name", "_person_id")] = person.id if person else None
            police = grid.police_officer
            values["police_kind"] = (
                police.category if police and police.category in POLICE_KINDS else None
            )
            return values

    def _values(self, raw: Mapping[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        """The cleaned values with the contacts picked in the form."""
        picked = {k: raw.get(k) for k in ("worker_person_id", "police_person_id")}
        return {**values, **picked}

    def create(self, raw: Mapping[str, Any]) -> int:
        """A new grid at the end of its village."""
        with unit_of_work(self.engine, self.user) as session:
            values = self._values(raw, self._validated(session, raw, None))
            last = session.scalar(
                select(func.max(Grid.sort_order)).where(Grid.village_id == values["village_id"])
            )
            grid = Grid(
                village_id=values["village_id"],
                name=values["name"],
                code=values["code"],
                notes=values["notes"],
                sort_order=(last or 0) + 1,
            )
            session.add(grid)
            session.flush()
            staff_grid(session, PeopleResolver(session), grid, values)
            audit.record(session, "create", "grid", grid.uuid)
            return grid.id

    def update(self, record_id: int, raw: Mapping[str, Any]) -> None:
        """Store a grid's changes; a new village moves its households along."""
        with unit_of_work(self.engine, self.user) as session:
            grid = live_grid(session, record_id)
            values = self._values(raw, self._validated(session, raw, record_id))
            if values["village_id"] != grid.village_id:
                move_households(session, grid, values["village_id"])
            for key in ("village_id", "name", "code", "notes"):
                setattr(grid, key, values[key])
            staff_grid(session, PeopleResolver(session), grid, values)
            audit.record(session, "update", "grid", grid.uuid)

    def title_of(self, obj: Grid) -> str:
        """`溪口村第1网格`."""
        return f"{obj.village.name}{obj.name}"

    def check_delete(self, session: Session, obj: Grid) -> str | None:
        """A grid with live households or visits is merged into another, not deleted."""
        households, visits = grid_records(session, obj.id)
        if households or visits:
            return (
                f"“{obj.village.name}{obj.name}”还有{households}户住户、{visits}条走访记录，"
                "不能删除。请用“合并到…”把它并入其他网格（住户和走访记录随之转移）。"
            )
        return None

    def delete_question(self, record_id: int) -> str:
        """What deleting the grid leaves behind, asked first; `ValidationError` with the reason
        when it cannot be deleted."""
        with unit_of_work(self.engine) as session:
            grid = live_grid(session, record_id)
            reason = self.check_delete(session, grid)
            if reason:
                raise ValidationError({"": reason})
            names = [p.name for p in (grid.grid_worker, grid.police_officer) if p is not None]
            samples = session.scalar(
                select(func.count()).where(
                    CallbackSample.grid_id == grid.id, CallbackSample.deleted_at.is_(None)
                )
            )
            title = self.title_of(grid)
        lines = [f"确定删除网格“{title}”吗？"]
        if names:
            lines.append(f"{'、'.join(names)}将不再负责该网格（联系人保留）。")
        if samples:
            lines.append(f"该网格的{samples}次回访抽查记录保留。")
        return "\n".join(lines)
