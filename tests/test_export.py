"""Exporting a register to .xlsx: reopened with openpyxl, it holds what the table showed."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert

from app.core.progress import Progress, run_to_end
from app.core.registers import RegisterQuery
from app.org.units import UnitRegister, UnitService
from app.sheets.register_export import export_register_xlsx
from db.models import Unit


@pytest.fixture
def register(engine):
    service = UnitService(engine, "clerk")
    service.create(
        {"name": "清溪镇派出所", "kind": "police", "address": "清溪镇人民路1号",
         "phone": "0571-88881234", "duties": "=SUM(A1)"}
    )  # fmt: skip
    service.create({"name": "清溪镇中心小学", "kind": "school", "phone": "13812345678"})
    with engine.begin() as conn:
        conn.execute(
            insert(Unit),
            [
                {"name": f"企业{i:04d}", "kind": "enterprise", "sort_order": 10 + i}
                for i in range(4500)
            ],
        )
    return UnitRegister(engine)


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "导出"
    folder.mkdir()
    return folder


def test_export_writes_every_row_with_chinese_headers(register, folder):
    path = folder / "成员单位.xlsx"
    steps: list[Progress] = []
    count = run_to_end(export_register_xlsx(register, RegisterQuery(), path), steps.append)
    assert count == 4502
    assert [s.done for s in steps] == [0, 2000, 4000, 4502, 4502]  # 2,000 rows a page
    assert all(s.total == 4502 for s in steps)
    assert [p.name for p in folder.iterdir()] == [path.name]  # the temporary file is gone

    sheet = load_workbook(path).active
    assert sheet.title == "成员单位"
    header = [c.value for c in sheet[1]]
    assert header == [
        "单位名称", "类别", "四员", "第一责任人", "联络员", "联络员手机", "联系电话", "地址",
        "职工人数", "职责分工",
    ]  # fmt: skip
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 1 + 4502
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    police = rows["清溪镇派出所"]
    assert police == (
        "清溪镇派出所", "派出所", "四员均未报送", None, None, None,
        "0571-88881234", "清溪镇人民路1号", 0, "=SUM(A1)",
    )  # fmt: skip
    assert isinstance(police[8], int)  # numbers stay numbers
    duties_cell = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "清溪镇派出所")[9]
    assert duties_cell.data_type == "s"  # typed text is never run as a formula
    assert rows["企业4499"][1] == "企业"
    assert rows["清溪镇中心小学"][7] is None
    assert sheet.column_dimensions["A"].width > sheet.column_dimensions["E"].width


def test_export_follows_the_query(register, folder):
    path = folder / "out.xlsx"
    query = RegisterQuery(text="清溪镇", sort_key="name", descending=True)
    assert run_to_end(export_register_xlsx(register, query, path)) == 2
    names = [r[0] for r in load_workbook(path).active.iter_rows(min_row=2, values_only=True)]
    assert names == ["清溪镇派出所", "清溪镇中心小学"]  # 派 after 中 by code point


def test_a_cancelled_export_leaves_no_file(register, folder):
    path = folder / "out.xlsx"
    job = export_register_xlsx(register, RegisterQuery(), path)
    next(job)
    next(job)  # 2,000 rows written
    job.close()  # what the 取消 button does
    assert list(folder.iterdir()) == []


def test_an_existing_file_is_replaced_only_at_the_end(register, folder):
    path = folder / "out.xlsx"
    path.write_bytes(b"old export")
    job = export_register_xlsx(register, RegisterQuery(), path)
    next(job)
    next(job)
    assert path.read_bytes() == b"old export"
    run_to_end(job)
    assert load_workbook(path).active.max_row == 4503
