"""Monthly case figures: the money field, duplicates, the import, the template, the CLI."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from app.cases.monthly_stats import (
    CaseStatService,
    import_case_stats,
    preview_case_stats_import,
    write_case_stats_template,
)
from app.core.progress import run_to_end
from app.core.validation import FormField, ValidationError, clean_value, parse_yuan
from app.sheets.reading import RowErrors
from db.engine import unit_of_work
from db.models import CaseStat, Unit

ROOT = Path(__file__).resolve().parent.parent
MONEY = FormField("loss_fen", "案损", kind="money", minimum=0)


@pytest.mark.parametrize(
    ("raw", "fen"),
    [
        ("1234.5", 123450),
        ("1,234.50元", 123450),
        ("１２３.４", 12340),
        (0.1, 10),
        (12, 1200),
        (Decimal("7.07"), 707),
        ("¥ 3", 300),
    ],
)
def test_money_is_typed_in_yuan_and_stored_in_fen(raw, fen):
    assert clean_value(MONEY, raw) == (fen, None)


@pytest.mark.parametrize("raw", ["1.234", "abc", "1e400", True, "NaN"])
def test_money_that_is_not_an_amount_is_refused(raw):
    _value, error = clean_value(MONEY, raw)
    assert error == "案损应为金额（元），最多两位小数，如1234.50"


def test_negative_money_is_refused():
    assert clean_value(MONEY, "-1")[1] == "案损不能为负数"
    assert parse_yuan("-1.5") == Decimal("-1.50")


@pytest.fixture
def villages(engine):
    with unit_of_work(engine) as s:
        s.add_all([Unit(name="白鹤村", kind="village"), Unit(name="青山村", kind="village")])
    with unit_of_work(engine) as s:
        return dict(s.execute(select(Unit.name, Unit.id)).all())


def test_one_row_per_village_and_month(engine, villages):
    service = CaseStatService(engine, "clerk")
    row = {
        "village_id": villages["白鹤村"],
        "year": 2024,
        "month": 3,
        "case_count": 2,
        "loss_fen": "1500.50",
    }
    stat_id = service.create(row)
    assert service.load(stat_id)["loss_fen"] == 150050
    with pytest.raises(ValidationError) as caught:
        service.create({**row, "case_count": 3})
    assert "白鹤村2024年3月的数据已录入" in caught.value.errors["month"]
    service.update(stat_id, {**row, "case_count": 3})  # editing itself is no clash
    with pytest.raises(ValidationError) as caught:
        service.create({**row, "case_count": -1, "month": 4})
    assert caught.value.errors == {"case_count": "发案数不能小于0"}
    today = date.today()
    future = (today.year + (today.month == 12), today.month % 12 + 1)
    with pytest.raises(ValidationError):
        service.create({**row, "year": future[0], "month": future[1]})


def test_a_deleted_month_can_be_entered_again_and_the_register_reads_in_chinese(
    engine, villages, tmp_path
):
    from app.cases.monthly_stats import CaseStatRegister, import_case_stats
    from app.core.progress import run_to_end
    from app.core.registers import RegisterQuery

    service = CaseStatService(engine, "clerk")
    row = {"village_id": villages["白鹤村"], "year": 2024, "month": 3, "case_count": 2,
           "loss_fen": "1500.50"}  # fmt: skip
    service.delete(service.create(row))
    again = service.create({**row, "case_count": 5})
    assert service.load(again)["case_count"] == 5
    page = CaseStatRegister(engine).fetch(RegisterQuery(), 0, 10)
    assert [r.values[4:6] for r in page] == [(Decimal("1500.50"), "手工录入")]
    service.delete(again)
    path = _roster(tmp_path / "再导入.xlsx", [["白鹤村", 2024, 3, 7, "10"]])
    assert run_to_end(import_case_stats(engine, path, "clerk"))[:2] == (1, 0)
    page = CaseStatRegister(engine).fetch(RegisterQuery(), 0, 10)
    assert [r.values[3:6] for r in page] == [(7, Decimal("10.00"), "导入")]


def _roster(path: Path, rows: list[list]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["2024年各村发案统计"])
    sheet.append(["村居", "年份", "月份", "发案数", "案损（元）"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_import_previews_updates_refuses_and_writes_all_or_nothing(engine, villages, tmp_path):
    CaseStatService(engine).create(
        {
            "village_id": villages["白鹤村"],
            "year": 2024,
            "month": 1,
            "case_count": 9,
            "loss_fen": "9",
        }
    )
    path = _roster(
        tmp_path / "发案.xlsx",
        [
            ["白鹤村", 2024, 1, 2, 1200.5],  # updates the stored January
            ["白鹤村", 2024, 2, 1, "300"],
            ["青山村", 2024.0, 1.0, 0, 0],
            ["石桥村", 2024, 1, 1, 10],  # no such village
            ["青山村", 2024, 1, 1, 10],  # same village and month as row 5
            ["青山村", 2024, 13, 1, 10],  # month 13
            ["青山村", 2024, 2, -1, 10],  # negative count
        ],
    )
    preview = preview_case_stats_import(engine, path)
    assert (len(preview.creates), len(preview.updates)) == (2, 1)
    assert [(e.row_number, e.column_label) for e in preview.errors] == [
        (6, "村居"),
        (7, ""),
        (8, "月份"),
        (9, "发案数"),
    ]
    with pytest.raises(RowErrors):
        run_to_end(import_case_stats(engine, path, "clerk"))
    with unit_of_work(engine) as s:
        assert s.scalar(select(CaseStat.case_count).where(CaseStat.month == 1)) == 9
    created, updated, errors = run_to_end(import_case_stats(engine, path, "clerk", "good_rows"))
    assert (created, updated, len(errors)) == (2, 1, 4)
    with unit_of_work(engine) as s:
        stored = {
            (r.village_id, r.month): (r.case_count, r.loss_fen, r.source)
            for r in s.scalars(select(CaseStat))
        }
    assert stored[(villages["白鹤村"], 1)] == (2, 120050, "imported")
    assert stored[(villages["白鹤村"], 2)] == (1, 30000, "imported")


def test_template_and_cli(engine, villages, database_url, tmp_path):
    template = tmp_path / "模板.xlsx"
    write_case_stats_template(template)
    preview = preview_case_stats_import(engine, template)
    assert preview.good_rows == 1 and preview.errors == []
    db = database_url.removeprefix("sqlite:///")
    done = subprocess.run(
        [sys.executable, "-m", "ui.entry", "--db", db, "import", "case-stats", str(template)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "新增 1 条" in done.stdout
