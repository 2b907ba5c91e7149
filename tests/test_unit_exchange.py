"""Member units with their four people to and from real .xlsx files, on real databases."""

from __future__ import annotations

import sqlite3
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import PatternFill
from sqlalchemy import func, select

from app.core.progress import run_to_end
from app.core.validation import ValidationError
from app.exchange.units import (
    COLUMNS,
    export_units_xlsx,
    import_units,
    preview_units_import,
    write_template_xlsx,
)
from app.sheets.reading import RowErrors, read_rows
from db.engine import make_engine, sqlite_url, unit_of_work
from db.models import AuditLog, Person, Unit, UnitRole
from db.schema import prepare_database
from tests.test_cli import wuzha

HEADERS = [
    "单位名称*",
    "类别*",
    "地址",
    "联系电话",
    "职责分工",
    "第一责任人",
    "第一责任人职务",
    "第一责任人手机",
    "具体责任人",
    "具体责任人职务",
    "具体责任人手机",
    "联络员",
    "联络员职务",
    "联络员手机",
    "宣讲员",
    "宣讲员职务",
    "宣讲员手机",
]


def unit_row(name, kind="机关部门", phone="0571-88881234", first_mobile="13800000001"):
    return [name, kind, f"{name}地址", phone, "宣传", "王一", "主任", first_mobile]


def build_xlsx(path: Path, rows, headers=HEADERS, title_rows=()) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in title_rows:
        sheet.append(row)
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def new_engine(path: Path):
    url = sqlite_url(path)
    prepare_database(url)
    return make_engine(url)


def add_unit(session, name, kind, people, sort_order):
    unit = Unit(
        name=name, kind=kind, address=f"{name}路1号", phone="0571-8888123" + str(sort_order)
    )
    unit.duties = "负责本单位反诈宣传"
    unit.sort_order = sort_order
    session.add(unit)
    session.flush()
    for number, (role, name_, post, mobile) in enumerate(people):
        person = Person(name=name_, mobile=mobile)
        session.add(person)
        session.flush()
        session.add(
            UnitRole(unit_id=unit.id, role=role, person_id=person.id, post=post, sort_order=number)
        )


def snapshot(engine):
    """Every live unit with its live people, comparable across databases."""
    with unit_of_work(engine) as session:
        units = session.scalars(
            select(Unit).where(Unit.deleted_at.is_(None)).order_by(Unit.sort_order, Unit.id)
        ).all()
        result = []
        for unit in units:
            roles = session.execute(
                select(UnitRole.role, Person.name, UnitRole.post, Person.mobile)
                .join(Person, Person.id == UnitRole.person_id)
                .where(UnitRole.unit_id == unit.id, UnitRole.deleted_at.is_(None))
                .order_by(UnitRole.sort_order, UnitRole.id)
            ).all()
            people = sorted(tuple(r) for r in roles)
            result.append((unit.name, unit.kind, unit.address, unit.phone, unit.duties, people))
        return result


def count(engine, model, live=True):
    with unit_of_work(engine) as session:
        query = select(func.count()).select_from(model)
        if live:
            query = query.where(model.deleted_at.is_(None))
        return session.scalar(query)


