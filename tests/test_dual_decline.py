"""双降 against hand-computed figures, and its control targets."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from app.core.validation import ValidationError
from app.oversight.dual_decline import STATUSES, dual_decline, load_caps, percent, save_caps
from db.engine import unit_of_work
from db.models import CaseStat, Unit

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def figures(engine):
    """2024 has figures for January–March; 2023 for the whole year (April–December must be
    left out of the comparison). 白鹤村 falls in both, 青山村 only in cases, 石桥村 rises,
    绿水村 had nothing either year."""
    with unit_of_work(engine) as s:
        villages = [
            Unit(name=n, kind="village", sort_order=i)
            for i, n in enumerate(("白鹤村", "青山村", "石桥村", "绿水村"))
        ]
        s.add_all(villages)
        s.flush()
        bh, qs, sq, _lv = (v.id for v in villages)

        def stat(village, year, month, cases, yuan):
            s.add(
                CaseStat(
                    village_id=village,
                    year=year,
                    month=month,
                    case_count=cases,
                    loss_fen=yuan * 100,
                )
            )

        for month in (1, 2, 3):
            stat(bh, 2024, month, 1, 1000)  # 3 cases, 3,000
            stat(bh, 2023, month, 2, 2000)  # 6 cases, 6,000
            stat(qs, 2024, month, 1, 5000)  # 3 cases, 15,000
            stat(qs, 2023, month, 2, 1000)  # 6 cases, 3,000
            stat(sq, 2023, month, 1, 100)  # 3 cases, 300
        stat(sq, 2024, 1, 4, 200)  # 4 cases, 200
        for month in range(4, 13):
            stat(bh, 2023, month, 9, 9000)  # outside the compared months
    return engine


def test_same_months_are_compared_per_village_and_in_total(figures):
    view = dual_decline(figures, 2024)
    assert view.through_month == 3
    by_name = {c.name: c for c in view.villages}
    assert list(by_name) == ["白鹤村", "青山村", "石桥村"]
    bh, qs, sq = by_name["白鹤村"], by_name["青山村"], by_name["石桥村"]
    assert (bh.cases, bh.cases_last, bh.loss_fen, bh.loss_last_fen) == (3, 6, 300000, 600000)
    assert bh.case_change == Fraction(-1, 2) and bh.status == "both"
    assert (qs.cases, qs.cases_last, qs.loss_fen, qs.loss_last_fen) == (3, 6, 1500000, 300000)
    assert qs.status == "one" and qs.loss_change == Fraction(4)
    assert (sq.cases, sq.cases_last) == (4, 3) and sq.loss_fen == 20000 and sq.status == "one"
    total = view.total
    assert (total.cases, total.cases_last) == (10, 15)
    assert (total.loss_fen, total.loss_last_fen) == (1820000, 930000)
    assert total.status == "one"
    assert [(m.month, m.cases, m.cases_last) for m in view.months] == [
        (1, 6, 5),
        (2, 2, 5),
        (3, 2, 5),
    ]


def test_the_growth_cap_marks_villages_over_target(figures):
    save_caps(figures, {2024: Decimal("5")})
    assert load_caps(figures) == {2024: Decimal("5")}
    view = dual_decline(figures, 2024)
    by_name = {c.name: c for c in view.villages}
    assert by_name["石桥村"].status == "over_cap"  # +33.3 % > 5 %
    assert by_name["白鹤村"].status == "both"
    assert view.cap_percent == Decimal("5")
    with pytest.raises(ValidationError):
        save_caps(figures, {2024: Decimal("-200")})


def test_a_year_without_figures_has_nothing_to_compare(figures):
    view = dual_decline(figures, 2030)
    assert view.through_month == 0 and view.villages == () and view.total.status == "zero"


def test_percent_reads_like_a_report():
    assert percent(Fraction(-1, 2)) == "-50.0%"
    assert percent(Fraction(1, 3)) == "+33.3%"
    assert percent(None) == "—"


def test_cli_prints_json_in_chinese(figures, database_url):
    path = database_url.removeprefix("sqlite:///")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ui.entry",
            "--db",
            path,
            "stats",
            "dual-decline",
            "--json",
            "--year",
            "2024",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["total"]["cases"] == 10 and data["total"]["status"] == STATUSES["one"]
    assert data["villages"][0]["name"] == "白鹤村" and data["villages"][0]["loss_yuan"] == "3000.00"
    assert "白鹤村" in done.stdout  # not \\u escapes
