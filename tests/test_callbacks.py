"""Callback sampling and inspections, on hand-built fixtures in a real database file."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.core.registers import RegisterQuery
from app.core.validation import ValidationError
from app.oversight.callback_results import CallbackService, confirmation_rates
from app.oversight.callbacks import draw_sample, draw_samples, grid_seed, pick, redraw
from app.oversight.inspections import InspectionRegister, InspectionService, overdue_rectifications
from db.engine import unit_of_work
from db.models import CallbackCall, Grid, Household, Person, Unit, Visit

TODAY = date.today()
START = TODAY - timedelta(days=60)


@pytest.fixture
def town(engine):
    """Two grids of one village. Grid A: 12 households visited in the period by 王网格 (two
    without a phone, one deleted, one only 'nobody home', one visited before the period).
    Grid B: 3 visited households by 李网格."""
    with unit_of_work(engine) as s:
        village = Unit(name="白鹤村", kind="village")
        wang, li = Person(name="王网格"), Person(name="李网格")
        s.add_all([village, wang, li])
        s.flush()
        grid_a = Grid(village_id=village.id, name="一网格", grid_worker_id=wang.id)
        grid_b = Grid(village_id=village.id, name="二网格", grid_worker_id=li.id)
        s.add_all([grid_a, grid_b])
        s.flush()

        def household(grid, n, phone="13800000000", deleted=False):
            h = Household(
                village_id=village.id,
                grid_id=grid.id,
                address=f"白鹤村{n}号",
                head_name=f"户主{n}",
                phone=phone,
                deleted_at=TODAY if deleted else None,
            )
            s.add(h)
            s.flush()
            return h

        def visit(h, grid, worker, day, outcome="visited"):
            s.add(
                Visit(
                    household_id=h.id,
                    grid_id=grid.id,
                    visited_on=day,
                    mode="in_person",
                    grid_worker_id=worker.id,
                    outcome=outcome,
                )
            )

        ids = {"a": [], "b": []}
        for n in range(12):
            h = household(grid_a, n)
            visit(h, grid_a, wang, START + timedelta(days=n))
            ids["a"].append(h.id)
        visit(household(grid_a, 100, phone=None), grid_a, wang, START)
        visit(household(grid_a, 101, phone=""), grid_a, wang, START)
        visit(household(grid_a, 102, deleted=True), grid_a, wang, START)
        visit(household(grid_a, 103), grid_a, wang, START, outcome="nobody_home")
        visit(household(grid_a, 104), grid_a, wang, START - timedelta(days=30))
        for n in range(3):
            h = household(grid_b, 200 + n)
            visit(h, grid_b, li, START + timedelta(days=n))
            ids["b"].append(h.id)
        return {"grid_a": grid_a.id, "grid_b": grid_b.id, **ids}


def test_pick_is_reproducible_and_independent_of_order():
    candidates = list(range(100, 160))
    first = pick(candidates, 8, seed=42)
    assert first == pick(list(reversed(candidates)), 8, seed=42)
    assert len(set(first)) == 8 and set(first) <= set(candidates)
    assert any(pick(candidates, 8, seed=s) != first for s in range(43, 48))


def test_draw_takes_only_visited_households_with_a_phone_in_the_period(engine, town):
    draw = draw_sample(engine, town["grid_a"], 5, START, TODAY, seed=7)
    assert draw.candidates == 12
    assert set(draw.household_ids) <= set(town["a"]) and len(draw.household_ids) == 5
    assert redraw(engine, draw.sample_id) == list(draw.household_ids)
    again = draw_sample(engine, town["grid_a"], 5, START, TODAY, seed=7)
    assert again.household_ids == draw.household_ids
    with unit_of_work(engine) as s:
        calls = s.scalars(
            select(CallbackCall).where(CallbackCall.sample_id == draw.sample_id)
        ).all()
    assert sorted(c.household_id for c in calls) == list(draw.household_ids)
    assert {c.result for c in calls} == {"pending"} and all(c.visit_id for c in calls)


def test_asking_for_more_than_the_grid_has_takes_all_and_says_so(engine, town):
    draw = draw_sample(engine, town["grid_b"], 10, START, TODAY, seed=1)
    assert sorted(draw.household_ids) == sorted(town["b"])
    assert "只有3户" in draw.note


def test_bad_draws_are_refused_and_store_nothing(engine, town):
    with pytest.raises(ValidationError) as caught:
        draw_sample(engine, town["grid_a"], 0, START, TODAY)
    assert "抽查户数" in caught.value.errors["size"]
    with pytest.raises(ValidationError):
        draw_sample(engine, town["grid_a"], 3, TODAY, START)
    with pytest.raises(ValidationError) as caught:
        draw_sample(
            engine, town["grid_a"], 3, START - timedelta(days=400), START - timedelta(days=365)
        )
    assert "没有可回访" in caught.value.errors["grid_id"]
    with unit_of_work(engine) as s:
        assert s.scalars(select(CallbackCall)).all() == []


def test_confirmation_rate_per_grid_worker_ignores_unreachable(engine, town):
    a = draw_sample(engine, town["grid_a"], 6, START, TODAY, seed=3, drawn_on=TODAY)
    b = draw_sample(engine, town["grid_b"], 3, START, TODAY, seed=3, drawn_on=TODAY)
    service = CallbackService(engine, "clerk")
    with unit_of_work(engine) as s:
        calls_a = s.scalars(
            select(CallbackCall.id).where(CallbackCall.sample_id == a.sample_id)
        ).all()
        calls_b = s.scalars(
            select(CallbackCall.id).where(CallbackCall.sample_id == b.sample_id)
        ).all()
    results_a = ["confirmed", "confirmed", "confirmed", "not_confirmed", "unreachable", "pending"]
    for call_id, result in zip(calls_a, results_a, strict=True):
        service.update(
            call_id, {"result": result, "called_on": None if result == "pending" else TODAY}
        )
    for call_id in calls_b:
        service.update(call_id, {"result": "unreachable", "called_on": TODAY})
    rates = {r.name: r for r in confirmation_rates(engine)}
    wang, li = rates["王网格"], rates["李网格"]
    assert (wang.calls, wang.confirmed, wang.not_confirmed, wang.unreachable, wang.pending) == (
        6,
        3,
        1,
        1,
        1,
    )
    assert wang.rate == 0.75
    assert li.rate is None and li.unreachable == 3
    per_grid = {r.name: r.calls for r in confirmation_rates(engine, by="grid")}
    assert per_grid == {"白鹤村一网格": 6, "白鹤村二网格": 3}


def test_a_call_answer_needs_a_date_not_before_the_draw(engine, town):
    draw = draw_sample(engine, town["grid_b"], 1, START, TODAY, seed=2, drawn_on=TODAY)
    with unit_of_work(engine) as s:
        call_id = s.scalar(select(CallbackCall.id).where(CallbackCall.sample_id == draw.sample_id))
    service = CallbackService(engine, "clerk")
    with pytest.raises(ValidationError) as caught:
        service.update(call_id, {"result": "confirmed"})
    assert caught.value.errors == {"called_on": "请填写回访日期"}
    with pytest.raises(ValidationError) as caught:
        service.update(call_id, {"result": "confirmed", "called_on": TODAY - timedelta(days=1)})
    assert "不能早于抽取日期" in caught.value.errors["called_on"]
    with pytest.raises(ValidationError):
        service.create({"result": "confirmed", "called_on": TODAY})


def test_inspection_deadlines_and_the_overdue_filter(engine, town):
    service = InspectionService(engine, "clerk")
    with unit_of_work(engine) as s:
        village_id = s.scalar(select(Unit.id))
    base = {"unit_id": village_id, "method": "on_site", "inspectors": "镇平安办"}
    with pytest.raises(ValidationError) as caught:
        service.create(
            {
                **base,
                "inspected_on": TODAY,
                "rectification": "补录走访",
                "rectification_due": TODAY - timedelta(days=1),
            }
        )
    assert caught.value.errors == {"rectification_due": "整改期限不能早于检查日期"}
    late = service.create(
        {
            **base,
            "inspected_on": TODAY - timedelta(days=20),
            "rectification": "补录",
            "rectification_due": TODAY - timedelta(days=5),
        }
    )
    service.create(
        {
            **base,
            "inspected_on": TODAY - timedelta(days=20),
            "rectification": "补录",
            "rectification_due": TODAY + timedelta(days=5),
        }
    )
    service.create(
        {
            **base,
            "inspected_on": TODAY - timedelta(days=20),
            "rectification": "补录",
            "rectification_due": TODAY - timedelta(days=5),
            "rectified_on": TODAY,
        }
    )
    service.create({**base, "inspected_on": TODAY})
    register = InspectionRegister(engine)
    states = {
        state: register.count(RegisterQuery(filters={"state": state}))
        for state in ("overdue", "open", "done", "none")
    }
    assert states == {"overdue": 1, "open": 1, "done": 1, "none": 1}
    assert overdue_rectifications(engine) == [(late, "白鹤村")]


def test_a_draw_over_several_grids_takes_n_in_each_reproducibly(engine, town):
    grids = [town["grid_a"], town["grid_b"]]
    seed, draws = draw_samples(engine, grids, 2, START, TODAY, seed=11)
    assert seed == 11
    assert [d.seed for d in draws] == [grid_seed(11, g) for g in sorted(grids)]
    by_grid = dict(zip(sorted(grids), draws, strict=True))
    assert set(by_grid[town["grid_a"]].household_ids) <= set(town["a"])
    assert set(by_grid[town["grid_b"]].household_ids) <= set(town["b"])
    assert all(len(d.household_ids) == 2 for d in draws)
    assert all(redraw(engine, d.sample_id) == list(d.household_ids) for d in draws)
    _, again = draw_samples(engine, list(reversed(grids)), 2, START, TODAY, seed=11)
    assert [d.household_ids for d in again] == [d.household_ids for d in draws]
    # a grid with nobody to call is passed over; when no grid has anyone, nothing is stored
    with unit_of_work(engine) as s:
        empty = Grid(village_id=s.scalar(select(Unit.id)), name="三网格")
        s.add(empty)
        s.flush()
        empty_id = empty.id
    _, some = draw_samples(engine, [empty_id, town["grid_b"]], 1, START, TODAY, seed=3)
    assert len(some) == 1
    with unit_of_work(engine) as s:
        before = len(s.scalars(select(CallbackCall)).all())
    with pytest.raises(ValidationError) as caught:
        draw_samples(engine, [empty_id], 1, START, TODAY)
    assert "都没有可回访" in caught.value.errors["grid_id"]
    with pytest.raises(ValidationError):
        draw_samples(engine, grids, 0, START, TODAY)
    with unit_of_work(engine) as s:
        assert len(s.scalars(select(CallbackCall)).all()) == before
