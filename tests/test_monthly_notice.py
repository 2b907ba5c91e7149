"""月度通报 and 预警后再转账率 against hand-computed fixtures."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.cases.figures import dissuasion_summary
from app.core.settings import save_profile
from app.oversight.monthly_notice import area_word, monthly_figures, print_monthly_notice
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
            (qs, 2024, 9, 2, 300),
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
        # 白鹤村: four live households and one deleted. By the end of October 2024: 户0 visited
        # in October; 户1 in February (October: nobody home); 户2 only in November; 户3 only
        # last year; the deleted one counts nowhere. 青山村: one household, never visited.
        homes = [
            Household(village_id=bh.id, address=f"{n}号", head_name=f"户{n}") for n in range(5)
        ]
        homes[4].deleted_at = datetime(2024, 10, 20)
        s.add_all([*homes, Household(village_id=qs.id, address="1号", head_name="户9")])
        s.flush()
        for home, day, outcome in (
            (0, date(2024, 10, 3), "visited"), (1, date(2024, 2, 1), "visited"),
            (1, date(2024, 10, 9), "nobody_home"), (2, date(2024, 11, 5), "visited"),
            (3, date(2023, 5, 1), "visited"), (4, date(2024, 10, 4), "visited"),
        ):  # fmt: skip
            s.add(Visit(household_id=homes[home].id, visited_on=day, mode="in_person",
                        outcome=outcome))  # fmt: skip
        # notices delivered by 31 October: 户0 and 户2 (signed, no delivery date); 户1 only in
        # November; the deleted household's does not count. Commitments signed: 户0 only.
        for n, (home, kind, status, delivered, signed) in enumerate((
            (0, "notice", "delivered", date(2024, 10, 2), None),
            (1, "notice", "delivered", date(2024, 11, 2), None),
            (2, "notice", "signed", None, date(2024, 10, 20)),
            (4, "notice", "delivered", date(2024, 10, 1), None),
            (0, "commitment_household", "signed", date(2024, 10, 3), date(2024, 10, 3)),
            (1, "commitment_household", "signed", None, date(2024, 11, 10)),
            (2, "commitment_household", "refused", date(2024, 10, 3), None),
        )):  # fmt: skip
            s.add(Letter(kind=kind, number=f"L{n}", household_id=homes[home].id, status=status,
                         delivered_on=delivered, signed_on=signed))  # fmt: skip
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
    assert (bh.loss_fen, bh.loss_last_month_fen, bh.loss_last_year_fen) == (500000, 10000, 900000)
    assert (qs.cases, qs.cases_last_month, qs.loss_last_month_fen) == (1, 2, 30000)
    assert (bh.households, bh.visited_this_month, bh.visited_this_year) == (4, 1, 2)
    assert (bh.notice_delivered, bh.commitment_signed) == (2, 1)
    assert (bh.visit_share, bh.notice_share, bh.commitment_share) == (0.5, 0.5, 0.25)
    assert (qs.households, qs.visited_this_year, qs.visit_share) == (1, 0, 0.0)
    assert f.visits_this_month == 1  # nobody-home visits and deleted households do not count
    assert [(rank, v.name) for rank, v in f.ranked()] == [(1, "白鹤村"), (2, "青山村")]
    assert (f.activities, f.people_reached, f.reporting_units) == (1, 80, 1)
    assert f.by_form == (("进社区", 1, 80),)
    assert f.silent_units == ("清溪镇平安办", "青山村")
    assert f.decline.total.cases == 8 and f.decline.total.cases_last == 5  # 2+3+1+2 against 4+1
    # November: 户2's visit and 户1's letters now count; October's figures stay as they were
    november = monthly_figures(october, 2024, 11)
    assert (november.villages[0].visited_this_year, november.villages[0].visited_this_month) == (
        3, 1
    )  # fmt: skip
    assert (november.villages[0].notice_delivered, november.villages[0].commitment_signed) == (3, 2)


def test_the_notice_pdf_reads_like_a_notice(october, tmp_path):
    out = tmp_path / "通报.pdf"
    pages = print_monthly_notice(october, 2024, 10, out)
    reader = PdfReader(out)
    assert pages == len(reader.pages)
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "").replace(" ", "")
    assert "关于2024年10月全镇反电信网络诈骗工作情况的通报" in text
    # the title breaks between words (GB/T 9704 7.3.3), not "…工作情 / 况的通报"
    title = reader.pages[0].extract_text().splitlines()[:2]
    assert title == ["关于2024年10月全镇", "反电信网络诈骗工作情况的通报"]
    assert (
        "本月全镇共发生电信网络诈骗案件3起，案损5050.00元；上月5起、案损400.00元，"
        "去年同月5起、案损9050.00元。"
    ) in text
    assert "预警后再转账率66.7%，未达到低于2%的目标" in text
    assert "全年已走访2户，占40.0%；告知书已送达2户，占40.0%；承诺书已签回1户，占20.0%" in text
    # the tables: 白鹤村's losses in 万元, the total, the ranking row
    assert "白鹤村2340.500.010.90" in text  # 本月 上月 去年同月, then 万元 this/last month/year
    assert "合计3550.510.040.91" in text
    assert "1白鹤村41250.0%50.0%25.0%" in text
    assert "清溪镇平安办、青山村共2个单位本月未报送" in text
    assert "进社区180合计180" in text
    assert "入户走访覆盖率由高到低依次为：白鹤村（50.0%）、青山村（0.0%）。" in text
    fonts = {
        str(font.get("/BaseFont"))
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts  # the fonts are embedded subsets
    assert all("+" in name for name in fonts)


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