def test_export_then_import_into_an_empty_database(engine, tmp_path):
    with unit_of_work(engine, "clerk") as session:
        add_unit(
            session,
            "平安镇派出所",
            "police",
            [
                ("first_responsible", "王建国", "所长", "13800000001"),
                ("specific_responsible", "李志强", "副所长", "13800000002"),
                ("liaison", "张晓燕", "内勤", "13800000003"),
                ("lecturer", "赵敏", None, "13800000004"),
                ("lecturer", "陈刚", "辅警", None),
            ],
            2,
        )
        add_unit(session, "东山村", "village", [("first_responsible", "周德", "书记", None)], 1)
        add_unit(session, "平安镇中学", "school", [], 3)
    file = tmp_path / "units.xlsx"
    assert run_to_end(export_units_xlsx(engine, file)) == 3

    sheet = openpyxl.load_workbook(file).active
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    assert [sheet.cell(row=r, column=2).value for r in (2, 3, 4)] == ["村居", "派出所", "学校"]
    assert sheet["D2"].data_type == "s" and sheet["O3"].value == "赵敏、陈刚"

    other = new_engine(tmp_path / "other.sqlite")
    try:
        preview = preview_units_import(other, file)
        assert (len(preview.creates), len(preview.updates), preview.errors) == (3, 0, [])
        result = run_to_end(import_units(other, file, "clerk"))
        assert (result.created, result.updated) == (3, 0)
        assert snapshot(other) == snapshot(engine)
        with unit_of_work(other) as session:
            entries = session.scalars(select(AuditLog).where(AuditLog.action == "import")).all()
            assert {e.table_name for e in entries} == {"unit"} and len(entries) == 3
            assert all("王" not in (e.detail or "") for e in entries)
    finally:
        other.dispose()


def bad_file(tmp_path):
    rows = [
        unit_row("民政办"),
        unit_row("财政所", phone=13812345678),  # typed as a number by Excel
        unit_row("司法所"),
        unit_row("综治中心", first_mobile="1381234"),  # row 5
        unit_row(None),  # row 6
        unit_row("民政办"),  # row 7: the same name as row 2
    ]
    return build_xlsx(tmp_path / "bad.xlsx", rows)


def test_bad_rows_are_reported_with_their_row_and_column(engine, tmp_path):
    file = bad_file(tmp_path)
    preview = preview_units_import(engine, file)
    found = [(e.row_number, e.column_label) for e in preview.errors]
    assert found == [(5, "第一责任人手机"), (6, "单位名称"), (7, "单位名称")]
    assert [str(e) for e in preview.errors] == [
        "第5行 第一责任人手机：应为11位手机号，或带区号的固定电话（如0571-88881234）",
        "第6行 单位名称：不能为空",
        "第7行 单位名称：与第2行重名",
    ]
    assert [r.row_number for r in preview.creates] == [2, 3, 4]
    assert preview.creates[1].values["phone"] == "13812345678"

    with pytest.raises(RowErrors) as refused:
        run_to_end(import_units(engine, file, "clerk", "all_or_nothing"))
    assert len(refused.value.row_errors) == 3 and "第5行" in str(refused.value)
    assert count(engine, Unit) == 0 and count(engine, Person) == 0

    result = run_to_end(import_units(engine, file, "clerk", "good_rows"))
    assert (result.created, result.updated, len(result.errors)) == (3, 0, 3)
    assert [u[0] for u in snapshot(engine)] == ["民政办", "财政所", "司法所"]


def test_kind_labels_and_several_lecturers_are_checked(engine, tmp_path):
    rows = [
        [*unit_row("甲单位", kind="居委会"), "", "", "", "", "", "", "", "", ""],
        [*unit_row("乙单位"), "", "", "", "", "", "", "赵、钱", "讲师", "13800000009"],
        [*unit_row("丙单位"), "", "", "", "", "", "", "", "讲师", ""],
    ]
    preview = preview_units_import(engine, build_xlsx(tmp_path / "k.xlsx", rows))
    messages = [str(e) for e in preview.errors]
    assert messages[0].startswith(
        "第2行 类别：“居委会”不是可选的类别，应为：机关部门、派出所、村居"
    )
    assert "第3行 宣讲员职务：有2个姓名，却填了1个宣讲员职务" in messages
    assert "第3行 宣讲员手机：有2个姓名，却填了1个宣讲员手机" in messages
    assert "第4行 宣讲员：填了职务或手机，但没有填姓名" in messages
    assert not preview.creates


