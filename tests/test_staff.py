"""Staff lists (职工名单): the register, the shares signed and installed, the Excel import."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from app.core.progress import run_to_end
from app.core.registers import RegisterQuery
from app.core.validation import ValidationError
from app.exchange.staff import (
    import_staff,
    parse_day,
    preview_staff_import,
    write_staff_template,
)
from app.letters.printing import select_employees
from app.org.staff import (
    EmployeeRegister,
    EmployeeService,
    find_unit,
    missing_staff,
    staff_shares,
)
from app.org.units import UnitService
from app.sheets.reading import RowErrors
from db.engine import unit_of_work
from db.models import Employee
from tests.test_cli import wuzha

TODAY = date(2024, 10, 8)


@pytest.fixture
def unit(engine):
    units = UnitService(engine, "clerk")
    units.create({"name": "清溪镇卫生院", "short_name": "卫生院", "kind": "medical"})
    return units.create({"name": "清溪镇财政所", "short_name": "财政所", "kind": "institution"})


def build_xlsx(path: Path, headers, rows) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def employees(engine, unit_id):
    with unit_of_work(engine) as session:
        return {
            e.name: (e.post, e.mobile, e.commitment_signed_on, e.app_installed_on)
            for e in session.scalars(
                select(Employee).where(Employee.unit_id == unit_id, Employee.deleted_at.is_(None))
            )
        }


def test_the_register_and_the_shares(engine, unit):
    service = EmployeeService(engine, unit, "clerk")
    service.create({"name": "张三", "mobile": "13800000001", "commitment_signed_on": TODAY})
    service.create({"name": "李四", "app_installed_on": TODAY})
    service.create({"name": "王五", "commitment_signed_on": TODAY, "app_installed_on": TODAY})
    service.create({"name": "赵六"})
    with pytest.raises(ValidationError) as refused:
        service.create({"name": "张三", "mobile": "138 0000 0001"})
    assert refused.value.errors == {"name": "本单位已有职工“张三”（身份证号码或手机相同）"}
    with pytest.raises(ValidationError) as refused:
        service.create({"name": "孙七", "app_installed_on": date.today() + timedelta(days=1)})
    assert refused.value.errors == {"app_installed_on": "安装反诈APP日期不能晚于今天"}
    with pytest.raises(ValidationError) as refused:
        service.create({"name": "", "mobile": "12345"})
    assert set(refused.value.errors) == {"name", "mobile"}

    (finance,) = [s for s in staff_shares(engine) if s.unit_id == unit]
    assert (finance.staff, finance.signed, finance.installed) == (4, 2, 2)
    assert (finance.signed_share, finance.installed_share) == ("50.0%", "50.0%")
    (clinic,) = [s for s in staff_shares(engine) if s.unit_id != unit]
    assert clinic.staff == 0 and clinic.signed_share == "—"
    missing = {m.name: m.lacking for m in missing_staff(engine, unit)}
    assert missing == {
        "张三": "未安装APP",
        "李四": "未签订承诺书",
        "赵六": "未签订承诺书、未安装APP",
    }
    register = EmployeeRegister(engine, unit)
    assert register.count(RegisterQuery(filters={"signed": "no"})) == 2
    assert register.count(RegisterQuery(filters={"installed": "yes"})) == 2
    (row,) = register.fetch(RegisterQuery(text="张"), 0, 5)
    assert row.values[2] == "138****0001"  # masked
    assert register.columns[0].label == "姓名"  # one unit: no 单位 column
    assert EmployeeRegister(engine).columns[0].label == "单位"


def test_the_letters_read_the_staff_as_stored(engine, unit):
    service = EmployeeService(engine, unit, "clerk")
    signed = service.create({"name": "张三", "commitment_signed_on": TODAY})
    unsigned = service.create({"name": "李四"})
    assert select_employees(engine, "清溪镇财政所") == [signed, unsigned]
    assert select_employees(engine, "清溪镇财政所", unsigned=True) == [unsigned]
    service.delete(unsigned)
    with pytest.raises(ValidationError):
        select_employees(engine, "清溪镇财政所", unsigned=True)


def test_dates_written_by_hand(engine):
    assert parse_day("2024-03-05") == date(2024, 3, 5)
    assert parse_day("2024/3/5") == date(2024, 3, 5)
    assert parse_day("2024.3.5") == date(2024, 3, 5)
    assert parse_day("2024年3月5日") == date(2024, 3, 5)
    assert parse_day("2024-03-05 00:00") == date(2024, 3, 5)
    assert parse_day("2024-02-30") is None
    assert parse_day("三月五日") is None


def test_a_hand_kept_list_is_imported_and_updated(engine, unit, tmp_path):
    headers = ["序号", "职工姓名", "岗位", "手机号码", "身份证号", "签订日期", "是否安装APP"]
    rows = [
        [1, "张三", "所长", 13800000001, "", datetime(2024, 3, 5), "是"],
        [2, "李四", "会计", "13800000002", "", "2024.3.6", "否"],
        [3, "王五", "出纳", "", "33012219900101123X", "2024年3月7日", ""],
        [4, "赵六", "", "", "", "", ""],
    ]
    file = build_xlsx(tmp_path / "职工.xlsx", headers, rows)
    preview = preview_staff_import(engine, unit, file, TODAY)
    assert (len(preview.creates), len(preview.updates), preview.errors) == (4, 0, [])
    assert preview.unit_name == "清溪镇财政所"
    result = run_to_end(import_staff(engine, unit, file, "clerk", today=TODAY))
    assert (result.created, result.updated) == (4, 0)
    assert employees(engine, unit) == {
        "张三": ("所长", "13800000001", date(2024, 3, 5), TODAY),  # 是 without a date: today
        "李四": ("会计", "13800000002", date(2024, 3, 6), None),
        "王五": ("出纳", None, date(2024, 3, 7), None),
        "赵六": (None, None, None, None),
    }
    later = [
        ["张三", "副所长", 13800000001, "", "", ""],  # an empty date never clears one
        ["王五", "", "", "33012219900101123X", "", "2024-09-01"],  # known by ID number
        ["赵六", "", "", "", "2024-09-02", ""],  # the only 赵六: known by name
        ["孙七", "", "13800000007", "", "", ""],
    ]
    headers = ["姓名", "职务", "手机", "身份证号码", "签订承诺书日期", "安装反诈APP日期"]
    file = build_xlsx(tmp_path / "再次.xlsx", headers, later)
    result = run_to_end(import_staff(engine, unit, file, "clerk", today=TODAY))
    assert (result.created, result.updated) == (1, 3)
    stored = employees(engine, unit)
    assert stored["张三"] == ("副所长", "13800000001", date(2024, 3, 5), TODAY)
    assert stored["王五"] == ("出纳", None, date(2024, 3, 7), date(2024, 9, 1))
    assert stored["赵六"][2] == date(2024, 9, 2)
    assert len(stored) == 5


def test_bad_rows_are_named_and_nothing_is_half_written(engine, unit, tmp_path):
    headers = ["姓名", "手机", "身份证号码", "签订承诺书日期", "是否签订承诺书"]
    rows = [
        ["张三", "13800000001", "", "2024-03-05", ""],
        ["", "13800000002", "", "", ""],  # row 3
        ["李四", "1380000", "", "", ""],  # row 4
        ["王五", "", "330122199001011234", "", ""],  # row 5: bad check digit
        ["赵六", "", "", "3月5日", ""],  # row 6
        ["孙七", "", "", "2099-01-01", ""],  # row 7
        ["张三", "13800000001", "", "", ""],  # row 8: row 2 again
        ["周八", "", "", "2024-03-05", "否"],  # row 9
        ["吴九", "", "", "", "也许"],  # row 10
    ]
    file = build_xlsx(tmp_path / "bad.xlsx", headers, rows)
    preview = preview_staff_import(engine, unit, file, TODAY)
    messages = [str(e) for e in preview.errors]
    assert messages[0] == "第3行 姓名：不能为空"
    assert messages[1].startswith("第4行 手机：应为11位手机号")
    assert messages[2].startswith("第5行 身份证号码：")
    assert messages[3:] == [
        "第6行 签订承诺书日期：“3月5日”不是日期，应如2024-03-05",
        "第7行 签订承诺书日期：不能晚于今天",
        "第8行 姓名：与第2行是同一人",
        "第9行 签订承诺书日期：填了日期，但“是否”一列填的是“否”",
        "第10行 是否签订承诺书：应填“是”或“否”，不是“也许”",
    ]
    with pytest.raises(RowErrors):
        run_to_end(import_staff(engine, unit, file, "clerk", today=TODAY))
    assert employees(engine, unit) == {}
    result = run_to_end(import_staff(engine, unit, file, "clerk", "good_rows", today=TODAY))
    assert (result.created, len(result.errors)) == (1, 8)


def test_wrong_headers_and_ten_thousand_empty_rows(engine, unit, tmp_path):
    file = build_xlsx(tmp_path / "w.xlsx", ["名字", "电话"], [["张三", "13800000001"]])
    with pytest.raises(ValidationError) as refused:
        preview_staff_import(engine, unit, file)
    assert "表头缺少必填列：姓名" in str(refused.value)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "手机"])
    sheet.append(["张三", "13800000001"])
    for row in range(3, 10_003):
        sheet.cell(row=row, column=1, value="")
    file = tmp_path / "long.xlsx"
    workbook.save(file)
    preview = preview_staff_import(engine, unit, file)
    assert len(preview.creates) == 1 and not preview.errors


def test_template_reads_back(engine, unit, tmp_path):
    out = tmp_path / "t.xlsx"
    write_staff_template(out, "清溪镇财政所")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["清溪镇财政所职工名单", "填写说明"]
    preview = preview_staff_import(engine, unit, out, TODAY)
    assert [r.values["name"] for r in preview.creates] == ["张晓燕"] and not preview.errors


def test_units_are_found_by_name_or_short_name(engine, unit):
    assert find_unit(engine, "清溪镇财政所") == unit
    assert find_unit(engine, " 财政所 ") == unit
    with pytest.raises(ValidationError) as refused:
        find_unit(engine, "农商银行")
    assert refused.value.errors == {"unit": "没有名为“农商银行”的成员单位"}


def test_cli_imports_a_units_staff(engine, unit, database_url, tmp_path):
    db = database_url.removeprefix("sqlite:///")
    file = build_xlsx(
        tmp_path / "s.xlsx", ["姓名", "手机", "签订承诺书日期"],
        [["张三", "13800000001", "2024-03-05"], ["李四", "123", ""]],
    )  # fmt: skip
    refused = wuzha("--db", db, "import", "staff", "--unit", "财政所", str(file))
    assert refused.returncode == 1
    assert "未导入" in refused.stdout and "第3行 手机：应为11位手机号" in refused.stdout
    done = wuzha("--db", db, "import", "staff", "--unit", "财政所", str(file), "--skip-bad-rows")
    assert done.returncode == 0 and "已导入：新增 1 条，更新 0 条" in done.stdout
    assert set(employees(engine, unit)) == {"张三"}
    unknown = wuzha("--db", db, "import", "staff", "--unit", "农商银行", str(file))
    assert unknown.returncode == 1 and "没有名为“农商银行”的成员单位" in unknown.stderr
