"""Annual assessment scores against a hand-computed fixture with known weights."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.assessment import (
    Weights,
    assess,
    export_assessment_xlsx,
    load_weights,
    report_deadline,
    save_weights,
)
from app.progress import run_to_end
from app.validation import ValidationError
from db.engine import unit_of_work
from db.models import (
    CaseStat,
    Commendation,
    Employee,
    Household,
    Letter,
    Meeting,
    MeetingAttendance,
    PublicityActivity,
    Unit,
    Visit,
)

YEAR = 2024
TODAY = date(2025, 3, 1)


@pytest.fixture
def township(engine):
    with unit_of_work(engine) as s:
        a = Unit(name="白鹤村", kind="village", sort_order=1)
        b = Unit(name="青山村", kind="village", sort_order=2)
        school = Unit(name="中心小学", kind="school", sort_order=3)
        outsider = Unit(name="不是成员的企业", kind="enterprise", is_member=False)
        s.add_all([a, b, school, outsider])
        s.flush()

        def households(village, count, visited, signed):
            for n in range(count):
                h = Household(village_id=village.id, address=f"{n}号", head_name=f"户{n}")
                s.add(h)
                s.flush()
                if n < visited:
                    s.add(
                        Visit(
                            household_id=h.id,
                            visited_on=date(YEAR, 5, 1),
                            mode="in_person",
                            outcome="visited",
                        )
                    )
                elif n == visited:  # nobody home does not count, nor a visit of another year
                    s.add(
                        Visit(
                            household_id=h.id,
                            visited_on=date(YEAR, 5, 1),
                            mode="in_person",
                            outcome="nobody_home",
                        )
                    )
                    s.add(
                        Visit(
                            household_id=h.id,
                            visited_on=date(YEAR - 1, 5, 1),
                            mode="in_person",
                            outcome="visited",
                        )
                    )
                if n < signed:
                    s.add(
                        Letter(
                            kind="commitment_household",
                            number=f"{village.id}-{n}",
                            household_id=h.id,
                            status="signed",
                        )
                    )

        households(a, 10, visited=8, signed=5)
        households(b, 4, visited=1, signed=0)
        for n in range(10):
            signed = date(YEAR, 3, 1) if n < 6 else (date(YEAR + 1, 1, 5) if n == 6 else None)
            s.add(Employee(unit_id=school.id, name=f"职工{n}", commitment_signed_on=signed))
        meeting = Meeting(kind="quarterly", title="三季度例会", held_at=datetime(YEAR, 9, 26, 9))
        s.add(meeting)
        s.flush()
        for unit, status in ((a, "present"), (b, "excused"), (school, "present")):
            s.add(MeetingAttendance(meeting_id=meeting.id, unit_id=unit.id, status=status))
        s.add(
            PublicityActivity(
                held_on=date(YEAR, 1, 10),
                unit_id=school.id,
                title="开学第一课",
                form="进学校",
                reported_on=date(YEAR, 1, 29),
            )
        )
        s.add(
            PublicityActivity(
                held_on=date(YEAR, 2, 10),
                unit_id=school.id,
                title="主题班会",
                form="进学校",
                reported_on=date(YEAR, 3, 2),
            )
        )
        s.add(CaseStat(village_id=a.id, year=YEAR, month=1, case_count=1, loss_fen=10000))
        s.add(CaseStat(village_id=a.id, year=YEAR - 1, month=1, case_count=3, loss_fen=50000))
        s.add(
            Commendation(unit_id=a.id, kind="praise", reason="劝阻成功", issued_on=date(YEAR, 6, 1))
        )
        s.add(
            Commendation(
                unit_id=b.id, kind="criticism", reason="走访不实", issued_on=date(YEAR, 7, 1)
            )
        )
        s.add(
            Commendation(
                unit_id=b.id, kind="red_card", reason="去年的", issued_on=date(YEAR - 1, 7, 1)
            )
        )
    return engine


def test_scores_and_ranks_match_the_hand_computation(township):
    sheets = assess(township, YEAR, today=TODAY)
    by_name = {s.name: s for s in sheets}
    assert set(by_name) == {"白鹤村", "青山村", "中心小学"}
    a, b, school = by_name["白鹤村"], by_name["青山村"], by_name["中心小学"]
    assert a.indicators == {
        "visit_coverage": 0.8,
        "commitment_signed": 0.5,
        "meeting_attendance": 1.0,
        "publicity_on_time": 0.0,
        "case_trend": 1.0,
    }
    # (30×0.8 + 20×0.5 + 15×1 + 15×0 + 20×1) / 100 × 100 + 2
    assert a.points == 2 and a.score == Decimal("71.00")
    assert b.indicators["case_trend"] is None and b.indicators["visit_coverage"] == 0.25
    # 30×0.25 / 80 × 100 − 2
    assert b.score == Decimal("7.38")
    assert school.indicators["visit_coverage"] is None
    assert school.indicators["commitment_signed"] == 0.6
    assert school.indicators["publicity_on_time"] == pytest.approx(1 / 12)
    # (20×0.6 + 15×1 + 15/12) / 50 × 100
    assert school.score == Decimal("56.50")
    assert [(s.rank, s.name) for s in sheets] == [(1, "白鹤村"), (2, "中心小学"), (3, "青山村")]


def test_the_office_sets_the_weights(township):
    weights = load_weights(township)
    changed = replace(weights, indicators={**weights.indicators, "visit_coverage": 0})
    save_weights(township, changed, "head")
    assert load_weights(township).indicators["visit_coverage"] == 0
    a = next(s for s in assess(township, YEAR, today=TODAY) if s.name == "白鹤村")
    # (20×0.5 + 15 + 0 + 20) / 70 × 100 + 2
    assert a.score == Decimal("66.29")
    with pytest.raises(ValidationError):
        save_weights(township, Weights({k: 0 for k in weights.indicators}, weights.points))
    with pytest.raises(ValidationError):
        save_weights(township, replace(weights, points={"praise": 500}))


def test_export_is_a_ranked_workbook(township, tmp_path):
    sheets = assess(township, YEAR, today=TODAY)
    out = tmp_path / "考核.xlsx"
    assert run_to_end(export_assessment_xlsx(sheets, YEAR, out)) == 3
    sheet = load_workbook(out).active
    assert sheet.title == "2024年度考核"
    assert [c.value for c in sheet[1]][:3] == ["名次", "单位", "类别"]
    assert [c.value for c in sheet[2]][:2] == [1, "白鹤村"] and sheet.cell(2, 10).value == 71.0


def test_february_reports_are_due_on_its_last_day_in_a_common_year():
    assert report_deadline(2025, 2) == date(2025, 2, 28)
    assert report_deadline(2024, 2) == date(2024, 2, 29)
    assert report_deadline(2025, 3) == date(2025, 3, 29)
