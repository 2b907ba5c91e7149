"""Every figure of the dissuasion cases against a fixture counted by hand.

The fixture (all entered through CaseService, as the form does):

  no  when              source        person        village  type  risk   saved  lost  outcome
  1   2024-02-10 09:00  资金端预警    resident 张大山 白鹤村   A     1000   1000   0     success
  2   2024-03-05 10:00  96110 预警    李四 (typed)    青山村   A      500    300   200   partial
  3   2024-05-20 15:00  走访发现      王五 (typed)    白鹤村   B      800      0   800   failed
  4   2024-03-21 11:00  资金端预警    resident 张大山 白鹤村   B     2000      0  2000   transferred
  5   2024-11-11 08:30  群众求助*     赵六 (typed)    —        A      300    300     0   success
  6   2023-12-31 23:59  资金端预警    去年            白鹤村   A      100    100     0   success
  7   2025-01-01 00:00  资金端预警    明年            青山村   B      100    100     0   success
  8   2024-06-01        (deleted)

  A = 刷单返利, B = 虚假贷款; yuan; * 赵六 ticked 已预警 by hand; 资金端/96110 warn by themselves.
  Warned people in 2024: 张大山 (cases 1 and 4, one person), 李四, 赵六 → 3.
  Still transferred: 张大山 (4: 预警后仍转账), 李四 (2: lost 200 after the warning) → 2.
  预警后再转账率 2024 = 2/3, not below 2 %.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cases.dissuasion import CaseService
from app.cases.figures import dissuasion_summary, period_column
from app.cases.stats import as_json, case_statistics
from db.engine import unit_of_work
from db.models import DissuasionCase, FraudType, Household, Resident, Unit

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cases(engine):
    with unit_of_work(engine) as s:
        bh = Unit(name="白鹤村", kind="village", sort_order=1)
        qs = Unit(name="青山村", kind="village", sort_order=2)
        empty = Unit(name="无案村", kind="village", sort_order=3)
        s.add_all([bh, qs, empty])
        s.flush()
        home = Household(village_id=bh.id, address="1组1号", head_name="张大山")
        s.add(home)
        s.flush()
        resident = Resident(household_id=home.id, name="张大山", gender="男")
        s.add(resident)
        s.flush()
        types = {t.name: t.id for t in s.scalars(select(FraudType))}
        ids = {"bh": bh.id, "qs": qs.id, "r1": resident.id}
    a, b = types["刷单返利"], types["虚假贷款"]
    service = CaseService(engine, "clerk")

    def case(when, source, name, village, fraud, risk, saved, lost, outcome, **extra):
        return service.create({
            "occurred_at": when, "alert_source": source, "person_name": name,
            "village_id": village, "fraud_type_id": fraud, "amount_at_risk_fen": risk,
            "amount_saved_fen": saved, "amount_lost_fen": lost, "outcome": outcome, **extra,
        })  # fmt: skip

    r1 = {"resident_id": ids["r1"]}
    case(datetime(2024, 2, 10, 9), "fund_side", "张大山", ids["bh"], a, 1000, 1000, 0, "success",
         **r1)  # fmt: skip
    case(datetime(2024, 3, 5, 10), "alert_96110", "李四", ids["qs"], a, 500, 300, 200, "partial",
         person_phone="13800000002")  # fmt: skip
    case(datetime(2024, 5, 20, 15), "visit", "王五", ids["bh"], b, 800, 0, 800, "failed")
    case(datetime(2024, 3, 21, 11), "fund_side", "张大山", ids["bh"], b, 2000, 0, 2000,
         "transferred_after_warning", **r1)  # fmt: skip
    case(datetime(2024, 11, 11, 8, 30), "public_help", "赵六", None, a, 300, 300, 0, "success",
         was_warned=True)  # fmt: skip
    case(datetime(2023, 12, 31, 23, 59), "fund_side", "去年", ids["bh"], a, 100, 100, 0, "success")
    case(datetime(2025, 1, 1, 0, 0), "fund_side", "明年", ids["qs"], b, 100, 100, 0, "success")
    gone = case(datetime(2024, 6, 1, 9), "fund_side", "删除", ids["bh"], a, 100, 100, 0, "success")
    service.delete(gone)
    return engine


def figures(b):
    """(cases, success, saved fen, lost fen, warned, transferred) of a breakdown."""
    f = b.figures
    return (f.cases, f.success, f.saved_fen, f.lost_fen, f.warned_people, f.transferred_people)


def test_the_year_summary_and_its_transfer_rate(cases):
    s = case_statistics(cases, date(2024, 1, 1), date(2024, 12, 31)).summary
    assert (s.cases, s.success, s.partial, s.failed, s.transferred_after_warning) == (5, 2, 1, 1, 1)
    assert (s.saved_fen, s.lost_fen) == (160_000, 300_000)
    assert (s.warned_people, s.transferred_people) == (3, 2)
    assert s.transfer_rate == Fraction(2, 3) and s.meets_target is False
    assert s.success_share == Fraction(2, 5)
    # the monthly notice and the overview read the same figures
    assert dissuasion_summary(cases, date(2024, 1, 1), date(2024, 12, 31)) == s


def test_by_month_every_month_of_the_period(cases):
    months = case_statistics(cases, date(2024, 1, 1), date(2024, 12, 31)).by_month
    assert [b.key for b in months] == [f"2024-{m:02d}" for m in range(1, 13)]
    assert months[4].label == "2024年5月"
    got = {b.key: figures(b) for b in months if b.cases}
    assert got == {
        "2024-02": (1, 1, 100_000, 0, 1, 0),
        "2024-03": (2, 0, 30_000, 220_000, 2, 2),
        "2024-05": (1, 0, 0, 80_000, 0, 0),
        "2024-11": (1, 1, 30_000, 0, 1, 0),
    }
    assert months[2].transfer_rate == 1 and months[4].transfer_rate is None
    assert months[0].cases == 0 and months[0].success_share is None


def test_by_quarter_counts_a_person_once_per_quarter(cases):
    quarters = case_statistics(cases, date(2024, 1, 1), date(2024, 12, 31)).by_quarter
    assert [(b.key, b.label) for b in quarters] == [
        ("2024-Q1", "2024年第1季度"), ("2024-Q2", "2024年第2季度"),
        ("2024-Q3", "2024年第3季度"), ("2024-Q4", "2024年第4季度"),
    ]  # fmt: skip
    # Q1: cases 1, 2, 4; 张大山 warned in February and March is one warned person
    assert [figures(b) for b in quarters] == [
        (3, 1, 130_000, 220_000, 2, 2),
        (1, 0, 0, 80_000, 0, 0),
        (0, 0, 0, 0, 0, 0),
        (1, 1, 30_000, 0, 1, 0),
    ]
    assert quarters[0].success_share == Fraction(1, 3)


def test_by_year_over_three_years(cases):
    stats = case_statistics(cases, date(2023, 1, 1), date(2025, 12, 31))
    assert [(b.key, b.label, figures(b)) for b in stats.by_year] == [
        ("2023", "2023年", (1, 1, 10_000, 0, 1, 0)),
        ("2024", "2024年", (5, 2, 160_000, 300_000, 3, 2)),
        ("2025", "2025年", (1, 1, 10_000, 0, 1, 0)),
    ]
    assert len(stats.by_month) == 36 and stats.summary.cases == 7


def test_by_village_fraud_type_and_source(cases):
    stats = case_statistics(cases, date(2024, 1, 1), date(2024, 12, 31))
    assert [(b.key, figures(b)) for b in stats.by_village] == [
        ("白鹤村", (3, 1, 100_000, 280_000, 1, 1)),
        ("青山村", (1, 0, 30_000, 20_000, 1, 1)),
        ("无案村", (0, 0, 0, 0, 0, 0)),
        ("未填写", (1, 1, 30_000, 0, 1, 0)),
    ]
    types = [(b.key, figures(b)) for b in stats.by_fraud_type]
    assert types[:2] == [
        ("刷单返利", (3, 2, 160_000, 20_000, 3, 1)),
        ("虚假贷款", (2, 0, 0, 280_000, 1, 1)),
    ]
    assert len(types) == 10 and all(f == (0, 0, 0, 0, 0, 0) for _, f in types[2:])
    assert [(b.key, figures(b)) for b in stats.by_source] == [
        ("96110 预警", (1, 0, 30_000, 20_000, 1, 1)),
        ("资金端预警", (2, 1, 100_000, 200_000, 1, 1)),
        ("银行柜面", (0, 0, 0, 0, 0, 0)),
        ("群众求助", (1, 1, 30_000, 0, 1, 0)),
        ("走访发现", (1, 0, 0, 80_000, 0, 0)),
        ("上级推送", (0, 0, 0, 0, 0, 0)),
        ("其他", (0, 0, 0, 0, 0, 0)),
    ]
    assert stats.by_fraud_type[0].transfer_rate == Fraction(1, 3)


def test_a_narrow_period_reads_through_the_date_index_with_the_same_result(cases):
    march = case_statistics(cases, date(2024, 3, 1), date(2024, 3, 31))
    assert figures(march.by_month[0]) == (2, 0, 30_000, 220_000, 2, 2)
    assert march.summary.transfer_rate == 1
    day = case_statistics(cases, date(2024, 3, 5), date(2024, 3, 5))
    assert day.summary.cases == 1 and day.summary.partial == 1


def test_json_shows_yuan_as_exact_strings(cases):
    data = as_json(case_statistics(cases, date(2024, 1, 1), date(2024, 12, 31)))
    assert data["saved_yuan"] == "1600.00" and data["lost_yuan"] == "3000.00"
    assert data["transfer_rate"] == 0.6667 and data["transfer_target"] == 0.02
    assert data["by_quarter"][0] == {
        "name": "2024-Q1", "cases": 3, "success": 1, "partial": 1, "failed": 0,
        "transferred_after_warning": 1, "success_share": 0.3333, "saved_yuan": "1300.00",
        "lost_yuan": "2200.00", "warned_people": 2, "transferred_people": 2,
        "transfer_rate": 1.0, "meets_target": False,
    }  # fmt: skip
    assert data["by_quarter"][1]["transfer_rate"] is None


def _cli(database_url, *args):
    db = database_url.removeprefix("sqlite:///")
    return subprocess.run(
        [sys.executable, "-m", "ui.entry", "--db", db, "stats", "cases", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_cli_stats_cases_json_exactly_as_written(cases, database_url):
    done = _cli(database_url, "--json", "--from", "2024-01-01", "--to", "2024-12-31")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data == as_json(case_statistics(cases, date(2024, 1, 1), date(2024, 12, 31)))
    assert (data["from"], data["to"], data["cases"]) == ("2024-01-01", "2024-12-31", 5)
    assert [r["name"] for r in data["by_year"]] == ["2024"]
    assert data["by_alert_source"][1]["name"] == "资金端预警"


def test_cli_refuses_bad_dates_in_chinese(cases, database_url):
    done = _cli(database_url, "--json", "--from", "2024-13-01")
    assert done.returncode == 2 and "不是日期" in done.stderr
    done = _cli(database_url, "--from", "2024-12-31", "--to", "2024-01-01")
    assert done.returncode == 2 and "晚于结束日期" in done.stderr
    done = _cli(database_url, "--from", "2024-01-01", "--to", "2024-12-31")
    assert done.returncode == 0 and "66.67%（未达标" in done.stdout


def test_a_wide_period_scans_the_table_and_a_narrow_one_uses_the_date_index(cases):
    column = DissuasionCase.occurred_at
    with cases.connect() as conn:
        narrow = period_column(conn, column, datetime(2024, 3, 1), datetime(2024, 3, 31))
        wide = period_column(conn, column, datetime(2023, 1, 1), datetime(2025, 12, 31))
    assert narrow is column
    assert str(wide) == "+dissuasion_case.occurred_at"
