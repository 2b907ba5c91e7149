"""月度通报 and 预警后再转账率 against hand-computed fixtures."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.case_figures import dissuasion_summary
from app.monthly_notice import area_word, monthly_figures, print_monthly_notice
from app.settings import save_profile
from db.engine import unit_of_work
from db.models import (
    CaseStat,
    DissuasionCase,
    FraudType,
    Household,
    Letter,
    PublicityActivity,
    Resident,
    Unit,
    Visit,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def october(engine):
    """October 2024 in 白鹤村 and 青山村, with September and October 2023 to compare."""
    save_profile(
        engine, {"township_name": "清溪镇", "issuing_office": "清溪镇反电信网络诈骗分中心"}
    )
    with unit_of_work(engine) as s:
        bh = Unit(name="白鹤村", kind="village", sort_order=1)
        qs = Unit(name="青山村", kind="village", sort_order=2)
        office = Unit(name="清溪镇平安办", kind="institution", sort_order=0)
        s.add_all([bh, qs, office])
        s.flush()
        fraud = s.query(FraudType).first()
        for village, year, month, cases, yuan in (
            (bh, 2024, 10, 2, 5000),
            (bh, 2024, 9, 3, 100),
            (bh, 2023, 10, 4, 9000),
            (qs, 2024, 10, 1, 50),
            (qs, 2023, 10, 1, 50),
        ):
            s.add(
                CaseStat(
                    village_id=village.id,
                    year=year,
                    month=month,
                    case_count=cases,
                    loss_fen=yuan * 100,
                )
            )
        homes = []
        for n in range(4):  # 白鹤村: 4 households, 2 visited this year (1 in October), 1 signed
            h = Household(
                village_id=bh.id,
                address=f"{n}号",
                head_name=f"户{n}",
                last_visited_on=[date(2024, 10, 3), date(2024, 2, 1), date(2023, 5, 1), None][n],
            )
            s.add(h)
            homes.append(h)
        s.add(Household(village_id=qs.id, address="1号", head_name="户9"))
        s.flush()
        s.add(
            Visit(
                household_id=homes[0].id,
                visited_on=date(2024, 10, 3),
                mode="in_person",
                outcome="visited",
            )
        )
        s.add(
            Visit(
                household_id=homes[1].id,
                visited_on=date(2024, 10, 9),
                mode="in_person",
                outcome="nobody_home",
            )
        )
        s.add(
            Letter(
                kind="commitment_household", number="L1", household_id=homes[0].id, status="signed"
            )
        )
        resident = Resident(household_id=homes[0].id, name="户0")
        s.add(resident)
        s.flush()

        def case(day, outcome, warned, saved=0, lost=0, resident_id=None, name="张某", phone="1"):
            s.add(
                DissuasionCase(
                    occurred_at=datetime(2024, 10, day, 10),
                    alert_source="fund_side",
                    resident_id=resident_id,
                    person_name=name,
                    person_phone=phone,
                    fraud_type_id=fraud.id,
                    amount_saved_fen=saved * 100,
                    amount_lost_fen=lost * 100,
                    was_warned=warned,
                    outcome=outcome,
                    village_id=bh.id,
                )
            )

        # warned people: the resident (twice: once saved, once lost), 李四, 王五 → 3 people,
        # of whom the resident and 王五 transferred anyway → 2/3
        case(1, "success", True, saved=1000, resident_id=resident.id)
        case(5, "partial", True, saved=500, lost=200, resident_id=resident.id)
        case(7, "success", True, saved=800, name="李四", phone="2")
        case(9, "transferred_after_warning", True, lost=3000, name="王五", phone="3")
        case(12, "success", False, saved=100, name="赵六", phone="4")
        s.add(
            DissuasionCase(
                occurred_at=datetime(2024, 11, 1, 10),
                alert_source="visit",
                person_name="下月",
                fraud_type_id=fraud.id,
                was_warned=True,
                outcome="failed",
                amount_lost_fen=1,
            )
        )
        s.add(
            PublicityActivity(
                held_on=date(2024, 10, 8),
                unit_id=bh.id,
                title="宣讲",
                form="进社区",
                people_reached=80,
                reported_on=date(2024, 10, 9),
            )
        )
    return engine


def test_transfer_rate_counts_people_not_cases(october):
    d = dissuasion_summary(october, date(2024, 10, 1), date(2024, 10, 31))
    assert (d.cases, d.success, d.partial, d.transferred_after_warning) == (5, 3, 1, 1)
    assert (d.saved_fen, d.lost_fen) == (240000, 320000)
    assert (d.warned_people, d.transferred_people) == (3, 2)
    assert d.transfer_rate == Fraction(2, 3) and d.meets_target is False


def test_monthly_figures_match_the_hand_count(october):
    f = monthly_figures(october, 2024, 10)
    bh, qs = f.villages
    assert (bh.name, bh.cases, bh.cases_last_month, bh.cases_last_year) == ("白鹤村", 2, 3, 4)
    assert (bh.loss_fen, bh.loss_last_year_fen) == (500000, 900000)
    assert (bh.households, bh.visited_this_year, bh.commitment_signed) == (4, 2, 1)
    assert bh.visit_share == 0.5 and bh.commitment_share == 0.25
    assert (qs.cases, qs.households, qs.visit_share) == (1, 1, 0.0)
    assert f.visits_this_month == 1  # nobody-home visits do not count
    assert (f.activities, f.people_reached) == (1, 80)
    assert f.silent_units == ("清溪镇平安办", "青山村")
    assert f.decline.total.cases == 6 and f.decline.total.cases_last == 5


def test_the_notice_pdf_reads_like_a_notice(october, tmp_path):
    out = tmp_path / "通报.pdf"
    pages = print_monthly_notice(october, 2024, 10, out)
    reader = PdfReader(out)
    assert pages == len(reader.pages)
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    assert "关于2024年10月全镇反电信网络诈骗工作情况的通报" in text
    assert "本月全镇共发生电信网络诈骗案件3起" in text
    assert "预警后再转账率66.7%，未达到低于2%的目标" in text
    assert "清溪镇平安办、青山村共2个单位本月未报送" in text
    assert "白鹤村（50.0%）" in text


def test_area_word():
    assert [area_word(t) for t in ("清溪镇", "白云乡", "城东街道", "")] == [
        "镇",
        "乡",
        "街道",
        "镇",
    ]


def test_cli(october, database_url, tmp_path):
    db = database_url.removeprefix("sqlite:///")
    out = tmp_path / "n.pdf"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ui.entry",
            "--db",
            db,
            "print",
            "monthly-notice",
            "2024-10",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert out.exists()
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "ui.entry",
            "--db",
            db,
            "print",
            "monthly-notice",
            "2024-13",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "应写成年-月" in bad.stderr
