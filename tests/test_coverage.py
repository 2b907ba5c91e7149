"""Coverage figures against a small township counted by hand, and `wuzha stats --json`."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.core.progress import run_to_end
from app.households.coverage import coverage, export_coverage_xlsx, share
from app.households.records import HouseholdService, ResidentService
from app.households.visits import save_visit
from db.base import utcnow
from db.engine import unit_of_work
from db.models import Grid, Household, Letter, Resident, Unit

TODAY = date.today()


@pytest.fixture
def town(engine):
    """白鹤村 (grids 一 and 二, and one household without a grid) and 青山村 (no households).

    一网格: A visited this year, notice delivered, commitment signed, 2 of 3 residents with APP
            B visited last year only, notice delivered (printed letter marked at the visit)
    二网格: C never visited, nothing
    no grid: D visited this year (nobody home: does not count), nothing else
    """
    with unit_of_work(engine) as s:
        village, empty = Unit(name="白鹤村", kind="village"), Unit(name="青山村", kind="village")
        s.add_all([village, empty])
        s.flush()
        one, two = (
            Grid(village_id=village.id, name="一网格"),
            Grid(village_id=village.id, name="二网格"),
        )
        s.add_all([one, two])
        s.flush()
        ids = {"village": village.id, "one": one.id, "two": two.id}
    service = HouseholdService(engine)

    def household(name, grid):
        return service.create(
            {
                "village_id": ids["village"],
                "grid_id": grid,
                "address": f"白鹤村{name}号",
                "head_name": name,
                "size": 1,
            }
        )

    a, b = household("甲", ids["one"]), household("乙", ids["one"])
    household("丙", ids["two"])
    d = household("丁", None)
    with unit_of_work(engine) as s:
        for h in s.query(Household):
            h.created_at = utcnow() - timedelta(days=800)
    residents = ResidentService(engine, None, a)
    residents.create({"name": "甲妻", "relation": "spouse", "app_installed_on": TODAY})
    residents.create({"name": "甲子", "relation": "child"})
    visit = {"mode": "in_person", "outcome": "visited", "notice_delivered": True,
             "commitment_result": "signed", "visited_on": TODAY}  # fmt: skip
    with unit_of_work(engine) as s:
        head = s.query(Resident).filter_by(household_id=a, relation="head").one()
    save_visit(engine, a, visit, app_resident_ids=[head.id])
    with unit_of_work(engine) as s:
        s.add(Letter(kind="notice", number="GZ-B", household_id=b, status="printed",
                     printed_at=datetime.now()))  # fmt: skip
    last_year = date(TODAY.year - 1, 6, 1)
    save_visit(engine, b, {**visit, "visited_on": last_year, "commitment_result": "not_offered"})
    save_visit(engine, d, {**visit, "outcome": "nobody_home", "notice_delivered": False,
                           "commitment_result": None})  # fmt: skip
    return engine


def figures(row):
    return (row.households, row.visited, row.notice_delivered, row.commitment_signed,
            row.residents, row.app_installed)  # fmt: skip


def test_figures_per_grid_village_and_township(town):
    cov = coverage(town)
    by_name = {r.name: r for r in cov.grids}
    assert figures(by_name["白鹤村 / 一网格"]) == (2, 1, 2, 1, 4, 2)
    assert figures(by_name["白鹤村 / 二网格"]) == (1, 0, 0, 0, 1, 0)
    assert figures(by_name["白鹤村 / （未分网格）"]) == (1, 0, 0, 0, 1, 0)
    villages = {r.name: r for r in cov.villages}
    assert figures(villages["白鹤村"]) == (4, 1, 2, 1, 6, 2)
    assert figures(villages["青山村"]) == (0, 0, 0, 0, 0, 0)
    assert figures(cov.total) == (4, 1, 2, 1, 6, 2)
    assert cov.total.shares() == {
        "visited": Decimal("25.0"), "notice_delivered": Decimal("50.0"),
        "commitment_signed": Decimal("25.0"), "app_installed": Decimal("33.3"),
    }  # fmt: skip
    assert villages["青山村"].shares()["visited"] is None
    assert share(2, 3) == Decimal("66.7") and share(1, 8) == Decimal("12.5")


def test_export_has_both_sheets(town, tmp_path):
    out = tmp_path / "覆盖.xlsx"
    assert run_to_end(export_coverage_xlsx(coverage(town), out)) == 2 + 3
    book = load_workbook(out)
    villages, grids = book.worksheets
    assert [c.value for c in villages[1]][:4] == ["村居", "网格", "住户", "今年已走访"]
    assert [c.value for c in villages[4]][:5] == ["合计", None, 4, 1, 25]
    assert grids.max_row == 4


def test_stats_json_on_the_command_line(town):
    url = str(town.url.database)
    town.dispose()
    done = subprocess.run(
        [sys.executable, "-m", "ui.entry", "--db", url, "stats", "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    data = json.loads(done.stdout)
    assert data["year"] == TODAY.year
    assert data["total"]["households"] == 4 and data["total"]["percent"]["app_installed"] == 33.3
    assert [g["grid"] for g in data["grids"]] == ["一网格", "二网格", "（未分网格）"]
    table = subprocess.run(
        [sys.executable, "-m", "ui.entry", "--db", url, "stats"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "白鹤村" in table.stdout and "25.0%" in table.stdout


def test_coverage_and_the_monthly_notice_count_visits_alike(engine):
    """已走访 and 拒绝 reached the household; 不在家 did not: the same in both figures."""
    from app.oversight.monthly_figures import monthly_figures

    with unit_of_work(engine) as s:
        village = Unit(name="白鹤村", kind="village")
        s.add(village)
        s.flush()
        village_id = village.id
    service = HouseholdService(engine)
    outcomes = ("visited", "refused", "nobody_home")
    for n, outcome in enumerate(outcomes):
        household = service.create({"village_id": village_id, "address": f"{n}号",
                                    "head_name": f"户{n}", "size": 1})  # fmt: skip
        with unit_of_work(engine) as s:
            s.get(Household, household).created_at = utcnow() - timedelta(days=60)
        commitment = "not_offered" if outcome == "visited" else None
        save_visit(engine, household, {"mode": "in_person", "outcome": outcome,
                                       "visited_on": TODAY, "notice_delivered": False,
                                       "commitment_result": commitment})  # fmt: skip
    assert coverage(engine).total.visited == 2
    (month,) = monthly_figures(engine, TODAY.year, TODAY.month).villages
    assert (month.visited_this_month, month.visited_this_year) == (2, 2)
