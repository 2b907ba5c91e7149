"""Household rosters imported from messy real files into real databases, counted exactly."""

from __future__ import annotations

import sqlite3
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from app.core.idnumber import check_character, make_id_number
from app.core.progress import run_to_end
from app.core.validation import ValidationError
from app.exchange.roster import write as roster_write
from app.exchange.roster.columns import detect_layout, load_remembered, remember_mapping
from app.exchange.roster.importer import RosterOptions, import_households, preview_household_import
from app.exchange.roster.report import write_report_xlsx, write_template_xlsx
from app.sheets.files import open_sheet_file
from db.engine import unit_of_work
from db.models import AuditLog, Grid, Household, Resident, Setting, Unit
from tests.test_cli import wuzha

REGION = "339005"


def id_of(born: date, sequence: int) -> str:
    return make_id_number(REGION, born, sequence)


WANG = id_of(date(1958, 3, 4), 11)
ZHAO = next(  # one ending in X: typed below in full-width digits with a lower-case x
    n for n in (id_of(date(1971, 9, 1), k) for k in range(200)) if n.endswith("X")
)
SUN = id_of(date(1965, 5, 6), 31)
STORED = id_of(date(1980, 2, 29), 42)  # already in the database
LI = id_of(date(1975, 12, 12), 52)
OLD = "339005650506123"  # 15 digits, born 1965-05-06
OLD_AS_NUMBER = "339005700708456"
IMPOSSIBLE = REGION + "19900230" + "123"
IMPOSSIBLE += check_character(IMPOSSIBLE)
BAD_CHECK = WANG[:17] + ("0" if WANG[17] != "0" else "1")
FULL_WIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")


def messy_rows() -> list[list]:
    """Rows 5 to 20 of the messy roster, with what each is meant to test."""
    return [
        # 5: clean
        [1, "白鹤村", 1, "王建国", WANG, "13812345678", "白鹤村1组1号", 3, "老年人", None],
        # 6: full-width digits and a lower-case x
        [2, None, 1, "赵敏", ZHAO.lower().translate(FULL_WIDTH), "13812345679", "白鹤村1组2号"],
        # 7: spaces inside the ID number, a phone Excel stored as a number
        [3, None, 1, "孙丽", f"{SUN[:6]} {SUN[6:14]} {SUN[14:]}", 13912345678.0, "白鹤村1组3号"],
        # 8: a landline with its area code, spaced
        [4, None, 1, "周强", id_of(date(1966, 1, 1), 61), "0571 8888 1234", "白鹤村1组4号"],
        # 9: a landline with the area code in brackets
        [5, None, 1, "吴芳", id_of(date(1967, 1, 1), 62), "(0571)88881235", "白鹤村1组5号"],
        # 10: an old 15-digit number, as text
        [6, None, 1, "郑伟", OLD, None, "白鹤村1组6号"],
        # 11: an old 15-digit number stored by Excel as a number
        [7, "白鹤村", 1, "冯军", float(OLD_AS_NUMBER), None, "白鹤村1组7号"],
        # 12: a bad check digit
        [8, "白鹤村", 1, "陈刚", BAD_CHECK, None, "白鹤村1组8号"],
        # 13: 30 February
        [9, "白鹤村", 1, "褚燕", IMPOSSIBLE, None, "白鹤村1组9号"],
        # 14: no name
        [10, "白鹤村", 1, None, id_of(date(1970, 1, 1), 71), "13700000001", "白鹤村1组10号"],
        # 15: the same head as row 5
        [11, "白鹤村", 1, "王建国", WANG, None, "白鹤村1组1号"],
        # 16: a head already in the database
        [12, "白鹤村", 1, "蒋涛", STORED, "13700000002", "白鹤村1组12号", 2],
        # 17: an 18-digit number Excel turned into a float: the last digits are gone
        [13, "白鹤村", 1, "沈洁", float(LI), None, "白鹤村1组13号"],
        # 18: a spaced name, tags in other words
        [14, "白鹤村", 1, "韩 梅梅", id_of(date(1950, 6, 1), 82), None, "白鹤村1组14号", 1,
         "老人、个体户"],
        # 19: a grid the village does not have yet
        [15, "白鹤村", "第2网格", "杨帆", id_of(date(1990, 6, 1), 91), None, "白鹤村2组1号"],
        # 20: a village the database does not have yet
        [16, "新丰村", 1, "朱琳", id_of(date(1991, 6, 1), 92), None, "新丰村1组1号"],
    ]  # fmt: skip


