"""宣传活动: who is behind, photos, the plan table import, and the tab."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from qt_input import click

from app.core.progress import run_to_end
from app.core.settings import save_profile
from app.core.validation import ValidationError
from app.publicity.activities import (
    ActivityService,
    add_photo,
    campaigns_per_unit,
    counts_by_form,
    fewer_than_two,
    not_reported,
    photos_of,
)
from app.publicity.plan import import_plan, preview_plan_import
from app.sheets.reading import RowErrors
from db.engine import unit_of_work
from db.models import PublicityPlanItem, Unit

ROOT = Path(__file__).resolve().parent.parent


def _png() -> bytes:
    """A real 8 × 6 PNG."""
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (8, 6), (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


PNG = _png()


@pytest.fixture
def units(engine):
    save_profile(engine, {"township_name": "清溪镇", "issuing_office": "清溪镇反诈分中心"})
    with unit_of_work(engine) as s:
        rows = [
            Unit(name=n, kind=k, sort_order=i)
            for i, (n, k) in enumerate(
                [
                    ("清溪镇平安办", "institution"),
                    ("清溪镇市规科", "institution"),
                    ("白鹤村", "village"),
                    ("中心小学", "school"),
                ]
            )
        ]
        s.add_all([*rows, Unit(name="非成员企业", kind="enterprise", is_member=False)])
        s.flush()
        return {u.name: u.id for u in rows}


def _activity(engine, unit_id, held_on, reported_on=None, form="进社区", people=0):
    return ActivityService(engine, "clerk").create(
        {
            "held_on": held_on,
            "unit_id": unit_id,
            "title": "反诈宣讲",
            "form": form,
            "people_reached": people,
            "reported_on": reported_on,
        }
    )


def test_not_reported_and_fewer_than_two(engine, units):
    _activity(engine, units["清溪镇平安办"], date(2024, 3, 5), date(2024, 3, 20), people=120)
    _activity(
        engine, units["清溪镇平安办"], date(2024, 6, 5), date(2024, 6, 6), form="讲座", people=30
    )
    _activity(engine, units["白鹤村"], date(2024, 3, 10))  # held, never reported
    _activity(engine, units["中心小学"], date(2024, 2, 27), date(2024, 3, 1))  # February's work
    silent = [u.name for u in not_reported(engine, 2024, 3)]
    assert silent == ["清溪镇市规科", "白鹤村", "中心小学"]
    assert [u.name for u in not_reported(engine, 2024, 2)] == [
        "清溪镇平安办",
        "清溪镇市规科",
        "白鹤村",
    ]
    held = {u.name: u.activities for u in campaigns_per_unit(engine, 2024)}
    assert held == {"清溪镇平安办": 2, "清溪镇市规科": 0, "白鹤村": 1, "中心小学": 1}
    assert [u.name for u in fewer_than_two(engine, 2024)] == ["清溪镇市规科", "白鹤村", "中心小学"]
    forms = counts_by_form(engine, date(2024, 1, 1), date(2024, 12, 31))
    assert forms == {"进社区": (3, 120), "讲座": (1, 30)}


def test_activity_rules(engine, units):
    service = ActivityService(engine)
    base = {"unit_id": units["白鹤村"], "title": "宣讲", "form": "进社区"}
    with pytest.raises(ValidationError) as caught:
        service.create({**base, "held_on": date(2024, 3, 5), "people_reached": "-3"})
    assert caught.value.errors == {"people_reached": "覆盖人数不能小于0"}
    with pytest.raises(ValidationError) as caught:
        service.create({**base, "held_on": date(2024, 3, 5), "reported_on": date(2024, 3, 1)})
    assert caught.value.errors == {"reported_on": "报送日期不能早于活动日期"}
    with pytest.raises(ValidationError):
        service.create({**base, "held_on": date(2099, 1, 1)})


def test_photos_must_be_images_of_reasonable_size(engine, units, tmp_path):
    activity = _activity(engine, units["白鹤村"], date(2024, 3, 5))
    good = tmp_path / "现场.png"
    good.write_bytes(PNG)
    assert add_photo(engine, activity, good) > 0
    fake = tmp_path / "现场.jpg"
    fake.write_bytes(b"%PDF-1.4 not an image")
    with pytest.raises(ValidationError) as caught:
        add_photo(engine, activity, fake)
    assert "不是图片" in caught.value.errors[""]
    cut = tmp_path / "半张.png"
    cut.write_bytes(PNG[: len(PNG) // 2])  # starts like a PNG, ends half-way
    with pytest.raises(ValidationError) as caught:
        add_photo(engine, activity, cut)
    assert "已损坏或不完整" in caught.value.errors[""]
    assert len(photos_of(engine, activity)) == 1  # only the good one was stored
    huge = tmp_path / "大图.jpg"
    with huge.open("wb") as f:
        f.write(b"\xff\xd8\xff")
        f.truncate(200 * 1024 * 1024)
    with pytest.raises(ValidationError) as caught:
        add_photo(engine, activity, huge)
    assert "超过20 MB" in caught.value.errors[""]


def _plan_file(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["2022年反诈宣传计划表"])
    sheet.append(["序号", "月份", "牵头单位", "反诈宣传工作"])
    sheet.append(
        [
            1,
            "4月、每季度",
            "市规科",
            "在农贸市场、专业市场通过设置宣传栏、户外LED屏播放等多种方式进行宣传。",
        ]
    )
    sheet.append([2, "5月", "清溪镇平安办", "针对医疗器械生产企业开展反诈宣传，发放反诈宣传册。"])
    sheet.append([3, "全年", "平安办", "没有月份"])
    sheet.append([4, "６月", "药化科", "没有这个单位"])
    book.save(path)
    return path


def test_plan_table_import_in_seed_000s_shape(engine, units, tmp_path):
    path = _plan_file(tmp_path / "计划.xlsx")
    preview = preview_plan_import(engine, path, 2022)
    assert [(c["month"], c["lead_unit_id"]) for c in preview.creates] == [
        (4, units["清溪镇市规科"]),
        (5, units["清溪镇平安办"]),
    ]
    assert preview.creates[0]["content"].startswith("（4月、每季度）")
    assert [(e.row_number, e.column_label) for e in preview.errors] == [
        (5, "月份"),
        (6, "牵头单位"),
    ]
    with pytest.raises(RowErrors):
        run_to_end(import_plan(engine, path, 2022, "clerk"))
    assert run_to_end(import_plan(engine, path, 2022, "clerk", "good_rows")) == 2
    with unit_of_work(engine) as s:
        assert s.query(PublicityPlanItem).count() == 2


def test_cli_dry_run(engine, units, database_url, tmp_path):
    path = _plan_file(tmp_path / "计划.xlsx")
    db = database_url.removeprefix("sqlite:///")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ui.entry",
            "--db",
            db,
            "import",
            "publicity-plan",
            str(path),
            "--year",
            "2022",
            "--dry-run",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "新增 2 条" in done.stdout and "第6行 牵头单位" in done.stdout


def test_the_tab_reports_and_imports(qtbot, engine, units, tmp_path):
    from ui.tabs.publicity.publicity_tab import PublicityTab

    today = date.today()
    messages = []
    plan = _plan_file(tmp_path / "计划.xlsx")
    photo = tmp_path / "p.png"
    photo.write_bytes(PNG)
    previews = []

    def decide(dialog):
        previews.append((dialog.shown_rows(), dialog.errors.rowCount()))
        dialog.choose_import()
        return dialog.mode

    tab = PublicityTab(
        engine,
        "clerk",
        ask=lambda *_: True,
        inform=lambda _p, t, m: messages.append((t, m)),
        ask_photo=lambda _p: str(photo),
        ask_open_xlsx=lambda *_: str(plan),
        decide_import=decide,
    )
    qtbot.addWidget(tab)
    tab.show()
    assert tab.reporting.silent.rowCount() == 4
    click(qtbot, tab.activities.add_button)
    tab.activities.dialog.set_values(
        {
            "held_on": today,
            "unit_id": units["白鹤村"],
            "title": "宣讲",
            "form": "进社区",
            "reported_on": today,
        }
    )
    click(qtbot, tab.activities.dialog.save_button)
    assert tab.activities.model.count == 1
    assert tab.reporting.silent.rowCount() == 3
    click(qtbot, tab.photo_button)
    click(qtbot, tab.photo_button)
    assert tab.activities.model.row(0).values[7] == 2
    click(qtbot, tab.photos_button)
    dialog = tab.photos_dialog
    assert dialog.list.count() == 2 and dialog.list.item(0).text() == "p.png"
    assert not dialog.delete_button.isEnabled()
    dialog.list.setCurrentRow(1)
    click(qtbot, dialog.delete_button)
    assert dialog.list.count() == 1 and "已删除" in dialog.message.text()
    dialog.reject()
    qtbot.waitUntil(lambda: tab.activities.model.row(0).values[7] == 1)
    click(qtbot, tab.import_button)
    qtbot.waitUntil(lambda: bool(messages) and messages[-1][0] == "导入完成", timeout=5000)
    assert tab.plan.model.count == 2
    # the shared preview: the good rows with their row numbers and lead units, two bad rows
    ((rows, errors),) = previews
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("3", "新增", "4月", "清溪镇市规科"),
        ("4", "新增", "5月", "清溪镇平安办"),
    ]
    assert errors == 2
