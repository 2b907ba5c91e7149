"""Villages and grids: staffing, moving and merging with every household and visit kept, Excel."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from app.core.progress import run_to_end
from app.core.registers import RegisterQuery
from app.core.validation import ValidationError
from app.exchange.grids import (
    export_grids_xlsx,
    import_grids,
    preview_grids_import,
    write_grids_template,
)
from app.org.grid_moves import merge_grids, merge_question, move_grid, village_summary
from app.org.grids import GridRegister, GridService
from app.org.units import UnitService
from app.sheets.reading import RowErrors
from db.engine import make_engine, sqlite_url, unit_of_work
from db.models import AuditLog, CallbackSample, Grid, Household, Person, Visit
from db.schema import prepare_database
from tests.test_cli import wuzha

HEADERS = ["村居*", "网格名称*", "网格编号", "网格员", "网格员手机", "民警/辅警", "警员身份",
           "民警/辅警手机", "备注"]  # fmt: skip


@pytest.fixture
def town(engine):
    units = UnitService(engine, "clerk")
    return {name: units.create({"name": name, "kind": "village"}) for name in ("溪口村", "桃源村")}


def add_grid(engine, village_id, name, **extra) -> int:
    return GridService(engine, "clerk").create({"village_id": village_id, "name": name, **extra})


def add_households(engine, village_id, grid_id, count, visits_each=2) -> None:
    with unit_of_work(engine) as session:
        for n in range(count):
            household = Household(
                village_id=village_id, grid_id=grid_id, address=f"{n}号", head_name=f"户主{n}"
            )
            session.add(household)
            session.flush()
            for k in range(visits_each):
                session.add(
                    Visit(
                        household_id=household.id, grid_id=grid_id,
                        visited_on=date(2024, 3, 1 + k), mode="in_person", outcome="visited",
                    )
                )  # fmt: skip


def snapshot(engine):
    """Every household (deleted too) and visit with where it lives."""
    with unit_of_work(engine) as session:
        households = session.execute(
            select(Household.id, Household.village_id, Household.grid_id).order_by(Household.id)
        ).all()
        visits = session.execute(
            select(Visit.id, Visit.household_id, Visit.grid_id).order_by(Visit.id)
        ).all()
    return households, visits


def test_a_grid_needs_a_village_and_a_unique_name(engine, town):
    service = GridService(engine, "clerk")
    with pytest.raises(ValidationError) as refused:
        service.create({"name": "第1网格"})
    assert refused.value.errors == {"village_id": "所属村居不能为空"}
    with pytest.raises(ValidationError) as refused:
        service.create({"village_id": town["溪口村"], "name": ""})
    assert refused.value.errors == {"name": "网格名称不能为空"}
    add_grid(engine, town["溪口村"], "第1网格", code="XK01")
    with pytest.raises(ValidationError) as refused:
        service.create({"village_id": town["溪口村"], "name": "第1网格", "code": "XK01"})
    assert refused.value.errors == {
        "name": "该村居已有名为“第1网格”的网格",
        "code": "网格编号“XK01”已被其他网格使用",
    }
    add_grid(engine, town["桃源村"], "第1网格")  # another village may have one
    with pytest.raises(ValidationError) as refused:
        service.create({"village_id": town["溪口村"], "name": "第2网格", "worker_mobile": "12345"})
    assert refused.value.errors == {
        "worker_mobile": "网格员手机应为11位手机号，或带区号的固定电话（如0571-88881234）"
    }


def test_grid_people_are_contacts_found_again(engine, town):
    first = add_grid(
        engine, town["溪口村"], "第1网格", worker_name="李芳", worker_mobile="13800000011",
        police_name="王警官", police_kind="police_officer", police_mobile="13800000012",
    )  # fmt: skip
    second = add_grid(
        engine, town["溪口村"], "第2网格", worker_name="赵丽", worker_mobile="13800000013",
        police_name="王警官", police_kind="auxiliary_police", police_mobile="13800000012",
    )  # fmt: skip
    with unit_of_work(engine) as session:
        a, b = session.get(Grid, first), session.get(Grid, second)
        assert a.police_officer_id == b.police_officer_id  # one officer, two grids
        assert b.police_officer.category == "auxiliary_police"
        assert a.grid_worker.unit_id == town["溪口村"]
    rows = GridRegister(engine).fetch(RegisterQuery(text="王警官"), 0, 10)
    assert [r.values[1] for r in rows] == ["第1网格", "第2网格"]
    assert rows[0].values[9] == "138****0012"  # masked
    service = GridService(engine, "clerk")
    values = service.load(first)
    with pytest.raises(ValidationError) as refused:
        service.update(first, {**values, "worker_name": ""})
    assert refused.value.errors == {"worker_name": "填了手机，但没有填姓名"}
    service.update(first, {**values, "worker_name": "", "worker_mobile": ""})  # emptied
    with unit_of_work(engine) as session:
        assert session.get(Grid, first).grid_worker_id is None
        assert session.scalar(select(func.count()).select_from(Person)) == 3


def test_moving_a_grid_takes_its_households(engine, town):
    grid = add_grid(engine, town["溪口村"], "第1网格")
    stays = add_grid(engine, town["溪口村"], "第2网格")
    add_households(engine, town["溪口村"], grid, 5)
    add_households(engine, town["溪口村"], stays, 3)
    before_households, before_visits = snapshot(engine)
    moved = move_grid(engine, grid, town["桃源村"], "clerk")
    assert moved.households == 5
    households, visits = snapshot(engine)
    assert visits == before_visits  # every visit kept, on the same grid
    assert [h.id for h in households] == [h.id for h in before_households]
    assert {h.village_id for h in households if h.grid_id == grid} == {town["桃源村"]}
    assert {h.village_id for h in households if h.grid_id == stays} == {town["溪口村"]}
    summary = {v.name: (v.grids, v.households) for v in village_summary(engine)}
    assert summary == {"溪口村": (1, 3), "桃源村": (1, 5)}


def test_a_move_into_a_village_with_the_same_grid_name_asks_for_another(engine, town):
    grid = add_grid(engine, town["溪口村"], "第1网格")
    add_grid(engine, town["桃源村"], "第1网格")
    add_households(engine, town["溪口村"], grid, 2)
    with pytest.raises(ValidationError) as refused:
        move_grid(engine, grid, town["桃源村"], "clerk")
    assert refused.value.errors == {
        "name": "桃源村已有名为“第1网格”的网格，请给移过去的网格换个名称"
    }
    assert {h.village_id for h in snapshot(engine)[0]} == {town["溪口村"]}  # nothing moved
    move_grid(engine, grid, town["桃源村"], "clerk", new_name="第3网格")
    with unit_of_work(engine) as session:
        assert session.get(Grid, grid).name == "第3网格"


def test_changing_the_village_in_the_form_moves_the_households_too(engine, town):
    grid = add_grid(engine, town["溪口村"], "第1网格")
    add_households(engine, town["溪口村"], grid, 4)
    service = GridService(engine, "clerk")
    service.update(grid, {**service.load(grid), "village_id": town["桃源村"]})
    assert {h.village_id for h in snapshot(engine)[0]} == {town["桃源村"]}


def test_merging_keeps_every_household_and_visit(engine, town):
    keep = add_grid(engine, town["溪口村"], "第1网格", worker_name="李芳")
    merged = add_grid(engine, town["桃源村"], "第1网格", worker_name="赵丽", police_name="王警官")
    add_households(engine, town["溪口村"], keep, 4)
    add_households(engine, town["桃源村"], merged, 6, visits_each=3)
    with unit_of_work(engine) as session:
        gone = session.scalars(select(Household).where(Household.grid_id == merged)).first()
        gone.deleted_at = gone.created_at  # a deleted household moves too, not left dangling
        session.add(
            CallbackSample(grid_id=merged, drawn_on=date(2024, 4, 1), seed=1, sample_size=3)
        )
    before_households, before_visits = snapshot(engine)
    question = merge_question(engine, keep, merged)
    assert "5户住户和18条走访记录转到“溪口村第1网格”" in question
    assert "两个网格不在同一村居，这些住户将改属溪口村" in question
    moved = merge_grids(engine, keep, merged, "clerk")
    assert (moved.households, moved.visits, moved.samples) == (6, 18, 1)
    households, visits = snapshot(engine)
    assert [h.id for h in households] == [h.id for h in before_households]
    assert [(v.id, v.household_id) for v in visits] == [
        (v.id, v.household_id) for v in before_visits
    ]
    assert {h.grid_id for h in households} == {keep}
    assert {h.village_id for h in households} == {town["溪口村"]}
    assert {v.grid_id for v in visits} == {keep}
    with unit_of_work(engine) as session:
        kept, gone_grid = session.get(Grid, keep), session.get(Grid, merged)
        assert gone_grid.deleted_at is not None and kept.deleted_at is None
        assert kept.grid_worker.name == "李芳"  # the kept grid's people stay
        assert kept.police_officer.name == "王警官"  # an empty seat takes the merged one's
        assert session.scalar(select(CallbackSample.grid_id)) == keep
        entry = session.scalars(select(AuditLog).where(AuditLog.action == "merge")).one()
        assert entry.record_uuid == gone_grid.uuid and "赵丽" not in entry.detail
    with pytest.raises(ValidationError):
        merge_grids(engine, keep, keep)
    with pytest.raises(ValidationError):
        merge_grids(engine, keep, merged)  # already merged


def test_a_grid_with_households_is_merged_not_deleted(engine, town):
    grid = add_grid(engine, town["溪口村"], "第1网格", worker_name="李芳", police_name="王警官")
    add_households(engine, town["溪口村"], grid, 1)
    service = GridService(engine, "clerk")
    with pytest.raises(ValidationError) as refused:
        service.delete_question(grid)
    assert "还有1户住户、2条走访记录，不能删除" in refused.value.errors[""]
    with pytest.raises(ValidationError):
        service.delete(grid)
    empty = add_grid(engine, town["溪口村"], "第2网格", worker_name="赵丽")
    assert service.delete_question(empty) == (
        "确定删除网格“溪口村第2网格”吗？\n赵丽将不再负责该网格（联系人保留）。"
    )
    service.delete(empty)
    assert [r.values[1] for r in GridRegister(engine).fetch(RegisterQuery(), 0, 9)] == ["第1网格"]


def build_xlsx(path: Path, rows, headers=HEADERS) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_export_then_import_into_a_new_database(engine, town, tmp_path):
    add_grid(
        engine, town["溪口村"], "第1网格", code="XK01", worker_name="李芳",
        worker_mobile="13800000011", police_name="王警官", police_kind="auxiliary_police",
        police_mobile="0571-88881234",
    )  # fmt: skip
    grid = add_grid(engine, town["桃源村"], "第1网格", notes="山区")
    add_households(engine, town["桃源村"], grid, 3, visits_each=0)
    out = tmp_path / "grids.xlsx"
    assert run_to_end(export_grids_xlsx(engine, out)) == 2
    sheet = openpyxl.load_workbook(out).active
    assert [c.value for c in sheet[1]] == [*HEADERS, "住户数"]
    assert [c.value for c in sheet[2]] == [
        "溪口村", "第1网格", "XK01", "李芳", "13800000011", "王警官", "辅警",
        "0571-88881234", None, 0,
    ]  # fmt: skip
    assert sheet["J3"].value == 3 and sheet["E2"].data_type == "s"

    url = sqlite_url(tmp_path / "other.sqlite")
    prepare_database(url)
    other = make_engine(url)
    try:
        UnitService(other).create({"name": "溪口村", "kind": "village"})
        UnitService(other).create({"name": "桃源村", "kind": "village"})
        preview = preview_grids_import(other, out)
        assert (len(preview.creates), len(preview.updates), preview.errors) == (2, 0, [])
        result = run_to_end(import_grids(other, out, "clerk"))
        assert (result.created, result.updated) == (2, 0)

        def shown(e):
            rows = GridRegister(e).fetch(RegisterQuery(), 0, 9, reveal=True)
            return [r.values[:3] + r.values[5:] for r in rows]

        assert shown(other) == shown(engine)
        again = run_to_end(import_grids(other, out, "clerk"))
        assert (again.created, again.updated) == (0, 2)
        with unit_of_work(other) as session:
            assert session.scalar(select(func.count()).select_from(Person)) == 2
    finally:
        other.dispose()


def test_bad_rows_are_named_and_nothing_is_half_written(engine, town, tmp_path):
    add_grid(engine, town["溪口村"], "第9网格", code="XK09")
    rows = [
        ["溪口村", "第1网格", "XK01", "李芳", "13800000011"],
        ["", "第2网格"],  # row 3: a grid without a village
        ["东山村", "第1网格"],  # row 4: no such village
        ["溪口村", "第1网格"],  # row 5: the same grid as row 2
        ["溪口村", "第3网格", "XK09"],  # row 6: another grid's code
        ["桃源村", "第1网格", None, None, "13800000012"],  # row 7: a phone without a name
        ["桃源村", "第2网格", None, "赵丽", "1380000"],  # row 8: a short mobile
        ["桃源村", "第4网格", None, None, None, "王警官", "协警"],  # row 9: no such kind
    ]
    file = build_xlsx(tmp_path / "bad.xlsx", rows)
    preview = preview_grids_import(engine, file)
    assert [str(e) for e in preview.errors] == [
        "第3行 村居：不能为空",
        "第4行 村居：没有名为“东山村”的村居，请先在成员单位中添加",
        "第5行 网格名称：与第2行是同一网格",
        "第6行 网格编号：编号“XK09”已被其他网格使用",
        "第7行 网格员：填了手机，但没有填姓名",
        "第8行 网格员手机：应为11位手机号，或带区号的固定电话（如0571-88881234）",
        "第9行 警员身份：“协警”不是可选的警员身份，应为：民警、辅警",
    ]
    with pytest.raises(RowErrors):
        run_to_end(import_grids(engine, file, "clerk"))
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(Grid)) == 1
        assert session.scalar(select(func.count()).select_from(Person)) == 0
    result = run_to_end(import_grids(engine, file, "clerk", "good_rows"))
    assert (result.created, len(result.errors)) == (1, 7)


def test_wrong_headers_merged_cells_formulas_and_empty_trailing_rows(engine, town, tmp_path):
    wrong = build_xlsx(tmp_path / "wrong.xlsx", [["溪口村", "第1网格"]], headers=["村", "格"])
    with pytest.raises(ValidationError) as refused:
        preview_grids_import(engine, wrong)
    assert "表头缺少必填列：村居、网格名称" in str(refused.value)

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["网格名单"])
    sheet.merge_cells("A1:I1")  # a merged title row above the header
    sheet.append(HEADERS)
    sheet.append(["溪口村", "第1网格", '="XK"&"01"'])
    sheet.append(["溪口村", "第2网格"])
    sheet.merge_cells("A3:A4")  # one village cell for two grids
    sheet.cell(row=10_004, column=9, value=" ")  # formatted to far below
    file = tmp_path / "merged.xlsx"
    workbook.save(file)
    start = time.perf_counter()
    preview = preview_grids_import(engine, file)
    assert time.perf_counter() - start < 10
    # merged cells give their value only to the first cell; a formula never computed by
    # Excel has no value: both read as empty, and the row says what is missing
    assert [str(e) for e in preview.errors] == ["第4行 村居：不能为空"]
    assert [r.values["name"] for r in preview.creates] == ["第1网格"]
    assert preview.creates[0].values["code"] is None


def test_template_reads_back(engine, town, tmp_path):
    out = tmp_path / "t.xlsx"
    write_grids_template(out)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["网格", "填写说明"]
    preview = preview_grids_import(engine, out)
    assert [r.values["name"] for r in preview.creates] == ["第1网格"] and not preview.errors


def test_cli_grids_template_export_and_import(engine, town, database_url, tmp_path):
    db = database_url.removeprefix("sqlite:///")
    template = tmp_path / "t.xlsx"
    done = wuzha("--db", db, "template", "grids", str(template))
    assert done.returncode == 0 and "已写入网格导入模板" in done.stdout
    dry = wuzha("--db", db, "import", "grids", str(template), "--dry-run")
    assert dry.returncode == 0 and "预览（未写入）：新增 1 条，更新 0 条" in dry.stdout
    bad = build_xlsx(tmp_path / "bad.xlsx", [["东山村", "第1网格"]])
    refused = wuzha("--db", db, "import", "grids", str(bad))
    assert refused.returncode == 1 and "第2行 村居：没有名为“东山村”的村居" in refused.stdout
    done = wuzha("--db", db, "import", "grids", str(template))
    assert done.returncode == 0 and "已导入：新增 1 条" in done.stdout
    out = tmp_path / "e.xlsx"
    done = wuzha("--db", db, "export", "grids", str(out))
    assert done.returncode == 0 and "已导出 1 个网格" in done.stdout