def test_missing_headers_are_named(engine, tmp_path):
    file = build_xlsx(tmp_path / "h.xlsx", [["民政办", "镇政府"]], headers=["单位全称", "地址"])
    with pytest.raises(ValidationError) as missing:
        preview_units_import(engine, file)
    assert "表头缺少必填列：单位名称、类别" in str(missing.value)


def test_merged_cells_and_formula_cells(engine, tmp_path):
    headers = ["单位 名称 *", "类别＊", "地　址", "联系电话", "职责分工"]
    file = build_xlsx(
        tmp_path / "m.xlsx",
        [['="平安"&"办"', "机关部门"], ["东山村", "村居"], ["西山村", None], ["南山村", "村居"]],
        headers=headers,
        title_rows=[["平安镇成员单位名单"], ["填报日期：2024年3月"]],
    )
    workbook = openpyxl.load_workbook(file)
    sheet = workbook.active
    sheet.merge_cells("A1:Q1")
    sheet.merge_cells("E3:F3")  # a merged header cell
    sheet.merge_cells("B5:B6")  # 西山村's kind lies in a merged range
    workbook.save(file)
    # openpyxl cannot store a formula's computed value; Excel does: add it as Excel would
    with zipfile.ZipFile(file) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"].decode()
    assert '<c r="A4"><f>' in sheet_xml
    sheet_xml = sheet_xml.replace('<c r="A4"><f>', '<c r="A4" t="str"><f>')
    sheet_xml = sheet_xml.replace('&amp;"办"</f><v /></c>', '&amp;"办"</f><v>平安办</v></c>')
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.encode()
    with zipfile.ZipFile(file, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)

    preview = preview_units_import(engine, file)
    assert [r.values["name"] for r in preview.creates] == ["平安办", "东山村", "南山村"]
    assert [str(e) for e in preview.errors] == ["第6行 类别：不能为空"]
    # only the columns in the file are known: roles are left alone on an update
    assert preview.roles_in_file == () and "address" in preview.creates[0].values


def test_ten_thousand_empty_trailing_rows_are_fast(engine, tmp_path):
    file = build_xlsx(tmp_path / "long.xlsx", [unit_row("民政办"), unit_row("司法所")])
    workbook = openpyxl.load_workbook(file)
    sheet = workbook.active
    fill = PatternFill("solid", fgColor="FFFF00")
    for row in range(4, 10_004):
        sheet.cell(row=row, column=1).fill = fill
        sheet.cell(row=row, column=4, value=" " if row % 7 == 0 else None).fill = fill
    workbook.save(file)
    started = time.perf_counter()
    rows = read_rows(file, COLUMNS)
    assert time.perf_counter() - started < 1.5
    assert [r.row_number for r in rows.rows] == [2, 3] and rows.errors == []


def test_importing_the_same_file_again_updates(engine, tmp_path):
    rows = [
        [*unit_row("民政办"), "", "", "", "", "", "", "赵敏、陈刚", "", "13800000004、"],
        unit_row("司法所"),
    ]
    file = build_xlsx(tmp_path / "u.xlsx", rows)
    assert run_to_end(import_units(engine, file, "clerk")).created == 2
    before = snapshot(engine)
    people, roles = count(engine, Person), count(engine, UnitRole)

    again = run_to_end(import_units(engine, file, "clerk"))
    assert (again.created, again.updated) == (0, 2)
    assert snapshot(engine) == before
    assert (count(engine, Person), count(engine, UnitRole, live=False)) == (people, roles)

    rows[1] = unit_row("司法所", phone="0571-12345678", first_mobile="13900000000")
    changed = run_to_end(import_units(engine, build_xlsx(tmp_path / "u2.xlsx", rows), "clerk"))
    assert (changed.created, changed.updated) == (0, 2)
    after = dict((u[0], u) for u in snapshot(engine))
    assert after["司法所"][3] == "0571-12345678"
    assert after["司法所"][5] == [("first_responsible", "王一", "主任", "13900000000")]
    assert count(engine, Unit) == 2
    assert count(engine, UnitRole, live=False) - count(engine, UnitRole) == 1  # soft-deleted


