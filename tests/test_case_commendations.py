"""表彰与批评: kinds, rectification deadlines and whether they were met, and how the annual
assessment reads them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.cases.commendations import (
    CommendationRegister,
    CommendationService,
    rectification_record,
)
from app.core.registers import RegisterQuery
from app.core.validation import ValidationError
from app.oversight.assessment import DEFAULT_POINTS, assess
from db.engine import unit_of_work
from db.models import Unit

TODAY = date.today()


@pytest.fixture
def units(engine):
    with unit_of_work(engine) as s:
        bh = Unit(name="白鹤村", kind="village", is_member=True)
        school = Unit(name="清溪小学", kind="school", is_member=True)
        s.add_all([bh, school])
        s.flush()
        return {"bh": bh.id, "school": school.id}


def _mark(engine, unit, kind, issued, due=None, done=None, reason="工作情况") -> int:
    return CommendationService(engine, "clerk").create({
        "unit_id": unit, "kind": kind, "reason": reason, "issued_on": issued,
        "rectification_due": due, "rectified_on": done,
    })  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "issued", "due", "done", "errors"),
    [
        ("praise", date(2024, 3, 1), date(2024, 4, 1), None,
         {"rectification_due": "通报表扬不需要整改"}),
        ("criticism", TODAY + timedelta(days=1), None, None, {"issued_on": "日期不能晚于今天"}),
        ("criticism", date(2024, 3, 1), date(2024, 2, 1), None,
         {"rectification_due": "整改期限不能早于通报日期"}),
        ("yellow_card", date(2024, 3, 1), None, date(2024, 3, 5),
         {"rectification_due": "填写了整改完成日期，请同时填写整改期限"}),
        ("red_card", date(2024, 3, 1), date(2024, 4, 1), date(2024, 2, 1),
         {"rectified_on": "整改完成日期不能早于通报日期"}),
        ("interview", date(2024, 3, 1), TODAY + timedelta(days=30), TODAY + timedelta(days=1),
         {"rectified_on": "整改完成日期不能晚于今天"}),
    ],
)  # fmt: skip
def test_bad_dates_are_refused(engine, units, kind, issued, due, done, errors):
    with pytest.raises(ValidationError) as caught:
        _mark(engine, units["bh"], kind, issued, due, done)
    assert caught.value.errors == errors
    assert CommendationRegister(engine).count(RegisterQuery()) == 0


def test_whether_each_rectification_deadline_was_met(engine, units):
    bh, school = units["bh"], units["school"]
    _mark(engine, bh, "praise", date(2024, 2, 1))
    _mark(engine, bh, "criticism", date(2024, 3, 1), date(2024, 3, 31), date(2024, 3, 20))
    _mark(engine, bh, "yellow_card", date(2024, 5, 1), date(2024, 5, 31), date(2024, 6, 10))
    _mark(engine, bh, "red_card", date(2024, 7, 1), date(2024, 7, 31))
    _mark(engine, school, "interview", TODAY - timedelta(days=3), TODAY + timedelta(days=27))
    register = CommendationRegister(engine)
    state = register.column_index("rectification")
    shown = [r.values[state] for r in register.fetch(RegisterQuery(), 0, 10)]
    assert shown == ["无需整改", "按期整改", "逾期整改", "整改逾期", "整改中"]
    for key, count in (("on_time", 1), ("late", 1), ("overdue", 1), ("open", 1), ("none", 1)):
        assert register.count(RegisterQuery(filters={"rectification": key})) == count, key
    record = rectification_record(engine, date(2024, 1, 1), date(2024, 12, 31))
    assert set(record) == {bh}
    r = record[bh]
    assert (r.on_time, r.late, r.overdue, r.open) == (1, 1, 1, 0)
    assert r.met_share == pytest.approx(1 / 3)


def test_the_annual_assessment_counts_them(engine, units):
    bh, school = units["bh"], units["school"]
    _mark(engine, bh, "praise", date(2024, 2, 1))
    _mark(engine, bh, "praise", date(2024, 9, 1))
    _mark(engine, bh, "criticism", date(2024, 3, 1), date(2024, 3, 31), date(2024, 3, 20))
    _mark(engine, school, "red_card", date(2024, 7, 1), date(2024, 7, 31))
    _mark(engine, school, "interview", date(2023, 7, 1))  # another year
    sheets = {s.unit_id: s for s in assess(engine, 2024, today=date(2024, 12, 31))}
    points = DEFAULT_POINTS
    assert sheets[bh].points == 2 * points["praise"] + points["criticism"]
    assert sheets[school].points == points["red_card"]