def build_messy_roster(path: Path) -> Path:
    """A village's own roster: a title, a two-row merged header, merged cells, a blank tail."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    sheet["A1"] = "白鹤村住户花名册"
    sheet.merge_cells("A1:J1")
    sheet["A2"] = "填报单位：白鹤村村委会    填报日期：2024年3月"
    top = [
        "序号",
        "村（居）",
        "网格",
        "户主信息",
        None,
        None,
        "家庭住址",
        "人口数",
        "重点人群",
        "备注",
    ]
    sub = [None, None, None, "姓名", "身份证号", "联系电话", None, None, None, None]
    sheet.append(top)
    sheet.append(sub)
    for column in "ABCGHIJ":
        sheet.merge_cells(f"{column}3:{column}4")
    sheet.merge_cells("D3:F3")
    for row in messy_rows():
        sheet.append(row)
    sheet.merge_cells("B5:B10")  # 白鹤村 once, over six families
    for number in range(21, 60):  # a formatted blank tail, some cells with a stray space
        sheet.cell(row=number, column=4, value=" " if number % 5 == 0 else None)
        sheet.cell(row=number, column=2).number_format = "@"
    workbook.save(path)
    return path


def seed_village(engine) -> None:
    """白鹤村 with 第1网格, and one household whose head appears again in the file."""
    with unit_of_work(engine, "setup") as session:
        village = Unit(name="白鹤村", kind="village")
        session.add(village)
        session.flush()
        grid = Grid(village_id=village.id, name="第1网格")
        session.add(grid)
        session.flush()
        household = Household(
            village_id=village.id,
            grid_id=grid.id,
            address="白鹤村1组12号",
            head_name="蒋涛",
            head_id_number=STORED,
            phone="13700000009",
            size=4,
        )
        session.add(household)
        session.flush()
        session.add(Resident(household_id=household.id, name="蒋涛", id_number=STORED))


def counts(engine) -> dict[str, int]:
    with unit_of_work(engine) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Unit, Grid, Household, Resident, AuditLog, Setting)
        }


def statuses(plan) -> dict[int, str]:
    return {row.row_number: row.status for row in plan.rows}


def test_messy_roster_preview_counts_every_row(engine, tmp_path):
    seed_village(engine)
    file = build_messy_roster(tmp_path / "白鹤村花名册.xlsx")
    before = counts(engine)
    plan = run_to_end(preview_household_import(engine, file, RosterOptions(create_missing=True)))
    assert counts(engine) == before  # a dry run writes nothing
    assert plan.layout.header_row == 4 and plan.layout.sheet_title == "花名册"
    assert [plan.count(s) for s in ("imported", "updated", "skipped", "rejected")] == [10, 0, 1, 5]
    assert plan.normalised == 7
    assert [r.row_number for r in plan.rows] == list(range(5, 21))  # the blank tail is no row
    by_row = {row.row_number: row for row in plan.rows}
    assert statuses(plan) == {
        **{n: "imported" for n in (5, 6, 7, 8, 9, 10, 11, 18, 19, 20)},
        **{n: "rejected" for n in (12, 13, 14, 15, 17)},
        16: "skipped",
    }
    assert by_row[5].notes == [] and by_row[5].village == "白鹤村"
    assert by_row[10].village == "白鹤村"  # read from the merged cell B5:B10
    assert by_row[6].id_number == ZHAO
    assert by_row[6].notes == ["身份证号码：全角字符改为半角", "身份证号码：小写x改为X"]
    assert by_row[7].id_number == SUN and by_row[7].phone == "13912345678"
    assert by_row[7].notes == ["身份证号码：去掉空格", "联系电话：Excel数字格式改为文本"]
    assert by_row[8].phone == "0571-88881234" and by_row[9].phone == "0571-88881235"
    assert by_row[10].id_number == make_id_number(REGION, date(1965, 5, 6), 123)
    assert by_row[10].notes == ["身份证号码：15位旧号码升级为18位"]
    assert by_row[11].id_number == make_id_number(REGION, date(1970, 7, 8), 456)
    assert by_row[18].name == "韩梅梅" and by_row[18].tags == "老年人,个体工商户"
    assert by_row[12].reason.startswith("身份证号码：校验位错误")
    assert by_row[13].reason == "身份证号码：出生日期不存在"
    assert by_row[14].reason == "姓名：不能为空"
    assert by_row[15].reason == "与第5行是同一户主（身份证号码相同）"
    assert "按选择跳过" in by_row[16].reason
    assert "末几位已经丢失" in by_row[17].reason
    assert plan.missing.villages == ("新丰村",)
    assert plan.missing.grids == (("白鹤村", "第2网格"), ("新丰村", "第1网格"))
    assert by_row[19].reason == "新建网格“白鹤村第2网格”"
    assert by_row[20].reason == "新建村居“新丰村”；新建网格“新丰村第1网格”"


def test_messy_roster_import_writes_the_good_rows_in_one_go(engine, tmp_path):
    seed_village(engine)
    file = build_messy_roster(tmp_path / "roster.xlsx")
    before = counts(engine)
    result = run_to_end(
        import_households(engine, file, "clerk", RosterOptions(create_missing=True))
    )
    after = counts(engine)
    assert (result.households_created, result.households_updated) == (10, 0)
    assert (result.villages_created, result.grids_created) == (1, 2)
    assert after["household"] - before["household"] == 10
    assert after["resident"] - before["resident"] == 10  # each head is a resident too
    assert after["unit"] - before["unit"] == 1 and after["grid"] - before["grid"] == 2
    # one summary line and one line per new household, with no personal values
    assert after["audit_log"] - before["audit_log"] == 11
    with unit_of_work(engine) as session:
        details = session.scalars(select(AuditLog.detail).where(AuditLog.action == "import")).all()
        assert "住户花名册：新增10户，更新0户，拒绝5行" in details
        assert not any(WANG in (d or "") or "王建国" in (d or "") for d in details)
        wang = session.scalars(select(Household).where(Household.head_id_number == WANG)).one()
        assert (wang.size, wang.tags, wang.phone, wang.changed_by) == (
            3,
            "老年人",
            "13812345678",
            "clerk",
        )
        head = session.scalars(select(Resident).where(Resident.id_number == WANG)).one()
        assert (head.relation, head.gender, head.birth_date) == ("head", "男", date(1958, 3, 4))
        yang = session.scalars(select(Household).where(Household.head_name == "杨帆")).one()
        grid = session.get(Grid, yang.grid_id)
        assert grid.name == "第2网格" and session.get(Unit, grid.village_id).name == "白鹤村"
        zhu = session.scalars(select(Household).where(Household.head_name == "朱琳")).one()
        village = session.get(Unit, zhu.village_id)
        assert (village.name, village.kind) == ("新丰村", "village")
        stored = session.scalars(select(Household).where(Household.head_id_number == STORED)).one()
        assert stored.phone == "13700000009"  # skipped: left as it was

    again = run_to_end(import_households(engine, file, "clerk", RosterOptions()))
    assert again.households_created == 0 and again.plan.count("skipped") == 11
    assert counts(engine)["household"] == after["household"]


def test_refusing_new_places_and_updating_stored_households(engine, tmp_path):
    seed_village(engine)
    file = build_messy_roster(tmp_path / "roster.xlsx")
    options = RosterOptions(create_missing=False, duplicates="update", old_ids="keep")
    result = run_to_end(import_households(engine, file, "clerk", options))
    plan = result.plan
    assert [plan.count(s) for s in ("imported", "updated", "skipped", "rejected")] == [8, 1, 0, 7]
    by_row = {row.row_number: row for row in plan.rows}
    assert by_row[19].reason == "网格“第2网格”不存在（未同意新建）"
    assert by_row[20].reason == "村居“新丰村”不存在（未同意新建）"
    assert by_row[10].id_number == OLD and by_row[10].notes == [
        "身份证号码：15位旧号码，按原样保留"
    ]
    assert (result.villages_created, result.grids_created, result.households_updated) == (0, 0, 1)
    with unit_of_work(engine) as session:
        stored = session.scalars(select(Household).where(Household.head_id_number == STORED)).one()
        assert (stored.phone, stored.size, stored.changed_by) == ("13700000002", 2, "clerk")
        assert (
            session.scalar(
                select(func.count()).select_from(Resident).where(Resident.household_id == stored.id)
            )
            == 1
        )
        old = session.scalars(select(Resident).where(Resident.id_number == OLD)).one()
        assert (old.birth_date, old.gender) == (date(1965, 5, 6), "男")  # decoded from 15 digits
        detail = session.scalar(
            select(AuditLog.detail).where(
                AuditLog.record_uuid == stored.uuid, AuditLog.action == "import"
            )
        )
        assert detail == "更新:phone,residents,size"  # field names only


def test_family_roster_in_gbk_csv_groups_members_into_households(engine, tmp_path):
    head = id_of(date(1960, 1, 1), 11)
    rows = [
        "户号,姓名,与户主关系,身份证号码,联系电话,家庭住址,人员类别",
        f"1,张三,户主,{head},13812345678,桃源村1组1号,",
        f"1,李四,妻子,{id_of(date(1962, 1, 1), 22)},,,",
        f"1,张小明,儿子,{id_of(date(1990, 1, 1), 31)},,,学生",
        f"2,王五,户主,{id_of(date(1950, 1, 1), 41)},0571-88881234,桃源村1组2号,老人",
        f"2,王小红,女儿,{BAD_CHECK},,,",
        f"3,赵六,配偶,{id_of(date(1970, 1, 1), 52)},,桃源村1组3号,",
        f",钱七,户主,{id_of(date(1940, 1, 1), 61)},,桃源村1组4号,",
        f",钱小,孙女,{id_of(date(2010, 1, 1), 62)},,,学生",
        f"4,孙八,户主,{head},,桃源村1组5号,",
    ]
    file = tmp_path / "户籍名单.csv"
    file.write_bytes("\r\n".join(rows).encode("gbk"))
    options = RosterOptions(village="桃源村", create_missing=True)
    result = run_to_end(import_households(engine, file, "clerk", options))
    plan = result.plan
    assert [plan.count(s) for s in ("imported", "updated", "skipped", "rejected")] == [6, 0, 0, 3]
    assert (result.households_created, result.residents_created) == (3, 6)
    by_row = {row.row_number: row for row in plan.rows}
    assert by_row[6].reason.startswith("身份证号码：校验位错误")
    assert by_row[7].reason == "这一户没有户主行（与户主关系应有一行为“户主”）"
    assert by_row[10].reason == "与第2行是同一户主（身份证号码相同）"
    assert by_row[9].head_row == 8 and by_row[4].head_row == 2
    with unit_of_work(engine) as session:
        zhang = session.scalars(select(Household).where(Household.head_name == "张三")).one()
        assert (zhang.size, zhang.tags, zhang.address) == (3, "学生", "桃源村1组1号")
        relations = session.scalars(
            select(Resident.relation).where(Resident.household_id == zhang.id).order_by(Resident.id)
        ).all()
        assert relations == ["head", "spouse", "child"]
        qian = session.scalars(select(Household).where(Household.head_name == "钱七")).one()
        assert qian.size == 2
        wang = session.scalars(select(Household).where(Household.head_name == "王五")).one()
        assert (wang.size, wang.tags) == (1, "老年人")


def test_dry_run_and_cancel_write_nothing(engine, tmp_path, monkeypatch):
    seed_village(engine)
    file = build_messy_roster(tmp_path / "roster.xlsx")
    before = counts(engine)
    monkeypatch.setattr(roster_write, "CHUNK", 2)  # several chunks: cancel between two of them
    job = import_households(engine, file, "clerk", RosterOptions(create_missing=True))
    for step in job:
        if step.message.startswith("已写入"):
            break
    else:
        pytest.fail("the import never reported a written chunk")
    with sqlite3.connect(engine.url.database) as conn:  # another connection sees nothing yet
        assert conn.execute("SELECT count(*) FROM household").fetchone()[0] == 1
    job.close()  # what the GUI's cancel does
    assert counts(engine) == before


def test_files_that_are_not_rosters_get_a_chinese_message(engine, tmp_path):
    protected = tmp_path / "加密.xlsx"
    protected.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le")
    )
    word = tmp_path / "名单.docx"
    with zipfile.ZipFile(word, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    page = tmp_path / "网格导出.xls"
    page.write_text("<html><table><tr><td>姓名</td></tr></table></html>", encoding="utf-8")
    text = tmp_path / "名单.xlsx"
    text.write_text("姓名,身份证号码\n张三,1\n", encoding="utf-8")
    ledger = tmp_path / "台账.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["项目", "金额"])
    workbook.active.append(["宣传品", 120])
    workbook.save(ledger)
    expected = {
        protected: "设置了打开密码",
        word: "Word文档",
        page: "网页格式",
        text: "扩展名改为.csv",
        ledger: "看起来不是住户花名册",
        tmp_path / "没有.xlsx": "文件不存在",
    }
    for path, words in expected.items():
        with pytest.raises(ValidationError) as refused:
            run_to_end(preview_household_import(engine, path, RosterOptions(village="桃源村")))
        assert words in str(refused.value) and path.name in str(refused.value), path


def test_wrong_extension_is_read_by_content(engine, tmp_path):
    file = build_messy_roster(tmp_path / "roster.xlsx")
    renamed = file.rename(tmp_path / "roster.xls")
    plan = run_to_end(preview_household_import(engine, renamed, RosterOptions(create_missing=True)))
    assert plan.count("imported") == 11 and plan.count("rejected") == 5  # 蒋涛 is new here


def test_mapping_chosen_by_the_clerk_is_remembered(engine, tmp_path):
    file = tmp_path / "grid-export.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["住户名", "公民号", "所属村", "手机号"])
    workbook.active.append(["张三", WANG, "桃源村", "13812345678"])
    workbook.save(file)
    with open_sheet_file(file) as book:
        layout = detect_layout(book, load_remembered(engine))
    assert layout.mapping == {2: "village", 3: "phone"}
    with pytest.raises(ValidationError, match="看起来不是住户花名册"):
        run_to_end(preview_household_import(engine, file))
    layout.mapping = {0: "name", 1: "id_number", 2: "village", 3: "phone"}
    remember_mapping(engine, layout, "clerk")
    with open_sheet_file(file) as book:
        again = detect_layout(book, load_remembered(engine))
    assert again.mapping == layout.mapping and again.samples[0][:2] == ["张三", WANG]
    plan = run_to_end(preview_household_import(engine, file, RosterOptions(create_missing=True)))
    assert plan.count("imported") == 1 and plan.rows[0].id_number == WANG


def test_report_and_template(engine, tmp_path):
    seed_village(engine)
    plan = run_to_end(
        preview_household_import(
            engine, build_messy_roster(tmp_path / "r.xlsx"), RosterOptions(create_missing=True)
        )
    )
    report = tmp_path / "report.xlsx"
    write_report_xlsx(plan, report)
    sheet = openpyxl.load_workbook(report)["导入结果"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("行号", "状态", "姓名", "身份证号码", "所属户主行", "规范化处理", "原因")
    assert len(rows) == 17
    assert rows[1][:4] == (5, "导入", "王建国", WANG[:6] + "********" + WANG[-4:])
    assert rows[8][1] == "拒绝" and rows[8][6].startswith("身份证号码：校验位错误")
    assert rows[12][1] == "跳过"
    template = tmp_path / "template.xlsx"
    write_template_xlsx(template)
    plan = run_to_end(
        preview_household_import(engine, template, RosterOptions(create_missing=True))
    )
    assert [plan.count(s) for s in ("imported", "rejected")] == [4, 0] and plan.normalised == 0
    assert len(plan.writes) == 2


def test_cli_import_as_a_clerk_runs_it(tmp_path):
    db = tmp_path / "township.sqlite"
    file = build_messy_roster(tmp_path / "白鹤村.xlsx")
    report = tmp_path / "结果.xlsx"
    dry = wuzha("--db", str(db), "import", "households", str(file), "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "预览（未写入）：可新增 11 户" in dry.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM household").fetchone()[0] == 0

    done = wuzha("--db", str(db), "import", "households", str(file), "--report", str(report))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "已导入：新增 11 户，更新 0 户" in done.stdout
    assert "行：导入 11 行，已更新 0 行，跳过 0 行，拒绝 5 行；规范化 7 行" in done.stdout
    assert "第12行 身份证号码：校验位错误" in done.stdout
    assert "第15行：与第5行是同一户主（身份证号码相同）" in done.stdout
    assert WANG not in done.stdout + done.stderr
    assert report.exists() and "逐行结果已写入" in done.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM household").fetchone()[0] == 11
        villages = conn.execute(
            "SELECT name FROM unit WHERE kind = 'village' ORDER BY id"
        ).fetchall()
        assert villages == [("白鹤村",), ("新丰村",)]

    template = tmp_path / "模板.xlsx"
    made = wuzha("--db", str(db), "template", "households", str(template))
    assert made.returncode == 0 and template.exists()
    no_village = tmp_path / "no-village.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["户主姓名", "身份证号码"])
    workbook.active.append(["张三", WANG])
    workbook.save(no_village)
    refused = wuzha("--db", str(db), "import", "households", str(no_village))
    assert refused.returncode == 1 and "--village" in refused.stderr
    given = wuzha("--db", str(db), "import", "households", str(no_village), "--village", "白鹤村")
    assert given.returncode == 0 and "跳过 1 行" in given.stdout  # 王建国 is already there


def test_family_numbers_are_per_village_and_members_follow_their_head(engine, tmp_path):
    file = tmp_path / "两村花名册.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["村居", "户号", "姓名", "与户主关系", "身份证号码"])
    sheet.append(["桃源村", 1, "张三", "户主", id_of(date(1960, 1, 1), 11)])
    sheet.append([None, 1, "李四", "配偶", id_of(date(1961, 1, 1), 22)])
    sheet.append(["白鹤村", 1, "王五", "户主", id_of(date(1962, 1, 1), 31)])
    sheet.append([None, 1, "王小", "子女", id_of(date(1990, 1, 1), 41)])
    sheet.append(["桃源村", 1, "张小", "孙女", id_of(date(2012, 1, 1), 52)])
    sheet.append([None, 2, "赵六", "户主", id_of(date(1963, 1, 1), 61)])  # no village at all
    workbook.save(file)
    plan = run_to_end(preview_household_import(engine, file, RosterOptions(create_missing=True)))
    sizes = {(h.village, h.head.name): h.size for h in plan.writes}
    assert sizes == {("桃源村", "张三"): 3, ("白鹤村", "王五"): 2}
    assert plan.rows[-1].reason.startswith("村居：未填写")
    assert [plan.count(s) for s in ("imported", "rejected")] == [5, 1]


@pytest.mark.parametrize("rebuild_from", [1, 10_000])
def test_the_search_index_knows_imported_households(engine, tmp_path, monkeypatch, rebuild_from):
    # a big import drops the index's triggers and rebuilds it once; a small one keeps them
    monkeypatch.setattr(roster_write, "REBUILD_FROM", rebuild_from)
    seed_village(engine)
    file = build_messy_roster(tmp_path / "roster.xlsx")
    run_to_end(import_households(engine, file, "clerk", RosterOptions(create_missing=True)))
    with sqlite3.connect(engine.url.database) as conn:
        indexed = conn.execute("SELECT count(*) FROM household_search").fetchone()[0]
        texts = [t for (t,) in conn.execute("SELECT text FROM household_search")]
        triggers = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
        assert triggers.fetchone()[0] > 0  # back after a rebuild
    assert indexed == 11 and any("韩梅梅" in t for t in texts)