def test_template_reads_back(engine, tmp_path):
    file = tmp_path / "template.xlsx"
    write_template_xlsx(file)
    workbook = openpyxl.load_workbook(file)
    assert workbook.sheetnames == ["成员单位", "填写说明"]
    assert [c.value for c in workbook["成员单位"][1]] == HEADERS
    guide = " ".join(str(c.value) for row in workbook["填写说明"].iter_rows() for c in row)
    assert "机关部门、派出所、村居" in guide and "11位手机号" in guide
    preview = preview_units_import(engine, file)
    assert preview.errors == [] and len(preview.creates[0].people) == 5


def test_files_that_are_not_xlsx_get_a_chinese_message(engine, tmp_path):
    cases = {
        "text.xlsx": (b"\xe5\x8d\x95\xe4\xbd\x8d,\xe7\xb1\xbb\xe5\x88\xab\n", "不是Excel工作簿"),
        "old.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "加了密码"),
        "broken.xlsx": (b"PK\x03\x04 not really a zip", "已损坏"),
    }
    for name, (content, expected) in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(ValidationError) as refused:
            preview_units_import(engine, tmp_path / name)
        assert expected in str(refused.value) and name in str(refused.value)
    with pytest.raises(ValidationError, match="文件不存在"):
        preview_units_import(engine, tmp_path / "missing.xlsx")


def units_in(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT name, kind FROM unit WHERE deleted_at IS NULL ORDER BY sort_order, id"
        ).fetchall()


def test_cli_export_then_import_into_a_new_database(tmp_path):
    source = tmp_path / "source.sqlite"
    assert wuzha("--db", str(source), "demo", "--households", "20").returncode == 0
    file = tmp_path / "units.xlsx"
    exported = wuzha("--db", str(source), "export", "units", str(file))
    assert exported.returncode == 0, exported.stderr
    assert "已导出" in exported.stdout and file.exists()

    target = tmp_path / "target.sqlite"
    dry = wuzha("--db", str(target), "import", "units", str(file), "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    expected = units_in(source)
    assert f"新增 {len(expected)} 个，更新 0 个" in dry.stdout
    assert units_in(target) == []

    imported = wuzha("--db", str(target), "import", "units", str(file))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert f"新增 {len(expected)} 个" in imported.stdout
    assert units_in(target) == expected
    again = wuzha("--db", str(target), "import", "units", str(file))
    assert f"新增 0 个，更新 {len(expected)} 个" in again.stdout
    assert units_in(target) == expected


def test_cli_bad_rows_and_template(tmp_path):
    db = tmp_path / "a.sqlite"
    file = bad_file(tmp_path)
    refused = wuzha("--db", str(db), "import", "units", str(file))
    assert refused.returncode == 1
    assert (
        "第5行 第一责任人手机：" in refused.stdout
        and "第7行 单位名称：与第2行重名" in refused.stdout
    )
    assert units_in(db) == []
    assert wuzha("--db", str(db), "import", "units", str(file), "--dry-run").returncode == 1

    skipped = wuzha("--db", str(db), "import", "units", str(file), "--skip-bad-rows")
    assert skipped.returncode == 0, skipped.stderr
    assert "新增 3 个，更新 0 个" in skipped.stdout and "第6行 单位名称：不能为空" in skipped.stdout
    assert len(units_in(db)) == 3

    template = tmp_path / "template.xlsx"
    written = wuzha("--db", str(db), "template", "units", str(template))
    assert written.returncode == 0 and template.exists()
    bogus = tmp_path / "bogus.xlsx"
    bogus.write_text("not a workbook")
    failed = wuzha("--db", str(db), "import", "units", str(bogus))
    assert failed.returncode == 1 and "不是Excel工作簿" in failed.stderr
