"""Annual assessment scores against a hand-computed fixture with known weights."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.core.progress import run_to_end
from app.core.validation import ValidationError
from app.households.coverage import coverage
from app.oversight.assessment import (
    Weights,
    assess,
    export_assessment_xlsx,
    load_weights,
    report_deadline,
    save_weights,
)
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
        "rectification": None,  # no deadline fell in the year
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
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["名次", "单位", "类别"]
    assert headers[-6:] == [
        "整改按期完成率",
        "按期整改",
        "逾期整改",
        "逾期未整改",
        "加减分",
        "得分",
    ]
    first = dict(zip(headers, [c.value for c in sheet[2]], strict=True))
    assert (first["名次"], first["单位"], first["得分"]) == (1, "白鹤村", 71.0)
    assert first["整改按期完成率"] is None and first["逾期未整改"] == 0


def test_february_reports_are_due_on_its_last_day_in_a_common_year():
    assert report_deadline(2025, 2) == date(2025, 2, 28)
    assert report_deadline(2024, 2) == date(2024, 2, 29)
    assert report_deadline(2025, 3) == date(2025, 3, 29)


def _rectification(engine, unit_name, kind, issued, due, done=None):
    with unit_of_work(engine) as s:
        unit = s.query(Unit).filter_by(name=unit_name).one()
        s.add(Commendation(unit_id=unit.id, kind=kind, reason="整改", issued_on=issued,
                           rectification_due=due, rectified_on=done))  # fmt: skip


def test_rectification_deadlines_met_count_with_their_weight(township, tmp_path):
    _rectification(township, "青山村", "criticism", date(YEAR, 7, 1), date(YEAR, 7, 31),
                   date(YEAR, 7, 20))  # met  # fmt: skip
    _rectification(township, "青山村", "red_card", date(YEAR, 9, 1), date(YEAR, 10, 31))  # missed
    _rectification(township, "青山村", "yellow_card", date(YEAR, 11, 1), date(YEAR, 12, 20),
                   date(YEAR + 1, 1, 10))  # late  # fmt: skip
    _rectification(township, "青山村", "interview", date(YEAR, 12, 1), date(YEAR + 1, 1, 31))
    b = next(s for s in assess(township, YEAR, today=TODAY) if s.name == "青山村")
    assert b.indicators["rectification"] == pytest.approx(1 / 3)
    record = b.rectifications
    assert (record.on_time, record.late, record.overdue) == (1, 1, 1)  # next year's not counted
    # (30×0.25 + 10×1/3) / 90 × 100, and −2 −2 −10 −5 −3 (the interview was issued in the year)
    assert b.points == -22 and b.score == Decimal("-9.96")
    weights = load_weights(township)
    save_weights(township, replace(weights, indicators={**weights.indicators, "rectification": 0}))
    b = next(s for s in assess(township, YEAR, today=TODAY) if s.name == "青山村")
    assert b.score == Decimal("-12.63")  # 30×0.25 / 80 × 100 − 22 = −12.625, half away from 0
    out = tmp_path / "考核.xlsx"
    run_to_end(export_assessment_xlsx(assess(township, YEAR, today=TODAY), YEAR, out))
    sheet = load_workbook(out).active
    headers = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == "青山村")
    values = dict(zip(headers, row, strict=True))
    assert (values["按期整改"], values["逾期整改"], values["逾期未整改"]) == (1, 1, 1)
    assert values["整改按期完成率"] == round(1 / 3, 4)


def test_this_years_household_figures_are_the_coverage(engine):
    """This year, as of today: the figures of the 入户走访 tab and the overview, to the household
    (a refusal is a visit there, 不在家 is not; a deleted household counts nowhere)."""
    today = date(2026, 6, 30)
    with unit_of_work(engine) as s:
        village = Unit(name="白鹤村", kind="village")
        s.add(village)
        s.flush()
        for n, last in enumerate((date(2026, 3, 1), date(2026, 6, 1), date(2025, 12, 1), None)):
            s.add(Household(village_id=village.id, address=f"{n}号", head_name=f"户{n}",
                            last_visited_on=last))  # fmt: skip
        s.add(
            Household(
                village_id=village.id,
                address="拆",
                head_name="已删",
                last_visited_on=date(2026, 5, 1),
                deleted_at=datetime(2026, 5, 2),
            )
        )
        s.flush()
        first = s.query(Household).filter_by(address="0号").one()
        s.add(Letter(kind="commitment_household", number="C1", household_id=first.id,
                     status="signed", signed_on=date(2026, 3, 1)))  # fmt: skip
    sheet = next(s for s in assess(engine, 2026, today=today) if s.name == "白鹤村")
    row = next(r for r in coverage(engine, today).villages if r.village == "白鹤村")
    assert (row.households, row.visited, row.commitment_signed) == (4, 2, 1)
    assert sheet.indicators["visit_coverage"] == 0.5
    assert sheet.indicators["commitment_signed"] == 0.25


def test_a_month_reported_before_its_deadline_is_not_yet_counted(township):
    """On 10 March only January and February were due: a March report early is not a third."""
    with unit_of_work(township) as s:
        school = s.query(Unit).filter_by(name="中心小学").one()
        s.add(PublicityActivity(held_on=date(YEAR + 1, 1, 5), unit_id=school.id, title="寒假",
                                form="进学校", reported_on=date(YEAR + 1, 1, 6)))  # fmt: skip
        s.add(PublicityActivity(held_on=date(YEAR + 1, 3, 2), unit_id=school.id, title="开学",
                                form="进学校", reported_on=date(YEAR + 1, 3, 3)))  # fmt: skip
    sheets = assess(township, YEAR + 1, today=date(YEAR + 1, 3, 10))
    school = next(s for s in sheets if s.name == "中心小学")
    assert school.indicators["publicity_on_time"] == 0.5  # January of the two due


def test_the_page_shows_whole_names_and_what_the_rectification_share_counts(qtbot, township):
    from ui.tabs.oversight.assessment import HEADERS, AssessmentView

    long_name = "清溪镇新时代文明实践所"
    with unit_of_work(township) as s:
        s.add(Unit(name=long_name, kind="institution", sort_order=4))
    _rectification(township, "青山村", "criticism", date(YEAR, 7, 1), date(YEAR, 7, 31),
                   date(YEAR, 7, 20))  # fmt: skip
    _rectification(township, "青山村", "red_card", date(YEAR, 9, 1), date(YEAR, 10, 31))
    view = AssessmentView(township)
    qtbot.addWidget(view)
    view.resize(1100, 600)
    view.year.setValue(YEAR)
    view.show()
    qtbot.waitUntil(lambda: view.table.rowCount() == 4)
    rows = {view.table.item(r, 1).text(): r for r in range(4)}
    column = HEADERS.index("整改按期完成率")
    cell = view.table.item(rows["青山村"], column)
    assert cell.text() == "50.0%"
    assert cell.toolTip() == "按期整改 1 项，逾期整改 0 项，逾期未整改 1 项，整改中 0 项"
    assert view.table.item(rows["白鹤村"], column).text() == "—"
    metrics = view.table.fontMetrics()
    assert view.table.columnWidth(1) > metrics.horizontalAdvance(long_name)
